"""The Ollama backend against a stand-in server that replays Ollama's wire format over HTTP."""

from __future__ import annotations

import socket

import anyio
import pytest

from smallclaw_core import Message, ModelError, ModelOptions, ModelRequest, ToolSpec, TransportError
from smallclaw_ollama.backend import OllamaBackend, base_url_from
from smallclaw_ollama.testing import Failed, ModelCard, OllamaStandIn, Stalled, chat_objects, stream

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def server():
    with OllamaStandIn({"qwen3:4b": ModelCard(), "smollm:135m": ModelCard(capabilities=["completion"],
                                                                          context_length=2048)}) as s:
        yield s


@pytest.fixture
async def backend(server):
    b = OllamaBackend(server.base_url, num_ctx=8192)
    yield b
    await b.aclose()


def ask(text: str = "Say hello", **kw) -> ModelRequest:
    return ModelRequest(model=kw.pop("model", "qwen3:4b"), messages=[Message("user", text)], **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_streamed_content_split_mid_object_is_joined(server, backend):
    text = "The quick brown fox jumps over the lazy dog, twice."
    server.enqueue(stream(chat_objects(text, pieces=6), split_every=5))
    seen: list[str] = []
    reply = await backend.chat(ask(on_text=seen.append))
    assert reply.content == text
    assert "".join(seen) == text and len(seen) == 6
    assert reply.done_reason == "stop"
    assert reply.usage.prompt_evaluated == 26
    assert reply.usage.completion_tokens == 12
    assert reply.usage.prompt_eval_ms == pytest.approx(342.546)
    assert reply.usage.duration_ms == pytest.approx(4883.583458)


async def test_async_on_text_callback_is_awaited(server, backend):
    server.enqueue(stream(chat_objects("one two three", pieces=3), split_every=3))
    seen: list[str] = []

    async def on_text(piece: str) -> None:
        await anyio.sleep(0)
        seen.append(piece)

    reply = await backend.chat(ask(on_text=on_text))
    assert "".join(seen) == reply.content == "one two three"


async def test_tool_calls_come_back_with_object_arguments(server, backend):
    server.enqueue(stream(chat_objects(tool_calls=[
        {"name": "read_file", "arguments": {"path": "notes.txt"}},
        {"name": "word_count", "arguments": {"text": "a b c"}},
    ]), split_every=11))
    spec = ToolSpec("read_file", "Read a file.", {"type": "object", "properties": {"path": {"type": "string"}},
                                                  "required": ["path"]})
    reply = await backend.chat(ask(tools=[spec]))
    assert [(c.name, c.arguments) for c in reply.tool_calls] == [
        ("read_file", {"path": "notes.txt"}), ("word_count", {"text": "a b c"})]
    assert reply.tool_calls[0].id != reply.tool_calls[1].id
    sent = server.chat_bodies()[-1]
    assert sent["tools"][0]["function"]["name"] == "read_file"
    assert sent["tools"][0]["function"]["parameters"]["required"] == ["path"]


async def test_history_with_tool_calls_and_results_is_sent_in_ollama_form(server, backend):
    from smallclaw_core import ToolCall

    messages = [
        Message("system", "You are terse."),
        Message("user", "Read notes.txt"),
        Message("assistant", "", tool_calls=[ToolCall("read_file", {"path": "notes.txt"}, id="c1")]),
        Message("tool", "hello world", tool_call_id="c1", name="read_file"),
    ]
    await backend.chat(ModelRequest(model="qwen3:4b", messages=messages))
    sent = server.chat_bodies()[-1]["messages"]
    assert sent[2]["tool_calls"] == [{"function": {"name": "read_file", "arguments": {"path": "notes.txt"}}}]
    assert sent[3] == {"role": "tool", "content": "hello world", "tool_name": "read_file"}


async def test_format_options_keep_alive_and_think_are_sent(server):
    backend = OllamaBackend(server.base_url, keep_alive="10m", think=False)
    schema = {"type": "object", "properties": {"answer": {"type": "string", "enum": ["YES", "NO"]}},
              "required": ["answer"]}
    server.enqueue(stream(chat_objects('{"answer": "YES"}'), split_every=4))
    try:
        reply = await backend.chat(ask(format=schema, options=ModelOptions(
            num_ctx=8192, temperature=0.3, seed=7, num_predict=64)))
    finally:
        await backend.aclose()
    assert reply.content == '{"answer": "YES"}'
    sent = server.chat_bodies()[-1]
    assert sent["format"] == schema
    assert sent["options"] == {"num_ctx": 8192, "temperature": 0.3, "seed": 7, "num_predict": 64}
    assert sent["keep_alive"] == "10m"
    assert sent["think"] is False
    assert sent["stream"] is True


async def test_think_from_the_request_wins_and_thinking_is_kept(server, backend):
    server.enqueue(stream(chat_objects("42", thinking="Let me think."), split_every=7))
    reply = await backend.chat(ask(options=ModelOptions(think=True)))
    assert reply.thinking == "Let me think."
    assert reply.content == "42"
    assert server.chat_bodies()[-1]["think"] is True
    assert "keep_alive" not in server.chat_bodies()[-1]


async def test_missing_model_is_a_model_error_saying_how_to_pull_it(server, backend):
    with pytest.raises(ModelError) as info:
        await backend.chat(ask(model="llama3.2:1b"))
    assert str(info.value) == "model llama3.2:1b is not available; run `ollama pull llama3.2:1b`"
    with pytest.raises(ModelError, match="ollama pull llama3.2:1b"):
        await backend.describe("llama3.2:1b")


async def test_error_inside_the_stream_is_surfaced(server, backend):
    objects = chat_objects("partial answer", pieces=2)[:1] + [{"error": "model runner has unexpectedly stopped"}]
    server.enqueue(stream(objects, split_every=6))
    with pytest.raises(ModelError, match="unexpectedly stopped"):
        await backend.chat(ask())


async def test_transient_error_inside_the_stream_is_a_transport_error(server, backend):
    server.enqueue(stream([{"error": "server busy, please try again. maximum pending requests exceeded"}]))
    with pytest.raises(TransportError, match="server busy"):
        await backend.chat(ask())


async def test_http_errors_are_classified(server, backend):
    server.enqueue(Failed(400, "invalid format: expected \"json\" or a JSON schema"),
                   Failed(503, "server overloaded"))
    with pytest.raises(ModelError, match="invalid format"):
        await backend.chat(ask())
    with pytest.raises(TransportError, match="overloaded"):
        await backend.chat(ask())


async def test_connection_refused_is_a_transport_error():
    backend = OllamaBackend(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(TransportError, match="cannot reach Ollama"):
            await backend.chat(ask())
        assert await backend.default_model() is None
        checks = await backend.doctor("qwen3:4b")
    finally:
        await backend.aclose()
    assert not checks[0].ok and "ollama serve" in checks[0].fix


async def test_a_server_that_stalls_before_answering_times_out(server, backend):
    server.enqueue(Stalled(30))
    with pytest.raises(TransportError, match="within 0.5 s"):
        await backend.chat(ask(timeout=0.5))


async def test_a_server_that_stalls_mid_stream_times_out(server, backend):
    server.enqueue(stream(chat_objects("never finished", pieces=4), split_every=10, stall_after_first=30))
    seen: list[str] = []
    with pytest.raises(TransportError, match="did not finish"):
        await backend.chat(ask(timeout=0.5, on_text=seen.append))


async def test_a_stream_that_ends_without_done_is_a_transport_error(server, backend):
    server.enqueue(stream(chat_objects("cut short")[:-1], split_every=8))
    with pytest.raises(TransportError, match="before it was done"):
        await backend.chat(ask())


async def test_cancelling_the_caller_aborts_the_http_request(server, backend):
    long_answer = chat_objects("word " * 400, pieces=400)
    server.enqueue(stream(long_answer, split_every=100, delay=0.01))
    seen: list[str] = []
    with anyio.move_on_after(0.3) as scope:
        await backend.chat(ask(on_text=seen.append))
    assert scope.cancelled_caught
    assert 0 < len(seen) < 400
    # the stand-in notices the closed connection on its next writes
    assert await anyio.to_thread.run_sync(server.client_went_away.wait, 5)


async def test_describe_reads_capabilities_and_context_length_once(server, backend):
    info = await backend.describe("smollm:135m")
    again = await backend.describe("smollm:135m")
    assert info is again
    assert info.supports_tools is False and info.context_length == 2048
    assert (await backend.describe("qwen3:4b")).supports_tools is True
    shows = [r for r in server.requests if r[1] == "/api/show"]
    assert len(shows) == 2


async def test_list_models_and_default_model(server, backend):
    models = await backend.list_models()
    assert [m.name for m in models] == ["qwen3:4b", "smollm:135m"]
    assert models[0].supports_tools and models[0].context_length == 40960
    assert models[0].details["family"] == "qwen3"
    assert await backend.default_model() == "qwen3:4b"


async def test_default_model_skips_embedding_models_and_is_none_when_empty():
    with OllamaStandIn({"nomic-embed-text:latest": ModelCard(family="nomic-bert")}) as only_embed:
        b = OllamaBackend(only_embed.base_url)
        assert await b.default_model() is None
        await b.aclose()
    with OllamaStandIn({}) as empty:
        b = OllamaBackend(empty.base_url)
        assert await b.default_model() is None
        await b.aclose()


async def test_doctor_reports_each_check(server):
    backend = OllamaBackend(server.base_url, num_ctx=8192)
    try:
        good = await backend.doctor("qwen3:4b")
        small = await backend.doctor("smollm:135m")
        missing = await backend.doctor("llama3.2:1b")
    finally:
        await backend.aclose()
    assert all(c.ok for c in good), good
    assert [c.what for c in good] == ["Ollama reachable", "model qwen3:4b present", "tool calling", "context length"]
    assert "JSON tool protocol" in small[2].detail
    assert not small[3].ok and "num_ctx = 2048" in small[3].fix
    assert missing[0].ok and not missing[1].ok and missing[1].fix == "ollama pull llama3.2:1b"


@pytest.mark.parametrize("configured, env, expected", [
    ("", {}, "http://127.0.0.1:11434"),
    ("", {"OLLAMA_HOST": "0.0.0.0"}, "http://127.0.0.1:11434"),
    ("", {"OLLAMA_HOST": "gpu-box:8000"}, "http://gpu-box:8000"),
    ("", {"OLLAMA_HOST": "https://ollama.example.com"}, "https://ollama.example.com:443"),
    ("http://127.0.0.1:9999/", {"OLLAMA_HOST": "elsewhere"}, "http://127.0.0.1:9999"),
])
def test_base_url_from_config_or_ollama_host(configured, env, expected):
    assert base_url_from(configured, env) == expected


async def test_a_cold_load_is_announced_before_and_timed_after(server, backend, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="smallclaw.ollama")
    # the first answer: the model was not in memory and Ollama took 12.3 s to load it
    server.enqueue(stream(chat_objects("Hello", load_duration=12_300_000_000)))
    await backend.chat(ask())
    assert caplog.messages == ["Ollama is loading qwen3:4b into memory; the first answer waits for it",
                               "Ollama loaded qwen3:4b in 12.3 s"]
    # the announcement came before the answer: /api/ps was asked before /api/chat
    paths = [path for _, path, _ in server.requests]
    assert paths.index("/api/ps") < paths.index("/api/chat")
    caplog.clear()
    # warm: no look at /api/ps, no line
    await backend.chat(ask())
    assert caplog.messages == [] and paths.count("/api/ps") == 1


async def test_a_model_already_in_memory_is_not_announced(server, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="smallclaw.ollama")
    server.loaded.add("qwen3:4b")  # loaded by another client
    b = OllamaBackend(server.base_url)
    try:
        await b.chat(ask())
    finally:
        await b.aclose()
    assert caplog.messages == []
