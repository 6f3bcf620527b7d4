"""The model process: llama.cpp serving one GGUF file to SmallClaw over a socket.

``smallclaw_llamacpp.process`` starts it as ``python child.py FD SETTINGS``, so that a
crash in llama.cpp (an illegal instruction, an abort, a segfault, the out-of-memory
killer) ends this process and not SmallClaw's. It imports the standard library and
llama_cpp only, nothing of SmallClaw, so it starts as fast as llama_cpp imports.

The parent and this process exchange JSON objects, one a line, over the socket FD::

    parent  {"op": "chat", "id": 1, "messages": [...], "n_ctx": 8192, "max_tokens": 200, ...}
    child   {"ev": "loading", ...} {"ev": "loaded", ...}    when the model is (re)loaded
            {"ev": "text", "id": 1, "text": "..."}          as it is generated
            {"ev": "done", "id": 1, "content": "...", "done_reason": "stop", "usage": {...}}
         or {"ev": "failed", "id": 1, "kind": "load" | "model" | "cancelled" | "error", "message": "..."}
    parent  {"op": "cancel", "id": 1}     honoured between prompt slices and before each token

When the parent closes the socket (it stopped, or it died) this process ends at once.

Keeping the ``Llama`` object between calls is what makes small models usable: llama.cpp
reuses its key/value cache for the longest common prefix of consecutive prompts, so a
round that only appends to the conversation evaluates just the new tail.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable

#: prompt tokens evaluated between two looks at the cancel flag, to begin with; the slice
#: then grows or shrinks so that one takes about SLICE_SECONDS (a 135M model reads a few
#: hundred tokens a second on two cores, a 1.5B model a few dozen), within these bounds
EVAL_SLICE = 128
SLICE_SECONDS = 0.4
SLICE_BOUNDS = (16, 512)
#: a conversation shorter than this is cheaper to evaluate again than to save
STASH_MIN_TOKENS = 256
#: pieces of llama.cpp's own log kept, so that a load that fails can say why
LOG_PIECES = 400
#: for tests only: "SIGILL:5" makes this process kill itself with SIGILL once 5 pieces of
#: text are generated ("abort:5" calls abort(), "SIGSEGV:load" crashes while loading), as a
#: crash inside llama.cpp would; nothing sets it outside the tests
TEST_CRASH = "SMALLCLAW_LLAMACPP_TEST_CRASH"

_LOOSE_CHAR = r'char ::= [^"\\]'
_STRICT_CHAR = r'char ::= [^"\\\x7F\x00-\x1F]'


class Cancelled(Exception):
    """The parent gave up on the request being served."""


class Refused(Exception):
    """A request llama.cpp cannot serve; ``kind`` is ``load`` (the file) or ``model`` (the request)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# --- the socket to the parent -------------------------------------------------------------


class Channel:
    """Requests come in on a thread (so a cancel arrives while a generation runs); answers go out."""

    def __init__(self, fd: int):
        self.sock = socket.socket(fileno=fd)
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.cancelled: set[int] = set()

    def send(self, **message: Any) -> None:
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def read(self) -> None:
        """Runs on its own thread until the parent closes the socket, then ends the process."""
        with self.sock.makefile("rb") as lines:
            for line in lines:
                try:
                    message = json.loads(line)
                    if message["op"] == "cancel":
                        self.cancelled.add(message["id"])
                    else:
                        self.requests.put(message)
                except (ValueError, KeyError, TypeError):
                    # a line cut short by a parent that gave up mid-send: the parent kills this
                    # process if the request it was sending never gets an answer
                    os.write(2, f"not a request: {line[:200]!r}\n".encode())
        os._exit(0)  # the parent is gone: nothing is left to serve


# --- the model ----------------------------------------------------------------------------


