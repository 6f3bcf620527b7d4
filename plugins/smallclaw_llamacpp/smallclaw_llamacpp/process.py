"""The model process seen from SmallClaw: start it, talk to it, stop it, and say why it died.

A ``ModelProcess`` runs ``child.py`` for one GGUF file and talks to it over a socket
pair, from whichever event loop calls it (the socket is waited on, not owned, by a
loop). When the process dies, the call it was serving fails with ``ModelProcessDied``,
whose message says the cause in words and the fix; the backend starts a fresh process
for the next call.
"""

from __future__ import annotations

import collections
import importlib.metadata
import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import anyio
import anyio.lowlevel
import attrs

from smallclaw_core import ModelError, ModelProcessDied

log = logging.getLogger("smallclaw.llamacpp")

CHILD = Path(__file__).with_name("child.py")
#: seconds a model process has to stop a generation it was told to cancel before it is killed
CANCEL_GRACE = 1.0
#: seconds a model process has to exit once its socket is closed before it is killed
STOP_GRACE = 2.0
#: lines of the model process's stderr kept for the message when it dies
STDERR_LINES = 40
#: the build of llama.cpp that runs on any x86-64 CPU of the last decade (no AVX-512, no AMX)
PORTABLE_CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"


def rebuild_portable() -> str:
    """The fix for a build that traps: the installed version again, compiled portable, nothing else touched."""
    try:
        wanted = f"llama-cpp-python=={importlib.metadata.version('llama_cpp_python')}"
    except importlib.metadata.PackageNotFoundError:
        wanted = "'llama-cpp-python<0.4'"
    return (f'rebuild it portable with: CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install --force-reinstall '
            f"--no-cache-dir --no-deps {wanted}")


@attrs.frozen
class Death:
    """Why a model process stopped: the cause, what it means, and what to do."""

    cause: str
    meaning: str = ""
    fix: str = ""
    #: it died while loading the model (a crash then points at the file)
    loading: bool = False
    #: the signal that ended it (``SIGILL``), if one did
    signal: str | None = None

    @property
    def what_happened(self) -> str:
        """The cause and what it means, without the fix (doctor prints the fix on a line of its own)."""
        return f"the model process stopped: {self.cause}" + (f" — {self.meaning}" if self.meaning else "")

    @property
    def message(self) -> str:
        return self.what_happened + (f"; {self.fix}" if self.fix else "")


def why_it_stopped(returncode: int | None, stderr: list[str], *, loading: bool = False, file: str = "") -> Death:
    """The cause of a model process's end, from its exit status and its last stderr lines."""
    last = _last_words(stderr)
    where = f" while loading {file}" if loading and file else ""
    if returncode is None:
        return Death(f"it stopped answering{where}", "it was killed", loading=loading)
    if returncode >= 0:
        return Death(f"it exited with status {returncode}{where}", last, loading=loading)
    signum = -returncode
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    if signum == signal.SIGILL:
        return Death(f"illegal instruction (SIGILL){where}",
                     "llama.cpp was built for CPU features this machine does not run", rebuild_portable(), loading, name)
    if signum == signal.SIGKILL:
        return Death(f"killed (SIGKILL){where}",
                     "probably by the kernel's out-of-memory killer: the model and its context did not fit in memory",
                     "use a smaller model, or a smaller [models] num_ctx", loading, name)
    if signum == signal.SIGABRT:
        return Death(f"llama.cpp aborted (SIGABRT){where}", f"its last words: {last}" if last else "",
                     "try another model or a newer llama-cpp-python", loading, name)
    if signum in (signal.SIGSEGV, signal.SIGBUS):
        what = "segmentation fault" if signum == signal.SIGSEGV else "bus error"
        return Death(f"{what} ({name}){where}", "the GGUF file may be damaged or incomplete",
                     "run `smallclaw doctor`, and download the file again if it says so", loading, name)
    return Death(f"stopped by {name}{where}", "something outside SmallClaw stopped it", loading=loading, signal=name)


def _last_words(stderr: list[str]) -> str:
    """What a dying process said that matters: its assert or error lines, else its last lines."""
    lines = [line.strip() for line in stderr if line.strip()]
    wrong = [line for line in lines if any(w in line for w in ("GGML_ASSERT", "error", "Error", "failed"))]
    return " | ".join((wrong or lines)[-3:])[:600]


