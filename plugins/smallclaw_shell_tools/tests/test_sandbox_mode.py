"""The sandbox mode: the default where Landlock is, ``ask`` where it is not (and saying so), the limits, doctor.

Everything runs on the real kernel; "Landlock is missing" is simulated by making the
probe report no support (the ``without_landlock`` fixture).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from smallclaw_core import NeedsApproval, ToolContext, ToolError
from smallclaw_core.app import App
from smallclaw_core.cli import main as smallclaw_main
from smallclaw_shell_tools import confinement as confinement_module
from smallclaw_shell_tools.config import ShellConfig
from smallclaw_shell_tools.confinement import confinement_for, kernel_landlock, shell_mode
from smallclaw_shell_tools.report import doctor_checks, shell_status
from smallclaw_shell_tools.shell import LAUNCHER, run_command
from smallclaw_shell_tools.tools import run_shell

pytestmark = pytest.mark.anyio
needs_landlock = pytest.mark.skipif(kernel_landlock()[0] < 4, reason="needs Landlock ABI 4 or later")

SCRIPT = "total = sum(range(1, 11))\nopen('result.txt', 'w').write(f'total {total}\\n')\nprint('wrote', total)\n"


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A real app (data directory, workspace root) with the shell tools and the scripted model."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("SMALLCLAW_PLUGINS", "shell_tools")
    monkeypatch.setenv("SMALLCLAW_EXTRA_PLUGINS", "smallclaw_core.testing")
    # the scripted model (a test double) is only described by doctor, never asked
    monkeypatch.setenv("SMALLCLAW_SCRIPT", "smallclaw_core.testing:request_kind")
    home = tmp_path / ".localclaw"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[models]\nexecutor = "scripted:test"\n\n[workspace]\nroot = "{tmp_path / "workspaces"}"\n')
    return App.load(home)


def context(app, task_id="t1") -> ToolContext:
    return ToolContext(workspace=app.workspace_for(task_id), task_id=task_id, app=app)


def doctor(app, capsys) -> tuple[int, str]:
    code = smallclaw_main(["--home", str(app.home), "doctor"])
    return code, capsys.readouterr().out


# --- sandbox where Landlock is ------------------------------------------------------------


@needs_landlock
def test_sandbox_is_the_default_and_in_force():
    mode = shell_mode(ShellConfig())
    assert ShellConfig().policy == "sandbox"
    assert mode.policy == "sandbox" and mode.confined and not mode.fallback
    assert mode.landlock == kernel_landlock()[0]


@needs_landlock
async def test_a_python_script_runs_without_approval(app):
    ctx = context(app)
    (ctx.workspace / "script.py").write_text(SCRIPT)
    result = await run_shell.call({"command": "python3 script.py"}, ctx)
    assert result.startswith("exit code 0") and "wrote 55" in result
    assert (ctx.workspace / "result.txt").read_text() == "total 55\n"


@needs_landlock
async def test_commands_get_a_private_temporary_directory(app):
    ctx = context(app)
    result = await run_shell.call({"command": 'echo kept > "$TMPDIR/x" && cat "$TMPDIR/x" && echo "$TMPDIR"'}, ctx)
    assert "kept" in result
    tmpdir = result.strip().splitlines()[-1]
    assert tmpdir.startswith("/") and not os.path.exists(tmpdir)  # removed afterwards
    second = await run_shell.call({"command": 'echo "$TMPDIR"'}, ctx)
    assert second.strip().splitlines()[-1] != tmpdir


@needs_landlock
async def test_a_path_provably_out_of_reach_is_refused_before_running(app, tmp_path):
    ctx = context(app)
    secret = tmp_path / "home" / "notes.txt"
    secret.write_text("private\n")
    with pytest.raises(ToolError, match="outside what commands can reach") as caught:
        await run_shell.call({"command": f"cat {secret} > copy.txt"}, ctx)
    assert "sandbox" in str(caught.value)
    assert not (ctx.workspace / "copy.txt").exists()
    with pytest.raises(ToolError, match="outside what commands can reach"):
        await run_shell.call({"command": f"echo x > {tmp_path / 'home' / 'new.txt'}"}, ctx)
    # reachable places, patterns and expansions run; the kernel has the last word
    for command, expected in [("cat /etc/passwd | head -1", "root"), ("cd / && ls usr | head -3", "exit code 0"),
                              ("printf 'a\\nb\\nc\\n' > f && sed -n '/a/,/b/p' f", "a\nb"),
                              ("ls /usr/bin/python3*", "python3"), ('echo "$HOME"', str(ctx.workspace))]:
        result = await run_shell.call({"command": command}, ctx)
        assert expected in result, (command, result)


@needs_landlock
async def test_the_limits_stop_a_greedy_process(app):
    ctx = context(app)
    app.config.sections["shell"] = ShellConfig(memory_limit=100, cpu_limit=1)
    memory = await run_shell.call({"command": "python3 -c \"b = bytearray(300 * 1024 * 1024); print('allocated')\""},
                                  ctx)
    assert "MemoryError" in memory and "allocated" not in memory
    cpu = await run_shell.call({"command": "python3 -c 'while True: pass'"}, ctx)
    assert cpu.startswith("exit code 152"), cpu  # 128 + SIGXCPU
    small = await run_shell.call({"command": "python3 -c \"b = bytearray(10 * 1024 * 1024); print('fine')\""}, ctx)
    assert "fine" in small


@needs_landlock
async def test_network_true_lets_tcp_through(app):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)
    port = server.getsockname()[1]
    ctx = context(app)
    command = f"python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port})).sendall(b'hi')\""
    try:
        denied = await run_shell.call({"command": command}, ctx)
        assert "Permission denied" in denied
        app.config.sections["shell"] = ShellConfig(network=True)
        allowed = await run_shell.call({"command": command}, ctx)
        assert allowed.startswith("exit code 0"), allowed
        conn, _ = server.accept()
        conn.close()
    finally:
        server.close()


@needs_landlock
async def test_read_only_adds_a_directory_but_never_one_holding_the_data_directory(app, tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "greet").write_text("#!/bin/sh\necho hello from tools\n")
    (tools / "greet").chmod(0o755)
    ctx = context(app)
    denied = await run_shell.call({"command": f"T={tools}; \"$T/greet\""}, ctx)
    assert "Permission denied" in denied
    app.config.sections["shell"] = ShellConfig(read_only=[str(tools), str(tmp_path)])
    allowed = await run_shell.call({"command": f"T={tools}; \"$T/greet\""}, ctx)
    assert "hello from tools" in allowed
    # tmp_path holds the data directory (the token) and every workspace: left out, and said so
    token = await run_shell.call({"command": f"T={app.home}/config.toml; cat \"$T\""}, ctx)
    assert "Permission denied" in token
    left_out = [c for c in doctor_checks(app) if c.what == "left out of the sandbox"]
    assert len(left_out) == 1 and left_out[0].detail.startswith(f"{tmp_path}: it contains")


@needs_landlock
async def test_a_workspace_holding_the_data_directory_is_refused(tmp_path):
    app = App.load(tmp_path / "space" / ".localclaw", only=["shell_tools"],
                   overrides={"workspace": {"root": str(tmp_path / "space"), "per_task": False}})
    with pytest.raises(ToolError, match="contains the data directory"):
        await run_shell.call({"command": "ls"}, ToolContext(workspace=app.workspace_for(None), app=app))


def test_the_launcher_runs_nothing_when_confinement_fails(tmp_path):
    spec = {"landlock": 7, "read_write": [str(tmp_path)], "read_only": [12345], "network": False}
    proc = subprocess.run([sys.executable, "-I", "-S", LAUNCHER, json.dumps(spec), "--", "/bin/sh", "-c",
                           f"touch {tmp_path / 'ran'}"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 126
    assert "the command was not run" in proc.stderr
    assert not (tmp_path / "ran").exists()


@needs_landlock
def test_doctor_reports_the_landlock_abi_and_the_mode(app, capsys):
    code, out = doctor(app, capsys)
    assert code == 0, out
    abi = kernel_landlock()[0]
    assert f"ok   Landlock: ABI {abi}" in out
    assert "ok   shell mode: sandbox: every command runs without asking, confined by Landlock" in out
    assert "commands may read: " in out and "/usr" in out
    assert "limits per process: 4096 MiB of address space, 60 s of CPU" in out
    assert "ok   not protected against: metadata of files outside the workspace" in out


@needs_landlock
def test_the_board_api_reports_the_mode(app):
    status = shell_status(app)
    assert status["policy"] == "sandbox" and status["landlock"] == kernel_landlock()[0]
    assert status["fallback"] is False and status["network"] is False
    assert status["description"].startswith("sandbox: every command runs without asking")


# --- no Landlock: the fallback to ask, said everywhere ---------------------------------------


async def test_without_landlock_sandbox_falls_back_to_ask_and_says_so(app, without_landlock, caplog):
    confinement_module._warned.clear()
    mode = shell_mode(ShellConfig())
    assert mode.policy == "ask" and mode.fallback and not mode.confined
    assert "probe reports no Landlock support" in mode.missing
    ctx = context(app)
    (ctx.workspace / "script.py").write_text(SCRIPT)
    with caplog.at_level(logging.WARNING, logger="smallclaw.shell"):
        with pytest.raises(NeedsApproval) as caught:
            await run_shell.call({"command": "python3 script.py"}, ctx)
    assert caught.value.key == "python3 script.py"
    assert "the sandbox is not available" in str(caught.value)
    assert not (ctx.workspace / "result.txt").exists()
    assert any("Landlock is not available" in r.getMessage() for r in caplog.records)
    # allow-listed commands still run; an approved one runs, unconfined
    assert "fine" in await run_shell.call({"command": "echo fine"}, ctx)
    approved = ToolContext(workspace=ctx.workspace, task_id="t1", app=app, approvals=frozenset({"python3 script.py"}))
    assert "wrote 55" in await run_shell.call({"command": "python3 script.py"}, approved)
    status = shell_status(app)
    assert status["policy"] == "ask" and status["fallback"] is True and status["landlock"] == 0
    assert "the sandbox is not available" in status["description"]


def test_without_landlock_doctor_warns_and_names_the_fallback(app, without_landlock, capsys):
    code, out = doctor(app, capsys)
    assert code == 0, out  # a warning: SmallClaw works, asking instead
    assert "warn Landlock: not available: the probe reports no Landlock support; sandbox works as ask" in out
    assert "ok   shell mode: ask: the sandbox is not available" in out
    assert "warn not protected against: without Landlock, a command you approve (or an allow-listed one) runs " \
           "as your user: it reads and writes every file you can" in out
    assert "line continuations, comments" in out and "date -s" in out


def test_doctor_says_what_keeps_processes_together_and_the_network_out(app, capsys, without_namespaces):
    code, out = doctor(app, capsys)
    assert code == 0, out
    assert "warn processes: no PID namespaces (the probe reports no namespaces): the launcher stops what a " \
           "command leaves by walking /proc" in out
    assert "network = false: seccomp refuses listening, accepting and sockets other than TCP" in out
    assert "empty network namespace" not in out


def test_doctor_with_namespaces(app, capsys):
    if not confinement_module.kernel_namespaces()[0]:
        pytest.skip("the kernel here refuses namespaces")
    code, out = doctor(app, capsys)
    assert "ok   processes: each command runs in a PID namespace of its own" in out
    assert "ok   network: network = false: an empty network namespace" in out


async def test_without_landlock_commands_run_unconfined_under_open(app, without_landlock, tmp_path):
    app.config.sections["shell"] = ShellConfig(policy="open")
    outside = tmp_path / "outside.txt"
    result = await run_shell.call({"command": f"echo x > {outside}"}, context(app))
    assert result.startswith("exit code 0") and outside.exists()
    assert confinement_for(ShellConfig(policy="open"), tmp_path, app).landlock == 0


async def test_run_command_alone_is_unconfined_but_still_stops_its_tree(tmp_path):
    # no confinement given: no Landlock, no limits; the launcher still reaps (see test_run_shell.py)
    result = await run_command("echo plain", tmp_path)
    assert result.exit_code == 0 and result.output == "plain\n"


@needs_landlock
async def test_a_check_command_runs_confined_without_approval(app, tmp_path):
    from smallclaw_core import Step, StepContext, Task
    from smallclaw_shell_tools.checks import EvidenceChecks

    workspace = app.workspace_for("t1")
    (workspace / "check.py").write_text("import sys\nsys.exit(0 if open('result.txt').read() == 'total 55\\n' else 1)\n")
    (workspace / "result.txt").write_text("total 55\n")
    (tmp_path / "home" / "secret.txt").write_text("private\n")

    async def verify(check):
        task = Task(id="t1", title="t", goal="g", steps=[Step("s", check=check)])
        return await EvidenceChecks().verify(StepContext(task=task, step_index=0, workspace=workspace,
                                                         answer="done", app=app))

    passed = await verify("command_succeeds: python3 check.py")
    assert passed.passed, passed.reason
    peek = f"command_succeeds: F={tmp_path / 'home' / 'secret.txt'}; grep -q private \"$F\""
    failed = await verify(peek)
    assert not failed.passed and "Permission denied" in failed.reason
