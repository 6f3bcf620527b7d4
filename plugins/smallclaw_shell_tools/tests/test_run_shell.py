"""run_shell: process groups and timeouts, capped output, a clean environment, exit code and duration."""

from __future__ import annotations

import re
import signal
import time

import pytest

from smallclaw_core import ToolError
from smallclaw_shell_tools.shell import Job, ShellResult, command_environment, group_alive, run_command
from smallclaw_shell_tools.tools import run_shell

pytestmark = pytest.mark.anyio


def wait_until_gone(pgid: int, seconds: float = 2.0) -> bool:
    """Poll: the killed group's last processes may take a moment to be reaped by init."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return True
        time.sleep(0.02)
    return False


async def test_timeout_kills_the_whole_group(workspace):
    groups: list[int] = []
    started = time.monotonic()
    result = await run_command("sh -c 'sleep 100 & wait'", workspace, timeout=2, on_start=groups.append)
    elapsed = time.monotonic() - started
    assert result.timed_out and result.exit_code is None
    assert elapsed < 3, f"took {elapsed:.1f} s"
    assert wait_until_gone(groups[0]), "a process of the command's group is still running"


async def test_background_leftovers_are_waited_for_until_the_timeout_then_stopped(workspace):
    groups: list[int] = []
    started = time.monotonic()
    result = await run_command("sleep 100 > /dev/null 2>&1 & echo started", workspace, timeout=1.5,
                               on_start=groups.append)
    assert 1.4 < time.monotonic() - started < 4
    assert result.exit_code == 0 and "started" in result.output and not result.timed_out
    assert result.jobs == [Job("sleep 100", killed_by=signal.SIGTERM, stopped=True)] and result.failed
    assert "was still running at the 1.5 s limit and was stopped: sleep 100" in result.render()
    assert wait_until_gone(groups[0])


async def test_a_job_is_named_by_the_program_it_runs_even_when_it_starts_it_late(workspace):
    # forked, a job shows the shell's command line until it runs its program: named again then
    result = await run_command("(sleep 0.1; exec sleep 30) & echo started", workspace, timeout=1.5)
    assert [job.command for job in result.jobs] == ["sleep 30"], result.render()


async def test_a_job_that_finishes_is_waited_for_and_its_output_kept(workspace):
    result = await run_command("(sleep 0.3; echo late) & echo early", workspace, timeout=10)
    assert result.output == "early\nlate\n"
    assert result.jobs == [Job("(a subshell of the command)", exit_code=0)] and not result.failed
    assert result.render().splitlines()[1] == ("a job the command left in the background finished: "
                                               "(a subshell of the command) exit 0")


async def test_jobs_killed_by_a_signal_or_failing_are_failures(workspace):
    result = await run_command("sh -c 'sleep 0.2; kill -SEGV $$' & sh -c 'sleep 0.3; exit 3' &", workspace)
    assert result.exit_code == 0 and result.failed
    assert sorted((job.exit_code or 0, job.killed_by or 0) for job in result.jobs) == [(0, signal.SIGSEGV), (3, 0)]
    assert "(killed by SIGSEGV)" in result.render() and " exit 3" in result.render()


async def test_many_jobs_are_counted_and_failures_shown_first(workspace):
    command = "for i in $(seq 30); do (sleep 0.3; exit 0) & done; (sleep 0.3; exit 7) &"
    result = await run_command(command, workspace, timeout=10)
    assert result.failed and len(result.jobs) + result.more_jobs == 31
    lines = result.render().splitlines()
    assert lines[1].endswith("(a subshell of the command) exit 7") or "1 of which failed" in lines[6], lines
    assert lines[6] == "and 26 more jobs left in the background, " + (
        "all finished with exit 0" if lines[1].endswith("exit 7") else "1 of which failed"), lines


async def test_killing_the_namespaces_init_ends_everything_in_it(workspace, marked):
    """The guarantee the launcher rests on: when init goes, however it goes, the kernel ends the rest."""
    import asyncio
    import os

    from smallclaw_shell_tools.confinement import kernel_namespaces

    if not kernel_namespaces()[0]:
        pytest.skip("the kernel here refuses namespaces")
    groups: list[int] = []
    script = "import os, time; os.setsid(); open('started', 'w').close(); time.sleep(30)"
    command = f"python3 -c \"{script}\" {marked.word} & sleep 30"
    call = asyncio.ensure_future(run_command(command, workspace, timeout=20, on_start=groups.append))
    while not (workspace / "started").exists():
        await asyncio.sleep(0.05)
    launcher = groups[0]
    init = next(int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(p) == launcher)
    os.kill(init, signal.SIGKILL)
    result = await call
    assert marked.survivors() == []
    assert result.failed and not result.timed_out
    assert result.render().startswith("stopped before it finished: init was killed: the kernel ended every "
                                      "process of the command's PID namespace"), result.render()


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def test_the_result_never_claims_what_it_did_not_stop():
    gone = ShellResult(exit_code=None, duration=2.0, output="", timed_out=True, stopped=3, isolation="pid namespace")
    assert gone.render().startswith("timed out after 2.0 s; the command's 3 processes were stopped")
    left = ShellResult(exit_code=None, duration=2.0, output="", timed_out=True, stopped=3, survivors=[41, 42])
    assert "2 processes the command started could not be stopped (pids 41, 42)" in left.render()
    assert "were stopped" not in left.render()
    lost = ShellResult(exit_code=None, duration=9.0, output="", timed_out=True, lost="the launcher gave no report")
    assert "may still be running" in lost.render() and "were stopped" not in lost.render()
    ended = ShellResult(exit_code=None, duration=9.0, output="", timed_out=True, lost="init was killed",
                        isolation="pid namespace")
    assert "the kernel ended every process of the command's PID namespace" in ended.render()
    after_exit = ShellResult(exit_code=0, duration=1.0, output="ok\n", survivors=[7])
    assert after_exit.failed and "could not be stopped (pids 7)" in after_exit.render()


async def test_timeout_through_the_tool_is_an_error_result(workspace, context):
    with pytest.raises(ToolError, match="timed out after"):
        await run_shell.call({"command": "sleep 5"}, context(workspace, policy="open", timeout=0.5))


async def test_ten_megabytes_are_capped_with_head_tail_and_note(workspace):
    command = "printf 'HEAD-MARK\\n'; yes 0123456789abcdef | head -c 10000000; printf '\\nTAIL-MARK\\n'"
    result = await run_command(command, workspace, timeout=30, output_limit=8000)
    assert result.exit_code == 0
    assert result.output.startswith("HEAD-MARK")
    assert result.output.rstrip().endswith("TAIL-MARK")
    note = re.search(r"\[\.\.\. (\d+) bytes of output cut \((\d+) in all\)", result.output)
    assert note, result.output[:300]
    assert int(note.group(2)) == len("HEAD-MARK\n") + 10_000_000 + len("\nTAIL-MARK\n")
    assert int(note.group(1)) == result.cut > 9_900_000
    assert len(result.output) < 8200


async def test_small_output_is_whole(workspace):
    result = await run_command("echo one; echo two >&2; exit 3", workspace)
    assert result.exit_code == 3 and result.cut == 0
    assert result.output == "one\ntwo\n"
    assert "exit code 3" in result.render() and " s)" in result.render()


async def test_secret_named_variables_do_not_reach_the_command(workspace, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "tok-leak")
    monkeypatch.setenv("OPENAI_API_KEY", "key-leak")
    monkeypatch.setenv("MY_SECRET_THING", "secret-leak")
    monkeypatch.setenv("DB_PASSWORD", "password-leak")
    monkeypatch.setenv("LC_TELEGRAM_TOKEN", "lc-leak")  # allowed by LC_*, still a secret
    monkeypatch.setenv("SMALLCLAW_HOME", "/somewhere")  # not on the allow-list
    monkeypatch.setenv("LANG", "C.UTF-8")
    result = await run_command("env", workspace)
    for leak in ("tok-leak", "key-leak", "secret-leak", "password-leak", "lc-leak", "SMALLCLAW_HOME"):
        assert leak not in result.output
    assert "LANG=C.UTF-8" in result.output
    assert f"HOME={workspace.resolve()}" in result.output


def test_configured_extra_names_pass_but_never_secrets(workspace):
    env = command_environment(workspace, ["PYTHONPATH", "AWS_SECRET_ACCESS_KEY"],
                              source={"PATH": "/usr/bin", "PYTHONPATH": "/x", "AWS_SECRET_ACCESS_KEY": "k"})
    assert env["PYTHONPATH"] == "/x"
    assert "AWS_SECRET_ACCESS_KEY" not in env


def test_path_entries_that_the_model_could_fill_are_dropped(workspace):
    env = command_environment(workspace, source={"PATH": f".:bin:{workspace}/bin:{workspace}:/usr/bin"})
    assert env["PATH"] == "/usr/bin"


async def test_working_directory_is_the_workspace(workspace, context):
    result = await run_shell.call({"command": "pwd"}, context(workspace, policy="allow"))
    assert result.splitlines()[0].startswith("exit code 0 (")
    assert result.splitlines()[1] == str(workspace.resolve())


async def test_cancelling_the_call_stops_the_command(workspace):
    import asyncio

    groups: list[int] = []
    call = asyncio.ensure_future(run_command("sleep 100", workspace, timeout=60, on_start=groups.append))
    while not groups:
        await asyncio.sleep(0.01)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert wait_until_gone(groups[0])


def test_run_shell_is_marked_side_effecting():
    from smallclaw_shell_tools.tools import edit_file, list_files, read_file, search_files, write_file

    assert run_shell.side_effects and write_file.side_effects and edit_file.side_effects
    assert not (read_file.side_effects or list_files.side_effects or search_files.side_effects)


async def test_python_runs_as_python3_where_only_python3_is_installed(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    if shutil.which("python", path="/usr/bin:/bin") is not None or not shutil.which("python3", path="/usr/bin:/bin"):
        pytest.skip("needs a system with python3 and no python command")
    result = await run_command('python -c "print(6 * 7)"', tmp_path)
    assert result.exit_code == 0 and result.output.strip() == "42", result.render()


@pytest.mark.parametrize("command, folder", [
    ("wc -w < text.txt > out/words.txt", "out"),  # the shell's own redirection (dash: Directory nonexistent)
    ("cp text.txt backup/text.txt", "backup"),
    ("touch logs/today.log", "logs"),
    ("mv text.txt archive/text.txt", "archive"),
    ("mkdir a/b", "a"),
    ("echo 1 > ./deep/er/n.txt", "deep/er"),
])
async def test_a_file_that_could_not_be_made_for_want_of_its_folder_says_to_make_it(workspace, context, command,
                                                                                      folder):
    (workspace / "text.txt").write_text("one two\n")
    result = await run_shell.call({"command": command}, context(workspace, policy="open"))
    assert result.endswith(f"(the folder {folder} does not exist yet: make it first, with mkdir -p {folder} "
                           "&& your command)"), result


async def test_a_failure_with_its_folder_there_or_outside_adds_nothing(workspace, context):
    (workspace / "out").mkdir()
    ctx = context(workspace, policy="open")
    there = await run_shell.call({"command": "cat missing.txt > out/x.txt; cat nope/y.txt"}, ctx)
    assert "does not exist yet" not in there  # reading a missing file is not a folder to make
    (workspace / "out" / "x").mkdir()
    blocked = await run_shell.call({"command": "cp missing.txt out/x"}, ctx)
    assert "exit code 1" in blocked and "does not exist yet" not in blocked
    assert "does not exist yet" not in await run_shell.call({"command": "echo 1 > ../../../../nowhere/n.txt"}, ctx)


@pytest.mark.parametrize("command", ["sort crew.txt > crew.txt", "grep -v zed ./crew.txt >crew.txt"])
async def test_a_command_that_empties_the_file_it_reads_by_redirecting_onto_it_fails_and_puts_it_back(
        workspace, context, command):
    """``sort crew.txt > crew.txt``: the shell empties crew.txt before sort reads it. The command exits 0 and
    the file is gone; a step that sorts in place was once done that way with nothing left."""
    (workspace / "crew.txt").write_text("zed\namy\nkim\n")
    result = await run_shell.call({"command": command}, context(workspace, policy="open"))
    assert result.__class__.__name__ == "ToolFailure", result
    assert "emptied crew.txt before the command read it" in result and "crew.txt.new && mv crew.txt.new crew.txt" in result
    assert (workspace / "crew.txt").read_text() == "zed\namy\nkim\n"


@pytest.mark.parametrize("command", ["sort crew.txt > sorted.txt", "sort crew.txt > crew.new && mv crew.new crew.txt",
                                     ": > crew.txt", "sort crew.txt >> crew.txt", "echo x > crew.txt; cat crew.txt"])
async def test_redirections_that_do_not_empty_what_they_read_are_left_alone(workspace, context, command):
    (workspace / "crew.txt").write_text("zed\namy\nkim\n")
    result = await run_shell.call({"command": command}, context(workspace, policy="open"))
    assert result.__class__.__name__ != "ToolFailure" and "emptied" not in result, result