class Model:
    """The loaded model: the Llama object, the window it was created with, and saved states.

    llama.cpp's cache holds one sequence: the last prompt. A task's rounds alternate with
    verifier and summarizer calls (and other tasks' rounds), each of which would evict
    the task's conversation. So when the next call belongs to another conversation, the
    current state is saved (``stash``, least recently used first out, within a byte
    budget) and restored when that conversation comes back: saving and loading 2,000
    tokens of SmolLM2 state takes under a second, evaluating them again 18 seconds.
    """

    def __init__(self, settings: dict[str, Any], channel: Channel, log: "LlamaLog"):
        self.path: str = settings["model"]
        self.threads: int = settings["threads"]
        self.gpu_layers: int = settings["gpu_layers"]
        self.state_budget: int = settings["state_budget"]
        self.channel = channel
        self.log = log
        self.llama: Any = None
        self.n_ctx = 0
        #: the conversation whose tokens are in the live cache
        self.live: str | None = None
        self.stash: collections.OrderedDict[str, Any] = collections.OrderedDict()
        #: prompt tokens evaluated since the counter was last reset (counted in eval)
        self.evaluated = 0
        self.cancelled: Callable[[], bool] = lambda: False
        self.grammars: dict[str, Any] = {}

    def load(self, window: int, rid: int) -> float | None:
        """Load the model with a window of at least ``window`` tokens; the milliseconds it took, or None."""
        if self.llama is not None and self.n_ctx >= window:
            return None
        from llama_cpp import Llama

        started = time.perf_counter()
        if self.llama is not None:
            self.llama.close()
            self.llama, self.live = None, None
            self.stash.clear()
        self.channel.send(ev="loading", id=rid, file=os.path.basename(self.path),
                          mb=os.path.getsize(self.path) // 2**20, window=window)
        crash_here("load")
        self.log.pieces.clear()
        try:
            llama = Llama(self.path, n_ctx=window, n_threads=self.threads, n_threads_batch=self.threads,
                          n_gpu_layers=self.gpu_layers, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            said = self.log.errors()
            raise Refused("load", f"llama.cpp cannot load {self.path}: {exc}" + (f" ({said})" if said else ""))
        self.llama, self.n_ctx = llama, window
        self._evaluate_in_slices()
        took = time.perf_counter() - started
        self.channel.send(ev="loaded", id=rid, seconds=round(took, 3))
        return took * 1000

    def chat(self, request: dict[str, Any]) -> dict[str, Any]:
        """One generation: text is sent as it comes; the reply and its counters are returned."""
        rid = request["id"]
        load_ms = self.load(request["n_ctx"], rid)
        llama = self.llama
        started = time.perf_counter()
        self._switch_conversation(_conversation_key(request["messages"]))
        self.evaluated = 0
        prompt_tokens: list[int | None] = [None, None]  # tokens, evaluated
        generated = 0
        first_token_at: float | None = None

        def watch(input_ids: Any, logits: Any) -> Any:
            # called before each token is sampled; the first call sees exactly the prompt.
            # It runs as a ctypes callback, where exceptions are swallowed: cancelling is
            # checked in the chunk loop and between prompt slices instead
            nonlocal generated, first_token_at
            if prompt_tokens[0] is None:
                prompt_tokens[0] = len(input_ids)
                # what eval was given before the first token is what the cache did not serve
                prompt_tokens[1] = min(self.evaluated, len(input_ids))
                first_token_at = time.perf_counter()
            generated += 1
            return logits

        kwargs: dict[str, Any] = {
            "messages": request["messages"], "stream": True, "max_tokens": request["max_tokens"],
            "logits_processor": [watch], "repeat_penalty": request["repeat_penalty"],
        }
        if request.get("temperature") is not None:
            kwargs["temperature"] = request["temperature"]
        if request.get("seed") is not None:
            kwargs["seed"] = request["seed"]
        if request.get("schema") is not None:
            kwargs["grammar"] = self._grammar(request["schema"])
        pieces: list[str] = []
        done_reason = None
        try:
            for chunk in llama.create_chat_completion(**kwargs):
                choice = chunk["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                if text:
                    pieces.append(text)
                    if request.get("stream"):
                        self.channel.send(ev="text", id=rid, text=text)
                    crash_here(len(pieces))
                done_reason = choice.get("finish_reason") or done_reason
                if self.cancelled():
                    raise Cancelled()
        except ValueError as exc:
            # e.g. "Requested tokens (9000) exceed context window of 8192"
            raise Refused("model", f"llama.cpp refused the request: {exc}") from exc
        ended = time.perf_counter()
        first = first_token_at or ended
        tokens, evaluated = prompt_tokens
        return {
            "content": "".join(pieces), "done_reason": done_reason,
            "usage": {
                "prompt_tokens": tokens, "prompt_evaluated": evaluated,
                "prompt_cached": (tokens - evaluated) if tokens is not None and evaluated is not None else None,
                "completion_tokens": generated, "duration_ms": (ended - started) * 1000,
                "prompt_eval_ms": (first - started) * 1000, "eval_ms": (ended - first) * 1000, "load_ms": load_ms,
            },
        }

    def _switch_conversation(self, key: str) -> None:
        """Keep the live conversation's state before another one replaces it; bring back a saved one."""
        if self.live == key:
            return
        llama = self.llama
        if self.live is not None and llama.n_tokens >= STASH_MIN_TOKENS and self.state_budget > 0:
            state = llama.save_state()
            self.stash.pop(self.live, None)
            if state.llama_state_size <= self.state_budget:
                self.stash[self.live] = state
            while sum(s.llama_state_size for s in self.stash.values()) > self.state_budget:
                self.stash.popitem(last=False)
        saved = self.stash.get(key)
        if saved is not None:
            llama.load_state(saved)
            self.stash.move_to_end(key)
        self.live = key

    def _grammar(self, schema: dict[str, Any]) -> Any:
        """The grammar that constrains output to ``schema`` (built once per schema)."""
        key = json.dumps(schema)  # not sorted: the key order is part of the grammar
        if key not in self.grammars:
            from llama_cpp.llama_grammar import LlamaGrammar

            try:
                self.grammars[key] = LlamaGrammar.from_string(grammar_text(schema), verbose=False)
            except ValueError as exc:
                raise Refused("model", str(exc)) from exc
        return self.grammars[key]

    def _evaluate_in_slices(self) -> None:
        """Make prompt evaluation stop between slices when the parent cancelled.

        ``Llama.eval`` takes a whole prompt at once (18 s for 2,200 tokens on two cores);
        evaluating it in slices changes nothing in the result but lets a cancel that the
        reading thread noted take effect between two slices, which are sized to take well
        under the second the parent waits before it kills this process.
        """
        whole = self.llama.eval
        size = EVAL_SLICE

        def eval_in_slices(tokens: Any) -> None:
            nonlocal size
            tokens = list(tokens)
            self.evaluated += len(tokens)
            start = 0
            while start < len(tokens) or start == 0:
                if self.cancelled():
                    raise Cancelled()
                piece = tokens[start:start + size]
                began = time.perf_counter()
                whole(piece)
                took = time.perf_counter() - began
                if len(piece) == size and took > 0:
                    low, high = SLICE_BOUNDS
                    size = max(low, min(high, int(size * SLICE_SECONDS / took)))
                start += max(len(piece), 1)

        self.llama.eval = eval_in_slices


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
        raise ValueError(f"llama.cpp cannot constrain output to this JSON schema: {exc}") from exc
    # llama-cpp-python's converter lets raw control characters (a newline) into
    # strings, which strict JSON forbids; llama.cpp's own converter excludes them
    return gbnf.replace(_LOOSE_CHAR, _STRICT_CHAR)


def _conversation_key(messages: list[dict[str, Any]]) -> str:
    """Which conversation a prompt continues: its first two messages (the stable head)."""
    return hashlib.sha256(json.dumps(messages[:2], sort_keys=True).encode()).hexdigest()[:16]


# --- llama.cpp's log and stderr --------------------------------------------------------------


class LlamaLog:
    """llama.cpp's log, kept here rather than printed: its errors go to stderr, the rest is kept
    for a load that fails. llama-cpp-python sends stderr to /dev/null while it loads a model
    (``verbose=False``); that is undone, so an abort's last words reach the parent even then.
    """

    def __init__(self) -> None:
        self.pieces: collections.deque[str] = collections.deque(maxlen=LOG_PIECES)

    def install(self) -> None:
        import contextlib
        import ctypes

        import llama_cpp
        import llama_cpp._internals
        import llama_cpp.llama
        import llama_cpp.llama_chat_format

        @llama_cpp.llama_log_callback
        def on_log(level: int, text: bytes, user_data: Any) -> None:
            piece = text.decode("utf-8", "replace")
            self.pieces.append(piece)
            if level == 4:  # GGML_LOG_LEVEL_ERROR (ggml.h: NONE, DEBUG, INFO, WARN, ERROR, CONT)
                os.write(2, text)

        self._callback = on_log  # ctypes needs the callback kept alive
        llama_cpp.llama_log_set(on_log, ctypes.c_void_p(0))
        for module in (llama_cpp.llama, llama_cpp._internals, llama_cpp.llama_chat_format):
            if hasattr(module, "suppress_stdout_stderr"):
                module.suppress_stdout_stderr = lambda disable=True: contextlib.nullcontext()

    def errors(self) -> str:
        """The lines llama.cpp logged that say what went wrong (the last few, joined)."""
        lines = [line.strip() for line in "".join(self.pieces).splitlines() if line.strip()]
        wrong = [line for line in lines if any(w in line.lower() for w in ("error", "fail", "corrupt", "invalid"))]
        return "; ".join((wrong or lines)[-3:])


def crash_here(where: int | str) -> None:
    """The test-only crash of ``TEST_CRASH``: at the n-th piece of text, or at ``load``."""
    wanted = os.environ.get(TEST_CRASH)
    if not wanted:
        return
    how, _, at = wanted.partition(":")
    if str(where) != at:
        return
    os.write(2, f"test crash: {how} requested by {TEST_CRASH}\n".encode())
    if how == "abort":
        os.abort()
    os.kill(os.getpid(), getattr(signal, how))


# --- the process --------------------------------------------------------------------------


def serve(channel: Channel, model: Model) -> None:
    """Answer requests one at a time until the parent closes the socket."""
    while True:
        request = channel.requests.get()
        rid = request["id"]
        model.cancelled = lambda: rid in channel.cancelled
        try:
            if model.cancelled():
                raise Cancelled()
            reply = model.chat(request)
        except Cancelled:
            channel.send(ev="failed", id=rid, kind="cancelled", message="cancelled")
        except Refused as exc:
            channel.send(ev="failed", id=rid, kind=exc.kind, message=str(exc))
        except Exception as exc:  # a bug here: say it, and keep serving
            channel.send(ev="failed", id=rid, kind="error", message=f"{type(exc).__name__}: {exc}")
        else:
            channel.send(ev="done", id=rid, **reply)
        channel.cancelled.discard(rid)


def main(argv: list[str]) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]  # this file's folder is not a place to import from
    # Ctrl+C in the terminal is for SmallClaw, which stops this process when it stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, settings = int(argv[1]), json.loads(argv[2])
    channel = Channel(fd)
    log = LlamaLog()
    log.install()
    threading.Thread(target=channel.read, name="requests", daemon=True).start()
    serve(channel, Model(settings, channel, log))


if __name__ == "__main__":
    main(sys.argv)
