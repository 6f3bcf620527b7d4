"""A hostile model against run_shell, on the real kernel: what it tries, written the way it would try it.

One test (or a few) per way out that was once found open:

- a process that outlives its command: the main thread ends with ``SYS_exit`` while
  another thread runs (the process then shows as a zombie), with children that left
  the session with ``setsid()``; checked ``ps``-style, from ``/proc``, after the call
  and after a timeout;
- a port opened with ``listen()`` and no ``bind()`` while ``network = false`` (the
  kernel picks a port on every interface), reached from outside;
- the command reading of the fallback policy (no Landlock) walked out of with a
  backslash-newline, a ``$(...)`` hidden behind a quote in a comment, ``date -s``, and
  an approved command that still held root's capabilities;
- a background job (an unquoted ``&`` in a URL) whose failure went unreported: the
  tool said "exit code 0" and the model invented the download;
- a command writing the launcher's report itself, through ``/proc/PID/fd``.

Most run twice: with the kernel's namespaces, and with the fallback the launcher uses
where the kernel refuses them (the ``isolation`` fixture). As root, the namespaces are
made without a user namespace; the ``unprivileged`` tests run the launcher as an
ordinary user, where they need one.

Every process a test starts carries a marker in its command line; a test kills what it
finds by pid when it ends, so a failing test leaves nothing running.
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import time
from pathlib import Path

import pytest

from smallclaw_core import NeedsApproval, ToolContext, ToolError, ToolFailure
from smallclaw_core.app import App
from smallclaw_shell_tools.confinement import kernel_landlock
from smallclaw_shell_tools.tools import run_shell

pytestmark = pytest.mark.anyio
needs_landlock = pytest.mark.skipif(kernel_landlock()[0] < 4, reason="needs Landlock ABI 4 or later")
needs_sys_exit = pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"),
                                    reason="the SYS_exit number is known for x86_64 and aarch64")

#: the main thread ends with SYS_exit (the thread only, not the process) while another thread
#: runs; before that, two children leave the session and each starts a grandchild
ZOMBIE_LEADER = r'''
import ctypes, os, platform, sys, threading, time
for _ in range(2):
    if os.fork() == 0:
        os.setsid()
        os.fork()
        while True:
            time.sleep(0.1)
threading.Thread(target=lambda: [time.sleep(0.05) for _ in iter(int, 1)]).start()
time.sleep(0.3)
open("leader-exits", "w").write(str(os.getpid()))
ctypes.CDLL(None).syscall({"x86_64": 60, "aarch64": 93}[platform.machine()], 0)
'''


@pytest.fixture
def app(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("SSH-KEY-0451\n")
    monkeypatch.setenv("HOME", str(home))
    return App.load(tmp_path / ".localclaw", only=["shell_tools"],
                    overrides={"workspace": {"root": str(tmp_path / "workspaces")}, "store": {"durable": False},
                               "shell": {"timeout": 3.0}})


@pytest.fixture(params=["namespaces", "process tree"])
def isolation(request) -> str:
    """Each test twice: with the kernel's namespaces, and with the fallback where it refuses them."""
    if request.param == "process tree":
        request.getfixturevalue("without_namespaces")
    return request.param


def context(app, *approvals: str) -> ToolContext:
    return ToolContext(workspace=app.workspace_for("task-a"), task_id="task-a", app=app,
                       approvals=frozenset(approvals))


def shell(app, **values) -> None:
    """Change ``[shell]`` for the next calls."""
    section = app.config.section("shell")
    for name, value in values.items():
        setattr(section, name, value)


# --- nothing outlives a command ---------------------------------------------------------------


@needs_landlock
@needs_sys_exit
async def test_a_zombie_leader_and_its_setsid_children_do_not_outlive_the_call(app, marked, isolation):
    ctx = context(app)
    (ctx.workspace / "z.py").write_text(ZOMBIE_LEADER)
    result = await run_shell.call({"command": f"python3 z.py {marked.word} & sleep 1; echo launched"}, ctx)
    assert (ctx.workspace / "leader-exits").exists(), result  # the trick was played
    assert marked.survivors() == [], result
    assert "launched" in result


