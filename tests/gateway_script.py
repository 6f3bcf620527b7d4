"""The scripted model for the board's end-to-end test: a test double, not a model.

``smallclaw serve`` loads it in a subprocess through ``SMALLCLAW_EXTRA_PLUGINS=smallclaw_core.testing``
and ``SMALLCLAW_SCRIPT=gateway_script:respond``. Each task round takes a little while,
so a browser can watch the card move and press Pause in between.
"""

from __future__ import annotations

import asyncio

from smallclaw_core.testing import call, plan, request_kind, verdict

ROUND_SECONDS = 0.7


async def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the report says the step is done")
    if kind == "planner":
        return plan("look around", "write it down")
    if kind == "summarizer":
        return "All steps are done: the greeting is written."
    system = request.messages[0].content if request.messages else ""
    if "executor" in system:  # a task round: write something, then report it
        await asyncio.sleep(ROUND_SECONDS)
        last = request.messages[-1]
        if last.role != "tool":
            step = next((line for line in last.content.splitlines() if line.startswith("Current step")), "a step")
            return call("write_file", path="notes.txt", content=step)
        return "I did this step; the result is in the workspace."
    return "Hello from the scripted model."  # a chat turn
