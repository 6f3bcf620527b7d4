"""Talking to an OpenAI-compatible server: ``/v1/chat/completions`` streamed as server-sent events.

Tool-call arguments arrive as fragments of a JSON string spread over many events and
are joined per call index. Errors are classified for the runner as the Ollama backend
does: unreachable or too slow is a ``TransportError``, a rejected request a ``ModelError``.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

import anyio
import httpx

from smallclaw_core import (
    ConfigError, DoctorCheck, Message, ModelError, ModelInfo, ModelReply, ModelRequest, ToolCall,
    TransportError, Usage, call_arguments,
)

PROBE_TIMEOUT = 1.5
STYLES = ("auto", "json_schema", "json_object")
DEFAULT_URL = "http://127.0.0.1:8080"


def connection_from(base_url: str, api_key: str, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The base URL and key: configured, else ``$OPENAI_BASE_URL`` / ``$OPENAI_API_KEY``, as the
    OpenAI clients read them; the URL's last resort is a local llama.cpp server."""
    env = os.environ if environ is None else environ
    url = base_url.strip() or env.get("OPENAI_BASE_URL", "").strip() or DEFAULT_URL
    return url, api_key.strip() or env.get("OPENAI_API_KEY", "").strip()


def _error_text(body: bytes) -> str:
    try:
        value = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:300]
    error = value.get("error", value) if isinstance(value, dict) else value
    if isinstance(error, dict):
        return str(error.get("message") or error.get("detail") or error)[:300]
    if isinstance(value, dict) and "detail" in value:
        return str(value["detail"])[:300]
    return str(error)[:300]


