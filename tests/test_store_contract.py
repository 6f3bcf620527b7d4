"""The store contract (``smallclaw_core.storage``), the same tests on every store: the file store and PostgreSQL.

Each store is opened the way SmallClaw opens it, through ``[store] url`` and the
``register_stores`` registry; "another process" is a second app on the same data. What
is tested is what the runner, the gateway, the CLI and the watcher rely on: documents
and their legal transitions, read-modify-write under the task's lock, claims that skip
a locked task instead of waiting, journal numbering, leases that fence a runner's writes, the
change stamp and feed, sessions.
"""

from __future__ import annotations

import itertools
import os
import threading
import time

import anyio
import pytest

from smallclaw_core import IllegalTransition, LeaseLost, Message, TaskNotFound
from smallclaw_core.app import App
from smallclaw_core.storage import DELIVER, RUN, Claim
from smallclaw_core.tasks import STATUSES, TRANSITIONS, Delivery, JournalEntry, Lease, Step, Task

ILLEGAL = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if b not in TRANSITIONS[a]]


@pytest.fixture
def open_app(tmp_path, store_url):
    """``open_app()``: an app on the store under test; each call is another process's view."""
    def build(host: str = "here") -> App:
        plugins = ["postgres"] if store_url else []
        return App.load(tmp_path / "home", only=plugins,
                        overrides={"store": {"url": store_url, "durable": False}, "workspace": {"host": host}})
    return build


@pytest.fixture
def store(open_app):
    return open_app().store


def make(store, task_id: str = "t1", **fields) -> Task:
    return store.create(Task(id=task_id, title=f"title {task_id}", goal=f"goal {task_id}", **fields))


# --- documents ---------------------------------------------------------------------------


def test_the_store_is_the_one_the_url_names(open_app, store_url):
    app = open_app()
    assert ("PostgreSQL" in app.store.describe()) == bool(store_url)
    assert app.store.migrate()


def test_a_document_round_trips_and_get_hands_out_copies(store):
    task = Task(id="t1", title="round trip", goal="keep ünïcode and \"quotes\"\nand lines",
                steps=[Step("one", check="file_exists: a.txt"), Step("two", state="done", notes=["n"])],
                pending_deliveries=[Delivery("complete", 3, "ab")], lease=Lease("h:1:x", 12.5), host="h")
    store.create(task)
    got = store.get("t1")
    assert got == task
    got.steps[0].notes.append("changed")
    got.title = "changed"
    assert store.get("t1") == task


def test_unknown_ids_and_prefixes(store):
    make(store, "abc1")
    make(store, "abc2")
    make(store, "xyz")
    assert store.resolve_id("xy") == "xyz"
    assert store.resolve_id("abc1") == "abc1"
    with pytest.raises(TaskNotFound) as found:
        store.resolve_id("abc")  # two match
    assert set(found.value.close_matches) == {"abc1", "abc2"}
    with pytest.raises(TaskNotFound) as found:
        store.get("abc3")
    assert "abc1" in found.value.close_matches
    for bad in ("", "../etc", ".quarantine", "a/b"):
        with pytest.raises(TaskNotFound):
            store.get(bad)
    assert store.ids() == ["abc1", "abc2", "xyz"]


def test_list_filters_by_status_and_sorts_oldest_first(store):
    for i, status in enumerate(["queued", "paused", "queued", "complete"]):
        make(store, f"t{i}", status=status, created_at=100.0 - i)
    assert [t.id for t in store.list()] == ["t3", "t2", "t1", "t0"]
    assert [t.id for t in store.list("queued")] == ["t2", "t0"]
    assert [t.id for t in store.list(("paused", "complete"))] == ["t3", "t1"]


@pytest.mark.parametrize("current, wanted", ILLEGAL[:12])
def test_an_illegal_transition_through_the_store_writes_nothing(store, current, wanted):
    make(store, status=current)
    with pytest.raises(IllegalTransition):
        store.update("t1", lambda t: t.set_status(wanted))
    assert store.get("t1").status == current


def test_an_update_whose_change_raises_writes_nothing(store):
    make(store)

    def change(task: Task) -> None:
        task.title = "half-made"
        raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        store.update("t1", change)
    assert store.get("t1").title == "title t1"
    with pytest.raises(TaskNotFound):
        store.update("nope", lambda t: None)


def test_a_change_made_by_another_process_is_seen_at_once(open_app):
    mine, theirs = open_app().store, open_app().store
    make(mine)
    for n in range(1, 30):
        # the same size each time, faster than a file system's timestamps move
        (mine if n % 2 else theirs).update("t1", lambda t: setattr(t, "rounds", n % 10))
        assert mine.get("t1").rounds == n % 10
        assert theirs.get("t1").rounds == n % 10
        assert [t.rounds for t in theirs.list()] == [n % 10]


