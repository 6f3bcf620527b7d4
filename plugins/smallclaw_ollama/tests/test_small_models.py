"""Small models through Ollama's API: the protocol chosen by size, calls written as text, the fallback.

The server is ``OllamaStandIn``, a replay of Ollama's wire format over real HTTP (a test
double, not Ollama); its answers are scripted per request by a responder that tells the
executor's requests from the verifier's and summarizer's.
"""

from __future__ import annotations

import json

import anyio
import pytest

from smallclaw_core import hookimpl, tool
from smallclaw_core.app import App
from smallclaw_core.runner import Runner
from smallclaw_ollama.testing import ModelCard, OllamaStandIn, chat_objects, stream

written: list[tuple[str, str]] = []


@tool(side_effects=True)
def write_file(path: str, content: str) -> str:
    """Write a text file (records the call)."""
    written.append((path, content))
    return f"wrote {len(content)} bytes to {path}"


class Tools:
    @hookimpl
    def register_tools(self, register):
        register(write_file)


def answer(content: str = "", calls: list[dict] | None = None, model: str = "m"):
    return stream(chat_objects(content, model=model, tool_calls=calls), split_every=11)


class Script:
    """Executor answers in order; the verifier says YES (and NO to "is anything missing"), the summarizer sums up."""

    def __init__(self, *executor):
        self.executor = list(executor)

    def __call__(self, body):
        system = body["messages"][0]["content"] if body.get("messages") else ""
        props = (body.get("format") or {}).get("properties", {}) if isinstance(body.get("format"), dict) else {}
        if "answer" in props:
            inverted = "still missing" in body["messages"][-1]["content"]  # the double check's question
            return answer(json.dumps({"answer": "NO" if inverted else "YES",
                                      "reason": "the file was written as asked"}))
        if "summar" in system.lower():
            return answer("Wrote the file.")
        return self.executor.pop(0) if self.executor else answer("done")


def run_task(tmp_path, card: ModelCard, script: Script, goal="greet", steps=("write hello to hello.txt",),
             **runner):
    written.clear()
    with OllamaStandIn({"m": card}, responder=script) as server:
        app = App.load(tmp_path / "home", extra_plugins=[Tools()], only=["runner", "ollama"], overrides={
            "models": {"executor": "ollama:m"}, "ollama": {"base_url": server.base_url},
            "store": {"durable": False}, "runner": {"transport_backoff": 0.01, "poll_interval": 0.05, **runner}})
        task = app.tasks.create(goal, list(steps))

        async def go():
            try:
                await Runner(app).run_until_idle(30)
            finally:
                await app.aclose()

        anyio.run(go)
        return app, app.store.get(task.id), server.chat_bodies()


def executor_bodies(bodies):
    return [b for b in bodies if "SmallClaw's executor" in (b["messages"][0]["content"] if b["messages"] else "")]


SMALL = ModelCard(parameter_size="494.03M", size=397_000_000)
LARGE = ModelCard(parameter_size="8.0B", size=4_900_000_000)
CALL = {"name": "write_file", "arguments": {"path": "hello.txt", "content": "hello"}}


def test_auto_uses_the_json_protocol_for_a_small_model_and_native_calls_for_a_large_one(tmp_path):
    app, task, bodies = run_task(tmp_path, SMALL, Script(answer(json.dumps({"tool": "write_file", "arguments": {
        "path": "hello.txt", "content": "hello"}})), answer(json.dumps({"tool": "step_done", "arguments": {
            "report": "wrote it"}}))), attempts="never")  # one try: the protocol is what is tested
    first = executor_bodies(bodies)[0]
    assert "tools" not in first and first["format"]["anyOf"]  # the reply constrained to the protocol schema
    assert task.status == "complete" and written == [("hello.txt", "hello")]
    app, task, bodies = run_task(tmp_path / "large", LARGE, Script(answer(calls=[CALL]), answer("wrote hello.txt")))
    first = executor_bodies(bodies)[0]
    assert [t["function"]["name"] for t in first["tools"]][:1] and "format" not in first
    assert task.status == "complete" and written == [("hello.txt", "hello")]


@pytest.mark.parametrize("text", [
    json.dumps(CALL),
    "I will write it now.\n```json\n" + json.dumps(CALL) + "\n```",
    "<tool_call>\n" + json.dumps(CALL) + "\n</tool_call>",
])
def test_calls_written_as_text_under_native_calling_are_recovered_and_journaled(tmp_path, text):
    app, task, bodies = run_task(tmp_path, LARGE, Script(answer(text), answer("wrote hello.txt")))
    assert written == [("hello.txt", "hello")]
    assert task.status == "complete"
    notes = [e.data for e in app.store.journal(task.id) if e.kind == "note" and e.data.get("kind") == "recovered_calls"]
    assert notes and notes[0]["calls"] == ['write_file({"path": "hello.txt", "content": "hello"})']
    # the history sent back shows a real call and its result, not the text
    second = executor_bodies(bodies)[1]["messages"]
    assert second[-2]["tool_calls"][0]["function"]["name"] == "write_file"
    assert second[-1]["role"] == "tool" and "wrote 5 bytes" in second[-1]["content"]


def test_a_call_to_a_tool_that_does_not_exist_runs_nothing_and_names_the_closest(tmp_path):
    made_up = {"name": "create_file", "arguments": {"path": "./hello.txt", "content": "hello"}}
    app, task, bodies = run_task(tmp_path, LARGE, Script(answer(json.dumps(made_up)), answer(calls=[CALL]),
                                                         answer("done")))
    assert written == [("hello.txt", "hello")]  # only the real call, made after the answer
    reply = executor_bodies(bodies)[1]["messages"][-1]
    assert reply["role"] == "tool" and "no tool named 'create_file'; nothing was run" in reply["content"]
    assert "The closest is write_file" in reply["content"] and "step_done" in reply["content"]


def test_a_model_that_answers_native_calling_without_calls_is_switched_to_json(tmp_path):
    app, task, bodies = run_task(
        tmp_path, LARGE,
        Script(answer("I have written hello.txt for you."),  # no call: the step needed one
               answer(json.dumps({"tool": "write_file", "arguments": {"path": "hello.txt", "content": "hello"}})),
               answer(json.dumps({"tool": "step_done", "arguments": {"report": "wrote it"}}))))
    executor = executor_bodies(bodies)
    assert "tools" in executor[0] and "format" not in executor[0]
    assert "tools" not in executor[1] and executor[1]["format"]["anyOf"]
    assert task.tool_protocol == "json" and task.status == "complete", task.pause_reason
    assert written == [("hello.txt", "hello")]
    notes = [e.data for e in app.store.journal(task.id) if e.kind == "note" and e.data.get("kind") == "protocol"]
    assert notes and notes[0]["protocol"] == "json"
    assert task.counters.failed_checks == 0  # the silent round did not count against the step


def test_the_fallback_waits_for_the_configured_number_of_silent_rounds(tmp_path):
    app, task, bodies = run_task(tmp_path, LARGE, Script(answer("Done."), answer("Done, really.")),
                                 native_fallback_rounds=2, verify_retries=5)
    executor = executor_bodies(bodies)
    assert all("tools" in b for b in executor[:2])
    assert len(executor) > 2 and "format" in executor[2]
    assert app.store.get(task.id).tool_protocol == "json"