@needs_landlock
@needs_sys_exit
async def test_a_zombie_leader_and_its_setsid_children_do_not_outlive_a_timeout(app, marked, isolation):
    ctx = context(app)
    shell(app, timeout=2.0)
    (ctx.workspace / "z.py").write_text(ZOMBIE_LEADER)
    with pytest.raises(ToolError, match="timed out after") as caught:
        await run_shell.call({"command": f"python3 z.py {marked.word}"}, ctx)
    assert (ctx.workspace / "leader-exits").exists()
    left = marked.survivors()
    assert left == [], f"{len(left)} processes survived; the tool said: {caught.value}"
    assert "stopped" in str(caught.value)


@needs_sys_exit
async def test_without_landlock_a_zombie_leader_does_not_outlive_a_timeout(app, marked, isolation,
                                                                           without_landlock):
    ctx = context(app)
    shell(app, policy="open", timeout=2.0)
    (ctx.workspace / "z.py").write_text(ZOMBIE_LEADER)
    with pytest.raises(ToolError, match="timed out after"):
        await run_shell.call({"command": f"python3 z.py {marked.word}"}, ctx)
    assert marked.survivors() == []


# --- no network means no network --------------------------------------------------------------

#: listen() without bind(): the kernel binds a free port on every interface
LISTEN_WITHOUT_BIND = r'''
import socket, sys
s = socket.socket()
try:
    s.listen()
except OSError as exc:
    print("listen refused:", exc)
    sys.exit(0)
open("port", "w").write(str(s.getsockname()[1]))
s.settimeout(2)
try:
    conn, peer = s.accept()
    print("ACCEPTED", peer)
except OSError as exc:
    print("nobody came:", exc)
'''


async def _listen_and_knock(ctx) -> tuple[str, list[str]]:
    """Run the listener; from outside, connect to its port on every address of this machine."""
    (ctx.workspace / "listen.py").write_text(LISTEN_WITHOUT_BIND)
    call = asyncio.ensure_future(run_shell.call({"command": "python3 listen.py"}, ctx))
    port_file = ctx.workspace / "port"
    while not call.done() and not port_file.exists():
        await asyncio.sleep(0.02)
    reached = []
    if port_file.exists():
        await asyncio.sleep(0.05)
        port = int(port_file.read_text())
        hosts = {"127.0.0.1", *_own_addresses()}

        def knock(host):
            try:
                socket.create_connection((host, port), timeout=1).close()
                reached.append(host)
            except OSError:
                pass

        for host in hosts:
            await asyncio.to_thread(knock, host)
    return await call, reached


def _own_addresses() -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return set()


@needs_landlock
async def test_listen_without_bind_cannot_be_reached_with_network_false(app, isolation):
    output, reached = await _listen_and_knock(context(app))
    assert reached == [] and "ACCEPTED" not in output, output


async def test_without_landlock_listen_without_bind_cannot_be_reached(app, isolation, without_landlock):
    shell(app, policy="open")
    output, reached = await _listen_and_knock(context(app))
    assert reached == [] and "ACCEPTED" not in output, output


async def test_without_landlock_no_datagram_or_connection_gets_out(app, isolation, without_landlock):
    shell(app, policy="open")
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    tcp.settimeout(0.5)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.5)
    script = ("import socket, sys\n"
              "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'hi', ('127.0.0.1', int(sys.argv[2])))\n"
              "socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1).sendall(b'hi')\n")
    ctx = context(app)
    (ctx.workspace / "out.py").write_text(script)
    try:
        await run_shell.call({"command": f"python3 out.py {tcp.getsockname()[1]} {udp.getsockname()[1]}"}, ctx)
        with pytest.raises(OSError):
            tcp.accept()
        with pytest.raises(OSError):
            udp.recvfrom(10)
    finally:
        tcp.close()
        udp.close()


# --- the fallback policy (no Landlock) cannot be walked out of ------------------------------------


async def test_backslash_newline_does_not_walk_out_of_the_workspace(app, tmp_path, without_landlock):
    ctx = context(app)
    secret = "SSH-KEY-0451"
    up = ".\\\n."  # the shell joins it into ..; a reader that keeps it literal sees a file named ".\n."
    reads = [f"cat {up}/{up}/home/.ssh/id_rsa", f"cat ~/{up}/{up}/home/.ssh/id_rsa"]
    writes = [f"echo pwned > {up}/{up}/home/pwned", f"cp /dev/null {up}/{up}/home/pwned"]
    for command in reads + writes:
        try:
            result = await run_shell.call({"command": command}, ctx)
        except NeedsApproval as exc:
            assert exc.key == command
            continue
        assert secret not in result, command
        pytest.fail(f"ran without approval: {command!r}: {result}")
    assert not (tmp_path / "home" / "pwned").exists()


