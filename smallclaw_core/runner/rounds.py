"""The round stage: one step message, the chat loop with the task's tools, every call journaled.

A round appends the step message to the task's conversation and runs the core chat
loop until the executor calls ``step_done`` (or answers without a tool, or hits the
call cap). Each call is journaled before it runs (side-effecting ones too, so crash
recovery never re-runs one blindly) and after. Loop detectors police every call; a
read-only call repeated with the same result does not pause the task: it ends the
round, and the step is checked, since a model that keeps reading usually has what it
needs. A call the user approved runs first thing, its result handed to the model. The
step's checks run when the round has ended, never in the middle of it: a model still
acting on the step (renaming, removing, writing a second file) is not cut short because
the first file it wrote already passes.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import anyio
import attrs

from smallclaw_core.chat import (
    NOT_RUN, RoundObserver, RoundResult, call_key, cut_middle, run_round, wants_json_protocol,
)
from smallclaw_core.models import Message, ModelOptions, ModelReply, ToolCall, describe_call
from smallclaw_core.intent import Role
from smallclaw_core.tasks import JournalEntry, Task, now
from smallclaw_core.tools import ToolContext, tool
from smallclaw_core.verification import LoopVerdict

from .conversation import (
    FINISH_TOOL, conversation, forget_unfinished, maybe_compact, restart, step_message, unanswered_calls,
)
from .evidence import StructureState, off_the_loop
from .loops import ANY_FILE, REPLIES_KEPT, echoed_reply, status_line
from .intents import begin_step, step_intent

_RANK = {"allow": 0, "warn": 1, "block": 2, "end": 3, "pause": 4}


@tool(name=FINISH_TOOL, ends_round=True)
async def step_done(report: str) -> str:  # async: nothing to do off the event loop
    """Say the current step is done (or cannot be done) once the tools did it; it is then checked.

    Args:
        report: one line: what you did and the result, or what is missing
    """
    return report.strip() or "(no report)"


def task_tools(app: Any, advanced: bool = True) -> dict[str, Any]:
    """The tools a task's executor gets: every registered tool (advanced ones if wanted), and ``step_done``."""
    tools = {n: app.tools[n] for n in app.tools.names() if advanced or not app.tools[n].advanced}
    tools.setdefault(FINISH_TOOL, step_done)
    return tools


@attrs.define
class RoundOutcome:
    round_no: int
    step_index: int
    result: RoundResult
    #: the round's tool calls and results, as journaled
    evidence: list[JournalEntry]
    #: the structured files that parsed when the round started
    before: StructureState
    #: the loop detectors' state after the round
    loop_state: dict[str, Any]
    #: whether the step message (with the user's pending notes) was sent
    told: bool = True
    #: whether the round used the JSON tool protocol (else the backend's native tool calls)
    json_protocol: bool = False
    #: the seq of the round's own journal record
    round_seq: int = 0


