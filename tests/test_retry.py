"""The retry policy: an unreachable model server is retried with back-off; a model process that died,
once and at once, on a fresh process, before the task pauses with the cause."""

from __future__ import annotations

import anyio
import pytest

from smallclaw_core import ModelProcessDied, TransportError
from smallclaw_core.runner import Runner
from smallclaw_core.runner.retry import GaveUp, RetryPolicy, gave_up_reason, retrying
from smallclaw_core.testing import outage, verdict

DIED = "the model process stopped: illegal instruction (SIGILL) — llama.cpp was built for CPU features this " \
       "machine does not run; rebuild it portable with: ..."


def died() -> ModelProcessDied:
    return ModelProcessDied(DIED)


def test_a_dead_model_process_gets_one_more_attempt_and_no_wait():
    policy = RetryPolicy(attempts=3, base=4.0)
    assert not policy.gives_up(1, died()) and policy.gives_up(2, died())
    assert policy.delay(1, died()) == 0.0
    # an unreachable server keeps its three attempts and its back-off
    assert not policy.gives_up(2, TransportError("refused")) and policy.gives_up(3, TransportError("refused"))
    assert 3.2 <= policy.delay(1, TransportError("refused")) <= 4.8
    # no retries asked for: none for a dead process either
    assert RetryPolicy(attempts=1).gives_up(1, died())


def test_the_reason_names_the_cause_not_an_unreachable_server():
    assert gave_up_reason(died(), 2).startswith(DIED)
    assert "the last on a fresh model process" in gave_up_reason(died(), 2)
    assert "could not be reached" not in gave_up_reason(died(), 2)
    assert gave_up_reason(TransportError("refused"), 3, "the verifier") == \
        "the verifier could not be reached after 3 attempts: refused"


def test_retrying_stops_after_the_second_death():
    calls = []

    async def once():
        calls.append(1)
        raise died()

    async def main():
        with anyio.fail_after(5), pytest.raises(GaveUp) as caught:  # a back-off of 30 s would fail this
            await retrying(once, RetryPolicy(attempts=3, base=30.0), (TransportError,))
        return caught.value

    gave_up = anyio.run(main)
    assert len(calls) == 2 and gave_up.attempts == 2
    assert gave_up.reason("the verifier").startswith(DIED)


def run(app, timeout=20):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


def test_a_round_whose_model_process_died_runs_again_and_completes(make_app):
    app, model = make_app(only=["runner"], runner={"transport_backoff": 30.0})
    model.enqueue_for("executor", died(), "done")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["s"])
    run(app)  # within 20 s: the retry did not wait for the 30 s back-off
    task = app.store.get(task.id)
    assert task.status == "complete"
    errors = [e.data for e in app.store.journal(task.id) if e.kind == "error"]
    assert errors == [{"kind": "transport", "message": DIED, "attempt": 1, "retry_in": 0.0}]


def test_a_second_death_pauses_the_task_with_the_cause(make_app):
    app, model = make_app(only=["runner"])
    model.enqueue_for("executor", died(), died(), "never asked for")
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert task.pause_reason.startswith(DIED), task.pause_reason
    assert len(model.requests_for("executor")) == 2


def test_a_verifier_whose_model_process_dies_twice_pauses_with_the_cause(make_app):
    app, model = make_app(only=["runner"])
    model.enqueue_for("executor", "done")
    model.enqueue_for("verifier", died(), died())
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and task.steps[0].state != "done"
    assert task.pause_reason.startswith(DIED)


def test_other_transport_errors_keep_three_attempts(make_app):
    app, model = make_app(only=["runner"])
    model.enqueue_for("executor", *outage(3))
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert "could not be reached after 3 attempts" in task.pause_reason
