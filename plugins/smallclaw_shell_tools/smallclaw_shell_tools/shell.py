"""Running one shell command: under the launcher, in a clean environment, with a timeout and capped output.

The command runs as ``/bin/sh -c`` below the launcher (``launcher.py``), in a new
session, with the workspace as its working directory and a private temporary
directory as ``TMPDIR`` (removed afterwards). The launcher applies the confinement
(Landlock, seccomp, rlimits, namespaces) to the command and owns the timeout: when the
command exits it waits for the jobs the command left running, until the timeout, and
then stops whatever is left; nothing the command started outlives the call. It reports
(JSON, on a pipe of its own) how the command ended, each job's command line and exit
status, and what it stopped, so the result says what happened instead of "exit code 0"
for a command whose download failed in the background. Output (stdout and stderr
together, the jobs' included) is read as it comes and only the head and the tail are
kept, so a command printing gigabytes costs a bounded amount of memory.
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

import anyio
import attrs

from .confinement import Confinement, within

#: the launcher, run by path so that it imports nothing but the standard library
LAUNCHER = str(Path(__file__).with_name("launcher.py"))

#: Variables a command may see; everything else in SmallClaw's environment stays out.
ENV_ALLOWED = ("PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "USER", "LOGNAME", "TMPDIR")

#: Names that look like secrets never reach a command, even when listed in ``[shell] env``.
ENV_SECRET = ("*TOKEN*", "*_KEY", "*KEY_*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*CREDENTIAL*",
              "*API_KEY*", "*AUTH*", "*COOKIE*", "*SESSION*", "*PRIVATE*")

#: Seconds between asking a command's processes to stop and killing them.
GRACE = 0.5

#: Seconds the launcher gets, past the timeout, to stop the command's processes before its group is killed.
LAUNCHER_GRACE = GRACE + 3.0

#: jobs named one per line in a result; more are counted
JOBS_SHOWN = 5

_JOB = "a job the command left in the background"


@attrs.frozen
class Job:
    """A process the command left running when it exited (``cmd &``, a daemon), and how it ended."""

    command: str
    exit_code: int | None = None
    #: the signal that ended it, when one did
    killed_by: int | None = None
    #: still running at the timeout (or when the call was stopped), and stopped then
    stopped: bool = False

    @property
    def failed(self) -> bool:
        return self.stopped or self.killed_by is not None or self.exit_code != 0

    def describe(self, limit: float, output: str) -> str:
        """One line the model can read: what the job was and how it ended."""
        if self.stopped:
            return f"{_JOB} was still running at the {limit:g} s limit and was stopped: {self.command}"
        if self.killed_by is not None:
            try:
                name = signal.Signals(self.killed_by).name
            except ValueError:
                name = f"signal {self.killed_by}"
            return f"{_JOB} failed: {self.command} (killed by {name})"
        if self.exit_code:
            return f"{_JOB} failed: {self.command} exit {self.exit_code}{self._message(output)}"
        return f"{_JOB} finished: {self.command} exit 0"

    def _message(self, output: str) -> str:
        """The job's last complaint in the output, in the usual ``program: message`` form (jobs share the output).

        The program is the first word, or the second or third for a script run by its
        interpreter (``/bin/sh ./fetch URL``).
        """
        names = [os.path.basename(w) for w in self.command.split(" ")[:3] if w and not w.startswith("-")]
        for line in reversed(output.splitlines()):
            for name in names:
                if line.startswith(f"{name}: "):
                    return ": " + line[len(name) + 2:].strip()[:200]
        return ""


@attrs.define
class ShellResult:
    """What a command did: its exit code, how long it took, its (capped) output, and what it left behind."""

    exit_code: int | None
    duration: float
    output: str
    timed_out: bool = False
    #: bytes of output left out of the middle
    cut: int = 0
    #: the processes the command left running when it exited, and how each ended
    jobs: list[Job] = attrs.field(factory=list)
    #: more jobs than the launcher names, and how many of those failed
    more_jobs: int = 0
    more_failed: int = 0
    #: processes stopped at the timeout, the command's own included
    stopped: int = 0
    #: pids of processes that could not be stopped (only where there is no PID namespace)
    survivors: list[int] = attrs.field(factory=list)
    #: the timeout, in seconds
    limit: float = 0.0
    #: why the launcher could not say how the command ended ("" when it could)
    lost: str = ""
    #: how the command's processes were kept together: "pid namespace", "process tree" ("" unknown)
    isolation: str = ""

    @property
    def failed(self) -> bool:
        """The command, or a job it left in the background, did not succeed (or something outlived it)."""
        return (self.timed_out or self.exit_code != 0 or any(job.failed for job in self.jobs)
                or self.more_failed > 0 or bool(self.survivors) or bool(self.lost))

    def render(self) -> str:
        """The result as the model reads it: a status line, a line per job, then the output."""
        if self.timed_out:
            status = f"timed out after {self.duration:.1f} s; {self._what_was_stopped()}"
        elif self.lost:
            status = f"stopped before it finished: {self._what_was_stopped()}"
        else:
            status = f"exit code {self.exit_code} ({self.duration:.2f} s)"
        jobs = sorted(self.jobs, key=lambda job: not job.failed)  # what went wrong first
        lines = [status] + [job.describe(self.limit, self.output) for job in jobs[:JOBS_SHOWN]]
        more = len(jobs[JOBS_SHOWN:]) + self.more_jobs
        if more > 0:
            failed = sum(job.failed for job in jobs[JOBS_SHOWN:]) + self.more_failed
            lines.append(f"and {more} more jobs left in the background" + (f", {failed} of which failed" if failed
                                                                           else ", all finished with exit 0"))
        if self.survivors and not self.timed_out:
            lines.append(self._what_was_stopped())
        lines.append(self.output or "(no output)")
        return "\n".join(lines)

    def _what_was_stopped(self) -> str:
        if self.lost and self.isolation == "pid namespace":
            return f"{self.lost}: the kernel ended every process of the command's PID namespace"
        if self.lost:
            return (f"{self.lost}: the launcher was killed with its process group; "
                    "a process that left the group may still be running")
        if self.survivors:
            pids = ", ".join(map(str, self.survivors[:10]))
            return f"{len(self.survivors)} processes the command started could not be stopped (pids {pids})"
        return f"the command's {self.stopped} processes were stopped" if self.stopped > 1 else "the command was stopped"


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


def _read_report(fd: int) -> dict | None:
    """The launcher's report (its last line of JSON), or None when it gave none."""
    os.set_blocking(fd, False)
    data = b""
    try:
        while chunk := os.read(fd, 65536):
            data += chunk
    except BlockingIOError:
        pass  # a writer is still open: whatever is there is all there will be
    finally:
        os.close(fd)
    try:
        report = json.loads(data.strip().rsplit(b"\n", 1)[-1])
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _result(report: dict | None, returncode: int | None, duration: float, capped: _CappedOutput,
            timeout: float, backstop: bool) -> ShellResult:
    """What the launcher reported, as a result; without a report, only what SmallClaw saw itself."""
    if report is None:
        lost = "the launcher gave no report" if backstop or returncode is None or returncode < 0 else ""
        return ShellResult(exit_code=None if lost else returncode, duration=duration, output=capped.text(),
                           timed_out=backstop, cut=capped.cut, limit=timeout, lost=lost)
    jobs = [Job(command=str(j.get("command", "?")), exit_code=j.get("exit"), killed_by=j.get("signal"),
                stopped=bool(j.get("stopped"))) for j in report.get("jobs", ())]
    timed_out = report.get("ended") in ("timeout", "cancelled") and bool(report.get("command_stopped"))
    lost = "" if report.get("ended") in ("exited", "timeout", "cancelled") else str(report.get("ended"))
    # the exit code is the launcher's own (it exits with the command's): nothing the command can write
    return ShellResult(exit_code=None if timed_out or lost else returncode, duration=duration,
                       output=capped.text(), timed_out=timed_out, cut=capped.cut, jobs=jobs,
                       more_jobs=int(report.get("more_jobs", 0)), more_failed=int(report.get("more_failed", 0)),
                       stopped=int(report.get("stopped", 0)),
                       survivors=list(report.get("survivors", ())), limit=timeout, lost=lost,
                       isolation=str(report.get("isolation", "")))


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
    report_reader, report_writer = os.pipe()
    try:
        env = command_environment(workspace, list(env_names),
                                  programs=confinement.read_only if confinement.landlock else None)
        env["TMPDIR"] = tmpdir
        _offer_python(env, Path(tmpdir))
        spec = {**confinement.spec(tmpdir, GRACE), "deadline": started + timeout, "report": report_writer}
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-I", "-S", LAUNCHER, json.dumps(spec), "--", "/bin/sh", "-c", command,
                cwd=str(workspace),
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(report_writer,),
            )
        finally:
            os.close(report_writer)
        pgid = process.pid  # a new session leader's group id is its pid
        if on_start is not None:
            on_start(pgid)

        async def read_all() -> None:
            assert process.stdout is not None
            while chunk := await process.stdout.read(65536):
                capped.add(chunk)

        reader = asyncio.ensure_future(read_all())
        backstop = False
        try:
            # the launcher stops the command at the timeout; this is for a launcher that does not
            await asyncio.wait_for(process.wait(), timeout=timeout + LAUNCHER_GRACE)
        except asyncio.TimeoutError:
            backstop = True
        except BaseException:
            # cancelled (the task was paused or the round timed out): leave nothing running. Shielded:
            # a cancel scope cancels each await again, and the process was then neither killed nor reaped
            with anyio.CancelScope(shield=True):
                await _stop(process, pgid)
            reader.cancel()
            raise
        await _stop(process, pgid)
        try:
            await asyncio.wait_for(asyncio.shield(reader), timeout=1)
        except asyncio.TimeoutError:
            reader.cancel()
        report = _read_report(report_reader)
        report_reader = -1
    finally:
        if report_reader >= 0:
            os.close(report_reader)
        shutil.rmtree(tmpdir, ignore_errors=True)
    return _result(report, process.returncode, time.monotonic() - started, capped, timeout, backstop)
