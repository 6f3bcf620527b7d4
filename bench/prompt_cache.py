"""Prompt caching with the real embedded model: what a stable prompt prefix saves per round.

A 5-step task runs twice through the real runner with SmolLM2-135M-Instruct (the
``llamacpp:default`` backend) and a scripted tool, in the same process:

- ``stable``: SmallClaw's layout. The conversation's head (system prompt, task, plan)
  never changes; each round appends its step message, so llama.cpp's prefix cache
  serves everything but the new tail.
- ``busting``: the same task with the layout of SmallClaw v1.0.2, a "Current step i/n"
  line at the very top of the system prompt, which changes with every step and so
  invalidates the whole cache each round.

Steps are passed by a scripted verifier (decisive), so both runs have the same five
rounds whatever the tiny model says; what is measured is the cost of prompts. Per
round: prompt tokens (summed over the round's executor calls), tokens actually
evaluated, and the round's latency. Target: after the first round, tokens evaluated
average under 20% of the prompt in the stable layout.

    python bench/prompt_cache.py [--records 60]

Prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

from smallclaw_core import Message, ModelRequest, Verdict, hookimpl, tool
from smallclaw_core.app import App
from smallclaw_core.runner import Runner

STEPS = [
    "Look up record 7 with the lookup tool",
    "Look up record 19 with the lookup tool",
    "Look up record 23 with the lookup tool",
    "Look up record 31 with the lookup tool",
    "Report the four statuses in one sentence",
]


@tool
def lookup(record: int) -> str:
    """Look up one record of the order book by its number."""
    return f"record {record}: customer ACME-{record}, 3 widgets, status {'shipped' if record % 2 else 'open'}"


class ScriptedParts:
    """The scripted tool and a verifier that passes every step (decisive), so rounds are comparable."""

    name = "pass_every_step"
    order = 10

    async def verify(self, ctx: Any) -> Verdict:
        return Verdict(True, "scripted pass", decisive=True)

    @hookimpl
    def register_tools(self, register):
        register(lookup)

    @hookimpl
    def register_verifiers(self, register):
        register(self)


class BustingLayout:
    """A backend in front of the embedded one that moves the current step to the top of the prompt.

    This is the layout to avoid (SmallClaw v1.0.2's): the first line of the system
    prompt changes whenever the step does, so no prefix survives from round to round.
    """

    name = "busting"

    def __init__(self, inner: Any):
        self.inner = inner

    async def chat(self, request: ModelRequest) -> Any:
        step = next((m.group(0) for msg in reversed(request.messages)
                     if (m := re.search(r"Current step \d+/\d+", msg.content))), "Current step ?")
        messages = list(request.messages)
        messages[0] = Message(messages[0].role, f"{step}.\n{messages[0].content}")
        return await self.inner.chat(ModelRequest(**{**_fields(request), "messages": messages}))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _fields(request: ModelRequest) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(request, f.name) for f in attrs.fields(ModelRequest)}


class BustingPlugin:
    @hookimpl
    def register_backends(self, register):
        def factory(app):
            return BustingLayout(app.backend("llamacpp"))

        register("busting", factory)


def order_book(records: int) -> str:
    lines = [f"Record {i}: customer ACME-{i} ordered {i % 5 + 1} widgets on day {i}, "
             f"shipping to warehouse {chr(65 + i % 6)}." for i in range(1, records + 1)]
    return "Process the order book below.\n" + "\n".join(lines)


def run_layout(layout: str, records: int, home: Path) -> dict[str, Any]:
    backend = "llamacpp" if layout == "stable" else "busting"
    app = App.load(home / layout, extra_plugins=[ScriptedParts(), BustingPlugin()], only=["runner", "llamacpp"],
                   overrides={
                       "models": {"executor": f"{backend}:default", "timeout": 300.0, "temperature": 0.0},
                       "llamacpp": {"max_tokens": 96},
                       "runner": {"max_tool_calls": 3, "round_timeout": 600.0, "transport_attempts": 1,
                                  "poll_interval": 0.05, "max_rounds": 12},
                       "store": {"durable": False},
                   })
    task = app.tasks.create(order_book(records), STEPS, title="order book lookups")
    started = time.perf_counter()

    async def run() -> None:
        try:
            await Runner(app).run_until_idle(timeout=1800)
        finally:
            await app.aclose()

    anyio.run(run)
    wall = time.perf_counter() - started
    task = app.store.get(task.id)
    rounds: dict[int, dict[str, Any]] = {}
    for e in app.store.journal(task.id):
        if e.round is None:
            continue
        r = rounds.setdefault(e.round, {"round": e.round, "calls": 0, "prompt_tokens": 0, "evaluated": 0,
                                        "model_seconds": 0.0, "first_ts": e.ts, "last_ts": e.ts})
        r["last_ts"] = e.ts
        if e.kind == "model_call":
            r["calls"] += 1
            r["prompt_tokens"] += e.data.get("prompt_tokens") or 0
            r["evaluated"] += e.data.get("prompt_evaluated") or 0
            r["model_seconds"] += e.data.get("seconds") or 0.0
    table = []
    for r in sorted(rounds.values(), key=lambda r: r["round"]):
        if not r["calls"]:
            continue
        table.append({"round": r["round"], "calls": r["calls"], "prompt_tokens": r["prompt_tokens"],
                      "evaluated": r["evaluated"],
                      "evaluated_share": r["evaluated"] / r["prompt_tokens"] if r["prompt_tokens"] else None,
                      "latency_s": round(r["last_ts"] - r["first_ts"], 3),
                      "model_seconds": round(r["model_seconds"], 3)})
    later = table[1:]
    summary = {
        "status": task.status,
        "rounds": len(table),
        "wall_s": round(wall, 1),
        "first_round": table[0] if table else None,
        "median_prompt_tokens_after_first": statistics.median(r["prompt_tokens"] for r in later) if later else None,
        "median_evaluated_after_first": statistics.median(r["evaluated"] for r in later) if later else None,
        "median_latency_s_after_first": statistics.median(r["latency_s"] for r in later) if later else None,
        "evaluated_share_after_first": (sum(r["evaluated"] for r in later) / sum(r["prompt_tokens"] for r in later)
                                        if later and sum(r["prompt_tokens"] for r in later) else None),
    }
    return {"layout": layout, "rounds": table, "summary": summary}


def print_layout(result: dict[str, Any]) -> None:
    s = result["summary"]
    print(f"\n{result['layout']} layout: task {s['status']}, {s['rounds']} rounds, {s['wall_s']} s")
    print(f"  {'round':>5} {'calls':>5} {'prompt':>8} {'evaluated':>9} {'share':>6} {'latency':>8}")
    for r in result["rounds"]:
        share = f"{r['evaluated_share']:.0%}" if r["evaluated_share"] is not None else "-"
        print(f"  {r['round']:>5} {r['calls']:>5} {r['prompt_tokens']:>8} {r['evaluated']:>9} {share:>6} "
              f"{r['latency_s']:>7.2f}s")
    if s["median_evaluated_after_first"] is not None:
        print(f"  after the first round: median prompt {s['median_prompt_tokens_after_first']:.0f} tokens, "
              f"median evaluated {s['median_evaluated_after_first']:.0f}, "
              f"evaluated share {s['evaluated_share_after_first']:.1%}, "
              f"median latency {s['median_latency_s_after_first']:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=60, help="lines in the task's order book (prompt size)")
    parser.add_argument("--out", type=Path, help="write the JSON here (default: bench/results/prompt_cache-<time>.json)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_layout(layout, args.records, Path(tmp)) for layout in ("stable", "busting")]
    for r in results:
        print_layout(r)
    stable, busting = (r["summary"] for r in results)
    verdict: dict[str, Any] = {}
    if stable["median_evaluated_after_first"] and busting["median_evaluated_after_first"]:
        verdict = {
            "evaluated_ratio_busting_over_stable": busting["median_evaluated_after_first"]
            / stable["median_evaluated_after_first"],
            "latency_ratio_busting_over_stable": busting["median_latency_s_after_first"]
            / stable["median_latency_s_after_first"],
            "target_evaluated_share_below": 0.20,
            "target_met": stable["evaluated_share_after_first"] < 0.20,
        }
        print(f"\nbusting/stable after the first round: {verdict['evaluated_ratio_busting_over_stable']:.1f}x "
              f"tokens evaluated, {verdict['latency_ratio_busting_over_stable']:.1f}x latency (medians)")
        print(f"target (stable: evaluated under 20% of the prompt after round 1): "
              f"{'met' if verdict['target_met'] else 'NOT met'} ({stable['evaluated_share_after_first']:.1%})")
    out = args.out or Path(__file__).parent / "results" / f"prompt_cache-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": sys.version.split()[0], "platform": platform.platform()},
                               "records": args.records, "layouts": results, "comparison": verdict}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
