"""A finished task's summary starts with the facts of its record (a scripted model, a test double)."""

from __future__ import annotations

import anyio

from smallclaw_core.runner import Runner
from smallclaw_core.testing import call, verdict


def run(app, timeout=30):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


def test_the_summary_tells_the_files_changed_and_how_each_step_was_accepted_before_the_model_s_words(make_app):
    app, model = make_app(only=["runner", "shell_tools"], shell={"policy": "allow"},
                          runner={"attempts": "always", "attempt_style": "tools"})
    # step 1: two attempts make the same file; step 2: the first attempt passes the check SmallClaw derived
    # (wc -l), which decides alone; throwaway attempts print things the summary must not be built from
    model.enqueue_for("executor",
                      call("write_file", path="poem.txt", content="roses are red\n"), call("step_done", report="ok"),
                      call("run_shell", command="printf 'roses are red\\n' > poem.txt; echo THROWAWAY"),
                      call("step_done", report="ok"),
                      call("run_shell", command="wc -l < data.txt > count.txt"),
                      call("step_done", report="I checked it twice and it is verified"),
                      call("run_shell", command="mkdir -p attic && mv old.txt attic/"), call("step_done", report="ok"),
                      call("run_shell", command="mkdir attic; mv old.txt attic/old.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "I verified everything.")
    task = app.tasks.create("poem and count", ["Write a one-line poem to poem.txt",
                                               "Count the lines in data.txt and write the number to count.txt",
                                               "Move old.txt into a new folder named attic"])
    ws = app.workspace_for(task.id)
    (ws / "data.txt").write_text("a\nb\nc\n")
    (ws / "old.txt").write_text("x\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    facts, words = task.summary.split("\n\n", 1)
    assert facts.splitlines() == [
        "Files changed: poem.txt (created, 14 bytes), count.txt (created, 2 bytes), attic/ (created), "
        "attic/old.txt (created, 2 bytes), old.txt (removed)",
        "Step 1: attempts 1 and 2 of 2 made the same change, independently",
        "Step 2: attempt 1 passed file_equals_output: count.txt :: wc -l < data.txt",
        "Step 3: attempts 1 and 2 of 2 made the same change, independently",
    ], task.summary
    assert words == "I verified everything."
    # the summarizer was shown the record, not what the throwaway attempts printed
    prompt = model.requests_for("summarizer")[0].messages[-1].content
    assert "The record:\nFiles changed: poem.txt" in prompt and "THROWAWAY" not in prompt


def test_a_step_only_the_verifier_model_accepted_says_so_and_an_undone_change_is_not_told(make_app):
    app, model = make_app(only=["runner", "shell_tools"], shell={"policy": "allow"})
    model.enqueue_for("executor", call("write_file", path="note.txt", content="hello\n"), "done")
    model.enqueue_for("verifier", verdict(True, "the note is there"))
    model.enqueue_for("summarizer", "Wrote the note.")
    task = app.tasks.create("note", ["Write a short friendly note to note.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert task.summary.splitlines()[:2] == [
        "Files changed: note.txt (created, 6 bytes)",
        "Step 1: judged done by the verifier model, with no check run (the note is there)"]
    from smallclaw_core.runner.record import files_changed
    from smallclaw_core.undo import undo

    undo(app, task.id, step=0)
    assert files_changed(app, task.id) == []
