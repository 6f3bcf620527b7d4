"""Tool calls a model wrote as text: found, named, and never run as something else.

Under native tool calling a small model often writes its call into the reply text
instead of the call field: bare JSON (``{"name": "write_file", "arguments": {...}}``),
fenced in a code block, or in ``<tool_call>`` tags as its chat template taught it.
``recover_calls`` turns such a reply into calls. A name that is not a tool stays as
it was written: the chat loop answers it with the real tools and the closest one
(``create_file`` -> ``write_file``) and runs nothing.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import attrs

from .models import ModelReply, ToolCall, call_arguments

_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_FENCED = re.compile(r"```(?:json|tool_call|tool)?\s*(\{.*?\})\s*```", re.S)

#: words models use for what a tool does, and the verb SmallClaw's tool names use
_VERBS = {
    "write": "write", "create": "write", "save": "write", "make": "write", "put": "write", "store": "write",
    "new": "write", "read": "read", "open": "read", "view": "read", "cat": "read", "get": "read", "show": "read",
    "load": "read", "run": "run", "exec": "run", "execute": "run", "bash": "run", "shell": "run", "command": "run",
    "sh": "run", "terminal": "run", "list": "list", "ls": "list", "dir": "list", "search": "search",
    "find": "search", "grep": "search", "edit": "edit", "replace": "edit", "modify": "edit", "update": "edit",
    "patch": "edit", "done": "done", "finish": "done", "final": "done", "complete": "done", "submit": "done",
}


def _call_from(value: Any) -> ToolCall | None:
    """A call from one parsed JSON value, in the shapes models write them."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("function"), dict):  # {"type": "function", "function": {...}}
        value = value["function"]
    name = value.get("name") or value.get("tool") or value.get("tool_name")
    if not isinstance(name, str) or not name.strip():
        return None
    arguments = call_arguments(value.get("arguments", value.get("parameters", value.get("args", {}))))
    return ToolCall(name=name.strip(), arguments=arguments)


def _values(text: str) -> list[Any]:
    """JSON values in ``text``: tagged blocks first, then fenced ones, then the whole text or bare objects."""
    found: list[Any] = []
    for pattern in (_TAGGED, _FENCED):
        for block in pattern.findall(text):
            try:
                found.append(json.loads(block))
            except ValueError:
                continue
        if found:
            return found
    stripped = text.strip()
    try:
        return [json.loads(stripped)]
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        found.append(value)
        start = text.find("{", end)
    return found


def recover_calls(reply: ModelReply) -> tuple[ModelReply, list[ToolCall]]:
    """``reply`` with the calls written in its text made into calls (and the text dropped); the calls found."""
    if reply.tool_calls or not reply.content or "{" not in reply.content:
        return reply, []
    calls: list[ToolCall] = []
    for value in _values(reply.content):
        for item in value if isinstance(value, list) else [value]:
            call = _call_from(item)
            if call is not None:
                call.id = f"text_{len(calls)}"
                calls.append(call)
    if not calls:
        return reply, []
    return attrs.evolve(reply, content="", tool_calls=calls), calls


def closest_tool(name: str, names: list[str]) -> str | None:
    """The real tool a made-up name most likely means: by what its verb says, else by spelling."""
    words = [w for w in re.split(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])", name.lower()) if w]
    verbs = [_VERBS[w] for w in words if w in _VERBS]
    for verb in verbs:
        for real in names:
            real_words = re.split(r"[_\-]+", real.lower())
            if verb in real_words or any(_VERBS.get(w) == verb for w in real_words):
                return real
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return close[0] if close else None
