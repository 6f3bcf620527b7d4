"""The durable task store: an atomic ``task.json`` and an append-only ``journal.jsonl`` per task.

Layout under the data directory::

    tasks/<id>/task.json       the task's state, replaced atomically on every change
    tasks/<id>/journal.jsonl   one JSON line per event, only ever appended to
    tasks/<id>/.lock           the cross-process lock (flock) for read-modify-write
    tasks/.changes             touched on every write, so a runner notices changes
                               another process made without polling every file

Every folder is made 0700 and every file 0600: the goals and journals are this user's only.
A writer never leaves a half-written ``task.json``: it writes a temporary file in the
same directory, fsyncs it, ``os.replace``s it over the old one and fsyncs the
directory. A journal line torn by a crash is ignored by readers and cut off by the
next writer. Appending costs the same at 10 entries as at 10,000.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import attrs

from . import journalfile
from .documents import copy_document, entry_from_line, entry_to_line, task_from_dict, task_to_json
from .errors import DocumentError, TaskNotFound
from .paths import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, atomic_write, fsync_dir, private_dir
from .storage import StoreProblem, check_lease
from .tasks import JournalEntry, Lease, Task, stamp

TASK_FILE = "task.json"
JOURNAL_FILE = "journal.jsonl"
LOCK_FILE = ".lock"
CHANGES_FILE = ".changes"
QUARANTINE = ".quarantine"
#: files changed more recently than this are not cached (see ``TaskStore._load``)
RACY_NS = 1_000_000_000
#: what a task id can be (``new_task_id`` makes 14 letters and digits); anything else, a path,
#: a NUL or 5,000 characters, is not found without asking the file system
TASK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def is_task_id(text: str) -> bool:
    """Whether ``text`` could name a task (the store's folders are named by it)."""
    return TASK_ID.fullmatch(text) is not None


class TaskStore:
    """Tasks on disk. Safe to use from several threads and several processes at once."""

    def __init__(self, root: Path, *, durable: bool = True):
        # nothing is created here: the directory appears with the first task written
        self.root = Path(root) / "tasks"
        self._root_str = str(self.root)
        self.durable = durable
        self.problems: list[StoreProblem] = []
        self._held = threading.local()
        self._cache: dict[str, _Cached] = {}
        self._cache_lock = threading.Lock()
        #: each journal's size and last seq after this process's last append to it
        self._tails: dict[str, tuple[int, int]] = {}
        self._changes = self.root / CHANGES_FILE

    # --- paths and locks --------------------------------------------------------

    def task_dir(self, task_id: str) -> Path:
        """The task's directory; an id that would point outside the store is not found."""
        if not is_task_id(task_id):
            raise TaskNotFound(task_id)
        return self.root / task_id

    @contextlib.contextmanager
    def lock(self, task_id: str, *, wait: bool = True) -> Iterator[bool]:
        """Hold the task's cross-process lock (re-entrant within a thread); yields whether it is
        held: with ``wait=False`` a lock another process holds gives False at once."""
        held: dict[str, int] = self._held.__dict__.setdefault("locks", {})
        if held.get(task_id):
            held[task_id] += 1
            try:
                yield True
            finally:
                held[task_id] -= 1
            return
        self.task_dir(task_id)  # an id that would point outside the store is not found
        try:
            fd = os.open(os.path.join(self._root_str, task_id, LOCK_FILE), os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        except (FileNotFoundError, NotADirectoryError):
            raise self._not_found(task_id) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            held[task_id] = 1
            try:
                yield True
            finally:
                held[task_id] = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _touch_changes(self) -> None:
        try:
            os.utime(self._changes)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                self._changes.touch(PRIVATE_FILE_MODE)
        except OSError:
            pass

    def changes_stamp(self) -> int:
        """Changes whenever any process writes a task; cheap to poll."""
        try:
            return os.stat(self._changes).st_mtime_ns
        except FileNotFoundError:
            return 0

    def watch(self, interval: float):
        """Another process's change shows only as a moved stamp: the feed looks every ``interval``."""
        from .storage import PollingFeed

        return PollingFeed(self, interval)

    def migrate(self) -> list[str]:
        return ["the file store has no schema: task documents are migrated when read"]

    def describe(self) -> str:
        return f"files in {self.root}"

    def _not_found(self, task_id: str) -> TaskNotFound:
        if not is_task_id(task_id):
            return TaskNotFound(task_id)
        ids = self.ids()
        close = [i for i in ids if i.startswith(task_id)][:3] if task_id else []
        close = close or difflib.get_close_matches(task_id, ids, n=3, cutoff=0.6)
        return TaskNotFound(task_id, close)

    # --- tasks ------------------------------------------------------------------

    def ids(self) -> list[str]:
        try:
            return sorted(e.name for e in os.scandir(self.root) if is_task_id(e.name) and e.is_dir())
        except FileNotFoundError:
            return []

    def create(self, task: Task) -> Task:
        directory = self.task_dir(task.id)
        private_dir(self.root)  # the data directory too, the first time
        directory.mkdir(PRIVATE_DIR_MODE)
        (directory / JOURNAL_FILE).touch(PRIVATE_FILE_MODE)
        with self.lock(task.id):
            atomic_write(directory / TASK_FILE, task_to_json(task), durable=self.durable)
        if self.durable:
            fsync_dir(self.root)
        self._touch_changes()
        return task

    def resolve_id(self, task_id: str) -> str:
        """Accept a unique prefix of an id, as git does."""
        if not is_task_id(task_id):
            raise TaskNotFound(task_id)
        if os.path.exists(os.path.join(self._root_str, task_id, TASK_FILE)):
            return task_id
        matches = [i for i in self.ids() if task_id and i.startswith(task_id)]
        if len(matches) == 1:
            return matches[0]
        raise self._not_found(task_id)

    def get(self, task_id: str) -> Task:
        """The task as stored now: a private copy the caller may change."""
        try:
            return copy_document(self._load(task_id))
        except TaskNotFound:
            raise self._not_found(task_id) from None

    def _load(self, task_id: str, *, fresh: bool = False) -> Task:
        """The stored task, shared with the cache: do not mutate it.

        The cache keeps each task's bytes beside the parsed task. A file whose inode,
        mtime and size are unchanged is not read again, unless it changed less than
        ``RACY_NS`` ago (two writes within one timestamp tick can leave all three
        alike: git's "racily clean" rule) or ``fresh`` is asked for; then it is read,
        and parsed only if its bytes differ from the cached ones.
        """
        # plain strings and os calls: listing runs this once per task, and pathlib costs more
        # than the read itself
        if not is_task_id(task_id):
            raise TaskNotFound(task_id)  # an id that would leave the tasks directory, or cannot be a name
        path = os.path.join(self._root_str, task_id, TASK_FILE)
        with self._cache_lock:
            cached = self._cache.get(task_id)
        if cached is not None and not fresh:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise TaskNotFound(task_id) from None
            if cached.key == (st.st_ino, st.st_mtime_ns, st.st_size) and not _racy(st):
                return cached.task
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise TaskNotFound(task_id) from None
        try:
            # the key comes from the open file, so it describes exactly the bytes read
            st = os.fstat(fd)
            chunks = []
            while chunk := os.read(fd, max(st.st_size, 65536)):
                chunks.append(chunk)
        finally:
            os.close(fd)
        data = b"".join(chunks)
        if cached is not None and cached.data == data:
            task = cached.task
        else:
            try:
                doc = json.loads(data)
            except ValueError as exc:
                raise DocumentError(f"{path}: not valid JSON ({exc})") from exc
            task = task_from_dict(doc, path)
        with self._cache_lock:
            self._cache[task_id] = _Cached((st.st_ino, st.st_mtime_ns, st.st_size), data, task)
        return task

    def list(self, status: str | Iterator[str] | None = None) -> list[Task]:
        """All readable tasks, oldest first; unreadable ones are reported in ``problems``."""
        wanted = {status} if isinstance(status, str) else set(status) if status else None
        tasks = []
        self.problems = []
        for task_id in self.ids():
            try:
                # listing uses the cached object itself (read-only), saving a copy per task
                task = self._load(task_id)
            except TaskNotFound:
                continue  # deleted meanwhile
            except DocumentError as exc:
                self.problems.append(self._handle_bad(task_id, exc))
                continue
            if wanted is None or task.status in wanted:
                tasks.append(task)
        tasks.sort(key=lambda t: (t.created_at, t.id))
        return tasks

    def _handle_bad(self, task_id: str, exc: DocumentError) -> StoreProblem:
        """Move a corrupt task aside; leave a newer-version one untouched."""
        message = str(exc)
        if "newer SmallClaw" in message:
            return StoreProblem(task_id, message)
        with contextlib.suppress(TaskNotFound), self.lock(task_id):
            # re-check under the lock: a writer may have just replaced the file
            try:
                task_from_dict(json.loads((self.root / task_id / TASK_FILE).read_bytes()))
                return StoreProblem(task_id, "recovered on re-read")
            except (ValueError, DocumentError, FileNotFoundError):
                pass
        target = self.root / QUARANTINE / f"{task_id}-{int(time.time())}"
        target.parent.mkdir(PRIVATE_DIR_MODE, exist_ok=True)
        try:
            os.replace(self.root / task_id, target)
        except OSError as err:
            return StoreProblem(task_id, f"{message} (could not move it aside: {err})")
        self._touch_changes()
        return StoreProblem(task_id, message, str(target))

    def save(self, task: Task) -> Task:
        """Write a whole task; prefer ``update`` for read-modify-write."""
        with self.lock(task.id):
            stamp(task)
            path = self.task_dir(task.id) / TASK_FILE
            data = task_to_json(task)
            atomic_write(path, data, durable=self.durable)
            # the next read compares bytes with these instead of parsing them again
            st = os.stat(path)
            with self._cache_lock:
                self._cache[task.id] = _Cached((st.st_ino, st.st_mtime_ns, st.st_size), data, copy_document(task))
        self._touch_changes()
        return task

    def update(self, task_id: str, change: Callable[[Task], object], *, lease: Lease | None = None) -> Task:
        """Apply ``change`` to the current task under the lock and write it back.

        ``change`` may raise to abort; nothing is written then. With ``lease`` (a runner's
        write) the task's lease must still be that one, or ``LeaseLost`` (``check_lease``).
        """
        with self.lock(task_id):
            try:
                # read the file itself, not the cache: another process may have just written
                task = copy_document(self._load(task_id, fresh=True))
            except TaskNotFound:
                raise self._not_found(task_id) from None
            check_lease(task, lease)
            change(task)
            return self.save(task)

    def claim(self, claim, take: Callable[[Task], bool]) -> list[Task]:
        """Up to ``claim.limit`` of ``claim``'s candidates, oldest first: a task whose lock another
        process holds is skipped, not waited for (``storage.Claim``; SQL's ``SKIP LOCKED``)."""
        taken: list[Task] = []
        for candidate in self.list():
            if len(taken) >= claim.limit:
                break
            if not claim.candidate(candidate):
                continue
            try:
                with self.lock(candidate.id, wait=False) as locked:
                    task = copy_document(self._load(candidate.id, fresh=True)) if locked else None
                    if task is not None and take(task):
                        taken.append(self.save(task))
            except (TaskNotFound, DocumentError):
                continue  # deleted or damaged meanwhile
        return taken

    def delete(self, task_id: str) -> None:
        with self.lock(task_id):
            target = self.root / f".deleted-{task_id}-{secrets.token_hex(3)}"
            os.replace(self.task_dir(task_id), target)
        with self._cache_lock:
            self._cache.pop(task_id, None)
        self._tails.pop(task_id, None)
        shutil.rmtree(target, ignore_errors=True)
        self._touch_changes()

    # --- the journal ------------------------------------------------------------

    def append(self, task_id: str, entry: JournalEntry, *, sync: bool = True,
               lease: Lease | None = None) -> JournalEntry:
        """Append one entry, numbering it after the last one; durable on return.

        ``sync=False`` is for records nothing depends on (a model call's timing and
        tokens): the next synced append makes them durable with it. With ``lease`` the
        task's lease must still be that one (or let go, with none given since), or
        ``LeaseLost`` and nothing is appended (``check_lease``).
        """
        with self.lock(task_id):
            if lease is not None:
                # the file itself (its bytes compared with the cached ones): a claim by another
                # process may have just replaced it
                check_lease(self._load(task_id, fresh=True), lease, entry=True)
            path = os.path.join(self._root_str, task_id, JOURNAL_FILE)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
            try:
                def line(seq: int) -> bytes:
                    entry.seq = seq
                    return entry_to_line(entry)

                self._tails[task_id] = journalfile.append(fd, line, self._tails.get(task_id))
                if self.durable and sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def journal(self, task_id: str, *, after: int = 0, limit: int | None = None) -> list[JournalEntry]:
        """Entries with ``seq > after``, oldest first; a torn last line is skipped."""
        try:
            fh = open(self.task_dir(task_id) / JOURNAL_FILE, "rb")
        except FileNotFoundError:
            if not self.task_dir(task_id).is_dir():
                raise self._not_found(task_id) from None
            return []
        with fh:
            lines = journalfile.lines_after(fh, after)
        out: list[JournalEntry] = []
        for line in lines:
            try:
                entry = entry_from_line(line)
            except Exception:  # a damaged line (or a blank one) is reported by doctor, not fatal
                continue
            if entry.seq > after:
                out.append(entry)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def journal_tail(self, task_id: str, count: int) -> list[JournalEntry]:
        """The last ``count`` entries, read from the end of the file."""
        try:
            fh = open(self.task_dir(task_id) / JOURNAL_FILE, "rb")
        except FileNotFoundError:
            raise self._not_found(task_id) from None
        with fh:
            lines = journalfile.tail(fh, count)
        out = []
        for line in lines:
            with contextlib.suppress(Exception):
                out.append(entry_from_line(line))
        return out

    # --- recovery ---------------------------------------------------------------

    def recover(self) -> list[StoreProblem]:
        """Clean leftover temporary files and report unreadable tasks (run at start)."""
        if not self.root.is_dir():
            return []
        for directory in self.root.iterdir():
            if directory.name.startswith(".deleted-"):
                shutil.rmtree(directory, ignore_errors=True)
                continue
            if not directory.is_dir() or directory.name.startswith("."):
                continue
            try:
                with self.lock(directory.name):
                    for leftover in directory.glob(".*.tmp"):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
            except (TaskNotFound, OSError) as exc:
                if getattr(exc, "errno", None) not in (None, errno.ENOENT):
                    raise
        self.list()
        return self.problems


@attrs.frozen
class _Cached:
    key: tuple[int, int, int]  # inode, mtime, size
    data: bytes
    task: Task


def _racy(st: os.stat_result) -> bool:
    return time.time_ns() - st.st_mtime_ns <= RACY_NS
