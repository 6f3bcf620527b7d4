"""The planner, verifier and summarizer roles: short, constrained model calls.

Each asks for JSON constrained to a schema (backends that support it enforce it) and
parses the answer strictly: a verifier's "YES" must be the answer field itself, never
the first "yes" found somewhere in free text. An answer that cannot be read counts as
NO: verification fails closed.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from smallclaw_core.chat import cut_middle, model_call
from smallclaw_core.errors import ModelError
from smallclaw_core.models import Message, ModelOptions, ModelRequest
from smallclaw_core.tasks import Step, Task
from smallclaw_core.verification import StepContext, Verdict

if TYPE_CHECKING:
    from smallclaw_core.app import App

MAX_PLAN_STEPS = 8

PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_PLAN_STEPS,
            "items": {
                "type": "object",
                "properties": {"description": {"type": "string", "minLength": 3}},
                "required": ["description"],
            },
        }
    },
    "required": ["steps"],
}

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "string", "enum": ["YES", "NO"]}, "reason": {"type": "string"}},
    "required": ["answer", "reason"],
}

PLANNER_PROMPT = (
    "You plan tasks for a small assistant that has tools: {tools}. Split the goal into 1 to "
    f"{MAX_PLAN_STEPS} short, concrete steps, each one action whose result can be checked. "
    'Reply with JSON: {{"steps": [{{"description": "..."}}]}}'
)

VERIFIER_PROMPT = (
    "You check whether one step of a task is really done. Judge only from the evidence: tool "
    "calls and their results. Claims without evidence do not count. Reply with JSON: "
    '{"answer": "YES" or "NO", "reason": "one sentence"}'
)

SUMMARIZER_PROMPT = (
    "You write the final summary of a finished task for the user: what was done and the results, "
    "in a few short sentences. Use only facts from the record."
)


def _options(app: "App", num_predict: int | None = None) -> ModelOptions:
    return ModelOptions(num_ctx=app.config.models.num_ctx, temperature=0.0, num_predict=num_predict)


def _loads_strict(text: str) -> Any:
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


def parse_plan(text: str) -> list[str] | None:
    """Steps from a planner answer, or ``None`` when it does not parse."""
    data = _loads_strict(text)
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return None
    steps = []
    for item in data["steps"]:
        if isinstance(item, dict):
            item = item.get("description")
        if not isinstance(item, str) or not item.strip():
            return None
        steps.append(" ".join(item.split()))
    if not 1 <= len(steps) <= MAX_PLAN_STEPS:
        return None
    return steps


def meaningful_reason(reason: str, fallback: str) -> str:
    """The verifier's reason, unless it is an echo of the question rather than a reason."""
    cleaned = reason.strip().strip(".").lower()
    if len(cleaned.split()) < 3 or cleaned in ("one sentence", "a one-sentence reason", "one-sentence reason"):
        return fallback
    return reason.strip()


def parse_verdict(text: str) -> tuple[bool, str] | None:
    """(passed, reason) from a verifier answer, or ``None`` when it cannot be read.

    Accepted: the JSON object of ``VERDICT_SCHEMA``, or a text that *starts* with the
    word YES or NO. Anything else is unreadable.
    """
    data = _loads_strict(text)
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


async def make_plan(app: "App", task: Task) -> list[str] | None:
    ref = await app.model_for("planner")
    tools = ", ".join(app.tools.names()) or "none"
    request = ModelRequest(
        model=ref.model,
        messages=[Message("system", PLANNER_PROMPT.format(tools=tools)), Message("user", task.goal)],
        format=PLAN_SCHEMA, options=_options(app, 400), timeout=app.config.models.timeout,
    )
    reply = await model_call(ref, request)
    return parse_plan(reply.content)


def evidence_text(ctx: StepContext, limit: int = 3000) -> str:
    lines = []
    for e in ctx.evidence:
        if e.kind == "tool_call":
            lines.append(f"CALL {e.data.get('name')} {json.dumps(e.data.get('arguments', {}), ensure_ascii=False)}")
        elif e.kind == "tool_result":
            mark = "ERROR " if e.data.get("error") else ""
            lines.append(f"RESULT {mark}{cut_middle(str(e.data.get('result', '')), 600)}")
    return cut_middle("\n".join(lines) or "(no tool was used)", limit)


SMALL_MODEL_BYTES = 1_000_000_000
SMALL_MODEL_PARAMETERS = 1.5e9


def is_small_model(info: Any) -> bool:
    """Whether a model is small enough that its YES alone means little (by file size or parameters)."""
    if info is None:
        return False
    if isinstance(getattr(info, "size", None), int) and 0 < info.size < SMALL_MODEL_BYTES:
        return True
    text = str((getattr(info, "details", None) or {}).get("parameter_size", "")).strip().upper()
    match = re.fullmatch(r"([\d.]+)\s*([MB])", text)
    if match:
        count = float(match.group(1)) * (1e6 if match.group(2) == "M" else 1e9)
        return count < SMALL_MODEL_PARAMETERS
    return False


