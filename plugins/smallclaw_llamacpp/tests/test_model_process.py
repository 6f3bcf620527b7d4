"""The model process: a real child killed mid-generation (SIGKILL, SIGILL, abort), cancelled, stopped, and
damaged GGUF files named as such. Tests marked ``model`` generate with the real SmolLM2-135M model."""

from __future__ import annotations

import logging
import os
import re
import signal
import time
from pathlib import Path

import anyio
import pytest

from smallclaw_core import Message, ModelError, ModelOptions, ModelProcessDied, ModelRequest
from smallclaw_llamacpp.backend import LlamaCppBackend, default_model_path, llama_cpp_version
from smallclaw_llamacpp.child import TEST_CRASH
from smallclaw_llamacpp.process import CANCEL_GRACE, PORTABLE_CMAKE_ARGS, why_it_stopped

ROOT = Path(__file__).resolve().parents[3]
#: a reply this schema allows takes at least ~100 tokens, whatever the model would like to say
LONG = {"type": "object", "properties": {"story": {"type": "string", "minLength": 400}}, "required": ["story"]}


@pytest.fixture
def anyio_backend():
    return "asyncio"


def long_request(on_text=None, **options) -> ModelRequest:
    return ModelRequest("default", [Message("user", "Write a very long story about a dragon.")], format=LONG,
                        options=ModelOptions(temperature=0.8, num_predict=400, **options), on_text=on_text)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the causes, in words ----------------------------------------------------------------


def test_each_way_of_dying_is_said_with_its_cause_and_fix():
    sigill = why_it_stopped(-signal.SIGILL, [])
    assert sigill.message == (
        "the model process stopped: illegal instruction (SIGILL) — llama.cpp was built for CPU features this "
        f'machine does not run; rebuild it portable with: CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install '
        f"--force-reinstall --no-cache-dir --no-deps llama-cpp-python=={llama_cpp_version()}")
    assert sigill.signal == "SIGILL"
    oom = why_it_stopped(-signal.SIGKILL, []).message
    assert "killed (SIGKILL)" in oom and "out-of-memory killer" in oom and "smaller model" in oom
    abort = why_it_stopped(-signal.SIGABRT, ["llama.cpp/ggml.c:1503: GGML_ASSERT(n_dims <= 4) failed",
                                             "#0 0x7f ggml_abort", "#1 0x7f main"]).message
    assert "llama.cpp aborted (SIGABRT)" in abort and "GGML_ASSERT(n_dims <= 4) failed" in abort
    segv = why_it_stopped(-signal.SIGSEGV, [], loading=True, file="model.gguf")
    assert "segmentation fault (SIGSEGV) while loading model.gguf" in segv.message
    assert "GGUF file may be damaged" in segv.message and segv.loading
    assert "bus error (SIGBUS)" in why_it_stopped(-signal.SIGBUS, []).message
    status = why_it_stopped(1, ["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'x'"])
    assert status.message == "the model process stopped: it exited with status 1 — ModuleNotFoundError: No " \
                             "module named 'x'"
    assert "stopped by SIGTERM" in why_it_stopped(-signal.SIGTERM, []).message


# --- a real model process that crashes while it loads (no model runs: quick, and no model lock) --


@pytest.mark.anyio
@pytest.mark.parametrize("crash, cause", [
    ("SIGILL:load", "illegal instruction (SIGILL) while loading SmolLM2-135M-Instruct.Q4_1.gguf — llama.cpp was "
                    "built for CPU features this machine does not run; rebuild it portable with: CMAKE_ARGS="),
    ("abort:load", "llama.cpp aborted (SIGABRT) while loading SmolLM2-135M-Instruct.Q4_1.gguf — its last words: "
                   f"test crash: abort requested by {TEST_CRASH}"),
    ("SIGSEGV:load", "segmentation fault (SIGSEGV) while loading SmolLM2-135M-Instruct.Q4_1.gguf — the GGUF file "
                     "may be damaged or incomplete"),
])
async def test_a_crash_while_loading_fails_the_call_with_its_cause(monkeypatch, crash, cause):
    monkeypatch.setenv(TEST_CRASH, crash)  # the test-only hook: the child crashes itself before llama.cpp loads
    backend = LlamaCppBackend()
    try:
        with pytest.raises(ModelProcessDied) as caught:
            await backend.chat(ModelRequest("default", [Message("user", "Hi")], options=ModelOptions(num_predict=2)))
        assert str(caught.value).startswith(f"the model process stopped: {cause}")
        assert backend._processes == {}  # the next call starts a fresh one
    finally:
        await backend.aclose()


