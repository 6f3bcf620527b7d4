"""The task state machine and the control API every channel uses (create, pause, resume, cancel, ...)."""

from __future__ import annotations

import itertools

import pytest

from smallclaw_core import IllegalTransition, TaskNotFound
from smallclaw_core.app import App
from smallclaw_core.control import InvalidRequest, MAX_STEPS
from smallclaw_core.tasks import (
    FINISHED, STATUSES, TRANSITIONS, Step, Task, can_transition, make_title, new_task_id,
)

ILLEGAL = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if b not in TRANSITIONS[a]]
LEGAL = [(a, b) for a in STATUSES for b in sorted(TRANSITIONS[a])]


def test_the_transition_table_covers_every_status():
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(targets <= set(STATUSES) for targets in TRANSITIONS.values())
    assert all(not TRANSITIONS[s] for s in FINISHED)  # finished is final
    assert len(ILLEGAL) + len(LEGAL) == len(STATUSES) ** 2


@pytest.mark.parametrize("current, wanted", ILLEGAL)
def test_every_illegal_transition_is_rejected(current, wanted):
    task = Task(id="t1", title="t", goal="g", status=current)
    with pytest.raises(IllegalTransition) as caught:
        task.set_status(wanted)
    assert task.status == current
    assert str(caught.value) == f"task t1 is {current}; it cannot become {wanted}"
    assert not can_transition(current, wanted)


@pytest.mark.parametrize("current, wanted", LEGAL)
def test_every_legal_transition_is_allowed(current, wanted):
    task = Task(id="t1", title="t", goal="g", status=current)
    task.set_status(wanted, "because")
    assert task.status == wanted
    assert can_transition(current, wanted)


@pytest.mark.parametrize("current, wanted", ILLEGAL)
def test_an_illegal_transition_through_the_store_writes_nothing(tmp_path, current, wanted):
    app = App.load(tmp_path, only=[])
    task = app.tasks.create("do something")
    app.store.update(task.id, lambda t: setattr(t, "status", current))
    with pytest.raises(IllegalTransition):
        app.tasks.update(task.id, lambda t: t.set_status(wanted))
    assert app.tasks.get(task.id).status == current


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown status 'done'"):
        Task(id="t1", title="t", goal="g").set_status("done")


def test_status_changes_keep_their_bookkeeping():
    task = Task(id="t1", title="t", goal="g")
    task.set_status("running")
    started = task.started_at
    assert started is not None
    task.set_status("needs_assistance", "the verifier said NO three times")
    assert task.pause_reason == "the verifier said NO three times"
    task.set_status("queued")
    assert task.pause_reason is None
    task.set_status("running")
    assert task.started_at == started  # the first start is kept
    task.set_status("failed", "the model server is gone")
    assert task.error == "the model server is gone" and task.finished_at is not None and task.finished


def test_ids_and_titles():
    ids = {new_task_id() for _ in range(200)}
    assert len(ids) == 200 and all(i.isalnum() and i.islower() for i in ids)
    assert make_title("Write a report\nwith details") == "Write a report"
    assert make_title("x" * 100).endswith("…") and len(make_title("x" * 100)) == 60
    assert make_title("   ") == "Untitled task"


# --- the control API ---------------------------------------------------------------


@pytest.fixture
def app(tmp_path, store_url) -> App:
    """An app on each store in turn (the file store, PostgreSQL): the control API is the same on both."""
    return App.load(tmp_path, only=["postgres"] if store_url else [], overrides={"store": {"url": store_url}})


def test_create_keeps_the_goal_verbatim_and_journals(app):
    goal = "  Summarise notes.md\ninto summary.md, keeping the headings  "
    task = app.tasks.create(goal, ["Read notes.md", "Write summary.md"], checks=[None, "file_exists: summary.md"])
    stored = app.tasks.get(task.id)
    assert stored.goal == goal.strip()
    assert stored.title == "Summarise notes.md"
    assert [s.description for s in stored.steps] == ["Read notes.md", "Write summary.md"]
    assert [s.check for s in stored.steps] == [None, "file_exists: summary.md"]
    assert stored.status == "queued" and stored.origin.channel == "cli"
    assert [(e.seq, e.kind) for e in app.store.journal(task.id)] == [(1, "status"), (2, "plan_change")]


@pytest.mark.parametrize("goal, steps, message", [
    ("", [], "a task needs a goal"),
    ("   ", [], "a task needs a goal"),
    ("g", ["a", " "], "a step cannot be empty"),
    ("g", ["s"] * (MAX_STEPS + 1), f"at most {MAX_STEPS} steps"),
])
def test_create_refuses_bad_requests(app, goal, steps, message):
    with pytest.raises(InvalidRequest, match=message):
        app.tasks.create(goal, steps)
    assert app.tasks.list() == []


