"""Planning keeps every deliverable: the sentence planner, the model planner's checks and re-planning."""

from __future__ import annotations

import json

import anyio

from smallclaw_core.runner import Runner
from smallclaw_core.runner.planner import deliverables, parse_plan, quoted_values, sentence_plan
from smallclaw_core.testing import ScriptedModel, call, verdict


def run(app, timeout=20):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


def steps_of(plan):
    return [(s.description, s.check) for s in plan]


def test_sentences_become_steps_and_the_written_file_is_checked(tmp_path):
    plan = sentence_plan("Write the numbers 1 to 5 to numbers.txt, one per line. Then write a Python script "
                         "double.py that reads numbers.txt and prints each number doubled. Run it and write its "
                         "output to doubled.txt.", tmp_path)
    assert steps_of(plan) == [
        ("Write the numbers 1 to 5 to numbers.txt, one per line.",
         "file_exists: numbers.txt\nfile_equals_output: numbers.txt :: seq 1 5"),
        ("Write a Python script double.py that reads numbers.txt and prints each number doubled.",
         "file_exists: double.py"),
        ("Run it and write its output to doubled.txt.",  # "it": the script the step before wrote
         "file_exists: doubled.txt\nfile_equals_output: doubled.txt :: python3 double.py"),
    ]


def test_sentences_that_ask_for_nothing_join_a_step_and_existing_files_get_no_check(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "song.wav").write_text("RIFF")
    (tmp_path / "config.json").write_text('{"debug": false, "port": 8080}')
    assert steps_of(sentence_plan('In config.json, set "debug" to true. Keep everything else as it is.', tmp_path)) \
        == [('In config.json, set "debug" to true. Keep everything else as it is.',
             "file_value: config.json :: debug = true\nfile_value: config.json :: port = 8080")]
    assert steps_of(sentence_plan("sales.csv has two columns. Write the sum of the second to total.txt.", tmp_path)) \
        == [("sales.csv has two columns. Write the sum of the second to total.txt.",
             "file_exists: total.txt\nfile_is_number: total.txt")]
    # the input exists, so it is not what the step must produce
    assert steps_of(sentence_plan("Use ffmpeg to convert song.wav to song.mp3.", tmp_path)) \
        == [("Use ffmpeg to convert song.wav to song.mp3.", "file_exists: song.mp3")]


def test_every_new_file_a_step_writes_is_checked():
    plan = sentence_plan("Write a Python script sum.py that prints the sum of 1 to 100, run it, and write its "
                         "output to sum.txt.")
    assert plan[0].check == ("file_exists: sum.py\nfile_exists: sum.txt\nfile_equals_output: sum.txt :: python3 sum.py"
                             "\nfile_is_number: sum.txt")  # a wrong script's output is not the sum
    plan = sentence_plan("Write a Python script sum.py that prints the sum of the numbers from 1 to 100, run it, "
                         "and write its output to sum.txt.")
    assert plan[0].check.splitlines()[3] == "file_equals_output: sum.txt :: python3 -c 'print(sum(range(1, 101)))'"


def test_what_a_steps_words_say_its_output_holds_becomes_a_check(tmp_path):
    from smallclaw_core.runner.proposals import propose

    def checks(description, inputs=(), outputs=(), files=None):
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(text)
        return propose(description, description, list(inputs), list(outputs), tmp_path)

    assert checks("Sort the lines of fruits.txt and write them to sorted.txt", ["fruits.txt"], ["sorted.txt"]) \
        == ["file_equals_output: sorted.txt :: sort fruits.txt"]
    assert checks("Write names.txt in upper case to up.txt", ["names.txt"], ["up.txt"]) \
        == ["file_equals_output: up.txt :: tr '[:lower:]' '[:upper:]' < names.txt"]
    assert checks("Find the lines in app.log that contain ERROR and write them to e.txt", ["app.log"], ["e.txt"]) \
        == ["file_equals_output: e.txt :: grep -F ERROR app.log"]
    assert checks("Make a folder named backup and copy my notes.txt into it", ["my notes.txt"], []) == []
    assert checks("Make a folder named backup and copy notes.txt into it", ["notes.txt"], []) \
        == ["file_equals_output: backup/notes.txt :: cat notes.txt"]
    assert checks("In greeting.txt, replace the word World with SmallClaw.", ["greeting.txt"]) \
        == ["file_contains: greeting.txt :: SmallClaw", "file_lacks: greeting.txt :: World"]
    assert checks("In s.toml, change port to 9000.", ["s.toml"], files={"s.toml": 'port = 8000\nname = "x"\n'}) \
        == ["file_value: s.toml :: port = 9000", 'file_value: s.toml :: name = "x"']
    # file names reach a shell only quoted
    assert checks("Sort the lines of a b.txt and write them to c.txt", ["a b.txt"], ["c.txt"]) \
        == ["file_equals_output: c.txt :: sort 'a b.txt'"]
    # words that leave doubt propose nothing
    assert checks("Write something nice about fruits.txt to notes.txt", ["fruits.txt"], ["notes.txt"]) == []


def test_a_quoted_value_becomes_a_file_contains_check():
    plan = sentence_plan("Write the text 'hello world' to hello.txt.")
    assert plan[0].check == "file_exists: hello.txt\nfile_contains: hello.txt :: hello world"
    assert quoted_values("don't write 'a b' or \"c\"") == ["a b", "c"]


