"""The verifier and summarizer roles: short, constrained model calls (the planner has its own module).

The verifier asks for JSON constrained to a schema (backends that support it enforce
it) and parses the answer strictly: its "YES" must be the answer field itself, never
the first "yes" found somewhere in free text. An answer that cannot be read counts as
NO: verification fails closed. It judges from the evidence (the step's tool calls and
results, the files the step changed and how they begin), not from the executor's
report alone.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from smallclaw_core.chat import cut_middle, model_call
from smallclaw_core.models import Message, ModelOptions, ModelRequest, describe_call, is_small_model
from smallclaw_core.tasks import Task
from smallclaw_core.verification import StepContext, Verdict

if TYPE_CHECKING:
    from smallclaw_core.app import App

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "string", "enum": ["YES", "NO"]}, "reason": {"type": "string"}},
    "required": ["answer", "reason"],
}

VERIFIER_PROMPT = (
    "You check whether one step of a task is really done. Judge only from the evidence: tool "
    "calls, their results and the files changed. Claims without evidence do not count. Reply with JSON: "
    '{"answer": "YES" or "NO", "reason": "one sentence"}'
)

SUMMARIZER_PROMPT = (
    "You write the final summary of a finished task for the user: what was done and the results, "
    "in a few short sentences. Use only facts from the record."
)


def _options(app: "App", num_predict: int | None = None) -> ModelOptions:
    return ModelOptions(num_ctx=app.config.models.num_ctx, temperature=0.0, num_predict=num_predict)


def loads_strict(text: str) -> Any:
    """The whole text as JSON, else a single fenced or bare JSON object in it."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    fenced = re.fullmatch(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        try:
            return json.loads(fenced.group(1))
        except ValueError:
            pass
    return None


def meaningful_reason(reason: str, fallback: str, prompt: str = "") -> str:
    """The verifier's reason, unless it is an echo of the question or of the facts rather than a reason."""
    cleaned = reason.strip().strip(".").lower()
    if len(cleaned.split()) < 3 or cleaned in ("one sentence", "a one-sentence reason", "one-sentence reason"):
        return fallback
    if prompt and len(cleaned) >= 20 and cleaned[:40] in " ".join(prompt.lower().split()):
        return fallback  # copied from what it was shown
    return reason.strip()


def parse_verdict(text: str) -> tuple[bool, str] | None:
    """(passed, reason) from a verifier answer, or ``None`` when it cannot be read.

    Accepted: the JSON object of ``VERDICT_SCHEMA``, or a text that *starts* with the
    word YES or NO. Anything else is unreadable.
    """
    data = loads_strict(text)
    if isinstance(data, dict):
        answer = data.get("answer")
        reason = data.get("reason")
        if isinstance(answer, str) and answer.strip().upper() in ("YES", "NO"):
            return answer.strip().upper() == "YES", str(reason or "").strip()
        return None
    match = re.fullmatch(r"\s*\**\s*(YES|NO)\b\**[\s.:,;!-]*(.*)", text, re.S | re.I)
    if match:
        return match.group(1).upper() == "YES", " ".join(match.group(2).split())
    return None


def evidence_text(ctx: StepContext, limit: int = 3000) -> str:
    """The step's tool calls and results, then the files it changed with their first lines."""
    lines = []
    for e in ctx.step_evidence or ctx.evidence:
        if e.kind == "tool_call":
            lines.append(f"CALL {describe_call(e.data.get('name'), e.data.get('arguments', {}))}")
        elif e.kind == "tool_result":
            mark = "ERROR " if e.data.get("error") else ""
            lines.append(f"RESULT {mark}{cut_middle(str(e.data.get('result', '')), 600)}")
    calls = cut_middle("\n".join(lines) or "(no tool was used)", limit)
    from .evidence import head
    from .intents import step_intent

    # what the step read, to compare the output with
    named = [n for n in step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).inputs if n not in ctx.changed]
    text = calls
    if named:
        inputs = "\n".join(head(ctx.workspace, name) for name in named[:3])
        text += f"\n\nFiles the step names, as they are:\n{cut_middle(inputs, limit // 3)}"
    if ctx.changed:
        files = "\n".join(head(ctx.workspace, name) for name in ctx.changed[:5])
        text += f"\n\nFiles changed in this step:\n{cut_middle(files, limit // 2)}"
    return text


