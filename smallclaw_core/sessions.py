"""Chat session histories, one append-only JSON-lines file per session.

A session key names a conversation: ``web_<id>``, ``telegram_<chat_id>``,
``cli_<id>``, or ``task_<taskId>`` for a task's own conversation. Task results are
delivered into the originating session with ``deliver``.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from .documents import structure, unstructure
from .models import Message
from .paths import PRIVATE_FILE_MODE, private_dir

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def is_session_key(key: str) -> bool:
    """Whether ``key`` can name a session (its file is named by it)."""
    return _KEY.fullmatch(key) is not None


class SessionStore:
    def __init__(self, root: Path, *, durable: bool = True):
        # created with the first message appended, not before
        self.root = Path(root) / "sessions"
        self.durable = durable
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        if not is_session_key(key):
            raise ValueError(f"invalid session key {key!r}")
        return self.root / f"{key.replace(':', '_')}.jsonl"

    def append(self, key: str, message: Message, *, sync: bool = True, **meta: Any) -> None:
        """Append a message; ``sync=False`` leaves the fsync to a later ``sync()``."""
        self.append_record(key, {"message": unstructure(message), **meta}, sync=sync)

    def append_record(self, key: str, record: dict[str, Any], *, sync: bool = True) -> None:
        """Append one record: a message with its metadata, or a marker (``{"drop_round": 3}``)."""
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        path = self._path(key)
        with self._lock:
            private_dir(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
            try:
                os.write(fd, line)
                if self.durable and sync:
                    os.fsync(fd)
            finally:
                os.close(fd)

    def sync(self, key: str) -> None:
        """Make every message appended so far durable."""
        if not self.durable:
            return
        try:
            fd = os.open(self._path(key), os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def records(self, key: str) -> list[dict[str, Any]]:
        try:
            raw = self._path(key).read_bytes()
        except FileNotFoundError:
            return []
        out = []
        for line in raw.split(b"\n"):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line torn by a crash
        return out

    def read_from(self, key: str, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Records appended after byte ``offset``, and the offset to read from next time.

        Only the new bytes are read, so following a long session costs nothing while it
        is quiet. A line still being written waits for the next call.
        """
        try:
            fh = open(self._path(key), "rb")
        except FileNotFoundError:
            return [], 0
        with fh:
            size = os.fstat(fh.fileno()).st_size
            if size < offset:
                offset = 0  # the file was replaced: read it again
            if size == offset:
                return [], offset
            fh.seek(offset)
            data = fh.read(size - offset)
        end = data.rfind(b"\n") + 1
        out = []
        for line in data[:end].split(b"\n"):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line torn by a crash
        return out, offset + end

    def history(self, key: str) -> list[Message]:
        return [structure(r["message"], Message) for r in self.records(key) if "message" in r]

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def keys(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.jsonl"))

    def summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        """``{"key", "updated_at", "bytes"}`` per session, most recent first."""
        rows = []
        for path in self.root.glob("*.jsonl"):
            if prefix and not path.stem.startswith(prefix):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            rows.append({"key": path.stem, "updated_at": st.st_mtime, "bytes": st.st_size})
        rows.sort(key=lambda r: r["updated_at"], reverse=True)
        return rows

    def has_delivery(self, key: str, delivery_key: str) -> bool:
        return any(r.get("delivery") == delivery_key for r in self.records(key))
