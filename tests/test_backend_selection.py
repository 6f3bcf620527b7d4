"""Choosing a model backend automatically, and what `smallclaw models` and `smallclaw doctor` say.

Ollama is played by a stand-in server replaying its wire format on 127.0.0.1
(``smallclaw_ollama.testing.OllamaStandIn``); "unreachable" is a port nothing listens on.
The embedded default is the real llamacpp backend, which is only described here (the
model file is read for its header, not loaded).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from smallclaw_core import ConfigError
from smallclaw_core.app import App
from smallclaw_ollama.testing import ModelCard, OllamaStandIn

BACKENDS = ["ollama", "openai", "llamacpp"]
needs_embedded = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                    reason="llama-cpp-python is not installed (the embedded default)")


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def write_config(home: Path, ollama_url: str, models: dict[str, str] | None = None) -> None:
    home.mkdir(parents=True, exist_ok=True)
    lines = [f'[ollama]\nbase_url = "{ollama_url}"\n', f'[openai]\nbase_url = "{dead_url()}"\n']
    if models:
        lines.append("[models]\n" + "".join(f'{k} = "{v}"\n' for k, v in models.items()))
    (home / "config.toml").write_text("\n".join(lines))


def choose(home: Path, only=BACKENDS):
    async def run():
        app = App.load(home, only=only)
        try:
            ref = await app.model_for("executor")
            verifier = await app.model_for("verifier")
            return str(ref), str(verifier), list(app.messages)
        finally:
            await app.aclose()

    return anyio.run(run)


@pytest.fixture
def ollama():
    with OllamaStandIn({"qwen3:4b": ModelCard(), "nomic-embed-text:latest": ModelCard(family="nomic-bert")}) as s:
        yield s


@pytest.fixture
def empty_ollama():
    with OllamaStandIn({}) as s:
        yield s


# --- the automatic choice ---------------------------------------------------------------


def test_a_reachable_ollama_with_a_model_is_chosen(home, ollama):
    write_config(home, ollama.base_url)
    ref, verifier, messages = choose(home)
    assert ref == verifier == "ollama:qwen3:4b"
    assert any(m.startswith("using model ollama:qwen3:4b (chosen automatically") for m in messages), messages
    assert ("GET", "/api/tags", None) in ollama.requests


@needs_embedded
def test_an_unreachable_ollama_falls_back_to_the_embedded_model(home):
    write_config(home, dead_url())
    ref, verifier, messages = choose(home)
    assert ref == verifier == "llamacpp:default"
    said = next(m for m in messages if m.startswith("using model llamacpp:default"))
    # the user learns why Ollama (and the OpenAI-compatible server) were passed over
    assert "skipped ollama: not reachable or no model" in said and "openai" in said


@needs_embedded
def test_an_ollama_without_a_chat_model_falls_back_to_the_embedded_model(home, empty_ollama):
    write_config(home, empty_ollama.base_url)
    assert choose(home)[0] == "llamacpp:default"


def test_configured_models_are_used_without_probing(home, ollama):
    write_config(home, ollama.base_url, {"executor": "ollama:llama3.2:1b", "verifier": "llamacpp:default"})
    ref, verifier, messages = choose(home)
    assert (ref, verifier) == ("ollama:llama3.2:1b", "llamacpp:default")
    assert ollama.requests == [] and not any("chosen automatically" in m for m in messages)


def test_with_nothing_available_the_error_says_what_was_tried_and_what_to_do(home):
    write_config(home, dead_url())
    with pytest.raises(ConfigError) as info:
        choose(home, only=["ollama"])
    text = str(info.value)
    assert "ollama: not reachable or no model" in text and "start Ollama" in text


# --- the commands, as a user runs them ----------------------------------------------------


def smallclaw(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SMALLCLAW_PLUGINS": ",".join(BACKENDS), "SMALLCLAW_HOME": str(home)}
    env.pop("SMALLCLAW_EXTRA_PLUGINS", None)
    env.pop("OLLAMA_HOST", None)
    return subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "--home", str(home), *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_doctor_with_a_reachable_ollama(home, ollama):
    write_config(home, ollama.base_url)
    proc = smallclaw(home, "doctor")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "no [models] configured: chose ollama:qwen3:4b automatically" in out
    assert f"ok   Ollama reachable: {ollama.base_url}, version 0.9.0" in out
    assert "ok   model qwen3:4b present" in out
    assert "ok   tool calling: native" in out
    assert "all checks passed" in out
    assert "Traceback" not in proc.stderr


@needs_embedded
@pytest.mark.model  # doctor runs the model once, in a model process
def test_doctor_with_ollama_unreachable_uses_and_checks_the_embedded_model(home):
    write_config(home, dead_url())
    proc = smallclaw(home, "doctor")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "no [models] configured: chose llamacpp:default automatically" in out
    assert "skipped ollama: not reachable or no model" in out
    assert "ok   model default present" in out and "SmolLM2-135M-Instruct.Q4_1.gguf" in out
    assert "ok   tool calling: no native tool calls: the JSON tool protocol is used" in out
    assert "ok   context length: 8192 tokens" in out
    assert re.search(r"ok   model runs: in a process of its own: ready in \d+\.\d s, \d+ tokens at \d+ tokens/s", out)


def test_doctor_with_a_configured_ollama_that_is_unreachable(home):
    url = dead_url()
    write_config(home, url, {"executor": "ollama:qwen3:4b"})
    proc = smallclaw(home, "doctor")
    out = proc.stdout
    assert proc.returncode == 1
    assert "ollama:qwen3:4b (executor, planner, verifier, summarizer):" in out
    assert "FAIL Ollama reachable: cannot reach Ollama at" in out
    assert f"fix: start Ollama (`ollama serve`) or set [ollama] base_url (now {url})" in out
    assert "1 check(s) failed" in out
    assert "Traceback" not in proc.stderr


def test_doctor_with_a_missing_model(home, ollama):
    write_config(home, ollama.base_url, {"executor": "ollama:llama3.2:1b", "verifier": "ollama:qwen3:4b"})
    proc = smallclaw(home, "doctor")
    out = proc.stdout
    assert proc.returncode == 1
    assert "ollama:llama3.2:1b (executor, planner, summarizer):" in out
    assert "FAIL model llama3.2:1b present: model llama3.2:1b is not available; run `ollama pull llama3.2:1b`" in out
    assert "fix: ollama pull llama3.2:1b" in out
    # the verifier's model is there: its checks pass
    assert "ollama:qwen3:4b (verifier):" in out and "ok   model qwen3:4b present" in out
    assert "1 check(s) failed" in out


def test_models_lists_what_each_backend_offers(home, ollama):
    write_config(home, ollama.base_url)
    proc = smallclaw(home, "models", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert listed["pulled"] == []  # the models directory of the tests is empty
    rows = {r["backend"]: r for r in listed["backends"]}
    assert [m["name"] for m in rows["ollama"]["models"]] == ["qwen3:4b", "nomic-embed-text:latest"]
    assert rows["ollama"]["models"][0] == {"name": "qwen3:4b", "tools": True, "context_length": 40960}
    assert "cannot reach" in rows["openai"]["error"]
    if importlib.util.find_spec("llama_cpp") is not None:
        assert rows["llamacpp"]["models"] == [{"name": "default", "tools": False, "context_length": 8192}]
    text = smallclaw(home, "models").stdout
    assert "  ollama:qwen3:4b  (tools, ctx 40960)" in text
    assert "openai:\n  unavailable: cannot reach" in text
    assert "pulled (in " in text and "none yet: smallclaw models pull" in text
