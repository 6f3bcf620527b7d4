"""Telegram as a chat channel: long polling, the allow-list, commands, and chats on the core chat loop.

Each chat is the session ``telegram_<chat_id>``. Messages of one chat are handled in
order by that chat's worker, so a slow model answer in one chat holds up neither the
poller nor other chats. The offset is saved as soon as an update is taken, before it
is handled: a crash may then lose the message being handled (the user sends it
again), but never starts the same task twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from smallclaw_core import Origin, SmallClawError, TransportError

from .bot_api import BotAPI, RetryLater, TelegramError, api_for
from .config import TelegramConfig
from .messages import compose
from .notifier import report
from .state import TelegramState

HELP = (
    "I run background tasks for you.\n"
    "/task <goal> — start a task; I tell you here when it is done or needs you\n"
    "/tasks — the tasks and their status\n"
    "/status <id> — one task in detail\n"
    "/pause <id> — pause a task\n"
    "/resume <id> [note] — resume a task, optionally with an instruction\n"
    "/cancel <id> — cancel a task\n"
    "Reply to a \"needs you\" message to resume that task with your reply as the note.\n"
    "Anything else is a chat with the model."
)

#: messages waiting per chat; past this the user is asked to wait
QUEUE_LIMIT = 20


class TelegramChannel:
    """The poller and the handler of what allowed users write."""

    def __init__(self, app: Any, config: TelegramConfig, *, api: BotAPI | None = None,
                 state: TelegramState | None = None):
        self.app = app
        self.config = config
        self.api = api or api_for(app, config)
        durable = getattr(getattr(app.config, "store", None), "durable", True)
        self.state = state or TelegramState(app.home, durable=durable)
        self.allowed = {int(u) for u in config.allowed_users}
        #: seconds before the first retry of an answer that could not be sent; doubles each time
        self.retry_base = 1.0
        self._queues: dict[str, asyncio.Queue] = {}
        self._workers: dict[str, asyncio.Task] = {}

    # --- polling --------------------------------------------------------------------

    async def run(self) -> None:
        """Poll until cancelled; Telegram being unreachable is retried with back-off."""
        if not self.allowed:
            say(self.app, "allowed_users is empty, so the bot answers no one "
                          "(add your Telegram user id to [telegram] allowed_users)")
        delay = 1.0
        try:
            while True:
                try:
                    await self.poll_once()
                    delay = 1.0
                except RetryLater as exc:
                    await asyncio.sleep(max(exc.retry_after, 1.0))
                except TransportError as exc:
                    report(f"{exc}; trying again in {delay:g} s")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 60.0)
                except TelegramError as exc:
                    # a wrong token (401) or another poller on the same bot (409)
                    report(f"{exc}; trying again in {max(delay, 30.0):g} s")
                    await asyncio.sleep(max(delay, 30.0))
                    delay = min(delay * 2, 300.0)
        finally:
            await self.stop()

    async def poll_once(self, timeout: int | None = None) -> int:
        """One ``getUpdates`` long poll; hand each update to its chat. Returns how many came."""
        offset = self.state.offset()
        updates = await self.api.get_updates(offset, self.config.poll_timeout if timeout is None else timeout)
        for update in updates:
            update_id = update.get("update_id")
            if not isinstance(update_id, int) or update_id < offset:
                continue  # already taken: never handle an update twice
            offset = update_id + 1
            self.state.save_offset(offset)
            self.dispatch(update)
        return len(updates)

    def dispatch(self, update: dict[str, Any]) -> bool:
        """Queue an update for its chat's worker; drop it unless an allowed user sent it."""
        message = update.get("message")
        if not isinstance(message, dict):
            return False
        sender = (message.get("from") or {}).get("id")
        if sender not in self.allowed:  # before anything else is done with it
            return False
        chat = (message.get("chat") or {}).get("id")
        if chat is None:
            return False
        key = str(chat)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue(QUEUE_LIMIT)
            self._workers[key] = asyncio.create_task(self._work(key, queue), name=f"telegram chat {key}")
        try:
            queue.put_nowait(message)
        except asyncio.QueueFull:
            asyncio.create_task(self._send(chat, "I am still busy with your earlier messages; "
                                                 "send this again in a moment."))
        return True

    async def _work(self, chat: str, queue: asyncio.Queue) -> None:
        while True:
            message = await queue.get()
            try:
                await self.handle(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one bad message must not stop the chat
                report(f"handling a message in chat {chat} failed: {type(exc).__name__}: {exc}")
            finally:
                queue.task_done()

    async def idle(self) -> None:
        """Wait until every queued message is handled (for tests and shutdown)."""
        for queue in list(self._queues.values()):
            await queue.join()

    async def stop(self) -> None:
        for worker in self._workers.values():
            worker.cancel()
        for worker in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
        self._workers.clear()
        self._queues.clear()

    # --- handling -------------------------------------------------------------------

    async def handle(self, message: dict[str, Any]) -> None:
        """Answer one message from an allowed user: a command, a reply to "needs you", or chat."""
        chat = message["chat"]["id"]
        text = (message.get("text") or "").strip()
        if not text:
            await self._send(chat, "I can only read text messages.")
            return
        if text.startswith("/"):
            await self._send(chat, self.command(chat, text))
            return
        replied = message.get("reply_to_message") or {}
        task_id = self.state.needs_you_task(chat, replied.get("message_id")) if replied else None
        if task_id:
            await self._send(chat, self._resume(task_id, text))
            return
        await self._send(chat, await self.chat(chat, text))

    async def chat(self, chat: int | str, text: str) -> str:
        """One turn of the chat session ``telegram_<chat_id>`` on the core chat loop."""
        try:
            from smallclaw_core import chat_turn
        except ImportError:
            return "Chat is not available in this SmallClaw; use /task <goal> to start a task."
        session = f"telegram_{chat}"
        with contextlib.suppress(SmallClawError):
            await self.api.send_chat_action(chat, "typing")
        try:
            reply = await chat_turn(self.app, session, text, origin=Origin("telegram", session, str(chat)))
        except SmallClawError as exc:
            return f"I could not answer: {exc}"
        return reply or "(no answer)"

    def command(self, chat: int | str, text: str) -> str:
        """Run a slash command and return the answer."""
        head, _, rest = text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()
        rest = rest.strip()
        try:
            if name in ("start", "help"):
                return HELP
            if name == "tasks":
                return self._list()
            if name == "task":
                if not rest:
                    return "Say what to do: /task <goal>"
                session = f"telegram_{chat}"
                task = self.app.tasks.create(rest, origin=Origin("telegram", session, str(chat)))
                return f"Queued task {task.id}: {task.title}\nI will tell you here when it is done or needs you."
            if name in ("status", "pause", "resume", "cancel"):
                task_id, _, note = rest.partition(" ")
                if not task_id:
                    return f"Which task? /{name} <id>"
                if name == "status":
                    return self._status(task_id)
                if name == "pause":
                    task = self.app.tasks.pause(task_id)
                    when = "at the end of its current round" if task.pause_requested else "now"
                    return f"Task {task.id} pauses {when}."
                if name == "cancel":
                    task = self.app.tasks.cancel(task_id)
                    return f"Task {task.id} is cancelled."
                return self._resume(task_id, note.strip())
        except SmallClawError as exc:
            return str(exc)
        return f"I do not know /{name}.\n\n{HELP}"

    def _resume(self, task_id: str, note: str) -> str:
        try:
            task = self.app.tasks.resume(task_id, note or None)
        except SmallClawError as exc:
            return str(exc)
        return f"Resumed task {task.id}" + (" with your note." if note else ".")

    def _list(self, limit: int = 15) -> str:
        tasks = sorted(self.app.tasks.list(), key=lambda t: t.created_at, reverse=True)
        if not tasks:
            return "No tasks yet. Start one with /task <goal>."
        lines = [f"{t.id} [{t.status}] {t.steps_done}/{len(t.steps)} {t.title}" for t in tasks[:limit]]
        if len(tasks) > limit:
            lines.append(f"… and {len(tasks) - limit} older")
        return "\n".join(lines)

    def _status(self, task_id: str) -> str:
        task = self.app.tasks.get(task_id)
        lines = [f"{task.title}", f"Task {task.id}: {task.status}, step {task.steps_done}/{len(task.steps)}"]
        if task.steps and task.current_step < len(task.steps) and not task.finished:
            lines.append(f"Now: {task.steps[task.current_step].description}")
        if task.pause_reason:
            lines.append(f"Waiting because: {task.pause_reason}")
        if task.summary:
            lines.append(f"\n{task.summary}")
        if task.error:
            lines.append(f"Error: {task.error}")
        return "\n".join(lines)

    async def _send(self, chat: int | str, text: str, attempts: int = 4) -> None:
        """Answer in a chat; a passing outage is retried with back-off, in this chat's worker only."""
        for part in compose("", text, max_parts=self.config.max_parts).parts:
            for attempt in range(1, attempts + 1):
                try:
                    await self.api.send_message(chat, part)
                    break
                except TransportError as exc:
                    if attempt == attempts:
                        raise
                    delay = exc.retry_after if isinstance(exc, RetryLater) else self.retry_base * 2 ** (attempt - 1)
                    report(f"{exc}; answering chat {chat} again in {delay:g} s")
                    await asyncio.sleep(delay)


def say(app: Any, text: str) -> None:
    """Tell the operator at start: on stderr and in ``app.messages``."""
    report(text)
    messages = getattr(app, "messages", None)
    if isinstance(messages, list):
        messages.append(f"telegram: {text}")


async def run_service(app: Any) -> None:
    """The ``telegram`` service of ``smallclaw serve``: poll until cancelled."""
    import anyio

    config: TelegramConfig = app.config.section("telegram")
    if not config.configured:
        if config.enabled:
            say(app, "no bot token ([telegram] token or SMALLCLAW_TELEGRAM_TOKEN), so the chat channel is off")
        return  # serve keeps the other services running
    channel = TelegramChannel(app, config)
    try:
        await channel.run()
    finally:
        with anyio.CancelScope(shield=True):  # close the connections even while being cancelled
            await channel.stop()
            await channel.api.aclose()


__all__ = ["HELP", "TelegramChannel", "run_service"]