def test_a_model_plan_gets_checks_only_for_steps_that_write():
    text = json.dumps({"steps": [{"description": "Read data.txt", "output_file": "data.txt"},
                                 {"description": "Count the lines", "output_file": "count.txt"},
                                 {"description": "Write the count to count.txt", "output_file": "count.txt"}]})
    assert [s.check for s in parse_plan(text)] == [None, None, "file_exists: count.txt\nfile_is_number: count.txt"]


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
    assert task.steps[-1].check == "file_exists: count.txt\nfile_is_number: count.txt"
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


def test_more_everyday_outputs_get_the_command_that_computes_them(tmp_path):
    """Each proposed command, run on the step's input, prints exactly the right output."""
    import subprocess

    from smallclaw_core.runner.proposals import propose

    files = {"data.txt": "alpha\nbravo\ncharlie\ndelta\n", "numbers.txt": "4\n17\n9\n",
             "colors.txt": "red\nblue\nred\ngreen\nblue\n", "config.json": '{"name": "demo", "port": 8080}',
             "s.toml": 'title = "demo"\nport = 9000\n', "sales.csv": "item,amount\napples,12\npears,30\n",
             "part1.txt": "first half\n", "part2.txt": "second half\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    def output_of(description, inputs, output):
        checks = propose(description, description, inputs, [output], tmp_path)
        commands = [c.split("::", 1)[1].strip() for c in checks if c.startswith(f"file_equals_output: {output} ::")]
        assert len(commands) == 1, checks
        return subprocess.run(commands[0], shell=True, cwd=tmp_path, capture_output=True, text=True).stdout

    assert output_of("Write the first 3 lines of data.txt to head.txt", ["data.txt"], "head.txt") \
        == "alpha\nbravo\ncharlie\n"
    assert output_of("Write the last 2 lines of data.txt to tail.txt", ["data.txt"], "tail.txt") == "charlie\ndelta\n"
    assert output_of("Write the largest number in numbers.txt to max.txt", ["numbers.txt"], "max.txt") == "17\n"
    assert output_of("Write the smallest value in numbers.txt to min.txt", ["numbers.txt"], "min.txt") == "4\n"
    assert output_of("Remove the duplicate lines from colors.txt and write the result to u.txt", ["colors.txt"],
                     "u.txt") == "red\nblue\ngreen\n"
    assert output_of("Read the port from config.json and write it to port.txt", ["config.json"], "port.txt") \
        == "8080\n"
    assert output_of("Get the title from s.toml and save it to t.txt", ["s.toml"], "t.txt") == "demo\n"
    assert output_of("Write the item column of sales.csv, without its header, to items.txt", ["sales.csv"],
                     "items.txt") == "apples\npears\n"
    assert output_of("Join part1.txt and part2.txt into whole.txt", ["part1.txt", "part2.txt"], "whole.txt") \
        == "first half\nsecond half\n"
    assert output_of("Combine part2.txt and part1.txt into w.txt", ["part1.txt", "part2.txt"], "w.txt") \
        == "second half\nfirst half\n"  # in the order the step names them
    # "the result" is not a number; a key or column that is not there proposes nothing
    assert propose("Remove the duplicate lines from colors.txt and write the result to u.txt",
                   "", ["colors.txt"], ["u.txt"], tmp_path) == ["file_equals_output: u.txt :: awk '!seen[$0]++' colors.txt"]
    assert propose("Read the host from config.json and write it to h.txt", "", ["config.json"], ["h.txt"],
                   tmp_path) == []
    assert propose("Write the price column of sales.csv to p.txt", "", ["sales.csv"], ["p.txt"], tmp_path) == []
    # a line added to a file the step edits: the file holds it afterwards
    assert propose("Add the line 'buy bread' to the end of data.txt.", "Add the line 'buy bread' to the end of "
                   "data.txt.", ["data.txt"], [], tmp_path) == ["file_contains: data.txt :: buy bread"]


def test_a_renamed_or_joined_file_is_the_steps_output_not_a_missing_input(tmp_path):
    (tmp_path / "draft.txt").write_text("the plan\n")
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "b.txt").write_text("b\n")
    assert sentence_plan("Rename draft.txt to final.txt.", tmp_path)[0].check == "file_exists: final.txt"
    assert sentence_plan("Join a.txt and b.txt into ab.txt.", tmp_path)[0].check \
        == "file_exists: ab.txt\nfile_equals_output: ab.txt :: cat a.txt b.txt"


def test_counting_files_and_dropping_lines_in_place_get_checks(tmp_path):
    import subprocess

    (tmp_path / "docs").mkdir()
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / "docs" / name).write_text("x\n")
    (tmp_path / "app.log").write_text("INFO a\nDEBUG b\nINFO c\nDEBUG d\n")
    check = sentence_plan("Count the .txt files in the docs folder and write the number to count.txt.",
                          tmp_path)[0].check
    command = next(line.split("::", 1)[1] for line in check.splitlines() if line.startswith("file_equals_output"))
    assert subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True).stdout.strip() == "2"
    # in place: the lines go, the others must stay (a file emptied by `grep -v x f > f` fails)
    assert sentence_plan("Remove every line that contains DEBUG from app.log.", tmp_path)[0].check \
        == ("file_equals_output: app.log :: printf '%s\\n' 'INFO a' 'INFO c'\nfile_lacks: app.log :: DEBUG\n"
            "file_contains: app.log :: INFO a\nfile_contains: app.log :: INFO c")
