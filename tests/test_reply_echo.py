"""A call that writes back what a tool answered ends the round (a scripted model, a test double, acts).

The 0.5B model, told ``wrote 9 bytes to countdown.py``, wrote the file again with that line
added, then again with the next answer added, until the call cap; no step word is read.
"""

from __future__ import annotations

import anyio

from smallclaw_core.models import ToolCall
from smallclaw_core.runner import Runner
from smallclaw_core.runner.loops import echoed_reply, status_line
from smallclaw_core.testing import call


def run_task(make_app, goal, files, *calls):
    app, model = make_app(only=["runner", "shell_tools"], shell={"policy": "allow"}, runner={"attempts": "never"})
    model.enqueue_for("executor", *calls)
    model.enqueue_for("verifier", *["YES"] * 6)
    model.enqueue_for("summarizer", "done")
    task = app.tasks.create(goal, [goal])
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    anyio.run(lambda: Runner(app).run_until_idle(60))
    return app, app.store.get(task.id)


def test_writing_back_a_tools_answer_ends_the_round_with_the_file_as_it_was_written(make_app):
    app, task = run_task(make_app, "Add the line call bob at the end of todo.txt.", {"todo.txt": "buy milk\n"},
                         call("write_file", path="todo.txt", content="buy milk\ncall bob\n"),
                         call("write_file", path="todo.txt", content="buy milk\ncall bob\n18 bytes\n"),
                         call("write_file", path="todo.txt", content="buy milk\ncall bob\n18 bytes\n"
                                                                     "wrote 27 bytes to todo.txt\n"))
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "todo.txt").read_text() == "buy milk\ncall bob\n"
    ended = [e.data for e in app.store.journal(task.id) if e.kind == "error" and e.data.get("kind") == "echo"]
    assert ended and ended[0]["message"].startswith("'18 bytes' is what a tool answered "
                                                    "('wrote 18 bytes to todo.txt')"), ended


def test_lines_of_data_and_answers_about_other_files_are_not_echoes():
    write = ToolCall("write_file", {"path": "a.txt", "content": "x"})
    said = [status_line(write, "wrote 18 bytes to a.txt"), status_line(ToolCall("run_shell", {"command": "ls"}),
                                                                         "exit code 0 (0.04 s)")]
    assert said == [["a.txt", "wrote 18 bytes to a.txt"], None]
    said = [s for s in said if s]
    # words without numbers, other numbers, an answer about another file: data
    for content in ("wrote the report to a.txt\n", "18\n", "total: 19 bytes\n", "exit code 0\n"):
        assert echoed_reply(ToolCall("write_file", {"path": "a.txt", "content": content}), said) is None, content
    assert echoed_reply(ToolCall("write_file", {"path": "b.txt", "content": "18 bytes"}), said) is None
    assert echoed_reply(ToolCall("write_file", {"path": "a.txt", "content": "x\n18 bytes"}), said)
    assert echoed_reply(ToolCall("edit_file", {"path": "./a.txt", "old": "x", "new": "x\nwrote 18 bytes to a.txt"}),
                        said)


def test_a_file_the_step_reads_may_be_copied_line_by_line(make_app):
    app, task = run_task(make_app, "Copy the lines of log.txt that start with 2026 into dated.txt",
                         {"log.txt": "2026-01-02 ran 5k\nnote\n2026-01-03 rest day\n"},
                         call("read_file", path="log.txt"),
                         call("run_shell", command="grep -c 2026 log.txt"),
                         call("write_file", path="dated.txt", content="2026-01-02 ran 5k\n2026-01-03 rest day\n"),
                         call("step_done", report="copied"))
    assert task.status == "complete", task.pause_reason
    assert not [e for e in app.store.journal(task.id) if e.kind == "error" and e.data.get("kind") == "echo"]


def test_the_words_of_a_refusal_written_into_a_file_end_the_round(make_app):
    """held-out-6's yes_votes: told "votes.txt is what this step reads; it is not changed. Write the result
    to yes.txt.", the model wrote that sentence into yes.txt."""
    app, task = run_task(make_app, "How many lines of votes.txt say yes? Put the number in yes.txt.",
                         {"votes.txt": "yes\nno\nyes\n"},
                         call("write_file", path="votes.txt", content="2\n"),
                         call("write_file", path="yes.txt",
                              content="Not run: votes.txt is what this step reads; it is not changed.\n"),
                         call("run_shell", command="grep -c '^yes$' votes.txt > yes.txt"),
                         call("step_done", report="counted"))
    ended = [e.data for e in app.store.journal(task.id) if e.kind == "error" and e.data.get("kind") == "echo"]
    assert ended and "is what SmallClaw answered a call" in ended[0]["message"], ended
    assert (app.workspace_for(task.id) / "yes.txt").read_text() == "2\n"
    assert task.status == "complete", task.pause_reason
