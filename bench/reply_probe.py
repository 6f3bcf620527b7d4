"""How often do independent reply attempts agree, and how often is a unanimous reply right?

For every feasible one-step task of the chosen sets whose step makes or changes one file (a
reply's kind of step; scripts, fixes, arithmetic, counts and folders aside), the reply prompt
of ``smallclaw_core/runner/replies.py`` is sampled ``--samples`` times at the attempts'
temperature with the model given, the replies are grouped as the runner compares files
(``compare.same_change``), and each group is judged by the task's own check. No runner,
no guards: a reply that copies its input counts here, where the runner's guards refuse it.
This is the measurement behind ``compare.REPLIES_AGREE``.

    .venv/bin/python bench/reply_probe.py --model <gguf> --set held-out-12,extra --out probe.jsonl
    .venv/bin/python bench/reply_probe.py --model - --report --out bench/reply_probe_qwen2.5-coder-0.5b.jsonl

The second line summarises the rows behind ``REPLIES_AGREE`` (Qwen2.5-Coder-0.5B, the older sets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tasks import SETS  # noqa: E402

from smallclaw_core.intent import read_intent  # noqa: E402
from smallclaw_core.models import Message, ModelOptions, ModelRequest  # noqa: E402
from smallclaw_core.runner.compare import same_change  # noqa: E402
from smallclaw_core.runner.planner import sentence_plan  # noqa: E402
from smallclaw_core.runner.replies import REPLY_PROMPT, SHOWN_WHOLE, file_of, predicts, target_of  # noqa: E402
from smallclaw_core.workspace import Workspace  # noqa: E402

#: kinds whose result a reply types as a number or a script, or that make folders: not a reply's
SKIPPED_KINDS = {"script", "fix", "arithmetic", "count", "infeasible", "folder"}


def ask_for(goal: str, ws: str) -> tuple[str, str] | None:
    """(the file, the reply prompt) for a one-step goal whose step makes or changes one file, else None."""
    steps = sentence_plan(goal, Path(ws))
    if len(steps) != 1:
        return None
    step = steps[0].description
    intent = read_intent(step, lambda n: Path(ws, n).is_file())
    target = target_of(intent, Path(ws))
    if target is None or predicts(target):
        return None
    files = ", ".join(sorted(n for n, _ in Workspace(ws).walk(limit=50, hidden=False))) or "none"
    shown = "\n".join(f"--- {f.name} ---\n{Path(ws, f.name).read_text()[:SHOWN_WHOLE]}"
                      for f in intent.files if Path(ws, f.name).is_file())
    return target, (f"Task: {goal}\nDo this part now: {step}\nFiles in the folder: {files}"
                    + (f"\n{shown}" if shown else "") + f"\nReply with the complete new contents of {target}.")


async def probe(args: argparse.Namespace) -> None:
    from smallclaw_llamacpp.backend import LlamaCppBackend

    backend, seen = LlamaCppBackend(), set()
    with open(args.out, "a", encoding="utf-8") as out:
        for name in args.set.split(","):
            for task in SETS[name]:
                if not task.feasible or task.name in seen or task.kind in SKIPPED_KINDS:
                    continue
                seen.add(task.name)
                for wording, goal in enumerate(task.goals):
                    with tempfile.TemporaryDirectory() as ws:
                        for path, text in (task.files or {}).items():
                            Path(ws, path).parent.mkdir(parents=True, exist_ok=True)
                            Path(ws, path).write_text(text)
                        found = ask_for(goal, ws)
                        if found is None:
                            continue
                        target, ask = found
                        replies = []
                        for _ in range(args.samples):
                            request = ModelRequest(model=args.model, messages=[Message("system", REPLY_PROMPT),
                                                                               Message("user", ask)],
                                                   options=ModelOptions(temperature=0.7, num_predict=800,
                                                                        seed=random.randrange(1, 2**31)),
                                                   timeout=120)
                            replies.append(file_of((await backend.chat(request)).content))
                        base = {p: t.encode() for p, t in (task.files or {}).items()}
                        groups: list[tuple[dict, list[str]]] = []
                        for reply in replies:
                            change = {target: reply.encode()}
                            group = next((g for g in groups if same_change(g[0], change, base, [target])), None)
                            if group is None:
                                groups.append((change, [reply]))
                            else:
                                group[1].append(reply)
                        verdicts = []
                        for change, members in groups:
                            Path(ws, target).parent.mkdir(parents=True, exist_ok=True)
                            Path(ws, target).write_bytes(change[target])
                            verdicts.append((len(members), bool(task.judge(Path(ws))[0])))
                            for path, text in (task.files or {}).items():
                                Path(ws, path).write_text(text)
                        row = {"task": task.name, "set": name, "wording": wording, "target": target,
                               "sizes": [v[0] for v in verdicts], "right": [v[1] for v in verdicts],
                               "copy": any(t.strip() == replies[0].strip() for t in (task.files or {}).values()),
                               "results": replies}
                        out.write(json.dumps(row) + "\n")
                        out.flush()
                        print(task.name, wording, target, verdicts, flush=True)


def report(path: str, samples: int) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    unanimous = [r for r in rows if r["sizes"] == [samples]]
    copies = sum(1 for r in unanimous if r.get("copy"))
    right = sum(1 for r in unanimous if r["right"][0] and not r.get("copy"))
    print(f"{len(rows)} task wordings; {len(unanimous)} unanimous: {right} right, {copies} copies of the input, "
          f"{len(unanimous) - right - copies} wrong")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a GGUF file (the embedded backend)")
    parser.add_argument("--set", default="held-out-12", help="comma-separated sets of bench/tasks.py")
    parser.add_argument("--samples", type=int, default=4, help="replies per task wording")
    parser.add_argument("--out", default="reply-probe.jsonl", help="rows are appended here")
    parser.add_argument("--report", action="store_true", help="only summarise --out")
    args = parser.parse_args()
    if not args.report:
        asyncio.run(probe(args))
    report(args.out, args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
