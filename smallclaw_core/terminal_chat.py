"""``smallclaw chat``: an interactive terminal chat on the core chat loop.

Replies stream as the model writes them. ``/task <goal>`` (or asking the model, which
has the ``start_background_task`` tool) starts a background task whose origin is this
session; a runner inside this process works on it, and its result is printed here
when it arrives, even if another process (the server) delivered it: the session file
is followed from where it was last read, so a quiet session costs a ``stat`` a second.

On a terminal the input line has readline's editing and a history kept in
``<data dir>/chat_history`` across sessions. What the model writes and what tasks
hold is printed through ``printable``: a reply cannot send escapes to the terminal.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import anyio

from .paths import PRIVATE_FILE_MODE, private_dir
from .terminal import printable

HELP = """commands:
  /task <goal>    start a background task; its result is shown here
  /tasks          list this session's tasks
  /help           this help
  /quit           leave (Ctrl-D too)"""
PROMPT = "> "
HISTORY_FILE = "chat_history"
HISTORY_LENGTH = 1000
#: seconds between two looks at the session file for delivered task results
FOLLOW_SECONDS = 1.0


def run_chat(args: Any) -> int:
    from .app import App
    from .logs import configure_logging
    from .task_commands import session_key

    session_key(args.session)
    app = App.load(args.home)
    # the log file gets the model calls and task changes; the terminal only warnings
    configure_logging(app.home, getattr(args, "log_level", None), console_level="warning")
    session = args.session or f"cli_{secrets.token_hex(4)}"
    history = LineHistory(app.home / HISTORY_FILE)
    try:
        return anyio.run(_chat, app, session, history)
    finally:
        history.save()


class LineHistory:
    """readline's line editing and a history file, where readline exists (not on Windows)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            import readline
        except ImportError:
            self.readline = None
            return
        self.readline = readline
        readline.set_history_length(HISTORY_LENGTH)
        try:
            readline.read_history_file(path)
        except (FileNotFoundError, OSError):
            pass

    def current_line(self) -> str:
        """What the user has typed so far on the input line."""
        return self.readline.get_line_buffer() if self.readline is not None else ""

    def save(self) -> None:
        if self.readline is None or not sys.stdin.isatty():
            return
        try:
            private_dir(self.path.parent)
            # what the user typed is theirs only; readline keeps the mode of a file that exists
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
            self.readline.write_history_file(self.path)
        except OSError:
            pass  # a read-only data directory loses the history, not the chat


def _read_line() -> str | None:
    try:
        return input(PROMPT)  # input() is what uses readline's editing
    except EOFError:
        return None


async def _chat(app: Any, session: str, history: LineHistory) -> int:
    from .chat import chat_turn
    from .errors import SmallClawError
    from .tasks import Origin

    try:
        ref = await app.model_for("executor")
    except SmallClawError as exc:
        print(f"smallclaw: {exc}", file=sys.stderr)
        return 1
    for message in app.messages:
        print(message)
    print(f"chatting with {ref} in session {session}; /help for commands")
    origin = Origin(channel="cli", session=session)
    earlier, offset = app.sessions.read_from(session, 0)
    shown = {r.get("delivery") for r in earlier if r.get("delivery")}

    async with anyio.create_task_group() as tg:
        runner = app.services.get("runner")  # background tasks started here run in this process
        if runner is not None:
            tg.start_soon(runner.run, app)
        tg.start_soon(_show_results, app, session, shown, offset, history)
        while True:
            line = await anyio.to_thread.run_sync(_read_line, abandon_on_cancel=True)
            if line is None:
                break
            text = line.strip()
            if not text:
                continue
            if text in ("/quit", "/exit"):
                break
            if text == "/help":
                print(HELP)
                continue
            if text == "/tasks":
                for t in app.tasks.list():
                    if t.origin.session == session:
                        print(f"  {t.id} {t.status:<16} {t.steps_done}/{len(t.steps)} {printable(t.title)}")
                continue
            if text.startswith("/task"):
                goal = text[len("/task"):].strip()
                if not goal:
                    print("usage: /task <goal>")
                    continue
                task = app.tasks.create(goal, origin=origin)
                print(f"started task {task.id}: {printable(task.title)} (the result will appear here)")
                continue
            try:
                await chat_turn(app, session, text, origin=origin,
                                on_text=lambda chunk: print(printable(chunk, lines=True), end="", flush=True))
                print()
            except SmallClawError as exc:
                print(f"\n(error: {printable(exc, lines=True)})")
        tg.cancel_scope.cancel()
    await app.aclose()
    return 0


async def _show_results(app: Any, session: str, shown: set[Any], offset: int, history: LineHistory) -> None:
    """Print task results delivered into the session, reading only what was appended."""
    while True:
        await anyio.sleep(FOLLOW_SECONDS)
        records, offset = app.sessions.read_from(session, offset)
        for record in records:
            key = record.get("delivery")
            if key and key not in shown:
                shown.add(key)
                # print above the input line, then draw the prompt and what was typed again
                result = printable(record["message"]["content"], lines=True)
                print(f"\r[task result] {result}\n{PROMPT}{history.current_line()}",
                      end="", flush=True)