def _wire_message(m: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.tool_calls:
        out["tool_calls"] = [{
            "id": c.id or f"call_{i}", "type": "function",
            "function": {"name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)},
        } for i, c in enumerate(m.tool_calls)]
        if not m.content:
            out["content"] = None
    if m.role == "tool":
        out["tool_call_id"] = m.tool_call_id or "call_0"
    return out


class OpenAIBackend:
    """The ``openai`` backend."""

    name = "openai"
    priority = 30

    def __init__(self, base_url: str = DEFAULT_URL, *, api_key: str = "", timeout: float = 10.0,
                 native_tools: bool = True, schema_style: str = "auto"):
        if schema_style not in STYLES:
            raise ConfigError(f"openai.schema_style should be one of {', '.join(STYLES)}, got {schema_style!r}")
        url = base_url.rstrip("/")
        self.base_url = url[:-3] if url.endswith("/v1") else url
        self.api_key = api_key
        self.timeout = timeout
        self.native_tools = native_tools
        self.schema_style = schema_style
        self._client: httpx.AsyncClient | None = None

    @classmethod
    def from_app(cls, app: Any) -> "OpenAIBackend":
        cfg = app.config.section("openai")
        base_url, api_key = connection_from(cfg.base_url, cfg.api_key)
        return cls(base_url, api_key=api_key, timeout=cfg.timeout, native_tools=cfg.native_tools,
                   schema_style=cfg.schema_style)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
            self._client = httpx.AsyncClient(base_url=self.base_url, headers=headers,
                                             timeout=httpx.Timeout(None, connect=self.timeout))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- models -----------------------------------------------------------------

    async def _models(self, timeout: float) -> list[dict[str, Any]]:
        try:
            with anyio.fail_after(timeout):
                response = await self.client.get("/v1/models")
        except TimeoutError as exc:
            raise TransportError(f"{self.base_url} did not list its models within {timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"cannot reach {self.base_url}: {exc or type(exc).__name__}") from exc
        if response.status_code in (401, 403):
            raise ModelError(f"{self.base_url} refused the API key ({response.status_code}): "
                             f"{_error_text(response.content)}")
        if response.status_code >= 400:
            raise ModelError(f"{self.base_url}/v1/models failed ({response.status_code}): "
                             f"{_error_text(response.content)}")
        try:
            return list(response.json().get("data") or [])
        except (ValueError, AttributeError) as exc:
            raise TransportError(f"{self.base_url}/v1/models did not answer with a model list") from exc

    def _info(self, entry: dict[str, Any]) -> ModelInfo:
        meta = entry.get("meta") or {}
        # llama.cpp's server says n_ctx_train in meta; vLLM says max_model_len
        context = meta.get("n_ctx_train") or entry.get("max_model_len") or entry.get("context_length")
        return ModelInfo(str(entry.get("id")), self.name, supports_tools=self.native_tools,
                         context_length=context if isinstance(context, int) else None,
                         details={k: v for k, v in entry.items() if k in ("owned_by", "created")})

    async def list_models(self) -> list[ModelInfo]:
        return [self._info(e) for e in await self._models(self.timeout) if e.get("id")]

    async def describe(self, model: str) -> ModelInfo:
        for entry in await self._models(self.timeout):
            if entry.get("id") == model:
                return self._info(entry)
        # many local servers serve one model under any name: do not refuse it here
        return ModelInfo(model, self.name, supports_tools=self.native_tools)

    async def default_model(self) -> str | None:
        """The first model the server lists, or None when no server answers quickly."""
        try:
            models = await self._models(PROBE_TIMEOUT)
        except (TransportError, ModelError):
            return None
        return next((str(e["id"]) for e in models if e.get("id")), None)

    async def doctor(self, model: str) -> list[DoctorCheck]:
        try:
            models = await self._models(self.timeout)
        except TransportError as exc:
            return [DoctorCheck("server reachable", False, str(exc),
                                fix=f"start the server or set [openai] base_url (now {self.base_url})")]
        except ModelError as exc:
            return [DoctorCheck("server reachable", False, str(exc), fix="check [openai] api_key and base_url")]
        checks = [DoctorCheck("server reachable", True, f"{self.base_url}, {len(models)} model(s)")]
        ids = [str(e.get("id")) for e in models]
        if model in ids or len(ids) == 1:
            note = "" if model in ids else f" (the server serves {ids[0]} under any name)"
            checks.append(DoctorCheck(f"model {model} present", True, note.strip()))
        else:
            checks.append(DoctorCheck(f"model {model} present", False, f"the server has: {', '.join(ids) or 'none'}",
                                      fix=f"set [models] to one of: {', '.join('openai:' + i for i in ids)}"))
        checks.append(DoctorCheck("tool calling", True, "native" if self.native_tools else
                                  "no native tool calls: the JSON tool protocol is used"))
        return checks

    # --- chat -------------------------------------------------------------------

    def payload(self, request: ModelRequest, style: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [_wire_message(m) for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            body["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}} for t in request.tools]
        if request.format is not None:
            if style == "json_object":
                body["response_format"] = {"type": "json_object", "schema": request.format}
            else:
                body["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": "reply", "schema": request.format, "strict": True}}
        o = request.options
        for key, value in (("temperature", o.temperature), ("seed", o.seed), ("max_tokens", o.num_predict)):
            if value is not None:
                body[key] = value
        return body

    async def chat(self, request: ModelRequest) -> ModelReply:
        """One streamed chat completion; ``request.timeout`` bounds the whole call."""
        style = "json_schema" if self.schema_style == "auto" else self.schema_style
        try:
            with anyio.fail_after(request.timeout):
                try:
                    return await self._stream(request, style)
                except _SchemaRejected:
                    # llama-cpp-python's server knows only {"type": "json_object", "schema": ...}
                    self.schema_style = "json_object"
                    return await self._stream(request, "json_object")
        except TimeoutError as exc:
            raise TransportError(f"{self.base_url} did not finish answering within {request.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"cannot reach {self.base_url}: {exc or type(exc).__name__}") from exc

    async def _stream(self, request: ModelRequest, style: str) -> ModelReply:
        content: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        usage = Usage()
        finish: str | None = None
        async with self.client.stream("POST", "/v1/chat/completions", json=self.payload(request, style)) as response:
            if response.status_code >= 400:
                message = _error_text(await response.aread())
                # servers that do not know json_schema say so as 400, 422 or even 500
                # (llama-cpp-python's validation error), naming the field
                rejected_schema = response.status_code == 422 or "response_format" in message \
                    or "json_schema" in message
                if (request.format is not None and style == "json_schema" and self.schema_style == "auto"
                        and response.status_code in (400, 422, 500) and rejected_schema):
                    raise _SchemaRejected()
                if response.status_code == 404:
                    raise ModelError(f"{self.base_url} has no model {request.model!r}: {message}")
                cls = TransportError if response.status_code in (429, 502, 503, 504) else ModelError
                raise cls(f"{self.base_url} refused the request ({response.status_code}): {message}")
            data: list[str] = []
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                    continue
                if line.strip() or not data:
                    continue  # comments, event names, ids: nothing SmallClaw needs
                event, data = "\n".join(data), []
                if event == "[DONE]":
                    break
                try:
                    chunk = json.loads(event)
                except ValueError as exc:
                    raise TransportError(f"{self.base_url} sent an event that is not JSON: {event[:120]!r}") from exc
                if "error" in chunk:
                    raise ModelError(f"{self.base_url} failed while answering: {_error_text(event.encode())}")
                for choice in chunk.get("choices") or []:
                    delta = choice.get("delta") or {}
                    text = delta.get("content") or ""
                    if text:
                        content.append(text)
                        await request.emit_text(text)
                    for part in delta.get("tool_calls") or []:
                        slot = calls.setdefault(int(part.get("index", len(calls))), {"id": "", "name": "", "arguments": ""})
                        fn = part.get("function") or {}
                        slot["id"] = part.get("id") or slot["id"]
                        slot["name"] += fn.get("name") or ""
                        slot["arguments"] += fn.get("arguments") or ""
                    finish = choice.get("finish_reason") or finish
                _read_usage(chunk, usage)
        tool_calls = [ToolCall(name=c["name"], arguments=call_arguments(c["arguments"]), id=c["id"] or f"call_{i}")
                      for i, c in sorted(calls.items()) if c["name"]]
        text = "".join(content)
        if request.format is not None:
            text = _strict_json(text)
        return ModelReply(content=text, tool_calls=tool_calls, usage=usage, done_reason=finish)


def _strict_json(text: str) -> str:
    """Constrained output as strict JSON.

    Some servers' grammars (llama-cpp-python's) let raw newlines into strings, which
    strict JSON parsers reject; re-serialising fixes that without changing the value.
    """
    try:
        json.loads(text)
        return text
    except ValueError:
        pass
    try:
        return json.dumps(json.loads(text, strict=False), ensure_ascii=False)
    except ValueError:
        return text


class _SchemaRejected(Exception):
    """The server does not understand ``response_format: json_schema``."""


def _read_usage(chunk: dict[str, Any], usage: Usage) -> None:
    counts = chunk.get("usage")
    if isinstance(counts, dict):
        usage.prompt_tokens = counts.get("prompt_tokens", usage.prompt_tokens)
        usage.completion_tokens = counts.get("completion_tokens", usage.completion_tokens)
        cached = (counts.get("prompt_tokens_details") or {}).get("cached_tokens")
        if isinstance(cached, int):
            usage.prompt_cached = cached
            if usage.prompt_tokens is not None:
                usage.prompt_evaluated = usage.prompt_tokens - cached
    # llama.cpp's server adds timings: prompt_n is what it evaluated, cache_n what it reused
    timings = chunk.get("timings")
    if isinstance(timings, dict):
        if isinstance(timings.get("prompt_n"), int):
            usage.prompt_evaluated = timings["prompt_n"]
        if isinstance(timings.get("cache_n"), int):
            usage.prompt_cached = timings["cache_n"]
        usage.prompt_eval_ms = timings.get("prompt_ms", usage.prompt_eval_ms)
        usage.eval_ms = timings.get("predicted_ms", usage.eval_ms)
