"""The finish stage: check the whole goal against the workspace, then write the summary.

Every step can be done while the goal is not: a plan that read the input but never
wrote the output, a file edited into something that no longer parses, a task whose
steps all "succeeded" while nothing happened at all. So before a task is
``complete``: every file the goal names must exist and every structured one must
parse; a goal that names a file and does not only ask a question must have changed something (a file,
as the steps' journaled changes show, or the world, through a tool that acts outside
the workspace), unless the user's own checks passed; and when a model wrote the plan, the verifier judges the goal from the
files the task created or changed (their first lines), not from the steps' reports.
A plan the user wrote is the user's, and a small verifier (under about 1.5B
parameters) says YES and NO to a whole goal at random: then only the facts count.
"""

from __future__ import annotations

import re

from typing import Any

from smallclaw_core.chat import cut_middle
from smallclaw_core.errors import ModelError, TransportError
from smallclaw_core.intent import Role
from smallclaw_core.tasks import Task
from smallclaw_core.workspace import Workspace

from .evidence import changed_since, head, parse_error
from .intents import goal_intent
from .record import facts
from .retry import GaveUp, RetryPolicy, retrying
from .roles import fallback_summary, judge, write_summary


def missing_files(app: Any, task: Task) -> list[str]:
    """Files the goal names that should be in the workspace and are not (those it removes,
    or renames or moves away, should not)."""
    files = Workspace(app.workspace_for(task.id))
    intent = goal_intent(app, task)

    def there(name: str) -> bool:
        # "a docs directory containing README.md": a bare name may be in a folder the goal names, or in
        # one the task made it in ("docs/api and docs/guide, each with an index.md": what ran says where)
        if files.exists(name) or "/" in name:
            return files.exists(name)
        if any(files.exists(f"{d}/{name}") for d in intent.folders):
            return True
        return any(p.endswith(f"/{name}") and files.exists(p) and _names_folder(task.goal, p.rsplit("/", 1)[0])
                   for p in _made(app, task))
    return [f.name for f in intent.files if f.role not in (Role.REMOVE, Role.MOVE_FROM) and not there(f.name)]


def _names_folder(goal: str, folder: str) -> bool:
    """Whether the goal names ``folder`` as a path ("docs/api"; a one-word folder is the intent's to
    read: "output" is a word of "whose output is"): the right file made in a folder the goal never
    names is at the wrong path."""
    return "/" in folder and re.search(rf"(?<![\w./-]){re.escape(folder)}(?![\w-]|/\w)", goal) is not None


def _made(app: Any, task: Task) -> set[str]:
    """The paths the task's steps created or changed (their journaled changes)."""
    return {f.get("path", "") for e in app.store.journal(task.id) if e.kind == "change"
            for f in e.data.get("files") or () if f.get("action") in ("created", "changed")}


def still_there(app: Any, task: Task) -> list[str]:
    """Files the goal certainly removes, or renames or moves away, that are still there."""
    files = Workspace(app.workspace_for(task.id))
    return [f.name for f in goal_intent(app, task).files
            if f.role in (Role.REMOVE, Role.MOVE_FROM) and f.certain and f.exists and files.exists(f.name)]


def goal_problems(app: Any, task: Task) -> list[str]:
    """What is deterministically wrong with the goal's files: missing ones, ones it removes that
    are still there, structured ones that do not parse."""
    files = Workspace(app.workspace_for(task.id))
    problems = [f"the goal names {name}, which does not exist in the workspace" for name in missing_files(app, task)]
    problems += [f"{name} is still there, and the goal removes or moves it" for name in still_there(app, task)]
    for f in goal_intent(app, task).files:
        if files.is_file(f.name) and (why := parse_error(files, f.name)):
            problems.append(f"{f.name} {why}")
    return problems


def did_nothing(app: Any, task: Task) -> bool:
    """Whether the task changed no file (no step journaled a change) and no tool acting outside the
    workspace (side effects, not ``confined``) succeeded: what actually ran, whatever the words said."""
    outside = {n for n in app.tools.names() if app.tools[n].side_effects and not app.tools[n].confined}
    for e in app.store.journal(task.id):
        if e.kind == "change" and e.data.get("files"):
            return False
        if e.kind == "tool_result" and e.data.get("name") in outside and not e.data.get("error") \
                and e.data.get("attempt") is None:
            return False
    return True