class ModelProcess:
    """One GGUF file served by its own process; requests one at a time (the caller serialises them)."""

    def __init__(self, path: Path, settings: dict[str, Any]):
        self.path = path
        self.settings = {**settings, "model": str(path)}
        self.popen: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self.loading = False
        self.started_at = 0.0
        self._reader: threading.Thread | None = None
        self._buffer = b""
        self._next_id = 0
        self._death: Death | None = None
        #: SmallClaw ended it (a cancel it did not honour, a stop): not a death to report
        self.ended_here = False

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen is not None else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None and self._death is None and not self.ended_here

    def start(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.popen = subprocess.Popen(
                [sys.executable, str(CHILD), str(theirs.fileno()), json.dumps(self.settings)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT)
        except OSError as exc:
            ours.close()
            raise ModelError(f"cannot start the model process: {exc}") from exc
        finally:
            theirs.close()
        ours.setblocking(False)
        self.sock = ours
        self.started_at = time.perf_counter()
        self._reader = threading.Thread(target=self._read_stderr, name=f"model process {self.popen.pid}",
                                        daemon=True)
        self._reader.start()
        log.info("model process %d started for %s", self.popen.pid, self.path.name)

    def _read_stderr(self) -> None:
        assert self.popen is not None and self.popen.stdout is not None
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self.stderr.append(line)
                log.warning("model process %d: %s", self.popen.pid, line)

    # --- one request ----------------------------------------------------------------

    async def chat(self, payload: dict[str, Any], on_text: Callable[[str], Awaitable[Any]] | None) -> dict[str, Any]:
        """Send one chat request and return the child's ``done`` answer.

        Text is handed to ``on_text`` as it comes. A cancelled caller (a timeout, a
        cancelled task, a stopping server) tells the child to stop and waits up to
        ``CANCEL_GRACE`` seconds for it, then kills it.
        """
        asked = time.perf_counter()
        if self.popen is None:
            self.start()
        self._next_id += 1
        rid = self._next_id
        running = True
        waited: float | None = None  # seconds this call waited for a load
        try:
            await self._send({"op": "chat", "id": rid, "stream": on_text is not None, **payload})
            while True:
                event = await self._receive()
                if event.get("id") != rid:
                    continue  # the end of a request given up on earlier
                kind = event["ev"]
                if kind == "text":
                    if on_text is not None:
                        await on_text(event["text"])
                elif kind == "loading":
                    self.loading = True
                    log.info("loading %s (%s MB) with a %d-token window...", event["file"], event["mb"],
                             event["window"])
                elif kind == "loaded":
                    self.loading = False
                    # what the caller waited for: the load, and the process's start when it was new
                    waited = time.perf_counter() - asked
                    log.info("loaded %s in %.1f s (llama.cpp's load: %.1f s)", self.path.name, waited,
                             event["seconds"])
                elif kind == "done":
                    running = False
                    if waited is not None:
                        event["usage"]["load_ms"] = waited * 1000
                    return event
                elif kind == "failed":
                    running = False
                    self.loading = False
                    raise Refused(event["kind"], event["message"])
        except ModelProcessDied:
            running = False
            raise
        finally:
            if running:
                with anyio.CancelScope(shield=True):
                    await self._cancel(rid)

    async def _cancel(self, rid: int) -> None:
        """Tell the child to stop request ``rid``; kill it if it has not within ``CANCEL_GRACE``."""
        with anyio.move_on_after(CANCEL_GRACE):
            try:
                await self._send({"op": "cancel", "id": rid})
                while True:
                    event = await self._receive()
                    if event.get("id") == rid and event["ev"] in ("done", "failed"):
                        return
            except ModelProcessDied:
                return
        log.warning("model process %d did not stop within %.1f s of a cancel: killing it", self.pid, CANCEL_GRACE)
        await self.kill()

    async def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\n"
        while data:
            if self.sock is None:
                raise self._dead()
            try:
                sent = self.sock.send(data)
            except BlockingIOError:
                await anyio.wait_writable(self.sock)
                continue
            except OSError:
                raise await self._died() from None
            data = data[sent:]

    async def _receive(self) -> dict[str, Any]:
        # a caller that gave up gets no more of its text, even what is already here
        await anyio.lowlevel.checkpoint_if_cancelled()
        while b"\n" not in self._buffer:
            if self._death is not None or self.sock is None:
                raise self._dead()
            await anyio.wait_readable(self.sock)
            try:
                data = self.sock.recv(1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                raise await self._died()
            self._buffer += data
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    async def _died(self) -> ModelProcessDied:
        """The socket closed under a request: wait for the exit status and say why."""
        if self._death is None:
            code = await self._exit_status(5.0)
            if code is None:
                await self.kill()
            if self._reader is not None:
                await anyio.to_thread.run_sync(self._reader.join, 1.0)
            self._death = why_it_stopped(code, list(self.stderr), loading=self.loading, file=self.path.name)
            log.error("model process %s for %s: %s", self.pid, self.path.name, self._death.message)
            self._close_socket()
        return self._dead()

    def _dead(self) -> ModelProcessDied:
        """The error of a call that meets this process dead; ``death`` says why."""
        death = self._death or Death("it was stopped by SmallClaw")
        error = ModelProcessDied(death.message)
        error.death = death  # type: ignore[attr-defined]
        return error

    def death_while_idle(self) -> Death | None:
        """Why the process ended between requests (the out-of-memory killer picks idle ones too), if it did."""
        if self.popen is None or self.popen.poll() is None or self.ended_here:
            return None
        if self._death is None:
            self._death = why_it_stopped(self.popen.returncode, list(self.stderr), file=self.path.name)
        return self._death

    async def _exit_status(self, limit: float) -> int | None:
        assert self.popen is not None
        deadline = time.monotonic() + limit
        while self.popen.poll() is None and time.monotonic() < deadline:
            await anyio.sleep(0.01)
        return self.popen.returncode

    # --- stopping -------------------------------------------------------------------

    async def kill(self) -> None:
        """End the process now (SIGKILL) and reap it."""
        if self.popen is None:
            return
        self.ended_here = self._death is None
        if self.popen.poll() is None:
            self.popen.kill()
        await self._exit_status(STOP_GRACE)
        if self._death is None:
            self._death = Death("it was stopped by SmallClaw")
        self._close_socket()

    async def stop(self) -> None:
        """Close the socket, which ends the process; kill it if it has not gone within ``STOP_GRACE``."""
        if self.popen is None:
            return
        self.ended_here = self._death is None
        self._close_socket()
        if await self._exit_status(STOP_GRACE) is None:
            await self.kill()
        if self._death is None:
            self._death = Death("it was stopped by SmallClaw")

    def _close_socket(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class Refused(ModelError):
    """The model process could not serve a request; ``kind`` says why (load, model, cancelled, error)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def rss_kb(pid: int) -> int | None:
    """A process's resident memory in KB (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None