async def role_call(app: "App", role: str, request: ModelRequest, task_id: str | None = None) -> Any:
    """One model call of a role (planner, verifier, summarizer), journaled on the task when there is one."""
    started = time.perf_counter()
    reply = await model_call(await app.model_for(role), request)
    if task_id is not None:
        u = reply.usage
        app.tasks.journal(task_id, "model_call", {
            "role": role, "model": request.model, "seconds": round(time.perf_counter() - started, 3),
            "prompt_tokens": u.prompt_tokens, "prompt_evaluated": u.prompt_evaluated,
            "prompt_cached": u.prompt_cached, "completion_tokens": u.completion_tokens,
            "done_reason": reply.done_reason}, sync=False)  # a record of cost: the next entry syncs it
    return reply


async def judge(app: "App", facts: str, question: str, inverted: str, *, subject: str = "the step",
                task_id: str | None = None, source: str = "model",
                fallback_no: str = "the evidence does not show that it is done") -> Verdict:
    """Ask the verifier role ``question`` about ``facts``: YES or NO with a reason; fails closed.

    With ``[runner] double_check`` (by default for small verifier models) a YES counts
    only when the model also answers NO to ``inverted`` ("is anything still missing?").
    """
    ref = await app.model_for("verifier")

    async def ask(prompt: str) -> tuple[bool, str] | None:
        request = ModelRequest(
            model=ref.model, messages=[Message("system", VERIFIER_PROMPT), Message("user", prompt)],
            format=VERDICT_SCHEMA, options=_options(app, 120), timeout=app.config.models.timeout,
        )
        reply = await role_call(app, "verifier", request, task_id)  # TransportError propagates: never a YES
        return parse_verdict(reply.content)

    parsed = await ask(f"{facts}\n\n{question} Answer YES or NO with a one-sentence reason.")
    if parsed is None:
        return Verdict(False, f"the verifier's answer could not be read, so {subject} is not counted as done",
                       source=source)
    passed, reason = parsed
    if passed and await _double_check(app, ref):
        second = await ask(f"{facts}\n\n{inverted} Answer YES if something is missing or wrong, NO if "
                           "nothing is, with a one-sentence reason.")
        if second is None or second[0]:
            why = meaningful_reason(second[1] if second else "",
                                    f"it said {subject} is done, and also that something is still missing", facts)
            return Verdict(False, f"the verifier is not sure {subject} is done: {why}", source=source)
    return Verdict(passed, meaningful_reason(reason, f"{subject} is done" if passed else fallback_no, facts),
                   source=source)


async def _double_check(app: "App", ref: Any) -> bool:
    mode = app.config.runner.double_check
    if mode != "auto":
        return mode == "always"
    return is_small_model(await app.model_info(ref))


class ModelVerifier:
    """Asks the verifier role whether the step is done, from the step's evidence (see ``judge``)."""

    name = "model"
    order = 100

    async def verify(self, ctx: StepContext) -> Verdict | None:
        facts = (
            f"Task: {ctx.task.goal}\nStep to check: {ctx.step.description}\n\n"
            f"Evidence from this step:\n{evidence_text(ctx)}\n\n"
            f"The assistant's report: {cut_middle(ctx.answer, 1000) or '(none)'}"
        )
        return await judge(
            ctx.app, facts, "Is this step done?", "Is anything still missing or wrong before this step counts as done?",
            task_id=ctx.task.id, source=self.name,
            fallback_no="the evidence does not show that this step is done; do it with the tools and report the "
                        "result")


async def write_summary(app: "App", task: Task, record: str) -> str:
    """The summarizer's few sentences, from the steps and the ``record`` (``record.facts``: the files
    changed and how each step was accepted; not what throwaway attempts printed)."""
    ref = await app.model_for("summarizer")
    steps = "\n".join(f"{i + 1}. {s.description} [{s.state}]" + (f" — {cut_middle(s.notes[-1], 300)}" if s.notes else "")
                      for i, s in enumerate(task.steps))
    prompt = (f"Goal: {task.goal}\nSteps:\n{steps}\n\nThe record:\n{cut_middle(record, 1500)}"
              f"\n\nLast report: {cut_middle(task.last_result or '', 800)}\n\nWrite the summary.")
    request = ModelRequest(
        model=ref.model, messages=[Message("system", SUMMARIZER_PROMPT), Message("user", prompt)],
        options=_options(app, 300), timeout=app.config.models.timeout,
    )
    reply = await role_call(app, "summarizer", request, task.id)
    text = reply.content.strip()
    return text or fallback_summary(task)


def fallback_summary(task: Task) -> str:
    lines = [f"Completed: {task.title}"]
    for i, s in enumerate(task.steps):
        note = f": {s.notes[-1]}" if s.notes else ""
        lines.append(f"{i + 1}. {s.description}{note}")
    return "\n".join(lines)


