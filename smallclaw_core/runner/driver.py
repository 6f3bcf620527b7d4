"""The task driver: one task through its stages, from its lease to ``complete`` or a pause.

    recover  a side-effecting call that started and never finished: ask the user, never re-run it
    plan     a goal without steps becomes a plan (planner.py)
    round    one step message and the chat loop (rounds.py)
    verify   the verifier chain judges the step (verifying.py); ``decide`` says what follows
    finish   the whole goal is checked, the summary written (finishing.py)

Every stage returns whether the task is still this runner's to drive; every change
to the task goes through ``app.tasks``. Between rounds the driver honours a user's
pause, a lost lease, the round cap and a stopping runner.
"""

from __future__ import annotations

from typing import Any, Callable

import anyio
import attrs

from smallclaw_core.chat import cut_middle
from smallclaw_core.errors import ModelError, NeedsApproval, TransportError
from smallclaw_core.models import describe_call, is_small_model
from smallclaw_core.scheduling import gate_for
from smallclaw_core.stepchanges import StepChanges
from smallclaw_core.tasks import NEEDS_ASSISTANCE, PAUSED, RUNNING, Step, Task

from .conversation import ensure_conversation
from .decide import ADVANCE, PAUSE, RETRY, decide
from .evidence import off_the_loop, with_failure
from .finishing import goal_gap, missing_files, summarize, undone_step
from .attempts import agreement, by_agreement, discard
from .guards import what_failed
from .intents import begin_step, missing_inputs, with_blockers
from .planner import make_plan, sentence_plan
from .retry import GaveUp, RetryPolicy, RoundTooSlow, gave_up_reason, retrying
from .rounds import RoundOutcome, record_start, run_task_round, task_tools
from .verifying import step_evidence, verify_step


