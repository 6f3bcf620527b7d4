"""Tool calls as constrained JSON, for models and backends without native tool calling.

The model is told the tools in a few lines of the system prompt and its reply is
constrained to one JSON object: ``{"tool": <name>, "arguments": {...}}`` to call a
tool, or ``{"final": "..."}`` to answer. The schema is built from the registered
tools, so even a 135M-parameter model produces a well-formed call every time (what
it calls may still be wrong; verification deals with that).

The chat loop converts a request with ``to_json_protocol`` before sending it and the
reply with ``from_json_protocol`` after; history is rewritten so that earlier tool
calls and results read as plain messages. The tool description goes at the end of
the FIRST system message, which never changes between rounds, so the prompt prefix
(and the model server's key/value cache) stays valid across rounds.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import attrs

from .errors import ConfigError
from .models import Message, ModelInfo, ModelReply, ModelRequest, ToolCall, ToolSpec

MODES = ("auto", "native", "json")

#: longest description of one tool shown to the model; small windows matter more
#: than complete prose, and the docstring's first sentence usually says it all
_DESCRIPTION_LIMIT = 160


#: under this many parameters, "auto" uses the constrained JSON protocol even where the
#: server offers native tool calls: small models write their native calls as plain text
#: (measured with Qwen2.5-Coder-0.5B behind Ollama's API: no task ran natively, and the
#: same tasks ran with the reply constrained to the JSON protocol)
JSON_PROTOCOL_BELOW = 4e9


def protocol_choice(mode: str, info: ModelInfo | None) -> tuple[bool, str]:
    """(use the JSON protocol, why): ``[models] tool_protocol`` and what is known of the model."""
    from .models import parameter_count

    if mode == "json":
        return True, "[models] tool_protocol = \"json\""
    if mode == "native":
        return False, "[models] tool_protocol = \"native\""
    if mode != "auto":
        raise ConfigError(f"models.tool_protocol should be one of {', '.join(MODES)}, got {mode!r}")
    if info is None:
        return False, "nothing is known of the model; native tool calls are tried"
    if info.supports_tools is False:
        return True, "the model has no native tool calling"
    count = parameter_count(info)
    if count is not None and count < JSON_PROTOCOL_BELOW:
        return True, (f"a model of {count / 1e9:.1f}B parameters calls tools more reliably with its reply "
                      f"constrained to JSON (under {JSON_PROTOCOL_BELOW / 1e9:.0f}B)")
    if count is not None:
        return False, f"{count / 1e9:.1f}B parameters, and the server offers native tool calls"
    return False, "the server offers native tool calls"


def uses_json_protocol(mode: str, info: ModelInfo | None) -> bool:
    """Whether to use the JSON protocol (see ``protocol_choice``)."""
    return protocol_choice(mode, info)[0]


def _arguments_schema(parameters: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(parameters) if parameters else {}
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    # an invented argument would only fail later in check_arguments: forbid it here
    schema.setdefault("additionalProperties", False)
    return schema


def json_protocol_schema(tools: list[ToolSpec]) -> dict[str, Any]:
    """The JSON schema of a reply: one call of a named tool with its arguments, or a final answer."""
    choices: list[dict[str, Any]] = [
        {
            "type": "object",
            "properties": {"tool": {"const": t.name}, "arguments": _arguments_schema(t.parameters)},
            "required": ["tool", "arguments"],
            "additionalProperties": False,
        }
        for t in tools
    ]
    choices.append({
        "type": "object",
        "properties": {"final": {"type": "string"}},
        "required": ["final"],
        "additionalProperties": False,
    })
    return {"anyOf": choices}


def _signature(spec: ToolSpec) -> str:
    props = spec.parameters.get("properties", {}) if spec.parameters else {}
    required = set(spec.parameters.get("required", [])) if spec.parameters else set()
    params = ", ".join(
        f"{name}{'' if name in required else '?'}: {schema.get('type', 'any')}" for name, schema in props.items()
    )
    description = " ".join(spec.description.split())
    if len(description) > _DESCRIPTION_LIMIT:
        description = description[: _DESCRIPTION_LIMIT - 3].rstrip() + "..."
    return f"- {spec.name}({params}): {description}"


def protocol_instructions(tools: list[ToolSpec]) -> str:
    """The short text that tells the model its tools and the reply format."""
    lines = ["Tools:"] + [_signature(t) for t in tools] if tools else ["You have no tools."]
    lines.append(
        'Reply with one JSON object: {"tool": "<name>", "arguments": {...}} to use a tool, '
        'or {"final": "<your answer>"} when you are done.'
    )
    return "\n".join(lines)


def _call_json(call: ToolCall) -> str:
    return json.dumps({"tool": call.name, "arguments": call.arguments}, ensure_ascii=False)


def plain_history(messages: list[Message]) -> list[Message]:
    """The conversation with tool calls and results as plain messages (no instructions added).

    For backends that cannot send tool calls at all: assistant calls become the JSON
    the protocol asks for, results become user messages "Result of <name>: ...".
    """
    return _rewrite(messages, None)


def _rewrite(messages: list[Message], instructions: str | None) -> list[Message]:
    out: list[Message] = []
    names_by_id: dict[str, str] = {}
    told = instructions is None
    for m in messages:
        if m.role == "system" and not told:
            text = f"{m.content.rstrip()}\n\n{instructions}" if m.content.strip() else instructions
            out.append(Message("system", text))
            told = True
        elif m.role == "assistant" and m.tool_calls:
            for call in m.tool_calls:
                if call.id:
                    names_by_id[call.id] = call.name
            # one message per call: each reads exactly like the replies the model is asked for
            if m.content.strip():
                out.append(Message("assistant", m.content))
            out.extend(Message("assistant", _call_json(c)) for c in m.tool_calls)
        elif m.role == "tool":
            name = m.name or names_by_id.get(m.tool_call_id or "", "") or "the tool"
            out.append(Message("user", f"Result of {name}: {m.content}"))
        else:
            out.append(Message(m.role, m.content, name=m.name))
    if not told and instructions is not None:
        out.insert(0, Message("system", instructions))
    return out


def to_json_protocol(request: ModelRequest) -> ModelRequest:
    """The same request for a model without native tools: tools in the prompt, reply as JSON.

    ``tools`` is dropped; ``format`` becomes the protocol schema unless the request
    already constrains its reply (a verifier's or planner's own schema wins).
    """
    instructions = protocol_instructions(request.tools)
    return attrs.evolve(
        request,
        messages=_rewrite(request.messages, instructions),
        tools=[],
        format=request.format if request.format is not None else json_protocol_schema(request.tools),
    )


def _json_objects(text: str):
    """Yield the JSON objects in ``text``: the whole of it first, then each ``{...}`` block."""
    stripped = text.strip()
    try:
        yield json.loads(stripped)
    except ValueError:
        pass
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            value = None
        if value is not None:
            yield value
        start = text.find("{", start + 1)


def close_truncated_json(text: str) -> str | None:
    """Close a JSON object cut off by the token limit; None when that does not give valid JSON.

    Small models sometimes run on inside a string ("123456. 123456. ...") until the
    token limit cuts them off. The reply was well-formed up to there (constrained
    output guarantees it), so closing the open string, arrays and objects recovers it:
    a cut-off answer is better than none, and a cut-off call is still checked.
    """
    start = text.find("{")
    if start == -1:
        return None
    stack: list[str] = []
    in_string = escaped = False
    for ch in text[start:]:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not stack:
                return None
            stack.pop()
    body = text[start:].rstrip()
    if in_string:
        if escaped:
            body = body[:-1]
        body += '"'
    candidate = body + "".join(reversed(stack))
    for attempt in (candidate, body.rstrip().rstrip(",") + "".join(reversed(stack))):
        try:
            json.loads(attempt)
            return attempt
        except ValueError:
            continue
    return None


#: the protocol's own syntax written on inside a string argument: a small model that
#: wants to call step_done next writes ``..."}}.step_done(report: "`` into the content
_LEAKED_CALL = re.compile(r'"\s*\}+\s*\.\s*(?:step_done|final|tool)\s*\([^\n]*\Z')


def cut_leaked_call(text: str) -> str:
    """A string argument without a next call the model wrote on into it."""
    match = _LEAKED_CALL.search(text)
    return text[: match.start()] if match else text


def from_json_protocol(reply: ModelReply) -> ModelReply:
    """Turn a protocol reply into tool calls or final content; anything else stays as it is."""
    if reply.tool_calls or not reply.content:
        return reply
    candidates = list(_json_objects(reply.content))
    if not any(isinstance(v, dict) and ("tool" in v or "final" in v) for v in candidates):
        closed = close_truncated_json(reply.content)
        if closed is not None:
            candidates.append(json.loads(closed))
    for value in candidates:
        if not isinstance(value, dict):
            continue
        name = value.get("tool")
        if isinstance(name, str) and name:
            arguments = value.get("arguments")
            if not isinstance(arguments, dict):
                # a call without usable arguments still reaches check_arguments, which
                # tells the model what is missing, rather than vanishing as text
                arguments = {}
            arguments = {k: cut_leaked_call(v) if isinstance(v, str) else v for k, v in arguments.items()}
            return attrs.evolve(reply, content="", tool_calls=[ToolCall(name=name, arguments=arguments, id="call_0")])
        final = value.get("final")
        if isinstance(final, str):
            return attrs.evolve(reply, content=final)
    return reply