class ModelVerifier:
    """Asks the verifier role whether the step is done: YES or NO with a reason.

    A small model tends to answer YES to anything. With ``[runner] double_check`` (by
    default for small verifier models) a YES is only accepted when the same model also
    answers NO to the inverted question "is anything still missing?".
    """

    name = "model"
    order = 100

    async def verify(self, ctx: StepContext) -> Verdict | None:
        app = ctx.app
        ref = await app.model_for("verifier")
        step = ctx.step
        facts = (
            f"Task: {ctx.task.goal}\nStep to check: {step.description}\n\n"
            f"Evidence from this round:\n{evidence_text(ctx)}\n\n"
            f"The assistant's report: {cut_middle(ctx.answer, 1000) or '(none)'}\n\n"
        )
        parsed = await self._ask(app, ref, facts + "Is this step done? Answer YES or NO with a one-sentence reason.")
        if parsed is None:
            return Verdict(False, "the verifier's answer could not be read, so the step is not counted as done",
                           source=self.name)
        passed, reason = parsed
        if passed and await self._double_check(app, ref):
            inverted = await self._ask(app, ref, facts + (
                "Is anything still missing or wrong before this step counts as done? Answer YES if something "
                "is missing or wrong, NO if nothing is, with a one-sentence reason."))
            if inverted is None or inverted[0]:
                why = meaningful_reason(inverted[1] if inverted else "",
                                        "it said the step is done, and also that something is still missing")
                return Verdict(False, f"the verifier is not sure the step is done: {why}", source=self.name)
        fallback = "the step is done" if passed else \
            "the evidence does not show that this step is done; do it with the tools and report the result"
        return Verdict(passed, meaningful_reason(reason, fallback), source=self.name)

    async def _ask(self, app: "App", ref: Any, prompt: str) -> tuple[bool, str] | None:
        request = ModelRequest(
            model=ref.model, messages=[Message("system", VERIFIER_PROMPT), Message("user", prompt)],
            format=VERDICT_SCHEMA, options=_options(app, 120), timeout=app.config.models.timeout,
        )
        reply = await model_call(ref, request)  # TransportError propagates: never a YES
        return parse_verdict(reply.content)

    async def _double_check(self, app: "App", ref: Any) -> bool:
        mode = app.config.runner.double_check
        if mode != "auto":
            return mode == "always"
        return is_small_model(await app.model_info(ref))


async def run_verifiers(app: "App", ctx: StepContext) -> Verdict:
    """The verifier chain: deterministic checks first, then the model; fails closed.

    A failing verdict stops the chain; a decisive pass advances without the model.
    """
    chain = sorted(app.verifiers.values(), key=lambda v: getattr(v, "order", 50))
    passed: Verdict | None = None
    for verifier in chain:
        verdict = await verifier.verify(ctx)
        if verdict is None:
            continue
        verdict.source = verdict.source or verifier.name
        if not verdict.passed or verdict.decisive:
            return verdict
        passed = verdict
    if passed is None:
        raise ModelError("no verifier gave a verdict (is the model verifier disabled?)")
    return passed


async def write_summary(app: "App", task: Task, journal_tail: list[Any]) -> str:
    ref = await app.model_for("summarizer")
    steps = "\n".join(f"{i + 1}. {s.description} [{s.state}]" + (f" — {s.notes[-1]}" if s.notes else "")
                      for i, s in enumerate(task.steps))
    results = [cut_middle(str(e.data.get("result", "")), 300) for e in journal_tail
               if e.kind == "tool_result" and not e.data.get("error")][-5:]
    prompt = (f"Goal: {task.goal}\nSteps:\n{steps}\n\nLast tool results:\n" + "\n".join(results)
              + f"\n\nLast report: {cut_middle(task.last_result or '', 800)}\n\nWrite the summary.")
    request = ModelRequest(
        model=ref.model, messages=[Message("system", SUMMARIZER_PROMPT), Message("user", prompt)],
        options=_options(app, 300), timeout=app.config.models.timeout,
    )
    reply = await model_call(ref, request)
    text = reply.content.strip()
    return text or fallback_summary(task)


def fallback_summary(task: Task) -> str:
    lines = [f"Completed: {task.title}"]
    for i, s in enumerate(task.steps):
        note = f": {s.notes[-1]}" if s.notes else ""
        lines.append(f"{i + 1}. {s.description}{note}")
    return "\n".join(lines)


def step_list(steps: list[Step]) -> str:
    return "\n".join(f"{i + 1}. {s.description}" for i, s in enumerate(steps))
