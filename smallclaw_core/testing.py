"""Test doubles for SmallClaw and for plugin authors' tests.

``ScriptedModel`` is a model backend that answers from a script: replies are
enqueued with ``enqueue()`` (or computed by a ``responder`` function) and every
request is recorded in ``history``. It is a test double, not a model.

For tests that run SmallClaw in a subprocess, set ``SMALLCLAW_EXTRA_PLUGINS`` to
``smallclaw_core.testing`` and ``SMALLCLAW_SCRIPT`` to ``module:function``, a
responder ``function(request) -> reply`` importable in the subprocess; the backend is
then registered under the name ``scripted``.
"""

from __future__ import annotations

import asyncio
import collections
import importlib
import inspect
import json
import os
from typing import Any, Callable

from .errors import ModelError, TransportError
from .hookspecs import hookimpl
from .models import DoctorCheck, ModelInfo, ModelReply, ModelRequest, ToolCall, Usage

Reply = Any  # ModelReply | str | list[ToolCall] | ToolCall | BaseException | callable


def call(name: str, **arguments: Any) -> ToolCall:
    """Shorthand for a scripted tool call."""
    return ToolCall(name=name, arguments=arguments)


def verdict(passed: bool, reason: str = "") -> str:
    """The JSON a verifier model returns, for scripting it."""
    return json.dumps({"answer": "YES" if passed else "NO", "reason": reason or ("done" if passed else "not done")})


def plan(*steps: str) -> str:
    """The JSON a planner model returns, for scripting it."""
    return json.dumps({"steps": [{"description": s} for s in steps]})


def _to_reply(value: Reply) -> ModelReply:
    if isinstance(value, ModelReply):
        return value
    if isinstance(value, str):
        return ModelReply(content=value, done_reason="stop")
    if isinstance(value, ToolCall):
        return ModelReply(tool_calls=[value], done_reason="stop")
    if isinstance(value, list):
        return ModelReply(tool_calls=list(value), done_reason="stop")
    raise TypeError(f"cannot turn {value!r} into a reply")


def request_kind(request: ModelRequest) -> str:
    """Which role a request serves, judged from its constrained format (for responders)."""
    props = (request.format or {}).get("properties", {})
    if "answer" in props:
        return "verifier"
    if "steps" in props:
        return "planner"
    if request.messages and request.messages[0].role == "system" and "summar" in request.messages[0].content.lower() \
            and not request.tools:
        return "summarizer"
    return "executor"


def step_position(request: ModelRequest) -> tuple[int | None, int]:
    """For a responder: the step number a task round is at (from its "Current step N/M" message; None
    outside a task round) and how many tool results came since that message."""
    messages = request.messages
    asked = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if asked is None:
        return None, 0
    step = next((int(line.split()[2].split("/")[0]) for line in messages[asked].content.splitlines()
                 if line.startswith("Current step")), None)
    return step, sum(1 for m in messages[asked:] if m.role == "tool")


class ScriptedModel:
    """A scripted model backend (a test double): enqueued replies, recorded requests."""

    name = "scripted"
    priority = 0

    def __init__(self, responder: Callable[[ModelRequest], Reply] | None = None, *,
                 supports_tools: bool = True, delay: float = 0.0):
        self.queue: collections.deque[Reply] = collections.deque()
        #: replies for one role only ("planner", "verifier", "summarizer", "executor"),
        #: taken before the shared queue
        self.role_queues: dict[str, collections.deque[Reply]] = collections.defaultdict(collections.deque)
        self.history: list[ModelRequest] = []
        self.responder = responder
        self.supports_tools = supports_tools
        self.delay = delay

    def enqueue(self, *replies: Reply) -> "ScriptedModel":
        self.queue.extend(replies)
        return self

    def enqueue_for(self, role: str, *replies: Reply) -> "ScriptedModel":
        """Enqueue replies served only to requests of ``role`` (see ``request_kind``)."""
        self.role_queues[role].extend(replies)
        return self

    def requests_for(self, role: str) -> list[ModelRequest]:
        return [r for r in self.history if request_kind(r) == role]

    async def chat(self, request: ModelRequest) -> ModelReply:
        self.history.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        role_queue = self.role_queues.get(request_kind(request))
        if role_queue:
            value = role_queue.popleft()
        elif self.queue:
            value = self.queue.popleft()
        elif self.responder is not None:
            value = self.responder(request)
            if inspect.isawaitable(value):
                value = await value
        else:
            raise ModelError("the scripted model has no reply left (script exhausted)")
        if callable(value) and not isinstance(value, (ModelReply, ToolCall)):
            value = value(request)
            if inspect.isawaitable(value):
                value = await value
        if isinstance(value, BaseException):
            raise value
        reply = _to_reply(value)
        await request.emit_text(reply.content)
        prompt = sum(len(m.content) for m in request.messages) // 4
        reply.usage = reply.usage if reply.usage.prompt_tokens else Usage(prompt_tokens=prompt, completion_tokens=len(reply.content) // 4)
        return reply

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo("test", self.name, supports_tools=self.supports_tools, context_length=8192)]

    async def describe(self, model: str) -> ModelInfo:
        return ModelInfo(model, self.name, supports_tools=self.supports_tools, context_length=8192)

    async def doctor(self, model: str) -> list[DoctorCheck]:
        return [DoctorCheck("scripted model", True, "a test double")]

    async def default_model(self) -> str:
        return "test"

    async def aclose(self) -> None:
        pass


class ScriptedModelPlugin:
    """Registers a ``ScriptedModel`` as the backend ``scripted``: pass it to ``App.load(extra_plugins=...)``."""

    def __init__(self, model: ScriptedModel):
        self.model = model

    @hookimpl
    def register_backends(self, register):
        register("scripted", lambda app: self.model)


def outage(times: int, then: Reply = None) -> list[Reply]:
    """``times`` transport errors, as a script fragment."""
    return [TransportError("connection refused (scripted outage)") for _ in range(times)] + \
        ([then] if then is not None else [])


# --- the subprocess form: SMALLCLAW_EXTRA_PLUGINS=smallclaw_core.testing -------------


@hookimpl
def register_backends(register):
    target = os.environ.get("SMALLCLAW_SCRIPT")
    if not target:
        return
    module_name, _, func_name = target.partition(":")
    responder = getattr(importlib.import_module(module_name), func_name)
    model = ScriptedModel(responder)
    register("scripted", lambda app: model)
