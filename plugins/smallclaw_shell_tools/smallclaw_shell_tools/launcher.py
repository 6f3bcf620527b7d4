"""The launcher every shell command starts under: nothing the command starts outlives it; what it left is reported.

``run_command`` starts ``python -I -S launcher.py SPEC -- /bin/sh -c COMMAND``. This file
is run by path and imports nothing but the standard library and ``sandbox.py`` beside
it, so it does not load SmallClaw. It:

1. gives the command a PID namespace of its own (and, without network, an empty network
   namespace; see ``sandbox.enter_namespaces``) and forks the namespace's first process,
   its *init*. When init exits, the kernel kills every process left in the namespace,
   whatever state, thread or session it is in;
2. init forks the command, which restricts itself (``sandbox.start_command``) and execs;
3. init waits for the command. When it exits, init waits for what it left running (a
   job put in the background, a daemon), until the deadline, and notes each one's
   command line and exit status. At the deadline, or when the launcher is told to stop
   (SIGTERM: the call was cancelled), it stops every process (SIGTERM, then SIGKILL after
   ``SPEC["grace"]``);
4. init writes what happened to ``SPEC["report"]`` (one line of JSON) and exits with the
   command's exit code; the launcher exits with it.

Where the kernel offers no namespaces, the launcher does init's work itself as a *child
subreaper* (orphans are reparented to it, including those that called ``setsid()``), and
stops what is left by walking ``/proc`` from its own pid; it then counts what it could
not stop, and the report says so. The launcher itself is not confined: it runs no code
but its own, and reads ``/proc`` to name what the command left behind.

``launcher.py --probe`` says (JSON) whether namespaces can be made here.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # sandbox.py; appended, so stdlib names win
import sandbox  # noqa: E402

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
WATCHED = {signal.SIGCHLD, *STOP_SIGNALS}
#: jobs named in the report; more are counted
MAX_JOBS = 20
#: characters of a job's command line in the report
COMMAND_CHARS = 200
#: seconds a job that still shows the shell's command line is looked at again: forked, it may
#: not have run its program yet (`cmd &`); after that it is a subshell (`( ... ) &`)
UNSURE_FOR, LOOK_AGAIN = 0.3, 0.01


# --- the process table, read from /proc ---------------------------------------------------------


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def _state_and_parent(pid: str) -> tuple[bytes, int] | None:
    stat = _read(f"/proc/{pid}/stat")
    fields = stat[stat.rfind(b")") + 2:].split()
    return (fields[0], int(fields[1])) if len(fields) > 1 else None


def _alive(pid: int, state: bytes) -> bool:
    """A process runs while any of its threads does: a leader that ended with ``SYS_exit`` shows ``Z`` alone."""
    if state not in (b"Z", b"X"):
        return True
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    return any((s := _state_and_parent(f"{pid}/task/{tid}")) and s[0] not in (b"Z", b"X") for tid in tasks)


def processes_below(root: int) -> list[int]:
    """Live processes below ``root``, found through their parents in ``/proc`` (dead ones are walked through)."""
    children: dict[int, list[tuple[int, bytes]]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (found := _state_and_parent(name)):
            children.setdefault(found[1], []).append((int(name), found[0]))
    alive: list[int] = []
    stack = [root]
    while stack:
        for child, state in children.get(stack.pop(), ()):
            stack.append(child)
            if _alive(child, state):
                alive.append(child)
    return alive


def command_line(pid: int) -> str:
    """What ``ps`` shows for ``pid``; a leader's own is gone once it has ended, so any thread's will do."""
    raw = _read(f"/proc/{pid}/cmdline")
    if not raw:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            tasks = []
        raw = next((c for tid in tasks if (c := _read(f"/proc/{pid}/task/{tid}/cmdline"))), b"")
    if not raw:
        stat = _read(f"/proc/{pid}/stat")
        return stat[stat.find(b"(") + 1: stat.rfind(b")")].decode(errors="replace") or f"pid {pid}"
    return _shortened(raw.rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace"))


def _shortened(text: str) -> str:
    return text if len(text) <= COMMAND_CHARS else text[: COMMAND_CHARS - 3] + "..."


def _own_pid_in_proc() -> int:
    """This process's pid as ``/proc`` numbers it (init's is not 1 there)."""
    try:
        return int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return os.getpid()


def _pid_at_level(pid: int, level: int) -> int:
    """The pid ``waitpid`` gives for the process ``/proc`` calls ``pid``, seen from the PID namespace ``level``."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith(b"NSpid:"):
            numbers = line.split()[1:]
            return int(numbers[level]) if level < len(numbers) else pid
    return pid


