"""The runner's stages one at a time: decide(), the guards, the goal check, round endings, the conversation."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from smallclaw_core.runner import Runner
from smallclaw_core.runner.config import RunnerConfig
from smallclaw_core.runner.conversation import conversation, forget_unfinished
from smallclaw_core.runner.decide import ADVANCE, PAUSE, RETRY, decide
from smallclaw_core.intent import file_names as files_named
from smallclaw_core.runner.evidence import StructureState, changed_since
from smallclaw_core.runner.content import StandIn
from smallclaw_core.runner.guards import (ActionEvidence, FailedAction, NumberGrounding, StructureGuard,
                                          fitting_tools)
from smallclaw_core.models import Message
from smallclaw_core.tasks import Counters, JournalEntry, Step, Task
from smallclaw_core.testing import ScriptedModel, call, verdict
from smallclaw_core.verification import StepContext, Verdict


def run(app, timeout=20):
    anyio.run(lambda: Runner(app).run_until_idle(timeout))


# --- decide: pure --------------------------------------------------------------------


def task_with(counters: Counters) -> Task:
    return Task(id="t", title="t", goal="g", steps=[Step("one"), Step("two")], counters=counters)


def test_a_yes_advances_and_clears_the_step_counters():
    d = decide(task_with(Counters(failed_checks=1, no_progress_rounds=2, goal_checks=1, seen=["a"])),
               Verdict(True, "done"), True, RunnerConfig())
    assert d.action == ADVANCE and d.counters == Counters(goal_checks=1)


def test_a_no_is_retried_then_pauses_at_the_retry_cap_once_a_round_makes_no_progress():
    cfg = RunnerConfig(verify_retries=2, step_attempts=4)
    first = decide(task_with(Counters()), Verdict(False, "count.txt is missing"), True, cfg)
    assert first.action == RETRY and first.counters.failed_checks == 1
    # trying something new after the NO earns another try
    second = decide(task_with(first.counters), Verdict(False, "count.txt holds 10"), True, cfg)
    assert second.action == RETRY
    third = decide(task_with(second.counters), Verdict(False, "count.txt holds 10"), False, cfg)
    assert third.action == PAUSE
    assert third.reason == "step 1 was checked 3 times and is not done: count.txt holds 10"


def test_step_attempts_bound_the_tries_even_with_progress():
    cfg = RunnerConfig(verify_retries=2, step_attempts=3)
    d = decide(task_with(Counters(failed_checks=2)), Verdict(False, "still wrong"), True, cfg)
    assert d.action == PAUSE and d.reason.startswith("step 1 was checked 3 times")


def test_rounds_without_progress_pause_before_the_retry_cap():
    cfg = RunnerConfig(verify_retries=10, no_progress_rounds=2)
    d = decide(task_with(Counters(failed_checks=3, no_progress_rounds=1)), Verdict(False, "same"), False, cfg)
    assert d.action == PAUSE and d.reason.startswith("no progress in 2 rounds")
    d = decide(task_with(Counters(failed_checks=3, no_progress_rounds=1)), Verdict(False, "same"), True, cfg)
    assert d.action == RETRY and d.counters.no_progress_rounds == 0


# --- guards ---------------------------------------------------------------------------


class FakeTools:
    def names(self):
        return ["run_shell", "read_file", "write_file", "edit_file"]


class FakeApp:
    tools = FakeTools()


def entry(kind, **data):
    return JournalEntry(kind=kind, data=data)


def ctx(tmp_path: Path, step: str, evidence=(), changed=(), before=None, app=None) -> StepContext:
    """The step as the verifiers see it after its round: the files it changed were not there, or
    were as they were, when it started."""
    found = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()
                   and str(p.relative_to(tmp_path)) not in changed) if tmp_path.is_dir() else []
    task = Task(id="t", title="t", goal="the goal", steps=[Step(step, found=found)])
    return StepContext(task=task, step_index=0, workspace=tmp_path, evidence=list(evidence), app=app or FakeApp(),
                       step_evidence=list(evidence), changed=list(changed), before=before)


def verify(verifier, c):
    return anyio.run(verifier.verify, c)


def test_a_step_that_asks_for_action_but_used_no_tool_fails_with_the_tools_that_fit(tmp_path):
    v = verify(ActionEvidence(), ctx(tmp_path, "Write the count to count.txt"))
    assert not v.passed and "write_file or run_shell" in v.reason
    assert verify(ActionEvidence(), ctx(tmp_path, "Report the total to the user")) is None
    assert fitting_tools("list the files", ["list_files"]) == ["list_files"]


def test_a_failed_action_fails_the_step_but_a_failed_look_does_not(tmp_path):
    failed_write = [entry("tool_call", id="1", name="run_shell", side_effects=True),
                    entry("tool_result", id="1", name="run_shell", error=True, result="exit code 127\nffmpeg: not found")]
    v = verify(FailedAction(), ctx(tmp_path, "Convert it with ffmpeg", failed_write))
    assert not v.passed and "ffmpeg: not found" in v.reason
    # facts first: the command that was tried, its first line (pip's own message may not name pip)
    pip = [entry("tool_call", id="1", name="run_shell", side_effects=True,
                 arguments={"command": "pip install requests\necho done"}),
           entry("tool_result", id="1", name="run_shell", error=True,
                 result="exit code 1\n" + "x " * 200 + "\nerror: externally-managed-environment")]
    v = verify(FailedAction(), ctx(tmp_path, "Install requests", pip))
    assert v.reason.startswith("the last call, run_shell (`pip install requests...`), failed: exit code 1")
    look = [entry("tool_call", id="1", name="read_file", side_effects=False),
            entry("tool_result", id="1", name="read_file", error=False, result="17"),
            entry("tool_call", id="2", name="read_file", side_effects=False),
            entry("tool_result", id="2", name="read_file", error=True, result="no file 'total.txt'")]
    assert verify(FailedAction(), ctx(tmp_path, "Read a.txt", look)) is None
    only_failures = look[2:]
    assert not verify(FailedAction(), ctx(tmp_path, "Read report.txt", only_failures)).passed


def test_a_file_that_no_longer_parses_fails_the_step(tmp_path):
    (tmp_path / "config.json").write_text('{"debug": false}')
    (tmp_path / "notes.txt").write_text("free text")
    before = StructureState.of(tmp_path)
    assert list(before.valid) == ["config.json"]
    (tmp_path / "config.json").write_text("debug=true")
    v = verify(StructureGuard(), ctx(tmp_path, "set debug to true in config.json", before=before))
    assert not v.passed and "config.json is not valid JSON any more" in v.reason
    assert verify(StructureGuard(), ctx(tmp_path, "write an invalid config.json for the test", before=before)) is None


class JournalApp(FakeApp):
    def __init__(self, entries):
        class Store:
            def journal(self, task_id):
                return entries

        self.store = Store()


def test_a_number_no_tool_computed_from_the_inputs_fails_the_step(tmp_path):
    (tmp_path / "a.txt").write_text("17\n")
    (tmp_path / "b.txt").write_text("25\n")
    (tmp_path / "total.txt").write_text("42\n")
    step = "Add the number in a.txt to the number in b.txt and write the total to total.txt"

    def judged(*calls):
        entries = []
        for i, (name, arguments, result) in enumerate(calls):
            entries += [entry("tool_call", id=str(i), name=name, arguments=arguments),
                        entry("tool_result", id=str(i), name=name, result=result)]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, ["total.txt"], app=JournalApp(entries)))

    # read, then invented: reading shows data, it does not compute
    v = judged(("read_file", {"path": "a.txt"}, "17"), ("write_file", {"path": "total.txt", "content": "42"},
                                                        "wrote 2 bytes to total.txt"))
    assert not v.passed and "total.txt holds 42, but no tool computed that number" in v.reason
    # computed from nothing the step gave (unset variables, numbers of its own); a status line is not output
    assert not judged(("run_shell", {"command": "echo $((a + b))"}, "exit code 0 (0.06 s)\n42")).passed
    assert not judged(("run_shell", {"command": "expr 20 + 22"}, "exit code 0 (0.01 s)\n42")).passed
    assert not judged(("run_shell", {"command": "echo hi"}, "exit code 42 (0.01 s)\nhi")).passed
    # computed from the inputs: their names, or their numbers
    assert judged(("run_shell", {"command": "expr $(cat a.txt) + $(cat b.txt)"}, "exit code 0 (0.01 s)\n42")) is None
    assert judged(("run_shell", {"command": "expr 17 + 25"}, "exit code 0 (0.01 s)\n42")) is None
    # a command on the inputs that sends its output into the file computed it; one on nothing did not
    assert judged(("run_shell", {"command": "expr $(cat a.txt) + $(cat b.txt) > total.txt"},
                   "exit code 0 (0.01 s)\n(no output)")) is None
    assert judged(("run_shell", {"command": "cat a.txt | tee -a total.txt"}, "exit code 0 (0.01 s)\n17")) is None
    assert not judged(("run_shell", {"command": "echo 42 > total.txt"}, "exit code 0 (0.01 s)\n(no output)")).passed


def test_a_labelled_number_is_held_to_the_same_rule_and_a_copied_line_is_not(tmp_path):
    (tmp_path / "a.txt").write_text("17\n")
    (tmp_path / "b.txt").write_text("25\n")
    (tmp_path / "log.txt").write_text("INFO up\nWARN disk 80%\n")
    step = "Add the number in a.txt to the number in b.txt and write the total to total.txt"

    def judged(content, *calls, step=step, out="total.txt"):
        (tmp_path / out).write_text(content)
        entries = []
        for i, (name, arguments, result) in enumerate(calls):
            entries += [entry("tool_call", id=str(i), name=name, arguments=arguments),
                        entry("tool_result", id=str(i), name=name, result=result)]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, [out], app=JournalApp(entries)))

    read = ("read_file", {"path": "a.txt"}, "17")
    v = judged("Total: 42\n", read)
    assert not v.passed and "total.txt holds 42, but no tool computed that number" in v.reason
    assert judged("Total: 42\n", ("run_shell", {"command": "expr $(cat a.txt) + $(cat b.txt)"},
                                   "exit code 0 (0.01 s)\n42")) is None
    # a number the input holds was selected or kept, not computed; text without one number, or a program,
    # is not judged
    assert judged("WARN DISK 80%\n", ("read_file", {"path": "log.txt"}, "INFO up\nWARN disk 80%"),
                  step="Copy the WARN line of log.txt to warn.txt", out="warn.txt") is None
    assert judged("from 17 to 25\n", read) is None
    assert judged("print(42)\n", read, out="total.py") is None


class Says:
    """A stand-in verifier that gives a fixed verdict (a test double)."""

    def __init__(self, name, order, verdict):
        self.name, self.order, self._verdict, self.asked = name, order, verdict, 0

    async def verify(self, ctx):
        self.asked += 1
        return self._verdict


def test_a_guards_no_carries_the_failing_checks_hint(tmp_path):
    from smallclaw_core.runner.verifying import run_verifiers

    def chain(*verifiers):
        app = FakeApp()
        app.verifiers = {v.name: v for v in verifiers}
        return anyio.run(lambda: run_verifiers(app, ctx(tmp_path, "set debug to true in config.json")))

    guard = Says("structure", 5, Verdict(False, "config.json is not valid JSON any more."))
    check = Says("checks", 10, Verdict(False, "check failed: debug is false. Written whole, config.json is: {}",
                                       source="check"))
    model = Says("model", 100, Verdict(True, "looks fine"))
    v = chain(guard, check, model)
    assert not v.passed and v.source == "structure"
    assert v.reason == ("config.json is not valid JSON any more. Also check failed: debug is false. "
                        "Written whole, config.json is: {}")
    assert model.asked == 0  # the model verifier is never asked for a hint
    # a check's own NO stands alone; a later check that passes adds nothing
    assert chain(check, model).reason.startswith("check failed")
    passing = Says("checks", 10, Verdict(True, "checks passed", source="check"))
    assert chain(guard, passing).reason == "config.json is not valid JSON any more."
    # a failed command's error stands alone: "create the file" after "ffmpeg: not found" invites a fake
    failure = Says("failure", 9, Verdict(False, "the last call, run_shell, failed: ffmpeg: not found"))
    assert chain(failure, check).reason == "the last call, run_shell, failed: ffmpeg: not found"
    # ...but a command that failed for want of a file the step is to write gets the check's hint
    (tmp_path / "config.json").unlink(missing_ok=True)
    wanting = Says("failure", 9, Verdict(False, "the last call, run_shell, failed: can't open file 'config.json'"))
    assert chain(wanting, check).reason.endswith("Also check failed: debug is false. "
                                                 "Written whole, config.json is: {}")
    # ...and so does any failure in a step that edits files that are all there: nothing to fake
    (tmp_path / "config.json").write_text("{}")
    assert chain(failure, check).reason.endswith("Also check failed: debug is false. "
                                                 "Written whole, config.json is: {}")


def test_a_script_run_into_the_output_file_computed_its_number(tmp_path):
    (tmp_path / "sum.py").write_text("print(sum(range(1, 101)))\n")
    (tmp_path / "sum.txt").write_text("5050\n")
    step = "Write a Python script sum.py that prints the sum of 1 to 100, run it, and write its output to sum.txt"

    def judged(command, result="exit code 0 (0.01 s)\n(no output)"):
        entries = [entry("tool_call", id="1", name="run_shell", arguments={"command": command}),
                   entry("tool_result", id="1", name="run_shell", result=result)]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, ["sum.py", "sum.txt"], app=JournalApp(entries)))

    assert judged("python3 sum.py > sum.txt") is None
    assert not judged("echo 5050 > sum.txt").passed  # the number typed into the command


def test_the_3_of_python3_is_not_a_number_typed_in(tmp_path):
    """A script the step wrote, reading the input and writing the count itself, then run: the count is
    its. The 3 of ``python3`` once counted as the number written out in the command, and a right count
    of 3 failed (and the 3 printed in a ``python3: can't open file`` error could ground an invented one)."""
    (tmp_path / "pets.txt").write_text("cat dog\ncat\nbird\nbird cat\n")
    script = ("with open('pets.txt') as f:\n    n = sum(1 for r in f if 'cat' in r)\n"
              "with open('cats.txt', 'w') as f:\n    f.write(f'{n}\\n')\nprint(n)\n")
    (tmp_path / "count_cat.py").write_text(script)
    (tmp_path / "cats.txt").write_text("3\n")
    step = "How many lines of pets.txt contain cat? Write the number to cats.txt."

    def judged(command, result, error=False):
        entries = [entry("tool_call", id="1", name="write_file", arguments={"path": "count_cat.py", "content": script}),
                   entry("tool_result", id="1", name="write_file", result="wrote 120 bytes to count_cat.py"),
                   entry("tool_call", id="2", name="run_shell", arguments={"command": command}),
                   entry("tool_result", id="2", name="run_shell", result=result, error=error)]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, ["count_cat.py", "cats.txt"],
                                             app=JournalApp(entries)))

    assert judged("python3 count_cat.py", "exit code 0 (0.02 s)\n3") is None
    refused = judged("python3 count.py", "exit code 2 (0.01 s)\npython3: can't open file 'count.py'", error=True)
    assert refused is not None and not refused.passed