def test_pause_resume_cancel_delete(app):
    task = app.tasks.create("g", ["a"])
    paused = app.tasks.pause(task.id, "lunch")
    assert paused.status == "paused" and paused.pause_reason == "lunch"
    resumed = app.tasks.resume(task.id, "use the other folder")
    assert resumed.status == "queued" and resumed.pause_reason is None
    assert resumed.resume_context == ["use the other folder"]
    assert resumed.pending_notes == ["use the other folder"]
    with pytest.raises(IllegalTransition, match="is queued; it cannot become resumed"):
        app.tasks.resume(task.id)
    cancelled = app.tasks.cancel(task.id)
    assert cancelled.status == "cancelled"
    with pytest.raises(IllegalTransition, match="is cancelled; it cannot become paused"):
        app.tasks.pause(task.id)
    with pytest.raises(IllegalTransition, match="is cancelled; it cannot become cancelled"):
        app.tasks.cancel(task.id)
    kinds = [e.kind for e in app.store.journal(task.id)]
    assert kinds == ["status", "plan_change", "pause", "resume", "status"]
    app.tasks.delete(task.id)
    with pytest.raises(TaskNotFound):
        app.tasks.get(task.id)


def test_pausing_a_running_task_waits_for_the_round_boundary(app):
    task = app.tasks.create("g", ["a"])
    app.tasks.update(task.id, lambda t: t.set_status("running"))
    paused = app.tasks.pause(task.id)
    assert paused.status == "running" and paused.pause_requested
    # resuming before the round ends withdraws the request
    resumed = app.tasks.resume(task.id)
    assert resumed.status == "running" and not resumed.pause_requested
    with pytest.raises(IllegalTransition, match="cancel it first"):
        app.tasks.delete(task.id)


def test_resume_with_approval_decides_the_waiting_command(app):
    task = app.tasks.create("g", ["a"])

    def wait_for_approval(t: Task) -> None:
        t.set_status("running")
        t.set_status("needs_assistance", "wants to run rm -rf build")
        t.awaiting_approval = "rm -rf build"

    app.tasks.update(task.id, wait_for_approval)
    approved = app.tasks.resume(task.id, approve=True)
    assert approved.approvals == ["rm -rf build"] and approved.awaiting_approval is None
    app.tasks.update(task.id, wait_for_approval)
    refused = app.tasks.resume(task.id, approve=False)
    assert refused.approvals == ["rm -rf build"]
    assert "refused to run: rm -rf build" in refused.pending_notes[-1]


def test_edit_plan_keeps_finished_steps(app):
    task = app.tasks.create("g", ["a", "b", "c"])

    def first_done(t: Task) -> None:
        t.steps[0].state = "done"
        t.current_step = 1

    app.tasks.update(task.id, first_done)
    app.tasks.pause(task.id)
    edited = app.tasks.edit_plan(task.id, ["B", "C", "D"], checks=["file_exists: b"])
    assert [(s.description, s.state) for s in edited.steps] == [
        ("a", "done"), ("B", "pending"), ("C", "pending"), ("D", "pending")]
    assert edited.steps[1].check == "file_exists: b" and edited.current_step == 1
    with pytest.raises(InvalidRequest):
        app.tasks.edit_plan(task.id, [])
    app.tasks.cancel(task.id)
    with pytest.raises(IllegalTransition, match="re-planned"):
        app.tasks.edit_plan(task.id, ["x"])


def test_every_change_is_announced_on_the_bus(app):
    start = app.bus.last_id
    task = app.tasks.create("g", ["a"])
    app.tasks.pause(task.id)
    app.tasks.cancel(task.id)
    app.tasks.delete(task.id)
    seen = app.bus.since(start)
    assert [e.id for e in seen] == sorted({e.id for e in seen})
    journal_seqs = [e.data["entry"]["seq"] for e in seen if e.type == "journal"]
    assert journal_seqs == [1, 2, 3, 4]
    task_events = [(e.type, e.data.get("task", {}).get("status"), e.data.get("previous_status"))
                   for e in seen if e.type in ("task", "task_deleted")]
    assert task_events == [
        ("task", "queued", None),
        ("task", "paused", "queued"),
        ("task", "cancelled", "paused"),
        ("task_deleted", None, None),
    ]


def test_unknown_ids_are_task_not_found_with_close_matches(app):
    task = app.tasks.create("g")
    wrong = task.id[:-1] + ("x" if task.id[-1] != "x" else "y")
    for action in (app.tasks.get, app.tasks.pause, app.tasks.resume, app.tasks.cancel, app.tasks.delete):
        with pytest.raises(TaskNotFound) as caught:
            action(wrong)
        assert caught.value.close_matches == [task.id]
    assert app.tasks.get(task.id[:6]).id == task.id  # a unique prefix is enough


def test_steps_done_counts_done_and_skipped():
    task = Task(id="t", title="t", goal="g", steps=[Step("a", "done"), Step("b", "skipped"), Step("c")])
    assert task.steps_done == 2
