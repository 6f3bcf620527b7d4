"""The task document: ``Task``, ``Step``, ``JournalEntry``, statuses and legal transitions."""

from __future__ import annotations

import secrets
import time
from typing import Any

import attrs

from .errors import IllegalTransition
from .models import ToolCall

SCHEMA_VERSION = 3

QUEUED = "queued"
RUNNING = "running"
PAUSED = "paused"
NEEDS_ASSISTANCE = "needs_assistance"
COMPLETE = "complete"
FAILED = "failed"
CANCELLED = "cancelled"

STATUSES = (QUEUED, RUNNING, PAUSED, NEEDS_ASSISTANCE, COMPLETE, FAILED, CANCELLED)
FINISHED = frozenset({COMPLETE, FAILED, CANCELLED})

#: The one place that says which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    QUEUED: frozenset({RUNNING, PAUSED, CANCELLED, NEEDS_ASSISTANCE}),
    RUNNING: frozenset({QUEUED, PAUSED, NEEDS_ASSISTANCE, COMPLETE, FAILED, CANCELLED}),
    PAUSED: frozenset({QUEUED, CANCELLED}),
    NEEDS_ASSISTANCE: frozenset({QUEUED, CANCELLED}),
    COMPLETE: frozenset(),
    FAILED: frozenset(),
    CANCELLED: frozenset(),
}

#: Journal entry kinds.
JOURNAL_KINDS = (
    "tool_call", "tool_result", "step_done", "verification", "pause", "resume", "error",
    "plan_change", "summary", "model_call", "delivery", "status", "note", "round", "change", "undo",
    "candidates",
)

STEP_STATES = ("pending", "running", "done", "skipped")

#: What a delivery tells the user about: the task completed, needs them, or failed.
DELIVERY_KINDS = (COMPLETE, NEEDS_ASSISTANCE, FAILED)


def new_task_id() -> str:
    """A short, sortable, unguessable id: time in base 36 plus random letters."""
    stamp = int(time.time() * 1000)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while stamp:
        stamp, r = divmod(stamp, 36)
        out = digits[r] + out
    return out + secrets.token_hex(3)


def now() -> float:
    return round(time.time(), 3)


def stamp(task: "Task") -> None:
    """Set ``updated_at`` for a write: now, and always later than the task's last write (even when the
    clock is not), so of two views of a task the one with the larger ``updated_at`` is the newer."""
    task.updated_at = max(now(), round(task.updated_at + 0.001, 3))


#: how a step's note starts when the user picked one of its attempts' results (``Tasks.pick``)
PICKED = "the user picked attempt"


@attrs.define
class Step:
    description: str
    state: str = "pending"
    notes: list[str] = attrs.field(factory=list)
    #: an optional deterministic check, such as ``file_exists: report.md``
    check: str | None = None
    #: who wrote the check: the user (None, the default), or "planner" / "goal check"
    #: (proposed by SmallClaw: they must pass, but a pass alone does not prove the step done)
    check_by: str | None = None
    #: when the step's first round started (files changed since then are its work)
    started_at: float | None = None
    #: the journal's last seq when the step started (its evidence comes after)
    started_seq: int = 0
    #: the files the step (and the goal) name that were in the workspace when it started:
    #: its words are read against these, so what they mean does not change as the step works
    found: list[str] | None = None


@attrs.define
class Origin:
    """Where a task came from, so that its result goes back there."""

    channel: str = "cli"
    session: str | None = None
    chat_id: str | None = None


@attrs.define
class Lease:
    """Who drives (or delivers) a task until when (``expires``, on the owner's clock).

    ``epoch`` numbers the leases of one task: every acquire or takeover takes the next
    one, a renewal keeps it. A write carrying an older epoch is refused by the store
    (``LeaseLost``), so a runner that lost its task cannot write over the next one's work.
    """

    owner: str
    expires: float
    epoch: int = 0


@attrs.frozen
class Delivery:
    """A notification owed to the user: its kind, the round it is about, a tag that makes it unique.

    Written as ``kind:round`` or ``kind:round:tag`` wherever a text key is needed
    (journal entries, session records, a notifier's deduplication key).
    """

    kind: str
    round: int = 0
    tag: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.round}" + (f":{self.tag}" if self.tag else "")

    @classmethod
    def parse(cls, text: str) -> "Delivery":
        kind, _, rest = text.partition(":")
        number, _, tag = rest.partition(":")
        return cls(kind, int(number) if number.isdigit() else 0, tag)


