"""The verify stage: the verifier chain judges the current step, deterministic facts first.

Verifiers run by ``order``: the runner's structure, number and failure guards (5, 8,
9), a plugin's evidence checks (10, the shell tools' step checks), the runner's
evidence guard (20), then the model verifier (100). A NO stops the chain and its reason is the feedback for the next round; a
decisive YES advances without asking a model. An unreachable verifier is retried
with the runner's one retry policy and never counts as YES.
"""

from __future__ import annotations

from typing import Any

from smallclaw_core.errors import ModelError, TransportError
from smallclaw_core.verification import StepContext, Verdict

from .evidence import changed_since
from .intents import step_intent
from .retry import GaveUp, RetryPolicy, retrying


async def run_verifiers(app: Any, ctx: StepContext, *, trust_checks: bool = False) -> Verdict:
    """The verifier chain: deterministic checks first, then the model; fails closed.

    A failing verdict stops the chain; a decisive pass advances without the model (the
    user's checks at once; checks SmallClaw proposed once the deterministic verifiers after
    them said nothing against it).
    ``trust_checks`` makes any deterministic pass decisive: for a small verifier model,
    whose YES and NO on content are a coin toss, the checks say more.
    """
    chain = sorted(app.verifiers.values(), key=lambda v: getattr(v, "order", 50))
    passed: Verdict | None = None
    #: a decisive pass of checks SmallClaw proposed: the model is not asked, the facts after it still are
    decided: Verdict | None = None
    proposed = getattr(ctx.step, "check_by", None) is not None
    for i, verifier in enumerate(chain):
        if getattr(verifier, "order", 50) >= MODEL_ORDER and (decided or (trust_checks and passed)):
            return decided or passed  # type: ignore[return-value]
        verdict = await verifier.verify(ctx)
        if verdict is None:
            continue
        verdict.source = verdict.source or verifier.name
        if not verdict.passed:
            return await _with_check_hint(verdict, chain[i + 1:], ctx)
        if verdict.decisive and verdict.source == "check" and proposed:
            # a derived "contains Project docs" passes a program's text that contains it; the
            # guards that judge what a file holds come after the checks and still say NO
            decided = decided or verdict
            continue
        if verdict.decisive:
            return verdict
        passed = verdict
    if decided is not None:
        return decided
    if passed is None:
        raise ModelError("no verifier gave a verdict (is the model verifier disabled?)")
    return passed


async def _with_check_hint(verdict: Verdict, rest: list[Any], ctx: StepContext) -> Verdict:
    """A guard's NO, with the step's own failing check added when that check comes later.

    A guard says what went wrong (the file no longer parses); the step's checks say
    what right looks like (the whole file as it should be, the command that prints
    it), which is what a small model can act on.
    """
    if verdict.source == "check":
        return verdict
    from smallclaw_core.workspace import Workspace

    files = Workspace(ctx.workspace)
    to_make = [name for name in step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).outputs if not files.exists(name)]
    if verdict.source == "failure" and to_make and not any(name in verdict.reason for name in to_make):
        # a failed command's own error names what is missing; "create the file" after
        # "ffmpeg: not found" only invites a file typed in by hand. A command that failed
        # for want of a file the step is to write ("can't open file 'sum.py'") gets the hint,
        # and so does a step that edits files that are all there (nothing to stand in for).
        return verdict
    for verifier in rest:
        if getattr(verifier, "order", 50) >= MODEL_ORDER:
            break
        later = await verifier.verify(ctx)
        if later is not None and not later.passed and (later.source or verifier.name) == "check":
            return Verdict(False, f"{verdict.reason} Also {later.reason}", source=verdict.source)
    return verdict


def step_evidence(app: Any, task: Any, step_index: int, round_evidence: list[Any], round_seq: int = 0) -> list[Any]:
    """Every tool call and result of the current step so far: earlier rounds' from the journal, then this round's.

    ``round_seq`` is the seq of this round's record: a step that started with this
    round has no earlier rounds, and the journal is not read. Attempts' calls ran in their
    throwaway copies, not here: a step that goes on in rounds after its attempts is not
    judged by them (a program that failed in an attempt is no command the round typed after).
    """
    step = task.steps[step_index]
    if round_seq and step.started_seq >= round_seq - 1:
        return list(round_evidence)
    seqs = {e.seq for e in round_evidence}
    earlier = [e for e in app.store.journal(task.id, after=step.started_seq)
               if e.kind in ("tool_call", "tool_result") and e.step == step_index and e.seq not in seqs
               and not e.data.get("attempt")]
    return earlier + list(round_evidence)


#: verifiers below this order are deterministic (facts, checks); the model verifier is at 100
MODEL_ORDER = 100


def step_context(app: Any, task: Any, step_index: int, answer: str, evidence: list[Any],
                 before: Any, round_seq: int = 0) -> StepContext:
    """What the verifiers see of the step now: its evidence so far and the files it changed.

    ``task`` is the copy the round ran with (the runner holds the task's lease, so only
    the user's pause request and notes can have changed since, and the verifiers read neither).
    """
    workspace = app.workspace_for(task.id)
    return StepContext(task=task, step_index=step_index, workspace=workspace, answer=answer, evidence=evidence,
                       app=app, step_evidence=step_evidence(app, task, step_index, evidence, round_seq),
                       changed=changed_since(workspace, task.steps[step_index].started_at), before=before)


async def verify_step(app: Any, cfg: Any, task: Any, step_index: int, answer: str, evidence: list[Any],
                      before: Any, round_seq: int = 0) -> Verdict | str:
    """The step's verdict, or a reason the task needs the user (the verifier cannot be reached or failed)."""
    task_id = task.id

    def journal_retry(exc: BaseException, attempt: int, delay: float) -> None:
        app.tasks.journal(task_id, "error", {"kind": "transport", "where": "verifier", "message": str(exc),
                                             "attempt": attempt, "retry_in": round(delay, 2)})

    from smallclaw_core.models import is_small_model

    trust = is_small_model(await app.model_info(await app.model_for("verifier")))

    async def once() -> Verdict:
        return await run_verifiers(app, step_context(app, task, step_index, answer, evidence, before, round_seq),
                                   trust_checks=trust)

    try:
        return await retrying(once, RetryPolicy.transport(cfg), (TransportError,), journal_retry)
    except GaveUp as exc:
        return exc.reason("the verifier")
    except ModelError as exc:
        return f"the verifier failed: {exc}"
