"""The ``telegram`` notifier: tells the user in Telegram that a task completed, failed or needs them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any, AsyncIterator

from smallclaw_core import Notification, TransportError

from .bot_api import BotAPI, TelegramError, api_for
from .config import TelegramConfig
from .messages import compose, field, notification_text
from .state import TelegramState


log = logging.getLogger("smallclaw.telegram")


def report(text: str) -> None:
    """Tell the operator something about the bot, in the log, with tokens masked."""
    from .bot_api import mask_tokens

    log.warning("%s", mask_tokens(text))


class TelegramNotifier:
    """Sends each notification to ``notify_chats`` and to the chat a task came from.

    A notification longer than one message goes out as several, in order. Each part
    that reached a chat is recorded under the notification's key before the next is
    sent, so calling ``notify`` again for the same key (the runner's retry after a
    failure or a crash) skips what already arrived.
    """

    name = "telegram"

    def __init__(self, app: Any, config: TelegramConfig, *, api: BotAPI | None = None,
                 state: TelegramState | None = None):
        self.app = app
        self.config = config
        self._api = api
        durable = getattr(getattr(app.config, "store", None), "durable", True)
        self.state = state or TelegramState(app.home, durable=durable)
        self._locks: "weakref.WeakKeyDictionary[Any, dict[str, list[Any]]]" = weakref.WeakKeyDictionary()

    @property
    def api(self) -> BotAPI:
        if self._api is None:
            self._api = api_for(self.app, self.config)
        return self._api

    def chats_for(self, notification: Notification) -> list[str]:
        """Where a notification goes: the configured chats, then the task's own chat, each once."""
        chats = [str(c) for c in self.config.notify_chats]
        origin = notification.origin
        if field(origin, "channel") == "telegram" and field(origin, "chat_id"):
            chats.append(str(field(origin, "chat_id")))
        return list(dict.fromkeys(chats))

    def details(self, notification: Notification) -> str:
        """What to say about the task: its summary, pause reason or error, read from the task.

        The notification's own text is written for every channel (it tells how to resume
        from the command line); Telegram says how to reply in Telegram instead. When the
        task cannot be read, the notification's text is used as it is.
        """
        try:
            task = self.app.tasks.get(notification.task_id)
        except Exception:
            return notification.text
        found = {"complete": task.summary, "needs_assistance": task.pause_reason,
                 "failed": task.error or task.pause_reason}.get(notification.kind)
        if not found:
            return notification.text
        if notification.kind == "needs_assistance" and task.awaiting_approval:
            found += (f"\n\nIt wants to run: {task.awaiting_approval}\n"
                      f"Approve or refuse it on the board or with smallclaw task resume {task.id} --approve/--refuse.")
        return found

    async def notify(self, notification: Notification) -> None:
        """Deliver to every chat; raise ``TransportError`` if any chat should be tried again.

        One call takes at most ``delivery_budget`` seconds, so a slow or unreachable
        Telegram never holds up the runner for long: what did not go out is retried.
        """
        import anyio

        chats = self.chats_for(notification)
        if not chats:
            return
        heading, body = notification_text(notification.kind, notification.task_id,
                                          notification.title, self.details(notification))
        parts = compose(heading, body, max_parts=self.config.max_parts).parts
        retry: list[str] = []
        refused: list[str] = []
        for chat in chats:
            try:
                with anyio.fail_after(self.config.delivery_budget):
                    async with self._one_at_a_time(f"{notification.key}\n{chat}"):
                        await self._deliver(notification, chat, parts)
            except TimeoutError:
                retry.append(f"chat {chat}: Telegram took longer than {self.config.delivery_budget:g} s")
            except TransportError as exc:
                retry.append(f"chat {chat}: {exc}")
            except TelegramError as exc:
                # a chat that refuses (blocked the bot, does not exist) will not change its
                # mind on a retry: tell the operator and go on with the others
                refused.append(f"chat {chat}: {exc}")
        for problem in refused:
            report(f"notification {notification.key or notification.task_id} not delivered to {problem}")
        if retry:
            raise TransportError("Telegram delivery to try again: " + "; ".join(retry))

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, key: str) -> AsyncIterator[None]:
        """Serialise deliveries of one notification to one chat within this process.

        Two overlapping calls for the same key (a caller that retries while the first
        call is still sending) would otherwise both see a part as unsent and send it
        twice; the second now waits, then finds the parts recorded and skips them.
        """
        if not key.split("\n", 1)[0]:
            yield
            return
        loop = asyncio.get_running_loop()
        locks = self._locks.setdefault(loop, {})
        entry = locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if not entry[1]:
                locks.pop(key, None)

    async def _deliver(self, notification: Notification, chat: str, parts: list[str]) -> None:
        key = notification.key
        done = self.state.sent_parts(key, chat) if key else set()
        for index, part in enumerate(parts):
            if index in done:
                continue
            message = await self.api.send_message(_chat_id(chat), part)
            if notification.kind == "needs_assistance" and message.get("message_id") is not None:
                self.state.remember_needs_you(chat, message["message_id"], notification.task_id)
            if key:
                self.state.mark_sent(key, chat, index)


def _chat_id(chat: str) -> int | str:
    """Chat ids are integers on the wire; a ``@channel`` name stays a string."""
    try:
        return int(chat)
    except ValueError:
        return chat
