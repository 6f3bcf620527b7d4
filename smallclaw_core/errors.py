"""The error classes SmallClaw uses to decide what to do when something goes wrong.

Errors are classified because the runner treats each class differently:
a ``TransportError`` is retried with back-off (a ``ModelProcessDied`` once, at once),
a ``ModelError`` pauses the task with a clear message, a ``ToolError`` goes back to
the model as an error result.
"""

from __future__ import annotations


class SmallClawError(Exception):
    """Base class: an error whose message is fit to show a user as it is."""


class ConfigError(SmallClawError):
    """The configuration file is missing, unreadable or wrong."""


class PluginError(SmallClawError):
    """A plugin misbehaved: a duplicate name, a bad registration."""


class TaskNotFound(SmallClawError):
    """No task with that id exists."""

    def __init__(self, task_id: str, close_matches: list[str] | None = None):
        self.task_id = task_id
        self.close_matches = close_matches or []
        hint = ""
        if self.close_matches:
            hint = "; did you mean " + ", ".join(self.close_matches) + "?"
        # repr: a control character in what was typed is shown escaped, never sent to the terminal
        shown = repr(task_id) if len(task_id) <= 64 else f"{task_id[:40]!r}... ({len(task_id)} characters)"
        super().__init__(f"no task with id {shown}{hint}")


class IllegalTransition(SmallClawError):
    """A status change that the task's state machine does not allow."""

    def __init__(self, task_id: str, current: str, wanted: str, *, reason: str | None = None):
        self.task_id = task_id
        self.current = current
        self.wanted = wanted
        super().__init__(reason or f"task {task_id} is {current}; it cannot become {wanted}")


class LeaseLost(SmallClawError):
    """A runner wrote for a task under a lease that is no longer the task's: another runner took it
    over, or the lease was let go (the task stopped). The store refused the write; the runner stops.

    ``current`` is the lease held now (None: none), ``epoch`` the newest lease the task was given.
    """

    def __init__(self, task_id: str, lease: object, current: object, epoch: int):
        self.task_id = task_id
        self.lease = lease
        self.current = current
        self.epoch = epoch
        if current is not None:
            now = f"{getattr(current, 'owner', '?')} holds lease {getattr(current, 'epoch', '?')}"
        else:
            now = f"lease {epoch} was given since, and let go" if self.taken_over else "it was let go"
        super().__init__(f"task {task_id}: lease {getattr(lease, 'epoch', '?')} of {getattr(lease, 'owner', '?')} "
                         f"is no longer the task's ({now})")

    @property
    def taken_over(self) -> bool:
        """Whether a newer lease was given: another runner took the task over (not a mere stop)."""
        return self.epoch > getattr(self.lease, "epoch", 0)


class DocumentError(SmallClawError):
    """A stored document is corrupt or was written by a newer SmallClaw."""


class TransportError(SmallClawError):
    """The model server could not be reached or did not answer in time: retry."""


class ModelProcessDied(TransportError):
    """The process running the model died (a crash, a signal, the out-of-memory killer).

    The message says the cause in words and the fix. The call is tried once more, on
    a fresh process; if that one dies too, the task pauses with the message.
    """


class ModelError(SmallClawError):
    """The model server answered with an error that retrying will not fix."""


class DownloadError(SmallClawError):
    """A model download failed; the message says whether running it again resumes it."""


class ToolError(SmallClawError):
    """A tool failed in a way the model can see and recover from."""


class NeedsApproval(SmallClawError):
    """A tool wants the user's approval before it runs (the command policy's ``ask``).

    The runner pauses the task ``needs_assistance``; resuming with ``approve`` or
    ``refuse`` decides. ``key`` identifies what is being approved (for example the
    exact command line), so that the same request is approved once.
    """

    def __init__(self, key: str, message: str):
        self.key = key
        #: the tool call waiting for the approval (set by the chat loop)
        self.call = None
        super().__init__(message)
