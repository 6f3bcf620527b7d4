"""Talking to Ollama: ``/api/chat`` streamed as newline-delimited JSON, ``/api/show``, ``/api/tags``.

Errors are classified for the runner: a refused connection or a timeout is a
``TransportError`` (retried with back-off), a missing model or a rejected request a
``ModelError`` (the task pauses with the message).
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx

from smallclaw_core import (
    DoctorCheck, Message, ModelError, ModelInfo, ModelReply, ModelRequest, ToolCall, TransportError, Usage,
    call_arguments,
)

log = logging.getLogger("smallclaw.ollama")

DEFAULT_URL = "http://127.0.0.1:11434"
#: a model not called for this long may have been unloaded (Ollama's keep_alive is 5 minutes)
MAYBE_UNLOADED_AFTER = 240.0
#: a load that took longer than this is reported in the log
SLOW_LOAD_SECONDS = 1.0
#: how long the automatic choice waits for Ollama before using the embedded model
PROBE_TIMEOUT = 1.5

#: words in an error message that mean "try again later" rather than "this cannot work"
_TRANSIENT = ("timeout", "timed out", "temporarily", "try again", "server busy", "connection reset",
              "connection refused", "unexpected eof", "broken pipe")


def base_url_from(configured: str, environ: dict[str, str] | None = None) -> str:
    """The base URL: the configured one, else ``$OLLAMA_HOST`` (as Ollama reads it), else the default."""
    env = os.environ if environ is None else environ
    value = (configured or env.get("OLLAMA_HOST", "")).strip()
    if not value:
        return DEFAULT_URL
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    host = parts.hostname or "127.0.0.1"
    # OLLAMA_HOST=0.0.0.0 tells the server to listen everywhere; a client reaches it locally
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or (443 if parts.scheme == "https" else 11434)
    return f"{parts.scheme}://{host}:{port}{parts.path.rstrip('/')}"


def _missing(model: str) -> ModelError:
    return ModelError(f"model {model} is not available; run `ollama pull {model}`")


def _error_text(body: bytes) -> str:
    try:
        value = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:300]
    if isinstance(value, dict) and "error" in value:
        error = value["error"]
        return error.get("message", str(error)) if isinstance(error, dict) else str(error)
    return str(value)[:300]


def _is_transient(message: str) -> bool:
    low = message.lower()
    return any(word in low for word in _TRANSIENT)


def _ms(ns: Any) -> float | None:
    return ns / 1e6 if isinstance(ns, (int, float)) else None


def _wire_message(m: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.tool_calls:
        out["tool_calls"] = [{"function": {"name": c.name, "arguments": c.arguments}} for c in m.tool_calls]
    if m.role == "tool" and m.name:
        out["tool_name"] = m.name
    return out


def _tool_call(raw: dict[str, Any], index: int) -> ToolCall:
    fn = raw.get("function", {}) or {}
    # Ollama sends objects; some model templates still produce a JSON string
    arguments = call_arguments(fn.get("arguments", {}))
    return ToolCall(name=str(fn.get("name", "")), arguments=arguments, id=str(raw.get("id") or f"call_{index}"))


class OllamaBackend:
    """The ``ollama`` backend: one async HTTP client, model descriptions cached."""

    name = "ollama"
    priority = 10

    def __init__(self, base_url: str = "", *, keep_alive: str = "", think: bool | None = None,
                 connect_timeout: float = 5.0, num_ctx: int | None = None):
        self.base_url = base_url_from(base_url)
        self.keep_alive = keep_alive
        self.think = think
        self.connect_timeout = connect_timeout
        #: the context window SmallClaw asks for, for doctor's check
        self.num_ctx = num_ctx
        self._client: httpx.AsyncClient | None = None
        self._described: dict[str, ModelInfo] = {}
        #: when each model was last called, to tell when Ollama may have to load it first
        self._last_call: dict[str, float] = {}

    @classmethod
    def from_app(cls, app: Any) -> "OllamaBackend":
        cfg = app.config.section("ollama")
        return cls(cfg.base_url, keep_alive=cfg.keep_alive, think=cfg.think,
                   connect_timeout=cfg.connect_timeout, num_ctx=app.config.models.num_ctx)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            # no read timeout here: each call sets its own deadline (see chat)
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=httpx.Timeout(
                None, connect=self.connect_timeout))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- plain requests -------------------------------------------------------------

    async def _request(self, method: str, path: str, *, timeout: float, model: str | None = None,
                       **kwargs: Any) -> Any:
        try:
            with anyio.fail_after(timeout):
                response = await self.client.request(method, path, **kwargs)
        except TimeoutError as exc:
            raise TransportError(f"Ollama at {self.base_url} did not answer {path} within {timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"cannot reach Ollama at {self.base_url}: {exc or type(exc).__name__}") from exc
        if response.status_code == 404 and model is not None:
            raise _missing(model)
        if response.status_code >= 400:
            message = _error_text(response.content)
            cls = TransportError if response.status_code >= 502 or _is_transient(message) else ModelError
            raise cls(f"Ollama {path} failed ({response.status_code}): {message}")
        try:
            return response.json()
        except ValueError as exc:
            raise TransportError(f"Ollama {path} sent something that is not JSON") from exc

    async def version(self, timeout: float = 10.0) -> str:
        data = await self._request("GET", "/api/version", timeout=timeout)
        return str(data.get("version", "unknown"))

    async def list_models(self, timeout: float = 10.0) -> list[ModelInfo]:
        """The local models (``/api/tags``), each described through ``/api/show`` where that works."""
        data = await self._request("GET", "/api/tags", timeout=timeout)
        infos = []
        for entry in data.get("models", []) or []:
            name = entry.get("name") or entry.get("model")
            if not name:
                continue
            try:
                info = await self.describe(name)
            except (ModelError, TransportError):
                info = ModelInfo(name, self.name)
            info.size = entry.get("size")
            info.details = {**(entry.get("details") or {}), **info.details}
            infos.append(info)
        return infos

    async def describe(self, model: str) -> ModelInfo:
        """Capabilities and context length from ``/api/show`` (cached per model)."""
        if model in self._described:
            return self._described[model]
        data = await self._request("POST", "/api/show", timeout=10.0, model=model, json={"model": model})
        capabilities = data.get("capabilities")
        if isinstance(capabilities, list):
            supports_tools: bool | None = "tools" in capabilities
        else:
            # Ollama before 0.6 has no capabilities list; its templates mention .Tools when tools work
            template = data.get("template")
            supports_tools = (".Tools" in template) if isinstance(template, str) else None
        context_length = None
        for key, value in (data.get("model_info") or {}).items():
            if key.endswith(".context_length") and isinstance(value, int):
                context_length = value
        details = dict(data.get("details") or {})
        if isinstance(capabilities, list):
            details["capabilities"] = capabilities
        info = ModelInfo(model, self.name, supports_tools=supports_tools, context_length=context_length,
                         details=details)
        self._described[model] = info
        return info

    async def default_model(self) -> str | None:
        """The first chat model Ollama has, or None when Ollama is unreachable or has none."""
        try:
            data = await self._request("GET", "/api/tags", timeout=PROBE_TIMEOUT)
        except (TransportError, ModelError):
            return None
        for entry in data.get("models", []) or []:
            name = entry.get("name") or entry.get("model") or ""
            family = str((entry.get("details") or {}).get("family", ""))
            # embedding models (nomic-embed-text, ...) cannot chat
            if name and "embed" not in name and "bert" not in family:
                return name
        return None

    async def doctor(self, model: str) -> list[DoctorCheck]:
        checks: list[DoctorCheck] = []
        try:
            version = await self.version(timeout=5.0)
        except TransportError as exc:
            return [DoctorCheck("Ollama reachable", False, str(exc),
                                fix=f"start Ollama (`ollama serve`) or set [ollama] base_url "
                                    f"(now {self.base_url})")]
        checks.append(DoctorCheck("Ollama reachable", True, f"{self.base_url}, version {version}"))
        try:
            info = await self.describe(model)
        except ModelError as exc:
            checks.append(DoctorCheck(f"model {model} present", False, str(exc), fix=f"ollama pull {model}"))
            return checks
        except TransportError as exc:
            checks.append(DoctorCheck(f"model {model} present", False, str(exc), fix="check that Ollama is healthy"))
            return checks
        checks.append(DoctorCheck(f"model {model} present", True))
        if info.supports_tools is False:
            checks.append(DoctorCheck("tool calling", True, "no native tool calls: the JSON tool protocol is used"))
        else:
            checks.append(DoctorCheck("tool calling", True, "native" if info.supports_tools else "unknown; assumed native"))
        if info.context_length and self.num_ctx and info.context_length < self.num_ctx:
            checks.append(DoctorCheck(
                "context length", False,
                f"the model holds {info.context_length} tokens; [models] num_ctx asks for {self.num_ctx}",
                fix=f"set [models] num_ctx = {info.context_length} or choose a model with a larger window"))
        else:
            checks.append(DoctorCheck("context length", True,
                                      f"{info.context_length or 'unknown'} tokens"
                                      + (f" (using {self.num_ctx})" if self.num_ctx else "")))
        return checks

    # --- chat -----------------------------------------------------------------------

    def payload(self, request: ModelRequest) -> dict[str, Any]:
        """The ``/api/chat`` body for a request."""
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [_wire_message(m) for m in request.messages],
            "stream": True,
        }
        if request.tools:
            body["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}} for t in request.tools]
        if request.format is not None:
            body["format"] = request.format
        o = request.options
        options = {k: v for k, v in (("num_ctx", o.num_ctx), ("temperature", o.temperature),
                                     ("seed", o.seed), ("num_predict", o.num_predict)) if v is not None}
        if options:
            body["options"] = options
        think = o.think if o.think is not None else self.think
        if think is not None:
            body["think"] = think
        if self.keep_alive:
            body["keep_alive"] = int(self.keep_alive) if self.keep_alive.lstrip("-").isdigit() else self.keep_alive
        return body

    async def chat(self, request: ModelRequest) -> ModelReply:
        """One ``/api/chat`` call, streamed; ``request.on_text`` sees content as it arrives.

        ``request.timeout`` bounds the whole call, so a server that stalls mid-stream
        becomes a ``TransportError``. Cancelling the calling task closes the connection,
        which makes Ollama stop generating.
        """
        try:
            with anyio.fail_after(request.timeout):
                await self._say_if_loading(request.model)
                reply = await self._stream_chat(request)
                self._last_call[request.model] = time.monotonic()
                load = (reply.usage.load_ms or 0) / 1000
                if load >= SLOW_LOAD_SECONDS:
                    log.info("Ollama loaded %s in %.1f s", request.model, load)
                return reply
        except TimeoutError as exc:
            raise TransportError(
                f"Ollama did not finish answering within {request.timeout:g} s ({request.model})") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"cannot reach Ollama at {self.base_url}: {exc or type(exc).__name__}") from exc

    async def _say_if_loading(self, model: str) -> None:
        """Before a call that may wait for a cold load, say so: a large model takes a minute to load."""
        last = self._last_call.get(model)
        if last is not None and time.monotonic() - last < MAYBE_UNLOADED_AFTER:
            return
        try:
            data = await self._request("GET", "/api/ps", timeout=2.0)
        except (TransportError, ModelError):
            return  # an Ollama without /api/ps: the line after the load still says how long it took
        loaded = {entry.get("name") or entry.get("model") for entry in data.get("models", []) or []}
        if model not in loaded and f"{model}:latest" not in loaded:
            log.info("Ollama is loading %s into memory; the first answer waits for it", model)

    async def _stream_chat(self, request: ModelRequest) -> ModelReply:
        content: list[str] = []
        thinking: list[str] = []
        calls: list[ToolCall] = []
        async with self.client.stream("POST", "/api/chat", json=self.payload(request)) as response:
            if response.status_code >= 400:
                message = _error_text(await response.aread())
                if response.status_code == 404:
                    raise _missing(request.model)
                transient = response.status_code >= 502 or _is_transient(message)
                raise (TransportError if transient else ModelError)(
                    f"Ollama refused the request ({response.status_code}): {message}")
            # aiter_lines joins objects that arrive cut across network chunks
            async for line in response.aiter_lines():
                if not line.strip():
                    continue
                try:
                    chunk = json.loads(line)
                except ValueError as exc:
                    raise TransportError(f"Ollama sent a line that is not JSON: {line[:120]!r}") from exc
                if "error" in chunk:
                    message = _error_text(json.dumps({"error": chunk["error"]}).encode())
                    raise (TransportError if _is_transient(message) else ModelError)(
                        f"Ollama failed while answering ({request.model}): {message}")
                message_part = chunk.get("message") or {}
                text = message_part.get("content") or ""
                if text:
                    content.append(text)
                    await request.emit_text(text)
                if message_part.get("thinking"):
                    thinking.append(message_part["thinking"])
                for raw in message_part.get("tool_calls") or []:
                    calls.append(_tool_call(raw, len(calls)))
                if chunk.get("done"):
                    return ModelReply(
                        content="".join(content), tool_calls=calls, thinking="".join(thinking),
                        done_reason=chunk.get("done_reason"), usage=Usage(
                            prompt_evaluated=chunk.get("prompt_eval_count"),
                            completion_tokens=chunk.get("eval_count"),
                            duration_ms=_ms(chunk.get("total_duration")),
                            prompt_eval_ms=_ms(chunk.get("prompt_eval_duration")),
                            eval_ms=_ms(chunk.get("eval_duration")),
                            load_ms=_ms(chunk.get("load_duration")),
                        ))
        raise TransportError(f"Ollama closed the stream before it was done ({request.model})")