async def run_task_round(app: Any, cfg: Any, detectors: list[Any], task: Task, ref: Any,
                         scope_for: Callable[[anyio.CancelScope | None], None],
                         tools: dict[str, Any] | None = None,
                         json_protocol: bool | None = None) -> RoundOutcome | None:
    """Run the task's next round; None when it was cancelled. Model and tool errors propagate.

    ``scope_for`` is told the round's cancel scope (and None at the end), so a user's
    cancel can abandon an in-flight model call.
    """
    task_id, round_no, step_i = task.id, task.rounds + 1, task.current_step
    tools = tools if tools is not None else task_tools(app)
    if json_protocol is None:
        json_protocol = task.tool_protocol == "json" or await wants_json_protocol(app, ref)
    workspace = app.workspace_for(task_id)
    records = app.sessions.records(task.session_key)
    forget_unfinished(app, task, round_no, records)
    messages = conversation(app, task, records)
    first_calls = _answer_waiting_calls(app, task, messages, round_no)
    fresh_step = task.feedback is None and not task.steps[step_i].notes
    if task.restart_step and not first_calls:
        messages = restart(app, task, messages, round_no, last_attempt(app, task))
    elif fresh_step and step_i > 0:
        messages = maybe_compact(app, task, messages, round_no)
    text = step_message(task, fresh_step)
    if not first_calls:
        messages.append(Message("user", text))
        app.sessions.append(task.session_key, messages[-1], round=round_no, sync=False)
    entry = app.tasks.journal(task_id, "round", {"round": round_no, "step": step_i, "prompt": text},
                              step=step_i, round=round_no)
    if task.steps[step_i].started_at is None:
        # the step starts with this round: ``task`` is the driver's copy, which the verify
        # stage reads; the write that finishes the round records the start (``record_start``)
        task.steps[step_i].started_at = now()
        task.steps[step_i].started_seq = entry.seq - 1
        if task.steps[step_i].found is None:
            begin_step(app, task, step_i)
    protected = step_inputs(app, task, step_i)
    before = await off_the_loop(lambda: StructureState.of(workspace, keep=list(protected)), StructureState())
    loop_state: dict[str, Any] = json.loads(json.dumps(task.loop_state))
    observer, evidence = _observer(app, detectors, task, ref, tools, loop_state, step_i, round_no, protected)
    ctx = ToolContext(workspace=workspace, task_id=task_id, session_key=task.session_key, app=app,
                      approvals=frozenset(task.approvals), origin=task.origin)
    models = app.config.models
    scope = anyio.CancelScope(shield=True)
    scope_for(scope)
    result = None
    try:
        with scope:
            with anyio.fail_after(cfg.round_timeout):
                result = await run_round(
                    ref, messages, tools, ctx, max_tool_calls=cfg.max_tool_calls, timeout=models.timeout,
                    options=ModelOptions(num_ctx=models.num_ctx, temperature=models.temperature),
                    output_limit=cfg.tool_output_limit, json_protocol=json_protocol,
                    observer=observer, first_calls=first_calls)
    finally:
        scope_for(None)
    if scope.cancel_called or result is None:
        return None
    restored = await off_the_loop(
        lambda: before.restore(workspace, before.changed(workspace, list(protected))), []) if protected else []
    if restored:  # a command wrote over what the step reads: the user's data comes back
        app.tasks.journal(task_id, "note", {"kind": "input", "message": f"put back as it was: {', '.join(restored)} "
                                                                        "(the step reads it, and a command changed it)"},
                          step=step_i, round=round_no)
    return RoundOutcome(round_no, step_i, result, evidence, before, loop_state, told=not first_calls,
                        json_protocol=json_protocol, round_seq=entry.seq)


def record_start(t: Task, ran: Task, step_index: int) -> None:
    """Into the stored task ``t``: when step ``step_index`` started, from ``ran``, the copy its
    round ran with (the first round of a step sets its start; see ``run_task_round``)."""
    if step_index < len(t.steps) and t.steps[step_index].started_at is None:
        step, began = t.steps[step_index], ran.steps[step_index]
        step.started_at, step.started_seq, step.found = began.started_at, began.started_seq, began.found
        step.check, step.check_by = began.check, began.check_by


def last_attempt(app: Any, task: Task, limit: int = 4) -> list[str]:
    """The current step's distinct calls with the start of their results, last ones first out."""
    step = task.steps[task.current_step]
    calls: dict[Any, Any] = {}
    lines: list[str] = []
    for e in app.store.journal(task.id, after=step.started_seq):
        if e.step != task.current_step:
            continue
        if e.kind == "tool_call":
            calls[e.data.get("id")] = e.data
        elif e.kind == "tool_result" and not e.data.get("not_run"):
            c = calls.get(e.data.get("id")) or {}
            text = " ".join(str(e.data.get("result", "")).split())
            line = f"{describe_call(c.get('name', e.data.get('name')), c.get('arguments', {}))} gave: {text[:160]}"
            if line not in lines:
                lines.append(line)
    return lines[-limit:]


