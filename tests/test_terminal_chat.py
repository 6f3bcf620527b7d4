"""The terminal chat: readline editing and history on a real terminal (a pty), and a session file
followed from where it was last read rather than read again every second."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smallclaw_core.models import Message
from smallclaw_core.sessions import SessionStore

HERE = Path(__file__).parent
#: the input prompt as the terminal shows it, at the start of a line
PROMPT = "\n> "


def test_following_a_session_reads_only_what_was_appended(tmp_path):
    store = SessionStore(tmp_path)
    assert store.read_from("cli_a", 0) == ([], 0)  # no file yet
    store.append("cli_a", Message("user", "one"))
    store.append("cli_a", Message("assistant", "two"))
    records, offset = store.read_from("cli_a", 0)
    assert [r["message"]["content"] for r in records] == ["one", "two"]
    assert offset == store._path("cli_a").stat().st_size
    assert store.read_from("cli_a", offset) == ([], offset)
    # what was read before is not read again: spoil it, and the next read does not notice
    path = store._path("cli_a")
    path.write_bytes(b"x" * offset)
    store.append("cli_a", Message("assistant", "three"), delivery="task-t1")
    records, offset = store.read_from("cli_a", offset)
    assert [(r["message"]["content"], r["delivery"]) for r in records] == [("three", "task-t1")]
    # a line still being written waits for its end
    with open(path, "ab") as fh:
        fh.write(b'{"message": {"role": "assistant", "content": "fo')
    assert store.read_from("cli_a", offset) == ([], offset)
    with open(path, "ab") as fh:
        fh.write(b'ur"}}\n')
    records, after = store.read_from("cli_a", offset)
    assert [r["message"]["content"] for r in records] == ["four"] and after == path.stat().st_size


class Terminal:
    """``smallclaw chat`` on a pseudo-terminal, typed at as a person types."""

    def __init__(self, home: Path, **plugins: str):
        """``plugins``: the SMALLCLAW_* variables choosing the plugins (default: the runner and a
        scripted model)."""
        plugins = plugins or dict(SMALLCLAW_PLUGINS="runner", SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,"
                                  "scripted_worker", SMALLCLAW_SCRIPT="scripted_worker:respond")
        env = dict(os.environ, SMALLCLAW_HOME=str(home), TERM="xterm", INPUTRC="/dev/null",
                   PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""), **plugins)
        self.fd, child = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "chat", "--session", "cli_t"],
                                     env=env, stdin=child, stdout=child, stderr=child, close_fds=True)
        os.close(child)
        self.screen = ""

    def read_until(self, text: str, count: int = 1, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while self.screen.count(text) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.screen += os.read(self.fd, 4096).decode(errors="replace")
                except OSError:
                    break
        assert self.screen.count(text) >= count, f"waited for {text!r} x{count}:\n{self.screen}"

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.fd)


@pytest.mark.skipif(__import__("importlib").util.find_spec("readline") is None, reason="no readline here")
def test_the_input_line_has_readline_editing_and_a_history_kept_across_sessions(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n')
    # each line is typed at its prompt, as a person does
    term = Terminal(home)
    try:
        term.read_until(PROMPT, 1)
        term.type("/help\r")
        term.read_until("commands:")
        term.read_until(PROMPT, 2)
        term.type("\x10\r")  # Ctrl-P: the previous line again
        term.read_until("commands:", 2)
        term.read_until(PROMPT, 3)
        term.type("/hlp\x02\x02e\r")  # a typo fixed in the middle of the line (Ctrl-B twice, then e)
        term.read_until("commands:", 3)
        term.read_until(PROMPT, 4)
        term.type("/tasks\r")
        term.read_until(PROMPT, 5)
        term.type("/quit\r")
        assert term.proc.wait(timeout=20) == 0
    finally:
        term.close()
    # readline keeps one of several identical lines in a row
    assert (home / "chat_history").read_text().splitlines() == ["/help", "/tasks", "/quit"]

    again = Terminal(home)
    try:
        again.read_until(PROMPT, 1)
        again.type("\x10\x10\x10\r")  # three lines back: the first line of the previous session
        again.read_until("commands:")
        again.read_until(PROMPT, 2)
        again.type("\x04")  # Ctrl-D leaves
        assert again.proc.wait(timeout=20) == 0
    finally:
        again.close()


def test_what_a_model_or_a_task_says_is_shown_escaped_not_obeyed(tmp_path):
    """A model's reply (streamed through a real Ollama wire), a task's title and a delivered result
    carrying terminal escapes (retitle the window, clear the screen, hide text) are printed as text."""
    from smallclaw_ollama.testing import ModelCard, OllamaStandIn, chat_objects, stream

    from smallclaw_core.app import App
    from smallclaw_core.tasks import Origin

    home = tmp_path / "home"
    with OllamaStandIn({"qwen3:4b": ModelCard()}) as server:
        home.mkdir()
        (home / "config.toml").write_text(f'[models]\nexecutor = "ollama:qwen3:4b"\ntool_protocol = "native"\n'
                                          f'[ollama]\nbase_url = "{server.base_url}"\n')
        server.enqueue(stream(chat_objects("sure\x1b]0;owned\x07\x1b[2J\x1b[8mhidden\x1b[0m done", pieces=4)))
        app = App.load(home, only=[])
        app.tasks.create("x", ["y"], title="\x1b[2Jwiped", origin=Origin(channel="cli", session="cli_t"))
        term = Terminal(home, SMALLCLAW_PLUGINS="ollama")
        try:
            term.read_until(PROMPT, 1)
            term.type("hello\r")
            term.read_until("done")
            term.read_until(PROMPT, 2)
            term.type("/tasks\r")
            term.read_until("wiped")
            # a result delivered by the server meanwhile
            app.sessions.append("cli_t", Message("assistant", "finished\x1b]2;owned again\x07"), delivery="task-z")
            term.read_until("[task result]")
            term.read_until("owned again")
            term.type("/quit\r")
            assert term.proc.wait(timeout=20) == 0
        finally:
            term.close()
    screen = term.screen
    for obeyed in ("\x1b]0;owned", "\x1b[2J", "\x1b[8m", "\x07", "\x1b]2;owned"):
        assert obeyed not in screen, (obeyed, screen)
    assert "sure\\x1b]0;owned\\x07\\x1b[2J\\x1b[8mhidden\\x1b[0m done" in screen
    assert "\\x1b[2Jwiped" in screen and "finished\\x1b]2;owned again\\x07" in screen
