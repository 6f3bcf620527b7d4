"""The evidence checks verifier, on its own: formats, failures with their evidence, confinement."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from smallclaw_core import Step, StepContext, Task
from smallclaw_shell_tools.checks import EvidenceChecks, MalformedCheck, parse_check

pytestmark = pytest.mark.anyio


def step_context(workspace: Path, check: str | None, app=None, approvals=()) -> StepContext:
    task = Task(id="t1", title="t", goal="g", steps=[Step("write the report", check=check)],
                approvals=list(approvals))
    return StepContext(task=task, step_index=0, workspace=workspace, answer="Done!", app=app)


async def verify(workspace, check, app=None, approvals=()):
    return await EvidenceChecks().verify(step_context(workspace, check, app, approvals))


def test_parse_forms():
    assert parse_check("file_exists: report.md") == ("file_exists", ["report.md"])
    assert parse_check("file_contains: a b.md :: total: 3") == ("file_contains", ["a b.md", "total: 3"])
    assert parse_check("Command_Succeeds: grep -q x f") == ("command_succeeds", ["grep -q x f"])
    for bad in ("file_exists:", "file_contains: a.md", "file_contains: :: x", "exists report.md", "url_ok: x"):
        with pytest.raises(MalformedCheck):
            parse_check(bad)


async def test_no_check_no_opinion(workspace):
    assert await verify(workspace, None) is None
    assert await verify(workspace, "  \n ") is None


async def test_file_exists(workspace):
    failed = await verify(workspace, "file_exists: report.md")
    assert not failed.passed and failed.source == "check"
    assert "no file 'report.md'" in failed.reason
    (workspace / "report.md").write_text("x")
    passed = await verify(workspace, "file_exists: report.md")
    assert passed.passed and passed.decisive and passed.source == "check"


async def test_file_contains(workspace):
    (workspace / "report.md").write_text("count: 3\n")
    failed = await verify(workspace, "file_contains: report.md :: total")
    assert not failed.passed and "does not contain 'total'" in failed.reason
    (workspace / "report.md").write_text("count: 3\ntotal: 3\n")
    assert (await verify(workspace, "file_contains: report.md :: total")).passed


async def test_every_line_must_pass_and_the_first_failure_is_named(workspace):
    (workspace / "a.md").write_text("alpha")
    verdict = await verify(workspace, "file_exists: a.md\nfile_contains: a.md :: beta\nfile_exists: zzz")
    assert not verdict.passed
    assert "a.md :: beta" in verdict.reason and "zzz" not in verdict.reason


async def test_malformed_check_fails_and_says_so(workspace):
    verdict = await verify(workspace, "make sure the report is good")
    assert not verdict.passed and "malformed" in verdict.reason and "file_exists: PATH" in verdict.reason


async def test_checks_are_confined_too(workspace, outside):
    verdict = await verify(workspace, f"file_exists: {outside / '.ssh' / 'id_rsa'}")
    assert not verdict.passed and "outside the workspace" in verdict.reason
    verdict = await verify(workspace, "file_contains: ../home/.ssh/id_rsa :: SECRET")
    assert not verdict.passed and "outside the workspace" in verdict.reason


async def test_command_succeeds_passes_and_fails_with_its_output(workspace, stand_in):
    app = stand_in(policy="allow")
    (workspace / "report.md").write_text("total 3\n")
    assert (await verify(workspace, "command_succeeds: grep -q total report.md", app)).passed
    failed = await verify(workspace, "command_succeeds: grep -c missing report.md", app)
    assert not failed.passed and "exit code 1" in failed.reason and "0" in failed.reason


async def test_command_succeeds_obeys_the_policy(workspace, stand_in, tmp_path, without_landlock):
    # without Landlock the approved command writes outside: the policy alone decides here
    marker = tmp_path / "marker"
    command = f"python3 -c \"open('{marker}', 'w')\""
    refused = await verify(workspace, f"command_succeeds: {command}", stand_in(policy="allow"))
    assert not refused.passed and "was not run" in refused.reason and "not in the allow list" in refused.reason
    asked = await verify(workspace, f"command_succeeds: {command}", stand_in(policy="ask"))
    assert not asked.passed and "needs approval" in asked.reason
    assert not marker.exists()
    approved = await verify(workspace, f"command_succeeds: {command}", stand_in(policy="ask"), approvals=[command])
    assert approved.passed and marker.exists()


async def test_command_check_timeout_fails(workspace, stand_in):
    verdict = await verify(workspace, "command_succeeds: sleep 5", stand_in(policy="open", timeout=0.3))
    assert not verdict.passed and "timed out" in verdict.reason


async def test_file_is_number_passes_only_a_lone_number(tmp_path):
    assert parse_check("file_is_number: count.txt") == ("file_is_number", ["count.txt"])
    for text, ok in (("7\n", True), (" 5050 ", True), ("-3.5", True), ("3 bytes to count.txt", False),
                     ("data.txt has 7 lines", False), ("", False)):
        (tmp_path / "count.txt").write_text(text)
        verdict = await verify(tmp_path, "file_is_number: count.txt")
        assert verdict.passed is ok, (text, verdict.reason)
    assert "should hold just the number" in verdict.reason


async def test_file_value_file_lacks_and_file_equals_output(tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text('{"name": "demo", "debug": true, "port": 8080}')
    (tmp_path / "s.toml").write_text('port = 9000\n')
    (tmp_path / "fruits.txt").write_text("pear\napple\n")
    (tmp_path / "sorted.txt").write_text("apple\npear")  # no newline at the end: still equal
    (tmp_path / "greeting.txt").write_text("Hello, SmallClaw!\n")
    for check in ("file_value: config.json :: debug = true", 'file_value: config.json :: name = "demo"',
                  "file_value: s.toml :: port = 9000", "file_lacks: greeting.txt :: World",
                  "file_equals_output: sorted.txt :: sort fruits.txt"):
        verdict = await verify(tmp_path, check)
        assert verdict.passed, (check, verdict.reason)
    failed = await verify(tmp_path, "file_value: config.json :: debug = false")
    assert not failed.passed and "debug is true, it should be false" in failed.reason
    assert "has no key 'missing'" in (await verify(tmp_path, "file_value: config.json :: missing = 1")).reason
    assert "still contains 'Hello'" in (await verify(tmp_path, "file_lacks: greeting.txt :: Hello")).reason
    (tmp_path / "sorted.txt").write_text("fruits.txt\n")
    wrong = await verify(tmp_path, "file_equals_output: sorted.txt :: sort fruits.txt")
    assert not wrong.passed and "should hold 'apple" in wrong.reason
    for bad in ("file_value: config.json :: debug", "file_lacks: greeting.txt", "file_equals_output: a.txt"):
        with pytest.raises(MalformedCheck):
            parse_check(bad)


async def test_a_failed_check_names_how_to_get_it_right(tmp_path):
    (tmp_path / "data.txt").write_text("a\nb\n")
    missing = await verify(tmp_path, "file_exists: count.txt\nfile_equals_output: count.txt :: wc -l < data.txt")
    # the fixing call comes last, its argument on lines of its own, so a small model copies it as it is
    assert missing.reason.endswith("\nTo fix it, call run_shell with this command:\nwc -l < data.txt > count.txt")
    (tmp_path / "count.txt").write_text("wrote 2 bytes to count.txt")
    wordy = await verify(tmp_path, "file_is_number: count.txt\nfile_equals_output: count.txt :: wc -l < data.txt")
    assert "should hold just the number" in wordy.reason
    assert wordy.reason.endswith("this command:\nwc -l < data.txt > count.txt")


async def test_the_fixing_command_makes_the_folder_of_a_result_inside_one(tmp_path):
    # a redirection into a folder that does not exist fails ("Directory nonexistent"): the command
    # given to the model must work as given
    (tmp_path / "data.txt").write_text("a\nb\n")
    missing = await verify(tmp_path, "file_equals_output: results/count.txt :: wc -l < data.txt")
    command = missing.reason.rsplit("\n", 1)[1]
    assert command == "mkdir -p results && wc -l < data.txt > results/count.txt"
    assert subprocess.run(command, shell=True, cwd=tmp_path).returncode == 0
    assert (await verify(tmp_path, "file_equals_output: results/count.txt :: wc -l < data.txt")).passed
    (tmp_path / "config.json").write_text('{"name": "demo", "debug": false}')
    wrong = await verify(tmp_path, 'file_value: config.json :: name = "demo"\nfile_value: config.json :: debug = true')
    assert "debug is false, it should be true." in wrong.reason
    assert wrong.reason.endswith('To fix it, call write_file with path "config.json" and this content:\n'
                                 '{"name": "demo", "debug": true}')


async def test_a_missing_file_the_step_writes_is_an_instruction_to_write_it(tmp_path):
    def ctx(step):
        task = Task(id="t1", title="t", goal="g", steps=[Step(step, check="file_exists: sum.py")])
        return StepContext(task=task, step_index=0, workspace=tmp_path)

    script = await EvidenceChecks().verify(ctx("Write a Python script sum.py that prints 1 to 100, run it"))
    assert script.reason.endswith('Write it first: call write_file with path "sum.py" and its whole content')
    # a file a program or a download is to make is not for the model to type in
    made = await EvidenceChecks().verify(ctx("Use a compiler to build sum.py from sum.pyx"))
    assert made.reason.endswith("create it (write_file, or a command)")


async def test_a_comparison_with_a_command_that_prints_nothing_proves_nothing(tmp_path):
    (tmp_path / "double.py").write_text("numbers = [1, 2]\n")  # computes, prints nothing
    (tmp_path / "doubled.txt").write_text("")
    v = await verify(tmp_path, "file_equals_output: doubled.txt :: python3 double.py")
    assert not v.passed and "`python3 double.py` prints nothing" in v.reason
