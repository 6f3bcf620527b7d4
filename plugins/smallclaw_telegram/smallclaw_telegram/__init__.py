"""SmallClaw plugin: Telegram notifications and Telegram as a chat channel.

The module's top level stays light (no httpx): ``smallclaw --help`` imports it.
"""

from __future__ import annotations

from smallclaw_core import hookimpl

from .config import TelegramConfig


@hookimpl
def register_config_sections(register):
    register("telegram", TelegramConfig)


@hookimpl
def register_notifiers(register, app):
    config: TelegramConfig = app.config.section("telegram")
    if not config.configured:
        return
    from .notifier import TelegramNotifier

    register(TelegramNotifier(app, config))


@hookimpl
def register_services(register):
    async def telegram(app):
        from .channel import run_service

        await run_service(app)

    register("telegram", telegram)