def _own_level() -> int:
    for line in _read("/proc/self/status").splitlines():
        if line.startswith(b"NSpid:"):
            return len(line.split()) - 2
    return 0


# --- init: the command, what it leaves behind, the stop, the report -----------------------------------


class Init:
    """Runs the command and answers for every process it starts: in a PID namespace, or as a subreaper."""

    def __init__(self, spec: dict, argv: list[str], in_namespace: bool, own_network: bool):
        self.spec, self.argv = spec, argv
        self.in_namespace, self.own_network = in_namespace, own_network
        self.deadline = spec.get("deadline")
        #: stop signals count from SmallClaw and the kernel; in a namespace, from outside it (pid 0)
        self.stoppers = {0} if in_namespace else {0, spec.get("parent", os.getppid())}
        self.shell = 0
        self.shell_status: int | None = None
        self.jobs: dict[int, dict] = {}
        self.more_jobs = self.more_failed = 0
        self.unnamed: set[int] = set()
        self.children_left = True
        self.command_stopped = False
        self.stopping = False
        self.me = _own_pid_in_proc()
        self.level = _own_level()
        #: the command line of the command's shell, as /proc shows it (and a subshell of it)
        self.shell_line = _shortened(" ".join(argv))

    def run(self) -> dict:
        self.shell = os.fork()
        if self.shell == 0:
            sandbox.start_command(self.spec, self.argv, self.own_network)
        while self.shell_status is None:
            event = self._next_event()
            if event != "child":
                return self._stop(event)
            self._reap()
        # the command has ended: what is left of it are its jobs, named before they are reaped
        if self._has_children():
            self._note_jobs()
            self._reap()
        else:
            self.children_left = False
        while self.children_left:
            event = self._next_event(LOOK_AGAIN if self._unsure() else None)
            if event == "look again":
                self._name_again()
                continue
            if event != "child":
                return self._stop(event)
            self._name_again()
            self._note_jobs()
            self._reap()
        return self._report("exited", stopped=0, survivors=[])

    def _unsure(self, young_only: bool = True) -> list[dict]:
        """Jobs that still show the shell's command line, young enough to be about to run their program."""
        young = time.monotonic() - UNSURE_FOR if young_only else 0
        return [job for job in self.jobs.values()
                if job["status"] is None and job["command"] == self.shell_line and job["noted"] > young]

    def _name_again(self, young_only: bool = True) -> None:
        for job in self._unsure(young_only):
            raw = _read(f"/proc/{job['seen_as']}/cmdline")  # empty once it has ended: keep the name then
            if raw:
                job["command"] = _shortened(raw.rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace"))

    @staticmethod
    def _has_children() -> bool:
        try:
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return True

    def _next_event(self, look_again: float | None = None) -> str:
        """``child`` (a child ended), ``timeout`` (the deadline passed), ``cancelled`` (told to stop),
        or ``look again`` after ``look_again`` seconds."""
        while True:
            if self.deadline is None and look_again is None:
                info = signal.sigwaitinfo(WATCHED)
            else:
                left = float("inf") if self.deadline is None else max(self.deadline - time.monotonic(), 0)
                info = signal.sigtimedwait(WATCHED, min(left, look_again or left))
                if info is None:
                    return "timeout" if look_again is None or left <= look_again else "look again"
            if info.si_signo == signal.SIGCHLD:
                return "child"
            if info.si_pid in self.stoppers:
                return "cancelled"
            # a stop signal from a process of the command: not its to give

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children_left = False
                return
            if pid == 0:
                return
            if pid == self.shell:
                self.shell_status = status
                return  # the command's jobs are named before anything more is reaped
            if pid in self.jobs:
                self.jobs[pid]["status"] = status
            elif pid in self.unnamed:
                self.unnamed.discard(pid)
                self.more_failed += status != 0
            elif self.shell_status is not None and not self.stopping:  # ended before it could be named
                self._add_job(pid, f"pid {pid}", status)
            # while the command runs, an orphan that ends (a daemon's parent) is simply reaped

    def _add_job(self, pid: int, command: str, status: int | None = None, seen_as: int = 0) -> None:
        if len(self.jobs) < MAX_JOBS:
            self.jobs[pid] = {"command": command, "status": status, "stopped": False, "seen_as": seen_as,
                              "noted": time.monotonic()}
            return
        self.more_jobs += 1  # counted, not named
        if status is None:
            self.unnamed.add(pid)  # its end is counted when it is reaped
        else:
            self.more_failed += status != 0

    def _note_jobs(self, all_of_them: bool = False) -> None:
        """Name the processes left to this init (the command's jobs, and orphans of ended jobs)."""
        if len(self.jobs) >= MAX_JOBS and not all_of_them:
            return  # enough named; those that end unnamed are counted in _reap
        for name in os.listdir("/proc"):
            if name.isdigit() and (found := _state_and_parent(name)) and found[1] == self.me:
                pid = _pid_at_level(int(name), self.level)
                if pid not in self.jobs and pid not in self.unnamed and pid != self.shell:
                    self._add_job(pid, command_line(int(name)), seen_as=int(name))

    def _stop(self, why: str) -> dict:
        """Stop every process below init: SIGTERM, SIGKILL after the grace; say what was stopped."""
        self.stopping = True
        if self.shell_status is not None:
            self._name_again(young_only=False)
            self._note_jobs(all_of_them=True)  # every job left is stopped: each is named or counted
        stopped = processes_below(self.me)
        self.command_stopped = self.shell_status is None
        for job in self.jobs.values():
            job["stopped"] = job["status"] is None
        self.more_failed += len(self.unnamed)  # stopped, so failed
        self.unnamed.clear()
        self._signal_all(stopped, signal.SIGTERM)
        self._signal_all(stopped, signal.SIGCONT)  # a stopped process must run to act on SIGTERM
        grace_ends = time.monotonic() + float(self.spec.get("grace", 0.5))
        self._reap()
        while self.children_left and time.monotonic() < grace_ends:
            if signal.sigtimedwait({signal.SIGCHLD}, max(grace_ends - time.monotonic(), 0)):
                self._reap()
        survivors: list[int] = []
        if self.in_namespace:
            self._signal_all(None, signal.SIGKILL)  # every process of the namespace; forks cannot race it
            self._reap()
            kill_ends = time.monotonic() + 5
            while self.children_left and time.monotonic() < kill_ends:
                if signal.sigtimedwait({signal.SIGCHLD}, 0.5):
                    self._reap()
        else:
            rounds = 0
            while (survivors := processes_below(self.me)) and rounds < 500:  # a fork bomb needs a few rounds
                self._signal_all(survivors, signal.SIGKILL)
                time.sleep(0.001 * min(rounds, 20))
                self._reap()
                rounds += 1
            self._reap()
        return self._report(why, stopped=len(stopped), survivors=survivors)

    def _signal_all(self, pids: list[int] | None, sig: int) -> None:
        if self.in_namespace:
            pids = None  # kill(-1) from a namespace's init reaches all of it, and nothing outside
        try:
            if pids is None:
                os.kill(-1, sig)
                return
        except OSError:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass

    def _report(self, ended: str, stopped: int, survivors: list[int]) -> dict:
        jobs = []
        for job in self.jobs.values():
            code = None if job["status"] is None else os.waitstatus_to_exitcode(job["status"])
            jobs.append({"command": "(a subshell of the command)" if job["command"] == self.shell_line
                         else job["command"],
                         "exit": code if code is not None and code >= 0 else None,
                         "signal": -code if code is not None and code < 0 else None,
                         "stopped": job["stopped"]})
        return {"isolation": "pid namespace" if self.in_namespace else "process tree", "ended": ended,
                "exit": exit_code(self.shell_status), "command_stopped": self.command_stopped,
                "stopped": stopped, "survivors": survivors, "jobs": jobs, "more_jobs": self.more_jobs,
                "more_failed": self.more_failed}


def exit_code(status: int | None) -> int | None:
    """A wait status as a shell says it: the code, or 128 + the signal that ended the process."""
    if status is None:
        return None
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


# --- the launcher --------------------------------------------------------------------------------


def _write_report(spec: dict, report: dict) -> None:
    fd = spec.get("report")
    if fd is None:
        return
    data = (json.dumps(report) + "\n").encode()
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        pass  # SmallClaw is gone: nobody to tell


def _lost(ended: str) -> dict:
    """The report when init could not give one: its namespace, and all in it, ended with it."""
    return {"isolation": "pid namespace", "ended": ended, "exit": None, "command_stopped": True, "stopped": 0,
            "survivors": [], "jobs": [], "more_jobs": 0, "more_failed": 0}


def _wait_for_init(init: int, spec: dict) -> int:
    """Wait for init, passing a stop on; init that does not answer is killed, and its namespace with it."""
    stoppers = {0, spec.get("parent", os.getppid())}
    grace = float(spec.get("grace", 0.5))
    deadline = spec.get("deadline")
    late = None if deadline is None else deadline + grace + 2
    asked = False
    while True:
        timeout = None if late is None else max(late - time.monotonic(), 0)
        info = signal.sigwaitinfo(WATCHED) if timeout is None else signal.sigtimedwait(WATCHED, timeout)
        if info is None or (info.si_signo != signal.SIGCHLD and info.si_pid in stoppers):
            os.kill(init, signal.SIGKILL if asked else signal.SIGTERM)
            asked = True
            late = time.monotonic() + grace + 2
            continue
        if info.si_signo == signal.SIGCHLD:
            pid, status = os.waitpid(init, os.WNOHANG)
            if pid:
                return status


def _init(spec: dict, argv: list[str], launcher_alive: int, own_network: bool) -> None:
    """The namespace's first process. Never returns."""
    code = 126
    try:
        sandbox._libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the launcher gone: the namespace too
        try:
            if os.read(launcher_alive, 1) == b"":
                os._exit(code)  # it died before the line above
        except BlockingIOError:
            pass
        os.close(launcher_alive)
        report = Init(spec, argv, in_namespace=True, own_network=own_network).run()
        _write_report(spec, report)
        code = 128 + signal.SIGTERM if report["exit"] is None else report["exit"]
    except BaseException as exc:  # noqa: BLE001 - init must end, and the namespace with it
        os.write(2, f"smallclaw sandbox: {exc}\n".encode(errors="replace"))
        _write_report(spec, _lost(f"init failed: {exc}"))
    os._exit(code)


def probe() -> dict:
    """Whether this kernel lets this user make the namespaces (tried in a throwaway child)."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            user = sandbox.enter_namespaces(network=False)
            grandchild = os.fork()
            if grandchild == 0:
                os._exit(0 if os.getpid() == 1 else 1)
            _, status = os.waitpid(grandchild, 0)
            answer = {"available": status == 0, "user": user, "why": "" if status == 0 else "no PID namespace"}
        except OSError as exc:
            answer = {"available": False, "user": False, "why": str(exc)}
        os.write(writer, json.dumps(answer).encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader, "rb") as fh:
        return json.loads(fh.read() or b'{"available": false, "user": false, "why": "the probe failed"}')


def main(args: list[str]) -> int:
    if args == ["--probe"]:
        os.write(1, json.dumps(probe()).encode() + b"\n")
        return 0
    if len(args) < 3 or args[1] != "--":
        os.write(2, b"usage: launcher.py SPEC_JSON -- PROGRAM [ARGS...] | launcher.py --probe\n")
        return 2
    spec = json.loads(args[0])
    argv = args[2:]
    if spec.get("report") is not None:
        os.set_inheritable(spec["report"], False)  # the command must not write the report
    libc = sandbox._libc()
    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)  # taken with sigtimedwait: no handler races a fork
    # SmallClaw gone (killed mid-command): stop the command too, as a timeout would
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != spec.get("parent", os.getppid()):
        return 128 + signal.SIGTERM  # the parent died before PDEATHSIG was set
    why = "not asked for" if not spec.get("namespaces", True) else ""
    if not why:
        try:
            if sandbox.enter_namespaces(spec["network"]):
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # new credentials may have cleared it
                if os.getppid() != spec.get("parent", os.getppid()):
                    return 128 + signal.SIGTERM
        except OSError as exc:
            why = str(exc)
    # a command of the same user could otherwise open this process's /proc/PID/mem or fd/ (the
    # report) or attach to it; the command's own exec makes it dumpable again
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    if not why:
        own_network = not spec["network"]
        alive_reader, alive_writer = os.pipe()
        os.set_blocking(alive_reader, False)
        init = os.fork()
        if init == 0:
            os.close(alive_writer)
            _init(spec, argv, alive_reader, own_network)
        os.close(alive_reader)
        status = _wait_for_init(init, spec)
        if not os.WIFEXITED(status):
            _write_report(spec, _lost("init was killed"))
        code = exit_code(status)
        return 128 + signal.SIGTERM if code is None else code
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    report = Init(spec, argv, in_namespace=False, own_network=False).run()
    report["why"] = why
    _write_report(spec, report)
    return 128 + signal.SIGTERM if report["exit"] is None else report["exit"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
