"""Scripted responder for the Telegram crash test's runner subprocess (a test double, not a model).

Loaded with SMALLCLAW_EXTRA_PLUGINS=smallclaw_core.testing and
SMALLCLAW_SCRIPT=telegram_worker:respond (this directory on PYTHONPATH). The summary
is long enough to go out as three Telegram messages.
"""

from __future__ import annotations

import json

from smallclaw_core.testing import request_kind, verdict

#: numbered lines, so each part of the summary can be told apart
SUMMARY = "\n".join(f"line {i:04d}: " + "the quick brown fox jumps over the lazy dog. " * 2 for i in range(110))


async def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the step is done")
    if kind == "summarizer":
        return SUMMARY
    if kind == "planner":
        return json.dumps({"steps": [{"description": "write it"}]})
    return "Done: it is written."
