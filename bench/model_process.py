"""The embedded model's cost to the server: memory with and without a loaded model, first-token latency, speed.

The process that runs this script plays the server: it holds a ``llamacpp`` backend
(``--model``: SmolLM2-135M-Instruct, ``default``, unless another GGUF file is given) and
calls it as a chat does, with the text streamed back. Measured, as the caller sees them:

- ``server_rss_mb``: this process's resident memory before any call (``idle``) and with
  the model loaded (``loaded``); ``model_process_rss_mb``: its child processes' (the
  model's own process, where there is one);
- ``first_token_s``: from the call to its first streamed text, for the first call
  (``cold``: the model is started and loaded) and the median of the next ones (``warm``:
  each appends a question to the same conversation, as a chat does);
- ``tokens_per_s``: streamed pieces per second after the first, median of the warm calls;
- ``cancel_s``: a long reply cancelled after its fifth piece of text, from the cancel to
  the call's return (median of ``--cancels``), and ``after_cancel_first_token_s``: the
  first token of the call that follows (the model is free again, or started afresh).

    python bench/model_process.py [--model PATH.gguf] [--calls 6] [--cancels 3] [--out FILE]
    python bench/compare.py --before main -- bench/model_process.py --model PATH.gguf
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import anyio

from smallclaw_core import Message, ModelOptions, ModelRequest
from smallclaw_llamacpp.backend import LlamaCppBackend

SYSTEM = "You are a helpful assistant. Answer in two or three sentences."
QUESTIONS = ["Why is the sky blue?", "What is a prime number?", "How do bees make honey?",
             "What does a compiler do?", "Why do we have seasons?", "What is a volcano?",
             "How does a bicycle stay upright?", "What is photosynthesis?"]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children_rss_mb() -> float:
    """Resident memory of this process's children (the model process, where there is one)."""
    me, total = os.getpid(), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                total += rss_mb(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return total


async def timed_call(backend: LlamaCppBackend, model: str, messages: list[Message], tokens: int) -> dict[str, Any]:
    stamps: list[float] = []
    started = time.perf_counter()
    reply = await backend.chat(ModelRequest(model, messages, options=ModelOptions(
        temperature=0.0, seed=0, num_predict=tokens), on_text=lambda _: stamps.append(time.perf_counter())))
    return {"first_token_s": stamps[0] - started if stamps else None,
            "tokens_per_s": (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 2 else None,
            "reply": reply.content, "completion_tokens": reply.usage.completion_tokens}


async def cancelled_call(backend: LlamaCppBackend, model: str, messages: list[Message]) -> float:
    """Seconds from cancelling a long reply, after its fifth piece of text, to the call's return."""
    scope = anyio.CancelScope()
    pieces, cancelled_at = 0, 0.0

    def on_text(_: str) -> None:
        nonlocal pieces, cancelled_at
        pieces += 1
        if pieces == 5:
            cancelled_at = time.perf_counter()
            scope.cancel()

    with scope:
        await backend.chat(ModelRequest(model, messages, options=ModelOptions(
            temperature=0.0, seed=0, num_predict=400), on_text=on_text))
    if not cancelled_at:
        raise SystemExit("the reply ended before its fifth piece: nothing was cancelled")
    return time.perf_counter() - cancelled_at


async def measure(model: str, calls: int, tokens: int, cancels: int) -> dict[str, Any]:
    idle = rss_mb(os.getpid())
    backend = LlamaCppBackend(max_tokens=tokens)
    conversation = [Message("system", SYSTEM)]
    results, cancel_s, after_cancel = [], [], []
    try:
        for question in (QUESTIONS * (calls // len(QUESTIONS) + 1))[:calls]:
            conversation.append(Message("user", question))
            result = await timed_call(backend, model, conversation, tokens)
            conversation.append(Message("assistant", result.pop("reply")))
            results.append(result)
        loaded, children = rss_mb(os.getpid()), children_rss_mb()
        for _ in range(cancels):
            long = [Message("system", SYSTEM), Message("user", "Write a long story about a lighthouse keeper.")]
            cancel_s.append(await cancelled_call(backend, model, long))
            after = await timed_call(backend, model, conversation[:2], 8)
            after_cancel.append(after["first_token_s"])
    finally:
        await backend.aclose()
    warm = results[1:]
    return {
        "server_rss_mb": {"idle": round(idle, 1), "loaded": round(loaded, 1)},
        "model_process_rss_mb": round(children, 1),
        "first_token_s": {"cold": round(results[0]["first_token_s"], 3),
                          "warm": round(statistics.median(r["first_token_s"] for r in warm), 3)},
        "tokens_per_s": round(statistics.median(r["tokens_per_s"] for r in warm if r["tokens_per_s"]), 1),
        "cancel_s": round(statistics.median(cancel_s), 3) if cancel_s else None,
        "after_cancel_first_token_s": round(statistics.median(after_cancel), 3) if after_cancel else None,
        "calls": results,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="the llamacpp model: default, a pulled model or a .gguf path")
    parser.add_argument("--calls", type=int, default=6, help="calls in the conversation (the first is cold)")
    parser.add_argument("--cancels", type=int, default=3, help="long replies cancelled mid-generation")
    parser.add_argument("--tokens", type=int, default=48, help="tokens each reply may have")
    parser.add_argument("--out", type=Path, help="write the JSON here (default: bench/results/model_process-<time>.json)")
    args = parser.parse_args()
    result = anyio.run(measure, args.model, args.calls, args.tokens, args.cancels)
    print(f"server memory: {result['server_rss_mb']['idle']} MB idle, {result['server_rss_mb']['loaded']} MB with "
          f"the model loaded; the model's own process: {result['model_process_rss_mb']} MB")
    print(f"first token: {result['first_token_s']['cold']:.2f} s cold, {result['first_token_s']['warm']:.3f} s warm "
          f"(median); {result['tokens_per_s']} tokens/s (median)")
    if result["cancel_s"] is not None:
        print(f"cancel mid-generation: returned in {result['cancel_s']:.3f} s (median); the next call's first token "
              f"in {result['after_cancel_first_token_s']:.3f} s")
    out = args.out or Path(__file__).parent / "results" / f"model_process-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": sys.version.split()[0], "platform": platform.platform()},
                               **result}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