@pytest.mark.anyio
async def test_doctor_reports_a_model_process_that_dies_with_the_cause_and_the_fix(monkeypatch):
    monkeypatch.setenv(TEST_CRASH, "SIGILL:load")
    checks = await LlamaCppBackend().doctor("default")
    assert [c.what for c in checks if not c.ok] == ["model runs"]
    assert "illegal instruction (SIGILL)" in checks[-1].detail
    assert "rebuild" not in checks[-1].detail  # the fix is said once, on its own line
    assert checks[-1].fix.startswith(f'rebuild it portable with: CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install')
    # the READMEs show these very lines
    assert checks[-1].fix.endswith(f"--no-deps llama-cpp-python=={llama_cpp_version()}")  # no other version
    # the READMEs show these very lines (with the version of their day)
    printed = "\n".join([f"  FAIL model runs: {checks[-1].detail}", f"       fix: {checks[-1].fix}"])
    for readme in (ROOT / "README.md", ROOT / "plugins" / "smallclaw_llamacpp" / "README.md"):
        shown = re.sub(r"llama-cpp-python==[\w.]+", f"llama-cpp-python=={llama_cpp_version()}", readme.read_text())
        assert printed in shown, readme


# --- damaged files --------------------------------------------------------------------------


@pytest.fixture
def truncated(tmp_path) -> Path:
    """The bundled model with its last kilobyte missing, as an interrupted download leaves it."""
    source = default_model_path()
    path = tmp_path / "cut.gguf"
    with open(source, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read(source.stat().st_size - 1024))
    return path


@pytest.mark.anyio
async def test_doctor_names_a_truncated_gguf_as_damaged(truncated):
    checks = await LlamaCppBackend().doctor(str(truncated))
    failed = [c for c in checks if not c.ok]
    assert [c.what for c in failed] == ["model file whole"], checks
    assert f"{truncated} is a damaged GGUF file: the file is incomplete" in failed[0].detail
    assert "1024 missing" in failed[0].detail and "download it again" in failed[0].fix


@pytest.mark.anyio
async def test_doctor_names_a_cut_header_as_damaged(tmp_path):
    path = tmp_path / "head.gguf"
    path.write_bytes(default_model_path().read_bytes()[:5000])
    checks = await LlamaCppBackend().doctor(str(path))
    assert not checks[-1].ok and "the file ends inside its header" in checks[-1].detail
    assert "damaged" in checks[-1].fix


@pytest.mark.anyio
async def test_a_call_on_a_damaged_file_says_so_instead_of_retrying(truncated):
    backend = LlamaCppBackend()
    try:
        with pytest.raises(ModelError) as caught:
            await backend.chat(ModelRequest(str(truncated), [Message("user", "Hi")],
                                            options=ModelOptions(num_predict=2, num_ctx=256)))
    finally:
        await backend.aclose()
    assert not isinstance(caught.value, ModelProcessDied)
    assert "is a damaged GGUF file (the file is incomplete" in str(caught.value)
    assert "not within the file bounds" in str(caught.value)  # llama.cpp's own words


# --- a real model process, crashed, cancelled, stopped -------------------------------------------


@pytest.mark.model
@pytest.mark.anyio
async def test_a_process_killed_mid_generation_fails_the_call_and_the_next_call_gets_a_fresh_one():
    backend = LlamaCppBackend(max_tokens=200)
    pieces: list[str] = []
    try:
        await backend.chat(ModelRequest("default", [Message("user", "Hi")], options=ModelOptions(num_predict=2)))
        process = backend._processes[default_model_path()]
        first_pid = process.pid

        def kill_at_five(text: str) -> None:
            pieces.append(text)
            if len(pieces) == 5:
                os.kill(first_pid, signal.SIGKILL)

        with pytest.raises(ModelProcessDied, match=r"killed \(SIGKILL\) — probably by the kernel's out-of-memory"):
            await backend.chat(long_request(kill_at_five))
        assert 5 <= len(pieces) < 30
        reply = await backend.chat(ModelRequest("default", [Message("user", "Say hi.")],
                                                options=ModelOptions(num_predict=5)))
        assert reply.usage.completion_tokens and backend._processes[default_model_path()].pid != first_pid
        assert not backend._busy.locked()
    finally:
        await backend.aclose()