async def test_a_command_substitution_behind_a_comment_needs_approval(app, tmp_path, without_landlock):
    # sh ends the comment at the newline and runs the next line; a reader that takes the
    # quote in the comment as a quote sees one harmless argument
    ctx = context(app)
    target = tmp_path / "home" / "pwned"
    for command in ["ls #'\n$(touch ../../home/pwned)\n#'", "ls #'\n`touch ../../home/pwned`\n#'",
                    "ls #'\ntouch ../../home/pwned\n#'"]:
        with pytest.raises(NeedsApproval):
            await run_shell.call({"command": command}, ctx)
        assert not target.exists(), command


async def test_setting_the_clock_needs_approval(app, without_landlock):
    ctx = context(app)
    # an invalid date: should it run, date fails before touching the clock
    for command in ["date -s 'not a date'", "date --set='not a date'", "date --se 'not a date'",
                    "date -us 'not a date'", "ls; date -s 'not a date'"]:
        with pytest.raises(NeedsApproval):
            await run_shell.call({"command": command}, ctx)
    assert (await run_shell.call({"command": "date -u +%Y"}, ctx)).startswith("exit code 0")


async def test_an_approved_command_holds_no_capability(app, without_landlock):
    command = "mknod nul c 1 3 && echo MADE-A-DEVICE; grep CapEff /proc/self/status"
    result = await run_shell.call({"command": command}, context(app, command))
    assert "MADE-A-DEVICE" not in result
    assert "CapEff:\t0000000000000000" in result, result


#: looks for the launcher of its own command (its marker is in the launcher's command line) and
#: writes a report of its own into the launcher's report pipe, through /proc
FORGE_REPORT = r'''
import json, os, sys
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        continue
    if len(argv) > 5 and argv[3].endswith(b"launcher.py") and sys.argv[1].encode() in b" ".join(argv):
        fd = json.loads(argv[4])["report"]
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as report:
                report.write(json.dumps({"ended": "exited", "jobs": []}) + "\n")
            print("FORGED")
        except OSError as exc:
            print("refused:", exc)
'''


async def test_a_command_cannot_write_the_launchers_report(app, marked, isolation, without_landlock):
    ctx = context(app)
    shell(app, policy="open")
    (ctx.workspace / "forge.py").write_text(FORGE_REPORT)
    result = await run_shell.call({"command": f"sh -c 'sleep 2; exit 1' & python3 forge.py {marked.word}"}, ctx)
    assert "refused:" in result and "FORGED" not in result, result
    assert isinstance(result, ToolFailure) and "failed: sh -c sleep 2; exit 1 exit 1" in result, result


# --- background jobs are reported, not lost -----------------------------------------------------

#: stands in for curl: no network needed, it fails the way curl does without a name server
FAKE_CURL = "#!/bin/sh\nsleep 0.3\necho 'curl: (6) Could not resolve host: x' >&2\nexit 6\n"


@needs_landlock
async def test_a_failed_job_left_in_the_background_fails_the_call(app, isolation):
    ctx = context(app)
    (ctx.workspace / "curl").write_text(FAKE_CURL)
    (ctx.workspace / "curl").chmod(0o755)
    result = await run_shell.call({"command": "./curl https://x/?q=1&key=2"}, ctx)  # & unquoted
    assert isinstance(result, ToolFailure), result
    assert "Could not resolve host" in result
    job = result.splitlines()[1]  # the line after the status: one line, for a model to read
    assert job.startswith("a job the command left in the background failed: "), result
    assert job.endswith("./curl https://x/?q=1 exit 6: (6) Could not resolve host: x"), result
    assert result.startswith("exit code 0 (")  # the shell's own exit: true, and not the whole story


