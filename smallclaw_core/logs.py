"""Logging: configured once by the long-running commands, and the lines every run writes.

``smallclaw serve`` and ``smallclaw run`` call ``configure_logging``: records from every
``smallclaw.*`` logger (plugins name theirs ``smallclaw.<plugin>``) go, with a timestamp and
a level, to the terminal and to a rotating file, ``<data dir>/logs/smallclaw.log``. Other
libraries speak only at WARNING and above unless the level is ``debug``. Commands that only
read configure nothing: an unconfigured logger prints warnings and errors, nothing else.

Two kinds of line are written here so that no caller has to remember them: one per task
status change (from the event bus) and one per model call with its timing (``TimedBackend``).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import time
from pathlib import Path
from typing import Any

from .paths import PRIVATE_FILE_MODE, private_dir
from .terminal import printable

LOG_DIR = "logs"
LOG_FILE = "smallclaw.log"
LEVELS = ("debug", "info", "warning", "error")
#: the file rotates at this size, keeping this many old files (smallclaw.log.1 ...)
MAX_BYTES = 5 * 2**20
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

log = logging.getLogger("smallclaw")
tasks_log = logging.getLogger("smallclaw.tasks")
models_log = logging.getLogger("smallclaw.models")

#: the handlers this module installed, so a second call replaces them instead of doubling lines
_installed: list[logging.Handler] = []


def log_path(home: Path) -> Path:
    return Path(home) / LOG_DIR / LOG_FILE


def configure_logging(home: Path, level: str | None = None, *, console_level: str | None = None) -> Path:
    """Send SmallClaw's log records to the terminal and to ``<home>/logs/smallclaw.log``.

    ``level`` is one of ``LEVELS`` (default ``info``); ``console_level`` lets a command keep
    the terminal quieter than the file (the terminal chat shows warnings only). Calling it
    again replaces the earlier configuration. Returns the log file's path.
    """
    number = _level(level or "info")
    path = log_path(home)
    private_dir(path.parent)
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    formatter = PrintableFormatter(FORMAT, DATE_FORMAT)
    to_file = PrivateLogFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    to_console = logging.StreamHandler()
    to_console.setLevel(_level(console_level) if console_level else number)
    for handler in (to_file, to_console):
        handler.setFormatter(formatter)
        root.addHandler(handler)
        _installed.append(handler)
    # other libraries (httpx logs every request at INFO) stay quiet unless asked for debug
    root.setLevel(logging.DEBUG if number <= logging.DEBUG else logging.WARNING)
    log.setLevel(number)
    return path


class PrintableFormatter(logging.Formatter):
    """Log lines whose control characters are escaped: a task's title or a model's error may carry
    terminal escapes, and the file is read on a terminal too (``tail -f``)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), lines=True)


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file, created 0600 each time it is opened (rotation makes a new one)."""

    def _open(self):
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                    opener=lambda path, flags: os.open(path, flags, PRIVATE_FILE_MODE))


def configure_command_logging() -> None:
    """For the short commands: warnings and errors on stderr as ``smallclaw: <message>``, no file."""
    if _installed:
        return  # a long-running command configured the full logging already
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(PrintableFormatter("smallclaw: %(message)s"))
    logging.getLogger().addHandler(handler)
    _installed.append(handler)


def _level(name: str) -> int:
    if name.lower() not in LEVELS:
        raise ValueError(f"log level should be one of {', '.join(LEVELS)}, got {name!r}")
    return getattr(logging, name.upper())


# --- the lines every run writes ------------------------------------------------------


def log_task_event(event: Any) -> None:
    """One line per task status change, and one per deleted task."""
    if event.type == "task_deleted":
        tasks_log.info("task %s deleted", event.task_id)
        return
    if event.type != "task":
        return
    summary = event.data.get("task") or {}
    status, previous = summary.get("status"), event.data.get("previous_status")
    if status == previous:
        return  # progress within a status (a step done, a lease renewed): the journal has it
    title = summary.get("title", "")
    if previous is None:
        tasks_log.info("task %s %s: %s", event.task_id, status, title)
    else:
        reason = summary.get("pause_reason")
        tasks_log.info("task %s %s -> %s: %s%s", event.task_id, previous, status, title,
                       f" ({reason})" if reason and status in ("paused", "needs_assistance", "failed") else "")


class TimedBackend:
    """A model backend whose every ``chat`` call is logged with its timing and token counts.

    It stands in front of the backend a plugin registered (``App.backend`` returns it) and
    hands everything else to it unchanged.
    """

    def __init__(self, name: str, backend: Any):
        self.backend_name = name
        self.inner = backend

    async def chat(self, request: Any) -> Any:
        started = time.perf_counter()
        try:
            reply = await self.inner.chat(request)
        except Exception as exc:
            models_log.warning("%s:%s failed after %.2f s: %s", self.backend_name, request.model,
                               time.perf_counter() - started, exc)
            raise
        models_log.info("%s:%s %s", self.backend_name, request.model,
                        describe_call(reply.usage, time.perf_counter() - started))
        return reply

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"TimedBackend({self.inner!r})"


def describe_call(usage: Any, seconds: float) -> str:
    """``1843 prompt tokens (1790 cached), 42 generated in 3.21 s (load 1.20 s)``, as far as known."""
    parts = []
    prompt = usage.prompt_tokens if usage.prompt_tokens is not None else usage.prompt_evaluated
    if prompt is not None:
        cached = f" ({usage.prompt_cached} cached)" if usage.prompt_cached else ""
        parts.append(f"{prompt} prompt tokens{cached}")
    if usage.completion_tokens is not None:
        parts.append(f"{usage.completion_tokens} generated")
    text = ", ".join(parts) or "answered"
    text += f" in {seconds:.2f} s"
    if usage.load_ms:
        text += f" (model load {usage.load_ms / 1000:.2f} s)"
    return text
