"""Scripted responder and test tools for runner subprocess tests (a test double, not a model).

Loaded in a subprocess through SMALLCLAW_EXTRA_PLUGINS=smallclaw_core.testing,scripted_worker
and SMALLCLAW_SCRIPT=scripted_worker:respond (tests/ on PYTHONPATH).
"""

from __future__ import annotations

import json
import os

from smallclaw_core import hookimpl, tool
from smallclaw_core.testing import call, request_kind, verdict


@tool
def note(text: str, ctx) -> str:
    """Record a note (a test tool)."""
    path = os.environ.get("SCRIPTED_NOTES")
    if path:
        with open(path, "a") as fh:
            fh.write(json.dumps({"task": ctx.task_id, "pid": os.getpid(), "text": text}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return f"noted: {text}"


@hookimpl
def register_tools(register):
    register(note)


class FileNotifier:
    """A notifier that appends each notification key to a file (a test double)."""

    name = "file"

    async def notify(self, notification) -> None:
        path = os.environ.get("SCRIPTED_DELIVERIES")
        if path:
            with open(path, "a") as fh:
                fh.write(notification.key + "\n")
                fh.flush()
                os.fsync(fh.fileno())


@hookimpl
def register_notifiers(register):
    register(FileNotifier())


async def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the note was recorded")
    if kind == "summarizer":
        return "Summary: notes recorded."
    if kind == "planner":
        return json.dumps({"steps": [{"description": "record a note"}]})
    last = request.messages[-1]
    if last.role == "tool":
        return "Done: the note is recorded."
    delay = float(os.environ.get("SCRIPTED_DELAY", "0"))
    if delay:
        import anyio

        await anyio.sleep(delay)
    return call("note", text=last.content.splitlines()[1][:40] if "\n" in last.content else "x")
