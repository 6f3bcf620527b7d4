"""A runner that loses its lease stops driving the task at once, and nothing it writes lands after the takeover.

Two runners ("alpha" and "beta") in this process, each with its own app on one store (the
file store and PostgreSQL in turn), a shared workspace, and a scripted model each (a test
double) whose model name tells their journal entries apart. A stall is played by a model
call that blocks the event loop (as a loaded machine or a long synchronous stretch does)
and, where the whole process is meant to stall, a lease keeper whose renewals hang too.
"""

from __future__ import annotations

import logging
import threading
import time

import anyio
import pytest

from smallclaw_core import SmallClawError, hookimpl, tool
from smallclaw_core.app import App
from smallclaw_core.runner import Runner
from smallclaw_core.storage import RUN, Claim
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin, call, request_kind, verdict

LEASE = 1.0
ran: list[str] = []


@tool
def note(text: str) -> str:
    """Record a note (a test tool)."""
    ran.append(text)
    return f"noted: {text}"


class Tools:
    @hookimpl
    def register_tools(self, register):
        register(note)


def responder(name: str, stall=None):
    """A scripted model (a test double): one note a round, then done; ``stall(request)`` runs
    first on the first executor call."""
    calls = []

    async def respond(request):
        kind = request_kind(request)
        if kind == "verifier":
            return verdict(True, "the note is there")
        if kind == "summarizer":
            return f"{name} recorded the notes."
        calls.append(request)
        if len(calls) == 1 and stall is not None:
            await stall(request)
        if request.messages[-1].role == "tool":
            return "Done."
        return call("note", text=name)
    return respond


@pytest.fixture
def open_runner(tmp_path, store_url):
    """``open_runner(name, model)``: a runner on the store under test, as another process would be."""
    ran.clear()
    made: list[App] = []

    def build(name: str, model: ScriptedModel) -> Runner:
        plugins = ["runner", "postgres"] if store_url else ["runner"]
        app = App.load(tmp_path / "home", extra_plugins=[ScriptedModelPlugin(model), Tools()], only=plugins,
                       overrides={"models": {"executor": f"scripted:{name}"},
                                  "runner": {"lease_seconds": LEASE, "poll_interval": 0.05,
                                             "transport_backoff": 0.01},
                                  "store": {"url": store_url, "durable": False},
                                  "workspace": {"host": name, "shared": True}})
        made.append(app)
        return Runner(app, owner=f"{name}:1:{name[0]}")

    yield build


def in_thread(runner: Runner, timeout: float = 30.0) -> threading.Thread:
    """Run ``runner`` until idle in a thread of its own, as another process would."""
    thread = threading.Thread(target=lambda: anyio.run(runner.run_until_idle, timeout), daemon=True)
    thread.start()
    return thread


def takeover_seq(app: App, task_id: str, owner: str) -> int:
    """The seq of the journal entry where ``owner`` took the task."""
    return next(e.seq for e in app.store.journal(task_id) if e.kind == "status" and e.data.get("owner") == owner)


def written_by(app: App, task_id: str, name: str, after: int) -> list[str]:
    """What runner ``name``'s model and tools left in the journal after ``after``."""
    out = []
    for e in app.store.journal(task_id, after=after):
        if e.kind == "model_call" and e.data.get("model") == f"scripted:{name}":
            out.append(f"{e.seq} model_call")
        if e.kind == "tool_call" and e.data.get("arguments", {}).get("text") == name:
            out.append(f"{e.seq} tool_call")
    return out


def test_a_runner_stalled_past_its_lease_writes_nothing_after_the_takeover(open_runner, caplog):
    """The whole of alpha stalls in its round (event loop and lease renewals); beta takes the task
    over and finishes it; when alpha wakes up, its writes are refused and it stops."""
    called, wake = threading.Event(), threading.Event()

    async def stall(request):
        called.set()
        wake.wait(30)  # blocks alpha's event loop: nothing of alpha runs meanwhile

    alpha = open_runner("alpha", ScriptedModel(responder("alpha", stall)))
    frozen = threading.Event()
    alpha.leases.renew = lambda held: frozen.wait(30)  # its renewals stall with the rest of it
    beta = open_runner("beta", ScriptedModel(responder("beta")))
    task = alpha.app.tasks.create("take notes", ["record a note"])
    caplog.set_level(logging.WARNING, logger="smallclaw.runner")
    first = in_thread(alpha)
    try:
        assert called.wait(20)
        time.sleep(LEASE + 0.3)  # alpha's lease runs out while it is stalled
        anyio.run(beta.run_until_idle, 30.0)
        assert beta.app.store.get(task.id).status == "complete"
    finally:
        wake.set()
        frozen.set()
        first.join(30)
    assert not first.is_alive()
    taken = takeover_seq(beta.app, task.id, beta.owner)
    assert written_by(beta.app, task.id, "alpha", after=taken) == []
    assert written_by(beta.app, task.id, "beta", after=taken)  # beta's round is there
    assert ran == ["beta"]  # alpha's stalled round ran no tool
    done = [e.data["step"] for e in beta.app.store.journal(task.id) if e.kind == "step_done"]
    assert done == [0]
    lost = [r.getMessage() for r in caplog.records if "lost its lease" in r.getMessage()]
    assert len(lost) == 1 and task.id in lost[0], lost