@attrs.define
class Counters:
    """The runner's counters for a task, in one place; resuming the task resets them all."""

    #: checks that said NO in a row on the current step
    failed_checks: int = 0
    #: rounds in a row whose calls and results were all seen before
    no_progress_rounds: int = 0
    #: model calls in a row that could not reach the model server
    transport_failures: int = 0
    #: planner answers that were not a usable plan
    plan_attempts: int = 0
    #: times the whole goal was checked and found unfinished
    goal_checks: int = 0
    #: native-protocol rounds in a row without a call where the step needed one
    silent_rounds: int = 0
    #: fingerprints of the calls and results seen on the current step, oldest first
    seen: list[str] = attrs.field(factory=list)


@attrs.define
class Task:
    id: str
    title: str
    goal: str
    steps: list[Step] = attrs.field(factory=list)
    #: who wrote the plan: "user", "planner" (a model), or None while there is none
    planned_by: str | None = None
    current_step: int = 0
    status: str = QUEUED
    origin: Origin = attrs.field(factory=Origin)
    created_at: float = attrs.field(factory=now)
    updated_at: float = attrs.field(factory=now)
    started_at: float | None = None
    finished_at: float | None = None
    pause_reason: str | None = None
    #: asked by the user (not a detector), applied at the next round boundary
    pause_requested: bool = False
    summary: str | None = None
    error: str | None = None
    #: notes the user gave when resuming, in order
    resume_context: list[str] = attrs.field(factory=list)
    #: notes not yet shown to the executor
    pending_notes: list[str] = attrs.field(factory=list)
    rounds: int = 0
    counters: Counters = attrs.field(factory=Counters)
    #: per-detector state, so a restart does not reset loop detection
    loop_state: dict[str, Any] = attrs.field(factory=dict)
    #: approvals granted by the user (exact commands), and the one being asked
    approvals: list[str] = attrs.field(factory=list)
    awaiting_approval: str | None = None
    #: the call waiting for that approval; once approved, the runner runs it first thing
    approval_call: ToolCall | None = None
    approved_call: ToolCall | None = None
    lease: Lease | None = None
    #: the epoch of the last lease given (kept when the lease is let go, so the next one is newer)
    lease_epoch: int = 0
    #: the runner host that last ran the task: its workspace holds the task's files
    host: str | None = None
    #: the journal seq of the last round that finished, for crash recovery
    last_round_seq: int = 0
    #: the verifier's reason when the last check said NO, shown in the next round
    feedback: str | None = None
    #: the executor's report of the previous step, shown when the next step starts
    last_result: str | None = None
    #: the last round went in circles: the next one starts from a summary, not the transcript
    restart_step: bool = False
    #: "json" once the runner switched this task to the JSON tool protocol (the model
    #: answered native-protocol rounds without calls); None: as configured
    tool_protocol: str | None = None
    #: notifications not yet delivered, so a crash cannot lose one
    pending_deliveries: list[Delivery] = attrs.field(factory=list)
    schema_version: int = SCHEMA_VERSION

    @property
    def session_key(self) -> str:
        return f"task_{self.id}"

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.state in ("done", "skipped"))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def take_lease(self, owner: str, expires: float) -> Lease:
        """Give ``owner`` a new lease, newer than every lease given before (an acquire or a takeover)."""
        self.lease_epoch = max(self.lease_epoch, self.lease.epoch if self.lease else 0) + 1
        self.lease = Lease(owner, expires, self.lease_epoch)
        return self.lease

    def set_status(self, status: str, reason: str | None = None) -> None:
        """Move to ``status``, or raise ``IllegalTransition``."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if status not in TRANSITIONS[self.status]:
            raise IllegalTransition(self.id, self.status, status)
        self.status = status
        if status in (PAUSED, NEEDS_ASSISTANCE):
            self.pause_reason = reason
        elif status == QUEUED:
            self.pause_reason = None
        if status == RUNNING and self.started_at is None:
            self.started_at = now()
        if status in FINISHED:
            self.finished_at = now()
            self.lease = None
        if status == FAILED:
            self.error = reason


@attrs.define
class JournalEntry:
    """One line of a task's append-only journal."""

    kind: str
    data: dict[str, Any] = attrs.field(factory=dict)
    seq: int = 0
    ts: float = attrs.field(factory=now)
    step: int | None = None
    round: int | None = None


def can_transition(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, frozenset())


def make_title(goal: str, limit: int = 60) -> str:
    first = goal.strip().splitlines()[0] if goal.strip() else "Untitled task"
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
