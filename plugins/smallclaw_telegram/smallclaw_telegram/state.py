"""What the bot remembers across restarts, in ``<home>/telegram/``.

- ``offset``: the next ``getUpdates`` offset, so no update is handled twice;
- ``needs_you.json``: which message in which chat asked the user about which task,
  so that a reply to it resumes that task;
- ``sent.json``: which parts of which notification reached which chat, so that a
  delivery retried after a crash resends at most the part that was in flight.

Each file is replaced atomically, and read-modify-write runs under an ``flock`` so
the runner (sending) and the poller (reading) may live in different processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Any, Iterator

from smallclaw_core import atomic_write

#: entries kept per file; the oldest go first
KEEP = 1000


class TelegramState:
    def __init__(self, home: Path, *, durable: bool = True):
        # created with the first thing remembered: reading creates nothing
        self.root = Path(home) / "telegram"
        self.durable = durable

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self, name: str) -> dict[str, Any]:
        try:
            value = json.loads((self.root / name).read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _write(self, name: str, value: dict[str, Any]) -> None:
        if len(value) > KEEP:  # dicts keep insertion order: drop the oldest
            value = dict(list(value.items())[-KEEP:])
        atomic_write(self.root / name, json.dumps(value).encode(), durable=self.durable)

    # --- the getUpdates offset ----------------------------------------------------------

    def offset(self) -> int:
        try:
            return int((self.root / "offset").read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def save_offset(self, offset: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.root / "offset", f"{offset}\n".encode(), durable=self.durable)

    # --- "needs you" messages -----------------------------------------------------------

    def remember_needs_you(self, chat_id: int | str, message_id: int, task_id: str) -> None:
        with self._locked():
            known = self._read("needs_you.json")
            known.pop(f"{chat_id}:{message_id}", None)
            known[f"{chat_id}:{message_id}"] = task_id
            self._write("needs_you.json", known)

    def needs_you_task(self, chat_id: int | str, message_id: int) -> str | None:
        """The task a "needs you" message in this chat was about, if it was one."""
        return self._read("needs_you.json").get(f"{chat_id}:{message_id}")

    # --- parts of notifications already delivered ---------------------------------------

    def sent_parts(self, key: str, chat_id: int | str) -> set[int]:
        return set(self._read("sent.json").get(key, {}).get(str(chat_id), []))

    def mark_sent(self, key: str, chat_id: int | str, part: int) -> None:
        with self._locked():
            sent = self._read("sent.json")
            record = sent.pop(key, {})
            parts = record.setdefault(str(chat_id), [])
            if part not in parts:
                parts.append(part)
            sent[key] = record
            self._write("sent.json", sent)
