"""What users and the runner do to tasks: create, journal, pause, resume, cancel, delete, re-plan.

The CLI, the gateway, Telegram and the runner all go through these methods, so every
change is validated, written under the task's lock, journaled and announced on the
event bus in the same way. The runner drives a task inside ``driving(task_id, lease)``:
there, every write for that task carries the lease, and the store refuses it with
``LeaseLost`` once another runner took the task over (``storage``: fencing). The user's
writes, made elsewhere, carry none.
"""

from __future__ import annotations

import contextlib
import contextvars
import secrets
import time
from typing import Any, Callable, Iterable, Iterator

from .documents import entry_to_dict, unstructure
from .errors import IllegalTransition, SmallClawError, TaskNotFound
from .storage import RUN, Claim
from .tasks import (
    CANCELLED, FAILED, NEEDS_ASSISTANCE, PAUSED, QUEUED, RUNNING, Counters, Delivery, JournalEntry, Lease,
    PICKED, Origin, Step, Task, make_title, new_task_id,
)

MAX_STEPS = 20

#: the task the code running now drives, and its lease (a context variable: it follows the
#: runner's drive into the tasks and worker threads it starts, and nowhere else)
_DRIVING: contextvars.ContextVar[tuple[str, Lease] | None] = contextvars.ContextVar("driving", default=None)


class _Unchanged(Exception):
    """Raised inside a change to leave the task as it is."""


class InvalidRequest(SmallClawError):
    """The request is malformed (an empty goal, too many steps)."""


def task_summary(task: Task) -> dict[str, Any]:
    """The small view of a task used by lists, cards and events."""
    return {
        "id": task.id,
        "title": task.title,
        "status": task.status,
        "steps_done": task.steps_done,
        "steps_total": len(task.steps),
        "current_step": task.current_step,
        "pause_reason": task.pause_reason,
        "pause_requested": task.pause_requested,
        "awaiting_approval": task.awaiting_approval,
        "origin": unstructure(task.origin),
        "host": task.host,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
    }


