"""Judging a step by agreement: independent attempts in throwaway copies, and the change two of them make.

A small verifier says YES to placeholder text, to the first line of a three-line
result, to a file left as it was. Where the user's own checks do not cover a step
(``covered``; SmallClaw's checks, read from the words, are run on every attempt), the
step is run as independent attempts instead, the way self-consistency and
execution-based selection of programs judge without a checker:

- each attempt is one round in its own throwaway copy of the workspace, from the
  same conversation (the task so far, then the step message), sampled afresh;
- what it changed (files created, changed, removed, and what they hold) is its
  answer; an attempt that failed does not vote: a deterministic verifier said NO
  (a command failed, a file does not parse, a number nobody computed...), or it
  changed nothing where the step makes or edits a file;
- as soon as two attempts made the same change (text compared line by line, JSON and TOML by value,
  scripts by what they print) by different calls (the same calls twice are one sample drawn twice: a
  model sure of a wrong program), that change is applied to the workspace and the step is done (where
  programs alternate with others: one of each, or three different programs), unless as many others made
  another change (a tie decides nothing); after ``[runner] attempts_max`` attempts (half as many where
  none made a result at all), the task pauses and shows the competing results.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import anyio
import attrs

from smallclaw_core.changes import Change
from smallclaw_core.chat import cut_middle, run_round, wants_json_protocol
from smallclaw_core.checks import parse_checks
from smallclaw_core.snapshots import Snapshot, copy_workspace
from smallclaw_core.models import Message, ModelOptions
from smallclaw_core.tasks import JournalEntry, Task
from smallclaw_core.tools import ToolContext
from smallclaw_core.verification import StepContext, Verdict
from smallclaw_core.workspace import Workspace

from .choosing import ask_to_choose
from .compare import (agree, files_in, foretold_nothing, majority, no_result_max, one_kind_agreeing, plainer, size,
                      twin_of, vacuous, what_it_ran)
from .conversation import conversation, step_message
from .evidence import StructureState, attempt_prefix, hint_for, last_failure
from .intents import drop_empty, make_folders, not_made, step_intent
from .kinds import typed_in
from .programs import code_attempt, fresh_copy
from .replies import NOT_FOR_REPLIES, predicts, reply_attempt, reply_target
from .trial_tools import attempt_tools, held_back_calls
from .verifying import MODEL_ORDER

#: a workspace larger than this is not copied for attempts (the step is judged as before)
COPY_LIMIT = 64 * 2**20


@attrs.define
class Attempt:
    number: int
    #: path -> the bytes it holds after the attempt, or None when the attempt removed it
    change: dict[str, bytes | None]
    #: why it does not vote, or None
    failed: str | None
    answer: str = ""
    #: the messages of its round, kept for the conversation when it wins
    messages: list[Message] = attrs.field(factory=list)
    evidence: list[JournalEntry] = attrs.field(factory=list)
    #: the change as the snapshot primitive measured it (``smallclaw_core.changes``), applied when it wins
    measured: Change | None = None
    #: the throwaway copy it ran in (kept until the step is decided, for files too large to keep)
    folder: Path | None = None
    #: how it worked: "tools" (a round with the task's tools), "code" (one program, run) or "reply" (a file's
    #: contents in one reply, ``replies.py``); a program and either of the others fail in different ways
    style: str = "tools"
    #: a reply for a script: (the script, what it must print), and no change (``replies.predicts``)
    predicted: tuple[str, str] | None = None
    #: the folders the step names that it left empty (``drop_empty``): what it made went elsewhere
    unused: tuple[str, ...] = ()
    #: how a program's result, a number, stands in its own text (``kinds.typed_in``; "": computed)
    typed_in: str = ""

    def calls(self) -> list[str]:
        """What it did: the tool calls that ran (name and arguments), step_done aside, a call made again
        right after itself counted once (``sed -i ...`` twice, the second not run, is one call)."""
        not_run = {e.data.get("id") for e in self.evidence if e.kind == "tool_result" and e.data.get("not_run")}
        made = [json.dumps([e.data.get("name"), e.data.get("arguments")], sort_keys=True) for e in self.evidence
                if e.kind == "tool_call" and e.data.get("name") != "step_done" and e.data.get("id") not in not_run]
        return [c for i, c in enumerate(made) if i == 0 or made[i - 1] != c]

    def summary(self, limit: int = 160) -> str:
        if self.predicted:
            return f"said that {self.predicted[0]} prints {self.predicted[1][:limit].strip()!r}".replace("\\n", " | ")
        if not self.change:  # what it did instead: the user reads that, not only that it changed nothing
            return what_it_ran(self.evidence, limit)
        parts = []
        for path, data in sorted(self.change.items()):
            if data is None:
                parts.append(f"removed {path}")
            else:
                text = data[:limit].decode("utf-8", "replace").strip().replace("\n", " | ")
                parts.append(f"{path}: {text!r}")
        return "; ".join(parts)


def exact(app: Any, task: Task, index: int) -> list[str]:
    """The checks of SmallClaw's on the step that compute its whole result (a kind that is ``exact``:
    ``file_equals_output``): an attempt that passes them (every attempt runs them) decides alone."""
    step = task.steps[index]
    if step.check_by is None:
        return []
    return [c.line for c in parse_checks(app, step.check) if getattr(app.check_kinds.get(c.kind), "exact", False)]


def covered(app: Any, task: Task, index: int) -> bool:
    """Whether the user's own checks cover the step: they say what done is, and ordinary rounds run until
    they pass. SmallClaw's checks (derived from the words, proposed by the planner or the goal check) do
    not: a step they cover is still run as attempts, which must pass them to vote, and two must agree.
    A 0.5B model gets through a tool round far less often than it writes a program or a file's contents,
    and a check read from words can pass a wrong answer that two attempts would have to share."""
    step = task.steps[index]
    return step.check_by is None and bool(parse_checks(app, step.check))


# --- the throwaway copies ------------------------------------------------------------------


def _after(change: Change, folder: Path) -> dict[str, bytes | None]:
    """What each path holds after an attempt (None: removed), read from its copy."""
    ws = Workspace(folder)
    out: dict[str, bytes | None] = {}
    for f in change.files:
        if f.after is None:
            out[f.path] = None
            continue
        try:
            out[f.path] = ws.read_bytes(f.path, limit=COPY_LIMIT)
        except OSError:
            continue  # a link or a folder: named in the change, not compared by content
    return out


def discard(tries: "Tries | None") -> None:
    """Remove the throwaway copies of a step's attempts (None, for ``tries = discard(tries)``)."""
    for a in (tries.attempts if tries else []):
        if a.folder is not None:
            shutil.rmtree(a.folder, ignore_errors=True)
            a.folder = None


