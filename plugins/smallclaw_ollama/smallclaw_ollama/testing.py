"""A stand-in for an Ollama server, for tests: it replays Ollama's wire format over real HTTP.

``OllamaStandIn`` is a test double, not Ollama. It listens on 127.0.0.1 (a free
port), answers ``/api/version``, ``/api/tags``, ``/api/ps``, ``/api/show`` and ``/api/chat`` the way
Ollama's API documentation describes, and records every request. Replies to
``/api/chat`` are scripted with ``enqueue()``::

    with OllamaStandIn({"qwen3:4b": ModelCard()}) as server:
        server.enqueue(stream(chat_objects("Hello", split_every=7)))
        ...  # point [ollama] base_url at server.base_url

Streams are written with chunked transfer encoding in pieces of ``split_every`` bytes,
so JSON objects arrive cut in the middle, as they can from a real server.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import attrs


@attrs.define
class ModelCard:
    """A model the stand-in pretends to have."""

    capabilities: list[str] = attrs.field(factory=lambda: ["completion", "tools"])
    #: as Ollama reports it in ``details.parameter_size``
    parameter_size: str = "4.0B"
    context_length: int = 40960
    family: str = "qwen3"
    size: int = 2_500_000_000


@attrs.define
class Streamed:
    """A streamed ``/api/chat`` answer: these objects as NDJSON, cut every ``split_every`` bytes."""

    objects: list[dict[str, Any]]
    split_every: int = 0
    #: seconds to wait between pieces
    delay: float = 0.0
    #: seconds to stall after the first piece (a server that hangs mid-answer)
    stall_after_first: float = 0.0


@attrs.define
class Failed:
    """An HTTP error answer with Ollama's ``{"error": ...}`` body."""

    status: int
    message: str


@attrs.define
class Stalled:
    """Send the headers, then nothing for ``seconds``."""

    seconds: float


def stream(objects: list[dict[str, Any]], split_every: int = 0, delay: float = 0.0,
           stall_after_first: float = 0.0) -> Streamed:
    return Streamed(objects, split_every, delay, stall_after_first)