def _answer_waiting_calls(app: Any, task: Task, messages: list[Message], round_no: int) -> list[ToolCall]:
    """Calls the last round left waiting for the user: the approved one runs now, the others get their answer."""
    waiting = unanswered_calls(messages)
    approved = task.approved_call
    run_now = [c for c in waiting if approved is not None and c.name == approved.name
               and c.arguments == approved.arguments][:1]
    for c in waiting:
        if c in run_now:
            continue
        refused = f"Not run: the user did not approve {describe_call(c.name, c.arguments)}."
        message = Message("tool", refused, tool_call_id=c.id, name=c.name)
        messages.append(message)
        app.sessions.append(task.session_key, message, round=round_no, sync=False)
    return run_now


def step_inputs(app: Any, task: Task, step_i: int) -> dict[str, list[str]]:
    """Files a step reads, which it must not overwrite, mapped to the new files it writes.

    Only where its words leave no doubt: "write names.txt in upper case to upper.txt"
    reads names.txt; "in greeting.txt replace World" edits it; "rename a.txt to b.txt"
    moves it.
    """
    intent = step_intent(app, task, step_i)
    outputs = [f.name for f in intent.files if f.role is Role.WRITE and not f.exists]
    if not outputs:
        return {}
    return {f.name: outputs for f in intent.files if f.role is Role.READ and f.exists}