def test_a_count_a_script_printed_from_the_input_may_be_written_by_hand(tmp_path):
    """The script reads pets.txt and prints the count; the model writes what it printed. The command
    names no input, but the script it runs does: the number came from the input."""
    (tmp_path / "pets.txt").write_text("cat dog\ncat\nbird\nbird cat\n")
    printing = "print(sum(1 for r in open('pets.txt') if 'cat' in r))\n"
    (tmp_path / "cats.txt").write_text("3\n")
    step = "How many lines of pets.txt contain cat? Write the number to cats.txt."

    def judged(script):
        (tmp_path / "c.py").write_text(script)
        entries = [entry("tool_call", id="1", name="run_shell", arguments={"command": "python3 c.py"}),
                   entry("tool_result", id="1", name="run_shell", result="exit code 0 (0.02 s)\n3"),
                   entry("tool_call", id="2", name="write_file", arguments={"path": "cats.txt", "content": "3\n"}),
                   entry("tool_result", id="2", name="write_file", result="wrote 2 bytes to cats.txt")]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, ["cats.txt"], app=JournalApp(entries)))

    assert judged(printing) is None
    assert not judged("print(3)\n").passed  # a script that prints a number it was given reads no input


def test_a_file_typed_in_after_its_command_failed_is_not_its_output(tmp_path):
    (tmp_path / "song.mp3").write_text("Hello, World!")

    def judged(*calls, changed=("song.mp3",)):
        entries = []
        for i, (name, arguments, result, error) in enumerate(calls):
            entries += [entry("tool_call", id=str(i), name=name, arguments=arguments),
                        entry("tool_result", id=str(i), name=name, result=result, error=error)]
        return verify(StandIn(), ctx(tmp_path, "Use ffmpeg to convert song.wav to song.mp3", entries, list(changed)))

    ffmpeg = ("run_shell", {"command": "ffmpeg -i song.wav song.mp3"}, "exit code 127\nffmpeg: not found", True)
    typed = ("write_file", {"path": "song.mp3", "content": "Hello, World!"}, "wrote 13 bytes to song.mp3", False)
    v = judged(ffmpeg, typed)
    assert not v.passed and v.source == "stand_in"
    assert v.reason.startswith("song.mp3 was written by hand after `ffmpeg -i song.wav song.mp3` failed")
    assert "ffmpeg: not found" in v.reason and "step_done" in v.reason
    # the command working after all, or the file written before the command: no stand-in
    worked = ("run_shell", {"command": "ffmpeg -i song.wav song.mp3"}, "exit code 0", False)
    assert judged(ffmpeg, worked, typed) is None
    assert judged(typed, ffmpeg) is None
    # a command whose error is about the file itself had it as input: writing it is the fix
    broken = ("run_shell", {"command": "python3 app.py"}, "File \"app.py\", line 2\nSyntaxError", True)
    fixed = ("write_file", {"path": "app.py", "content": "print(1)"}, "wrote 8 bytes to app.py", False)
    assert judged(broken, fixed, changed=("app.py",)) is None
    # a URL naming the file is not the command naming it
    curl = ("run_shell", {"command": "curl https://example.com/data.csv"}, "Could not resolve host", True)
    typed_csv = ("write_file", {"path": "data.csv", "content": "a,b"}, "wrote 3 bytes to data.csv", False)
    assert judged(curl, typed_csv, changed=("data.csv",)) is None
    curl_o = ("run_shell", {"command": "curl https://example.com/data.csv -o data.csv"},
              "curl: (6) Could not resolve host: example.com", True)
    assert "Could not resolve host" in judged(curl_o, typed_csv, changed=("data.csv",)).reason
    # a program that is not here at all (exit status 127): no file typed after it stands for what it was
    # to do, whatever its name, until a command has run since
    lp = ("run_shell", {"command": "lp report.txt"}, "exit code 127 (0.1 s)\n/bin/sh: 1: lp: not found", True)
    job = ("write_file", {"path": "print_job.txt", "content": "printed"}, "wrote 7 bytes to print_job.txt", False)
    v = judged(lp, job, changed=("print_job.txt",))
    assert not v.passed and v.reason.startswith("print_job.txt was written by hand after `lp report.txt` failed")
    ls = ("run_shell", {"command": "ls"}, "exit code 0 (0.1 s)\nreport.txt", False)
    assert judged(lp, ls, job, changed=("print_job.txt",)) is None
    # a script that is not there yet (its own name in the error): writing it is the fix
    script = ("run_shell", {"command": "./run.sh"}, "exit code 127 (0.1 s)\n/bin/sh: 1: ./run.sh: not found", True)
    made = ("write_file", {"path": "run.sh", "content": "echo hi"}, "wrote 7 bytes to run.sh", False)
    assert judged(script, made, changed=("run.sh",)) is None


