"""What notifiers are told, and the protocol a notifier implements."""

from __future__ import annotations

from typing import Any, Protocol

import attrs


@attrs.define
class Notification:
    """A message about a task for the user.

    ``kind`` is ``complete``, ``needs_assistance`` or ``failed``. ``origin`` says where
    the task came from (its channel, session key and chat id), so a channel plugin can
    answer in the chat the task came from.
    """

    kind: str
    task_id: str
    title: str
    text: str
    origin: Any = None
    #: a stable key for this delivery (task id + kind + sequence); a notifier that
    #: can deduplicate may use it
    key: str = ""


class Notifier(Protocol):
    name: str

    async def notify(self, notification: Notification) -> None: ...
