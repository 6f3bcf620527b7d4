"""What each step of a task changed in its workspace: a snapshot when the step starts, its change
journaled when it ends.

Under the task's folder in the data directory (with a database store, ``changes/<task id>``
in the data directory of the host that runs the task)::

    changes/open.json     the snapshot of the step under way (its number and a token)
    changes/base.json     the workspace after the last change journaled, so the next
                          snapshot reads only the files that differ from it
    changes/kept/<sha>    file bytes as steps found and left them (up to [workspace] keep_bytes)
    changes/.lock         held while a step's change is journaled, and while an undo runs

The runner's driver calls ``follow`` at every round boundary: when the task moved to
another step, the last step's change is journaled (a ``change`` entry: paths, sizes,
sha256, unified diffs; the bytes stay in ``kept``) and the workspace after it is the
new step's snapshot, with no second walk. When the driver stops (a pause, an error,
the end) the open step's change is journaled too. A crash leaves ``open.json``: the
next drive continues that step, or an undo journals its change first (``settle``).
The snapshot is lazy: a file's bytes are kept just before it is written through
``Workspace`` (a file tool, an attempt's result applied, a picked attempt), or all of
them before a tool that may write anything (``workspace.before_change``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
from typing import Any, Callable, Iterator

from .errors import TaskNotFound
from .kept import KeptInFolder
from .snapshots import Snapshot
from .paths import atomic_write
from .tasks import Task
from .workspace import Workspace, watch

log = logging.getLogger("smallclaw.changes")

CHANGES = "changes"
OPEN = "open.json"
BASE = "base.json"


class StepChanges:
    """The open step's snapshot of one task, and the journaling of its change."""

    def __init__(self, app: Any, task_id: str):
        self.app = app
        self.task_id = task_id
        cfg = app.config.workspace
        self.keep_bytes: int = cfg.keep_bytes
        self.diff_bytes: int = cfg.diff_bytes
        self.skip = frozenset(cfg.not_tracked)
        task_dir = getattr(app.store, "task_dir", None)
        #: the task's own folder in the file store; with a database store, the data directory's
        #: changes/<id> on the host that runs the task (made when needed)
        self.folder = task_dir(task_id) / CHANGES if task_dir else app.home / CHANGES / task_id
        self.make_parents = task_dir is None
        self.kept = KeptInFolder(self.folder / "kept", make_parents=self.make_parents)
        self.workspace = Workspace(app.workspace_for(task_id))
        self.snapshot: Snapshot | None = None
        self.step: int | None = None
        self.token: str | None = None
        self._stop_watching: Callable[[], None] | None = None
        self._held = False
        self.adopted = False

    def __enter__(self) -> "StepChanges":
        self.adopt()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.close()
        except TaskNotFound:
            pass  # deleted while it ran: nothing to journal into
        except OSError as err:  # the workspace could not be read: the task itself is not at fault
            log.warning("task %s: what its step changed could not be recorded: %s", self.task_id, err)

    # --- files of its own -------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the task's changes lock (between processes too; again inside it is a no-op)."""
        if self._held:
            yield
            return
        try:
            self.folder.mkdir(parents=self.make_parents, exist_ok=True)  # a deleted task is not made again
            fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            raise TaskNotFound(self.task_id) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._held = True
            yield
        finally:
            self._held = False
            os.close(fd)

    def read(self, name: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.folder / name).read_bytes())
        except (FileNotFoundError, ValueError):
            return None  # a torn file cannot be: they are replaced whole; an old format is started afresh

    def write(self, name: str, data: dict[str, Any]) -> None:
        try:
            self.folder.mkdir(parents=self.make_parents, exist_ok=True)
            atomic_write(self.folder / name, json.dumps(data, separators=(",", ":")).encode(), durable=False)
        except FileNotFoundError:
            raise TaskNotFound(self.task_id) from None

    def snapshot_from(self, data: dict[str, Any]) -> Snapshot:
        return Snapshot.from_data(self.workspace, data, kept=self.kept, keep_bytes=self.keep_bytes, skip=self.skip)

    # --- the open step ----------------------------------------------------------------

    def adopt(self) -> None:
        """Go on with the step a stopped runner left open (its ``open.json``), if any."""
        data = self.read(OPEN)
        if data and "snapshot" in data:
            self.snapshot, self.step, self.token = self.snapshot_from(data["snapshot"]), data["step"], data["token"]
            self.adopted = True
            self._watch()

    def follow(self, task: Task) -> None:
        """At a round boundary: a task on another step closes the last one and opens its own."""
        if self.snapshot is not None and self.step == task.current_step:
            return
        after = self.close(reopening=True)
        self.open(task.current_step, after)

    def open(self, step: int, after: Snapshot | None = None) -> None:
        """Start watching step ``step``: from ``after`` (the last step's end), else a fresh walk."""
        if after is None:
            base = self.read(BASE)
            after = Snapshot.take(self.workspace, kept=self.kept, keep_bytes=self.keep_bytes, lazy=True,
                                  skip=self.skip, base=self.snapshot_from(base) if base else None)
        self.snapshot, self.step, self.token = after, step, secrets.token_hex(6)
        self.save()
        self._watch()

    def save(self) -> None:
        assert self.snapshot is not None
        self.write(OPEN, {"step": self.step, "token": self.token, "snapshot": self.snapshot.to_data()})

    def close(self, *, reopening: bool = False) -> Snapshot | None:
        """Journal the open step's change, if it changed anything; returns the workspace after it
        (None when no step was open, or when an undo journaled it meanwhile)."""
        snapshot, step, token = self.snapshot, self.step, self.token
        if snapshot is None:
            return None
        self._unwatch()
        self.snapshot = None
        with self.locked():
            data = self.read(OPEN)
            if data is None or data.get("token") != token:
                return None
            change = snapshot.change(diff_bytes=self.diff_bytes)
            if change and not self.journaled(token):
                self.app.tasks.journal(self.task_id, "change", {"step": step, "snapshot": token, **change.to_data()},
                                       step=step)
            if not reopening:
                self.write(BASE, change.after.to_data())
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.folder / OPEN)
        return change.after

    def journaled(self, token: str | None) -> bool:
        """A step adopted after a crash may have had its change journaled just before the crash."""
        if not self.adopted:
            return False
        self.adopted = False
        return any(e.kind == "change" and e.data.get("snapshot") == token
                   for e in self.app.store.journal_tail(self.task_id, 100))

    def _watch(self) -> None:
        snapshot = self.snapshot

        def before(path: str | None) -> None:
            # the bytes a tool is about to change are kept, and the open snapshot saved with them
            if snapshot is not None and snapshot is self.snapshot and snapshot.keep(path):
                self.save()

        self._unwatch()
        self._stop_watching = watch(self.workspace.root, before)

    def _unwatch(self) -> None:
        if self._stop_watching is not None:
            self._stop_watching()
            self._stop_watching = None


def settle(changes: StepChanges) -> None:
    """Journal the change of a step a runner left open (a crash, or a pause being recorded right now)."""
    with changes.locked():
        changes.adopt()
        changes.close()