def test_a_refused_renewal_cancels_the_round_in_flight(open_runner, caplog):
    """Alpha's model call is under way when beta takes the task over: alpha's next renewal is
    refused, and the model call is abandoned at once, not waited for."""
    called, abandoned = threading.Event(), threading.Event()

    async def slow(request):
        called.set()
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            abandoned.set()
            raise

    alpha = open_runner("alpha", ScriptedModel(responder("alpha", slow)))
    beta = open_runner("beta", ScriptedModel(responder("beta")))
    task = alpha.app.tasks.create("take notes", ["record a note"])
    caplog.set_level(logging.WARNING, logger="smallclaw.runner")
    first = in_thread(alpha)
    try:
        assert called.wait(20)
        # as if alpha's lease had run out: beta's claim looks from later on
        [over] = beta.app.tasks.claim(Claim(beta.owner, "beta", 30.0, RUN, shared=True, now=time.time() + 60))
        started = time.monotonic()
        assert abandoned.wait(10)
        assert time.monotonic() - started < LEASE * 2
    finally:
        first.join(30)
    assert not first.is_alive()
    taken = takeover_seq(beta.app, task.id, beta.owner)
    assert beta.app.store.journal(task.id, after=taken) == []  # nothing of alpha's round after it
    assert ran == []
    lost = [r.getMessage() for r in caplog.records if "lost its lease" in r.getMessage()]
    assert len(lost) == 1 and task.id in lost[0], lost
    assert beta.app.store.get(task.id).lease == over.lease
    anyio.run(beta.run_until_idle, 30.0)  # beta drives it from where alpha stopped
    assert beta.app.store.get(task.id).status == "complete" and ran == ["beta"]


def test_a_lease_that_runs_out_unrenewed_stops_the_round(open_runner, caplog):
    """Alpha cannot reach the store to renew its first lease: once that runs out (by its monotonic
    clock) it stops the round, before a runner that may take the task over could begin."""
    called, abandoned = threading.Event(), []

    async def slow(request):
        called.set()
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            abandoned.append(time.monotonic())
            raise

    alpha = open_runner("alpha", ScriptedModel(responder("alpha", slow)))
    renew = alpha.app.tasks.renew

    def unreachable(task_id, lease, seconds):
        if lease.epoch == 1:
            raise SmallClawError("the task store is out of reach")
        return renew(task_id, lease, seconds)

    alpha.app.tasks.renew = unreachable
    task = alpha.app.tasks.create("take notes", ["record a note"])
    caplog.set_level(logging.WARNING, logger="smallclaw.runner")
    started = time.monotonic()
    anyio.run(alpha.run_until_idle, 30.0)
    assert called.is_set() and len(abandoned) == 1
    assert LEASE <= abandoned[0] - started < LEASE + 2
    lost = [r.getMessage() for r in caplog.records if "lost its lease" in r.getMessage()]
    assert len(lost) == 1 and "ran out" in lost[0], lost
    # the store could be reached again: the task was taken afresh (a new lease) and finished
    epochs = [e.data.get("epoch") for e in alpha.app.store.journal(task.id) if e.data.get("owner") == alpha.owner]
    assert epochs == [1, 2] and alpha.app.store.get(task.id).status == "complete"


def test_a_busy_event_loop_does_not_lose_a_live_runners_lease(open_runner):
    """Alpha's event loop is blocked for three leases; its lease is renewed all the same, so beta,
    looking for work all the while, never takes the task."""
    called = threading.Event()

    async def blocking(request):
        called.set()
        time.sleep(LEASE * 3)  # a synchronous stretch: nothing else on alpha's event loop runs

    alpha = open_runner("alpha", ScriptedModel(responder("alpha", blocking)))
    beta = open_runner("beta", ScriptedModel(responder("beta")))
    task = alpha.app.tasks.create("take notes", ["record a note"])
    first = in_thread(alpha)
    taken = []
    assert called.wait(20)
    deadline = time.monotonic() + LEASE * 3
    while time.monotonic() < deadline:
        taken += beta.app.tasks.claim(Claim(beta.owner, "beta", 30.0, RUN, shared=True))
        time.sleep(0.1)
    first.join(30)
    assert taken == []
    assert alpha.app.store.get(task.id).status == "complete"
    assert ran == ["alpha"]
    statuses = [e.data for e in alpha.app.store.journal(task.id) if e.kind == "status"]
    assert {s.get("owner") for s in statuses} == {None, alpha.owner}
    assert statuses[-1]["status"] == "complete"  # written after the write that let the lease go
