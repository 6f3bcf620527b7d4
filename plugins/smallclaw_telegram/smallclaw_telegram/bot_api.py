"""A small async client for the Telegram Bot API: timeouts, 429 handling, per-chat pacing.

Every error message passes through ``mask()``, so the bot token (which is part of
every request URL) never reaches a log, an error or a journal. ``httpx`` is imported
when the first request is made, never at import time.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any, Awaitable, Callable

from smallclaw_core import SmallClawError, TransportError

from .config import TelegramConfig

#: every token this process has used, masked out of httpx's own request logging
_TOKENS: set[str] = set()


def mask_tokens(text: str) -> str:
    """Replace any known bot token in ``text`` with ``<token>``."""
    for token in _TOKENS:
        if token and token in text:
            text = text.replace(token, "<token>")
    return text


class _MaskTokens(logging.Filter):
    """httpx logs every request URL at INFO, and a Bot API URL carries the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _TOKENS:
            message = record.getMessage()
            masked = mask_tokens(message)
            if masked != message:
                record.msg, record.args = masked, None
        return True


_FILTER = _MaskTokens()


def _guard_library_logs() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


class TelegramError(SmallClawError):
    """Telegram refused a request in a way that retrying will not fix (bad token, unknown chat)."""

    def __init__(self, method: str, code: int | None, description: str):
        self.method = method
        self.code = code
        self.description = description
        super().__init__(f"Telegram refused {method}: {description}" + (f" ({code})" if code else ""))


class RetryLater(TransportError):
    """Telegram said 429 Too Many Requests; ``retry_after`` is in seconds."""

    def __init__(self, method: str, retry_after: float):
        self.retry_after = retry_after
        super().__init__(f"Telegram asked to slow down on {method}: retry after {retry_after:g} s")


class BotAPI:
    """One bot's connection to a Bot API server.

    Messages to one chat are sent one at a time and at least ``min_interval`` apart;
    a 429 answer is waited out (up to ``max_retry_after``) and the message sent again.
    """

    def __init__(self, token: str, api_base: str = "https://api.telegram.org", *,
                 request_timeout: float = 15.0, min_interval: float = 1.0, max_retry_after: float = 10.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self.api_base = api_base.rstrip("/")
        if not token:
            raise SmallClawError("no Telegram bot token: set [telegram] token or SMALLCLAW_TELEGRAM_TOKEN")
        self._token = token
        _TOKENS.add(token)
        self.request_timeout = request_timeout
        self.min_interval = min_interval
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._last_sent: dict[str, float] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}

    def __repr__(self) -> str:
        return f"BotAPI({self.api_base!r}, token=<hidden>)"

    @classmethod
    def from_config(cls, config: TelegramConfig) -> "BotAPI":
        return cls(config.resolved_token(), config.api_base, request_timeout=config.request_timeout,
                   min_interval=config.min_interval, max_retry_after=config.max_retry_after)

    def mask(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    # --- transport ------------------------------------------------------------------

    def _http(self) -> Any:
        """The httpx client of the running event loop (a client cannot cross loops)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop or self._client.is_closed:
            import httpx

            _guard_library_logs()
            # connecting gets a short timeout of its own: an unreachable server should fail fast
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.request_timeout,
                                                                   connect=min(5.0, self.request_timeout)))
            self._client_loop = loop
            self._chat_locks = {}
        return self._client

    async def call(self, method: str, payload: dict[str, Any] | None = None, *,
                   timeout: float | None = None) -> Any:
        """Call one Bot API method; return its ``result`` or raise a classified error."""
        import httpx

        client = self._http()
        url = f"{self.api_base}/bot{self._token}/{method}"
        try:
            response = await client.post(url, json=payload or {}, timeout=httpx.Timeout(
                timeout if timeout is not None else self.request_timeout, connect=min(5.0, self.request_timeout)))
        except httpx.TimeoutException:
            raise TransportError(f"Telegram did not answer {method} in time ({self.mask(self.api_base)})") from None
        except httpx.HTTPError as exc:
            detail = self.mask(str(exc) or type(exc).__name__)
            raise TransportError(f"cannot reach Telegram for {method} at {self.mask(self.api_base)}: {detail}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 500 or response.status_code == 429:
                raise TransportError(f"Telegram answered {method} with HTTP {response.status_code}")
            raise TelegramError(method, response.status_code, "the answer was not Bot API JSON")
        if body.get("ok"):
            return body.get("result")
        code = body.get("error_code", response.status_code)
        description = self.mask(str(body.get("description") or "no reason given"))
        if code == 429:
            retry_after = (body.get("parameters") or {}).get("retry_after", 1)
            raise RetryLater(method, float(retry_after))
        if isinstance(code, int) and code >= 500:
            raise TransportError(f"Telegram failed {method}: {description} ({code})")
        raise TelegramError(method, code, description)

    async def aclose(self) -> None:
        if self._client is not None and not self._client.is_closed:
            try:
                await self._client.aclose()
            except RuntimeError:  # its loop is gone; nothing left to close
                pass
        self._client = None

    # --- methods --------------------------------------------------------------------

    async def get_updates(self, offset: int, timeout: int) -> list[dict[str, Any]]:
        result = await self.call("getUpdates", {"offset": offset, "timeout": timeout,
                                                "allowed_updates": ["message"]},
                                 timeout=timeout + self.request_timeout)
        return result if isinstance(result, list) else []

    async def send_message(self, chat_id: int | str, html_text: str, *,
                           reply_to: int | None = None) -> dict[str, Any]:
        """Send one HTML message, paced per chat, waiting out 429s; return the sent message."""
        key = str(chat_id)
        self._http()  # first, as it drops the locks of an event loop that is gone
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        payload: dict[str, Any] = {"chat_id": chat_id, "text": html_text, "parse_mode": "HTML",
                                   "link_preview_options": {"is_disabled": True}}
        if reply_to is not None:
            payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
        async with lock:
            while True:
                wait = self._last_sent.get(key, 0.0) + self.min_interval - time.monotonic()
                if wait > 0:
                    await self.sleep(wait)
                try:
                    result = await self.call("sendMessage", payload)
                except RetryLater as exc:
                    if exc.retry_after > self.max_retry_after:
                        raise
                    await self.sleep(exc.retry_after)
                    continue
                finally:
                    self._last_sent[key] = time.monotonic()
                return result if isinstance(result, dict) else {}

    async def send_chat_action(self, chat_id: int | str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


_APIS: "weakref.WeakKeyDictionary[Any, BotAPI]" = weakref.WeakKeyDictionary()


def api_for(app: Any, config: TelegramConfig) -> BotAPI:
    """The one ``BotAPI`` of an app, shared by the notifier and the chat channel so pacing holds for both."""
    api = _APIS.get(app)
    if api is None:
        api = _APIS[app] = BotAPI.from_config(config)
    return api
