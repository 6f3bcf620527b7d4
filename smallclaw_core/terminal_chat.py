"""``smallclaw chat``: an interactive terminal chat on the core chat loop.

Replies stream as the model writes them. ``/task <goal>`` (or asking the model, which
has the ``start_background_task`` tool) starts a background task whose origin is this
session; a runner inside this process works on it, and its result is printed here
when it arrives, even if another process (the server) delivered it.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

import anyio

HELP = """commands:
  /task <goal>    start a background task; its result is shown here
  /tasks          list this session's tasks
  /help           this help
  /quit           leave (Ctrl-D too)"""


def run_chat(args: Any) -> int:
    from .app import App

    app = App.load(args.home)
    session = args.session or f"cli_{secrets.token_hex(4)}"
    return anyio.run(_chat, app, session)


async def _chat(app: Any, session: str) -> int:
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
    shown = {r.get("delivery") for r in app.sessions.records(session) if r.get("delivery")}

    async with anyio.create_task_group() as tg:
        runner = app.services.get("runner")  # background tasks started here run in this process
        if runner is not None:
            tg.start_soon(runner.run, app)
        tg.start_soon(_show_results, app, session, shown)
        while True:
            print("> ", end="", flush=True)
            line = await anyio.to_thread.run_sync(sys.stdin.readline, abandon_on_cancel=True)
            if not line:
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
                        print(f"  {t.id} {t.status:<16} {t.steps_done}/{len(t.steps)} {t.title}")
                continue
            if text.startswith("/task"):
                goal = text[len("/task"):].strip()
                if not goal:
                    print("usage: /task <goal>")
                    continue
                task = app.tasks.create(goal, origin=origin)
                print(f"started task {task.id}: {task.title} (the result will appear here)")
                continue
            try:
                await chat_turn(app, session, text, origin=origin,
                                on_text=lambda chunk: print(chunk, end="", flush=True))
                print()
            except SmallClawError as exc:
                print(f"\n(error: {exc})")
        tg.cancel_scope.cancel()
    await app.aclose()
    return 0


async def _show_results(app: Any, session: str, shown: set[Any]) -> None:
    while True:
        await anyio.sleep(1.0)
        for record in app.sessions.records(session):
            key = record.get("delivery")
            if key and key not in shown:
                shown.add(key)
                print(f"\n[task result] {record['message']['content']}\n> ", end="", flush=True)
