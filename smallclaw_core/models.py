"""The values exchanged with model backends: messages, tool calls, requests, replies.

A backend plugin turns a ``ModelRequest`` into a ``ModelReply``; nothing else about
the wire format of a model server leaks into the rest of SmallClaw.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Protocol, runtime_checkable

import attrs


@attrs.define
class ToolCall:
    """One call of a tool that a model asked for."""

    name: str
    arguments: dict[str, Any] = attrs.field(factory=dict)
    id: str = ""


def call_arguments(value: Any) -> dict[str, Any]:
    """A tool call's arguments as a dict, however a server or a model sent them.

    A JSON object passes; a string holding one is parsed (blank: no arguments); any
    other string is kept as ``{"_unparsed": text}``, so the chat loop's argument check
    tells the model what went wrong; anything else is no arguments.
    """
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return {}
    if not value.strip():
        return {}
    import json

    try:
        parsed = json.loads(value)
    except ValueError:
        return {"_unparsed": value}
    return parsed if isinstance(parsed, dict) else {"_unparsed": value}


def describe_call(name: str, arguments: Any) -> str:
    """A tool call as people read it, the same in the journal, the CLI and a verifier's evidence:
    ``write_file({"path": "a.txt"})``."""
    import json

    return f"{name}({json.dumps(arguments, ensure_ascii=False)})"


@attrs.define
class Message:
    """One message of a conversation (roles: system, user, assistant, tool)."""

    role: str
    content: str = ""
    tool_calls: list[ToolCall] = attrs.field(factory=list)
    #: for role ``tool``: the id and name of the call this message answers
    tool_call_id: str | None = None
    name: str | None = None


@attrs.define
class ToolSpec:
    """What a model is told about a tool: a name, a description and a JSON schema."""

    name: str
    description: str
    parameters: dict[str, Any]


@attrs.define
class ModelOptions:
    num_ctx: int | None = None
    temperature: float | None = None
    seed: int | None = None
    num_predict: int | None = None
    think: bool | None = None


@attrs.define
class ModelRequest:
    """Everything a backend needs for one model call.

    ``format`` is a JSON schema the reply must conform to (constrained output), or
    ``None``. ``on_text`` receives streamed text as it arrives when a caller wants it.
    """

    model: str
    messages: list[Message]
    tools: list[ToolSpec] = attrs.field(factory=list)
    format: dict[str, Any] | None = None
    options: ModelOptions = attrs.field(factory=ModelOptions)
    timeout: float = 120.0
    on_text: Callable[[str], Any] | None = None

    async def emit_text(self, text: str) -> None:
        """Hand streamed text to ``on_text``, if the caller wants it (sync or async)."""
        if self.on_text is not None and text:
            result = self.on_text(text)
            if inspect.isawaitable(result):
                await result


@attrs.define
class Usage:
    """Token counters of one model call, where the backend reports them.

    ``prompt_evaluated`` is how many prompt tokens the model actually processed;
    ``prompt_cached`` how many came from the key/value cache.
    """

    prompt_tokens: int | None = None
    prompt_evaluated: int | None = None
    prompt_cached: int | None = None
    completion_tokens: int | None = None
    duration_ms: float | None = None
    prompt_eval_ms: float | None = None
    eval_ms: float | None = None
    load_ms: float | None = None


@attrs.define
class ModelReply:
    content: str = ""
    tool_calls: list[ToolCall] = attrs.field(factory=list)
    usage: Usage = attrs.field(factory=Usage)
    done_reason: str | None = None
    thinking: str = ""


@attrs.define
class ModelInfo:
    """What a backend knows about one of its models."""

    name: str
    backend: str
    supports_tools: bool | None = None
    context_length: int | None = None
    size: int | None = None
    details: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class DoctorCheck:
    """One line of ``smallclaw doctor``: what was checked, whether it passed, the fix."""

    what: str
    ok: bool
    detail: str = ""
    fix: str = ""
    #: a problem SmallClaw works around (printed as ``warn``, not counted as a failure)
    warning: bool = False


# --- how big a model is, and what that means -----------------------------------------

#: below this a model's YES means little alone (the runner double-checks it, plans by sentences)
SMALL_MODEL_PARAMETERS = 1.5e9
SMALL_MODEL_BYTES = 1_000_000_000
#: below this a model rarely finishes real work: doctor and the board say so
TOO_SMALL_PARAMETERS = 0.4e9
TOO_SMALL_BYTES = 300_000_000

BIGGER_MODELS = ("use a model of 0.5B parameters or more, better 1.5B to 8B: with Ollama, "
                 "`ollama pull qwen2.5-coder:1.5b` and [models] executor = \"ollama:qwen2.5-coder:1.5b\"; "
                 "embedded, `smallclaw models pull Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/"
                 "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`")


def parameter_count(info: Any) -> float | None:
    """A model's parameters: what its backend reports ("494.03M", "4.0B"), else what its name
    says ("qwen2.5-coder:0.5b", "...-1.5b-instruct-q4_k_m.gguf"), or None."""
    import re

    text = str((getattr(info, "details", None) or {}).get("parameter_size", "")).strip().upper()
    match = re.fullmatch(r"([\d.]+)\s*([MB])", text)
    if not match:
        name = str(getattr(info, "name", "") or "").rsplit("/", 1)[-1].upper()
        match = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)([MB])(?![A-Z0-9])", name)
    if not match:
        return None
    return float(match.group(1)) * (1e6 if match.group(2) == "M" else 1e9)


def _below(info: Any, parameters: float, size: int) -> bool:
    if info is None:
        return False
    count = parameter_count(info)
    if count is not None:
        return count < parameters
    file_size = getattr(info, "size", None)
    return isinstance(file_size, int) and 0 < file_size < size


def is_small_model(info: Any) -> bool:
    """Whether a model is small enough that its YES alone means little (by parameters, else file size)."""
    return _below(info, SMALL_MODEL_PARAMETERS, SMALL_MODEL_BYTES)


def too_small_advice(info: Any) -> str | None:
    """What to tell the user when a model is too small for real work (None when it is not)."""
    if not _below(info, TOO_SMALL_PARAMETERS, TOO_SMALL_BYTES):
        return None
    count = parameter_count(info)
    size = f"{count / 1e6:.0f}M parameters" if count else f"{getattr(info, 'size', 0) // 1_000_000} MB"
    return (f"{info.name} ({size}) is too small for real work: tasks will mostly pause asking for help. "
            f"To get tasks done, {BIGGER_MODELS}")


@runtime_checkable
class Backend(Protocol):
    """A model backend, as registered through the ``register_backends`` hook.

    ``chat`` raises ``TransportError`` when the server cannot be reached or times
    out, and ``ModelError`` for an answer retrying cannot fix (a missing model).
    """

    name: str

    async def chat(self, request: ModelRequest) -> ModelReply: ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def describe(self, model: str) -> ModelInfo: ...

    async def doctor(self, model: str) -> list[DoctorCheck]: ...

    async def aclose(self) -> None: ...


BackendFactory = Callable[[Any], Backend]
TextCallback = Callable[[str], Awaitable[None] | None]