def chat_objects(content: str = "", *, model: str = "qwen3:4b", pieces: int = 3,
                 tool_calls: list[dict[str, Any]] | None = None, thinking: str = "",
                 prompt_eval_count: int = 26, eval_count: int = 12,
                 load_duration: int = 1_334_875) -> list[dict[str, Any]]:
    """The objects Ollama streams for one answer: content in ``pieces``, then the done object."""
    objects: list[dict[str, Any]] = []
    stamp = "2025-01-01T00:00:00Z"
    if thinking:
        objects.append({"model": model, "created_at": stamp, "message": {
            "role": "assistant", "content": "", "thinking": thinking}, "done": False})
    size = max(1, -(-len(content) // max(1, pieces))) if content else 0
    for i in range(0, len(content), size or 1):
        objects.append({"model": model, "created_at": stamp,
                        "message": {"role": "assistant", "content": content[i:i + size]}, "done": False})
    if tool_calls:
        objects.append({"model": model, "created_at": stamp, "message": {
            "role": "assistant", "content": "",
            "tool_calls": [{"function": {"name": c["name"], "arguments": c.get("arguments", {})}}
                           for c in tool_calls]}, "done": False})
    objects.append({
        "model": model, "created_at": stamp, "message": {"role": "assistant", "content": ""},
        "done": True, "done_reason": "stop",
        "total_duration": 4_883_583_458, "load_duration": load_duration,
        "prompt_eval_count": prompt_eval_count, "prompt_eval_duration": 342_546_000,
        "eval_count": eval_count, "eval_duration": 4_535_599_000,
    })
    return objects


class OllamaStandIn:
    """A stand-in for the Ollama HTTP API on 127.0.0.1 (a test double)."""

    def __init__(self, models: dict[str, ModelCard] | None = None, version: str = "0.9.0",
                 responder: Callable[[dict[str, Any]], Any] | None = None):
        self.models = {"qwen3:4b": ModelCard()} if models is None else models
        self.version = version
        self.responder = responder
        self.queue: collections.deque[Any] = collections.deque()
        #: (method, path, body) of every request, in order
        self.requests: list[tuple[str, str, Any]] = []
        #: models "in memory", as /api/ps lists them: a model is loaded by its first chat
        self.loaded: set[str] = set()
        #: set when a client closed a streamed answer before it ended
        self.client_went_away = threading.Event()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------

    def start(self) -> "OllamaStandIn":
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="ollama-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "OllamaStandIn":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def enqueue(self, *answers: Any) -> "OllamaStandIn":
        """Script the next ``/api/chat`` answers (``Streamed``, ``Failed`` or ``Stalled``)."""
        self.queue.extend(answers)
        return self

    def chat_bodies(self) -> list[dict[str, Any]]:
        return [body for method, path, body in self.requests if path == "/api/chat"]

    def _next_answer(self, body: dict[str, Any]) -> Any:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return stream(chat_objects("Hello from the stand-in.", model=body.get("model", "")), split_every=9)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        # a client closing a kept-alive connection (as httpx does when it closes) is not an error
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def _handler_for(server: OllamaStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _json(self, status: int, value: Any) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            server.requests.append(("GET", self.path, None))
            if self.path == "/api/version":
                self._json(200, {"version": server.version})
            elif self.path == "/api/tags":
                self._json(200, {"models": [{
                    "name": name, "model": name, "modified_at": "2025-01-01T00:00:00Z", "size": card.size,
                    "digest": "0" * 64, "details": {"format": "gguf", "family": card.family,
                                                     "parameter_size": card.parameter_size,
                                                     "quantization_level": "Q4_K_M"},
                } for name, card in server.models.items()]})
            elif self.path == "/api/ps":
                self._json(200, {"models": [{
                    "name": name, "model": name, "size": server.models[name].size,
                    "expires_at": "2025-01-01T00:05:00Z", "size_vram": 0,
                } for name in sorted(server.loaded) if name in server.models]})
            elif self.path == "/":
                self.send_response(200)
                self.send_header("Content-Length", "17")
                self.end_headers()
                self.wfile.write(b"Ollama is running")
            else:
                self._json(404, {"error": "404 page not found"})

        def do_POST(self) -> None:
            body = self._body()
            server.requests.append(("POST", self.path, body))
            model = body.get("model", "") if isinstance(body, dict) else ""
            if self.path == "/api/show":
                card = server.models.get(model)
                if card is None:
                    self._json(404, {"error": f"model '{model}' not found"})
                    return
                self._json(200, {
                    "modelfile": "", "parameters": "", "template": "{{ .Prompt }}",
                    "details": {"format": "gguf", "family": card.family, "parameter_size": card.parameter_size},
                    "model_info": {"general.architecture": card.family,
                                   f"{card.family}.context_length": card.context_length},
                    "capabilities": card.capabilities,
                })
            elif self.path == "/api/chat":
                if model not in server.models:
                    self._json(404, {"error": f"model \"{model}\" not found, try pulling it first"})
                    return
                server.loaded.add(model)
                self._answer(server._next_answer(body))
            else:
                self._json(404, {"error": "404 page not found"})

        def _answer(self, answer: Any) -> None:
            if isinstance(answer, Failed):
                self._json(answer.status, {"error": answer.message})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            if isinstance(answer, Stalled):
                server._stopping.wait(answer.seconds)
                return
            data = b"".join(json.dumps(o).encode() + b"\n" for o in answer.objects)
            step = answer.split_every or len(data)
            try:
                for n, start in enumerate(range(0, len(data), step)):
                    piece = data[start:start + step]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.flush()
                    if n == 0 and answer.stall_after_first:
                        server._stopping.wait(answer.stall_after_first)
                    elif answer.delay:
                        time.sleep(answer.delay)
                    if server._stopping.is_set():
                        return
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                server.client_went_away.set()
                self.close_connection = True

    return Handler
