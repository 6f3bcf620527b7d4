"""The ``[telegram]`` config section and where the bot token comes from."""

from __future__ import annotations

import os

import attrs

from smallclaw_core import above, at_least

TOKEN_ENV = "SMALLCLAW_TELEGRAM_TOKEN"


@attrs.define
class TelegramConfig:
    """Settings of the Telegram notifier and chat channel.

    The token is never shown in reprs; ``SMALLCLAW_TELEGRAM_TOKEN`` is used when the
    file leaves it empty, so the secret need not be written into ``config.toml``.
    """

    enabled: bool = True
    #: the bot token from @BotFather (or leave empty and set SMALLCLAW_TELEGRAM_TOKEN)
    token: str = attrs.field(default="", repr=False)
    #: Telegram user ids allowed to talk to the bot; empty means nobody
    allowed_users: list[int] = attrs.field(factory=list)
    #: chat ids that get every notification (tasks started in Telegram also answer their own chat)
    notify_chats: list[int] = attrs.field(factory=list)
    #: the Bot API server; change it when you run a local Bot API server
    api_base: str = "https://api.telegram.org"
    #: seconds one getUpdates long poll waits for news
    poll_timeout: int = attrs.field(default=30, validator=at_least(0))
    #: seconds allowed for one Bot API request (long polls get poll_timeout on top)
    request_timeout: float = attrs.field(default=15.0, validator=above(0))
    #: seconds kept between two messages to the same chat
    min_interval: float = attrs.field(default=1.0, validator=at_least(0))
    #: the longest 429 "retry after" waited out inside one delivery; longer ones are left to the runner's retries
    max_retry_after: float = attrs.field(default=10.0, validator=at_least(0))
    #: seconds one notification may take per chat before the rest is left to the runner's retries
    delivery_budget: float = attrs.field(default=30.0, validator=above(0))
    #: a text longer than this many messages is cut, with a note saying so
    max_parts: int = attrs.field(default=20, validator=at_least(1))

    def resolved_token(self) -> str:
        """The token from the file, else from ``SMALLCLAW_TELEGRAM_TOKEN``, else empty."""
        return (self.token or os.environ.get(TOKEN_ENV, "")).strip()

    @property
    def configured(self) -> bool:
        return self.enabled and bool(self.resolved_token())