# --- one attempt ---------------------------------------------------------------------------


async def run_attempt(driver: Any, task: Task, number: int, base: Snapshot, hint: str | None) -> Attempt:
    """One attempt at the current step in a throwaway copy; its change and whether it may vote."""
    from .rounds import _observer, step_inputs

    app, cfg, step_i = driver.app, driver.cfg, task.current_step
    round_no = task.rounds + 1
    folder = Path(tempfile.mkdtemp(prefix=f"{attempt_prefix(task.id, step_i)}{number}-"))
    copy = await anyio.to_thread.run_sync(copy_workspace, base, folder)
    made = make_folders(task, folder)  # the folders the step names, for its files (left empty: taken away)
    messages = conversation(app, task)
    text = step_message(task, not task.steps[step_i].notes)
    if hint:
        text += f"\nAn earlier try at this step failed: {hint}"
    messages.append(Message("user", text))
    start = len(messages) - 1
    tools = attempt_tools(_tools(driver), folder)
    style = "code" if _style(cfg, number, tools, app.tools) == "code" and "run_shell" in tools else "tools"
    target = None if style == "code" or _configured(cfg, tools, app.tools) != "mixed" or "write_file" not in tools \
        else reply_target(app, task, folder)
    style = "reply" if target else style
    entry = app.tasks.journal(task.id, "round", {"round": round_no, "step": step_i, "prompt": text,
                                                 "attempt": number, "style": style}, step=step_i, round=round_no)
    if task.steps[step_i].started_at is None:  # recorded with the round's end (``record_start``)
        task.steps[step_i].started_at = entry.ts
        task.steps[step_i].started_seq = entry.seq - 1
    before = StructureState.of(folder)
    protected = step_inputs(app, task, step_i)
    loop_state = json.loads(json.dumps(task.loop_state))
    observer, evidence = _observer(app, driver.detectors, task, driver.ref, tools, loop_state, step_i,
                                   round_no, protected, attempt=number)
    ctx = ToolContext(workspace=folder, task_id=task.id, session_key=task.session_key, app=app,
                      approvals=frozenset(task.approvals), origin=task.origin)
    models = app.config.models
    options = ModelOptions(num_ctx=models.num_ctx, temperature=cfg.attempt_temperature,
                           seed=random.randrange(1, 2**31))
    try:
        if style != "tools":
            with anyio.fail_after(cfg.round_timeout):
                if target is None:
                    answer = await code_attempt(driver, task, ctx, observer, tools["run_shell"], options, hint,
                                                tools.get("write_file"), fresh_copy(base, folder), cfg.program_repairs)
                else:
                    answer = await reply_attempt(driver, task, ctx, observer, tools["write_file"], options, hint,
                                                 target)
            result = None
        else:
            with anyio.fail_after(cfg.round_timeout):
                result = await run_round(
                    driver.ref, messages, tools, ctx, max_tool_calls=cfg.max_tool_calls, timeout=models.timeout,
                    options=options, output_limit=cfg.tool_output_limit,
                    json_protocol=task.tool_protocol == "json" or await wants_json_protocol(app, driver.ref),
                    observer=observer)
            answer = result.answer or cut_middle(result.last_output, 500)
        unused = tuple(drop_empty(folder, made))
        measured = await anyio.to_thread.run_sync(copy.change, Workspace(folder))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    attempt = Attempt(number, _after(measured, folder), None, answer,
                      messages[start:] if result is not None else [], evidence, measured, folder, style,
                      (target, answer) if target and predicts(target) else None, unused)
    attempt.failed = await _why_it_does_not_vote(app, task, step_i, folder, attempt, before, entry.seq)
    attempt.typed_in = typed_in(attempt, f"{task.goal}\n{task.steps[step_i].description}")
    outside = held_back_calls(_tools(driver), evidence)
    if outside:
        # the step needs a tool whose effect must happen once, for real: ordinary rounds from here
        attempt.failed = f"it needs {', '.join(outside)}, which acts outside the workspace"
        driver.no_attempts = True
    return attempt


