"""Telegram as a chat channel, end to end: the stand-in Bot API, the real poller, the runner, a scripted model."""

from __future__ import annotations

import asyncio
import html
import socket
import subprocess
import sys

import anyio
import attrs
import pytest

from smallclaw_core.app import App
from smallclaw_core.runner import Runner
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin, plan, verdict
from smallclaw_telegram.channel import TelegramChannel, run_service
from smallclaw_telegram.state import TelegramState

USER, CHAT = 42, 500
FAST_RUNNER = {"transport_backoff": 0.01, "transport_backoff_cap": 0.05, "poll_interval": 0.05}


def plain(text: str) -> str:
    return html.unescape(text.replace("<b>", "").replace("</b>", ""))


@pytest.fixture
def setup(tmp_path, monkeypatch, bot_api, telegram_settings):
    """An app with the telegram plugin and the runner, a scripted model (a test double), and a channel."""
    monkeypatch.delenv("SMALLCLAW_TELEGRAM_TOKEN", raising=False)

    def build(**telegram):
        model = ScriptedModel()
        app = App.load(tmp_path / "home", extra_plugins=[ScriptedModelPlugin(model)], only=["runner", "telegram"],
                       overrides={"telegram": {**telegram_settings, **telegram},
                                  "models": {"executor": "scripted:test"}, "runner": dict(FAST_RUNNER),
                                  "store": {"durable": False}})
        return app, model, TelegramChannel(app, app.config.section("telegram"))

    return build


async def exchange(bot_api, channel, text, *, user=USER, chat=CHAT, reply_to=None):
    """The user writes; the poller takes it; wait until it is handled."""
    bot_api.push_message(user, chat, text, reply_to=reply_to)
    await channel.poll_once(timeout=0)
    await channel.idle()


def test_a_user_not_on_the_allow_list_gets_no_reply_and_creates_nothing(setup, bot_api):
    app, model, channel = setup()

    async def main():
        await exchange(bot_api, channel, "/task delete everything", user=666)
        await exchange(bot_api, channel, "hello?", user=666)
        await exchange(bot_api, channel, "/tasks", user=666)

    asyncio.run(main())
    assert bot_api.calls_of("sendMessage") == [] and bot_api.calls_of("sendChatAction") == []
    assert app.tasks.list() == []
    assert app.sessions.keys() == [] and model.history == []
    # the updates were taken (confirmed), so they are not fetched again
    assert TelegramState(app.home).offset() == 4


def test_task_status_pause_resume_commands(setup, bot_api):
    app, model, channel = setup()

    async def main():
        await exchange(bot_api, channel, "/task write a haiku about rain")
        (task,) = app.tasks.list()
        await exchange(bot_api, channel, f"/status {task.id}")
        await exchange(bot_api, channel, f"/pause {task.id}")
        await exchange(bot_api, channel, f"/resume {task.id} make it about snow instead")
        await exchange(bot_api, channel, "/tasks")
        await exchange(bot_api, channel, "/status nosuchtask")
        await exchange(bot_api, channel, "/frobnicate")
        return task

    task = asyncio.run(main())
    assert task.origin.channel == "telegram" and task.origin.chat_id == str(CHAT)
    assert task.origin.session == f"telegram_{CHAT}" and task.goal == "write a haiku about rain"
    created, status, paused, resumed, listing, missing, unknown = [plain(t) for t in bot_api.texts(CHAT)]
    assert task.id in created and "write a haiku about rain" in created
    assert f"Task {task.id}: queued" in status
    assert "pauses now" in paused
    assert "Resumed task" in resumed
    assert f"{task.id} [queued]" in listing
    assert "no task with id 'nosuchtask'" in missing
    assert "I do not know /frobnicate" in unknown
    task = app.tasks.get(task.id)
    assert task.status == "queued" and task.resume_context == ["make it about snow instead"]


def test_plain_text_is_a_chat_on_the_core_loop(setup, bot_api):
    app, model, channel = setup()
    model.enqueue_for("executor", "Hello! I can run background tasks for you.")
    asyncio.run(exchange(bot_api, channel, "hi, what can you do?"))
    (reply,) = bot_api.texts(CHAT)
    assert plain(reply) == "Hello! I can run background tasks for you."
    history = app.sessions.history(f"telegram_{CHAT}")
    assert [m.content for m in history if m.role == "user"] == ["hi, what can you do?"]
    assert model.history and model.history[-1].messages[-1].content == "hi, what can you do?"


def test_task_from_telegram_completes_and_the_result_comes_back_to_its_chat(setup, bot_api):
    app, model, channel = setup(notify_chats=[])
    model.enqueue_for("planner", plan("write the haiku"))
    model.enqueue_for("executor", "Rain taps the window / ...")
    model.enqueue_for("verifier", verdict(True, "the haiku is there"))
    model.enqueue_for("summarizer", "Wrote a haiku about rain.")

    async def main():
        await exchange(bot_api, channel, "/task write a haiku about rain")
        await Runner(app).run_until_idle(20)

    asyncio.run(main())
    (task,) = app.tasks.list()
    assert task.status == "complete"
    queued, done = [plain(t) for t in bot_api.texts(CHAT)]
    assert "Done: write a haiku about rain" in done and "Wrote a haiku about rain." in done
    assert task.id in done
    assert len(bot_api.sent) == 2  # nothing went anywhere else, and nothing twice


