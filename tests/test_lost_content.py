"""A file the step adds to must keep what it held (``lost_content``); a scripted model (a test double) acts.

The file's bytes at the step's start come from the step's open snapshot, in the workspace
and in an attempt's throwaway copy alike.
"""

from __future__ import annotations

import anyio
import pytest

from smallclaw_core.runner import Runner
from smallclaw_core.testing import call


def run_task(make_app, goal, files, *calls, attempts="never", verifier_yes=6):
    app, model = make_app(only=["runner", "shell_tools"], shell={"policy": "allow"},
                          runner={"attempts": attempts, "attempt_style": "tools", "attempts_max": 8})
    model.enqueue_for("executor", *calls)
    model.enqueue_for("verifier", *["YES"] * verifier_yes)
    model.enqueue_for("summarizer", "done")
    task = app.tasks.create(goal, [goal])
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    anyio.run(lambda: Runner(app).run_until_idle(60))
    task = app.store.get(task.id)
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    return app, task, verdicts


@pytest.mark.parametrize("goal, files, clobber, right", [
    ("Add the line call bob at the end of todo.txt.", {"todo.txt": "buy milk\n"}, "call bob\n",
     "buy milk\ncall bob\n"),
    ("Insert the line START at the top of steps.txt.", {"steps.txt": "mix\nbake\n"}, "START\n", "START\nmix\nbake\n"),
    ("Append a line saying done to log.txt", {"log.txt": "started\nran\n"}, "done\n", "started\nran\ndone\n"),
])
def test_a_file_the_step_adds_to_that_lost_all_it_held_is_not_done(make_app, goal, files, clobber, right):
    name = next(iter(files))
    app, task, verdicts = run_task(make_app, goal, files,
                                   call("write_file", path=name, content=clobber), call("step_done", report="added"),
                                   call("write_file", path=name, content=right), call("step_done", report="added"))
    assert task.status == "complete", task.pause_reason
    lost = [v for v in verdicts if v.get("source") == "lost_content"]
    assert lost and lost[0]["reason"].startswith(f"{name} lost everything it held"), verdicts
    assert (app.workspace_for(task.id) / name).read_text() == right


@pytest.mark.parametrize("goal, files, result", [
    # what adding changes may be all a file held: a number, a JSON object's one line
    ("Add 5 to the number in n.txt", {"n.txt": "10\n"}, "15\n"),
    ("Add a key enabled with the value true to config.json", {"config.json": '{"name": "svc"}\n'},
     '{"name": "svc", "enabled": true}\n'),
    # each line changed, none kept as it was: their words are
    ("Add ' done' to the end of every line of tasks.txt", {"tasks.txt": "wash\ncook\n"}, "wash done\ncook done\n"),
    # not an addition: a replacement, a sum, two requests
    ("Replace what notes.txt says with hello", {"notes.txt": "old words\n"}, "hello\n"),
    ("Make greeting.txt say Good morning instead", {"greeting.txt": "Bye now\n"}, "Good morning\n"),
    ("Add up the numbers in sum.txt and write the total into it", {"sum.txt": "one 1\ntwo 2\n"}, "3\n"),
    ("Insert the line top into a.txt and remove the old lines", {"a.txt": "x1\ny1\n"}, "top\n"),
])
def test_additions_that_keep_words_and_steps_that_are_no_addition_pass(make_app, goal, files, result):
    name = next(iter(files))
    app, task, verdicts = run_task(make_app, goal, files,
                                   call("write_file", path=name, content=result), call("step_done", report="ok"))
    assert not [v for v in verdicts if v.get("source") == "lost_content"], verdicts
    assert (app.workspace_for(task.id) / name).read_text() == result


def test_two_attempts_that_agree_on_replacing_the_file_do_not_vote(make_app):
    """Attempts run in throwaway copies; the copy's file at the step's start is the snapshot's. Two attempts
    that replaced todo.txt alike once agreed, and the task was complete with buy milk gone."""
    app, task, verdicts = run_task(
        make_app, "Add the line call bob at the end of todo.txt.", {"todo.txt": "buy milk\n"},
        call("write_file", path="todo.txt", content="call bob\n"), call("step_done", report="added"),
        call("run_shell", command="echo 'call bob' > todo.txt"), call("step_done", report="added"),
        call("run_shell", command="echo 'call bob' >> todo.txt"), call("step_done", report="added"),
        call("edit_file", path="todo.txt", old="buy milk", new="buy milk\ncall bob"), call("step_done", report="ok"),
        attempts="always")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "todo.txt").read_text() == "buy milk\ncall bob\n"
    lost = [v for v in verdicts if v.get("source") == "attempt" and "lost everything" in v.get("reason", "")]
    assert len(lost) == 2, verdicts
