"""Escape attempts against the kernel's sandbox: every one fails, and the command's own work succeeds.

Each attempt runs through ``run_shell`` under the ``sandbox`` policy, on the real
kernel (Landlock, seccomp, the launcher), in task A's workspace of a real app whose
data directory holds a gateway token. Paths are put in shell variables or given to a
Python script, so the policy's reading of the command cannot see them: what stops
each attempt is the kernel. Every attempt first does its own work in the workspace
(``work-N.txt``), and prints ESCAPED only when its escape worked.

Around it: a fake home with ``.ssh/id_rsa`` (HOME points there), task B's workspace
with notes, a directory outside everything, symlinks planted in A's workspace leading
out, a TCP server, a UDP server and a Unix socket server on 127.0.0.1 / in tmp that
record anything reaching them, and a signal handler in this process.

``test_the_corpus_escapes_without_the_kernel`` runs the same attempts with the probe
reporting no Landlock, under ``open``: most of them then escape, so the checks here
can see an escape when one happens.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from smallclaw_core import ToolContext, ToolError
from smallclaw_core.app import App
from smallclaw_core.gateway.security import ensure_token
from smallclaw_shell_tools.confinement import kernel_landlock
from smallclaw_shell_tools.tools import run_shell

pytestmark = [pytest.mark.anyio,
              pytest.mark.skipif(kernel_landlock()[0] < 4, reason="needs Landlock ABI 4 or later (network rules)")]

SSH_SECRET = "SSH-PRIVATE-KEY-0451"
NOTES_SECRET = "TASK-B-NOTES-7781"

#: what the attempts run with Python: every action prints ESCAPED when it works
ESCAPE_SCRIPT = r'''
import os, signal, socket, sys
action, *args = sys.argv[1:]

def escaped(what=""):
    print("ESCAPED", what)

try:
    if action == "read":
        escaped(open(args[0]).read())
    elif action == "write":
        open(args[0], "w").write("pwned"); escaped()
    elif action == "listdir":
        escaped(os.listdir(args[0]))
    elif action == "opath":  # a path-only descriptor, then reopened through /proc
        fd = os.open(args[0], os.O_PATH)
        escaped(open(f"/proc/self/fd/{fd}").read())
    elif action == "openat":  # relative to a descriptor of the directory
        fd = os.open(os.path.dirname(args[0]), os.O_RDONLY | os.O_DIRECTORY)
        escaped(os.read(os.open(os.path.basename(args[0]), os.O_RDONLY, dir_fd=fd), 100))
    elif action == "rename":
        os.rename(args[0], "taken"); escaped()
    elif action == "link":
        os.link(args[0], "linked"); escaped(open("linked").read())
    elif action == "symlink-read":
        os.symlink(args[0], "made-link"); escaped(open("made-link").read())
    elif action == "connect":
        socket.create_connection((args[0], int(args[1])), timeout=2).sendall(b"hello"); escaped()
    elif action == "bind":
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); escaped(s.getsockname())
    elif action == "unix":
        s = socket.socket(socket.AF_UNIX); s.connect(args[0]); s.sendall(b"hello"); escaped()
    elif action == "udp":
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello", (args[0], int(args[1]))); escaped()
    elif action == "signal":
        os.kill(int(args[0]), signal.SIGUSR2); escaped()
    elif action == "chown":
        os.chown(args[0], 65534, 65534); escaped()
    elif action == "walk":
        def fail(exc):
            raise exc
        found = [os.path.join(r, f) for r, d, fs in os.walk(args[0], onerror=fail) for f in fs]
        escaped([open(p).read() for p in found])
    elif action == "memory":
        block = bytearray(int(args[0]) * 1024 * 1024); escaped(len(block))
except OSError as exc:
    print("refused:", exc)
except MemoryError:
    print("refused: MemoryError")
'''


class Listener:
    """A server on 127.0.0.1 (TCP or UDP) or a Unix socket that records whatever reaches it."""

    def __init__(self, kind: str, path: Path | None = None):
        family = socket.AF_UNIX if kind == "unix" else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
        self.sock.bind(str(path) if path else ("127.0.0.1", 0))
        self.port = None if path else self.sock.getsockname()[1]
        self.kind = kind
        self.reached: list[str] = []
        self.sock.settimeout(0.2)
        if kind != "udp":
            self.sock.listen()
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                if self.kind == "udp":
                    data, _ = self.sock.recvfrom(100)
                    self.reached.append(f"datagram {data!r}")
                else:
                    conn, _ = self.sock.accept()
                    self.reached.append("connection")
                    conn.close()
            except (socket.timeout, OSError):
                continue

    def stop(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def scene(tmp_path, monkeypatch):
    """Task A's tool context, and everything around its workspace that must stay out of reach."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(SSH_SECRET + "\n")
    monkeypatch.setenv("HOME", str(home))
    app = App.load(tmp_path / ".localclaw", only=["shell_tools"],
                   overrides={"workspace": {"root": str(tmp_path / "workspaces")}, "store": {"durable": False},
                              # an open allow-list: under sandbox it is not what keeps anything out
                              "shell": {"policy": "sandbox", "timeout": 5.0,
                                        "allow": ["sh", "bash", "python3", "cat", "cp", "mv", "rm", "ln", "dd",
                                                  "tar", "find", "grep", "curl", "mknod", "ls", "touch", "mkdir"]}})
    token = ensure_token(app.home)
    mine = app.workspace_for("task-a")
    other = app.workspace_for("task-b")
    (other / "notes.txt").write_text(NOTES_SECRET + "\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (mine / "esc.py").write_text(ESCAPE_SCRIPT)
    (mine / "out").symlink_to(outside)  # planted symlinks leading out
    (mine / "key-link").symlink_to(home / ".ssh" / "id_rsa")
    (mine / "root-link").symlink_to("/")
    tcp, udp = Listener("tcp"), Listener("udp")
    unix = Listener("unix", tmp_path / "service.sock")
    signals: list[int] = []
    previous = signal.signal(signal.SIGUSR2, lambda signum, frame: signals.append(signum))
    ctx = ToolContext(workspace=mine, task_id="task-a", app=app)
    try:
        yield {"app": app, "ctx": ctx, "mine": mine, "other": other, "outside": outside, "home": home,
               "token": token, "token_file": app.home / "token", "tcp": tcp, "udp": udp, "unix": unix,
               "signals": signals}
    finally:
        signal.signal(signal.SIGUSR2, previous)
        for listener in (tcp, udp, unix):
            listener.stop()


def attempts(s: dict) -> list[str]:
    """The escape attempts; the shell variables are set by ``prelude``."""
    py = "python3 esc.py"
    return [
        # shell: read and write outside
        'cat "$T" && echo ESCAPED',
        'cat "$K" && echo ESCAPED',
        'cat "$B/notes.txt" && echo ESCAPED',
        'ls "$B" && echo ESCAPED',
        'ls -a "$H" && echo ESCAPED',
        'echo pwned > "$O/pwned" && echo ESCAPED',
        'touch "$B/pwned" && echo ESCAPED',
        'echo more >> "$T" && echo ESCAPED',
        'rm -f "$T" && echo ESCAPED',
        'mv "$T" stolen && echo ESCAPED',
        'cp "$K" stolen-key && echo ESCAPED',
        'mkdir "$O/made" && echo ESCAPED',
        'grep -r . "$H" && echo ESCAPED',
        'find "$H" -name id_rsa -exec cat {} + | grep -q . && echo ESCAPED',
        'dd if="$T" of=copy 2>&1; grep -q . copy && echo ESCAPED',
        'exec 3<"$T"; cat <&3 && echo ESCAPED',
        'cd / && cat ".$T" && echo ESCAPED',
        'cd .. && cat task-b/notes.txt && echo ESCAPED',
        'cat /proc/self/root"$T" && echo ESCAPED',
        'cat /proc/1/root"$K" && echo ESCAPED',
        'tar cf - "$H" | tar tf - | grep -q id_rsa && echo ESCAPED',
        'mknod disk b 8 0 && echo ESCAPED',
        'bash -c "echo hi > /dev/tcp/127.0.0.1/$P" && echo ESCAPED',
        'curl -s --max-time 2 "http://127.0.0.1:$P/"; [ $? -ne 7 ] && echo ESCAPED',  # 7: could not connect
        # symlinks: planted in the workspace, and made by the command
        'echo pwned > out/pwned-by-link && echo ESCAPED',
        'cat key-link && echo ESCAPED',
        'cat "root-link$T" && echo ESCAPED',
        'ln -s "$T" tok && cat tok && echo ESCAPED',
        'ln -s "$B" sibling && cat sibling/notes.txt && echo ESCAPED',
        'ln "$T" hard && cat hard && echo ESCAPED',
        # Python
        f'{py} read "$T"',
        f'{py} read "$K"',
        f'{py} read "$B/notes.txt"',
        f'{py} write "$O/py-pwned"',
        f'{py} write "$B/py-pwned"',
        f'{py} listdir "$H"',
        f'{py} opath "$T"',
        f'{py} openat "$K"',
        f'{py} rename "$T"',
        f'{py} link "$K"',
        f'{py} symlink-read "$T"',
        f'{py} walk root-link"$H"',
        f'{py} chown "$T"',
        f'{py} signal "$S"',
        # the network: TCP connect and listen, a Unix socket, UDP
        f'{py} connect 127.0.0.1 "$P"',
        f'{py} bind',
        f'{py} unix "$U"',
        f'{py} udp 127.0.0.1 "$D"',
    ]


def prelude(s: dict) -> str:
    return (f"T='{s['token_file']}'; K='{s['home']}/.ssh/id_rsa'; B='{s['other']}'; O='{s['outside']}'; "
            f"H='{s['home']}'; P={s['tcp'].port}; D={s['udp'].port}; U='{s['unix'].sock.getsockname()}'; "
            f"S={os.getpid()}; ")


def secrets_of(s: dict) -> list[str]:
    return [s["token"], SSH_SECRET, NOTES_SECRET]


async def run_corpus(s: dict) -> list[tuple[str, str]]:
    results = []
    for number, attempt in enumerate(attempts(s)):
        command = f"{prelude(s)}echo done > work-{number}.txt; {attempt}"
        results.append((attempt, await run_shell.call({"command": command}, s["ctx"])))
    time.sleep(0.3)  # let the listeners notice anything that reached them
    return results


async def test_every_escape_fails_and_the_work_inside_succeeds(scene):
    s = scene
    corpus = attempts(s)
    assert len(corpus) >= 30
    results = await run_corpus(s)
    for number, (attempt, output) in enumerate(results):
        assert output.startswith("exit code"), (attempt, output)  # it ran: the kernel, not the policy, decided
        assert "ESCAPED" not in output, (attempt, output)
        for secret in secrets_of(s):
            assert secret not in output, (attempt, output)
        assert (s["mine"] / f"work-{number}.txt").read_text() == "done\n", attempt
    # nothing changed outside the workspace
    assert (s["token_file"]).read_text().strip() == s["token"]
    assert sorted(p.name for p in s["outside"].iterdir()) == []
    assert sorted(p.name for p in s["other"].iterdir()) == ["notes.txt"]
    assert (s["home"] / ".ssh" / "id_rsa").read_text() == SSH_SECRET + "\n"
    assert s["tcp"].reached == [] and s["udp"].reached == [] and s["unix"].reached == []
    assert s["signals"] == []
    # and no copy of a secret was made inside either
    for path in s["mine"].rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(errors="replace")
            assert not any(secret in text for secret in secrets_of(s)), path


async def test_the_corpus_escapes_without_the_kernel(scene, without_landlock, without_namespaces):
    """The same attempts, unconfined (open, network on, no Landlock, no namespaces): the checks above can fail."""
    from smallclaw_shell_tools.config import ShellConfig

    s = scene
    s["app"].config.sections["shell"] = ShellConfig(policy="open", timeout=5.0, network=True)
    results = await run_corpus(s)
    escaped = [attempt for attempt, output in results if "ESCAPED" in output]
    assert len(escaped) >= len(results) * 2 // 3, [a for a, o in results if "ESCAPED" not in o]
    assert s["tcp"].reached and s["udp"].reached and s["unix"].reached and s["signals"]


async def test_a_setsid_child_that_outlives_the_timeout_is_stopped(scene, marked):
    s = scene
    s["app"].config.section("shell").timeout = 1.5
    script = (
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        open('daemon.started', 'w').write('yes')\n"
        "        time.sleep(4)\n"
        "        open('still-alive', 'w').write('yes')\n"
        "    os._exit(0)\n"
        "time.sleep(30)\n"
    )
    (s["mine"] / "daemon.py").write_text(script)
    started = time.monotonic()
    with pytest.raises(ToolError, match="timed out after"):
        await run_shell.call({"command": f"echo done > work.txt; python3 daemon.py {marked.word}"}, s["ctx"])
    assert time.monotonic() - started < 6
    assert (s["mine"] / "work.txt").read_text() == "done\n"
    assert (s["mine"] / "daemon.started").exists()
    assert marked.survivors(2) == [], "the process that left with setsid() is still running"
    time.sleep(4)
    assert not (s["mine"] / "still-alive").exists()


async def test_a_setsid_child_left_behind_by_a_command_that_exits_is_stopped(scene, marked):
    s = scene
    s["app"].config.section("shell").timeout = 2.0
    command = ("python3 -c \"import os, time\nif os.fork() == 0:\n    os.setsid()\n"
               f"    open('left.started', 'w').write('yes')\n    time.sleep(30)\n\" {marked.word}; sleep 0.3; "
               "echo finished")
    result = await run_shell.call({"command": command}, s["ctx"])
    assert result.startswith("exit code 0") and "finished" in result
    assert (s["mine"] / "left.started").exists()
    assert marked.survivors(2) == []
