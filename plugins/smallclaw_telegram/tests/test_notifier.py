"""The telegram notifier against a stand-in for the Bot API over real HTTP."""

from __future__ import annotations

import asyncio
import html
import logging
import socket

import pytest

from smallclaw_core import Notification, Origin, TransportError
from smallclaw_core.app import App
from smallclaw_telegram.bot_api import BotAPI
from smallclaw_telegram.messages import utf16_len
from smallclaw_telegram.state import TelegramState



def load(tmp_path, settings, **extra):
    return App.load(tmp_path / "home", overrides={"telegram": {**settings, **extra}})


def plain(text: str) -> str:
    return html.unescape(text.replace("<b>", "").replace("</b>", ""))


def notifier_of(app):
    return app.notifiers["telegram"]


def test_not_registered_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("SMALLCLAW_TELEGRAM_TOKEN", raising=False)
    app = App.load(tmp_path / "home")
    assert "telegram" not in app.notifiers


def test_token_from_the_environment_and_never_in_the_repr(tmp_path, monkeypatch, bot_api, telegram_settings):
    monkeypatch.setenv("SMALLCLAW_TELEGRAM_TOKEN", bot_api.token)
    app = load(tmp_path, {**telegram_settings, "token": ""}, notify_chats=[7])
    assert "telegram" in app.notifiers
    assert bot_api.token not in repr(app.config.section("telegram"))
    assert bot_api.token not in repr(notifier_of(app).api)


def test_completion_and_needs_you_arrive_with_the_right_text(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111])
    notifier = notifier_of(app)
    asyncio.run(notifier.notify(Notification("complete", "t1abc", "Write the report",
                                             "Wrote report.md with 3 sections.", key="t1abc:complete:1")))
    asyncio.run(notifier.notify(Notification("needs_assistance", "t2def", "Fetch data",
                                             "The verifier said NO twice: the file is empty.",
                                             key="t2def:needs_assistance:1")))
    done, needs = bot_api.texts(111)
    assert "Done: Write the report" in plain(done) and "Wrote report.md with 3 sections." in plain(done)
    assert "t1abc" in plain(done)
    assert "Needs you: Fetch data" in plain(needs)
    assert "The verifier said NO twice: the file is empty." in plain(needs)
    assert "/resume t2def" in plain(needs) and "Reply to this message" in plain(needs)
    assert all(m["parse_mode"] == "HTML" for m in bot_api.sent)
    # the needs-you message is remembered, so that a reply to it resumes the task
    needs_id = bot_api.sent[1]["message_id"]
    assert TelegramState(app.home).needs_you_task(111, needs_id) == "t2def"
    assert TelegramState(app.home).needs_you_task(111, bot_api.sent[0]["message_id"]) is None


def test_failure_says_the_error(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111])
    asyncio.run(notifier_of(app).notify(Notification("failed", "t3", "Build", "compiler crashed <oops>", key="k")))
    (text,) = bot_api.texts(111)
    assert "Failed: Build" in plain(text) and "compiler crashed <oops>" in plain(text)
    assert "&lt;oops&gt;" in text  # escaped for parse_mode HTML


def test_origin_chat_gets_it_once_and_other_channels_do_not(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111, 222])
    notifier = notifier_of(app)
    asyncio.run(notifier.notify(Notification("complete", "t4", "A", "ok", key="k4",
                                             origin=Origin("telegram", "telegram_222", "222"))))
    asyncio.run(notifier.notify(Notification("complete", "t5", "B", "ok", key="k5",
                                             origin={"channel": "telegram", "session": "telegram_333",
                                                     "chat_id": "333"})))
    asyncio.run(notifier.notify(Notification("complete", "t6", "C", "ok", key="k6",
                                             origin=Origin("web", "web_1", "999"))))
    chats = [str(m["chat_id"]) for m in bot_api.sent]
    assert chats == ["111", "222", "111", "222", "333", "111", "222"]


def test_a_10000_character_summary_arrives_as_several_messages_in_order(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111])
    lines = [f"{i:04d} résumé <item> & 😀 " + "lorem ipsum " * 5 for i in range(200)]
    summary = "\n".join(lines)[:10000]
    assert len(summary) == 10000
    asyncio.run(notifier_of(app).notify(Notification("complete", "t7", "Long", summary, key="t7:complete")))
    texts = bot_api.texts(111)
    assert len(texts) >= 3
    assert all(utf16_len(t) <= 4096 for t in texts)
    joined = "\n".join(plain(t) for t in texts)
    # in order, and nothing lost but the line breaks that parts were cut on
    assert "".join(joined.split()) == "".join(f"✅ Done: Long\n{summary}\n\nTask t7".split())
    numbers = [int(line[:4]) for t in texts for line in plain(t).splitlines() if line[:4].isdigit()]
    assert numbers == sorted(numbers) and numbers[0] == 0


