"""Planning keeps every deliverable: the sentence planner, the model planner's checks and re-planning."""

from __future__ import annotations

import json

import anyio
import pytest

from smallclaw_core.runner import Runner
from smallclaw_core.intent import quoted_values
from smallclaw_core.runner.planner import deliverables, parse_plan, sentence_plan
from smallclaw_core.testing import ScriptedModel, call, verdict


def run(app, timeout=20):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


def steps_of(plan):
    return [(s.description, s.check) for s in plan]


def test_sentences_become_steps_and_the_written_file_is_checked(tmp_path):
    plan = sentence_plan("Write the numbers 1 to 5 to numbers.txt, one per line. Then write a Python script "
                         "double.py that reads numbers.txt and prints each number doubled. Run it and write its "
                         "output to doubled.txt.", tmp_path)
    # what a file must hold is derived when its step starts (test_derivers.py, and below)
    assert steps_of(plan) == [
        ("Write the numbers 1 to 5 to numbers.txt, one per line.", "file_exists: numbers.txt"),
        ("Write a Python script double.py that reads numbers.txt and prints each number doubled.",
         "file_exists: double.py"),
        ("Run it and write its output to doubled.txt.", "file_exists: doubled.txt"),
    ]


def test_sentences_that_ask_for_nothing_join_a_step_and_existing_files_get_no_check(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "song.wav").write_text("RIFF")
    (tmp_path / "config.json").write_text('{"debug": false, "port": 8080}')
    assert steps_of(sentence_plan('In config.json, set "debug" to true. Keep everything else as it is.', tmp_path)) \
        == [('In config.json, set "debug" to true. Keep everything else as it is.', None)]
    assert steps_of(sentence_plan("sales.csv has two columns. Write the sum of the second to total.txt.", tmp_path)) \
        == [("sales.csv has two columns. Write the sum of the second to total.txt.", "file_exists: total.txt")]
    # the input exists, so it is not what the step must produce
    assert steps_of(sentence_plan("Use ffmpeg to convert song.wav to song.mp3.", tmp_path)) \
        == [("Use ffmpeg to convert song.wav to song.mp3.", "file_exists: song.mp3")]


@pytest.mark.parametrize("goal, steps", [
    # a sentence that changes no file is what the next one builds on (a noun "list" read as the verb, a
    # question, a count): as a step of its own, it left the next with nothing, and 12 kept plans paused so
    ("greenhouse.json is a JSON list of seed trays. Write how many trays it lists to tray_count.txt.", 1),
    ("What do the numbers in nums.txt add up to? Write the total in total.txt.", 1),
    ("Count the lines of nums.txt. Then write that number to count.txt.", 1),
    ("calc.py crashes when run. Fix it so that running it prints 12.", 1),
    # near misses: each sentence changes files; the one that changes none comes last; a folder is made
    ("Write hi to a.txt. Then copy a.txt to b.txt.", 2),
    ("Write hi to a.txt. Then count the lines of nums.txt.", 2),
    ("Make a folder named logs. Then copy nums.txt into it.", 2),
])
def test_a_sentence_that_changes_no_file_joins_the_next(tmp_path, goal, steps):
    (tmp_path / "greenhouse.json").write_text("[]")
    (tmp_path / "nums.txt").write_text("1\n2\n")
    (tmp_path / "calc.py").write_text("print(12\n")
    plan = sentence_plan(goal, tmp_path)
    assert len(plan) == steps, steps_of(plan)
    words = " ".join(s.description for s in plan).lower().split()
    assert words == [w for w in goal.lower().split() if w != "then"], steps_of(plan)


def test_every_new_file_a_step_writes_is_checked():
    plan = sentence_plan("Write a Python script sum.py that prints the sum of 1 to 100, run it, and write its "
                         "output to sum.txt.")
    assert plan[0].check == "file_exists: sum.py\nfile_exists: sum.txt"


def test_quoted_values_are_read_once_each():
    assert quoted_values("don't write 'a b' or \"c\"") == ["a b", "c"]


