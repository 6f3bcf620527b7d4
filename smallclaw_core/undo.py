"""Undo what steps of a task changed in its workspace: exactly that, never anyone's later work.

``undo(app, task_id, step=..., everything=..., force=...)``, for the CLI, the API and the board:

1. A running task is paused first (``app.tasks.pause``: it stops at the end of its
   round) and waited for; a queued one with something to undo is paused at once.
2. Under the task's changes lock, a step a runner left open gets its change journaled.
3. An undo that was interrupted (a crash after its ``undo`` entry said ``started``) is
   finished first, and that is all the call does: run it again for more.
4. The changes to undo: those of step N, of the last step that changed anything, or
   of every step, newest first; changes undone before are left out.
5. Each path's state now must be what the change left (or what a later change being
   undone put back). Otherwise the undo is refused, naming the files and who changed
   them since (a later step, or someone else), unless forced; a file whose earlier
   bytes were not kept (too large) is named the same way.
6. The intent is journaled (every path, what it must become, what it is now), each
   path is put back atomically (a temporary file renamed over it), then ``done`` is
   journaled, and a task that will run again is told in its next prompt.
"""

from __future__ import annotations

import time
from typing import Any, Iterable

import attrs

from .changes import Change, ChangeConflict, Plan, PutBack, undo_plan
from .control import InvalidRequest
from .errors import IllegalTransition
from .kept import same, version_on_disk
from .stepchanges import StepChanges, settle
from .tasks import FINISHED, QUEUED, RUNNING, JournalEntry
from .beneath import TMP_PREFIX
from .workspace import WorkspaceError

#: seconds an undo waits for a running task to reach the end of its round
WAIT = 150.0


class StillRunning(IllegalTransition):
    """The task is still running: it pauses at the end of its round, then it can be undone."""

    def __init__(self, task_id: str):
        super().__init__(task_id, RUNNING, "undone")
        self.args = (f"task {task_id} is still running: it pauses at the end of its round; undo it then",)

    def __str__(self) -> str:
        return self.args[0]


@attrs.frozen
class Undone:
    """What an undo did."""

    steps: list[int]
    put_back: list[str]
    removed: list[str]
    #: path -> why it was left as it was (forced past a conflict, or bytes not kept)
    left: dict[str, str]
    #: True when this call finished an undo a crash had interrupted
    finished_earlier: bool = False

    @property
    def message(self) -> str:
        what = [f"put back {', '.join(self.put_back)}" if self.put_back else "",
                f"removed {', '.join(self.removed)}" if self.removed else "",
                f"left as they are: {', '.join(self.left)}" if self.left else ""]
        done = "; ".join(w for w in what if w) or "nothing needed putting back"
        head = "finished the interrupted undo of" if self.finished_earlier else "undid"
        return f"{head} {steps_named(self.steps)}: {done}"


def steps_named(steps: Iterable[int]) -> str:
    numbers = [str(s + 1) for s in sorted(set(steps))]
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return "steps " + (", ".join(numbers[:-1]) + " and " + numbers[-1] if numbers else "")


@attrs.define
class History:
    """A task's journaled changes, which of them were undone, and an undo left unfinished."""

    changes: list[JournalEntry] = attrs.field(factory=list)
    undone: set[int] = attrs.field(factory=set)
    pending: JournalEntry | None = None

    @classmethod
    def of(cls, entries: Iterable[JournalEntry]) -> "History":
        history, started = cls(), {}
        for e in entries:
            if e.kind == "change":
                history.changes.append(e)
            elif e.kind == "undo" and e.data.get("state") == "started":
                started[e.seq] = e
            elif e.kind == "undo" and e.data.get("state") == "done":
                begun = started.pop(e.data.get("of"), None)
                history.undone.update(begun.data.get("changes", []) if begun else [])
        history.pending = max(started.values(), key=lambda e: e.seq) if started else None
        return history

    def live(self) -> list[JournalEntry]:
        return [e for e in self.changes if e.seq not in self.undone]

    def choose(self, step: int | None, everything: bool) -> list[JournalEntry]:
        """The changes to undo, oldest first: of every step, of step ``step`` (0-based), or of the last
        step that changed anything."""
        live = self.live()
        if not live:
            raise InvalidRequest("nothing to undo: no step of this task changed a file that is not undone already")
        if everything:
            return live
        if step is None:
            step = live[-1].data.get("step")
        chosen = [e for e in live if e.data.get("step") == step]
        if not chosen:
            changed = sorted({e.data.get("step") for e in live})
            raise InvalidRequest(f"step {(step or 0) + 1} changed nothing that can be undone; steps with changes: "
                                 f"{', '.join(str(s + 1) for s in changed)}")
        return chosen


def history(app: Any, task_id: str) -> History:
    return History.of(e for e in app.store.journal(task_id) if e.kind in ("change", "undo"))