def _observer(app: Any, detectors: list[Any], task: Task, ref: Any, tools: dict[str, Any],
              loop_state: dict[str, Any], step_i: int, round_no: int,
              protected: dict[str, list[str]], attempt: int | None = None) -> tuple[RoundObserver, list[JournalEntry]]:
    """The callbacks that journal and police one round, and the list its evidence collects in.

    For an attempt (``attempts.py``) every tool entry says which, and its messages are kept
    out of the task's conversation (the one that wins joins it).
    """
    task_id = task.id
    evidence: list[JournalEntry] = []
    ids: dict[int, str] = {}
    counter = [0]
    #: the key of the round's last call, and whether it failed
    last: list[tuple[str, bool] | None] = [None]

    def journal(kind: str, data: dict[str, Any]) -> JournalEntry:
        if attempt is not None:
            data["attempt"] = attempt
        entry = app.tasks.journal(task_id, kind, data, step=step_i, round=round_no)
        evidence.append(entry)
        return entry

    def tool_started(call: ToolCall, t: Any) -> None:
        counter[0] += 1
        ids[id(call)] = f"r{round_no}.{counter[0]}"
        journal("tool_call", {"id": ids[id(call)], "name": call.name, "arguments": call.arguments,
                              "side_effects": bool(t and t.side_effects)})

    def tool_finished(call: ToolCall, output: str, failed: bool) -> None:
        last[0] = (call_key(call), failed)
        data = {"id": ids.get(id(call)), "name": call.name, "result": cut_middle(output, 4000), "error": failed}
        if output.startswith(NOT_RUN):
            data["not_run"] = True  # blocked, ended or waiting: the tool itself did not fail
        journal("tool_result", data)

    def model_called(reply: ModelReply, seconds: float) -> None:
        u = reply.usage
        app.tasks.journal(task_id, "model_call", {
            "role": "executor", "model": str(ref), "seconds": round(seconds, 3), "prompt_tokens": u.prompt_tokens,
            "prompt_evaluated": u.prompt_evaluated, "prompt_cached": u.prompt_cached,
            "completion_tokens": u.completion_tokens, "done_reason": reply.done_reason,
            "tool_calls": len(reply.tool_calls)}, step=step_i, round=round_no, sync=False)

    refused: set[str] = set()

    def before_call(call: ToolCall) -> LoopVerdict:
        verdict = police(call)
        if verdict.action in ("block", "end") and verdict.message:
            remember([ANY_FILE, verdict.message])  # a refusal's words are never a file's content
        return verdict

    def police(call: ToolCall) -> LoopVerdict:
        t = tools.get(call.name)
        target = str(call.arguments.get("path", "")).strip().removeprefix("./")
        if t is not None and t.side_effects and target in protected:
            # never written elsewhere in the model's name: which file a call writes is the model's
            # to say, and a refusal with the reason lets it say it again
            outputs = protected[target]
            key = call_key(call)
            action = "end" if key in refused else "block"  # the same refused call again: it goes in circles
            refused.add(key)
            verdict = LoopVerdict(action, f"{target} is what this step reads; it is not changed. Write the result "
                                          f"to {', '.join(outputs)}.")
            app.tasks.journal(task_id, "error", {"kind": "input", "action": action, "message": verdict.message,
                                                 "tool": call.name}, step=step_i, round=round_no)
            return verdict
        if (echo := echoed_reply(call, replies())) is not None:
            # the round did its work and now writes back what the tools answered: the step is checked
            verdict = LoopVerdict("end", f"{echo}; the files hold what your calls wrote before. The step is "
                                         f"checked now; if it is done, call {FINISH_TOOL} next time.")
            app.tasks.journal(task_id, "error", {"kind": "echo", "action": "end", "message": verdict.message,
                                                 "tool": call.name}, step=step_i, round=round_no)
            return verdict
        worst = LoopVerdict()
        for d in detectors:
            v = d.before_call(call, loop_state.setdefault(d.name, {}))
            if _RANK.get(v.action, 0) > _RANK[worst.action]:
                worst = v
        repeated = last[0] is not None and last[0][0] == call_key(call)
        just_failed = repeated and last[0][1]
        again = ("that just failed, and would fail the same way" if just_failed
                 else "you already have this result" if t is None or not t.side_effects else "that just succeeded")
        if t is not None and worst.action != "pause" and (
                (worst.action == "block" and not t.side_effects) or just_failed
                or (t.side_effects and worst.action in ("allow", "warn") and repeated)):
            # the same thing again adds nothing (a read), would do twice what just worked (a
            # write), or would fail again: the model is done or stuck, so the step is checked
            # with what is there, and the check's NO says what to do instead
            worst = LoopVerdict("end", f"{again}. The step is checked now with what the tools did so far; "
                                       f"if it is done, call {FINISH_TOOL} next time.")
        if worst.action in ("block", "pause", "end"):
            app.tasks.journal(task_id, "error", {"kind": "loop", "action": worst.action, "message": worst.message,
                                                 "tool": call.name}, step=step_i, round=round_no)
        return worst

    def replies() -> list[list[str]]:
        """[path, status line] of this step's calls that wrote a file (kept with the loop state)."""
        kept = loop_state.setdefault("_replies", {})
        if kept.get("step") != step_i:
            kept.clear()
            kept.update(step=step_i, said=[])
        return kept["said"]

    def remember(said_of: list[str]) -> None:
        said = replies()
        said.append(said_of)
        del said[:-REPLIES_KEPT]

    def after_call(call: ToolCall, output: str) -> LoopVerdict | None:
        t = tools.get(call.name)
        if t is not None and t.side_effects and (line := status_line(call, output)) is not None:
            remember(line)
        elif output.startswith("Error:"):
            remember([ANY_FILE, output])  # nor is an error's
        notes = [v for d in detectors
                 if (v := d.after_call(call, output, loop_state.setdefault(d.name, {}))) is not None]
        if notes:
            app.tasks.journal(task_id, "note", {"kind": "loop", "message": notes[0].message, "tool": call.name},
                              step=step_i, round=round_no)
            return notes[0]
        return None

    def recovered(calls: list[ToolCall], text: str) -> None:
        app.tasks.journal(task_id, "note", {
            "kind": "recovered_calls", "message": "calls written as text were made into calls",
            "calls": [describe_call(c.name, c.arguments) for c in calls], "text": cut_middle(text, 600)},
            step=step_i, round=round_no)

    def message_added(message: Message) -> None:
        # made durable once, before the round is recorded as finished (an unfinished
        # round's messages are dropped on recovery anyway)
        if attempt is None:
            app.sessions.append(task.session_key, message, round=round_no, sync=False)

    observer = RoundObserver(tool_started=tool_started, tool_finished=tool_finished, model_called=model_called,
                             before_call=before_call, after_call=after_call, message_added=message_added,
                             recovered=recovered)
    return observer, evidence