def test_a_model_plan_gets_checks_only_for_steps_that_write():
    text = json.dumps({"steps": [{"description": "Read data.txt", "output_file": "data.txt"},
                                 {"description": "Count the lines", "output_file": "count.txt"},
                                 {"description": "Write the count to count.txt", "output_file": "count.txt"}]})
    assert [s.check for s in parse_plan(text)] == [None, None, "file_exists: count.txt"]


def test_deliverables_are_new_files_and_quoted_values(tmp_path):
    (tmp_path / "a.txt").write_text("1")
    assert deliverables("Add a.txt to b.txt and write 'the total' to total.txt", tmp_path) == \
        ["b.txt", "total.txt", "the total"]


def test_a_model_plan_that_drops_a_deliverable_is_planned_again_then_completed(make_app):
    app, model = make_app(only=["runner", "shell_tools"], runner={"planner": "model"})
    dropped = json.dumps({"steps": [{"description": "Read data.txt", "output_file": ""}]})
    model.enqueue_for("planner", dropped, dropped)
    task = app.tasks.create("Count the lines in data.txt and write the number to count.txt")
    (app.workspace_for(task.id) / "data.txt").write_text("a\nb\n")
    model.enqueue_for("executor", "done", "done", "done")
    model.enqueue_for("verifier", verdict(True))
    run(app)
    second = model.requests_for("planner")[1].messages[-1].content
    assert "The plan leaves out count.txt, which the goal asks for" in second  # data.txt exists: an input
    task = app.store.get(task.id)
    assert [s.description for s in task.steps][0] == "Read data.txt"
    assert task.steps[-1].description.startswith("Finish what the goal asks for count.txt")
    assert task.steps[-1].check.startswith("file_exists: count.txt")
    plan_change = [e.data for e in app.store.journal(task.id) if e.kind == "plan_change"][0]
    assert plan_change["added_for"] == ["count.txt"] and plan_change["how"] == "model"
    # saying "done" without a tool finishes nothing
    assert task.status == "needs_assistance" and "no tool was used" in task.pause_reason


def test_auto_plans_by_sentences_for_a_small_planner_model(make_app):
    class Small(ScriptedModel):
        async def describe(self, model):
            info = await super().describe(model)
            info.size = 400_000_000
            return info

    app, model = make_app(Small(), only=["runner"])
    task = app.tasks.create("Write 'hi' to a.txt. Then list the files.")
    model.enqueue_for("executor", call("add", a=1, b=1))  # no such tool: the task only needs planning here
    run(app)
    task = app.store.get(task.id)
    assert [s.description for s in task.steps] == ["Write 'hi' to a.txt.", "List the files."]
    assert model.requests_for("planner") == []
    assert [e.data["how"] for e in app.store.journal(task.id) if e.kind == "plan_change"] == ["sentences"]


def test_a_renamed_or_joined_file_is_the_steps_output_not_a_missing_input(tmp_path):
    (tmp_path / "draft.txt").write_text("the plan\n")
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "b.txt").write_text("b\n")
    assert sentence_plan("Rename draft.txt to final.txt.", tmp_path)[0].check == "file_exists: final.txt"
    assert sentence_plan("Join a.txt and b.txt into ab.txt.", tmp_path)[0].check == "file_exists: ab.txt"


def test_checks_are_derived_when_a_step_starts_from_the_workspace_then(make_app):
    """A step's words become checks at its first round, read against the files there then; the
    user's own checks are left as they are."""
    app, model = make_app(only=["runner", "shell_tools"], shell={"policy": "allow"})
    model.enqueue_for("executor", call("run_shell", command="sort fruits.txt > sorted.txt"),
                      call("step_done", report="sorted"), call("step_done", report="mine"))
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("fruits", ["Sort the lines of fruits.txt and write them to sorted.txt",
                                       "Write fruits.txt in upper case to upper.txt"],
                            checks=[None, "file_exists: fruits.txt"])
    (app.workspace_for(task.id) / "fruits.txt").write_text("pear\napple\n")
    run(app)
    task = app.store.get(task.id)
    assert task.steps[0].check == "file_equals_output: sorted.txt :: sort fruits.txt"
    assert task.steps[0].check_by == "derived" and task.steps[0].found == ["fruits.txt"]
    assert task.steps[1].check == "file_exists: fruits.txt" and task.steps[1].check_by is None
    assert task.status == "complete"