def test_why_a_call_failed_is_read_from_the_end_of_its_output():
    from smallclaw_core.runner.guards import what_failed

    meter = ("exit code 6 (0.11 s)\n  % Total    % Received % Xferd  Average Speed\n"
             "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\n"
             "curl: (6) Could not resolve host: example.com\n")
    assert what_failed(entry("tool_result", result=meter)).endswith("curl: (6) Could not resolve host: example.com")
    assert what_failed(entry("tool_result", result=meter)).startswith("exit code 6")
    # the line a pause quotes is the error, not the meter's header
    from smallclaw_core.runner.evidence import error_line
    assert error_line(meter) == "curl: (6) Could not resolve host: example.com"
    assert error_line("exit code 2 (0.1 s)\nls: cannot access 'x': No such file\n") == \
        "ls: cannot access 'x': No such file"


def test_files_named_and_changed(tmp_path):
    assert files_named("Copy notes.txt to out/backup.md, see https://x.org/a.csv, e.g. etc.") == \
        ["notes.txt", "out/backup.md"]
    (tmp_path / "old.txt").write_text("x")
    import os
    import time

    os.utime(tmp_path / "old.txt", (time.time() - 100, time.time() - 100))
    (tmp_path / "new.txt").write_text("y")
    assert changed_since(tmp_path, time.time() - 10) == ["new.txt"]


# --- through the runner (a scripted model, a test double) -----------------------------------


@pytest.fixture
def app_model(make_app):
    return make_app(only=["runner", "shell_tools"], shell={"policy": "allow"})