def test_429_is_waited_out_and_the_message_sent_once(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111])
    bot_api.fail("sendMessage", 429, {"ok": False, "error_code": 429,
                                      "description": "Too Many Requests: retry after 1",
                                      "parameters": {"retry_after": 1}})
    asyncio.run(notifier_of(app).notify(Notification("complete", "t8", "Once", "only once", key="t8")))
    attempts = bot_api.calls_of("sendMessage")
    assert len(attempts) == 2
    assert len(bot_api.texts(111)) == 1
    assert attempts[1]["at"] - attempts[0]["at"] >= 1.0  # the server's retry_after was honoured


def test_a_429_longer_than_allowed_is_left_to_the_runner(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111], max_retry_after=5.0)
    bot_api.fail("sendMessage", 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                                      "parameters": {"retry_after": 3600}})
    with pytest.raises(TransportError, match="retry after 3600"):
        asyncio.run(notifier_of(app).notify(Notification("complete", "t9", "Later", "x", key="t9")))
    assert bot_api.texts() == []


def test_messages_to_one_chat_are_paced(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111], min_interval=0.3)
    notifier = notifier_of(app)

    async def both():
        await notifier.notify(Notification("complete", "a", "A", "one", key="a"))
        await notifier.notify(Notification("complete", "b", "B", "two", key="b"))

    asyncio.run(both())
    first, second = bot_api.calls_of("sendMessage")
    assert second["at"] - first["at"] >= 0.3


def test_a_retry_skips_the_parts_already_delivered(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111])
    notification = Notification("complete", "t10", "Long", " ".join(f"w{i}" for i in range(3000)),
                                key="t10:complete:1")
    sent_first = []

    def fail_after_first(payload):
        if not sent_first:
            sent_first.append(True)
            bot_api.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})

    bot_api.on_send = fail_after_first
    with pytest.raises(TransportError):
        asyncio.run(notifier_of(app).notify(notification))
    assert len(bot_api.texts(111)) == 1
    asyncio.run(notifier_of(app).notify(notification))  # the runner's retry
    texts = bot_api.texts(111)
    assert len(texts) == len(set(texts)) >= 4  # every part once, none twice
    assert "Done: Long" in plain(texts[0])


def test_overlapping_deliveries_of_one_notification_send_each_part_once(tmp_path, bot_api, telegram_settings):
    app = load(tmp_path, telegram_settings, notify_chats=[111, 222], min_interval=0.05)
    notifier = notifier_of(app)
    notification = Notification("complete", "t13", "Twice", " ".join(f"w{i}" for i in range(2000)), key="t13:c")

    async def twice():  # as when a caller retries while the first call is still sending
        await asyncio.gather(notifier.notify(notification), notifier.notify(notification))

    asyncio.run(twice())
    texts = [(m["chat_id"], m["text"]) for m in bot_api.sent]
    assert len(texts) == len(set(texts)) == 2 * len(bot_api.texts(111))
    assert len(bot_api.texts(111)) >= 3


def test_a_chat_that_refuses_does_not_stop_the_others(tmp_path, bot_api, telegram_settings, caplog):
    app = load(tmp_path, telegram_settings, notify_chats=[111, 222])
    bot_api.fail("sendMessage", 403, {"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"})
    asyncio.run(notifier_of(app).notify(Notification("complete", "t11", "A", "ok", key="t11")))
    assert [str(m["chat_id"]) for m in bot_api.sent] == ["222"]
    assert "blocked by the user" in caplog.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_telegram_is_a_transport_error_without_the_token(tmp_path, telegram_settings, caplog):
    caplog.set_level(logging.DEBUG)
    app = load(tmp_path, telegram_settings, notify_chats=[111], api_base=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(TransportError) as caught:
        asyncio.run(notifier_of(app).notify(Notification("complete", "t12", "A", "ok", key="t12")))
    assert "cannot reach Telegram" in str(caught.value)
    token = telegram_settings["token"]
    assert token not in str(caught.value) and token not in caplog.text


def test_the_token_stays_out_of_library_logs_and_errors(tmp_path, bot_api, telegram_settings, caplog):
    caplog.set_level(logging.DEBUG)
    token = bot_api.token
    api = BotAPI(token, bot_api.url, min_interval=0)
    asyncio.run(api.send_message(5, "hello"))
    assert "sendMessage" in caplog.text  # httpx did log the request ...
    assert token not in caplog.text       # ... with the token masked
    wrong = BotAPI(token + "x", bot_api.url)
    with pytest.raises(Exception) as caught:
        asyncio.run(wrong.call("getMe"))
    assert "Unauthorized" in str(caught.value) and token not in str(caught.value)
