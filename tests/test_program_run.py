"""A program the step wrote is run, and judged by what the run shows (``program_run``), never by the step's words.

The runs are real: ``python3`` through the shell tools' ``run_shell`` in its sandbox, in a
throwaway copy of the workspace. The models are scripted (a test double).
"""

from __future__ import annotations

import anyio
import pytest

from smallclaw_core.runner import Runner
from smallclaw_core.runner import runs
from smallclaw_core.runner.runs import ProgramRun
from smallclaw_core.tasks import Step, Task
from smallclaw_core.testing import call
from smallclaw_core.verification import StepContext


def judge(app, tmp_path, step, after, before=None, goal=None):
    ws = tmp_path / "ws"
    for name, text in {**(before or {}), **after}.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(text)
    task = Task(id="t", title="t", goal=goal or step, steps=[Step(step, found=sorted(before or {}))])
    ctx = StepContext(task=task, step_index=0, workspace=ws, app=app, changed=sorted(after))
    return anyio.run(ProgramRun().verify, ctx)


@pytest.fixture
def app(make_app):
    return make_app(only=["runner", "shell_tools"])[0]


@pytest.mark.parametrize("step, program, says", [
    ("calc.py crashes when run. Fix it so that it prints 12.", "print({result})\n", "NameError: name 'result'"),
    ("total.py prints 5 instead of 15; fix the bug", "print({total})\n", "NameError"),
    ("Fix the syntax error in hello.py", 'print("hello"\n', "SyntaxError"),
    ("Write table.py that prints 3 x 1 = 3", "for i in range(3):\nprint(i)\n", "IndentationError"),
    ("Create table.py, whose output is the 3 times table", 'print("<value>")\n', "prints '<value>'"),
    ("Write greet.py, which prints exactly Hello, Ada!", "print('Hello, {name}!')\n", "prints '{name}'"),
])
def test_a_program_that_breaks_on_a_plain_run_or_prints_a_template_is_not_done(app, tmp_path, step, program, says):
    name = next(w for w in step.replace(",", " ").split() if w.endswith(".py"))
    v = judge(app, tmp_path, step, {name: program})
    assert v is not None and not v.passed and says in v.reason, v
    assert v.source == "program_run"


@pytest.mark.parametrize("step, program", [
    ("Write greet.py, which prints exactly Hello, Ada!", 'print("Hello, Ada!")\n'),
    # a template asked for, or one the input holds, is what the program is to print
    ("Write tpl.py that prints the line Dear {name}, as it is", 'print("Dear {name},")\n'),
    ("Write show.py that prints the first line of t.txt", 'print(open("t.txt").readline().strip())\n'),
    # a program that takes arguments or input is not judged by a run without them
    ("Write greet.py that greets the name given on the command line",
     'import sys\nprint("usage: greet.py <name>" if len(sys.argv) < 2 else "Hi " + sys.argv[1])\n'),
    ("Write ask.py that asks for a number and prints its square", "n = int(input())\nprint(n * n)\n"),
    # what a run here cannot supply is not the program's fault
    ("Write get.py that fetches a page with requests", "import requests_not_here\nprint(1)\n"),
    ("Write args.py that prints its first argument", "import sys\nprint(sys.argv[1])\n"),
    # a program asked to break
    ("Write bad.py that raises a NameError, for the test", "print(undefined_name)\n"),
    ("Create a broken script broken.py with a syntax error", "print(\n"),
    # the program is run in a copy: what it writes is not kept
    ("Write make.py that writes out.txt", 'open("out.txt", "w").write("x")\n'),
])
def test_programs_that_run_as_asked_or_cannot_be_judged_here_pass(app, tmp_path, step, program):
    name = next(w for w in step.replace(",", " ").split() if w.endswith(".py"))
    before = {"t.txt": "Dear {name},\n"} if "t.txt" in step else None
    assert judge(app, tmp_path, step, {name: program}, before) is None
    assert not (tmp_path / "ws" / "out.txt").exists()


def test_a_policy_that_asks_first_runs_nothing(make_app, tmp_path):
    app = make_app(only=["runner", "shell_tools"], shell={"policy": "ask"})[0]
    assert judge(app, tmp_path, "Fix calc.py so it prints 12", {"calc.py": "print({result})\n"}) is None


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # the stopped run is reaped too
def test_a_slow_program_is_not_judged(app, tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "RUN_LIMIT", 1.0)
    assert judge(app, tmp_path, "Write slow.py that prints 1", {"slow.py": "import time\ntime.sleep(30)\nprint({x})\n"}) is None


def test_a_fix_written_as_a_template_pauses_and_the_real_fix_completes(make_app):
    """Through the runner: the model's first fix is a template (``print({result})``), which a verifier
    saying YES would pass; the run shows the NameError and the step is tried again."""
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "never"})
    model.enqueue_for("executor",
                      call("write_file", path="calc.py", content="print({result})\n"), call("step_done", report="fixed"),
                      call("write_file", path="calc.py", content="a = 5\nb = 7\nprint(a + b)\n"),
                      call("step_done", report="fixed"))
    model.enqueue_for("verifier", "YES", "YES", "YES")
    model.enqueue_for("summarizer", "Fixed calc.py.")
    task = app.tasks.create("calc.py crashes when run. Fix it so that running it prints 12.",
                            ["calc.py crashes when run. Fix it so that running it prints 12."])
    (app.workspace_for(task.id) / "calc.py").write_text("a = 5\nb = 7\nprint(a + c)\n")
    anyio.run(lambda: Runner(app).run_until_idle(60))
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    verdicts = [e.data for e in app.store.journal(task.id) if e.kind == "verification"]
    assert any(v.get("source") == "program_run" and "NameError" in v["reason"] for v in verdicts), verdicts
    assert (app.workspace_for(task.id) / "calc.py").read_text().endswith("print(a + b)\n")