@needs_landlock
async def test_a_job_still_running_at_the_timeout_is_reported_stopped(app, marked, isolation):
    ctx = context(app)
    shell(app, timeout=1.5)
    started = time.monotonic()
    command = f"python3 -c 'import time; time.sleep(30)' {marked.word} & echo started"
    result = await run_shell.call({"command": command}, ctx)
    assert time.monotonic() - started < 5
    assert isinstance(result, ToolFailure), result
    assert "started" in result and "stopped" in result and "time.sleep(30)" in result, result
    assert marked.survivors() == []


def test_the_marker_check_sees_a_live_process(marked):
    """The /proc check the tests rely on finds a process that runs (so an empty answer means something)."""
    import subprocess

    proc = subprocess.Popen(["python3", "-c", "import time; time.sleep(30)", marked.word])
    try:
        time.sleep(0.1)
        assert marked.alive() == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert marked.alive() == []


# --- the same without privilege: a user namespace holds the others ------------------------------

UNPRIVILEGED = 65534


def _system_python() -> str | None:
    """A Python an unprivileged user can run (the launcher needs only the standard library)."""
    import shutil

    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3", shutil.which("python3")):
        if candidate and os.access(candidate, os.X_OK) and os.stat(os.path.realpath(candidate)).st_mode & 0o001:
            return candidate
    return None


@pytest.fixture
def unprivileged():
    """Runs the launcher as an unprivileged user in a workspace of its own: ``run(spec, command)``."""
    import json
    import shutil
    import subprocess
    import tempfile

    from smallclaw_shell_tools.shell import LAUNCHER

    if os.geteuid() != 0:
        pytest.skip("switches to an unprivileged user; needs root to do so")
    python = _system_python()
    readable = os.stat(LAUNCHER).st_mode & 0o004 and all(os.stat(p).st_mode & 0o001 for p in Path(LAUNCHER).parents)
    if python is None or not readable:
        pytest.skip("needs a Python and a launcher an unprivileged user can run")
    workspace = Path(tempfile.mkdtemp(prefix="smallclaw-unprivileged-"))
    os.chown(workspace, UNPRIVILEGED, UNPRIVILEGED)

    def run(spec: dict, command: str) -> tuple[dict, str]:
        reader, writer = os.pipe()
        os.fchown(writer, UNPRIVILEGED, UNPRIVILEGED)  # as SmallClaw's own pipe would be
        spec = {"network": False, "grace": 0.3, "deadline": time.monotonic() + 2, **spec, "report": writer}
        try:
            proc = subprocess.run([python, "-I", "-S", LAUNCHER, json.dumps(spec), "--", "/bin/sh", "-c", command],
                                  cwd=workspace, user=UNPRIVILEGED, group=UNPRIVILEGED, extra_groups=[],
                                  pass_fds=(writer,), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  timeout=30)
        finally:
            os.close(writer)
        report = os.read(reader, 65536)
        os.close(reader)
        return json.loads(report), proc.stdout

    run.workspace = workspace
    try:
        yield run
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


@needs_sys_exit
def test_an_unprivileged_user_gets_the_namespaces_too(unprivileged, marked):
    workspace = unprivileged.workspace
    (workspace / "z.py").write_text(ZOMBIE_LEADER)
    (workspace / "listen.py").write_text(LISTEN_WITHOUT_BIND.replace("s.settimeout(2)", "s.settimeout(0.1)"))
    command = f"touch mine; python3 z.py {marked.word} & python3 listen.py; sleep 1; echo launched"
    report, output = unprivileged({"namespaces": True}, command)
    assert report["isolation"] == "pid namespace", (report, output)
    assert (workspace / "leader-exits").exists(), output
    assert marked.survivors() == [], report
    assert report["jobs"] and report["jobs"][0]["stopped"], report  # reported, and stopped at the deadline
    assert (workspace / "mine").stat().st_uid == UNPRIVILEGED  # files keep their owner
    assert "ACCEPTED" not in output and "launched" in output


def test_an_unprivileged_command_cannot_reach_its_launcher_through_proc(unprivileged, marked):
    # without namespaces and without capabilities, only the launcher's being undumpable keeps
    # a command of the same user out of its /proc/PID/fd (and mem)
    (unprivileged.workspace / "forge.py").write_text(FORGE_REPORT)
    report, output = unprivileged({"namespaces": False}, f"python3 forge.py {marked.word}")
    assert report["isolation"] == "process tree" and report["ended"] == "exited", report
    assert "refused:" in output and "FORGED" not in output, output