class TaskDriver:
    def __init__(self, app: Any, cfg: Any, owner: str, ref: Any, detectors: list[Any], *,
                 stopping: Callable[[], bool], scope_for: Callable[[Any], None]):
        self.app = app
        self.cfg = cfg
        self.owner = owner
        self.ref = ref
        self.detectors = detectors
        self.stopping = stopping
        self.scope_for = scope_for
        self.tools: dict[str, Any] | None = None
        self.small_executor = False
        self.small_verifier = False
        self.no_attempts = False  # set when attempts cannot serve (a workspace too large, an approval)
        self.rounds_step: int | None = None  # a step whose attempts all failed a computed check: rounds
        self.tries: Any = None  # the attempts at the current step so far (attempts.Tries)

    def gate(self) -> Any:
        """Hold the model for one background call or round (a waiting chat goes first)."""
        return gate_for(self.app, self.ref.backend_name, self.cfg.max_concurrent_per_backend).background()

    def needs_user(self, task_id: str, reason: str, change: Callable[[Task], Any] | None = None) -> bool:
        """The task pauses ``needs_assistance`` with ``reason`` (and what is missing here); always False."""
        reason = with_blockers(self.app, self.app.store.get(task_id), reason)
        self.app.tasks.stop_running(task_id, NEEDS_ASSISTANCE, reason, change=change)
        return False

    async def drive(self, task_id: str) -> None:
        try:
            with StepChanges(self.app, task_id) as self.changes:  # each step's change to the workspace, journaled
                await self.stages(task_id)
        finally:  # a pause, a cancel or a crash mid-attempts leaves no copy behind
            self.tries = discard(self.tries)

    async def stages(self, task_id: str) -> None:
        app = self.app
        if not self.recover(app.store.get(task_id)):
            return
        if not app.store.get(task_id).steps and not await self.plan(task_id):
            return
        self.small_executor = is_small_model(await app.model_info(self.ref))
        self.small_verifier = is_small_model(await app.model_info(await app.model_for("verifier")))
        self.tools = task_tools(app, await self.wants_advanced_tools())
        ensure_conversation(app, app.store.get(task_id), set(self.tools))
        while True:
            task = app.store.get(task_id)
            self.changes.follow(task)
            if not self.still_ours(task):
                return
            if task.current_step >= len(task.steps):
                if not await self.finish(task_id):
                    return
                continue
            if task.rounds >= self.cfg.max_rounds:
                self.needs_user(task_id, f"the task used its {self.cfg.max_rounds} rounds without finishing")
                return
            if task.planned_by == "planner" and task.steps[task.current_step].started_at is None \
                    and (missing := missing_inputs(self.app, task)):
                self.needs_user(task_id, missing)
                return
            async with self.gate():
                if not await self.round(task):
                    return

    def still_ours(self, task: Task) -> bool:
        """At a round boundary: is the task still running, leased by us, not paused, not stopping?"""
        if task.status != RUNNING or task.lease is None or task.lease.owner != self.owner:
            return False
        if task.pause_requested:
            self.app.tasks.stop_running(task.id, PAUSED, "paused by the user")
            return False
        return not self.stopping()

    # --- recover --------------------------------------------------------------------

    def recover(self, task: Task) -> bool:
        """A side-effecting call with a start record but no result: ask, do not re-run.

        A step whose first round never finished gets its start from that round's
        record, so what the round did still counts as the step's work.
        """
        entries = self.app.store.journal(task.id, after=task.last_round_seq)
        ended = self.app.store.journal(task.id, after=task.last_round_seq - 1, limit=1) if task.last_round_seq else []
        if ended and ended[0].kind == "verification" and ended[0].data.get("passed") \
                and ended[0].data.get("step") == task.current_step - 1 and not any(e.kind == "step_done" for e in entries):
            done = task.current_step - 1  # the last round advanced the step; a crash came before its record
            self.app.tasks.journal(task.id, "step_done", {"step": done, "description": task.steps[done].description},
                                   step=done, round=ended[0].round)
        began = next((e for e in entries if e.kind == "round" and e.step == task.current_step), None)
        if began is not None and task.current_step < len(task.steps) and task.steps[task.current_step].started_at is None:
            task.steps[task.current_step].started_at = began.ts
            task.steps[task.current_step].started_seq = began.seq - 1
            self.app.tasks.update(task.id, lambda t: record_start(t, task, task.current_step), quiet=True)
        started = {e.data.get("id"): e for e in entries if e.kind == "tool_call" and e.data.get("side_effects")}
        finished = {e.data.get("id") for e in entries if e.kind == "tool_result"}
        unfinished = [e for key, e in started.items() if key not in finished]
        if not unfinished:
            return True
        for u in unfinished:
            self.app.tasks.journal(task.id, "tool_result", {
                "id": u.data.get("id"), "name": u.data.get("name"), "error": True,
                "result": "interrupted: SmallClaw stopped while this ran; the user was asked"}, step=u.step)
        last = unfinished[-1].data
        call = describe_call(last.get("name"), last.get("arguments", {}))
        return self.needs_user(task.id, f"SmallClaw stopped while {call} was running, so it may or may not have "
                                        "taken effect. Check the workspace, then resume the task (with a note if "
                                        "something must change).")

    # --- plan -----------------------------------------------------------------------

    async def plan(self, task_id: str) -> bool:
        app = self.app

        def journal_retry(exc: BaseException, attempt: int, delay: float) -> None:
            app.tasks.journal(task_id, "error", {"kind": "transport", "where": "planner", "message": str(exc),
                                                 "attempt": attempt, "retry_in": round(delay, 2)})

        how = await self.planner_kind()
        if how == "sentences":
            return self.set_plan(task_id, sentence_plan(app.store.get(task_id).goal, app.workspace_for(task_id)),
                                 "sentences", [])

        async def once() -> Any:
            async with self.gate():
                return await make_plan(app, app.store.get(task_id), app.workspace_for(task_id),
                                       attempts=self.cfg.plan_attempts)

        try:
            steps, added = await retrying(once, RetryPolicy.transport(self.cfg), (TransportError,), journal_retry)
        except GaveUp as exc:
            return self.needs_user(task_id, exc.reason("the model server"))
        except ModelError as exc:
            return self.needs_user(task_id, f"the planner failed: {exc}")
        if not steps:
            app.tasks.journal(task_id, "error", {"kind": "plan", "message": "the planner's answer was not a valid plan",
                                                 "attempt": self.cfg.plan_attempts})
            return self.needs_user(task_id, "the planner could not make a plan from the goal; give the steps "
                                            f"(smallclaw task plan {task_id} --step ... or edit the plan on the "
                                            "board) and resume")
        return self.set_plan(task_id, steps, "model", added)

    async def wants_advanced_tools(self) -> bool:
        """``[runner] advanced_tools``, with ``auto`` decided by the executor's size."""
        if self.cfg.advanced_tools != "auto":
            return self.cfg.advanced_tools == "always"
        return not is_small_model(await self.app.model_info(self.ref))

    async def planner_kind(self) -> str:
        """``[runner] planner``, with ``auto`` decided by the planner model's size."""
        if self.cfg.planner != "auto":
            return self.cfg.planner
        ref = await self.app.model_for("planner")
        return "sentences" if is_small_model(await self.app.model_info(ref)) else "model"

    def set_plan(self, task_id: str, steps: list[Any], how: str, added: list[str]) -> bool:
        def change(t: Task) -> None:
            t.steps = [Step(description=s.description, check=s.check, check_by="planner" if s.check else None)
                       for s in steps]
            t.current_step = 0
            t.planned_by = "planner"

        self.app.tasks.update(task_id, change)
        data: dict[str, Any] = {"by": "planner", "how": how, "steps": [s.description for s in steps],
                                "checks": [s.check for s in steps]}
        if added:
            data["added_for"] = added
        self.app.tasks.journal(task_id, "plan_change", data)
        return True

    # --- round and verify -------------------------------------------------------------

    async def round(self, task: Task) -> bool:
        if task.steps[task.current_step].found is None:
            begin_step(self.app, task, task.current_step)  # derived checks decide how the step is judged
        if by_agreement(self, task):
            return await agreement(self, task)
        try:
            outcome = await run_task_round(self.app, self.cfg, self.detectors, task, self.ref, self.scope_for,
                                           self.tools)
        except TimeoutError:
            return await self.transport_failed(task, RoundTooSlow(
                f"the round took longer than {self.cfg.round_timeout:g} s"))
        except TransportError as exc:
            return await self.transport_failed(task, exc)
        except ModelError as exc:
            return self.needs_user(task.id, f"the model failed: {exc}")
        except NeedsApproval as exc:
            return self.ask_approval(task, exc)
        if outcome is None:
            return False  # cancelled by the user, or the runner is stopping
        return await self.judge(task, outcome)

    async def transport_failed(self, ran: Task, exc: Exception) -> bool:
        """Count a failed model call; wait and go on, or pause when the policy gives up."""
        task_id = ran.id

        def count(t: Task) -> None:
            t.counters.transport_failures += 1
            record_start(t, ran, ran.current_step)

        task = self.app.tasks.update(task_id, count, quiet=True)
        attempt = task.counters.transport_failures
        policy = RetryPolicy.transport(self.cfg)
        if policy.gives_up(attempt, exc):
            if isinstance(exc, RoundTooSlow):
                return self.needs_user(task_id, f"{attempt} rounds in a row took longer than {self.cfg.round_timeout:g} "
                                                "s ([runner] round_timeout): the model is too slow for this step, or "
                                                "it kept writing without stopping")
            return self.needs_user(task_id, gave_up_reason(exc, attempt))
        delay = policy.delay(attempt, exc)
        self.app.tasks.journal(task_id, "error", {"kind": "transport", "message": str(exc), "attempt": attempt,
                                                  "retry_in": round(delay, 2)})
        await anyio.sleep(delay)
        return True

    def ask_approval(self, task: Task, exc: NeedsApproval) -> bool:
        """The round stops at a call that needs the user's yes; the round counts as finished."""
        round_no = task.rounds + 1

        def ask(t: Task) -> None:
            record_start(t, task, task.current_step)
            t.awaiting_approval = exc.key
            t.approval_call = exc.call
            t.approved_call = None
            t.rounds = round_no
            t.pending_notes = []

        self.app.sessions.sync(task.session_key)
        return self.needs_user(task.id, f"approval needed: {exc}", change=ask)

    async def judge(self, task: Task, outcome: RoundOutcome) -> bool:
        """Verify the round's step and record the round with what follows (``decide``).

        ``task`` is the copy the round ran with: the task is leased to this runner, so
        what the verdict depends on (plan, counters, step start) is as the round left it.
        """
        app, result, task_id = self.app, outcome.result, task.id
        fingerprints = [f"{k}:{d}" for k, d in result.fingerprints]
        progress = any(fp not in task.counters.seen for fp in fingerprints)
        if result.stopped == "pause":
            self.finish_round(task, outcome, None, fingerprints)
            ran = [e for e in step_evidence(app, task, outcome.step_index, outcome.evidence, outcome.round_seq)
                   if e.kind == "tool_result" and not e.data.get("not_run")]
            last = f"; it kept getting: {what_failed(ran[-1])}" if ran else ""
            return self.needs_user(task_id, f"stuck in a loop: {result.pause_reason}{last}")
        # a round ended by the runner has no report: the last output stands for it
        answer = result.answer or cut_middle(result.last_output, 1500)
        verdict = await verify_step(app, self.cfg, task, outcome.step_index, answer, outcome.evidence,
                                    outcome.before, outcome.round_seq)
        if isinstance(verdict, str):
            self.finish_round(task, outcome, None, fingerprints)
            return self.needs_user(task_id, verdict)
        if not verdict.passed and verdict.source == "structure":
            verdict = await self.put_back_broken(task_id, outcome, verdict)
        entry = app.tasks.journal(task_id, "verification", {
            "passed": verdict.passed, "reason": verdict.reason, "source": verdict.source,
            "step": outcome.step_index}, step=outcome.step_index, round=outcome.round_no)
        decision = decide(task, verdict, progress, self.cfg)
        switch = self.switches_protocol(outcome, verdict, task)
        if switch:  # the round did not count against the model: it was asked in a way it does not answer
            decision = attrs.evolve(decision, action=RETRY, counters=attrs.evolve(
                decision.counters, failed_checks=task.counters.failed_checks,
                no_progress_rounds=task.counters.no_progress_rounds, silent_rounds=0))

        def apply(t: Task) -> None:
            t.counters = decision.counters
            if not outcome.json_protocol and not switch:
                silent = not result.tool_calls and verdict.source == "evidence" and not verdict.passed
                t.counters.silent_rounds = t.counters.silent_rounds + 1 if silent else 0
            step = t.steps[t.current_step]
            if decision.action == ADVANCE:
                step.state = "done"
                step.notes.append(cut_middle(answer or verdict.reason, 500))
                t.current_step += 1
                t.feedback = None
                t.last_result = answer
                self.new_step(t)
                return
            step.state = "running"
            step.notes.append(f"check said NO: {verdict.reason}")
            t.feedback = verdict.reason
            # a small model copies its last attempt whole: after a NO it starts from a summary
            t.restart_step = result.stopped in ("repeat", "cap") or self.small_executor
            if switch:
                t.tool_protocol = "json"

        if decision.action == PAUSE:
            self.finish_round(task, outcome, entry.seq, fingerprints, also=apply, pause=with_failure(
                decision.reason, app.store.journal(task_id, after=task.steps[outcome.step_index].started_seq or 0)))
            return False
        task = self.finish_round(task, outcome, entry.seq, fingerprints, also=apply)
        if switch:
            app.tasks.journal(task_id, "note", {
                "kind": "protocol", "protocol": "json",
                "message": "the model answered native tool calling without calls: the task uses the JSON "
                           "protocol from now on"}, round=outcome.round_no)
        if decision.action == ADVANCE:
            done = outcome.step_index
            app.tasks.journal(task_id, "step_done", {"step": done, "description": task.steps[done].description},
                              step=done, round=outcome.round_no)
        return True

    async def put_back_broken(self, task_id: str, outcome: RoundOutcome, verdict: Any) -> Any:
        """A file that parsed before the round and not after is put back: the user's data is not lost."""
        workspace = self.app.workspace_for(task_id)
        restored = await off_the_loop(lambda: outcome.before.restore_broken(workspace), [])
        if not restored:
            return verdict
        names = ", ".join(restored)
        self.app.tasks.journal(task_id, "note", {"kind": "structure", "message": f"put back as it was: {names}"},
                               round=outcome.round_no)
        return attrs.evolve(verdict, reason=f"{verdict.reason} {names} was put back as it was before this step; "
                                            "change it so it stays valid.")

    def switches_protocol(self, outcome: RoundOutcome, verdict: Any, task: Task) -> bool:
        """After enough native-protocol rounds without a call where one was needed, switch to JSON."""
        if outcome.json_protocol or verdict.passed or outcome.result.tool_calls or self.cfg.native_fallback_rounds <= 0:
            return False
        if verdict.source != "evidence":  # the evidence guard: a step that needs a tool, and none was used
            return False
        return task.counters.silent_rounds + 1 >= self.cfg.native_fallback_rounds

    def new_step(self, t: Task) -> None:
        """The task moved to its next step: loop detectors that want to start afresh do (optional ``on_step``)."""
        for d in self.detectors:
            if (on_step := getattr(d, "on_step", None)) is not None and isinstance(state := t.loop_state.get(d.name), dict):
                on_step(state)
        if t.current_step < len(t.steps):
            t.steps[t.current_step].state = "running"

    def finish_round(self, ran: Task, outcome: RoundOutcome, seq: int | None, fingerprints: list[str], *,
                     also: Callable[[Task], None] | None = None, pause: str | None = None) -> Task | None:
        """Record the round as finished (its number, loop state, fingerprints, the step's start),
        with the verdict's changes (``also``), in one write."""
        task_id = ran.id
        self.app.sessions.sync(ran.session_key)

        def change(t: Task) -> None:
            t.rounds = outcome.round_no
            t.last_round_seq = seq if seq is not None else t.last_round_seq
            t.loop_state = outcome.loop_state
            if outcome.told:
                t.pending_notes = []
            t.approved_call = None
            t.restart_step = False
            record_start(t, ran, outcome.step_index)
            if also is not None:
                also(t)
            if t.current_step == outcome.step_index:  # the step goes on: its fingerprints count
                seen = t.counters.seen + [f for f in fingerprints if f not in t.counters.seen]
                t.counters.seen = seen[-200:]

        if pause is not None:
            self.needs_user(task_id, pause, change=change)
            return None
        return self.app.tasks.update(task_id, change)

    # --- finish ---------------------------------------------------------------------

    async def finish(self, task_id: str) -> bool:
        """Check the goal; complete the task, or add a step for what is missing. True to keep driving."""
        app, cfg = self.app, self.cfg
        task = app.store.get(task_id)

        async def once() -> str | None:
            async with self.gate():
                return await goal_gap(app, cfg, app.store.get(task_id))

        def journal_retry(exc: BaseException, attempt: int, delay: float) -> None:
            app.tasks.journal(task_id, "error", {"kind": "transport", "where": "goal check", "message": str(exc),
                                                 "attempt": attempt, "retry_in": round(delay, 2)})

        undone = await undone_step(app, task)  # a later step undid an earlier one
        if undone:
            return self.reopen(task, *undone)
        try:
            gap = await retrying(once, RetryPolicy.transport(cfg), (TransportError,), journal_retry)
        except GaveUp as exc:
            return self.needs_user(task_id, exc.reason("the verifier"))
        except ModelError as exc:
            return self.needs_user(task_id, f"the goal check failed: {exc}")
        if gap:
            return self.reopen(task, gap)
        app.tasks.journal(task_id, "verification", {"passed": True, "source": "goal",
                                                    "reason": "the goal is met as far as the files show"})
        summary = await summarize(app, cfg, app.store.get(task_id))
        app.tasks.journal(task_id, "summary", {"text": summary})
        app.tasks.complete(task_id, summary)
        return False

    def reopen(self, task: Task, gap: str, check: str | None = None) -> bool:
        """The goal is not met: add a step for what is missing (checked by ``check``, else
        by the missing files existing), or ask the user after ``goal_retries``."""
        app = self.app
        app.tasks.journal(task.id, "verification", {"passed": False, "source": "goal", "reason": gap})
        if task.counters.goal_checks >= self.cfg.goal_retries:
            return self.needs_user(task.id, f"every step is done but the goal is not met: {gap}")
        check = check or "\n".join(f"file_exists: {n}" for n in missing_files(app, task)) or None
        step = Step(description=f"Finish the goal: {gap}", check=check, check_by="goal check" if check else None)

        def add(t: Task) -> None:
            t.counters.goal_checks += 1
            t.steps.append(step)
            t.feedback = None
            t.steps[t.current_step].state = "running"

        app.tasks.update(task.id, add)
        app.tasks.journal(task.id, "plan_change", {"by": "goal check", "steps": [s.description for s in task.steps]
                                                   + [step.description], "reason": gap})
        return True
