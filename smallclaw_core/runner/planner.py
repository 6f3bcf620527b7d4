"""Planning: a goal becomes a few checkable steps, and no deliverable gets lost on the way.

Two planners, chosen by ``[runner] planner``:

- ``sentences``: the goal's own sentences, in order, one step each. A goal typed by a
  person is usually already an ordered list of actions, and nothing can be dropped.
  ``auto`` uses it when the planner model is small (under about 1.5B parameters):
  such models split "count the lines and write the count" into read, count and write
  steps that only read, or name a step after a tool.
- ``model``: the planner role is asked for steps as constrained JSON, each with the
  file it writes. Every file the goal names that does not exist yet and every value it
  quotes must appear in the plan; a plan that drops one is sent back with what it left
  out, and if it still misses it, a last step that produces it is added.

Either way, a step that certainly writes a new file gets a ``file_exists`` check, which
runs before any model verdict; what the file must hold is derived from the step's words
when the step starts (``intents.py``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from smallclaw_core.chat import model_call
from smallclaw_core.models import Message, ModelOptions, ModelRequest
from smallclaw_core.tasks import Task

from smallclaw_core.intent import Intent, Role, file_names, quoted_values, read_intent
from smallclaw_core.workspace import Workspace

from .roles import loads_strict

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
                "properties": {
                    "description": {"type": "string", "minLength": 3},
                    "output_file": {"type": "string"},
                },
                "required": ["description", "output_file"],
            },
        }
    },
    "required": ["steps"],
}

PLANNER_PROMPT = (
    "You plan tasks for a small assistant that has tools: {tools}. Split the goal into 1 to "
    f"{MAX_PLAN_STEPS} short steps, as few as the goal needs (one is fine for a simple goal). Each step "
    "is one action with a tool: run a command, write a file, or edit a file. Do not add steps that only "
    "read, look or check. Keep the exact file names and values of the goal in the steps. output_file is "
    "the file the step writes, or \"\" when it writes none. "
    'Reply with JSON: {{"steps": [{{"description": "...", "output_file": "..."}}]}}'
)

@attrs.define
class PlannedStep:
    description: str
    check: str | None = None


def parse_plan(text: str, workspace: Path | None = None, goal: str = "") -> list[PlannedStep] | None:
    """Steps from a planner answer, or ``None`` when it does not parse."""
    data = loads_strict(text)
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return None
    descriptions, outputs = [], []
    for item in data["steps"]:
        output = ""
        if isinstance(item, dict):
            output = item.get("output_file") if isinstance(item.get("output_file"), str) else ""
            item = item.get("description")
        if not isinstance(item, str) or not item.strip():
            return None
        descriptions.append(" ".join(item.split()))
        outputs.append(output)
    if not 1 <= len(descriptions) <= MAX_PLAN_STEPS:
        return None
    return _with_checks(descriptions, goal, workspace, outputs)


def _exists_in(workspace: Path | None):
    if workspace is None:
        return lambda name: False
    files = Workspace(workspace)

    def exists(name: str) -> bool:
        try:
            return files.exists(name)
        except OSError:
            return False
    return exists


def step_checks(description: str, goal: str, workspace: Path | None, output: str = "") -> str | None:
    """``file_exists`` for each new file the step certainly writes (or, from a model's plan, the
    one it declares, when the step's words write it). What a file must hold is derived when the
    step starts (``intents.begin_step``), from the workspace as it is then."""
    intent = read_intent(description, _exists_in(workspace))
    declared = output.strip()
    names = [f.name for f in intent.files if f.role in (Role.WRITE, Role.MOVE_TO) and not f.exists
             and (f.certain or f.name == declared)]
    return "\n".join(f"file_exists: {n}" for n in dict.fromkeys(names)) or None


def _with_checks(descriptions: list[str], goal: str, workspace: Path | None,
                 outputs: list[str] | None = None) -> list[PlannedStep]:
    """Steps with the ``file_exists`` checks of the files they make."""
    planned = [PlannedStep(d, step_checks(d, goal, workspace, outputs[i] if outputs else ""))
               for i, d in enumerate(descriptions)]
    return without_earlier_outputs(planned)


def without_earlier_outputs(steps: list[PlannedStep]) -> list[PlannedStep]:
    """A file an earlier step writes is what a later step reads, not what it must produce."""
    made: set[str] = set()
    for step in steps:
        lines = [line for line in (step.check or "").splitlines()]
        own = [line for line in lines if not (line.startswith("file_exists:")
                                               and line.partition(":")[2].strip() in made)]
        made |= {line.partition(":")[2].strip() for line in lines if line.startswith("file_exists:")}
        step.check = "\n".join(own) or None
    return steps


def deliverables(goal: str, workspace: Path | None) -> list[str]:
    """What a plan must keep: the new files the goal makes, and the values it quotes."""
    intent = read_intent(goal, _exists_in(workspace))
    files = [f.name for f in intent.files if f.role in (Role.WRITE, Role.MOVE_TO) and not f.exists]
    return files + [v for v in quoted_values(goal) if v not in files]


def missing_from(steps: list[PlannedStep], wanted: list[str]) -> list[str]:
    text = " ".join(f"{s.description} {s.check or ''}" for s in steps).lower()
    return [w for w in wanted if w.lower() not in text]


def completion_step(goal: str, missing: list[str]) -> PlannedStep:
    """The step added when a plan keeps dropping a deliverable."""
    files = [m for m in missing if file_names(m) == [m]]
    what = ", ".join(missing)
    description = f"Finish what the goal asks for {what}: {goal}"
    return PlannedStep(description, "\n".join(f"file_exists: {f}" for f in files) or None)


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n+|,?\s+(?:and\s+)?then\s+", re.I)
_LEADING_THEN = re.compile(r"^(?:and\s+)?then[,\s]+", re.I)


def _capital(text: str) -> str:
    """"then write x" -> "Write x"; a file name at the start ("sales.csv has...") stays as it is."""
    first = text.split(" ", 1)[0]
    return text if "." in first.rstrip(".") or not first[:1].islower() else text[0].upper() + text[1:]


def _changes(intent: Intent) -> bool:
    """Whether words ask for a file or folder to be made, changed, moved or removed."""
    return bool(intent.folders or intent.changed)


def sentence_plan(goal: str, workspace: Path | None = None) -> list[PlannedStep]:
    """The goal's sentences as steps.

    A sentence that asks for no action ("Keep everything else as it is.") or a
    fragment of under three words belongs to the step before it. One that changes
    no file ("loans.json is a list of loans.", "Count the lines of a.txt.") belongs
    to the next: done alone, it leaves the next step nothing to build on. In the kept
    runs of held-out-15 to 18, the 11 plans that had such a step all failed.
    """
    from .guards import asks_for_action

    parts = [p for p in (_LEADING_THEN.sub("", p.strip()) for p in _SENTENCE_END.split(goal) if p and p.strip()) if p]
    exists = _exists_in(workspace)
    steps: list[str] = []
    context = ""  # what the goal says before an action that changes files belongs to that action
    for i, part in enumerate(parts):
        if len(part.split()) < 3 or not asks_for_action(part):
            if steps and not context:
                steps[-1] = f"{steps[-1]} {part}"
            else:
                context = f"{context} {part}".strip()
            continue
        if i < len(parts) - 1 and not _changes(read_intent(part, exists)):
            # "greenhouse.json is a JSON list of seed trays." (a noun read as the verb list), "Count the
            # lines of a.txt.": nothing made or changed, so what the next sentence makes needs it
            context = f"{context} {part}".strip()
            continue
        steps.append(f"{context} {part}".strip() if context else _capital(part))
        context = ""
    if context:
        steps.append(context)
    if len(steps) > MAX_PLAN_STEPS:
        steps = steps[: MAX_PLAN_STEPS - 1] + [" ".join(steps[MAX_PLAN_STEPS - 1:])]
    return _with_checks(steps or [goal.strip()], goal, workspace)


async def make_plan(app: Any, task: Task, workspace: Path | None = None, *,
                    attempts: int = 2) -> tuple[list[PlannedStep] | None, list[str]]:
    """Ask the planner; returns (steps or None when no answer parsed, deliverables that had to be added).

    ``attempts`` bounds the planner calls: an unusable answer or a plan that drops a
    deliverable is asked again with what was wrong.
    """
    ref = await app.model_for("planner")
    tools = ", ".join(app.tools.names()) or "none"
    wanted = deliverables(task.goal, workspace)
    messages = [Message("system", PLANNER_PROMPT.format(tools=tools)), Message("user", task.goal)]
    best: list[PlannedStep] | None = None
    missing: list[str] = []
    for _ in range(max(1, attempts)):
        request = ModelRequest(model=ref.model, messages=list(messages), format=PLAN_SCHEMA,
                               options=ModelOptions(num_ctx=app.config.models.num_ctx, temperature=0.0,
                                                    num_predict=400),
                               timeout=app.config.models.timeout)
        reply = await model_call(ref, request)
        steps = parse_plan(reply.content, workspace, task.goal)
        if steps is None:
            messages += [Message("assistant", reply.content),
                         Message("user", "That is not a plan in the JSON asked for. Reply with the JSON only.")]
            continue
        best, missing = steps, missing_from(steps, wanted)
        if not missing:
            break
        messages += [Message("assistant", reply.content),
                     Message("user", f"The plan leaves out {', '.join(missing)}, which the goal asks for. "
                                     "Plan again, keeping every file name and value of the goal.")]
    if best is None:
        return None, []
    if missing:
        best = best[: MAX_PLAN_STEPS - 1] + [completion_step(task.goal, missing)]
    return best, missing