def _tools(driver: Any) -> dict[str, Any]:
    """The tools the driver's task has (the driver's own, else every registered one)."""
    from .rounds import task_tools
    return driver.tools if driver.tools is not None else task_tools(driver.app)


def _style(cfg: Any, number: int, tools: dict[str, Any], registry: Any) -> str:
    """``tools`` (a round with the task's tools) or ``code`` (one Python program, run): ``mixed`` alternates;
    ``auto`` writes programs where a program can do all the task's tools can (they come from the plugin
    that runs commands, which a program stands in for), and alternates from a round where a plugin gives
    other tools (a message to send, an API to ask), so that the model can reach for them."""
    style = _configured(cfg, tools, registry)
    if style == "mixed":
        return "tools" if number % 2 else "code"
    return style


def _configured(cfg: Any, tools: dict[str, Any], registry: Any) -> str:
    """``[runner] attempt_style``, ``auto`` resolved for the task's tools."""
    style = getattr(cfg, "attempt_style", "tools")
    if style == "auto":
        shell = registry.owner("run_shell") if "run_shell" in registry else None
        own = all(n not in registry or registry.owner(n) == shell for n in tools if n != "step_done")
        style = "code" if own and shell else "mixed"
    return style


async def _why_it_does_not_vote(app: Any, task: Task, step_i: int, folder: Path, attempt: Attempt,
                                before: Any, round_seq: int) -> str | None:
    """A deterministic verifier's NO, or no change where the step makes or edits a file; else None."""
    intent = step_intent(app, task, step_i)
    if attempt.predicted:  # no change: the copy holds the files as the step found them
        named = [f.name for f in intent.files]
        return foretold_nothing(*attempt.predicted, files_in(folder, [*named, attempt.predicted[0]]), named) \
            if attempt.predicted[1].strip() else "it said the script prints nothing"
    if intent.changed and not attempt.change:
        failure = last_failure(attempt.evidence)  # the next attempt is told what went wrong, not only that
        return "it changed no file, and the step makes or changes one" + (f" (a call failed: {failure})"
                                                                           if failure else "")
    missed = not_made(task, step_i, intent, attempt.change)
    if missed:
        return f"it did not make {', '.join(missed)}, which the step makes"
    changed = sorted((n for n, d in attempt.change.items() if d is not None), key=lambda n: n)
    ctx = StepContext(task=task, step_index=step_i, workspace=folder, answer=attempt.answer,
                      evidence=attempt.evidence, app=app, step_evidence=attempt.evidence, changed=changed,
                      before=before)
    for verifier in sorted(app.verifiers.values(), key=lambda v: getattr(v, "order", 50)):
        if getattr(verifier, "order", 50) >= MODEL_ORDER:
            break
        if attempt.style == "reply" and getattr(verifier, "name", "") in NOT_FOR_REPLIES:
            continue
        verdict: Verdict | None = await verifier.verify(ctx)
        if verdict is not None and not verdict.passed:
            return verdict.reason
    return None


