"""Running one shell command: under the launcher, in a clean environment, with a timeout and capped output.

The command runs as ``/bin/sh -c`` below the launcher (``sandbox.py``), in a new
session, with the workspace as its working directory and a private temporary
directory as ``TMPDIR`` (removed afterwards). The launcher applies the confinement
(Landlock, seccomp, rlimits) to the command, and stops every process the command
started once it exits or times out, including one that left the process group with
``setsid()``: the launcher is their subreaper, so none can escape it. Output (stdout
and stderr together) is read as it comes and only the head and the tail are kept, so a
command printing gigabytes costs a bounded amount of memory.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import attrs

from .confinement import Confinement, within

#: the launcher, run by path so that it imports nothing but the standard library
LAUNCHER = str(Path(__file__).with_name("sandbox.py"))

#: Variables a command may see; everything else in SmallClaw's environment stays out.
ENV_ALLOWED = ("PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "USER", "LOGNAME", "TMPDIR")

#: Names that look like secrets never reach a command, even when listed in ``[shell] env``.
ENV_SECRET = ("*TOKEN*", "*_KEY", "*KEY_*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*CREDENTIAL*",
              "*API_KEY*", "*AUTH*", "*COOKIE*", "*SESSION*", "*PRIVATE*")

#: Seconds between asking a command's processes to stop and killing them.
GRACE = 0.5

#: Seconds the launcher gets to stop the command's processes before its whole group is killed.
LAUNCHER_GRACE = GRACE + 3.0


@attrs.define
class ShellResult:
    """What a command did: its exit code, how long it took, and its (capped) output."""

    exit_code: int | None
    duration: float
    output: str
    timed_out: bool = False
    #: bytes of output left out of the middle
    cut: int = 0

    def render(self) -> str:
        """The result as the model reads it: one status line, then the output."""
        if self.timed_out:
            status = f"timed out after {self.duration:.1f} s; the command and everything it started were stopped"
        else:
            status = f"exit code {self.exit_code} ({self.duration:.2f} s)"
        return f"{status}\n{self.output}" if self.output else f"{status}\n(no output)"


def is_secret(name: str) -> bool:
    upper = name.upper()
    return any(fnmatch.fnmatchcase(upper, pattern) for pattern in ENV_SECRET)


def command_environment(workspace: Path, extra: list[str] = (), source: dict[str, str] | None = None,
                        programs: tuple[str, ...] | None = None) -> dict[str, str]:
    """The environment of a command: an allow-list of the current one, HOME set to the workspace.

    ``programs``: the directories a confined command may run programs from; ``PATH``
    then keeps only its entries inside them, so a name is found where it can run.
    """
    source = dict(os.environ if source is None else source)
    wanted = (*ENV_ALLOWED, *extra)
    env = {name: value for name, value in source.items()
           if any(fnmatch.fnmatchcase(name, pattern) for pattern in wanted) and not is_secret(name)}
    # a relative PATH entry (or one inside the workspace) would let a file the model
    # wrote shadow an allowed program
    root = os.path.realpath(workspace)
    entries = [p for p in env.get("PATH", os.defpath).split(os.pathsep)
               if os.path.isabs(p) and not os.path.realpath(p).startswith(root + os.sep) and os.path.realpath(p) != root]
    if programs is not None:
        entries = [p for p in entries if any(within(os.path.realpath(p), d) for d in programs)]
    env["PATH"] = os.pathsep.join(entries) or os.defpath
    env["HOME"] = root
    env["PWD"] = root
    return env


class _CappedOutput:
    """Keeps the first and last ``limit // 2`` bytes of a stream and counts the rest."""

    def __init__(self, limit: int):
        self.head_limit = max(limit // 2, 0)
        self.tail_limit = max(limit - self.head_limit, 0)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk and self.tail_limit:
            self.tail += chunk
            if len(self.tail) > self.tail_limit:
                del self.tail[: len(self.tail) - self.tail_limit]

    @property
    def cut(self) -> int:
        return self.total - len(self.head) - len(self.tail)

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if not self.cut:
            return head + tail
        return (f"{head}\n[... {self.cut} bytes of output cut ({self.total} in all); "
                f"the first and last {len(self.head) + len(self.tail)} are shown ...]\n{tail}")


def _signal_group(pgid: int, sig: int) -> bool:
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return False


def group_alive(pgid: int) -> bool:
    """True while any process of the group ``pgid`` exists."""
    return _signal_group(pgid, 0)


async def _stop(process: asyncio.subprocess.Process, pgid: int) -> None:
    """Stop the command: the launcher stops its whole tree; its group is killed if it does not answer."""
    if process.returncode is None:
        try:
            process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            await asyncio.wait_for(process.wait(), timeout=LAUNCHER_GRACE)
        except asyncio.TimeoutError:
            pass
    _signal_group(pgid, signal.SIGKILL)


def _offer_python(env: dict[str, str], tmpdir: Path) -> None:
    """``python`` as ``python3`` where only ``python3`` is installed: what models (and people) type first."""
    if shutil.which("python", path=env.get("PATH")) is not None:
        return
    python3 = shutil.which("python3", path=env.get("PATH"))
    if python3 is None:
        return
    bin_dir = tmpdir / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python").symlink_to(os.path.realpath(python3))
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"


async def run_command(command: str, workspace: Path, *, timeout: float = 60.0, output_limit: int = 8000,
                      env_names: list[str] = (), on_start=None, confinement: Confinement | None = None
                      ) -> ShellResult:
    """Run ``command`` with ``/bin/sh -c`` in ``workspace``; never raises for the command's own failures.

    ``confinement`` says what the command may reach and its limits (default: no Landlock, no limits).
    """
    confinement = confinement or Confinement()
    started = time.monotonic()
    capped = _CappedOutput(output_limit)
    tmpdir = tempfile.mkdtemp(prefix="smallclaw-cmd-")
    try:
        env = command_environment(workspace, list(env_names),
                                  programs=confinement.read_only if confinement.landlock else None)
        env["TMPDIR"] = tmpdir
        _offer_python(env, Path(tmpdir))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-S", LAUNCHER, json.dumps(confinement.spec(tmpdir, GRACE)), "--",
            "/bin/sh", "-c", command,
            cwd=str(workspace),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        pgid = process.pid  # a new session leader's group id is its pid
        if on_start is not None:
            on_start(pgid)

        async def read_all() -> None:
            assert process.stdout is not None
            while chunk := await process.stdout.read(65536):
                capped.add(chunk)

        reader = asyncio.ensure_future(read_all())
        timed_out = False
        try:
            await asyncio.wait_for(process.wait(), timeout=timeout)
        except asyncio.TimeoutError:
            timed_out = True
        except BaseException:
            # cancelled (the task was paused or the round timed out): leave nothing running
            await _stop(process, pgid)
            reader.cancel()
            raise
        # the launcher has stopped what the command left behind; on a timeout it is told to now
        await _stop(process, pgid)
        try:
            await asyncio.wait_for(asyncio.shield(reader), timeout=1)
        except asyncio.TimeoutError:
            reader.cancel()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    duration = time.monotonic() - started
    exit_code = None if timed_out else process.returncode
    return ShellResult(
        exit_code=exit_code,
        duration=duration,
        output=capped.text(),
        timed_out=timed_out,
        cut=capped.cut,
    )
