"""Judging a step by the agreement of independent attempts (a scripted model, a test double)."""

from __future__ import annotations

import json

import anyio
import pytest

from smallclaw_core.runner import Runner
from smallclaw_core.runner.attempts import Attempt, agree
from smallclaw_core.testing import call, verdict


def run(app, timeout=30):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


def attempts_app(make_app, **runner):
    return make_app(only=["runner", "shell_tools"], shell={"policy": "allow"},
                    runner={"attempts": "always", "attempt_style": "tools", **runner})


def test_two_attempts_that_make_the_same_file_decide_the_step(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("write_file", path="poem.txt", content="roses are red\n"),
                      call("step_done", report="wrote it"),
                      call("write_file", path="poem.txt", content="roses are red"),
                      call("step_done", report="wrote the poem"))
    model.enqueue_for("summarizer", "Wrote poem.txt.")
    task = app.tasks.create("poem", ["Write a one-line poem to poem.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "poem.txt").read_text() == "roses are red"
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    assert [v["source"] for v in verdicts[:3]] == ["attempt", "attempt", "agreement"]
    # each attempt ran in its own copy, sampled afresh: the workspace saw only the agreed change
    temperatures = {r.options.temperature for r in model.requests_for("executor")}
    seeds = {r.options.seed for r in model.requests_for("executor")}
    assert temperatures == {0.7} and len(seeds) == 2


def test_attempts_that_do_not_agree_pause_with_what_each_made(make_app):
    app, model = attempts_app(make_app, attempts_max=3)
    for text in ("a", "b", "c"):
        model.enqueue_for("executor", call("write_file", path="out.txt", content=text), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write a word to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason
    assert "#1: out.txt: 'a'" in task.pause_reason and f"smallclaw task pick {task.id}" in task.pause_reason
    assert not (app.workspace_for(task.id) / "out.txt").exists()  # no attempt's change was applied
    candidates = [e.data for e in app.store.journal(task.id) if e.kind == "candidates"][0]
    assert [c["change"] for c in candidates["candidates"]] == [{"out.txt": "a"}, {"out.txt": "b"}, {"out.txt": "c"}]


def test_a_failed_attempt_does_not_vote_and_its_reason_informs_the_next(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor",
                      call("step_done", report="done"),  # changed nothing: does not vote
                      call("write_file", path="out.txt", content="x"), call("step_done", report="ok"),
                      call("run_shell", command="printf x > out.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write x to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    second = model.requests_for("executor")[1].messages[-1].content
    assert "An earlier try at this step failed" in second
    voted = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]
    assert [v["passed"] for v in voted] == [False, True, True]


def test_a_step_a_content_check_covers_runs_as_before(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("write_file", path="out.txt", content="x"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write x to out.txt"], checks=["file_contains: out.txt :: x"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    assert not any(e.data.get("source") == "attempt" for e in app.store.journal(task.id) if e.kind == "verification")


def test_scripts_agree_by_what_they_print():
    base = {"data.txt": b"1\n2\n"}
    a = Attempt(1, {"s.py": b"print(sum(int(x) for x in open('data.txt')))\n"}, None)
    b = Attempt(2, {"s.py": b"t = 0\nfor line in open('data.txt'):\n    t += int(line)\nprint(t)\n"}, None)
    c = Attempt(3, {"s.py": b"print(2)\n"}, None)
    assert agree(a, b, base, ["s.py"]) and not agree(a, c, base, ["s.py"])
    # JSON by value, text by its lines
    assert agree(Attempt(1, {"a.json": b'{"x": 1}'}, None), Attempt(2, {"a.json": b'{\n  "x":1\n}\n'}, None), {}, [])
    assert agree(Attempt(1, {"a.txt": b"hi  \n\n"}, None), Attempt(2, {"a.txt": b"hi"}, None), {}, [])
    assert not agree(Attempt(1, {"a.txt": b"hi"}, None), Attempt(2, {"a.txt": None}, None), {}, [])
    # a file that holds one number, by its value
    assert agree(Attempt(1, {"m.txt": b"6.00\n"}, None), Attempt(2, {"m.txt": b"6"}, None), {}, [])
    assert not agree(Attempt(1, {"m.txt": b"6.01"}, None), Attempt(2, {"m.txt": b"6"}, None), {}, [])
    assert not agree(Attempt(1, {"m.txt": b"6 7"}, None), Attempt(2, {"m.txt": b"67"}, None), {}, [])
    # CSV by its cells: blank space around them and line endings aside, but not their case
    assert agree(Attempt(1, {"i.csv": b"name,qty\npen,4\n"}, None), Attempt(2, {"i.csv": b"name, qty\r\npen, 4"}, None),
                 {}, [])
    assert not agree(Attempt(1, {"i.csv": b"name,qty\n"}, None), Attempt(2, {"i.csv": b"Name,Qty\n"}, None), {}, [])
    # a line with one number in it is that number: the same answer, labelled or not
    assert agree(Attempt(1, {"m.txt": b"Difference: 17\n"}, None), Attempt(2, {"m.txt": b"17"}, None), {}, [])
    # ...but two labels are two texts: neither is the plain answer the file was asked for
    assert not agree(Attempt(1, {"m.txt": b"Mean: 6"}, None), Attempt(2, {"m.txt": b"Average: 6.0"}, None), {}, [])
    assert not agree(Attempt(1, {"d.txt": b"2026-01-02"}, None), Attempt(2, {"d.txt": b"2026"}, None), {}, [])
    assert not agree(Attempt(1, {"m.py": b"print(17)"}, None), Attempt(2, {"m.py": b"17"}, None), {}, [])



def test_different_scripts_that_crash_or_print_nothing_agree_on_nothing():
    """held-out-6's shout_script, code attempts: ``QUIET = "QUIET"`` and ``QUIET = "quiet"`` both print
    nothing, and that stood as agreement on shout.py. Doing nothing, or failing, is no shared result."""
    silent_a = Attempt(1, {"shout.py": b'QUIET = "QUIET"\n'}, None)
    silent_b = Attempt(2, {"shout.py": b'QUIET = "quiet"\n'}, None)
    assert not agree(silent_a, silent_b, {}, ["shout.py"])
    crash_a = Attempt(1, {"t.py": b"print(open('nope.txt').read())\n"}, None)
    crash_b = Attempt(2, {"t.py": b"import json\nprint(json.load(open('nope.json')))\n"}, None)
    assert not agree(crash_a, crash_b, {}, ["t.py"])
    # the same text is the same program, silent or not
    assert agree(silent_a, Attempt(2, {"shout.py": b'QUIET = "QUIET"\n'}, None), {}, ["shout.py"])
    # a silent helper script agrees when what it made agrees
    made_a = Attempt(1, {"fix.py": b"open('out.txt', 'w').write('ok')\n", "out.txt": b"ok"}, None)
    made_b = Attempt(2, {"fix.py": b"with open('out.txt', 'w') as f:\n    f.write('ok\\n')\n", "out.txt": b"ok\n"},
                     None)
    assert agree(made_a, made_b, {}, ["fix.py", "out.txt"])

def test_of_two_results_that_agree_the_plainer_is_applied(make_app):
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "tools"})
    model.enqueue_for("executor", call("run_shell", command="expr 20 - 3 > spread.txt"),
                      call("step_done", report="wrote it"),
                      call("run_shell", command="echo \"Difference: $((20 - 3))\" > spread.txt"),
                      call("step_done", report="wrote it"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Put the spread of the numbers in t.txt into spread.txt"])
    (app.workspace_for(task.id) / "t.txt").write_text("3\n20\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "spread.txt").read_text() == "17\n"


def test_results_that_differ_go_on_to_attempts_max_to_find_two_that_agree(make_app):
    """Three different results: the step goes on, and the fourth attempt confirms the second."""
    app, model = attempts_app(make_app, attempts_max=4)
    for text in ("a", "b", "c"):
        model.enqueue_for("executor", call("write_file", path="out.txt", content=text), call("step_done", report="ok"))
    model.enqueue_for("executor", call("run_shell", command="printf b > out.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write a word to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "out.txt").read_text() == "b"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "attempts 2 and 4 of 4" in agreed[0]["reason"], agreed


def test_where_no_attempt_made_a_result_half_of_attempts_max_ends_the_step(make_app):
    """Nothing to confirm or choose between: half of attempts_max (here 2 of 4) and the task pauses."""
    app, model = attempts_app(make_app, attempts_max=4)
    for _ in range(2):
        model.enqueue_for("executor", call("run_shell", command="cat nothere.txt"), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write the first line of nothere.txt to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance", task.pause_reason
    assert "2 attempts at step 1 failed" in task.pause_reason, task.pause_reason


def sort_task(app):
    """A task to sort fruits.txt into sorted.txt (a check computes the result), run; the task as it ended."""
    task = app.tasks.create("g", ["Sort the lines of fruits.txt and write them to sorted.txt"])
    (app.workspace_for(task.id) / "fruits.txt").write_text("pear\napple\n")
    run(app)
    return app.store.get(task.id)


def test_a_step_smallclaws_checks_cover_is_run_as_attempts_that_must_pass_them(make_app):
    """A check read from the words (here the sorted input, computed) is no reason for ordinary rounds: a
    0.5B model gets through a tool round far less often than an attempt. An attempt that fails it does not
    vote; one that passes a check that computes the whole result (``file_equals_output``) decides alone."""
    app, model = attempts_app(make_app)
    model.enqueue_for("executor",
                      call("write_file", path="sorted.txt", content="pear\napple\n"), call("step_done", report="ok"),
                      call("run_shell", command="sort fruits.txt > sorted.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = sort_task(app)
    assert task.status == "complete", task.pause_reason
    assert task.steps[0].check_by == "derived" and "file_equals_output: sorted.txt" in task.steps[0].check
    assert (app.workspace_for(task.id) / "sorted.txt").read_text() == "apple\npear\n"
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    assert [v["source"] for v in verdicts][:3] == ["attempt", "attempt", "agreement"], verdicts
    assert not verdicts[0]["passed"] and "sorted.txt" in verdicts[0]["reason"]
    assert verdicts[2]["reason"].startswith("attempt 2 passed file_equals_output: sorted.txt"), verdicts[2]


def test_where_every_attempt_failed_a_computed_check_ordinary_rounds_go_on(make_app):
    """core's csv_total: four attempts each failed the check that computes the total, and the step
    paused, where ordinary rounds, which see the check's NO, used to get there. Now rounds go on."""
    app, model = attempts_app(make_app, attempts_max=4)
    model.enqueue_for("executor",
                      call("write_file", path="sorted.txt", content="pear\napple\n"), call("step_done", report="ok"),
                      call("write_file", path="sorted.txt", content="apple\n"), call("step_done", report="ok"),
                      call("run_shell", command="sort fruits.txt > sorted.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = sort_task(app)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "sorted.txt").read_text() == "apple\npear\n"
    journal = app.store.journal(task.id)
    notes = [e.data["message"] for e in journal if e.kind == "note" and e.data.get("kind") == "attempt"]
    assert notes and "2 attempts failed file_equals_output: sorted.txt" in notes[0], notes
    assert [e.data.get("attempt") for e in journal if e.kind == "round"] == [1, 2, None], journal


def test_rounds_after_attempts_are_not_judged_by_the_attempts_calls(make_app):
    """core's count_lines at the final commit: after the attempts, the round's file was refused as "written
    by hand after `python3 ...` failed", a program that failed in an attempt's throwaway copy."""
    app, model = attempts_app(make_app, attempts_max=4)
    model.enqueue_for("executor",
                      call("run_shell", command="sort missing.txt > sorted.txt"),
                      call("write_file", path="sorted.txt", content="pear\napple\n"), call("step_done", report="ok"),
                      call("write_file", path="sorted.txt", content="apple\n"), call("step_done", report="ok"),
                      call("read_file", path="fruits.txt"),
                      call("write_file", path="sorted.txt", content="apple\npear\n"), call("step_done", report="ok"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 3)
    model.enqueue_for("summarizer", "ok")
    task = sort_task(app)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "sorted.txt").read_text() == "apple\npear\n"


def test_a_step_smallclaws_weaker_checks_cover_needs_two_attempts_that_pass_them_and_agree(make_app):
    """A check that does not compute the result (a value the file must hold) is passed by more than the
    right answer: two attempts that pass it must also agree."""
    app, model = attempts_app(make_app)
    model.enqueue_for("executor",
                      call("write_file", path="hi.txt", content="hello world and more\n"), call("step_done", report="ok"),
                      call("write_file", path="hi.txt", content="hello world\n"), call("step_done", report="ok"),
                      call("run_shell", command="echo 'hello world' > hi.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write the text 'hello world' to hi.txt."])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert "file_contains: hi.txt :: hello world" in task.steps[0].check
    assert (app.workspace_for(task.id) / "hi.txt").read_text() == "hello world\n"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "attempts 2 and 3 of 3" in agreed[0]["reason"], agreed


def test_a_step_the_users_checks_cover_runs_ordinary_rounds_until_they_pass(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("write_file", path="out.txt", content="total 55\n"),
                      call("step_done", report="wrote it"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write the total to out.txt"], checks=["file_contains: out.txt :: total 55"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert not [e for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]


def test_the_user_picks_one_attempts_result_and_the_task_goes_on(make_app, capsys):
    from smallclaw_core.cli import main

    app, model = attempts_app(make_app, attempts_max=2)
    for text in ("a", "b"):
        model.enqueue_for("executor", call("write_file", path="out.txt", content=text), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write a word to out.txt", "Say it is done"])
    run(app)
    assert main(["task", "show", task.id]) == 0
    shown = capsys.readouterr().out
    assert f"pick one: smallclaw task pick {task.id} N" in shown and "#2: out.txt: 'b'" in shown
    assert main(["task", "pick", task.id, "3"]) != 0  # no such attempt: a clear error
    assert "has no attempt 3 to pick (attempts: 1, 2)" in capsys.readouterr().err
    assert main(["task", "pick", task.id, "2"]) == 0
    task = app.store.get(task.id)
    assert task.status == "queued" and task.current_step == 1 and task.steps[0].state == "done"
    assert (app.workspace_for(task.id) / "out.txt").read_text() == "b"


def test_the_agreed_change_is_the_steps_change_in_the_journal_and_can_be_undone(make_app):
    from smallclaw_core.cli import main

    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("write_file", path="poem.txt", content="roses"), call("step_done", report="ok"),
                      call("run_shell", command="printf roses > poem.txt"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("poem", ["Write a one-line poem to poem.txt"])
    run(app)
    changes = [e.data for e in app.store.journal(task.id) if e.kind == "change"]
    assert [f["path"] for f in changes[0]["files"]] == ["poem.txt"]
    assert main(["task", "undo", task.id]) == 0
    assert not (app.workspace_for(task.id) / "poem.txt").exists()


def test_a_code_attempt_is_a_program_the_model_writes_and_smallclaw_runs(make_app):
    # the default shell mode (the sandbox) runs a program; the allow-list policy would refuse python3
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "code"})
    program = ("```python\ntotal = sum(int(x) for x in open('n.txt'))\n"
               "with open('out.txt', 'w') as f:\n    f.write(str(total))\n```")
    model.enqueue_for("executor", program, program.replace("total", "t"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write the sum of the numbers in n.txt to out.txt"])
    (app.workspace_for(task.id) / "n.txt").write_text("40\n2\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "out.txt").read_text() == "42"
    ran = [e.data for e in app.store.journal(task.id) if e.kind == "tool_call"]
    assert ran[0]["name"] == "run_shell" and "sum(int(x)" in ran[0]["arguments"]["command"] and ran[0]["attempt"] == 1


def test_a_program_that_holds_the_here_documents_end_still_runs_whole(make_app):
    """held-out-16's table_booking: a program with the line SMALLCLAW_PROGRAM_END in it ended the here-document
    it is run from early; the rest ran as shell commands, and the pause said the marker was not installed."""
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "code"})
    program = "```python\nnote = '''\nSMALLCLAW_PROGRAM_END\n'''\nopen('out.txt', 'w').write('ok\\n')\n```"
    model.enqueue_for("executor", program, program.replace("note", "text"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write ok to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "out.txt").read_text() == "ok\n"


@pytest.mark.parametrize("reply, program", [
    ("```python\nprint(1)\n```\nThis prints 1.", "print(1)"),
    ("Here it is:\n```py\nprint(2)\n```", "print(2)"),
    ("print(3)\n```", "print(3)"),              # a closing fence with no opening one
    ("```python\nprint(4)\n", "print(4)"),      # an opening fence never closed
    ("print(5)", "print(5)"),
    # the language named on a line of its own above the code (held-out-10's first run: 4 programs of 70
    # stopped on NameError: name 'python' is not defined)
    ("```\npython\nprint(6)\n```", "print(6)"),
    ("python3\nprint(7)", "print(7)"),
    ("```python\nPython\n\nprint(8)\n```", "print(8)"),
    ("python = 3\nprint(python)", "python = 3\nprint(python)"),
    # a standard module used and never imported gets its import; one imported is left alone
    ("```python\nprint(json.dumps([1]))\n```", "import json\nprint(json.dumps([1]))"),
    ("import json\nprint(json.dumps([1]))", "import json\nprint(json.dumps([1]))"),
    ("from json import dumps\nprint(json.dumps(1), myjson.x)", "import json\nfrom json import dumps\n"
     "print(json.dumps(1), myjson.x)"),
    # held-out-13: shutil used and never imported (tables_copy), and an except clause naming JSONDecodeError
    ("shutil.copy('a', 'b')", "import shutil\nshutil.copy('a', 'b')"),
    ("try:\n    x = 1\nexcept JSONDecodeError:\n    pass",
     "from json import JSONDecodeError\ntry:\n    x = 1\nexcept JSONDecodeError:\n    pass"),
    ("print(Path('a').read_text())", "from pathlib import Path\nprint(Path('a').read_text())"),
    ("from pathlib import Path\nprint(Path('a'))", "from pathlib import Path\nprint(Path('a'))"),
    ("class Path:\n    pass\nPath()", "class Path:\n    pass\nPath()"),
    ("p = os.path.join('a')", "import os\np = os.path.join('a')"),
    # prose after unfenced code (held-out-14's journals: "This Python script reads the `directions.txt` file,
    # replaces ..." ended two programs with a SyntaxError); a line of prose that is the program stays, to fail
    ("text = open('d.txt').read()\nprint(text)\n\nThis Python script reads the `d.txt` file and prints it.",
     "text = open('d.txt').read()\nprint(text)"),
    ("print(1)\nThe output is 1, as expected.\nprint(2)", "print(1)"),
    ("Take the tram to the station\nWalk two blocks north", "Take the tram to the station\nWalk two blocks north"),
    ("x = (1,\nThis is not closed", "x = (1,\nThis is not closed"),
])
def test_the_program_is_taken_from_the_reply_without_its_fences(reply, program):
    from smallclaw_core.runner.programs import program_of

    assert program_of(reply) == program


def test_a_code_attempt_sees_the_files_the_step_names_and_is_told_what_failed(make_app):
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "code",
                                                                  "program_repairs": 0})
    failing = "```python\nimport numpy\n```"
    right = "```python\nwith open('out.txt', 'w') as f:\n    f.write(str(sum(int(x) for x in open('n.txt'))))\n```"
    model.enqueue_for("executor", failing, right, right.replace("str(", "'%d' % ("))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write the sum of the numbers in n.txt to out.txt"])
    (app.workspace_for(task.id) / "n.txt").write_text("40\n2\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    asks = [r.messages[-1].content for r in model.requests_for("executor")]
    assert "--- n.txt ---\n40\n2" in asks[0]  # it cannot read the file itself
    assert "It writes out.txt itself" in asks[0]  # a program that prints the sum changes nothing
    # the next attempt hears the exception, not only that nothing changed
    assert "No module named 'numpy'" in asks[1], asks[1]


def test_a_code_attempt_at_a_step_that_makes_a_script_is_that_script(make_app):
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "code"})
    model.enqueue_for("executor", "```python\nfor i in (3, 2, 1):\n    print(i)\n```",
                      "```python\nfor i in range(3, 0, -1):\n    print(i)\n```")
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write a Python script countdown.py that prints 3, 2 and 1, one per line."])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    # two different programs that print the same agree; the script is saved where the step names it
    script = app.workspace_for(task.id) / "countdown.py"
    assert "print(i)" in script.read_text()
    assert "is saved as countdown.py and run" in model.requests_for("executor")[0].messages[-1].content


def test_the_same_calls_twice_are_one_sample_not_two_that_agree(make_app):
    app, model = attempts_app(make_app, attempts_max=3)
    wrong = call("write_file", path="table.txt", content="1 x 3 = 3\n2 x 3 = 6\n")
    model.enqueue_for("executor", wrong, call("step_done", report="ok"), wrong, call("step_done", report="ok"),
                      call("run_shell", command="printf '3 x 1 = 3\\n' > table.txt"), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write the three times table to table.txt"])
    run(app)
    task = app.store.get(task.id)
    # the two identical attempts never confirmed each other; nothing agreed, so the user chooses
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason


def test_a_call_repeated_and_not_run_again_does_not_make_two_samples_different(make_app):
    """held-out-6's drop_debug_key: one attempt ran ``sed -i 's/debug//' flags.json`` and tried it again
    (not run: it had just worked), another ran it once; as call lists they differed, and the two agreed
    on a JSON key renamed to "". What ran is what counts: the same one call is one sample."""
    app, model = make_app(only=["runner", "shell_tools"],  # the sandbox (the default mode) runs sed
                          runner={"attempts": "always", "attempt_style": "tools", "attempts_max": 3})
    sed = call("run_shell", command="sed -i 's/debug//' flags.json")
    model.enqueue_for("executor", sed, sed, call("step_done", report="ok"), sed, call("step_done", report="ok"),
                      call("write_file", path="flags.json", content='{"color": false}\n'),
                      call("step_done", report="ok"))
    task = app.tasks.create("g", ["Remove the key debug from flags.json"])
    (app.workspace_for(task.id) / "flags.json").write_text('{"debug": true, "color": false}\n')
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert '"debug"' in (app.workspace_for(task.id) / "flags.json").read_text()


def test_a_tool_that_acts_outside_the_workspace_is_never_run_by_an_attempt(make_app, note_sender):
    """Attempts run in throwaway copies: a message sent from one would be sent once per attempt. Such a
    tool (side effects, not ``confined``) is offered but not run; calling it hands the step to ordinary
    rounds, where it runs once."""
    send_note, sent = note_sender
    app, model = attempts_app(make_app)
    app.tools.add("test", send_note)
    model.enqueue_for("executor",
                      call("send_note", text="report ready"), call("step_done", report="sent"),  # the attempt
                      call("send_note", text="report ready"), call("step_done", report="sent"))  # the round
    model.enqueue_for("verifier", "YES")
    model.enqueue_for("summarizer", "Sent the note.")
    task = app.tasks.create("g", ["Send the team a note saying the report is ready"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert sent == ["report ready"]  # once, by the ordinary round: never by the attempt
    attempt = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]
    assert len(attempt) == 1 and "send_note, which acts outside the workspace" in attempt[0]["reason"]
    held = [e.data for e in app.store.journal(task.id) if e.kind == "tool_result" and e.data.get("attempt") == 1]
    assert held and held[0]["result"].startswith("Not run: send_note acts outside the workspace")


def test_a_candidate_names_the_files_it_could_not_keep_apart_from_those_it_removes():
    from smallclaw_core.runner.choosing import CANDIDATE_BYTES, candidate as _candidate

    shown = _candidate(Attempt(2, {"a.txt": b"hi\n", "gone.txt": None, "pic.bin": b"\xff\xd8\xff",
                                   "big.txt": b"x" * (CANDIDATE_BYTES + 1)}, None))
    assert shown["change"] == {"a.txt": "hi\n", "gone.txt": None, "pic.bin": None, "big.txt": None}
    assert shown["kept"] is False and set(shown["not_kept"]) == {"pic.bin", "big.txt"}
    assert shown["not_kept"]["pic.bin"] == "not text (3 bytes)"
    assert _candidate(Attempt(1, {"gone.txt": None}, None))["not_kept"] == {}


def test_changing_nothing_is_not_agreed_on_once_an_attempt_made_a_change(make_app):
    """Two attempts that changed nothing agree vacuously: where another attempt changed the file, the
    step may be asking for a change, so that agreement does not decide it (the task pauses instead)."""
    app, model = attempts_app(make_app, attempts_max=4)
    model.enqueue_for("executor",
                      call("write_file", path="poem.txt", content="roses"), call("step_done", report="ok"),
                      call("read_file", path="poem.txt"), call("step_done", report="looked"),
                      call("write_file", path="poem.txt", content=""), call("step_done", report="ok"),
                      call("read_file", path="poem.txt"), call("step_done", report="looked"))
    task = app.tasks.create("g", ["poem.txt has blank lines in it; can you take them out?"])
    (app.workspace_for(task.id) / "poem.txt").write_text("roses\n\nare red\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance", "two attempts that changed nothing decided the step"
    assert (app.workspace_for(task.id) / "poem.txt").read_text() == "roses\n\nare red\n"


def test_a_step_that_only_reads_is_decided_by_two_attempts_that_changed_nothing(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("read_file", path="data.csv"), call("step_done", report="3 rows"),
                      call("read_file", path="data.csv"), call("step_done", report="three rows"))
    model.enqueue_for("summarizer", "Read it.")
    task = app.tasks.create("g", ["Read data.csv"])
    (app.workspace_for(task.id) / "data.csv").write_text("a\nb\nc\n")
    run(app)
    assert app.store.get(task.id).status == "complete"


def test_a_failure_every_attempt_ran_into_is_named_in_the_pause(make_app):
    """Facts first: what stopped the attempts (here a program the command policy does not run) is in the
    pause reason, with the command, whatever each attempt then did."""
    app, model = attempts_app(make_app, attempts_max=6)
    for extra in ("", " --quiet", " -v"):
        model.enqueue_for("executor", call("run_shell", command=f"nosuchtool{extra} add meeting"),
                          call("step_done", report="added"))
    task = app.tasks.create("g", ["Add a meeting to calendar.ics with nosuchtool"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "The same failure in 3 of 3 attempts: `nosuchtool add meeting`" in task.pause_reason, task.pause_reason
    assert "'nosuchtool' is not in the allow list" in task.pause_reason


def test_a_lone_result_gets_more_attempts_to_find_its_twin(make_app):
    """One attempt made a result and the others failed: past the half of attempts_max that ends a step
    where nothing worked, attempts look for a second that confirms it (here the fourth of 4)."""
    app, model = attempts_app(make_app, attempts_max=4)
    model.enqueue_for("executor",
                      call("write_file", path="out.txt", content="blue"), call("step_done", report="ok"),
                      call("step_done", report="nothing"),
                      call("step_done", report="nothing"),
                      call("write_file", path="out.txt", content="blue\n"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Write the colour of the sky to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "out.txt").read_text() == "blue\n"
    assert len([e for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]) == 4


def test_an_attempt_sees_paths_in_its_workspace_not_in_its_throwaway_copy(make_app):
    """A traceback names the script by its absolute path. In an attempt that is the copy's own folder: told
    it, the next attempt wrote to a folder that was no longer its own, and each call was refused. What a
    tool prints in an attempt names files relative to the workspace."""
    app, model = make_app(only=["runner", "shell_tools"],  # the sandbox (the default mode) runs python3
                          runner={"attempts": "always", "attempt_style": "tools", "attempts_max": 2})
    model.enqueue_for("executor",
                      call("run_shell", command="python3 hello.py"), call("step_done", report="ran it"),
                      call("run_shell", command="pwd; python3 hello.py"), call("step_done", report="ran it"))
    task = app.tasks.create("g", ["Fix hello.py so that it prints hello"])
    (app.workspace_for(task.id) / "hello.py").write_text('print("hello"\n')
    run(app)
    task = app.store.get(task.id)
    results = [e.data["result"] for e in app.store.journal(task.id) if e.kind == "tool_result"
               and e.data["name"] == "run_shell"]
    assert results and all("smallclaw-attempt-" not in r for r in results), results
    assert 'File "hello.py", line 1' in results[0]
    assert "\n.\n" in "\n" + results[1].split("\n", 1)[1]  # pwd: the workspace itself
    second = model.requests_for("executor")[2].messages[-1].content
    assert "An earlier try at this step failed" in second and "smallclaw-attempt-" not in second
    assert "smallclaw-attempt-" not in (task.pause_reason or "")


def test_a_task_that_stops_between_attempts_leaves_no_copy_behind(make_app, tmp_path, monkeypatch):
    """The first attempt's copy is kept to compare with the next; when the task stops before that (here
    the model fails), the copy goes too: each one left in the temporary folder was a workspace's size."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    app, model = attempts_app(make_app)
    model.enqueue_for("executor", call("write_file", path="out.txt", content="x"), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write a word to out.txt"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance", task.status
    assert len([e for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]) == 1
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("smallclaw-attempt-")]


def test_an_attempt_that_made_another_file_than_the_one_the_step_makes_does_not_vote(make_app):
    """The 0.5B model, asked for "a Python script square.py whose output is 12 squared", wrote 12^2 to
    output.txt; as a result nothing contradicted, it was one vote of two. It does not vote, and the next
    attempt is told which file the step makes."""
    app, model = attempts_app(make_app, attempts_max=3)
    model.enqueue_for("executor",
                      call("run_shell", command="echo 12^2 > output.txt"), call("step_done", report="done"),
                      call("write_file", path="square.py", content="print(12 ** 2)\n"), call("step_done", report="ok"),
                      call("write_file", path="square.py", content="print(12 * 12)\n"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["I want a Python script square.py whose output is 12 squared."])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    first = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"][0]
    assert first["reason"] == "it did not make square.py, which the step makes", first
    second = model.requests_for("executor")[2].messages[-1].content
    assert "it did not make square.py" in second
    assert not (app.workspace_for(task.id) / "output.txt").exists()


def test_a_file_made_in_a_folder_or_named_by_a_later_step_is_no_other_file(make_app):
    app, model = attempts_app(make_app)
    model.enqueue_for("executor",
                      call("write_file", path="out/notes.txt", content="hello\n"), call("step_done", report="ok"),
                      call("run_shell", command="mkdir -p out && echo hello > out/notes.txt"),
                      call("step_done", report="ok"),
                      call("write_file", path="draft.txt", content="hi\n"), call("step_done", report="ok"),
                      call("run_shell", command="echo hi > draft.txt"), call("step_done", report="ok"),
                      call("run_shell", command="cp draft.txt card.txt"), call("step_done", report="ok"),
                      call("write_file", path="card.txt", content="hi\n"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Create a folder out containing notes.txt with a greeting",
                                  "Write a greeting for card.txt (a draft)", "Save it as card.txt"])
    run(app)
    task = app.store.get(task.id)
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "attempt"]
    assert len(verdicts) >= 4 and not any("did not make" in v["reason"] for v in verdicts), verdicts
    assert task.status == "complete", task.pause_reason


def start_line_task(make_app, *replies, attempts_max=8, program_repairs=0):
    """A task to insert START atop steps.txt, with attempts taking turns (the sandbox runs the programs),
    run with the scripted replies; the task as it ended and the app."""
    task, app, _ = mixed_task(make_app, ["Insert the line START at the top of steps.txt"],
                              {"steps.txt": "mix\nbake\n"}, *replies, attempts_max=attempts_max,
                              program_repairs=program_repairs)
    return task, app


def test_where_styles_alternate_a_program_and_a_typed_answer_must_agree(make_app):
    """held-out-6 with code attempts: two programs agreed on steps.txt's 'STARTmix' (both forgot the
    newline) and on hosts.txt's 'db=newold'. Samples of one prompt share its misreadings; where the
    styles alternate (``mixed``), agreement counts only between a program and an attempt that typed the
    file (here a reply with its contents: the step changes one file)."""
    wrong = "```python\nlines = open('steps.txt').readlines()\nopen('steps.txt', 'w').write('START' + ''.join(lines))\n```"
    task, app = start_line_task(
        make_app, "```\nSTART\nmix\nbake\n```",   # attempt 1, a reply with the file
        wrong,                                      # attempt 2, a program
        "START\nmix\nbake",                         # attempt 3, a reply: agrees with attempt 1, same kind
        wrong.replace("lines", "rows"),             # attempt 4, a program: agrees with attempt 2, same style
        attempts_max=4, program_repairs=0)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "mix\nbake\n"


def test_where_styles_alternate_a_program_that_agrees_with_a_reply_decides(make_app):
    task, app = start_line_task(
        make_app, "Here it is:\n```text\nSTART\nmix\nbake\n```",
        "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "START\nmix\nbake\n"
    assert [e.data["style"] for e in app.store.journal(task.id) if e.kind == "round"] == ["reply", "code"]
    calls = [e.data for e in app.store.journal(task.id) if e.kind == "tool_call"]
    assert calls[0]["name"] == "write_file" and calls[0]["arguments"] == {"path": "steps.txt",
                                                                         "content": "START\nmix\nbake\n"}


def test_where_styles_alternate_two_programs_that_agree_wait_for_a_reply_to_confirm(make_app):
    right = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    task, app = start_line_task(
        make_app,
        "mix\nbake",                        # attempt 1, a reply: changed nothing
        right,                              # attempt 2, a program
        "```\nmix\nbake\n```",             # attempt 3: nothing again
        right.replace("text", "old"),       # attempt 4, a program: agrees, same style
        "START\nmix\nbake\n")              # attempt 5: confirms across
    assert task.status == "complete", task.pause_reason
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "attempts 2 and 5" in agreed[0]["reason"] or "attempts 4 and 5" in agreed[0]["reason"], agreed


def test_two_that_agree_do_not_decide_while_two_others_agree_on_another_result(make_app):
    """With more samples, a pair that agrees can be tied: two programs agreed on START at the top (the
    same style: not enough alone), then a program agreed with an earlier reply on START at the end. Two
    against two decides nothing; the next reply, with START at the top, makes it three to two."""
    top = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    end = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write(text + 'START\\n')\n```"
    task, app = start_line_task(
        make_app,
        "```\nmix\nbake\nSTART\n```",   # 1, a reply: START at the end
        top,                               # 2, a program: at the top
        "```\nSTART\n```",               # 3, a reply: START alone
        top.replace("text", "old"),        # 4, a program: at the top (agrees with 2, one style)
        "```\nmix\nSTART\nbake\n```",  # 5, a reply: in the middle
        end,                               # 6, a program: at the end, agrees with 1 across: tied two to two
        "```\nSTART\nmix\nbake\n```")  # 7, a reply: at the top, agrees with 2 and 4 across: three to two
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "START\nmix\nbake\n"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert len(agreed) == 1 and "of 7" in agreed[0]["reason"], agreed


def test_where_styles_alternate_three_different_programs_that_agree_decide(make_app):
    """held-out-11: the four programs at "the mean of the numbers in weights.txt" wrote 71.0 and 71.00,
    while every reply typed another wrong mean. Where no attempt of the other kind agrees, three different
    programs that made one result, outvoted by nothing, decide; the plainest is applied."""
    top = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    task, app = start_line_task(
        make_app,
        "```\nSTART mix\nbake\n```",     # 1, a reply: wrong
        top,                                 # 2, a program
        "```\nmix\nSTART\nbake\n```",   # 3, a reply: wrong in another way
        top.replace("text", "old"),          # 4, a program: agrees with 2 (one style: not enough)
        "```\nSTART\n```",                # 5, a reply: wrong again
        top.replace("text", "body"))         # 6, a third program: three different ones agree
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "START\nmix\nbake\n"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert len(agreed) == 1 and "attempts 2, 4 and 6 of 6, different programs" in agreed[0]["reason"], agreed


def test_three_programs_that_made_only_a_blank_file_do_not_decide(make_app):
    """held-out-13: three programs filtered downloads.txt for lines that end in .pdf with the newline still
    on each line, and made pdfs.txt empty; they agreed, and the task completed with nothing in it. An empty
    result is decided only with an attempt of the other kind."""
    blank = "```python\nrows = [r for r in open('kit.txt') if r.endswith('e')]\nopen('out.txt', 'w').writelines(rows)\n```"
    task, app, _ = mixed_task(
        make_app, ["Write the lines of kit.txt that end in e to out.txt"], {"kit.txt": "rope\ntent\nstove\n"},
        "```\nrope\ntent\nstove\n```", blank,                  # 1 a reply, 2 a program: blank
        "```\nrope\n```", blank.replace("rows", "kept"),         # 3, 4: blank again
        "```\nstove\n```", blank.replace("rows", "lines"),       # 5, 6: a third different program, blank
        attempts_max=6)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert not (app.workspace_for(task.id) / "out.txt").exists()


def test_the_same_program_three_times_is_one_sample_and_does_not_decide(make_app):
    top = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    task, app = start_line_task(
        make_app, "```\nSTART mix\nbake\n```", top, "```\nSTART\n```", top,
        "```\nmix\nSTART\nbake\n```", top.replace("text", "old"), attempts_max=6)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "mix\nbake\n"


def test_three_programs_tied_by_three_replies_decide_nothing(make_app):
    """Three programs on START at the top, three replies on START at the end: neither kind confirms the
    other, and three against three is no majority."""
    top = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    end = "```\nmix\nbake\nSTART\n```"
    task, app = start_line_task(make_app, end, top, end, top.replace("text", "old"), end,
                                top.replace("text", "body"), attempts_max=6)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "mix\nbake\n"


PUPPY = {"puppy.txt": "3.5\n4\n4.5\n5\n"}
PUPPY_STEP = ["What is the mean of the weights in puppy.txt? Save only that number in avg_puppy.txt."]
MEAN = "```python\nw = [float(x) for x in open('puppy.txt')]\nopen('avg_puppy.txt', 'w').write(str(sum(w) / len(w)))\n```"
MEAN_TOO = ("```python\nimport statistics\nwith open('puppy.txt') as f:\n    m = statistics.mean(float(x) for x in f)\n"
            "with open('avg_puppy.txt', 'w') as out:\n    out.write(str(m))\n```")


def test_two_different_programs_that_computed_one_number_decide_and_typed_numbers_do_not_outvote_them(make_app):
    """held-out-16's puppy_weight: three replies typed the input's first line, 3.5, and three different
    programs computed the mean, 4.25; three against three decided nothing. A typed number is no evidence
    (it confirms nothing alone), so it does not outvote a computed one either; and two different programs
    that computed one number into a new file decide."""
    task, app, _ = mixed_task(make_app, PUPPY_STEP, PUPPY, "```\n3.5\n```", MEAN, "```\n3.5\n```", MEAN_TOO)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "avg_puppy.txt").read_text().strip() == "4.25"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert len(agreed) == 1 and "attempts 2 and 4 of 4, different programs" in agreed[0]["reason"], agreed


@pytest.mark.parametrize("case", ["the same program twice", "a file that was there", "a text",
                                  "a program computed another"])
def test_two_programs_decide_only_a_number_computed_twice_into_a_new_file(make_app, case):
    """The same program twice is one sample; a settings file two programs rewrote as one number is no
    computed result (a line of it changed, the rest lost); two programs that agree on a text share the
    misreadings of its shape (a header lost), so texts still need a third program or a reply; and where
    another program computed another number, two are no majority to decide on (held-out-18's
    present_count: two programs made 1, one made the right 3)."""
    steps, files, second = PUPPY_STEP, PUPPY, MEAN_TOO
    if case == "a program computed another":
        other = "```python\nw = [float(x) for x in open('puppy.txt')]\nopen('avg_puppy.txt', 'w').write(str(max(w)))\n```"
        task, app, _ = mixed_task(make_app, steps, files, "```\n3.5\n```", other, "```\n3.5\n```", MEAN,
                                  "```\n3.5\n```", MEAN_TOO, attempts_max=6)
        assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
        return
    if case == "the same program twice":
        second = MEAN
    elif case == "a file that was there":
        files = {**PUPPY, "avg_puppy.txt": "weights: 4\nunit: kg\n"}
    else:
        steps = ["Put the weights of puppy.txt that are above 4, one per line, in heavy.txt"]
        first = "```python\nopen('heavy.txt', 'w').writelines(x for x in open('puppy.txt') if float(x) > 4)\n```"
        second = ("```python\nwith open('puppy.txt') as f:\n    rows = [x for x in f if float(x) > 4]\n"
                  "with open('heavy.txt', 'w') as out:\n    out.writelines(rows)\n```")
        task, app, _ = mixed_task(make_app, steps, files, "```\n5\n```", first, "```\n4\n```", second,
                                  attempts_max=4)
        assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
        return
    task, app, _ = mixed_task(make_app, steps, files, "```\n3.5\n```", MEAN, "```\n3.5\n```", second,
                              attempts_max=4)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason


def test_a_program_that_failed_is_what_the_next_program_hears_about(make_app):
    """Where programs take turns with replies, a program's traceback went to the reply after it, and the
    next program heard of the reply instead (or of nothing): the next attempt of the same kind hears it."""
    task, app = start_line_task(
        make_app,
        "```\nSTART mix\nbake\n```",                     # 1, a reply: wrong, votes
        "```python\nopen('steps.txt', 'w').write(txt)\n```",  # 2, a program: NameError
        "```\nmix\nSTART\nbake\n```",                   # 3, a reply: wrong again, votes
        "```python\nprint('still wrong')\n```",             # 4, a program: hears of attempt 2's NameError
        attempts_max=4, program_repairs=0)
    prompts = {e.data["attempt"]: e.data["prompt"] for e in app.store.journal(task.id) if e.kind == "round"}
    assert "NameError" in prompts[4] and "NameError" in prompts[3], prompts
    assert "An earlier try" not in prompts[2], prompts


def test_a_program_that_ran_and_failed_is_shown_its_error_and_written_again(make_app):
    """Self-debugging: a 0.5B model's programs fail on a NameError far more often than on the task. The
    program that failed is shown its error (in the same attempt, one more model call), and the corrected
    one runs in the copy as it was: the first emptied steps.txt before it failed."""
    emptied = "```python\nf = open('steps.txt', 'w')\nf.write(txt)\n```"
    right = "```python\ntext = open('steps.txt').read()\nopen('steps.txt', 'w').write('START\\n' + text)\n```"
    task, app, model = mixed_task(make_app, ["Insert the line START at the top of steps.txt"],
                                  {"steps.txt": "mix\nbake\n"},
                                  "```\nSTART\nmix\nbake\n```",  # 1, a reply
                                  emptied,                           # 2, a program: NameError, steps.txt emptied
                                  right,                             # 2 again, corrected
                                  program_repairs=1)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "steps.txt").read_text() == "START\nmix\nbake\n"
    repair = model.requests_for("executor")[-1].messages
    assert "NameError" in repair[-1].content and "f.write(txt)" in repair[-2].content, repair[-2:]
    results = [e.data["error"] for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert results[-2:] == [True, False], results  # both runs journaled, as any call is


def test_a_program_is_not_repaired_more_often_than_configured(make_app):
    bad = "```python\nprint(txt)\n```"
    task, app, model = mixed_task(make_app, ["Insert the line START at the top of steps.txt"],
                                  {"steps.txt": "mix\nbake\n"}, "```\nSTART mix\n```", bad, bad.replace("txt", "t"),
                                  attempts_max=2, program_repairs=1)
    assert task.status == "needs_assistance", task.pause_reason
    assert len(model.requests_for("executor")) == 3  # the reply, the program, one repair


def test_two_attempts_that_only_emptied_the_file_are_not_a_result(make_app):
    """held-out-13: a tool round wrote '' to devices.txt, a program whose filter kept nothing emptied it
    too, and the two agreed: the task completed with the list gone. Emptying a file that held something
    is where failing attempts end up, as changing nothing is: agreed on only while no attempt made a
    result with content. A new file made empty is a result like any other."""
    right = "```python\nrows = [r for r in open('kit.txt') if r != 'tent\\n']\nopen('kit.txt', 'w').writelines(rows)\n```"
    emptying = "```python\nrows = [r for r in open('kit.txt') if r == 'x']\nopen('kit.txt', 'w').writelines(rows)\n```"
    task, app, _ = mixed_task(
        make_app, ["Could you take the tent line out of kit.txt, leaving the others?"],
        {"kit.txt": "rope\ntent\nstove\n"},
        "```\nrope\ntent\n```",                # 1, a reply: wrong
        emptying,                                 # 2, a program: kit.txt emptied
        "```\nrope\nstove\n```",               # 3, a reply: right
        emptying.replace("rows", "kept"),         # 4, a program: emptied again (one kind with 2)
        "```\n```",                              # 5, a reply, empty: agrees with 2 and 4
        right)                                    # 6, a program: agrees with 3
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "kit.txt").read_text() == "rope\nstove\n"


def mixed_task(make_app, steps, files, *replies, attempts_max=8, program_repairs=0):
    """A task run with mixed attempts and scripted replies; the task as it ended, the app and the model."""
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "always", "attempt_style": "mixed",
                                                                  "attempts_max": attempts_max,
                                                                  "program_repairs": program_repairs})
    model.enqueue_for("executor", *replies)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", steps)
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    run(app)
    return app.store.get(task.id), app, model


def test_a_typed_number_counts_where_a_program_computed_the_same(make_app):
    """A reply types the count (it cannot compute); alone it proves nothing, but a program that counted
    and wrote the same number is a second, independent way to the same file."""
    task, app, model = mixed_task(
        make_app, ["Count the lines of colors.txt that say red and write the number to reds.txt"],
        {"colors.txt": "red\nblue\nred\n"},
        "```\n2\n```",
        "```python\nn = sum(1 for l in open('colors.txt') if l.strip() == 'red')\nopen('reds.txt', 'w').write(f'{n}\\n')\n```")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "reds.txt").read_text().strip() == "2"
    ask = model.requests_for("executor")[0].messages[-1].content
    assert "--- colors.txt ---\nred\nblue\nred" in ask and "complete new contents of reds.txt" in ask, ask


def test_two_replies_typing_one_number_do_not_agree(make_app):
    task, app, _ = mixed_task(
        make_app, ["Count the lines of colors.txt that say red and write the number to reds.txt"],
        {"colors.txt": "red\nblue\nred\n"},
        "3", "```python\nprint(1/0)\n```", "3", "```python\nprint(1/0)\n```")
    assert task.status == "needs_assistance", task.status
    assert not (app.workspace_for(task.id) / "reds.txt").exists()


def test_a_step_that_changes_more_than_one_file_gets_tool_rounds_not_replies(make_app):
    task, app, model = mixed_task(
        make_app, ["Remove old.txt and write hi to new.txt"], {"old.txt": "x\n"},
        call("run_shell", command="rm old.txt && echo hi > new.txt"), call("step_done", report="ok"),
        "```python\nimport os\nos.remove('old.txt')\nopen('new.txt', 'w').write('hi\\n')\n```")
    assert task.status == "complete", task.pause_reason
    assert [e.data["name"] for e in app.store.journal(task.id) if e.kind == "tool_call"][0] == "run_shell"


def test_a_program_is_shown_the_start_of_an_input_larger_than_it_is_shown_whole(make_app):
    """The files shown to a program were read whole or not at all: an input past 1,500 bytes raised, and
    the runner stopped at the first program attempt. A reply is not asked for where an input is too
    large to show whole: the turn is a tool round."""
    big = "".join(f"line {i}\n" for i in range(600))
    task, app, model = mixed_task(
        make_app, ["Write the last word of big.txt to last.txt"], {"big.txt": big},
        call("run_shell", command="tail -n 1 big.txt | cut -d' ' -f2 > last.txt"), call("step_done", report="ok"),
        "```python\nopen('last.txt', 'w').write(open('big.txt').read().split()[-1] + '\\n')\n```")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "last.txt").read_text() == "599\n"
    ask = [r for r in model.requests_for("executor") if "Python 3 program" in r.messages[0].content][0].messages[-1].content
    assert "--- big.txt ---\nline 0\n" in ask and "line 599" not in ask


def test_where_a_step_makes_a_script_the_reply_says_what_it_prints_and_the_program_must_print_it(make_app):
    """held-out-8's square_four: "Write sq.py, a script that prints 16, the square of 4." A typed script and
    a program both wrote ``print(16 ** 2)``: written from the same words, they shared the misreading.
    The reply now says what the script prints, without writing it; the program that prints 256 disagrees."""
    wrong = "```python\nprint(16 ** 2)\n```"
    task, app, model = mixed_task(make_app, ["Write sq.py, a script that prints 16, the square of 4."], {},
                                  "```\n16\n```", wrong, "16", wrong.replace("16 ** 2", "16*16"), attempts_max=4)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert "said that sq.py prints '16'" in task.pause_reason
    assert not (app.workspace_for(task.id) / "sq.py").exists()
    first = model.requests_for("executor")[0].messages
    assert "what `python3 sq.py` prints" in first[-1].content and "prints" in first[0].content
    candidates = app.tasks.candidates(task)["candidates"]
    assert not [c for c in candidates if c["attempt"] == 1][0]["kept"]


def test_a_program_whose_script_prints_what_the_reply_said_decides(make_app):
    task, app, _ = mixed_task(make_app, ["Write sq.py, a script that prints 16, the square of 4."], {},
                              "`16`", "```python\nprint(4 ** 2)\n```")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "sq.py").read_text().strip() == "print(4 ** 2)"
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "attempts 1 and 2" in agreed[0]["reason"], agreed


def test_attempts_that_changed_nothing_agree_only_on_what_they_saw(make_app):
    """held-out-8's sms_mom: a program that ran `echo` with no output and a tool round that ran
    `echo 'I am late'` both changed nothing, "agreed", and a text message no tool can send was done."""
    task, app, _ = mixed_task(
        make_app, ["Send a text message to my mom saying I am late."], {},
        call("run_shell", command="echo 'I am late'"), call("step_done", report="sent"),
        "```python\nimport subprocess\nsubprocess.run(['true'])\n```",
        call("run_shell", command="echo 'sent to mom'"), call("step_done", report="sent"),
        "```python\nprint('')\n```", attempts_max=4)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason


def test_attempts_that_changed_nothing_and_saw_the_same_agree(make_app):
    task, app, _ = mixed_task(
        make_app, ["How many lines does notes.txt have?"], {"notes.txt": "a\nb\nc\n"},
        call("run_shell", command="wc -l < notes.txt"), call("step_done", report="3 lines"),
        "```python\nprint(len(open('notes.txt').readlines()))\n```")
    assert task.status == "complete", task.pause_reason


def test_a_program_that_printed_its_result_instead_of_writing_it_votes_with_what_it_printed(make_app):
    """held-out-10's first run: a program worked out the average and printed 'The average ... is: 7.00'
    where it was to write avg.txt; it changed nothing and did not vote, while a reply had typed 7.0. What
    it printed is saved to the one file the step makes (a write_file call in the journal), and agrees
    with the reply by its one number; the plainer file is applied."""
    task, app, _ = mixed_task(
        make_app, ["Write the average of the numbers in r.txt to avg.txt."], {"r.txt": "4\n10\n7\n"},
        "```\n7\n```",
        "```python\nnums = [int(x) for x in open('r.txt')]\nprint('The average is:', sum(nums) / len(nums))\n```")
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "avg.txt").read_text() == "7\n"
    calls = [e.data for e in app.store.journal(task.id) if e.kind == "tool_call" and e.data.get("attempt") == 2]
    assert [c["name"] for c in calls] == ["run_shell", "write_file"]
    assert calls[1]["arguments"] == {"path": "avg.txt", "content": "The average is: 7.0\n"}


def test_a_program_that_wrote_its_file_and_printed_too_is_judged_by_the_file(make_app):
    task, app, _ = mixed_task(
        make_app, ["Write the average of the numbers in r.txt to avg.txt."], {"r.txt": "4\n10\n7\n"},
        "```\n7\n```",
        "```python\nnums = [int(x) for x in open('r.txt')]\nopen('avg.txt', 'w').write(f'{sum(nums) // len(nums)}\\n')\n"
        "print('done')\n```")
    assert task.status == "complete", task.pause_reason
    calls = [e.data for e in app.store.journal(task.id) if e.kind == "tool_call" and e.data.get("attempt") == 2]
    assert [c["name"] for c in calls] == ["run_shell"]


def test_a_pause_says_what_attempts_that_changed_nothing_ran(make_app):
    """held-out-10's first run: "did not agree on a result (#2: changed nothing; #5: changed nothing)" told
    the user nothing of what was tried. Each says what it ran and what that printed."""
    task, app, _ = mixed_task(
        make_app, ["Order a large pizza for delivery."], {},
        call("run_shell", command="echo 'pizza ordered'"), call("step_done", report="ordered"),
        "```python\nprint('calling the shop')\n```", attempts_max=2)
    assert task.status == "needs_assistance"
    assert "#1: changed nothing; it ran `echo 'pizza ordered'`, which printed 'pizza ordered'" in task.pause_reason
    assert "which printed 'calling the shop'" in task.pause_reason, task.pause_reason


def test_a_change_that_made_fewer_files_does_not_agree_with_one_that_made_them_all():
    """held-out-11 (after this stop's changes): one attempt made week/mon.txt, tue.txt and wed.txt, another
    only week/mon.txt, the one file the step names; compared on that file alone they agreed, the plainer
    (the one with less) was applied, and the task completed with two files missing. A helper script one
    attempt left beside the result still does not keep two from agreeing."""
    from smallclaw_core.runner.compare import same_change

    full = {"week/mon.txt": b"", "week/tue.txt": b"", "week/wed.txt": b""}
    assert not same_change(full, {"week/mon.txt": b""}, {}, ["week/mon.txt", "days.txt"])
    assert same_change({**full, "make_week.py": b"print(1)\n"}, full, {}, ["week/mon.txt", "days.txt"])
    assert same_change(full, dict(full), {}, ["week/mon.txt", "days.txt"])


THEME = {"theme.conf": "color=teal\nfont=serif\n"}
THEME_STEP = ["Turn the key=value lines of theme.conf into theme.json, a JSON object with the same keys and values"]
THEME_JSON = '```json\n{"color": "teal", "font": "serif"}\n```'
CRASH = "```python\nimport json\ndata = json.load(open('theme.conf'))\njson.dump(data, open('theme.json', 'w'))\n```"


def test_four_replies_that_made_one_file_decide_where_every_program_failed(make_app):
    """held-out-13: at "Convert backup.toml to JSON", each of the four replies (shown the file whole) typed
    the right JSON, while every program crashed on json.load of the TOML file; agreement across kinds never
    came. Every reply, four of them, one result, and no other attempt's result: that decides."""
    task, app, _ = mixed_task(make_app, THEME_STEP, THEME,
                              THEME_JSON, CRASH, THEME_JSON.replace(", ", ",\n  "), CRASH.replace("data", "d"),
                              THEME_JSON, CRASH.replace("data", "conf"), THEME_JSON)
    assert task.status == "complete", task.pause_reason
    assert json.loads((app.workspace_for(task.id) / "theme.json").read_text()) == {"color": "teal", "font": "serif"}
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert len(agreed) == 1 and "attempts 1, 3, 5 and 7 of 7, every reply" in agreed[0]["reason"], agreed


@pytest.mark.parametrize("case", ["three", "one differs", "two programs made another", "a number"])
def test_replies_alone_do_not_decide_short_of_four_or_against_any_other_result(make_app, case):
    """Three replies that agree are not enough (held-out-13's pdf_lines: three replies wrote the same wrong
    list); a fourth that differs, or two different programs that agree on another result, breaks unanimity;
    and a number a reply typed counts only with a program that computed it."""
    other = '```json\n{"color": "teal"}\n```'
    steps, files, replies = THEME_STEP, THEME, [THEME_JSON, CRASH, THEME_JSON, CRASH, THEME_JSON, CRASH, THEME_JSON,
                                                CRASH]
    if case == "three":
        replies[6] = "```\ncolor=teal\nfont=serif\n```"  # the input copied: fails, does not vote
    elif case == "one differs":
        replies[4] = other
    elif case == "two programs made another":
        replies[3] = "```python\nimport json\njson.dump({'colour': 'teal'}, open('theme.json', 'w'))\n```"
        replies[5] = "```python\nimport json\nwith open('theme.json', 'w') as f:\n    json.dump({'colour': 'teal'}, f)\n```"
    else:
        steps, files = ["Work out what the items in cart.txt cost together and save it in price.txt"], \
            {"cart.txt": "apple 2\npear 3\n"}
        replies = ["```\n5\n```", "```python\nprint(int(open('x').read()))\n```"] * 4
    task, app, _ = mixed_task(make_app, steps, files, *replies)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason


def test_four_replies_decide_where_the_programs_results_all_differ(make_app):
    """held-out-16's camping_json: the four replies typed the right nested JSON, and the programs made
    results that all differed (or crashed). One program's result is no majority against four replies; only
    two different programs that agree on another result hold the replies back."""
    replies = [THEME_JSON, CRASH, THEME_JSON,
               "```python\nimport json\njson.dump({'colour': 'teal'}, open('theme.json', 'w'))\n```",
               THEME_JSON, "```python\nimport json\njson.dump({'color': 'teal'}, open('theme.json', 'w'))\n```",
               THEME_JSON, CRASH]
    task, app, _ = mixed_task(make_app, THEME_STEP, THEME, *replies)
    assert task.status == "complete", task.pause_reason
    assert json.loads((app.workspace_for(task.id) / "theme.json").read_text()) == {"color": "teal", "font": "serif"}
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert len(agreed) == 1 and "attempts 1, 3, 5 and 7 of 7, every reply" in agreed[0]["reason"], agreed


def test_a_program_with_the_data_typed_into_it_is_a_typed_answer_and_does_not_confirm_a_reply(make_app):
    """held-out-14's printer_json: a program that wrote the settings as a literal dict (reading no file, the
    [printer] section lost) agreed with a reply that lost it too, and the task completed wrongly. A program
    that reads none of the step's input files shares the reply's reading of the shown file: it is typed."""
    typed = "```python\nimport json\njson.dump({'color': 'teal', 'font': 'serif'}, open('theme.json', 'w'))\n```"
    task, app, _ = mixed_task(make_app, THEME_STEP, THEME, THEME_JSON, typed, attempts_max=2)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    reads = ("```python\nimport json\nrows = [l.strip().split('=', 1) for l in open('theme.conf') if '=' in l]\n"
             "json.dump(dict(rows), open('theme.json', 'w'))\n```")
    task, app, _ = mixed_task(make_app, THEME_STEP, THEME, THEME_JSON, reads, attempts_max=2)
    assert task.status == "complete", task.pause_reason
    assert json.loads((app.workspace_for(task.id) / "theme.json").read_text()) == {"color": "teal", "font": "serif"}


def test_three_programs_with_the_result_typed_into_them_do_not_decide(make_app):
    typed = "```python\nopen('theme.json', 'w').write('{\"color\": \"teal\"}')\n```"
    task, app, _ = mixed_task(make_app, THEME_STEP, THEME, "```\nx\n```", typed, "```\ny\n```",
                              typed.replace("open(", "f = open(").replace(".write", "\nf.write"), "```\nz\n```",
                              typed.replace("'w'", "mode='w'"), attempts_max=6)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason


GARDEN = ["Make a folder named garden holding hedge.txt that says trim in june"]


def test_the_folders_a_step_names_are_there_when_an_attempt_starts(make_app):
    """held-out-13's garden_folder and tables_copy: programs opened garden/hedge.txt for writing, and cp copied
    into tables, before any folder was made, and failed, every attempt. The step asks for the folder: each
    attempt's copy has it from the start."""
    program = "```python\nwith open('garden/hedge.txt', 'w') as f:\n    f.write('trim in june\\n')\n```"
    task, app, _ = mixed_task(make_app, GARDEN, {}, call("write_file", path="garden/hedge.txt", content="trim in june"),
                              call("step_done", report="ok"), program, attempts_max=2)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "garden" / "hedge.txt").read_text().strip() == "trim in june"


def test_a_folder_an_attempt_left_empty_is_not_left_behind(make_app):
    """Two attempts that put hedge.txt beside the folder, not in it, agree; the folder made for them is not
    part of their change (a folder misread from the words would be left behind otherwise)."""
    program = "```python\nwith open('hedge.txt', 'w') as f:\n    f.write('trim in june\\n')\n```"
    task, app, _ = mixed_task(make_app, GARDEN, {}, call("write_file", path="hedge.txt", content="trim in june"),
                              call("step_done", report="ok"), program, attempts_max=2)
    assert (app.workspace_for(task.id) / "hedge.txt").exists()
    assert not (app.workspace_for(task.id) / "garden").exists()


@pytest.mark.parametrize("step, made", [
    ("Make a folder named logs.", []),                                     # the folder is the step's whole work
    ("Copy every .csv file into a new folder called tables.", ["tables"]),
    ("Make a folder named garden holding hedge.txt that says trim in june", ["garden"]),
    ("Put docs/README.md in a docs directory", ["docs"]),
])
def test_which_folders_an_attempt_starts_with(tmp_path, step, made):
    from smallclaw_core.runner.intents import make_folders
    from smallclaw_core.tasks import Step, Task

    task = Task(id="t", title="t", goal=step, steps=[Step(step)])
    assert make_folders(task, tmp_path) == made
    assert all((tmp_path / m).is_dir() for m in made)


def test_a_program_that_only_writes_the_file_it_edits_typed_its_result(make_app):
    """held-out-14's alarm_time: "set the wake line of alarm.txt to 7:15, without touching anything else": a
    reply and a program both wrote just 'wake 7:15' (two lines lost) and agreed. The program opened alarm.txt
    only to write it: naming the file is not reading it."""
    step, files = ["In alarm.txt, set the wake line to 7:15 and keep the other lines"], \
        {"alarm.txt": "wake 6:30\nsnooze 10\n"}
    typed = "```python\nwith open('alarm.txt', 'w') as f:\n    f.write('wake 7:15\\n')\n```"
    task, app, _ = mixed_task(make_app, step, files, "```\nwake 7:15\n```", typed, attempts_max=2)
    assert task.status == "needs_assistance", task.pause_reason
    # held-out-14's after run: the same program, with a comment that names the file, agreed again
    commented = ("```python\n# Open alarm.txt in write mode\nwith open('alarm.txt', 'w') as f:  # alarm.txt\n"
                 "    f.write('wake 7:15\\n')\n```")
    task, app, _ = mixed_task(make_app, step, files, "```\nwake 7:15\n```", commented, attempts_max=2)
    assert task.status == "needs_assistance", task.pause_reason
    reads = ("```python\ntext = open('alarm.txt').read()\nwith open('alarm.txt', 'w') as f:\n"
             "    f.write(text.replace('6:30', '7:15'))\n```")
    task, app, _ = mixed_task(make_app, step, files, "```\nwake 7:15\nsnooze 10\n```", reads, attempts_max=2)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "alarm.txt").read_text() == "wake 7:15\nsnooze 10\n"


DISCOUNT = "discount.py should print 40, the price of 50 with 20 percent off, but it prints 49.8. Fix it."


def test_a_prediction_of_what_the_script_printed_before_the_step_does_not_vote(make_app):
    """held-out-15's discount_fix: a reply said the script prints 49.8 (what it printed already), and a
    program rewrote it into one that still printed 49.8; the two agreed on a fix that changed nothing."""
    same = "```python\nopen('discount.py', 'w').write('print(50 - 20 / 100)\\n')\n```"
    task, app, _ = mixed_task(make_app, [DISCOUNT], {"discount.py": "price = 50\ndiscount = 20\n"
                                                                    "print(price - discount / 100)\n"},
                              "```\n49.8\n```", same, "49.8", same.replace("50 -", "50.0 -"), attempts_max=4)
    assert task.status == "needs_assistance", task.status
    failed = [e.data["reason"] for e in app.store.journal(task.id) if e.kind == "verification" and not e.data["passed"]]
    assert "it said discount.py prints what it printed before the step" in failed[0], failed
    assert "print(price - discount / 100)" in (app.workspace_for(task.id) / "discount.py").read_text()


def test_a_prediction_of_a_changed_output_still_agrees_with_the_program_that_prints_it(make_app):
    fixed = "```python\nopen('discount.py', 'w').write('price = 50\\ndiscount = 20\\nprint(price * (100 - discount) // 100)\\n')\n```"
    task, app, _ = mixed_task(make_app, [DISCOUNT], {"discount.py": "price = 50\ndiscount = 20\n"
                                                                    "print(price - discount / 100)\n"},
                              "```\n40\n```", fixed)
    assert task.status == "complete", task.pause_reason
    assert "(100 - discount)" in (app.workspace_for(task.id) / "discount.py").read_text()


def test_a_prediction_that_is_an_input_as_it_stands_does_not_vote(make_app):
    """core's three_step: a reply said double.py prints the numbers of numbers.txt as they are, and a program
    whose script printed them undoubled agreed with it."""
    undoubled = "```python\nopen('double.py', 'w').write('print(open(\"numbers.txt\").read().strip())\\n')\n```"
    task, app, _ = mixed_task(make_app, ["Write double.py that reads numbers.txt and prints each number doubled, "
                                         "one per line."], {"numbers.txt": "1\n2\n3\n"},
                              "```\n1\n2\n3\n```", undoubled, "1\n2\n3", undoubled, attempts_max=4)
    assert task.status == "needs_assistance", task.status
    failed = [e.data["reason"] for e in app.store.journal(task.id) if e.kind == "verification" and not e.data["passed"]]
    assert "it said double.py prints what numbers.txt already holds" in failed[0], failed
    assert not (app.workspace_for(task.id) / "double.py").exists()


GLUE = ("```python\nlines = open('car_jobs.txt').readlines()\nlines.insert(0, 'check tyre pressure')\n"
        "open('car_jobs.txt', 'w').writelines(lines)\n```")


def test_three_programs_that_lost_the_same_newline_do_not_decide(make_app):
    """held-out-17's tyre_first: three different programs inserted the new first line without its newline,
    ``check tyre pressurereplace wipers``, agreed, and the task completed wrongly. A line the step started
    with, run together with other text into a word nothing in the task holds, is a newline lost: such an
    attempt does not vote, and the next is told why."""
    task, app, model = mixed_task(
        make_app, ["Add the line check tyre pressure to the top of car_jobs.txt, before the lines already there"],
        {"car_jobs.txt": "replace wipers\ntop up coolant\n"},
        "```\nreplace wipers\ntop up coolant\ncheck tyre pressure\n```", GLUE,
        "```\ntop up coolant\n```", GLUE.replace("lines =", "rows =").replace("(lines)", "(rows)").replace("lines.", "rows."),
        "```\nreplace wipers\n```", GLUE.replace("lines =", "jobs =").replace("(lines)", "(jobs)").replace("lines.", "jobs."),
        attempts_max=6)
    assert task.status == "needs_assistance", task.pause_reason
    assert (app.workspace_for(task.id) / "car_jobs.txt").read_text() == "replace wipers\ntop up coolant\n"
    refused = [e.data["reason"] for e in app.store.journal(task.id)
               if e.kind == "verification" and e.data.get("source") == "attempt" and not e.data["passed"]]
    assert sum("'check tyre pressurereplace wipers'" in r and "a newline is missing" in r for r in refused) == 3, refused


@pytest.mark.parametrize("lines, before, known, expected", [
    ("check tyre pressurereplace wipers\ntop up coolant", {"replace wipers", "top up coolant"},
     {"check", "tyre", "pressure"}, ("check tyre pressurereplace wipers", "replace wipers")),
    ("zone=back\nminutes=20start=05:30", {"zone=back", "minutes=15", "start=05:30"}, {"minutes"},
     ("minutes=20start=05:30", "start=05:30")),
    ("wake 7:15snooze 10", {"wake 7:15", "snooze 10"}, set(), ("wake 7:15snooze 10", "snooze 10")),
    ("check tyre pressure\nreplace wipers\ntop up coolant", {"replace wipers", "top up coolant"}, set(), None),
    ("apples\npears", {"apple", "pear"}, set(), None),                       # a line edited, not glued
    ("waterproof boots", {"water", "boots"}, {"waterproof"}, None),          # a word the task holds
    ("replace wipers (done)", {"replace wipers"}, set(), None),              # a separator at the join
    ("# replace wipers", {"replace wipers"}, set(), None),
    ("STARTmix\nbake", {"mix", "bake"}, set(), None),                        # lines too short to tell
])
def test_a_line_glued_to_other_text_is_told_from_an_edited_one(lines, before, known, expected):
    from smallclaw_core.runner.glued import glued

    assert glued(lines, before, known) == expected


def join_parts(app, step):
    """A task of one step to join parts/a.txt ("one") and parts/b.txt ("two"), run; (the task as it ended,
    its workspace)."""
    task = app.tasks.create("g", [step])
    ws = app.workspace_for(task.id)
    (ws / "parts").mkdir()
    (ws / "parts" / "a.txt").write_text("one\n")
    (ws / "parts" / "b.txt").write_text("two\n")
    run(app)
    return app.store.get(task.id), ws


def test_a_file_the_step_puts_in_a_new_folder_is_checked_there_while_the_inputs_sit_in_another(make_app):
    """held-out-18's chapters_joined: "into a new file full_draft.txt in a new folder named manuscript",
    with the inputs in chapters/, was read as full_draft.txt at the top; the check SmallClaw derived then
    passed a program's file there and decided alone. The file is read inside the folder named for it."""
    app, model = attempts_app(make_app)
    model.enqueue_for("executor",
                      call("run_shell", command="cat parts/a.txt parts/b.txt > both.txt"),
                      call("step_done", report="ok"),
                      call("run_shell", command="mkdir -p joined && cat parts/a.txt parts/b.txt > joined/both.txt"),
                      call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task, ws = join_parts(app, "Join parts/a.txt and parts/b.txt, in that order, into a new file both.txt in a "
                                "new folder named joined.")
    assert task.status == "complete", task.pause_reason
    assert "joined/both.txt" in task.steps[0].check, task.steps[0].check
    assert (ws / "joined" / "both.txt").read_text() == "one\ntwo\n" and not (ws / "both.txt").exists()
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    assert not verdicts[0]["passed"] and verdicts[2]["reason"].startswith("attempt 2 passed"), verdicts


def test_an_attempt_that_left_a_folder_the_step_names_empty_does_not_decide_by_a_check_alone(make_app):
    """A check read from the words passes where the words were misread too. Where the step names a new
    folder and an attempt put nothing in it, the attempt's file went elsewhere: it must agree with another
    attempt, however it fared on the check."""
    app, model = attempts_app(make_app, attempts_max=2)
    model.enqueue_for("executor",
                      call("run_shell", command="cat parts/a.txt parts/b.txt > both.txt"),
                      call("step_done", report="ok"),
                      call("run_shell", command="cat parts/b.txt parts/a.txt > both.txt"),
                      call("step_done", report="ok"))
    task, ws = join_parts(app, "Join parts/a.txt and parts/b.txt, in that order, into a new file both.txt. It "
                                "belongs in a new folder named joined.")
    assert "file_equals_output: both.txt" in task.steps[0].check, task.steps[0].check  # the words misread
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    assert verdicts[0]["passed"] and verdicts[1]["source"] == "attempt", verdicts
    assert task.status == "needs_assistance" and not (ws / "both.txt").exists(), task.pause_reason


PARKING = "Write parking.py that prints the fee for parking 5 hours at 1.50 an hour, as Fee: followed by the amount."


def test_a_program_that_prints_a_number_typed_into_it_does_not_confirm_a_reply(make_app):
    """held-out-20's parking_fee: a reply said parking.py prints 'Fee: 1.50', and a program that was only
    ``print("Fee: 1.50")`` agreed with it. A number typed into a program is typed: it confirms nothing a
    reply typed. A program that computed the fee and a reply that said the same agree, and decide once they
    outvote the two that typed 1.50 (a tie decides nothing)."""
    typed = '```python\nprint("Fee: 1.50")\n```'
    computed = '```python\nhours = 5\nrate = 1.5\nprint(f"Fee: {hours * rate:.2f}")\n```'
    task, app, _ = mixed_task(make_app, [PARKING], {}, "```\nFee: 1.50\n```", typed, "Fee: 5.00",
                              computed, "Fee: 7.50", computed.replace("rate", "per_hour"), attempts_max=6)
    assert task.status == "complete", task.pause_reason
    assert "print(f\"Fee: {hours * " in (app.workspace_for(task.id) / "parking.py").read_text()
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "of 6" in agreed[0]["reason"], agreed


def test_a_typed_number_program_and_a_reply_alone_do_not_decide(make_app):
    typed = '```python\nprint("Fee: 1.50")\n```'
    task, app, _ = mixed_task(make_app, [PARKING], {}, "Fee: 1.50", typed, "Fee: 1.50",
                              typed.replace("print(", "print( "), attempts_max=4)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert not (app.workspace_for(task.id) / "parking.py").exists()


def test_a_program_may_print_as_it_stands_the_number_its_request_names(make_app):
    """A fix whose request names what the script must print ("should print 12") may print it as a literal:
    it cannot be told from the request's own example without its meaning, so it still agrees."""
    task, app, _ = mixed_task(make_app, ["calc.py should print 12 but it prints 7. Fix it."],
                              {"calc.py": "print(3 + 4)\n"}, "12", '```python\nprint(12)\n```', attempts_max=4)
    assert task.status == "complete", task.pause_reason
    assert (app.workspace_for(task.id) / "calc.py").read_text().strip() == "print(12)"


def test_a_new_script_that_prints_the_requests_own_example_as_it_stands_does_not_confirm_a_reply(make_app):
    """held-out-20's parking_fee, in its second wording: a reply said the script prints 'Fee: 0.00', the
    request's example of the form, and ``print("Fee: 0.00")`` agreed with it. A fix may print the number its
    request names as it stands; a new script that does is no computation."""
    typed = '```python\nprint("Fee: 0.00")\n```'
    task, app, _ = mixed_task(make_app, ['parking.py should print what 5 hours of parking cost at 1.50 per hour, '
                                         'in the form "Fee: 0.00" (two decimals) and nothing else.'], {},
                              "Fee: 0.00", typed, "Fee: 0.00", typed.replace("print(", "print( "), attempts_max=4)
    assert task.status == "needs_assistance" and "did not agree" in task.pause_reason, task.pause_reason
    assert not (app.workspace_for(task.id) / "parking.py").exists()


def test_a_number_typed_into_a_variable_of_a_new_script_does_not_confirm_a_reply(make_app):
    """held-out-21's pocket_money: replies said pocket.py prints 'Total: 12.34', the request's own example,
    and a program that was ``total = 12.34`` then ``print(f"Total: {total:.2f}")`` agreed; the program that
    computed 52 * 2.75 was outvoted by nothing, and confirmed by nothing."""
    step = "Write pocket.py that prints a year of pocket money, 52 weeks at 2.75, in the form Total: 12.34."
    typed = '```python\ntotal = 12.34\n\nprint(f"Total: {total:.2f}")\n```'
    computed = '```python\n# in the form Total: 12.34\ntotal = 52 * 2.75\nprint(f"Total: {total:.2f}")\n```'
    task, app, _ = mixed_task(make_app, [step], {}, "Total: 12.34", typed, "Total: 143.00", computed,
                              attempts_max=4)
    assert task.status == "complete", task.pause_reason
    assert "52 * 2.75" in (app.workspace_for(task.id) / "pocket.py").read_text()


def test_a_program_that_prints_its_number_as_it_stands_agrees_with_one_that_computed_it(make_app):
    """A program that is ``print(7)`` typed its answer, as a reply does, and like a reply it is confirmed by a
    program that computed the same."""
    typed = "```python\nprint(7)\n```"
    computed = "```python\nprint(-(-150 // 24))\n```"
    task, app, _ = mixed_task(make_app, ["Write trays.py that prints how many trays of 24 I need for 150 seedlings."],
                              {}, "6", typed, "8", computed, attempts_max=4)
    assert task.status == "complete", task.pause_reason
    agreed = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "agreement"]
    assert "attempts 2 and 4 of 4" in agreed[0]["reason"] or "attempts 4 and 2 of 4" in agreed[0]["reason"], agreed


def test_a_program_that_writes_the_numbers_its_request_gives_agrees_with_a_reply(make_app):
    """core's json_create and toml_edit: programs that held the age and the port the request gave, and wrote
    them, agreed with replies that typed them. A data file's numbers are given, not computed: only a script's
    output is read for numbers typed in."""
    task, app, _ = mixed_task(make_app, ["Set port to 9000 in settings.toml."],
                              {"settings.toml": 'title = "demo"\nport = 8000\n'},
                              '```toml\ntitle = "demo"\nport = 9000\n```',
                              "```python\nt = open('settings.toml').read()\n"
                              "open('settings.toml', 'w').write(t.replace('8000', '9000'))\n```",
                              attempts_max=2)
    assert task.status == "complete", task.pause_reason
    assert "port = 9000" in (app.workspace_for(task.id) / "settings.toml").read_text()