def test_threads_of_one_process_lose_no_update(store):
    make(store)

    def work() -> None:
        for _ in range(50):
            store.update("t1", lambda t: setattr(t, "rounds", t.rounds + 1))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("t1").rounds == 200


def test_delete_removes_the_task_and_its_journal(store):
    make(store)
    store.append("t1", JournalEntry(kind="note"))
    store.delete("t1")
    for read in (lambda: store.get("t1"), lambda: store.journal("t1"), lambda: store.journal_tail("t1", 3)):
        with pytest.raises(TaskNotFound):
            read()
    assert store.list() == [] and store.ids() == []


def test_recover_reports_nothing_on_a_sound_store(store):
    make(store)
    assert store.recover() == []


# --- the journal ---------------------------------------------------------------------------


def test_appends_number_on_across_processes_and_read_after_a_seq(open_app):
    mine, theirs = open_app().store, open_app().store
    make(mine)
    seqs = [(mine if i % 3 else theirs).append("t1", JournalEntry(kind="note", data={"n": i}), sync=i % 2 == 0).seq
            for i in range(20)]
    assert seqs == list(range(1, 21))
    everything = theirs.journal("t1")
    assert [e.data["n"] for e in everything] == list(range(20))
    assert [e.seq for e in mine.journal("t1", after=15)] == [16, 17, 18, 19, 20]
    assert [e.seq for e in mine.journal("t1", after=3, limit=2)] == [4, 5]
    assert [e.seq for e in mine.journal_tail("t1", 3)] == [18, 19, 20]
    assert mine.journal("t1", after=20) == []
    assert everything[0] == JournalEntry(kind="note", data={"n": 0}, seq=1, ts=everything[0].ts)
    with pytest.raises(TaskNotFound):
        mine.append("nope", JournalEntry(kind="note"))
    with pytest.raises(TaskNotFound):
        mine.journal("nope")


def test_entries_keep_their_step_round_and_odd_data(store):
    make(store)
    store.append("t1", JournalEntry(kind="tool_call", data={"args": {"a": [1, 2.5, None, True]}, "t": "é\n\t"},
                                    step=2, round=7))
    store.append("t1", JournalEntry(kind="note", data={"call": Step("attrs value")}))
    first, second = store.journal("t1")
    assert (first.kind, first.step, first.round) == ("tool_call", 2, 7)
    assert first.data == {"args": {"a": [1, 2.5, None, True]}, "t": "é\n\t"}
    assert second.data["call"]["description"] == "attrs value"


# --- claims and leases -------------------------------------------------------------------


def claim_for(owner: str, host: str = "here", **kw) -> Claim:
    return Claim(owner=owner, host=host, seconds=30.0, **kw)


def live(name: str) -> str:
    """An owner on "here" whose process is alive (this one), so its lease is not taken over."""
    return f"here:{os.getpid()}:{name}"


def take(claim: Claim):
    def change(task: Task) -> bool:
        if not claim.takes(task):
            return False
        task.take_lease(claim.owner, time.time() + claim.seconds)
        task.host = claim.host
        return True
    return change


def test_claims_take_free_tasks_oldest_first_up_to_the_limit(store):
    for i in range(4):
        make(store, f"t{i}", created_at=10.0 + i)
    make(store, "done", status="complete", created_at=1.0)
    first = claim_for(live("a"), limit=2)
    assert [t.id for t in store.claim(first, take(first))] == ["t0", "t1"]
    second = claim_for(live("b"), limit=5)
    assert [t.id for t in store.claim(second, take(second))] == ["t2", "t3"]  # t0, t1 are leased
    third = claim_for(live("c"), limit=5)
    assert store.claim(third, take(third)) == []
    assert store.get("t0").lease.owner == live("a") and store.get("t0").host == "here"
    skipping = claim_for(live("a"), limit=5, skip=frozenset({"t0"}))
    assert [t.id for t in store.claim(skipping, take(skipping))] == ["t1"]  # its own lease, not skipped


def test_an_expired_lease_is_taken_and_a_pinned_task_waits_for_its_host(store):
    make(store, "old", status="running", lease=Lease("far:1:x", time.time() - 1), host="far")
    make(store, "mine", status="running", lease=Lease("far:1:x", time.time() - 1), host="here")
    pinned = claim_for(live("a"), limit=5)
    assert [t.id for t in store.claim(pinned, take(pinned))] == ["mine"]  # "old" has its files on "far"
    shared = claim_for(live("a"), limit=5, shared=True, skip=frozenset({"mine"}))
    assert [t.id for t in store.claim(shared, take(shared))] == ["old"]
    assert store.get("old").host == "here"