# --- the stage -----------------------------------------------------------------------------


def by_agreement(driver: Any, task: Task) -> bool:
    """Whether the current step is judged by attempts: the user's checks do not cover it, the mode says so
    (``auto``: a small verifier), the workspace is small enough to copy, and the step's attempts have not
    all failed a check that computes its result (``rounds_step``: ordinary rounds then, which see its NO)."""
    mode = driver.cfg.attempts
    if mode == "never" or driver.no_attempts or covered(driver.app, task, task.current_step) \
            or getattr(driver, "rounds_step", None) == task.current_step:
        return False
    return mode == "always" or driver.small_verifier


def _base(app: Any, task: Task, started: Snapshot | None = None) -> Snapshot | None:
    """The workspace's snapshot for a step's attempts (the one taken when the step started, which the
    step's change is measured from), or None when it is too large to copy for each attempt."""
    snapshot = started or Snapshot.take(Workspace(app.workspace_for(task.id)), keep_bytes=COPY_LIMIT, lazy=True)
    total = sum(getattr(s, "size", 0) or 0 for s in snapshot.seen.values())
    return snapshot if total <= COPY_LIMIT and not snapshot.truncated else None


@attrs.define
class Tries:
    """The attempts made so far at one step (kept by the driver between its rounds)."""

    step: int
    #: the workspace when the step's attempts began: each attempt copies it
    base: Snapshot
    attempts: list[Attempt] = attrs.field(factory=list)

    def files(self) -> dict[str, bytes]:
        """The base's files whose bytes were kept (scripts are run against them to compare)."""
        out = {}
        for path, s in self.base.seen.items():
            data = self.base.kept.get(s.sha256) if getattr(s, "sha256", None) else None
            if data is not None:
                out[path] = data
        return out


