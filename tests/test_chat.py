"""The core chat loop in chat sessions: history, tools, background tasks started from a chat."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import anyio

from smallclaw_core.chat import chat_turn, cut_middle
from smallclaw_core.runner import Runner
from smallclaw_core.tasks import Origin
from smallclaw_core.testing import call, verdict

HERE = Path(__file__).parent


def test_chat_turn_persists_history_and_streams(make_app):
    app, model = make_app(only=["runner"])
    model.enqueue("Hello! How can I help?", "You said hi before.")
    chunks = []
    answer = anyio.run(lambda: chat_turn(app, "web_a", "hi", on_text=chunks.append))
    assert answer == "Hello! How can I help?" and chunks == ["Hello! How can I help?"]
    anyio.run(lambda: chat_turn(app, "web_a", "what did I say?"))
    second = model.history[1]
    assert [m.content for m in second.messages[1:]] == ["hi", "Hello! How can I help?", "what did I say?"]
    assert [m.role for m in app.sessions.history("web_a")] == ["user", "assistant", "user", "assistant"]


def test_chat_can_start_a_background_task_whose_result_comes_back(make_app):
    app, model = make_app(only=["runner"])
    model.enqueue(call("start_background_task", goal="write a poem", steps=["write it"]), "Started it for you.")
    answer = anyio.run(lambda: chat_turn(app, "web_b", "please write a poem in the background",
                                         origin=Origin("web", "web_b")))
    assert answer == "Started it for you."
    (task,) = app.tasks.list()
    assert task.origin.session == "web_b" and task.origin.channel == "web"
    model.enqueue_for("executor", "Roses are red.")
    model.enqueue_for("verifier", verdict(True))
    model.enqueue_for("summarizer", "Wrote a poem.")
    anyio.run(lambda: Runner(app).run_until_idle(10))
    last = app.sessions.history("web_b")[-1]
    assert last.role == "assistant" and "Wrote a poem." in last.content


def test_cut_middle_keeps_head_and_tail():
    text = "A" * 100 + "B" * 1000 + "C" * 100
    out = cut_middle(text, 300)
    assert out.startswith("A" * 100) and out.endswith("C" * 100)
    assert "1000 characters cut" in out or "characters cut" in out
    assert cut_middle("short", 300) == "short"


def test_terminal_chat_task_command_and_result(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n[runner]\npoll_interval = 0.05\n')
    env = dict(os.environ, SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner",
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond",
               PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "chat", "--session", "cli_t"],
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdin.write("/task record a note\n")
        proc.stdin.flush()
        deadline = time.time() + 30
        while time.time() < deadline:
            records = [r for r in _records(home, "cli_t") if r.get("delivery")]
            if records:
                break
            time.sleep(0.2)
        time.sleep(1.5)  # the chat prints results once a second
        proc.stdin.write("/quit\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "started task" in out, (out, err)
    assert "[task result] Task complete: record a note" in out, (out, err)


def _records(home: Path, key: str) -> list[dict]:
    import json

    path = home / "sessions" / f"{key}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