class Tasks:
    """Every change to a task: validated, written under the task's lock, journaled, announced.

    ``app`` is the running ``App`` (its store, event bus and loop detectors).
    """

    def __init__(self, app: Any):
        self.app = app
        #: the last version of each task this process announced, so the runner's
        #: watcher only announces changes made by other processes
        self.announced: dict[str, float] = {}
        self.announced_seq: dict[str, int] = {}

    @property
    def store(self):
        return self.app.store

    # --- reading ----------------------------------------------------------------

    def get(self, task_id: str) -> Task:
        return self.store.get(self.store.resolve_id(task_id))

    def list(self, status: str | Iterable[str] | None = None) -> list[Task]:
        return self.store.list(status)

    # --- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def driving(self, task_id: str, lease: Lease) -> Iterator[None]:
        """Within this block (and the tasks and threads started in it), every write for ``task_id``
        through these methods carries ``lease``: refused with ``LeaseLost`` once it is not the task's."""
        token = _DRIVING.set((task_id, lease))
        try:
            yield
        finally:
            _DRIVING.reset(token)

    def _lease(self, task_id: str) -> Lease | None:
        held = _DRIVING.get()
        return held[1] if held is not None and held[0] == task_id else None

    def journal(self, task_id: str, kind: str, data: dict[str, Any] | None = None, *,
                step: int | None = None, round: int | None = None, sync: bool = True) -> JournalEntry:
        """Append an entry to the task's journal and announce it (``sync``: see ``TaskStore.append``)."""
        entry = self.store.append(task_id, JournalEntry(kind=kind, data=data or {}, step=step, round=round),
                                  sync=sync, lease=self._lease(task_id))
        self.announced_seq[task_id] = max(entry.seq, self.announced_seq.get(task_id, 0))
        self.app.bus.publish("journal", task_id, entry=entry_to_dict(entry))
        return entry

    def update(self, task_id: str, change: Callable[[Task], object], *, quiet: bool = False,
               lease: Lease | None = None) -> Task:
        """Apply ``change`` under the task's lock, write it and announce it.

        ``quiet`` records the new version without an event (a lease renewal is not
        news for the board). ``lease`` (else the one ``driving`` holds) fences the write.
        """
        before: dict[str, Any] = {}

        def apply(task: Task) -> None:
            before["status"] = task.status
            change(task)

        task = self.store.update(task_id, apply, lease=lease or self._lease(task_id))
        if quiet:
            self.announced[task.id] = task.updated_at
        else:
            self.announce(task, before.get("status"))
        return task

    def update_if(self, task_id: str, change: Callable[[Task], bool], *, quiet: bool = False,
                  lease: Lease | None = None) -> Task | None:
        """Like ``update``, but ``change`` returns False to leave the task unwritten (then None).

        A task deleted meanwhile also gives None; a lease no longer the task's raises ``LeaseLost``.
        """
        def apply(task: Task) -> None:
            if change(task) is False:
                raise _Unchanged()

        try:
            return self.update(task_id, apply, quiet=quiet, lease=lease)
        except (_Unchanged, TaskNotFound):
            return None

    # --- the runner's operations -------------------------------------------------

    def claim(self, claim: Claim) -> list[Task]:
        """Take the leases of up to ``claim.limit`` tasks (``storage.Claim``), skipping tasks another
        process has locked; each is a new lease (the next epoch). To run: queued becomes running,
        and the task is pinned to the claiming host, whose workspace holds its files. To deliver:
        the lease alone."""
        before: dict[str, str] = {}

        def take(task: Task) -> bool:
            if not claim.takes(task):
                return False
            before[task.id] = task.status
            task.take_lease(claim.owner, time.time() + claim.seconds)
            if claim.kind == RUN:
                task.host = claim.host
                if task.status == QUEUED:
                    task.set_status(RUNNING)
            return True

        taken = self.store.claim(claim, take)
        for task in taken:
            if claim.kind != RUN:
                self.announced[task.id] = task.updated_at
                continue
            self.announce(task, before[task.id])
            again = before[task.id] == RUNNING
            with self.driving(task.id, task.lease):
                self.journal(task.id, "status", {"status": RUNNING, "owner": claim.owner, "host": claim.host,
                                                 "epoch": task.lease.epoch,
                                                 "message": "picked up again after a stop" if again else "started"})
        return taken

    def renew(self, task_id: str, lease: Lease, seconds: float) -> bool:
        """Extend ``lease`` on a running task to ``seconds`` from now (its epoch stays); False when the
        task is no longer running, ``LeaseLost`` when the lease is no longer the task's."""
        def extend(task: Task) -> bool:
            if task.status != RUNNING:
                return False
            task.lease = Lease(lease.owner, time.time() + seconds, lease.epoch)
            return True

        return self.update_if(task_id, extend, quiet=True, lease=lease) is not None

    def hold_for_delivery(self, task_id: str, owner: str, seconds: float) -> bool:
        """Take the lease of a task owing deliveries, unless another live owner holds it."""
        def take(task: Task) -> bool:
            if not task.pending_deliveries or (task.lease and task.lease.owner != owner
                                               and task.lease.expires >= time.time()):
                return False
            task.take_lease(owner, time.time() + seconds)
            return True

        return self.update_if(task_id, take, quiet=True) is not None

    def release(self, task_id: str, owner: str) -> None:
        """Give up ``owner``'s lease (the task stays in its status for the next runner)."""
        def drop(task: Task) -> bool:
            if not task.lease or task.lease.owner != owner:
                return False
            task.lease = None
            return True

        self.update_if(task_id, drop, quiet=True)

    def stop_running(self, task_id: str, status: str, reason: str, *,
                     change: Callable[[Task], object] | None = None) -> Task | None:
        """Move a running task to ``status`` (paused, needs_assistance, failed) and owe the user a message.

        ``change`` may adjust the task in the same write. None when the task was not
        running any more (cancelled or deleted meanwhile).
        """
        def stop(task: Task) -> bool:
            if task.status != RUNNING:
                return False
            if change is not None:
                change(task)
            task.set_status(status, reason)
            task.pause_requested = False
            task.lease = None
            if status in (NEEDS_ASSISTANCE, FAILED):
                task.pending_deliveries.append(Delivery(status, task.rounds, secrets.token_hex(2)))
            return True

        task = self.update_if(task_id, stop)
        if task is not None:
            kind = "pause" if status in (PAUSED, NEEDS_ASSISTANCE) else "status"
            data: dict[str, Any] = {"status": status, "reason": reason}
            if task.awaiting_approval:
                data["approval_for"] = task.awaiting_approval
            self.journal(task_id, kind, data)
        return task

    def complete(self, task_id: str, summary: str) -> Task | None:
        """A running task is complete with ``summary``; its delivery is owed. None when it was not running."""
        def done(task: Task) -> bool:
            if task.status != RUNNING:
                return False
            task.summary = summary
            task.set_status("complete")
            task.pending_deliveries.append(Delivery("complete", task.rounds))
            return True

        task = self.update_if(task_id, done)
        if task is not None:
            self.journal(task_id, "status", {"status": "complete", "message": "complete"})
        return task

    def delivered(self, task_id: str, delivery: Delivery) -> None:
        """Every target got ``delivery``: it is no longer owed."""
        def drop(task: Task) -> bool:
            if delivery not in task.pending_deliveries:
                return False
            task.pending_deliveries.remove(delivery)
            return True

        self.update_if(task_id, drop, quiet=True)

    def announce(self, task: Task, previous_status: str | None = None) -> None:
        self.announced[task.id] = task.updated_at
        self.app.bus.publish("task", task.id, task=task_summary(task), previous_status=previous_status)

    def create(self, goal: str, steps: Iterable[str | Step] = (), *, title: str | None = None,
               origin: Origin | None = None, checks: Iterable[str | None] | None = None) -> Task:
        goal = (goal or "").strip()
        if not goal:
            raise InvalidRequest("a task needs a goal: say what should be done")
        plan = [s if isinstance(s, Step) else Step(description=str(s).strip()) for s in steps]
        if any(not s.description for s in plan):
            raise InvalidRequest("a step cannot be empty")
        if len(plan) > MAX_STEPS:
            raise InvalidRequest(f"a plan has at most {MAX_STEPS} steps, got {len(plan)}")
        if checks is not None:
            for step, check in zip(plan, checks):
                step.check = check or None
        task = Task(id=new_task_id(), title=(title or make_title(goal)).strip(), goal=goal,
                    steps=plan, planned_by="user" if plan else None, origin=origin or Origin())
        self.store.create(task)
        self.journal(task.id, "status", {"status": QUEUED, "message": "task created",
                                         "origin": unstructure(task.origin)})
        if plan:
            self.journal(task.id, "plan_change", {"by": "user", "steps": [s.description for s in plan]})
        self.announce(task)
        return task

    def pause(self, task_id: str, reason: str = "paused by the user") -> Task:
        """Queued tasks pause at once; running ones at the next round boundary."""
        task_id = self.store.resolve_id(task_id)

        def change(task: Task) -> None:
            if task.status == QUEUED:
                task.set_status(PAUSED, reason)
            elif task.status == RUNNING:
                task.pause_requested = True
            else:
                raise IllegalTransition(task.id, task.status, PAUSED)

        task = self.update(task_id, change)
        self.journal(task_id, "pause", {"reason": reason, "requested": task.status == RUNNING})
        return task

    def resume(self, task_id: str, note: str | None = None, *, approve: bool | None = None) -> Task:
        """Resume a paused or needs_assistance task, optionally with a note for the executor.

        When the task waits for approval of a command, ``approve`` True lets it run and
        False refuses it; a note alone counts as neither.
        """
        task_id = self.store.resolve_id(task_id)
        note = (note or "").strip() or None
        decision: dict[str, Any] = {}

        def change(task: Task) -> None:
            if task.status == RUNNING and task.pause_requested:
                task.pause_requested = False
                return
            if task.status not in (PAUSED, NEEDS_ASSISTANCE):
                raise IllegalTransition(task.id, task.status, "resumed")
            if task.awaiting_approval and approve is not None:
                decision.update(command=task.awaiting_approval, approved=approve)
                if approve:
                    task.approvals.append(task.awaiting_approval)
                    # the approved call runs first thing, its result handed to the model
                    task.approved_call = task.approval_call
                else:
                    task.pending_notes.append(
                        f"The user refused to run: {task.awaiting_approval}. Do not run it; find another way.")
                task.awaiting_approval = None
                task.approval_call = None
            if note:
                task.resume_context.append(note)
                task.pending_notes.append(note)
            task.set_status(QUEUED)
            task.pause_requested = False
            # the user stepped in: loop detectors start afresh (their optional on_resume)
            for detector in self.app.loop_detectors.values():
                on_resume = getattr(detector, "on_resume", None)
                state = task.loop_state.get(detector.name)
                if on_resume is not None and isinstance(state, dict):
                    on_resume(state)
            # a fresh start for the counters that led to the pause
            task.counters = Counters()

        task = self.update(task_id, change)
        if decision:
            self.journal(task_id, "note", {"approval": decision})
        self.journal(task_id, "resume", {"note": note})
        return task

    def candidates(self, task: Task) -> dict[str, Any] | None:
        """What the current step's attempts made when they did not agree (its ``candidates`` journal entry:
        ``{step, candidates}``), while the task waits for the user to pick one; else None."""
        if task.status not in (PAUSED, NEEDS_ASSISTANCE):
            return None
        return next((e.data for e in reversed(self.store.journal(task.id, after=task.last_round_seq))
                     if e.kind == "candidates" and e.data.get("step") == task.current_step), None)

    def pick(self, task_id: str, attempt: int) -> Task:
        """Take what one attempt made at the current step, after attempts did not agree (the task
        paused showing them): the change is applied, and the task goes on from the next step."""
        from .stepchanges import StepChanges
        from .workspace import Workspace

        task_id = self.store.resolve_id(task_id)
        task = self.store.get(task_id)
        offered = self.candidates(task)
        if offered is None:
            raise IllegalTransition(task.id, task.status, "given an attempt's result", reason=(
                f"task {task.id} is {task.status} and not waiting for a choice: an attempt's result is picked "
                "while a step's attempts did not agree and the task waits for you"))
        chosen = next((c for c in offered.get("candidates", []) if c.get("attempt") == attempt), None)
        if chosen is None:
            numbers = ", ".join(str(c.get("attempt")) for c in offered.get("candidates", [])) or "none"
            raise InvalidRequest(f"step {task.current_step + 1} has no attempt {attempt} to pick (attempts: {numbers})")
        if chosen.get("kept") is False:
            raise InvalidRequest(f"attempt {attempt} changed a file too large or not text, which was not kept; "
                                 "make the change yourself, then resume the task")
        files = Workspace(self.app.workspace_for(task_id))
        with StepChanges(self.app, task_id) as steps:  # journaled as the step's change: it can be undone
            steps.follow(task)
            for path, text in sorted(chosen["change"].items()):
                if text is None:
                    try:
                        files.remove(path)
                    except FileNotFoundError:
                        pass
                else:
                    files.write_text(path, text)

        def change(t: Task) -> None:
            step = t.steps[t.current_step]
            step.state = "done"
            step.notes.append(f"{PICKED} {attempt}: {chosen.get('summary', '')}"[:500])
            t.last_result = chosen.get("summary")
            t.current_step += 1
            if t.current_step < len(t.steps):
                t.steps[t.current_step].state = "running"
            t.feedback = None
            t.counters = Counters()
            t.set_status(QUEUED)

        task = self.update(task_id, change)
        self.journal(task_id, "resume", {"note": f"picked attempt {attempt}", "picked": attempt})
        return task

    def cancel(self, task_id: str) -> Task:
        task_id = self.store.resolve_id(task_id)
        task = self.update(task_id, lambda t: t.set_status(CANCELLED, "cancelled by the user"))
        self.journal(task_id, "status", {"status": CANCELLED, "message": "cancelled by the user"})
        return task

    def delete(self, task_id: str) -> None:
        task_id = self.store.resolve_id(task_id)
        task = self.store.get(task_id)
        if task.status == RUNNING:
            raise IllegalTransition(task_id, task.status, "deleted (cancel it first)")
        self.store.delete(task_id)
        self.app.bus.publish("task_deleted", task_id)

    def edit_plan(self, task_id: str, steps: list[str], *, checks: list[str | None] | None = None,
                  by: str = "user") -> Task:
        """Replace the steps that are not done yet. Allowed while queued or paused."""
        task_id = self.store.resolve_id(task_id)
        steps = [s.strip() for s in steps]
        if not steps or any(not s for s in steps):
            raise InvalidRequest("a plan needs at least one step, and no step may be empty")
        if len(steps) > MAX_STEPS:
            raise InvalidRequest(f"a plan has at most {MAX_STEPS} steps, got {len(steps)}")
        old: list[str] = []

        def change(task: Task) -> None:
            if task.status not in (QUEUED, PAUSED, NEEDS_ASSISTANCE):
                raise IllegalTransition(task.id, task.status, "re-planned (pause it first)")
            old.extend(s.description for s in task.steps)
            done = [s for s in task.steps[: task.current_step] if s.state in ("done", "skipped")]
            new = [Step(description=d, check=(checks[i] if checks and i < len(checks) else None))
                   for i, d in enumerate(steps)]
            task.steps = done + new
            task.current_step = len(done)
            task.planned_by = by

        task = self.update(task_id, change)
        self.journal(task_id, "plan_change", {"by": by, "old": old, "steps": [s.description for s in task.steps]})
        return task