async def agreement(driver: Any, task: Task) -> bool:
    """One attempt at the current step (the driver's round): when it agrees with an earlier one, the
    change is applied and the step is done; after ``attempts_max`` (half that while none made a result)
    without two that agree, the task asks the user to choose. True while the task is still this runner's."""
    from smallclaw_core.errors import ModelError, NeedsApproval, TransportError

    from .retry import RoundTooSlow
    from .rounds import record_start

    app, cfg, step_i = driver.app, driver.cfg, task.current_step
    tries: Tries | None = driver.tries
    if tries is None or tries.step != step_i:
        discard(tries)
        changes = getattr(driver, "changes", None)
        base = await anyio.to_thread.run_sync(_base, app, task, getattr(changes, "snapshot", None))
        if base is None:
            driver.no_attempts = True
            return True
        tries = driver.tries = Tries(step_i, base)
    hint = hint_for(tries.attempts, _configured(cfg, _tools(driver), app.tools) == "mixed")
    number = len(tries.attempts) + 1
    scope = anyio.CancelScope(shield=True)  # a user's cancel abandons the attempt, model call and all
    driver.scope_for(scope)
    try:
        with scope:
            attempt = await run_attempt(driver, task, number, tries.base, hint)
    except TimeoutError:
        return await driver.transport_failed(task, RoundTooSlow(f"the round took longer than {cfg.round_timeout:g} s"))
    except TransportError as exc:
        return await driver.transport_failed(task, exc)
    except ModelError as exc:
        return driver.needs_user(task.id, f"the model failed: {exc}")
    except NeedsApproval:
        driver.no_attempts = True  # approvals need the task's own conversation: rounds as before
        return True
    finally:
        driver.scope_for(None)
    if scope.cancel_called:
        return False

    def counted(t: Task) -> None:
        t.rounds += 1
        record_start(t, task, step_i)

    task = app.tasks.update(task.id, counted, quiet=True)
    app.tasks.journal(task.id, "verification", {
        "passed": attempt.failed is None, "source": "attempt", "attempt": number, "step": step_i,
        "reason": attempt.failed or f"attempt {number}: {attempt.summary()}"}, step=step_i, round=task.rounds)
    named = [f.name for f in step_intent(app, task, step_i).files]
    base_files = tries.files()
    # no change, or files emptied, is where a failing model ends up: agreed on only while no attempt made one
    empty = vacuous(attempt, tries.attempts)
    # the same calls twice are one sample drawn twice; where styles alternate, one of each kind must agree
    across = "run_shell" in (tools := _tools(driver)) and _configured(cfg, tools, app.tools) == "mixed"
    inputs = [n for n in named if n in tries.base.seen]  # a program that reads none of them typed its result
    twin = None if attempt.failed or empty else twin_of(attempt, tries.attempts, base_files, named, across, inputs)
    tries.attempts.append(attempt)
    # a check read from the words passes where they were misread too: not alone while a folder the step
    # names was left empty (held-out-18's chapters_joined: its file at the top, its folder unused)
    computed = exact(app, task, step_i) if attempt.failed is None and attempt.change and not attempt.unused else []
    # where no attempt of the other kind agrees: three different programs that made one result, or every reply
    trio = [] if twin or not across or empty else one_kind_agreeing(attempt, tries.attempts, base_files, named,
                                                                    inputs)
    if computed or ((twin or trio) and majority(attempt, tries.attempts, base_files, named, inputs)):  # computed: alone
        pair = (attempt, None) if computed else plainer(attempt, twin) if twin else (min(trio, key=size), None)
        others = ", ".join(str(a.number) for a in trio[1:])
        why = f"attempt {number} passed {computed[0]}" if computed else f"attempts {others} and {number} of " \
            f"{number}, {'every reply' if trio and trio[0].style == 'reply' else 'different programs'}, made the " \
            "same change"
        try:
            return _accept(driver, task, *pair, number, why)
        finally:
            discard(tries)
            driver.tries = None
    # once an attempt has made a result, it is worth going on to attempts_max: for a second that confirms
    # it, or for agreement among results that differ (more samples, as self-consistency takes); where
    # nothing has worked at all, half as many are the end
    voting = [a for a in tries.attempts if a.failed is None]
    if number >= (cfg.attempts_max if voting else no_result_max(cfg.attempts_max)):
        discard(tries)
        driver.tries = None
        if not voting and (computed := exact(app, task, step_i)):  # rounds see the check's NO and go on from it
            driver.rounds_step = step_i
            app.tasks.journal(task.id, "note", {"kind": "attempt", "message": f"{number} attempts failed "
                              f"{computed[0]}: ordinary rounds go on from here"}, step=step_i)
            return True
        return ask_to_choose(driver, task, tries.attempts)
    return True


def _accept(driver: Any, task: Task, attempt: Attempt, twin: Attempt | None, tries: int, why: str = "") -> bool:
    """Apply the change two attempts agreed on (``attempt``'s, the plainer), or the one that passed a check
    that computed the result (``why``), keep its round in the conversation, advance."""
    app, step_i = driver.app, task.current_step
    not_made = attempt.measured.apply(Workspace(app.workspace_for(task.id))) if attempt.measured is not None else []
    if not_made:
        app.tasks.journal(task.id, "note", {"kind": "attempt", "message": "not made in the workspace (links and "
                                            f"other non-files are not copied): {', '.join(not_made)}"})
    for message in attempt.messages:
        app.sessions.append(task.session_key, message, round=task.rounds, sync=False)
    app.sessions.sync(task.session_key)
    by = f"attempts {twin.number} and {attempt.number} of {tries} made the same change, independently" \
        if twin is not None else why
    reason = f"{by}: {attempt.summary()}"
    entry = app.tasks.journal(task.id, "verification", {"passed": True, "source": "agreement", "step": step_i,
                                                        "reason": reason, "by": by}, step=step_i, round=task.rounds)
    answer = attempt.answer or reason

    def advance(t: Task) -> None:
        t.counters = attrs.evolve(t.counters, failed_checks=0, no_progress_rounds=0, transport_failures=0, seen=[])
        t.steps[t.current_step].state = "done"
        t.steps[t.current_step].notes.append(cut_middle(answer, 500))
        t.current_step += 1
        t.feedback = None
        t.last_result = answer
        t.last_round_seq = entry.seq
        driver.new_step(t)

    app.tasks.update(task.id, advance)
    app.tasks.journal(task.id, "step_done", {"step": step_i, "description": task.steps[step_i].description},
                      step=step_i, round=task.rounds)
    return True