def test_a_live_lease_of_another_host_is_never_taken(store):
    make(store, "t1", status="running", lease=Lease("far:1:x", time.time() + 60))
    claim = claim_for(live("a"), shared=True, limit=5)
    assert store.claim(claim, take(claim)) == []


def test_delivery_claims_take_tasks_owing_deliveries_on_any_host(store):
    make(store, "owes", status="complete", pending_deliveries=[Delivery("complete", 1)], host="far")
    make(store, "clear", status="complete", host="far")
    claim = claim_for(live("a"), kind=DELIVER, limit=5)
    assert [t.id for t in store.claim(claim, take(claim))] == ["owes"]


def test_a_claim_skips_a_task_another_process_holds_locked_without_waiting(open_app):
    mine, theirs = open_app().store, open_app().store
    make(mine, "busy", created_at=1.0)
    make(mine, "free", created_at=2.0)
    holding, release = threading.Event(), threading.Event()

    def slow_change(task: Task) -> None:
        holding.set()
        release.wait(10)
        task.rounds += 1

    holder = threading.Thread(target=lambda: theirs.update("busy", slow_change))
    holder.start()
    try:
        assert holding.wait(10)
        claim = claim_for(live("a"), limit=2)
        started = time.monotonic()
        taken = mine.claim(claim, take(claim))
        assert time.monotonic() - started < 2.0
        assert [t.id for t in taken] == ["free"]
    finally:
        release.set()
        holder.join()
    assert mine.get("busy").rounds == 1


def test_claims_from_many_threads_and_two_processes_take_each_task_once(open_app):
    stores = [open_app().store, open_app().store]
    for i in range(30):
        make(stores[0], f"t{i:02d}", created_at=float(i))
    taken: list[tuple[str, str]] = []
    lock = threading.Lock()

    def runner(n: int) -> None:
        store = stores[n % 2]
        mine: set[str] = set()
        while True:
            claim = claim_for(live(str(n)), limit=2, skip=frozenset(mine))
            got = store.claim(claim, take(claim))
            if not got and not any(t.lease is None for t in store.list()):
                return
            mine.update(t.id for t in got)
            with lock:
                taken.extend((t.id, claim.owner) for t in got)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(task_id for task_id, _ in taken) == [f"t{i:02d}" for i in range(30)]
    for task_id, owner in taken:
        assert stores[1].get(task_id).lease.owner == owner


# --- fencing: a runner writes under its lease ---------------------------------------------------


def test_every_lease_is_newer_than_the_last_and_a_renewal_keeps_it(open_app):
    app = open_app()
    task = app.tasks.create("goal", ["one"])
    [taken] = app.tasks.claim(Claim(live("a"), "here", 30.0))
    first = taken.lease
    assert first.epoch == 1 and app.store.get(task.id).lease == first
    assert app.tasks.renew(task.id, first, 60.0)
    renewed = app.store.get(task.id).lease
    assert (renewed.owner, renewed.epoch) == (first.owner, 1) and renewed.expires > first.expires
    app.tasks.release(task.id, live("a"))
    assert app.store.get(task.id).lease is None and app.store.get(task.id).lease_epoch == 1
    [again] = app.tasks.claim(Claim(live("a"), "here", 30.0))
    assert again.lease.epoch == 2  # the same owner, a new lease: what it held before is fenced off
    with pytest.raises(LeaseLost):
        app.tasks.renew(task.id, first, 30.0)
    assert open_app().store.get(task.id).lease == again.lease