def nothing_done(app: Any, task: Task) -> str | None:
    """Why a task that did nothing is not done, or None: small models' steps "succeed" with no file
    changed (two attempts that both changed nothing agree; a step that names no file needs none).
    Only a goal that names a file is held to it (one that fetches, asks or reports may rightly change
    none), not one that only asks questions, and a plan with the user's checks is judged by them."""
    intent = goal_intent(app, task)
    if not intent.files or intent.only_asks or any(s.check and s.check_by is None for s in task.steps):
        return None
    if not did_nothing(app, task):
        return None
    return ("the task changed no file and did nothing outside the workspace, so nothing shows that the goal "
            "was done")


async def undone_step(app: Any, task: Task) -> tuple[str, str | None] | None:
    """A done step whose checks no longer hold in the workspace: (why, its checks), else None.

    A later step can undo an earlier one (a script that writes over the numbers the
    first step wrote). Verifiers that judge the workspace alone (``rechecks = True``,
    like the shell tools' step checks) are asked again for every done step.
    """
    from smallclaw_core.verification import StepContext

    from .verifying import MODEL_ORDER

    verifiers = sorted((v for v in app.verifiers.values()
                        if getattr(v, "rechecks", False) and getattr(v, "order", 50) < MODEL_ORDER),
                       key=lambda v: getattr(v, "order", 50))
    workspace = app.workspace_for(task.id)
    for i, step in enumerate(task.steps):
        if step.state != "done" or not step.check:
            continue
        ctx = StepContext(task=task, step_index=i, workspace=workspace, app=app)
        for verifier in verifiers:
            verdict = await verifier.verify(ctx)
            if verdict is not None and not verdict.passed:
                return f"step {i + 1} ({step.description}) no longer holds: {verdict.reason}", step.check
    return None


async def goal_gap(app: Any, cfg: Any, task: Task) -> str | None:
    """What keeps the goal from being met, or None when it is met as far as can be told.

    Raises ``TransportError`` or ``ModelError`` when the verifier cannot answer.
    """
    problems = goal_problems(app, task)
    if problems:
        return "; ".join(problems)
    if idle := nothing_done(app, task):
        return idle
    changed = changed_since(app.workspace_for(task.id), task.started_at)
    if not cfg.goal_check or task.planned_by != "planner" or not changed:
        return None
    from smallclaw_core.models import is_small_model

    if is_small_model(await app.model_info(await app.model_for("verifier"))):
        return None  # a small verifier's verdict on a whole goal is noise both ways: the facts above decide
    workspace = app.workspace_for(task.id)
    files = "\n".join(head(workspace, name) for name in changed[:6]) or "(no file was created or changed)"
    steps = "\n".join(f"{i + 1}. {s.description}: {cut_middle(s.notes[-1], 200) if s.notes else 'done'}"
                      for i, s in enumerate(task.steps))
    facts = (f"Goal: {task.goal}\n\nSteps done:\n{steps}\n\n"
             f"Files the task created or changed, with their first lines:\n{cut_middle(files, 2500)}")
    verdict = await judge(app, facts, "Is the whole goal achieved, judging from the files?",
                          "Is any part of the goal still missing or wrong in the files?",
                          subject="the goal", task_id=task.id, source="goal",
                          fallback_no="the files do not show that the goal is achieved")
    return None if verdict.passed else verdict.reason


async def summarize(app: Any, cfg: Any, task: Task) -> str:
    """The task's summary: the facts of its record (``record.facts``), then the summarizer's words, or a
    list of its steps when no summarizer answers."""
    known = facts(app, task)
    return f"{known}\n\n{await _narrative(app, cfg, task, known)}"


async def _narrative(app: Any, cfg: Any, task: Task, known: str) -> str:

    def journal_retry(exc: BaseException, attempt: int, delay: float) -> None:
        app.tasks.journal(task.id, "error", {"kind": "summary", "message": str(exc), "attempt": attempt})

    async def once() -> str:
        from smallclaw_core.scheduling import gate_for

        ref = await app.model_for("summarizer")
        async with gate_for(app, ref.backend_name).background():
            return await write_summary(app, task, known)

    try:
        return await retrying(once, RetryPolicy.transport(cfg), (TransportError,), journal_retry)
    except (GaveUp, ModelError) as exc:
        app.tasks.journal(task.id, "error", {"kind": "summary", "message": str(exc)})
    return fallback_summary(task) + "\n(The summarizer was unavailable; this summary lists the steps.)"
