"""A runner process killed while Telegram has a message but before its delivery is recorded.

The stand-in for the Bot API kills the runner subprocess (SIGKILL) when a chosen
``sendMessage`` arrives, before answering it: Telegram has the message, the runner
never learns so. A second runner process then finishes the delivery. Every part of
the notification must arrive, and at most one part (the one in flight) twice.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from smallclaw_core import Origin
from smallclaw_core.app import App

HERE = Path(__file__).parent
#: a kill point past the last message: the baseline run, in which nothing may repeat
NEVER = 1000


def runner(home: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("SMALLCLAW_TELEGRAM_TOKEN", None)
    env.update({
        "SMALLCLAW_HOME": str(home),
        "SMALLCLAW_EXTRA_PLUGINS": "smallclaw_core.testing",
        "SMALLCLAW_SCRIPT": "telegram_worker:respond",
        "SMALLCLAW_PLUGINS": "runner,telegram",
        "PYTHONPATH": str(HERE) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    return subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "run", "--until-idle", "--timeout", "60"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", [1, 2, 5, NEVER])
def test_killed_between_send_and_record_never_loses_and_repeats_at_most_once(tmp_path, bot_api, kill_at):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[models]\nexecutor = "scripted:test"\n'
        "[runner]\npoll_interval = 0.05\ntransport_backoff = 0.01\ntransport_backoff_cap = 0.05\n"
        f'[telegram]\ntoken = "{bot_api.token}"\napi_base = "{bot_api.url}"\n'
        "notify_chats = [777]\nallowed_users = [42]\nmin_interval = 0.0\n"
    )
    app = App.load(home, only=["telegram"])
    task = app.tasks.create("write it", ["write it"], origin=Origin("telegram", "telegram_500", "500"))

    first = runner(home)
    seen = {"n": 0}

    def kill_on_arrival(payload):
        seen["n"] += 1
        if seen["n"] == kill_at:
            first.send_signal(signal.SIGKILL)
            first.wait(10)

    bot_api.on_send = kill_on_arrival
    out, err = first.communicate(timeout=60)
    crashed = kill_at != NEVER
    if crashed:
        assert first.returncode == -signal.SIGKILL, err
        # Telegram got the message the runner died waiting on (the stand-in records it after the kill)
        assert bot_api.wait_for(lambda: len(bot_api.sent) == kill_at, 5), bot_api.sent
    else:
        assert first.returncode == 0, err
    bot_api.on_send = None

    second = runner(home)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    task = App.load(home, only=["telegram"]).tasks.get(task.id)
    assert task.status == "complete" and not task.pending_deliveries
    per_chat = collections.defaultdict(collections.Counter)
    for message in bot_api.sent:
        per_chat[str(message["chat_id"])][message["text"]] += 1
    assert set(per_chat) == {"777", "500"}
    parts = {chat: len(texts) for chat, texts in per_chat.items()}
    assert parts["777"] == parts["500"] >= 3  # a long summary: several parts, every one arrived
    repeats = sum(n - 1 for texts in per_chat.values() for n in texts.values())
    assert repeats <= (1 if crashed else 0) and all(n <= 2 for texts in per_chat.values() for n in texts.values())
    assert len(bot_api.sent) == 2 * parts["500"] + repeats
    # in order within each chat, the in-flight repeat aside
    for chat in ("777", "500"):
        texts = list(dict.fromkeys(m["text"] for m in bot_api.sent if str(m["chat_id"]) == chat))
        numbers = [int(line[5:9]) for t in texts for line in t.splitlines() if line.startswith("line ")]
        assert numbers == sorted(numbers) and numbers[0] == 0