def test_a_runner_s_writes_are_refused_once_its_lease_was_taken_over(open_app):
    alpha, beta = open_app("alpha"), open_app("beta")
    task = alpha.tasks.create("goal", ["one"])
    other = alpha.tasks.create("another goal", ["one"])
    [taken] = alpha.tasks.claim(Claim("alpha:1:a", "alpha", 1.0, RUN, shared=True, limit=1))
    lease = taken.lease
    alpha.store.append(task.id, JournalEntry(kind="note", data={"by": "alpha"}), lease=lease)
    # alpha stalls past its lease, and beta takes the task over
    [over] = beta.tasks.claim(Claim("beta:1:b", "beta", 30.0, RUN, shared=True, now=time.time() + 5))
    assert over.id == task.id and over.lease.epoch == lease.epoch + 1
    doc, entries = beta.store.get(task.id), beta.store.journal(task.id)
    with pytest.raises(LeaseLost, match=f"lease 1 of alpha:1:a is no longer the task's .beta:1:b holds lease 2"):
        alpha.store.append(task.id, JournalEntry(kind="note", data={"by": "alpha"}), lease=lease)
    changed = []
    with pytest.raises(LeaseLost):
        alpha.store.update(task.id, lambda t: changed.append(t), lease=lease)
    with pytest.raises(LeaseLost):
        alpha.tasks.renew(task.id, lease, 30.0)
    alpha.tasks.release(task.id, "alpha:1:a")  # what is no longer its own is not let go
    with alpha.tasks.driving(task.id, lease):  # how the runner writes: every write carries the lease
        with pytest.raises(LeaseLost):
            alpha.tasks.journal(task.id, "model_call", {"by": "alpha"})
        with pytest.raises(LeaseLost):
            alpha.tasks.update(task.id, lambda t: setattr(t, "rounds", 7))
        with pytest.raises(LeaseLost):
            alpha.tasks.stop_running(task.id, "needs_assistance", "stalled")
        alpha.tasks.journal(other.id, "note", {"by": "alpha"})  # the lease is the one task's only
    assert changed == []
    assert beta.store.get(task.id) == doc and beta.store.journal(task.id) == entries
    # the lease's holder writes; the user's writes carry no lease and are never refused
    with beta.tasks.driving(task.id, over.lease):
        beta.tasks.journal(task.id, "note", {"by": "beta"})
        beta.tasks.update(task.id, lambda t: setattr(t, "rounds", 1))
    alpha.tasks.pause(task.id)
    alpha.tasks.journal(task.id, "note", {"by": "the user"})
    assert [e.data.get("by") for e in alpha.store.journal(task.id) if e.kind == "note"] == ["alpha", "beta", "the user"]
    assert alpha.store.get(task.id).pause_requested and alpha.store.get(task.id).lease == over.lease


def test_the_entries_that_follow_a_runner_s_stop_are_written_until_a_new_lease_is_given(open_app):
    """Stopping a task lets its lease go in the same write (paused, complete...): the entries saying
    so, written next under that lease, are taken; once another lease is given they are refused."""
    app = open_app()
    task = app.tasks.create("goal", ["one"])
    [taken] = app.tasks.claim(Claim(live("a"), "here", 30.0, RUN))
    with app.tasks.driving(task.id, taken.lease):
        app.tasks.stop_running(task.id, "needs_assistance", "which file?")
        with pytest.raises(LeaseLost, match="it was let go"):
            app.tasks.update(task.id, lambda t: setattr(t, "rounds", 7))  # the document is no longer its to change
    assert app.store.get(task.id).lease is None and app.store.get(task.id).rounds == 0
    assert [e.data.get("reason") for e in app.store.journal(task.id) if e.kind == "pause"] == ["which file?"]
    app.tasks.resume(task.id)
    [again] = app.tasks.claim(Claim(live("b"), "here", 30.0, RUN))
    app.tasks.complete(task.id, "done")  # let go again, under the newer lease
    with pytest.raises(LeaseLost, match="lease 2 was given since"):
        app.store.append(task.id, JournalEntry(kind="note"), lease=taken.lease)
    app.store.append(task.id, JournalEntry(kind="note"), lease=again.lease)


def test_a_write_racing_a_takeover_waits_for_it_and_is_refused(open_app):
    mine, theirs = open_app().store, open_app().store
    make(mine, "t1", status="running")
    lease = mine.update("t1", lambda t: t.take_lease("a:1:x", time.time() + 30)).lease
    holding, release = threading.Event(), threading.Event()

    def slow_takeover(task: Task) -> None:
        holding.set()
        release.wait(10)
        task.take_lease("b:1:y", time.time() + 30)

    holder = threading.Thread(target=lambda: theirs.update("t1", slow_takeover))
    holder.start()
    outcome: list[str] = []

    def write() -> None:
        try:
            mine.append("t1", JournalEntry(kind="tool_result"), lease=lease)
            outcome.append("written")
        except LeaseLost:
            outcome.append("refused")

    try:
        assert holding.wait(10)
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)
        assert outcome == []  # the check is made under the task's lock, with the write
    finally:
        release.set()
        holder.join()
    writer.join(10)
    assert outcome == ["refused"] and mine.journal("t1") == []


# --- noticing changes ----------------------------------------------------------------------