def undo(app: Any, task_id: str, *, step: int | None = None, everything: bool = False, force: bool = False,
         wait: float = WAIT) -> Undone:
    """Undo the changes of step ``step`` (0-based), of the last step that changed anything, or of every
    step (``everything``); see the module's docstring. Raises ``ChangeConflict`` when refused."""
    task_id = app.store.resolve_id(task_id)
    task = app.store.get(task_id)
    if task.status == RUNNING or task.status == QUEUED and history(app, task_id).live():
        _pause(app, task_id, wait)
    changes = StepChanges(app, task_id)
    with changes.locked():
        settle(changes)
        past = history(app, task_id)
        if past.pending is not None:
            return _finish(app, task_id, past.pending, changes, force)
        chosen = past.choose(step, everything)
        plan = undo_plan([Change.from_data(e.data, changes.kept) for e in chosen], changes.workspace)
        steps = sorted({e.data.get("step", 0) for e in chosen})
        if (plan.conflicts or plan.cannot()) and not force:
            later = [e for e in past.live() if e.seq > chosen[-1].seq]
            raise ChangeConflict(_who_changed(plan.conflicts, later), plan.cannot(), steps_named(steps))
        began = app.tasks.journal(task_id, "undo", {
            "state": "started", "steps": steps, "changes": [e.seq for e in chosen], "force": force,
            "files": [op.to_data() for op in plan.ops], "message": f"undoing {steps_named(steps)}"},
            step=steps[0] if len(steps) == 1 else None)
        return _carry_out(app, task_id, began, plan, changes, steps)


def _pause(app: Any, task_id: str, wait: float) -> None:
    """Pause the task for the undo; a running one is waited for until its round ends."""
    task = app.store.get(task_id)
    if task.status == QUEUED or task.status == RUNNING and not task.pause_requested:
        task = app.tasks.pause(task_id, "paused to undo what a step changed")
    deadline = time.monotonic() + wait
    while task.status == RUNNING:
        if time.monotonic() >= deadline:
            raise StillRunning(task_id)
        time.sleep(0.05)
        task = app.store.get(task_id)


def _who_changed(conflicts: dict[str, str], later: list[JournalEntry]) -> dict[str, str]:
    out = {}
    for path, why in conflicts.items():
        by = [e.data.get("step", 0) for e in later if any(f.get("path") == path for f in e.data.get("files", []))]
        out[path] = f"step {by[-1] + 1} changed it since; {why}" if by else f"changed outside the task; {why}"
    return out


def _carry_out(app: Any, task_id: str, began: JournalEntry, plan: Plan, changes: StepChanges,
               steps: list[int], finished_earlier: bool = False) -> Undone:
    ws = changes.workspace
    skip = set(plan.cannot())
    made = set(plan.carry_out(ws, durable=getattr(app.store, "durable", True), skip=skip))
    wanted = {op.path: op.want for op in plan.ops}
    left = {**plan.cannot(), **plan.left}
    left.update({p: f"forced past it: {why}" for p, why in plan.conflicts.items() if p not in made and p not in left})
    result = Undone(steps, sorted(p for p in made if wanted.get(p) is not None),
                    sorted(p for p in made if wanted.get(p) is None), left, finished_earlier)
    app.tasks.journal(task_id, "undo", {
        "state": "done", "of": began.seq, "steps": steps, "put_back": result.put_back, "removed": result.removed,
        "left": left, "message": result.message}, step=steps[0] if len(steps) == 1 else None)
    task = app.store.get(task_id)
    if task.status not in FINISHED:
        note = f"The user {result.message.replace('finished the interrupted undo of', 'undid')}."
        app.tasks.update(task_id, lambda t: t.pending_notes.append(note))
    return result


def _finish(app: Any, task_id: str, began: JournalEntry, changes: StepChanges, force: bool) -> Undone:
    """Finish an undo a crash interrupted: each path is what it should become, what it was, or a conflict."""
    ops = [PutBack.from_data(d) for d in began.data.get("files", [])]
    ws = changes.workspace
    _clean_temporaries(ws, ops)
    conflicts: dict[str, str] = {}
    for op in ops:
        try:
            now = version_on_disk(ws, op.path)
        except WorkspaceError as exc:
            conflicts[op.path] = str(exc)
            continue
        if not same(now, op.want) and not same(now, op.now):
            conflicts[op.path] = "changed since the undo began"
    plan = Plan(ops, changes.kept, conflicts=conflicts)
    steps = list(began.data.get("steps", []))
    if conflicts and not force:
        raise ChangeConflict(conflicts, {}, f"the interrupted undo of {steps_named(steps)}")
    return _carry_out(app, task_id, began, plan, changes, steps, finished_earlier=True)


def _clean_temporaries(ws: Any, ops: list[PutBack]) -> None:
    """Remove the temporary files a put-back killed mid-write left beside its target."""
    for folder in {op.path.rpartition("/")[0] or "." for op in ops}:
        try:
            for name, kind in ws.entries(folder):
                if kind == "file" and name.startswith(TMP_PREFIX):
                    ws.remove(f"{folder}/{name}" if folder != "." else name)
        except OSError:
            continue  # a folder that is gone (or not one): nothing of ours in it
