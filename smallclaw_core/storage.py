"""What a store of tasks and sessions must do (the contract), and how ``[store] url`` chooses one.

The file store (``store.py``, ``sessions.py``) is one implementation, registered by the
core under ``file``; a plugin adds others through ``register_stores`` (the PostgreSQL
store registers ``postgresql``). Everything the runner, the gateway, the CLI and the
watcher do to stored tasks goes through the methods of ``TaskStoreContract`` and
``SessionStoreContract``: a second store that passes the contract tests
(``tests/test_store_contract.py``) runs SmallClaw unchanged.

Work is handed out with a ``Claim``: the store takes the lease of each task it can lock
at once, skipping those another process holds locked (``SKIP LOCKED`` in SQL, a
non-blocking ``flock`` in the file store), so two runners never drive one task.

Leases fence a runner's writes. Every acquire or takeover gives the task's lease the next
epoch (``Task.take_lease``); what a runner writes for a task it drives (journal entries,
task updates, the lease's renewal) carries the lease it holds, and the store refuses it
with ``LeaseLost`` unless that lease is still the task's own: same owner, same epoch. The
check is made where the write is made, atomically with it (under the task's lock in the
file store, in the ``WHERE`` of the SQL that writes in PostgreSQL), so a runner that
stalled past its lease cannot write over the work of the runner that took the task over.
The user's writes (pause, resume, cancel, notes) carry no lease and are never refused.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any, AsyncContextManager, Callable, Iterable, Protocol

import attrs

from .errors import ConfigError, LeaseLost
from .models import Message
from .tasks import QUEUED, RUNNING, JournalEntry, Lease, Task

#: the environment variable that overrides ``[store] url``
URL_VARIABLE = "SMALLCLAW_STORE_URL"

#: what a claim is for: running tasks, or making the deliveries they owe
RUN = "run"
DELIVER = "deliver"


@attrs.define
class StoreProblem:
    """A task directory the store could not read, and what it did about it."""

    task_id: str
    message: str
    moved_to: str | None = None


def owner_is_dead(owner: str, host: str) -> bool:
    """True when a lease's owner was a process on ``host`` (this machine) that no longer exists.

    Owners are written ``host:pid:token``. A reused pid only makes the new runner wait
    for the lease to expire: the safe side.
    """
    owner_host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if owner_host != host or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def lease_host(owner: str | None) -> str | None:
    """The host part of a lease owner (``host:pid:token``)."""
    return owner.partition(":")[0] if owner else None


def check_lease(task: Task, lease: Lease | None, *, entry: bool = False) -> None:
    """The fence: raise ``LeaseLost`` unless ``lease`` (None: a user's write) is ``task``'s current lease.

    A journal ``entry`` is also taken under a lease that was let go when none was given since:
    the write that stopped the task (paused, complete, failed, cancelled) let it go, and the
    entries saying so follow it.
    """
    if lease is None:
        return
    held = task.lease
    if held is not None and held.owner == lease.owner and held.epoch == lease.epoch:
        return
    if entry and held is None and task.lease_epoch == lease.epoch:
        return
    raise LeaseLost(task.id, lease, held, max(task.lease_epoch, held.epoch if held else 0))


@attrs.frozen
class Claim:
    """What a runner asks for when it looks for work.

    ``kind`` RUN: queued or running tasks whose lease is free (none, expired, this
    owner's, or a dead process's on this host) and which may run on ``host`` (never
    started, started here, or ``shared`` workspaces). DELIVER: tasks owing a delivery
    whose lease is free, on any host. ``skip`` names tasks this process has in hand.
    """

    owner: str
    host: str
    seconds: float
    kind: str = RUN
    shared: bool = False
    skip: frozenset[str] = frozenset()
    limit: int = 1
    now: float = attrs.field(factory=time.time)

    def candidate(self, task: Task) -> bool:
        """What a store may check without asking the operating system (a query can say it)."""
        if task.id in self.skip:
            return False
        if self.kind == DELIVER:
            if not task.pending_deliveries:
                return False
        elif task.status not in (QUEUED, RUNNING) or not self.may_run_here(task):
            return False
        lease = task.lease
        return lease is None or lease.expires < self.now or lease.owner == self.owner \
            or lease_host(lease.owner) == self.host

    def may_run_here(self, task: Task) -> bool:
        """A task's files are in the workspace of the host that started it, unless workspaces are shared."""
        return task.host is None or task.host == self.host or self.shared

    def takes(self, task: Task) -> bool:
        """The whole rule: a candidate whose lease is not held by a live process on this host."""
        if not self.candidate(task):
            return False
        lease = task.lease
        return lease is None or lease.expires < self.now or lease.owner == self.owner \
            or owner_is_dead(lease.owner, self.host)


@attrs.frozen
class Change:
    """A change a store's feed reports: a task written (``updated_at``), appended to (``seq``) or deleted."""

    task_id: str
    updated_at: float | None = None
    seq: int | None = None
    deleted: bool = False


class ChangeFeed(Protocol):
    """What ``TaskStoreContract.watch`` returns; entered (``async with``) before the first ``wait``."""

    async def __aenter__(self) -> "ChangeFeed": ...

    async def __aexit__(self, *exc: Any) -> None: ...

    async def wait(self) -> list[Change] | None:
        """Wait for changes (at most the feed's interval): what changed, or None when the
        feed cannot say (look at every task; a feed that was cut off says so too)."""


class TaskStoreContract(Protocol):
    """What the runner, the gateway, the CLI and the watcher call on ``app.store``."""

    #: tasks the last ``list`` or ``recover`` could not read, and what was done about them
    problems: list[StoreProblem]

    def create(self, task: Task) -> Task: ...
    def get(self, task_id: str) -> Task:
        """The task as stored now, a copy the caller may change; ``TaskNotFound`` names close ids."""
    def resolve_id(self, task_id: str) -> str:
        """A unique prefix of an id, as git takes one."""
    def ids(self) -> list[str]: ...
    def list(self, status: str | Iterable[str] | None = None) -> list[Task]:
        """Readable tasks, oldest first (shared with the store's cache: do not change them)."""
    def update(self, task_id: str, change: Callable[[Task], object], *, lease: Lease | None = None) -> Task:
        """Apply ``change`` under the task's lock and write it; an exception from it writes nothing.
        With ``lease`` (a runner's write), ``LeaseLost`` unless it is the task's lease (``check_lease``)."""
    def claim(self, claim: Claim, take: Callable[[Task], bool]) -> list[Task]:
        """Up to ``claim.limit`` candidates, oldest first, each locked at once or skipped;
        ``take(task)`` changes a candidate (``Task.take_lease``) and returns True to write it, False to leave it."""
    def delete(self, task_id: str) -> None: ...
    def append(self, task_id: str, entry: JournalEntry, *, sync: bool = True,
               lease: Lease | None = None) -> JournalEntry:
        """Number the entry after the task's last one and store it (durable unless ``sync`` is False);
        with ``lease``, ``LeaseLost`` unless it is the task's lease, and nothing is stored."""
    def journal(self, task_id: str, *, after: int = 0, limit: int | None = None) -> list[JournalEntry]: ...
    def journal_tail(self, task_id: str, count: int) -> list[JournalEntry]: ...
    def recover(self) -> list[Any]:
        """Clean what a crash left; report unreadable tasks (run when a runner starts)."""
    def changes_stamp(self) -> int:
        """A number that moves whenever any process writes a task; cheap to ask."""
    def watch(self, interval: float) -> AsyncContextManager[ChangeFeed]:
        """A feed of changes made by any process, waiting at most ``interval`` seconds a call."""
    def migrate(self) -> list[str]:
        """Bring the store's schema up to date; what was done, in words."""
    def describe(self) -> str:
        """Where the tasks are, for people (no password)."""


class SessionStoreContract(Protocol):
    """What chats, the runner's conversations and the gateway call on ``app.sessions``."""

    def append(self, key: str, message: Message, *, sync: bool = True, **meta: Any) -> None: ...
    def append_record(self, key: str, record: dict[str, Any], *, sync: bool = True) -> None: ...
    def sync(self, key: str) -> None: ...
    def records(self, key: str) -> list[dict[str, Any]]: ...
    def read_from(self, key: str, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Records after ``offset`` (an opaque position from an earlier call, 0 at first) and the next one."""
    def history(self, key: str) -> list[Message]: ...
    def exists(self, key: str) -> bool: ...
    def keys(self) -> list[str]: ...
    def summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        """``{"key", "updated_at", "bytes"}`` per session, most recent first."""
    def has_delivery(self, key: str, delivery_key: str) -> bool: ...


def store_url(app: Any) -> str:
    """``$SMALLCLAW_STORE_URL``, else ``[store] url``; empty means the file store."""
    return (os.environ.get(URL_VARIABLE) or app.config.store.url or "").strip()


def open_store(app: Any, stores: Any) -> tuple[TaskStoreContract, SessionStoreContract]:
    """The task and session stores the URL names, from the ``stores`` registry (scheme -> opener)."""
    url = store_url(app)
    scheme = url.partition("://")[0].lower() if "://" in url else ("file" if not url else url.partition(":")[0])
    opener = stores.get(scheme)
    if opener is None:
        known = ", ".join(sorted(stores.names()))
        hint = " (pip install smallclaw-postgres)" if scheme in ("postgresql", "postgres") else ""
        raise ConfigError(f"no task store handles {scheme}:// URLs{hint}; stores installed: {known}")
    return opener(app, url)


def this_host(app: Any) -> str:
    """The name this machine's runners go by: ``[workspace] host``, else the host name."""
    return app.config.workspace.host or socket.gethostname()


class PollingFeed:
    """The feed of a store that cannot say what changed: every interval, look at everything
    (the watcher first compares the store's change stamp, so a quiet store costs one stat)."""

    def __init__(self, store: Any, interval: float):
        self.store = store
        self.interval = interval

    async def __aenter__(self) -> "PollingFeed":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None

    async def wait(self) -> list[Change] | None:
        import anyio

        await anyio.sleep(self.interval)
        return None