def test_a_reply_to_a_needs_you_message_resumes_that_task_with_the_note(setup, bot_api):
    app, model, channel = setup()
    model.enqueue_for("planner", plan("write report.md"))
    model.enqueue_for("executor", "Done! I wrote it.", "Done, really.")
    model.enqueue_for("verifier", verdict(False, "no file was written"), verdict(False, "still no report.md"))

    async def main():
        await exchange(bot_api, channel, "/task write the report")
        await Runner(app).run_until_idle(20)
        (task,) = app.tasks.list()
        assert task.status == "needs_assistance"
        needs = bot_api.sent[-1]
        assert "Needs you" in plain(needs["text"]) and "still no report.md" in plain(needs["text"])
        # another message first, so the reply is not simply "the last message"
        await exchange(bot_api, channel, "/tasks")
        model.enqueue_for("executor", "Used the file tool; report.md exists now.")
        model.enqueue_for("verifier", verdict(True, "report.md exists"))
        model.enqueue_for("summarizer", "Wrote report.md after the hint.")
        await exchange(bot_api, channel, "use the files tool to write it", reply_to=needs["message_id"])
        assert app.tasks.get(task.id).status == "queued"
        await Runner(app).run_until_idle(20)
        return app.tasks.get(task.id)

    task = asyncio.run(main())
    assert task.status == "complete" and task.resume_context == ["use the files tool to write it"]
    texts = [plain(t) for t in bot_api.texts(CHAT)]
    assert any(f"Resumed task {task.id} with your note." in t for t in texts)
    assert "Done: write the report" in texts[-1] and "Wrote report.md after the hint." in texts[-1]
    executor = model.requests_for("executor")[-1]
    assert any("use the files tool to write it" in m.content for m in executor.messages)


def test_an_empty_allow_list_answers_no_one_and_says_so_at_start(setup, bot_api, caplog):
    app, model, channel = setup(allowed_users=[])

    async def main():
        service = asyncio.create_task(run_service(app))
        bot_api.push_message(USER, CHAT, "/tasks")
        assert await asyncio.to_thread(bot_api.wait_for, lambda: bot_api.calls_of("getUpdates"), 5)
        await asyncio.to_thread(bot_api.wait_for, lambda: TelegramState(app.home).offset() > 0, 5)
        service.cancel()
        with pytest.raises(asyncio.CancelledError):
            await service

    asyncio.run(main())
    assert any("answers no one" in m for m in app.messages)
    assert "answers no one" in caplog.text
    assert bot_api.calls_of("sendMessage") == []


def test_the_service_answers_over_real_long_polling(setup, bot_api):
    app, model, channel = setup(poll_timeout=1)

    async def main():
        service = asyncio.create_task(run_service(app))
        bot_api.push_message(USER, CHAT, "/task tidy the notes")
        ok = await asyncio.to_thread(bot_api.wait_for, lambda: bot_api.texts(CHAT), 10)
        service.cancel()
        with pytest.raises(asyncio.CancelledError):
            await service
        return ok

    assert asyncio.run(main())
    (task,) = app.tasks.list()
    assert task.id in plain(bot_api.texts(CHAT)[0])
    offset = TelegramState(app.home).offset()
    assert offset >= 2
    # a restart goes on from the saved offset: the same update is not handled twice
    app2 = App.load(app.home, only=["telegram"],
                    overrides={"telegram": attrs.asdict(app.config.section("telegram"))})

    async def again():
        channel2 = TelegramChannel(app2, app2.config.section("telegram"))
        await channel2.poll_once(timeout=0)
        await channel2.idle()

    asyncio.run(again())
    assert len(app2.tasks.list()) == 1 and len(bot_api.texts(CHAT)) == 1


def test_unreachable_telegram_is_retried_and_never_raises(setup, caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app, model, channel = setup(api_base=f"http://127.0.0.1:{port}")
    token = app.config.section("telegram").resolved_token()

    async def main():
        service = asyncio.create_task(run_service(app))
        for _ in range(200):  # until a first attempt and a retry after back-off, at most 10 s
            await asyncio.sleep(0.05)
            if caplog.text.count("cannot reach Telegram") >= 2:
                break
        assert not service.done()
        service.cancel()
        with pytest.raises(asyncio.CancelledError):
            await service

    asyncio.run(main())
    err = caplog.text
    assert err.count("cannot reach Telegram") >= 2 and "trying again" in err
    assert token not in err


def test_an_answer_survives_a_passing_outage(setup, bot_api):
    app, model, channel = setup()
    channel.retry_base = 0.01
    bot_api.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    bot_api.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    asyncio.run(exchange(bot_api, channel, "/help"))
    assert len(bot_api.calls_of("sendMessage")) == 3
    (answer,) = bot_api.texts(CHAT)
    assert "/task &lt;goal&gt;" in answer  # escaped for parse_mode HTML


def test_the_service_stops_cleanly_inside_an_anyio_task_group_as_serve_runs_it(setup, bot_api):
    app, model, channel = setup(poll_timeout=5)

    async def main():
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_service, app)
            # cancelled in the middle of a long poll
            assert await anyio.to_thread.run_sync(lambda: bot_api.wait_for(lambda: bot_api.calls_of("getUpdates"), 5))
            tg.cancel_scope.cancel()

    anyio.run(main)  # returns: no error, no hang


def test_without_a_token_the_service_says_so_and_returns(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("SMALLCLAW_TELEGRAM_TOKEN", raising=False)
    app = App.load(tmp_path / "home", only=["telegram"])
    asyncio.run(run_service(app))
    assert "no bot token" in caplog.text


def test_loading_the_plugin_does_not_import_httpx(tmp_path, bot_api):
    code = (
        "import sys\n"
        "from smallclaw_core.app import App\n"
        f"app = App.load({str(tmp_path / 'home')!r}, only=['telegram'], overrides={{'telegram': "
        f"{{'token': {bot_api.token!r}, 'notify_chats': [1]}}}})\n"
        "app.collect_all()\n"
        "assert 'telegram' in app.notifiers and 'telegram' in app.services\n"
        "print('httpx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