def test_a_passing_check_does_not_end_a_round_while_the_model_acts(app_model):
    """The first file passes its check, but the model is still working on the step: its later
    calls run, and the round ends on step_done."""
    app, model = app_model
    model.enqueue_for("executor", call("write_file", path="hello.txt", content="hello world"),
                      call("write_file", path="other.txt", content="also asked for"),
                      call("step_done", report="wrote both"))
    model.enqueue_for("summarizer", "Wrote hello.txt and other.txt.")
    task = app.tasks.create("greet", ["write hello world to hello.txt, and other.txt"],
                            checks=["file_exists: hello.txt\nfile_contains: hello.txt :: hello world"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    assert len(model.requests_for("executor")) == 3
    assert (app.workspace_for(task.id) / "other.txt").read_text() == "also asked for"


def test_step_done_ends_the_round_with_its_report(app_model):
    app, model = app_model
    model.enqueue_for("executor", call("run_shell", command="echo 7"), call("step_done", report="it printed 7"))
    model.enqueue_for("verifier", verdict(True, "the command printed 7."))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["run echo 7"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete" and task.steps[0].notes[-1] == "it printed 7"
    assert "The assistant's report: it printed 7" in model.requests_for("verifier")[0].messages[-1].content


def test_a_goal_naming_a_file_that_was_never_written_is_not_complete(app_model):
    app, model = app_model
    # every step is done, but the goal's output was never written
    model.enqueue_for("executor", call("read_file", path="data.txt"), call("step_done", report="read it"),
                      call("step_done", report="done"), call("step_done", report="done"))
    model.enqueue_for("verifier", verdict(True, "the file was read."))
    task = app.tasks.create("Count the lines in data.txt and write the number to count.txt",
                            ["read data.txt"])
    (app.workspace_for(task.id) / "data.txt").write_text("a\nb\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and "count.txt" in task.pause_reason
    # the goal check sent it back for the missing file, with a check the step could not pass
    assert task.steps[-1].description.startswith("Finish the goal: the goal names count.txt, which does not exist")
    assert task.steps[-1].check == "file_exists: count.txt"
    goal = [e.data for e in app.store.journal(task.id) if e.kind == "verification" and e.data["source"] == "goal"]
    assert [g["passed"] for g in goal] == [False]
    assert not any(e.kind == "summary" for e in app.store.journal(task.id))


def test_an_unfinished_round_attempt_stays_out_of_the_conversation(app_model):
    app, model = app_model
    task = app.tasks.create("g", ["s"])
    app.sessions.append(task.session_key, Message("system", "head"), head=True)
    app.sessions.append(task.session_key, Message("user", "attempt one"), round=1)
    forget_unfinished(app, task, 1)
    app.sessions.append(task.session_key, Message("user", "attempt two"), round=1)
    app.tasks.update(task.id, lambda t: setattr(t, "rounds", 1))
    assert [m.content for m in conversation(app, app.store.get(task.id))] == ["head", "attempt two"]


def test_a_loop_pause_says_what_the_call_kept_getting(make_app):
    app, model = make_app(only=["runner", "shell_tools"])  # the default policy: sandboxed commands run
    model.enqueue_for("executor", *[call("run_shell", command="ffmpeg -i a.wav a.mp3") for _ in range(8)])
    task = app.tasks.create("g", ["convert a.wav with ffmpeg"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "ffmpeg: not found" in task.pause_reason, task.pause_reason


def test_after_a_round_that_went_in_circles_the_next_starts_from_a_summary(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("read_file", path="data.txt")] * 3,
                      call("write_file", path="count.txt", content="two lines"), call("step_done", report="done"))
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("count", ["count the lines of data.txt into count.txt"], checks=["file_exists: count.txt"])
    (app.workspace_for(task.id) / "data.txt").write_text("a\nb\n")
    run(app)
    requests = model.requests_for("executor")
    assert len(requests) == 5  # three reads (the third ends the round), then the write and step_done
    second_round = requests[3].messages
    assert "Your last attempt at the current step did:" in second_round[2].content
    assert 'read_file({"path": "data.txt"}) gave: a b' in second_round[2].content
    assert not any(m.role == "tool" for m in second_round)  # the loop itself is not shown again
    assert "there is no file 'count.txt'" in second_round[-1].content


def test_a_small_executor_is_not_offered_the_advanced_tools(make_app):
    class Small(ScriptedModel):
        async def describe(self, model):
            info = await super().describe(model)
            info.size = 400_000_000
            return info

    app, model = make_app(Small(), only=["runner", "shell_tools"], runner={"attempt_style": "tools"})
    model.enqueue_for("executor", call("step_done", report="nothing to do"))
    model.enqueue_for("verifier", verdict(True), verdict(False, "nothing is missing"))
    model.enqueue_for("summarizer", "ok")
    app.tasks.create("g", ["say hello"])
    run(app)
    offered = {t.name for t in model.requests_for("executor")[0].tools}
    assert {"write_file", "read_file", "run_shell", "step_done"} <= offered
    assert not offered & {"edit_file", "search_files"}
    app2, model2 = make_app(only=["runner", "shell_tools"])  # a model of unknown size gets every tool
    model2.enqueue_for("executor", call("step_done", report="nothing to do"))
    model2.enqueue_for("verifier", verdict(True))
    model2.enqueue_for("summarizer", "ok")
    app2.tasks.create("g", ["say hello"])
    run(app2)
    assert {"edit_file", "search_files"} <= {t.name for t in model2.requests_for("executor")[0].tools}


def test_a_step_does_not_overwrite_the_file_it_reads(app_model):
    app, model = app_model
    model.enqueue_for("executor", call("write_file", path="names.txt", content="ADA\nGRACE\n"),
                      call("write_file", path="upper.txt", content="ADA\nGRACE\n"), call("step_done", report="done"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("upper", ["Write names.txt in upper case to upper.txt"],
                            checks=["file_exists: upper.txt"])
    workspace = app.workspace_for(task.id)
    (workspace / "names.txt").write_text("ada\ngrace\n")
    run(app)
    assert app.store.get(task.id).status == "complete"
    assert (workspace / "names.txt").read_text() == "ada\ngrace\n"  # the input is intact
    assert (workspace / "upper.txt").read_text() == "ADA\nGRACE\n"  # written by the model's own call
    refused = [e.data for e in app.store.journal(task.id) if e.kind == "error" and e.data.get("kind") == "input"]
    assert refused[0]["action"] == "block" and "Write the result to upper.txt" in refused[0]["message"]
    # the model's call was refused with the reason, never rewritten to another file in its name
    results = [e.data for e in app.store.journal(task.id) if e.kind == "tool_result"]
    assert "names.txt is what this step reads" in results[0]["result"]


def test_with_several_outputs_a_write_to_the_input_is_refused_then_ends_the_round(app_model):
    app, model = app_model
    model.enqueue_for("executor", *[call("edit_file", path="names.txt", old="ada", new="ADA")] * 2)
    model.enqueue_for("verifier", verdict(False, "nothing written"))
    task = app.tasks.create("upper", ["Write names.txt in upper case to a.txt and b.txt"],
                            checks=["file_exists: a.txt\nfile_exists: b.txt"])
    (app.workspace_for(task.id) / "names.txt").write_text("ada\n")
    run(app)
    assert (app.workspace_for(task.id) / "names.txt").read_text() == "ada\n"
    actions = [e.data["action"] for e in app.store.journal(task.id) if e.kind == "error" and e.data.get("kind") == "input"]
    assert actions[:2] == ["block", "end"]


def test_a_config_a_step_broke_is_put_back(app_model):
    app, model = app_model
    app.config.runner.step_attempts = 1
    model.enqueue_for("executor", call("run_shell", command="echo debug true > config.json"),
                      call("step_done", report="done"))
    task = app.tasks.create("edit", ['In config.json, set "debug" to true.'])
    (app.workspace_for(task.id) / "config.json").write_text('{"debug": false}')
    run(app)
    assert (app.workspace_for(task.id) / "config.json").read_text() == '{"debug": false}'
    assert "config.json was put back as it was before this step" in app.store.get(task.id).pause_reason


def test_an_input_a_command_overwrote_is_put_back(app_model):
    app, model = app_model
    app.config.runner.step_attempts = 1
    model.enqueue_for("executor", call("run_shell", command="echo gone > names.txt"), call("step_done", report="ok"))
    task = app.tasks.create("upper", ["Write names.txt in upper case to upper.txt"], checks=["file_exists: upper.txt"])
    (app.workspace_for(task.id) / "names.txt").write_text("ada\n")
    run(app)
    assert (app.workspace_for(task.id) / "names.txt").read_text() == "ada\n"
    notes = [e.data["message"] for e in app.store.journal(task.id) if e.kind == "note" and e.data.get("kind") == "input"]
    assert notes == ["put back as it was: names.txt (the step reads it, and a command changed it)"]


def test_a_step_that_needs_a_file_that_is_not_there_asks_the_user_before_it_starts(app_model):
    app, model = app_model
    app.config.runner.planner = "sentences"
    task = app.tasks.create("Summarize report.txt in three sentences and write them to summary.txt.")
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert task.pause_reason.startswith("step 1 needs report.txt, which is not in the task's workspace")
    assert model.history == []  # no model call was spent on it


def test_a_small_executor_starts_each_retry_from_a_summary(make_app):
    class Small(ScriptedModel):
        async def describe(self, model):
            info = await super().describe(model)
            info.size = 400_000_000
            return info

    app, model = make_app(Small(), only=["runner", "shell_tools"], shell={"policy": "allow"})
    model.enqueue_for("executor", call("write_file", path="out.txt", content="wrong"), call("step_done", report="ok"),
                      call("write_file", path="out.txt", content="right"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["write right to out.txt"], checks=["file_contains: out.txt :: right"])
    run(app)
    assert app.store.get(task.id).status == "complete"
    retry = model.requests_for("executor")[2].messages
    assert "Your last attempt at the current step did:" in retry[2].content
    assert not any(m.role == "tool" for m in retry) and "does not contain 'right'" in retry[-1].content


def test_the_step_message_ends_with_the_call_that_fixes_the_step():
    from smallclaw_core import fix_hint
    from smallclaw_core.runner.conversation import step_message

    task = Task(id="t", title="count", goal="g", steps=[Step("Count the lines of data.txt into count.txt")])
    task.feedback = "count.txt is missing." + fix_hint("run_shell", command="wc -l < data.txt > count.txt")
    text = step_message(task, False)
    assert ("The check of your last attempt said NO: count.txt is missing.\n"
            "To fix it, call run_shell with this command:\nwc -l < data.txt > count.txt\n") in text
    assert "Fix that." not in text and text.endswith("then call step_done.")
    task.feedback = "no tool was called"
    assert "said NO: no tool was called Fix that." in step_message(task, False)
    assert fix_hint("write_file", path="a.json", content="{}") == \
        '\nTo fix it, call write_file with path "a.json" and this content:\n{}'


def test_a_step_a_later_step_undid_is_done_again_before_the_task_completes(app_model):
    app, model = app_model
    model.enqueue_for("executor",
                      call("write_file", path="numbers.txt", content="one two three"), call("step_done", report="ok"),
                      # the second step's work writes over the first step's file
                      call("write_file", path="numbers.txt", content="oops"),
                      call("write_file", path="double.py", content="print(2)"), call("step_done", report="ok"),
                      call("write_file", path="numbers.txt", content="one two three"), call("step_done", report="ok"))
    model.enqueue_for("summarizer", "Wrote numbers.txt and double.py.")
    task = app.tasks.create("numbers", ["write one two three to numbers.txt", "write double.py"],
                            checks=["file_contains: numbers.txt :: one two three", "file_exists: double.py"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", "\n".join(f"{e.kind} {str(e.data)[:160]}" for e in app.store.journal(task.id))
    assert (app.workspace_for(task.id) / "numbers.txt").read_text() == "one two three"
    reopened = [e for e in app.store.journal(task.id) if e.kind == "plan_change" and e.data.get("by") == "goal check"]
    assert reopened and reopened[0].data["reason"].startswith("step 1 (write one two three to numbers.txt) no longer holds")
    assert task.steps[-1].check == "file_contains: numbers.txt :: one two three"


def test_a_steps_start_is_its_first_rounds_and_written_with_the_rounds_end(app_model):
    app, model = app_model
    model.enqueue_for("executor", call("write_file", path="one.txt", content="first"), call("step_done", report="one"),
                      call("write_file", path="two.txt", content="second"), call("step_done", report="two"))
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["make one.txt and two.txt"], checks=["file_exists: two.txt"])
    writes = []
    real_update = app.store.update

    def update(task_id, change, **lease):
        t = real_update(task_id, change, **lease)
        writes.append((t.rounds, t.steps[0].started_at is not None))
        return t

    real_claim = app.store.claim

    def claim(wanted, take):  # the runner's lease is a write too
        taken = real_claim(wanted, take)
        writes.extend((t.rounds, t.steps[0].started_at is not None) for t in taken)
        return taken

    app.store.update = update
    app.store.claim = claim
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete"
    rounds = [e for e in app.store.journal(task.id) if e.kind == "round"]
    assert task.steps[0].started_seq == rounds[0].seq - 1  # the first round's, kept by the second
    assert task.steps[0].started_at == pytest.approx(rounds[0].ts, abs=0.05)
    # no write of its own for the step's start: the one that ends round 1 records it
    assert writes[0] == (0, False) and writes[1] == (1, True)


def test_a_first_round_cut_short_by_a_crash_still_starts_the_step(app_model):
    app, model = app_model
    task = app.tasks.create("g", ["write a.txt"])
    # a runner that died in the step's first round: the round's record and a finished write, no round end
    crashed = app.tasks.journal(task.id, "round", {"round": 1, "step": 0, "prompt": "..."}, step=0, round=1)
    app.tasks.journal(task.id, "tool_call", {"id": "r1.1", "name": "write_file", "arguments": {"path": "a.txt"},
                                             "side_effects": True}, step=0, round=1)
    app.tasks.journal(task.id, "tool_result", {"id": "r1.1", "name": "write_file", "result": "wrote a.txt",
                                               "error": False}, step=0, round=1)
    model.enqueue_for("executor", call("step_done", report="a.txt is written"))
    model.enqueue_for("verifier", verdict(True, "done."))
    model.enqueue_for("summarizer", "ok")
    run(app)
    task = app.store.get(task.id)
    assert task.steps[0].started_seq == crashed.seq - 1 and task.steps[0].started_at == crashed.ts
    # the crashed round's write is part of the step's evidence the verifier saw
    assert "write_file" in model.requests_for("verifier")[0].messages[-1].content


def test_a_steps_evidence_is_its_earlier_rounds_and_this_ones(app_model):
    from smallclaw_core.runner.verifying import step_evidence

    app, _ = app_model
    task = app.tasks.create("g", ["one", "two"])

    def entry(kind, step, **data):
        return app.tasks.journal(task.id, kind, data, step=step)

    first = entry("round", 0)
    earlier = [entry("tool_call", 0, id="r1.1"), entry("tool_result", 0, id="r1.1")]
    second = entry("round", 0)
    now = [entry("tool_call", 0, id="r2.1"), entry("tool_result", 0, id="r2.1")]
    copy = app.store.get(task.id)
    copy.steps[0].started_seq = first.seq - 1
    assert [e.seq for e in step_evidence(app, copy, 0, now, second.seq)] == [e.seq for e in earlier + now]
    # a step that started with this round has nothing earlier, whatever the journal holds before
    copy.steps[0].started_seq = second.seq - 1
    assert step_evidence(app, copy, 0, now, second.seq) == now


def test_a_number_a_check_computes_is_left_to_that_check(tmp_path):
    (tmp_path / "config.json").write_text('{"port": 8080}')
    (tmp_path / "port.txt").write_text("8080\n")
    entries = [entry("tool_call", id="1", name="read_file", arguments={"path": "config.json"}),
               entry("tool_result", id="1", name="read_file", result='{"port": 8080}')]
    c = ctx(tmp_path, "Read the port from config.json and write it to port.txt", entries, ["port.txt"],
            app=JournalApp(entries))
    assert not verify(NumberGrounding(), c).passed  # only read: nothing computed it
    c.task.steps[0].check = "file_exists: port.txt\nfile_equals_output: port.txt :: python3 -c '...' config.json port"
    assert verify(NumberGrounding(), c) is None  # the check computes the right number and compares


def test_a_file_renamed_or_moved_is_not_put_back(tmp_path):
    from smallclaw_core.runner.rounds import step_inputs

    class Here:
        def workspace_for(self, task_id):
            return tmp_path

    (tmp_path / "draft.txt").write_text("the plan\n")
    (tmp_path / "data.txt").write_text("a\n")
    task = Task(id="t", title="t", goal="g", steps=[Step("Rename draft.txt to final.txt"),
                                                   Step("Write the first line of data.txt to one.txt")])
    assert step_inputs(Here(), task, 0) == {}
    assert step_inputs(Here(), task, 1) == {"data.txt": ["one.txt"]}


def test_a_renamed_file_the_goal_names_is_not_missing(app_model):
    from smallclaw_core.runner.finishing import missing_files

    app, _ = app_model
    task = app.tasks.create("Rename draft.txt to final.txt, then delete old.txt and write new.txt.", ["s"])
    (app.workspace_for(task.id) / "final.txt").write_text("x")
    assert missing_files(app, task) == ["new.txt"]


def test_a_bare_name_the_task_made_inside_folders_is_not_missing(app_model):
    """"docs/api and docs/guide, each with an index.md": the goal names index.md bare; where the task made
    it is what its journaled changes say. One it did not make (or one only at the root) is still missing."""
    from smallclaw_core.runner.finishing import missing_files

    app, _ = app_model
    task = app.tasks.create("Create the folders docs/api and docs/guide, each with an empty file index.md.", ["s"])
    ws = app.workspace_for(task.id)
    assert missing_files(app, task) == ["index.md"]
    for d in ("docs/api", "docs/guide"):
        (ws / d).mkdir(parents=True)
        (ws / d / "index.md").write_text("")
    assert missing_files(app, task) == ["index.md"]  # there, but not made by the task: nothing says it is this one
    app.tasks.journal(task.id, "change", {"step": 0, "files": [{"path": "docs/api/index.md", "action": "created"},
                                                               {"path": "docs/guide/index.md", "action": "created"}]})
    assert missing_files(app, task) == []


def test_rounds_that_run_out_of_time_pause_saying_so(make_app):
    app, model = make_app(only=["runner"])
    app.config.runner.round_timeout = 0.2
    app.config.runner.transport_attempts = 1

    async def slow(request):
        await anyio.sleep(5)
        return "late"

    model.responder = slow
    task = app.tasks.create("g", ["s"])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance"
    assert "rounds in a row took longer than 0.2 s ([runner] round_timeout)" in task.pause_reason


def test_an_edit_that_changed_nothing_and_a_file_of_the_steps_own_words_fail(tmp_path):
    from smallclaw_core.runner.guards import Echo, UnchangedEdit

    (tmp_path / "data.txt").write_text("a,b\n")
    step = "Replace every comma in data.txt with a semicolon."
    v = verify(UnchangedEdit(), ctx(tmp_path, step))
    assert not v.passed and v.reason.startswith("data.txt is unchanged")
    assert verify(UnchangedEdit(), ctx(tmp_path, step, changed=["data.txt"])) is None
    # a step that writes a new file, or reads, moves or copies, is not an edit in place
    assert verify(UnchangedEdit(), ctx(tmp_path, "Make a list of data.txt in new.txt")) is None
    assert verify(UnchangedEdit(), ctx(tmp_path, "Count the commas in data.txt and add them up")) is None

    (tmp_path / "head.txt").write_text("first three lines of data.txt")
    v = verify(Echo(), ctx(tmp_path, "Write the first three lines of data.txt to head.txt.", changed=["head.txt"]))
    assert not v.passed and "words of the step itself" in v.reason
    (tmp_path / "r.txt").write_text("reversed.tx...")
    assert not verify(Echo(), ctx(tmp_path, "Write list.txt reversed to reversed.txt", changed=["r.txt"])).passed
    # a value the goal quotes, a single word the step names, or a real result pass
    (tmp_path / "hello.txt").write_text("hello world")
    assert verify(Echo(), ctx(tmp_path, "Write the text 'hello world' to hello.txt.", changed=["hello.txt"])) is None
    (tmp_path / "fruit.txt").write_text("banana")
    assert verify(Echo(), ctx(tmp_path, "Write the word banana to fruit.txt.", changed=["fruit.txt"])) is None
    (tmp_path / "head.txt").write_text("alpha\nbravo\ncharlie\n")
    assert verify(Echo(), ctx(tmp_path, "Write the first three lines of data.txt to head.txt.",
                              changed=["head.txt"])) is None
    # two words the step gives without quotes, data it spells out, a text its checks require
    (tmp_path / "hello.txt").write_text("hello world")
    assert verify(Echo(), ctx(tmp_path, "Can you put hello world in a file called hello.txt?",
                              changed=["hello.txt"])) is None
    (tmp_path / "p.json").write_text('{"name": "Alice", "age": 30}')
    assert verify(Echo(), ctx(tmp_path, 'I need p.json to hold {"name": "Alice", "age": 30}.', changed=["p.json"])) is None
    (tmp_path / "n.txt").write_text("good morning to all of you")
    step = "Put good morning to all of you in n.txt."
    assert not verify(Echo(), ctx(tmp_path, step, changed=["n.txt"])).passed
    checked = ctx(tmp_path, step, changed=["n.txt"])
    checked.task.steps[0].check = "file_contains: n.txt :: good morning to all of you"
    assert verify(Echo(), checked) is None
    # the text given unquoted for each of two files ("hedge.txt that says trim in june and tulips.txt ...")
    (tmp_path / "garden").mkdir()
    (tmp_path / "garden" / "hedge.txt").write_text("trim in june\n")
    step = ("Make a folder named garden holding two files: hedge.txt that says trim in june and tulips.txt that "
            "says plant in autumn.")
    assert verify(Echo(), ctx(tmp_path, step, changed=["garden/hedge.txt"])) is None
    # a file the step edits that now holds just a word of the step lost what it held
    (tmp_path / "server.toml").write_text("[server]\n")
    edited = ctx(tmp_path, "Add timeout = 30 to the [server] table of server.toml.", changed=["server.toml"])
    edited.task.steps[0].found = ["server.toml"]
    assert not verify(Echo(), edited).passed
    # the output a request says a program prints, and a fixed script that compiles, are results
    (tmp_path / "evens.txt").write_text("2 4 6 8 10\n")
    assert verify(Echo(), ctx(tmp_path, "evens.txt must hold what evens.py prints: 2 4 6 8 10 on a single line.",
                              changed=["evens.txt"])) is None
    (tmp_path / "hello.py").write_text('print("hello")\n')
    fixed = ctx(tmp_path, "Running hello.py gives a SyntaxError; repair it (it should print hello).",
                changed=["hello.py"])
    fixed.task.steps[0].found = ["hello.py"]
    assert verify(Echo(), fixed) is None
    (tmp_path / "hello.py").write_text("Running hello.py gives a SyntaxError\n")  # the request's words: no program
    assert not verify(Echo(), fixed).passed


def test_a_number_a_program_wrote_from_the_inputs_is_computed_and_one_typed_in_a_program_is_not(tmp_path):
    (tmp_path / "a.txt").write_text("17\n")
    (tmp_path / "total.txt").write_text("42\n")
    step = "Add 25 to the number in a.txt and write the total to total.txt"

    def judged(*calls):
        entries = []
        for i, (name, arguments) in enumerate(calls):
            entries += [entry("tool_call", id=str(i), name=name, arguments=arguments),
                        entry("tool_result", id=str(i), name=name, result="exit code 0 (0.1 s)\n(no output)")]
        return verify(NumberGrounding(), ctx(tmp_path, step, entries, ["total.txt"], app=JournalApp(entries)))

    script = "t = int(open('a.txt').read()) + 25\nopen('total.txt', 'w').write(str(t))\n"
    assert judged(("write_file", {"path": "sum.py", "content": script}),
                  ("run_shell", {"command": "python3 sum.py"})) is None
    typed = "open('total.txt', 'w').write('42')\n"
    assert not judged(("write_file", {"path": "sum.py", "content": typed}),
                      ("run_shell", {"command": "python3 sum.py"})).passed
    # typed in after the program ran: what the program wrote is gone
    assert not judged(("write_file", {"path": "sum.py", "content": script}), ("run_shell", {"command": "python3 sum.py"}),
                      ("write_file", {"path": "total.txt", "content": "42"})).passed


@pytest.mark.parametrize("content, status", [("a,b\n", "needs_assistance"), ("a;b\n", "complete")])
def test_a_file_written_back_with_the_bytes_it_had_is_unchanged(make_app, content, status):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", *[call("read_file", path="data.txt"), call("write_file", path="data.txt", content=content),
                                    call("step_done", report="replaced the commas")] * 3)
    model.enqueue_for("verifier", *[verdict(True, "the commas are semicolons now.")] * 6)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Replace every comma in data.txt with a semicolon."])
    (app.workspace_for(task.id) / "data.txt").write_text("a,b\n")
    run(app)
    task = app.store.get(task.id)
    assert task.status == status, task.pause_reason
    if status != "complete":
        assert task.pause_reason and "data.txt is unchanged" in task.pause_reason


def test_a_file_moved_away_is_not_unchanged(make_app):
    """held-out-12's replays: "put jan.txt and feb.txt in a winter folder (moved, not copied) and leave
    mar.txt alone" reads the three as files to edit; after a right `mv`, two are gone, and "jan.txt,
    feb.txt, mar.txt are unchanged" refused the step, then every `mv` again failed."""
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", call("run_shell", command="mkdir -p winter && mv jan.txt feb.txt winter/"),
                      call("step_done", report="moved them"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 2)
    model.enqueue_for("summarizer", "ok")
    goal = "Could you put jan.txt and feb.txt in a winter folder (moved, not copied) and leave mar.txt alone?"
    task = app.tasks.create(goal, [goal])
    for name in ("jan.txt", "feb.txt", "mar.txt"):
        (app.workspace_for(task.id) / name).write_text(name)
    run(app)
    task = app.store.get(task.id)
    assert task.status == "complete", task.pause_reason
    assert sorted(p.name for p in (app.workspace_for(task.id) / "winter").iterdir()) == ["feb.txt", "jan.txt"]


def test_a_later_step_whose_file_an_earlier_step_wrote_may_use_no_tool(make_app):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", call("run_shell", command="wc -l < data.txt > n.txt"),
                      call("step_done", report="n.txt holds the count"), call("step_done", report="saved already"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["Count the lines of data.txt into n.txt.", "Save it in n.txt."])
    (app.workspace_for(task.id) / "data.txt").write_text("a\nb\n")
    run(app)
    assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason
    # a file the task did not make is still one the step must change, with a tool
    model.enqueue_for("executor", *[call("step_done", report="saved already")] * 3)
    other = app.tasks.create("g", ["Save it in data.txt."])
    (app.workspace_for(other.id) / "data.txt").write_text("a\nb\n")
    run(app)
    assert app.store.get(other.id).status == "needs_assistance"


@pytest.mark.parametrize("goal, steps, files, work", [
    ("people.json holds a list of people. Write their names to names.txt.",
     ["people.json holds a list of people.", "Write their names to names.txt."],
     {"people.json": '[{"name": "Ann"}]\n'}, call("write_file", path="names.txt", content="Ann\n")),
    ("calc.py crashes when run. Fix it so that running it prints 12.",
     ["calc.py crashes when run.", "Fix it so that running it prints 12."],
     {"calc.py": "print(5 + c)\n"}, call("write_file", path="calc.py", content="print(5 + 7)\n")),
])
def test_a_plan_whose_first_step_did_all_the_work_completes(make_app, goal, steps, files, work):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", work, call("step_done", report="did it all"), call("step_done", report="done before"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create(goal, steps)
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    run(app)
    assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason


@pytest.mark.parametrize("goal, steps, files", [
    ("calc.py crashes when run. Fix it so that running it prints 12.",
     ["calc.py crashes when run.", "Fix it so that running it prints 12."], {"calc.py": "print(5 + c)\n"}),
    ("greeting.txt says Good night. Make it say Good morning.", ["Make it say Good morning."],
     {"greeting.txt": "Good night\n"}),
])
def test_a_task_that_changed_nothing_is_not_complete_whatever_its_steps_said(make_app, goal, steps, files):
    app, model = make_app(only=["runner", "shell_tools"])
    # every step "succeeds": it ran a command and reported; nothing in the workspace changed
    model.enqueue_for("executor", *[call("run_shell", command="python3 -c 'print(8)'"),
                                    call("step_done", report="fixed it, it prints 12")] * 6)
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 12)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create(goal, steps)
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance", task.status
    assert "changed no file and did nothing outside the workspace" in task.pause_reason
    assert not any(e.kind == "summary" for e in app.store.journal(task.id))


@pytest.mark.parametrize("goal, calls, expected", [
    # only questions: the answer is the result, and nothing needs to change
    ("What port does config.json use?", [call("read_file", path="config.json")], {"config.json": '{"port": 1}\n'}),
    # a removal changes no file's bytes, but the step's journaled change shows it
    ("Remove old.txt.", [call("run_shell", command="rm old.txt")], {}),
    # the same goal, where the file was edited
    ("greeting.txt says Good night. Make it say Good morning.",
     [call("write_file", path="greeting.txt", content="Good morning\n")], {"greeting.txt": "Good morning\n"}),
])
def test_a_task_that_only_asks_or_changed_a_file_completes(make_app, goal, calls, expected):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", *calls, call("step_done", report="done"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create(goal, [goal])
    ws = app.workspace_for(task.id)
    (ws / "config.json").write_text('{"port": 1}\n')
    (ws / "old.txt").write_text("old\n")
    (ws / "greeting.txt").write_text("Good night\n")
    run(app)
    assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason
    for name, text in expected.items():
        assert (ws / name).read_text() == text


def test_a_task_whose_tool_acted_outside_the_workspace_completes_with_no_file_changed(make_app, note_sender):
    send_note, sent = note_sender
    app, model = make_app(only=["runner", "shell_tools"])
    app.tools.add("test", send_note)
    model.enqueue_for("executor", call("send_note", text="the report is ready"), call("step_done", report="sent"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    model.enqueue_for("summarizer", "ok")
    goal = "Let the team know that report.txt is ready."
    task = app.tasks.create(goal, [goal])
    (app.workspace_for(task.id) / "report.txt").write_text("ready\n")
    run(app)
    assert app.store.get(task.id).status == "complete", "\n".join(str((e.kind, e.data)) for e in app.store.journal(task.id))
    assert sent == ["the report is ready"]


@pytest.mark.parametrize("goal, named", [
    ("Compress the photos folder into photos.7z with 7zzz.", "7zzz is not installed here"),
    ("Fetch the weather for Oslo from wttr.in and save it in weather.txt.",
     "commands here have no network access ([shell] network = false), and the goal names wttr.in"),
    ("Summarize report.txt in three sentences into summary.txt.", "report.txt is not in the workspace"),
])
def test_a_pause_names_what_the_goal_needs_that_is_not_here(make_app, goal, named):
    app, model = make_app(only=["runner", "shell_tools"], runner={"attempts": "never"})
    model.enqueue_for("executor", *[call("step_done", report="done")] * 8)
    model.enqueue_for("verifier", *[verdict(False, "nothing was made.")] * 8)
    task = app.tasks.create(goal, [goal])
    run(app)
    task = app.store.get(task.id)
    assert task.status == "needs_assistance" and named in task.pause_reason, task.pause_reason


@pytest.mark.parametrize("goal, output, named", [
    # the words name no program, the call does (held-out-7's play_song: `mpg3 song.mp3`)
    ("Can you play song.mp3 out loud for me?", "/bin/sh: 1: mpg3zz: not found", "mpg3zz is not installed here"),
    # a program that imports a module this machine lacks
    ("Turn scan.png into text in scan.txt.", "Traceback (most recent call last):\n  File \"<stdin>\", line 1\n"
     "ModuleNotFoundError: No module named 'pytesseractzz'", "pytesseractzz (a Python module) is not installed here"),
    # the words do not say that the goal reads orders.txt; a call that tried does
    ("orders_count.txt should say how many lines orders.txt has.", "wc: orders.txt: No such file or directory",
     "orders.txt is not in the workspace (a call tried to read it)"),
    ("Get the Bitcoin price from the internet into btc.txt.", "curl: (6) Could not resolve host: api.example.com",
     "commands here could not reach the network (Could not resolve host: api.example.com)"),
    # held-out-11's hn_top_story: the programs reached for requests; installed, it would not get far either
    ("What's the top story on the news site right now? Save its title in top.txt.",
     "ModuleNotFoundError: No module named 'requests'", "commands here have no network access"),
])
def test_a_pause_names_what_the_calls_ran_into_that_is_not_here(make_app, goal, output, named):
    """Independent attempts that each failed their own way pause with what they made, not with each
    failure; what one of them ran into that this machine lacks is added, where the reason does not say it."""
    from smallclaw_core.runner.intents import with_blockers
    app, _ = make_app(only=["runner", "shell_tools"])
    task = app.tasks.create(goal, [goal])
    app.tasks.journal(task.id, "tool_result", {"id": "r1.1", "name": "run_shell", "error": True,
                                               "result": f"exit code 1 (0.1 s)\n{output}"})
    reason = "4 independent attempts at step 1 did not agree on a result (#2: changed nothing)."
    assert named in with_blockers(app, app.store.get(task.id), reason)
    said = f"{reason} The same failure in 2 of 4 attempts: `x`: {output.splitlines()[-1]}"
    assert with_blockers(app, app.store.get(task.id), said).count(named.split(" ", 1)[0]) <= 1 or "network" in named


def test_what_the_calls_ran_into_is_checked_against_the_machine():
    """An output file a call looked for, a program that is installed after all (a typo in a path): none
    of these is what the machine lacks."""
    from smallclaw_core.runner.lacking import lacking
    ran = [entry("tool_result", error=True, result="Error: no file 'count.txt' in the workspace"),
           entry("tool_result", error=True, result="/bin/sh: 1: sh: not found"),
           entry("tool_result", error=True, result="cat: notes.txt: No such file or directory"),
           # a command that exited 0: only the shell's own words count, and only from a command (a file read
           # that holds them is no call that needed the program)
           entry("tool_result", error=False, name="read_file", result="/bin/sh: 1: zzprog: not found"),
           entry("tool_result", error=False, name="run_shell", result="exit code 0 (0.1 s)\nfee: not found"),
           entry("tool_result", error=True, not_run=True, result="/bin/sh: 1: yyprog: not found"),
           # a here-document's end run as a command (held-out-16's table_booking: "SMALLCLAW_PROGRAM_END is not
           # installed here")
           entry("tool_result", error=True, result="/bin/sh: 31: SMALLCLAW_PROGRAM_END: not found\n/bin/sh: 2: EOF: not found")]
    assert lacking(ran, lambda n: n == "notes.txt", ["notes.txt", "input.txt"]) == []
    assert lacking(ran[:1] + [entry("tool_result", error=True, result="sh: 1: zzprog: not found")],
                   lambda n: False, ["count.txt"]) == [
        ("zzprog", "zzprog is not installed here (a command needed it)"),
        ("count.txt", "count.txt is not in the workspace (a call tried to read it)")]


def test_a_program_the_shell_did_not_find_is_named_though_the_command_exited_0():
    """held-out-19's insurance_fax: ``echo ... | fax ...; echo sent`` printed "/bin/sh: 1: fax: not found" and
    exited 0; the pause named another program an attempt tried, not the fax."""
    from smallclaw_core.runner.lacking import lacking
    for said in ("/bin/sh: 1: zzfax: not found", "sh: 2: zzfax: not found", "bash: line 1: zzfax: command not found",
                 "bash: zzfax: command not found"):
        ran = [entry("tool_result", error=False, name="run_shell", result=f"exit code 0 (0.1 s)\n{said}\nsent\n")]
        assert lacking(ran, lambda n: False, []) == [("zzfax", "zzfax is not installed here (a command needed it)")]
    installed = [entry("tool_result", error=False, name="run_shell", result="exit code 0 (0.1 s)\nsh: 1: ls: not found")]
    assert lacking(installed, lambda n: False, []) == []


def test_a_network_client_missing_is_no_network_only_where_commands_have_none():
    from smallclaw_core.runner.lacking import lacking
    ran = [entry("tool_result", error=True, result="ModuleNotFoundError: No module named 'requests'")]
    assert [about for about, _ in lacking(ran, lambda n: False, [], offline=False)] == ["requests"]
    assert [about for about, _ in lacking(ran, lambda n: False, [], offline=True)] == ["requests", "network"]
    other = [entry("tool_result", error=True, result="ModuleNotFoundError: No module named 'yamlzz'")]
    assert [about for about, _ in lacking(other, lambda n: False, [], offline=True)] == ["yamlzz"]


def test_a_syntax_errors_line_is_what_a_pause_quotes():
    from smallclaw_core.runner.evidence import error_line
    out = 'exit code 1 (0.07 s)\n  File "<stdin>", line 1\n    import x y\n             ^\nSyntaxError: invalid syntax\n'
    assert error_line(out) == "SyntaxError: invalid syntax"


def test_checks_smallclaw_derived_do_not_pass_what_the_guards_after_them_refuse(make_app):
    app, model = make_app(only=["runner", "shell_tools"])
    code = "with open('hello.txt', 'w') as f:\n    f.write('hello world\\n')\n"
    model.enqueue_for("executor", *[call("write_file", path="hello.txt", content=code),
                                    call("step_done", report="wrote hello world")] * 3)
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    task = app.tasks.create("g", ["Write the text 'hello world' to hello.txt."])
    run(app)
    task = app.store.get(task.id)
    assert task.steps[0].check_by == "derived" and "hello world" in task.steps[0].check
    assert task.status == "needs_assistance" and "program code" in task.pause_reason, task.pause_reason


def test_a_file_the_goal_names_inside_a_folder_it_names_is_not_missing(make_app):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", call("run_shell", command="mkdir -p docs"),
                      call("write_file", path="docs/README.md", content="Project docs\n"),
                      call("step_done", report="created docs/README.md"))
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 3)
    model.enqueue_for("summarizer", "ok")
    goal = "Can you add a docs directory containing README.md with the text Project docs?"
    task = app.tasks.create(goal, [goal])
    run(app)
    assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason


@pytest.mark.parametrize("before, after, status", [
    ("Good night\n", "Result: <value>\n", "needs_assistance"),
    ("{name} says Good night\n", "{name} says Good morning\n", "complete"),
])
def test_a_placeholder_written_into_a_file_edited_in_place_is_not_its_own_input(make_app, before, after, status):
    app, model = make_app(only=["runner", "shell_tools"])
    model.enqueue_for("executor", *[call("read_file", path="greeting.txt"),
                                    call("write_file", path="greeting.txt", content=after),
                                    call("step_done", report="it says Good morning")] * 3)
    model.enqueue_for("verifier", *[verdict(True, "done.")] * 4)
    model.enqueue_for("summarizer", "ok")
    task = app.tasks.create("g", ["greeting.txt says Good night. Make it say Good morning instead."])
    (app.workspace_for(task.id) / "greeting.txt").write_text(before)
    run(app)
    task = app.store.get(task.id)
    assert task.status == status, task.pause_reason
    if status != "complete":
        assert "placeholder" in task.pause_reason


def test_what_an_attempt_typed_into_a_file_does_not_count_as_the_pause_saying_it(make_app):
    """held-out-11's run after the attempt budget: an attempt typed "No such file or directory: 'exiftool'"
    into camera.txt; listed among the candidates, it hid the fact that exiftool is not installed here."""
    from smallclaw_core.runner.intents import with_blockers
    app, _ = make_app(only=["runner", "shell_tools"])
    goal = "Use exiftoolzz to read the camera model of photo.jpg into camera.txt."
    task = app.tasks.create(goal, [goal])
    reason = ("8 independent attempts at step 1 did not agree on a result (#4: camera.txt: \"No such file or "
              "directory: 'exiftoolzz'\"; #5: camera.txt: 'Canon'). Pick one with `smallclaw task pick x N`, or "
              "resume with a hint.")
    assert "(Also: exiftoolzz is not installed here" in with_blockers(app, app.store.get(task.id), reason)


@pytest.mark.parametrize("goal, said", [
    ("Call my dentist and move my appointment to Thursday.", True),
    ("Could you get me two tickets for the town hall concert on Saturday?", True),
    ("Write hello to hello.txt.", False),  # it names a file: the tools here make files
    ("Download https://example.com/a.csv.", False),  # the network fact says what is missing
])
def test_a_goal_no_tool_here_can_do_is_named_in_the_pause(make_app, note_sender, goal, said):
    """held-out-14's concert_tickets, held-out-15's dentist_call: the attempts ran whatever they thought of
    (``echo 'Buy two tickets'``, ``ssh my dentist@remote_host``) and the pause quoted that. A goal that names
    no file, where no tool acts outside the workspace, is said to be beyond the tools, with the goal."""
    from smallclaw_core.runner.intents import with_blockers
    app, _ = make_app(only=["runner", "shell_tools"])
    task = app.tasks.create(goal, [goal])
    reason = "4 attempts at step 1 failed; the last: the last call, run_shell (`echo hi`), failed: exit code 1"
    # before any call (the model process crashed), the pause is about the model, not the tools
    assert "no tool here acts outside" not in with_blockers(app, app.store.get(task.id), reason)
    app.tasks.journal(task.id, "tool_result", {"id": "r1.1", "name": "run_shell", "error": True,
                                               "result": "exit code 1 (0.1 s)\n"})
    out = with_blockers(app, app.store.get(task.id), reason)
    assert ("no tool here acts outside the workspace (edit_file" in out and repr(goal) in out) is said, out
    app.tools.add("test", note_sender[0])  # a tool that acts outside: it may be the one the goal needs
    assert "no tool here acts outside" not in with_blockers(app, app.store.get(task.id), reason)


@pytest.mark.parametrize("goal, files, said", [
    ("Post announcement.txt to our street's WhatsApp group.", {"announcement.txt": "Street party Sunday\n"}, True),
    ("Print birthday_card.txt on the printer in the hall.", {"birthday_card.txt": "Happy birthday\n"}, True),
    ("Could you ring the plumber and tell him what leak.txt says?", {"leak.txt": "Drip under the sink\n"}, True),
    # near misses: a file to change; a file made; a question for facts about a file
    ("Fix the typo in announcement.txt.", {"announcement.txt": "Stret party\n"}, False),
    ("Copy announcement.txt to notice.txt.", {"announcement.txt": "Street party\n"}, False),
    ("How many lines does announcement.txt have?", {"announcement.txt": "a\nb\n"}, False),
])
def test_a_goal_that_only_reads_its_files_is_said_to_be_beyond_the_tools(make_app, goal, files, said):
    """held-out-21's whatsapp_announce: a goal whose one file is there to be read, and that makes or changes
    none, asks for its work to happen outside the workspace; where no tool acts outside it, the pause says so,
    with the goal (it named neither WhatsApp nor that no tool reaches it)."""
    from smallclaw_core.runner.intents import with_blockers
    app, _ = make_app(only=["runner", "shell_tools"])
    task = app.tasks.create(goal, [goal])
    for name, text in files.items():
        (app.workspace_for(task.id) / name).write_text(text)
    app.tasks.journal(task.id, "tool_result", {"id": "r1.1", "name": "run_shell", "error": True,
                                               "result": "exit code 1 (0.1 s)\n"})
    out = with_blockers(app, app.store.get(task.id), "8 independent attempts at step 1 did not agree on a result")
    assert ("makes or changes no file, and no tool here acts outside the workspace" in out
            and repr(goal) in out) is said, out