def test_the_change_stamp_moves_on_every_write(open_app):
    mine, theirs = open_app().store, open_app().store
    before = theirs.changes_stamp()
    make(mine)
    created = theirs.changes_stamp()
    mine.update("t1", lambda t: setattr(t, "rounds", 1))
    updated = theirs.changes_stamp()
    mine.delete("t1")
    assert len({before, created, updated, theirs.changes_stamp()}) == 4


def test_a_task_s_updated_at_grows_with_every_write_even_when_the_clock_stands_still(open_app, monkeypatch):
    # the board keeps, of two views of a task, the one written later: it compares updated_at
    import smallclaw_core.tasks

    mine, theirs = open_app().store, open_app().store
    make(mine)
    monkeypatch.setattr(smallclaw_core.tasks, "now", lambda: 1000.0)
    seen = [theirs.get("t1").updated_at]
    for rounds in range(1, 4):
        mine.update("t1", lambda t: setattr(t, "rounds", rounds))
        seen.append(theirs.get("t1").updated_at)
    assert seen == sorted(set(seen)) and len(seen) == 4, seen


def test_the_feed_reports_another_process_s_changes(open_app):
    mine, theirs = open_app().store, open_app().store

    async def follow() -> list:
        seen = []
        async with theirs.watch(0.2) as feed:
            make(mine)
            mine.append("t1", JournalEntry(kind="note"))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                changes = await feed.wait()
                if changes is None:  # the feed cannot say what: look at everything
                    return [None]
                seen.extend(changes)
                if any(c.seq == 1 for c in seen):
                    return seen
        return seen

    seen = anyio.run(follow)
    assert seen == [None] or {(c.task_id, c.seq) for c in seen} >= {("t1", 1)} \
        and any(c.task_id == "t1" and c.updated_at == mine.get("t1").updated_at for c in seen)


# --- sessions ------------------------------------------------------------------------------


def test_sessions_append_read_and_follow(open_app):
    mine, theirs = open_app().sessions, open_app().sessions
    assert not mine.exists("web_1") and mine.records("web_1") == [] and mine.read_from("web_1", 0) == ([], 0)
    mine.append("web_1", Message("user", "hello"))
    mine.append("web_1", Message("assistant", "hi"), sync=False, round=2)
    mine.append_record("web_1", {"drop_round": 2})
    theirs.sync("web_1")
    assert [m.content for m in theirs.history("web_1")] == ["hello", "hi"]
    assert theirs.records("web_1")[1]["round"] == 2 and theirs.records("web_1")[2] == {"drop_round": 2}
    first, position = theirs.read_from("web_1", 0)
    assert len(first) == 3
    assert theirs.read_from("web_1", position) == ([], position)
    mine.append("web_1", Message("assistant", "more"), delivery="t1:complete:3", task_id="t1")
    later, _ = theirs.read_from("web_1", position)
    assert [r["message"]["content"] for r in later] == ["more"]
    assert theirs.has_delivery("web_1", "t1:complete:3") and not theirs.has_delivery("web_1", "t1:complete:4")
    mine.append("task_t1", Message("user", "x"))
    mine.append("cli:7", Message("user", "y"))
    assert theirs.keys() == ["cli_7", "task_t1", "web_1"]
    assert theirs.records("cli:7") == theirs.records("cli_7")
    summaries = theirs.summaries()
    assert [s["key"] for s in summaries][0] == "cli_7" and all(s["bytes"] > 0 for s in summaries)
    assert [s["key"] for s in theirs.summaries("web")] == ["web_1"]
    with pytest.raises(ValueError):
        mine.append("bad key/..", Message("user", "x"))


# --- the control API on the store -------------------------------------------------------------


def test_the_control_api_claims_runs_and_delivers_once_per_owner(open_app):
    here, there = open_app("alpha"), open_app("beta")
    task = here.tasks.create("goal", ["one"])
    claim = Claim("alpha:1:a", "alpha", 30.0, RUN, limit=3)
    assert [t.id for t in here.tasks.claim(claim)] == [task.id]
    assert there.tasks.get(task.id).status == "running" and there.tasks.get(task.id).host == "alpha"
    assert there.tasks.claim(Claim("beta:1:b", "beta", 30.0, RUN, shared=True)) == []
    here.tasks.complete(task.id, "done")
    assert there.tasks.hold_for_delivery(task.id, "beta:1:b", 30.0)
    assert not here.tasks.hold_for_delivery(task.id, "alpha:1:a", 30.0)  # beta holds it
    there.tasks.release(task.id, "beta:1:b")
    assert here.tasks.hold_for_delivery(task.id, "alpha:1:a", 30.0)
    kinds = [(e.kind, e.data.get("host")) for e in there.store.journal(task.id)]
    assert ("status", "alpha") in kinds