@pytest.mark.model
@pytest.mark.anyio
@pytest.mark.parametrize("crash, cause", [
    ("SIGILL:5", r"illegal instruction \(SIGILL\) — llama.cpp was built for CPU features this machine does not "
                 r"run; rebuild it portable with: CMAKE_ARGS="),
    ("abort:5", r"llama.cpp aborted \(SIGABRT\) — its last words: test crash: abort requested by "
                rf"{TEST_CRASH}; try another model"),
])
async def test_a_crash_inside_the_model_process_is_a_transport_error_with_its_cause(monkeypatch, caplog, crash, cause):
    monkeypatch.setenv(TEST_CRASH, crash)  # the test-only hook: the child crashes itself at the 5th piece
    caplog.set_level(logging.INFO, logger="smallclaw.llamacpp")
    backend = LlamaCppBackend(max_tokens=200)
    pieces: list[str] = []
    try:
        with pytest.raises(ModelProcessDied, match=cause):
            await backend.chat(long_request(pieces.append))
    finally:
        await backend.aclose()
    assert len(pieces) == 5  # it died mid-generation
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith("model process ") and "the model process stopped:" in errors[0]


@pytest.mark.model
@pytest.mark.anyio
async def test_cancelling_mid_generation_returns_within_two_seconds_and_keeps_the_process():
    backend = LlamaCppBackend(max_tokens=200)
    try:
        pieces: list[str] = []
        with anyio.CancelScope() as scope:
            def cancel_at_five(text: str) -> None:
                pieces.append(text)
                if len(pieces) == 5:
                    scope.cancel()
                    cancel_at_five.at = time.perf_counter()

            await backend.chat(long_request(cancel_at_five))
        took = time.perf_counter() - cancel_at_five.at
        assert scope.cancelled_caught and took < 2.0, took
        process = backend._processes[default_model_path()]
        assert process.alive()  # it stopped generating when told: still warm for the next call
        reply = await backend.chat(ModelRequest("default", [Message("user", "Say hi.")],
                                                options=ModelOptions(num_predict=5)))
        assert reply.usage.completion_tokens and backend._processes[default_model_path()] is process
    finally:
        await backend.aclose()


@pytest.mark.model
@pytest.mark.anyio
async def test_a_process_that_does_not_stop_when_told_is_killed_within_two_seconds():
    """A process stuck in native code never reads the cancel: SIGSTOP makes one that cannot answer."""
    backend = LlamaCppBackend(max_tokens=200)
    try:
        await backend.chat(ModelRequest("default", [Message("user", "Hi")], options=ModelOptions(num_predict=2)))
        stuck = backend._processes[default_model_path()]
        pieces: list[str] = []
        with anyio.CancelScope() as scope:
            def freeze_and_cancel(text: str) -> None:
                pieces.append(text)
                if len(pieces) == 3:
                    os.kill(stuck.pid, signal.SIGSTOP)
                    scope.cancel()
                    freeze_and_cancel.at = time.perf_counter()

            await backend.chat(long_request(freeze_and_cancel))
        took = time.perf_counter() - freeze_and_cancel.at
        assert CANCEL_GRACE <= took < 2.0, took
        assert not alive(stuck.pid) and stuck.popen.returncode == -signal.SIGKILL
        reply = await backend.chat(ModelRequest("default", [Message("user", "Say hi.")],
                                                options=ModelOptions(num_predict=5)))
        assert reply.usage.completion_tokens and backend._processes[default_model_path()] is not stuck
    finally:
        await backend.aclose()


@pytest.mark.model
@pytest.mark.anyio
async def test_a_process_that_died_between_calls_is_replaced_without_failing_a_call(caplog):
    backend = LlamaCppBackend(max_tokens=20)
    request = ModelRequest("default", [Message("user", "Say hi.")], options=ModelOptions(num_predict=3))
    try:
        await backend.chat(request)
        idle = backend._processes[default_model_path()]
        os.kill(idle.pid, signal.SIGKILL)
        idle.popen.wait(5)
        assert (await backend.chat(request)).usage.completion_tokens
    finally:
        await backend.aclose()
    assert any("had stopped between calls (the model process stopped: killed (SIGKILL)" in m for m in caplog.messages)


@pytest.mark.model
@pytest.mark.anyio
async def test_closing_the_backend_ends_its_model_processes():
    backend = LlamaCppBackend(max_tokens=20)
    await backend.chat(ModelRequest("default", [Message("user", "Hi")], options=ModelOptions(num_predict=2)))
    process = backend._processes[default_model_path()]
    started = time.perf_counter()
    await backend.aclose()
    assert time.perf_counter() - started < 2.0
    assert process.popen.returncode == 0 and not alive(process.pid)  # it left on its own when the socket closed
