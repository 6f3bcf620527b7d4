"""The runner: takes queued tasks and drives them round by round to completion.

A round appends a step message to the task's conversation, runs the core chat loop,
and ends with the verifier chain judging the current step. Transport errors are
retried with back-off and then pause the task; loops and rounds without progress
pause it ``needs_assistance``; completion writes a summary and delivers it to the
originating session and every notifier, with each delivery journaled so that a
crash neither loses nor repeats one more than once. A lease, renewed while the task
runs, keeps two runner processes off the same task.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import socket
import time
from typing import Any

import anyio

from smallclaw_core.chat import RoundObserver, cut_middle, run_round, wants_json_protocol
from smallclaw_core.errors import (
    IllegalTransition, ModelError, NeedsApproval, SmallClawError, TaskNotFound, TransportError,
)
from smallclaw_core.models import Message, ModelOptions, ModelReply, ToolCall
from smallclaw_core.notifications import Notification
from smallclaw_core.scheduling import gate_for
from smallclaw_core.tasks import (
    COMPLETE, FAILED, NEEDS_ASSISTANCE, PAUSED, QUEUED, RUNNING, JournalEntry, Lease, Task,
)
from smallclaw_core.tools import ToolContext
from smallclaw_core.verification import LoopVerdict, StepContext, Verdict

from .roles import fallback_summary, make_plan, run_verifiers, step_list, write_summary

log = logging.getLogger("smallclaw.runner")

TASK_SYSTEM_PROMPT = (
    "You are SmallClaw's executor. You work through a task one step at a time, using the tools "
    "to do real work in the task's workspace. Never claim something is done without doing it: "
    "each step is checked against the tool results. When the current step is done, reply with a "
    "short report of what you did and what the result was."
)


class _Skip(Exception):
    """Raised inside a store update to leave the task unchanged."""


class _Stop(Exception):
    """The task left the running state; stop driving it."""


def _backoff(attempt: int, base: float, cap: float) -> float:
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.8, 1.2)


def _owner_is_dead(owner: str) -> bool:
    """True when a lease's owner was a process on this machine that no longer exists.

    A restarted server then picks up its crashed predecessor's tasks at once instead of
    waiting for the lease to expire. A reused pid only makes it wait: the safe side.
    """
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Runner:
    def __init__(self, app: Any, *, owner: str | None = None):
        self.app = app
        self.cfg = app.config.runner
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.active: dict[str, anyio.CancelScope] = {}
        self.round_scopes: dict[str, anyio.CancelScope] = {}
        self.stopping = False
        self._wake = anyio.Event()
        self._stamp = 0
        self._known: dict[str, tuple[float, str]] = {}
        self._delivery_due: dict[tuple[str, str, str], float] = {}
        self._delivery_attempts: dict[tuple[str, str, str], int] = {}
        #: tasks whose deliveries are being made right now (one delivery pass per task at a time)
        self._delivering: set[str] = set()
        self._no_model_until = 0.0
        self.detectors = list(app.loop_detectors.values())
        for d in self.detectors:
            configure = getattr(d, "configure", None)
            if configure:
                configure(app.config.loop)

    # --- the service --------------------------------------------------------------

    async def run(self) -> None:
        """Run until cancelled (the ``runner`` service of ``smallclaw serve``)."""
        self.recover()
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._watch_forever)
                while True:
                    await self._schedule(tg)
                    self._start_deliveries(tg)
                    with anyio.move_on_after(self.cfg.poll_interval):
                        await self._wake.wait()
                    self._wake = anyio.Event()
        finally:
            with anyio.CancelScope(shield=True):
                await self._release_all()

    async def run_until_idle(self, timeout: float = 30.0) -> None:
        """Run until no task is runnable and no delivery is due (for tests and scripts)."""
        self.recover()
        with anyio.fail_after(timeout):
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._watch_forever)
                while True:
                    started = await self._schedule(tg)
                    self._start_deliveries(tg)
                    if not started and not self.active and not self._delivering and not self._runnable_ids() \
                            and not self._due_now():
                        tg.cancel_scope.cancel()
                        break
                    with anyio.move_on_after(0.05):
                        await self._wake.wait()
                    self._wake = anyio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def shutdown(self, grace: float = 10.0) -> None:
        """Stop at a safe point: let running rounds finish for up to ``grace`` seconds."""
        self.stopping = True
        with anyio.move_on_after(grace):
            while self.active:
                await anyio.sleep(0.05)
        for scope in list(self.round_scopes.values()):
            scope.cancel()

    # --- recovery, leases, scheduling ------------------------------------------------

    def recover(self) -> None:
        problems = self.app.store.recover()
        for p in problems:
            log.warning("task %s: %s%s", p.task_id, p.message, f" (moved to {p.moved_to})" if p.moved_to else "")
        self._stamp = self.app.store.changes_stamp()
        for t in self.app.store.list():
            self._known[t.id] = (t.updated_at, t.status)

    def _runnable(self, t: Task, now: float) -> bool:
        if t.id in self.active:
            return False
        lease_free = t.lease is None or t.lease.expires < now or t.lease.owner == self.owner \
            or _owner_is_dead(t.lease.owner)
        if t.status == QUEUED:
            return lease_free
        if t.status == RUNNING:
            return lease_free  # left running by a crash or a stopped runner
        return False

    def _runnable_ids(self) -> list[str]:
        now = time.time()
        return [t.id for t in self.app.store.list((QUEUED, RUNNING)) if self._runnable(t, now)]

    async def _schedule(self, tg: anyio.abc.TaskGroup) -> bool:
        if self.stopping:
            return False
        runnable = self._runnable_ids()
        if not runnable:
            return False
        if time.monotonic() < self._no_model_until:
            return False
        try:
            ref = await self.app.model_for("executor")
        except SmallClawError as exc:
            # queued tasks wait for a model; look again later rather than on every poll
            self._no_model_until = time.monotonic() + 10.0
            for task_id in runnable:
                self._pause_quietly(task_id, f"no model is available: {exc}")
            return False
        capacity = max(1, self.cfg.max_concurrent_per_backend)
        started = False
        for task_id in runnable:
            if len(self.active) >= capacity:
                break
            if self._acquire(task_id):
                scope = anyio.CancelScope()
                self.active[task_id] = scope
                tg.start_soon(self._run_task, task_id, scope, ref)
                started = True
        return started

    def _acquire(self, task_id: str) -> bool:
        """Take the lease; queued becomes running. False when another runner has it."""
        now = time.time()
        previous: dict[str, Any] = {}

        def change(t: Task) -> None:
            if not self._runnable(t, now):
                raise _Skip()
            previous["status"] = t.status
            t.lease = Lease(self.owner, now + self.cfg.lease_seconds)
            if t.status == QUEUED:
                t.set_status(RUNNING)

        try:
            task = self.app.store.update(task_id, change)
        except (_Skip, TaskNotFound):
            return False
        self.app.tasks.announce(task, previous["status"])
        if previous["status"] == RUNNING:
            self.app.tasks.journal(task_id, "status", {"status": RUNNING, "message": "picked up again after a stop",
                                                       "owner": self.owner})
        else:
            self.app.tasks.journal(task_id, "status", {"status": RUNNING, "message": "started", "owner": self.owner})
        return True

    async def _keep_lease(self, task_id: str, scope: anyio.CancelScope) -> None:
        while True:
            await anyio.sleep(max(0.5, self.cfg.lease_seconds / 3))

            def renew(t: Task) -> None:
                if t.status != RUNNING or (t.lease and t.lease.owner != self.owner):
                    raise _Skip()
                t.lease = Lease(self.owner, time.time() + self.cfg.lease_seconds)

            try:
                task = self.app.store.update(task_id, renew)
                self.app.tasks.announced[task_id] = task.updated_at
            except (_Skip, TaskNotFound):
                scope.cancel()
                return

    async def _release_all(self) -> None:
        for task_id in list(self.active):
            self._release(task_id)

    def _release(self, task_id: str) -> None:
        def change(t: Task) -> None:
            if not t.lease or t.lease.owner != self.owner:
                raise _Skip()
            t.lease = None

        try:
            task = self.app.store.update(task_id, change)
            self.app.tasks.announced[task_id] = task.updated_at
        except (_Skip, TaskNotFound):
            pass

    # --- watching other processes ---------------------------------------------------

    async def _watch_forever(self) -> None:
        while True:
            await anyio.sleep(min(0.5, self.cfg.poll_interval))
            self.watch_once()

    def watch_once(self) -> None:
        """Notice changes made by other processes: announce them, act on cancels, wake up."""
        stamp = self.app.store.changes_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        tasks = {t.id: t for t in self.app.store.list()}
        announced = self.app.tasks.announced
        for task_id, t in tasks.items():
            if announced.get(task_id) != t.updated_at and self._known.get(task_id, (None,))[0] != t.updated_at:
                self.app.tasks.announce(t, self._known.get(task_id, (None, None))[1])
                self._announce_journal(task_id)
            self._known[task_id] = (t.updated_at, t.status)
            if task_id in self.active and t.status != RUNNING:
                scope = self.round_scopes.get(task_id)
                if scope is not None and t.status in (FAILED, "cancelled"):
                    scope.cancel()  # cancel stops at once, abandoning the model call
        for task_id in list(self._known):
            if task_id not in tasks:
                del self._known[task_id]
                self.app.bus.publish("task_deleted", task_id)
        self.wake()

    def _announce_journal(self, task_id: str) -> None:
        seen = self.app.tasks.announced_seq.get(task_id, 0)
        try:
            entries = self.app.store.journal(task_id, after=seen) if seen else \
                self.app.store.journal_tail(task_id, 20)
        except TaskNotFound:
            return
        from smallclaw_core.documents import unstructure

        for e in entries:
            self.app.bus.publish("journal", task_id, entry=unstructure(e))
            self.app.tasks.announced_seq[task_id] = max(e.seq, seen)

    # --- driving one task ------------------------------------------------------------

    async def _run_task(self, task_id: str, scope: anyio.CancelScope, ref: Any) -> None:
        try:
            with scope:
                async with anyio.create_task_group() as inner:
                    inner.start_soon(self._keep_lease, task_id, scope)
                    try:
                        await self._drive(task_id, ref)
                    except _Stop:
                        pass
                    except TaskNotFound:
                        pass  # deleted while running
                    except Exception as exc:  # a bug must pause the task, not kill the runner
                        self._pause_quietly(task_id, f"internal error: {type(exc).__name__}: {exc}")
                        log.exception("task %s: internal error", task_id)
                    inner.cancel_scope.cancel()
        finally:
            self.active.pop(task_id, None)
            self.round_scopes.pop(task_id, None)
            with anyio.CancelScope(shield=True):
                self._release(task_id)
                await self._deliver_task(task_id)
            self.wake()

    async def _drive(self, task_id: str, ref: Any) -> None:
        app = self.app
        task = app.store.get(task_id)
        self._check_unfinished_effects(task)
        if not task.steps:
            await self._plan(task_id, ref)
        self._ensure_conversation(app.store.get(task_id))
        while True:
            task = app.store.get(task_id)
            if task.status != RUNNING:
                return
            if task.lease is None or task.lease.owner != self.owner:
                return
            if task.pause_requested:
                self._set_status(task_id, PAUSED, "paused by the user")
                return
            if self.stopping:
                return
            if task.current_step >= len(task.steps):
                await self._finish(task_id)
                return
            if task.rounds >= self.cfg.max_rounds:
                self._set_status(task_id, NEEDS_ASSISTANCE,
                                 f"the task used its {self.cfg.max_rounds} rounds without finishing")
                return
            async with gate_for(app, ref.backend_name).background():
                await self._round(task, ref)

    def _check_unfinished_effects(self, task: Task) -> None:
        """A side-effecting call with a start record but no result: ask, do not re-run."""
        entries = self.app.store.journal(task.id, after=task.last_round_seq)
        started = {e.data.get("id"): e for e in entries if e.kind == "tool_call" and e.data.get("side_effects")}
        finished = {e.data.get("id") for e in entries if e.kind == "tool_result"}
        unfinished = [e for key, e in started.items() if key not in finished]
        if not unfinished:
            return
        e = unfinished[-1]
        for u in unfinished:
            self.app.tasks.journal(task.id, "tool_result", {
                "id": u.data.get("id"), "name": u.data.get("name"), "error": True,
                "result": "interrupted: SmallClaw stopped while this ran; the user was asked"}, step=u.step)
        call = f"{e.data.get('name')}({json.dumps(e.data.get('arguments', {}), ensure_ascii=False)})"
        self._set_status(task.id, NEEDS_ASSISTANCE,
                         f"SmallClaw stopped while {call} was running, so it may or may not have taken effect. "
                         "Check the workspace, then resume the task (with a note if something must change).")
        raise _Stop()

    # --- planning -------------------------------------------------------------------

    async def _plan(self, task_id: str, ref: Any) -> None:
        app = self.app
        attempts = max(1, self.cfg.plan_attempts)
        transport_tries = 0
        tries = 0
        while tries < attempts:
            task = app.store.get(task_id)
            try:
                async with gate_for(app, ref.backend_name).background():
                    steps = await make_plan(app, task)
            except TransportError as exc:
                transport_tries += 1
                await self._transport_wait(task_id, exc, transport_tries)
                continue
            except ModelError as exc:
                self._set_status(task_id, NEEDS_ASSISTANCE, f"the planner failed: {exc}")
                raise _Stop() from None
            tries += 1
            if steps:
                def change(t: Task) -> None:
                    from smallclaw_core.tasks import Step

                    t.steps = [Step(description=s) for s in steps]
                    t.current_step = 0

                app.tasks.update(task_id, change)
                app.tasks.journal(task_id, "plan_change", {"by": "planner", "steps": steps})
                return
            app.tasks.journal(task_id, "error", {"kind": "plan", "message": "the planner's answer was not a valid plan",
                                                 "attempt": tries})
        self._set_status(task_id, NEEDS_ASSISTANCE,
                         "the planner could not make a plan from the goal; give the steps "
                         f"(smallclaw task plan {task_id} --step ... or edit the plan on the board) and resume")
        raise _Stop()

    # --- the conversation -------------------------------------------------------------

    def _ensure_conversation(self, task: Task) -> None:
        key = task.session_key
        if self.app.sessions.exists(key):
            return
        self.app.sessions.append(key, Message("system", TASK_SYSTEM_PROMPT), head=True)
        self.app.sessions.append(key, Message("user", f"Task: {task.title}\nGoal: {task.goal}\n\n"
                                                      f"Plan:\n{step_list(task.steps)}"), head=True)

    def conversation(self, task: Task) -> list[Message]:
        """The task's messages: the fixed head, then finished rounds since the last compaction."""
        from smallclaw_core.documents import structure

        records = self.app.sessions.records(task.session_key)
        head = [r for r in records if r.get("head")]
        body = [r for r in records if not r.get("head") and (r.get("round") or 0) <= task.rounds]
        resets = [i for i, r in enumerate(body) if r.get("reset")]
        if resets:
            body = body[resets[-1]:]
        return [structure(r["message"], Message) for r in head + body]

    def _step_message(self, task: Task, fresh_step: bool) -> str:
        step = task.steps[task.current_step]
        lines = [f"Continue task: {task.title}",
                 f"Current step {task.current_step + 1}/{len(task.steps)}: {step.description}"]
        if fresh_step and task.last_result and task.current_step > 0:
            lines.append(f"Result of the previous step: {cut_middle(task.last_result, 600)}")
        if task.feedback:
            lines.append(f"The check of your last attempt said NO: {task.feedback} Fix that.")
        for note in task.pending_notes:
            lines.append(f"Note from the user: {note}")
        lines.append("Do this step now with the tools. When it is done, reply with a short report.")
        return "\n".join(lines)

    def _maybe_compact(self, task: Task, messages: list[Message], round_no: int) -> list[Message]:
        """At a step boundary, replace old rounds with a summary when the window is filling."""
        budget_chars = int(self.app.config.models.num_ctx * 3.0 * 0.6)
        if sum(len(m.content) + 200 * len(m.tool_calls) for m in messages) <= budget_chars:
            return messages
        done = [f"{i + 1}. {s.description}: {cut_middle(s.notes[-1], 300) if s.notes else 'done'}"
                for i, s in enumerate(task.steps[: task.current_step])]
        summary = Message("user", "Summary of the work so far (earlier messages were compacted):\n" + "\n".join(done))
        self.app.sessions.append(task.session_key, summary, round=round_no, reset=True)
        self.app.tasks.journal(task.id, "note", {"message": "conversation compacted at a step boundary",
                                                 "messages_before": len(messages)})
        head = messages[:2]
        return head + [summary]

    # --- one round -----------------------------------------------------------------------

    async def _round(self, task: Task, ref: Any) -> None:
        app, cfg = self.app, self.cfg
        task_id = task.id
        round_no = task.rounds + 1
        step_i = task.current_step
        fresh_step = task.feedback is None and not task.steps[step_i].notes
        messages = self.conversation(task)
        if fresh_step and step_i > 0:
            messages = self._maybe_compact(task, messages, round_no)
        step_text = self._step_message(task, fresh_step)
        messages.append(Message("user", step_text))
        app.sessions.append(task.session_key, messages[-1], round=round_no, sync=False)
        app.tasks.journal(task_id, "round", {"round": round_no, "step": step_i, "prompt": step_text},
                          step=step_i, round=round_no)
        loop_state: dict[str, Any] = json.loads(json.dumps(task.loop_state))
        evidence: list[JournalEntry] = []
        ids: dict[int, str] = {}
        counter = [0]

        def journal(kind: str, data: dict[str, Any]) -> JournalEntry:
            entry = app.tasks.journal(task_id, kind, data, step=step_i, round=round_no)
            evidence.append(entry)
            return entry

        def tool_started(call: ToolCall, tool: Any) -> None:
            counter[0] += 1
            ids[id(call)] = f"r{round_no}.{counter[0]}"
            journal("tool_call", {"id": ids[id(call)], "name": call.name, "arguments": call.arguments,
                                  "side_effects": bool(tool and tool.side_effects)})

        def tool_finished(call: ToolCall, output: str, failed: bool) -> None:
            journal("tool_result", {"id": ids.get(id(call)), "name": call.name,
                                    "result": cut_middle(output, 4000), "error": failed})

        def model_called(reply: ModelReply, seconds: float) -> None:
            u = reply.usage
            app.tasks.journal(task_id, "model_call", {
                "model": str(ref), "seconds": round(seconds, 3), "prompt_tokens": u.prompt_tokens,
                "prompt_evaluated": u.prompt_evaluated, "prompt_cached": u.prompt_cached,
                "completion_tokens": u.completion_tokens, "done_reason": reply.done_reason,
                "tool_calls": len(reply.tool_calls)}, step=step_i, round=round_no)

        def before_call(call: ToolCall) -> LoopVerdict:
            worst = LoopVerdict()
            rank = {"allow": 0, "warn": 1, "block": 2, "pause": 3}
            for d in self.detectors:
                v = d.before_call(call, loop_state.setdefault(d.name, {}))
                if rank.get(v.action, 0) > rank[worst.action]:
                    worst = v
            if worst.action in ("block", "pause"):
                app.tasks.journal(task_id, "error", {"kind": "loop", "action": worst.action, "message": worst.message,
                                                     "tool": call.name}, step=step_i, round=round_no)
            return worst

        def after_call(call: ToolCall, output: str) -> LoopVerdict | None:
            notes = [v for d in self.detectors
                     if (v := d.after_call(call, output, loop_state.setdefault(d.name, {}))) is not None]
            if notes:
                app.tasks.journal(task_id, "note", {"kind": "loop", "message": notes[0].message, "tool": call.name},
                                  step=step_i, round=round_no)
                return notes[0]
            return None

        def message_added(message: Message) -> None:
            # made durable once, before the round is recorded as finished (an unfinished
            # round's messages are dropped on recovery anyway)
            app.sessions.append(task.session_key, message, round=round_no, sync=False)

        observer = RoundObserver(tool_started=tool_started, tool_finished=tool_finished, model_called=model_called,
                                 before_call=before_call, after_call=after_call, message_added=message_added)
        ctx = ToolContext(workspace=app.workspace_for(task_id), task_id=task_id, session_key=task.session_key,
                          app=app, approvals=frozenset(task.approvals), origin=task.origin)
        models = app.config.models
        round_scope = anyio.CancelScope(shield=True)
        self.round_scopes[task_id] = round_scope
        result = None
        try:
            with round_scope:
                with anyio.fail_after(cfg.round_timeout):
                    result = await run_round(
                        ref, messages, {n: app.tools[n] for n in app.tools.names()}, ctx,
                        max_tool_calls=cfg.max_tool_calls, timeout=models.timeout,
                        options=ModelOptions(num_ctx=models.num_ctx, temperature=models.temperature),
                        output_limit=cfg.tool_output_limit, json_protocol=await wants_json_protocol(app, ref),
                        observer=observer)
        except TimeoutError:
            await self._transport_failure(task_id, TransportError(f"the round took longer than {cfg.round_timeout:g} s"))
            return
        except TransportError as exc:
            await self._transport_failure(task_id, exc)
            return
        except ModelError as exc:
            self._set_status(task_id, NEEDS_ASSISTANCE, f"the model failed: {exc}")
            raise _Stop() from None
        except NeedsApproval as exc:
            request = exc

            def ask(t: Task) -> None:
                t.awaiting_approval = request.key
                t.set_status(NEEDS_ASSISTANCE, f"approval needed: {request}")
                t.pending_deliveries.append(f"needs_assistance:{t.rounds}:{secrets.token_hex(2)}")
                t.lease = None

            self._update_status(task_id, ask, NEEDS_ASSISTANCE, {"approval_for": exc.key, "reason": str(exc)})
            raise _Stop() from None
        finally:
            self.round_scopes.pop(task_id, None)
        if round_scope.cancel_called or result is None:
            raise _Stop()  # cancelled by the user or stopped

        # --- end of the round: verification, progress, the next state ---
        new_fps = [f"{k}:{d}" for k, d in result.fingerprints]
        seen = set(loop_state.get("_seen", []))
        progress = any(fp not in seen for fp in new_fps)
        loop_state["_seen"] = (list(seen | set(new_fps)))[-200:]
        if result.stopped == "pause":
            self._finish_round(task_id, round_no, loop_state, None, result.answer)
            self._set_status(task_id, NEEDS_ASSISTANCE, f"stuck in a loop: {result.pause_reason}")
            raise _Stop()
        verdict = await self._verify(task_id, step_i, result.answer, evidence)
        if verdict is None:
            self._finish_round(task_id, round_no, loop_state, None, result.answer)
            return  # transport failure recorded; retried or paused
        entry = app.tasks.journal(task_id, "verification", {"passed": verdict.passed, "reason": verdict.reason,
                                                            "source": verdict.source, "step": step_i},
                                  step=step_i, round=round_no)
        self._finish_round(task_id, round_no, loop_state, verdict, result.answer, progress, entry.seq)

    async def _verify(self, task_id: str, step_i: int, answer: str, evidence: list[JournalEntry]) -> Verdict | None:
        tries = 0
        while True:
            task = self.app.store.get(task_id)
            ctx = StepContext(task=task, step_index=step_i, workspace=self.app.workspace_for(task_id),
                              answer=answer, evidence=evidence, app=self.app)
            try:
                return await run_verifiers(self.app, ctx)
            except TransportError as exc:
                tries += 1
                if tries >= max(1, self.cfg.transport_attempts):
                    self._set_status(task_id, NEEDS_ASSISTANCE,
                                     f"the verifier could not be reached after {tries} attempts: {exc}")
                    raise _Stop() from None
                delay = _backoff(tries, self.cfg.transport_backoff, self.cfg.transport_backoff_cap)
                self.app.tasks.journal(task_id, "error", {"kind": "transport", "where": "verifier",
                                                          "message": str(exc), "attempt": tries,
                                                          "retry_in": round(delay, 2)})
                await anyio.sleep(delay)
            except ModelError as exc:
                self._set_status(task_id, NEEDS_ASSISTANCE, f"the verifier failed: {exc}")
                raise _Stop() from None

    def _finish_round(self, task_id: str, round_no: int, loop_state: dict[str, Any], verdict: Verdict | None,
                      answer: str, progress: bool = True, seq: int | None = None) -> None:
        cfg = self.cfg
        outcome: dict[str, Any] = {}
        self.app.sessions.sync(f"task_{task_id}")

        def change(t: Task) -> None:
            t.rounds = round_no
            t.last_round_seq = seq if seq is not None else t.last_round_seq
            t.loop_state = loop_state
            t.pending_notes = []
            if verdict is None:
                return
            t.transport_failures = 0
            step = t.steps[t.current_step]
            if verdict.passed:
                step.state = "done"
                step.notes.append(cut_middle(answer or verdict.reason, 500))
                outcome["done"] = t.current_step
                t.current_step += 1
                t.feedback = None
                t.failed_checks = 0
                t.no_progress_rounds = 0
                t.last_result = answer
                for d in self.detectors:
                    state = t.loop_state.get(d.name)
                    if isinstance(state, dict):
                        state.pop("recent", None)
                        state.pop("blocks", None)
                if t.current_step < len(t.steps):
                    t.steps[t.current_step].state = "running"
                return
            step.state = "running"
            step.notes.append(f"check said NO: {verdict.reason}")
            t.feedback = verdict.reason
            t.failed_checks += 1
            t.no_progress_rounds = 0 if progress else t.no_progress_rounds + 1
            if t.failed_checks >= cfg.verify_retries:
                outcome["pause"] = (f"step {t.current_step + 1} was checked {t.failed_checks} times and is not done: "
                                    f"{verdict.reason}")
            elif t.no_progress_rounds >= cfg.no_progress_rounds:
                outcome["pause"] = f"no progress in {t.no_progress_rounds} rounds: {verdict.reason}"
            if "pause" in outcome:
                t.set_status(NEEDS_ASSISTANCE, outcome["pause"])
                t.pending_deliveries.append(f"needs_assistance:{round_no}:{secrets.token_hex(2)}")
                t.lease = None

        task = self.app.tasks.update(task_id, change)
        if "done" in outcome:
            self.app.tasks.journal(task_id, "step_done", {"step": outcome["done"],
                                                          "description": task.steps[outcome["done"]].description},
                                   step=outcome["done"], round=round_no)
        if "pause" in outcome:
            self.app.tasks.journal(task_id, "pause", {"status": NEEDS_ASSISTANCE, "reason": outcome["pause"]},
                                   round=round_no)
            raise _Stop()

    # --- failures and status ------------------------------------------------------------

    async def _transport_failure(self, task_id: str, exc: TransportError) -> None:
        task = self.app.tasks.update(task_id, lambda t: setattr(t, "transport_failures", t.transport_failures + 1))
        await self._transport_wait(task_id, exc, task.transport_failures)

    async def _transport_wait(self, task_id: str, exc: Exception, attempt: int) -> None:
        attempts = max(1, self.cfg.transport_attempts)
        if attempt >= attempts:
            self._set_status(task_id, NEEDS_ASSISTANCE,
                             f"the model server could not be reached after {attempt} attempts: {exc}")
            raise _Stop()
        delay = _backoff(attempt, self.cfg.transport_backoff, self.cfg.transport_backoff_cap)
        self.app.tasks.journal(task_id, "error", {"kind": "transport", "message": str(exc), "attempt": attempt,
                                                  "retry_in": round(delay, 2)})
        await anyio.sleep(delay)

    def _update_status(self, task_id: str, change: Any, status: str, data: dict[str, Any]) -> None:
        self.app.tasks.update(task_id, change)
        kind = "pause" if status in (PAUSED, NEEDS_ASSISTANCE) else "status"
        self.app.tasks.journal(task_id, kind, {"status": status, **data})

    def _set_status(self, task_id: str, status: str, reason: str) -> None:
        def change(t: Task) -> None:
            if t.status != RUNNING:
                raise _Skip()
            t.set_status(status, reason)
            t.pause_requested = False
            t.lease = None
            if status in (NEEDS_ASSISTANCE, FAILED):
                t.pending_deliveries.append(f"{status}:{t.rounds}:{secrets.token_hex(2)}")

        try:
            self._update_status(task_id, change, status, {"reason": reason})
        except _Skip:
            pass

    def _pause_quietly(self, task_id: str, reason: str) -> None:
        try:
            self._set_status(task_id, NEEDS_ASSISTANCE, reason)
        except (TaskNotFound, IllegalTransition):
            pass

    # --- completion and delivery ------------------------------------------------------

    async def _finish(self, task_id: str) -> None:
        app = self.app
        task = app.store.get(task_id)
        tail = app.store.journal_tail(task_id, 60)
        summary = None
        for attempt in range(1, max(1, self.cfg.transport_attempts) + 1):
            try:
                ref = await app.model_for("summarizer")
                async with gate_for(app, ref.backend_name).background():
                    summary = await write_summary(app, task, tail)
                break
            except (TransportError, ModelError) as exc:
                app.tasks.journal(task_id, "error", {"kind": "summary", "message": str(exc), "attempt": attempt})
                if isinstance(exc, ModelError) or attempt >= self.cfg.transport_attempts:
                    break
                await anyio.sleep(_backoff(attempt, self.cfg.transport_backoff, self.cfg.transport_backoff_cap))
        if summary is None:
            summary = fallback_summary(task) + "\n(The summarizer was unavailable; this summary lists the steps.)"
        app.tasks.journal(task_id, "summary", {"text": summary})

        def done(t: Task) -> None:
            if t.status != RUNNING:
                raise _Skip()
            t.summary = summary
            t.set_status(COMPLETE)
            t.pending_deliveries.append(f"complete:{t.rounds}")

        try:
            self._update_status(task_id, done, COMPLETE, {"message": "complete"})
        except _Skip:
            return

    def _due_now(self) -> bool:
        now = time.time()
        for t in self.app.store.list():
            if t.pending_deliveries and not any(
                    due > now for (tid, _, _), due in self._delivery_due.items() if tid == t.id):
                return True
        return False

    def _start_deliveries(self, tg: anyio.abc.TaskGroup) -> None:
        """Deliveries run beside the scheduler, so a slow notifier never holds up tasks."""
        now = time.time()
        for t in self.app.store.list():
            if not t.pending_deliveries or t.id in self.active or t.id in self._delivering:
                continue
            if any(due > now for (tid, _, _), due in self._delivery_due.items() if tid == t.id):
                continue
            self._delivering.add(t.id)
            tg.start_soon(self._deliver_task, t.id, True)

    async def _deliver_task(self, task_id: str, claimed: bool = False) -> None:
        """Deliver each pending notification to the origin session and every notifier, once."""
        if not claimed:
            if task_id in self._delivering:
                return
            self._delivering.add(task_id)
        try:
            await self._deliver_pending(task_id)
        finally:
            self._delivering.discard(task_id)
            self.wake()

    async def _deliver_pending(self, task_id: str) -> None:
        app = self.app
        try:
            task = app.store.get(task_id)
        except TaskNotFound:
            return
        if not task.pending_deliveries:
            return
        journal = [e for e in app.store.journal(task_id) if e.kind == "delivery"]
        for key in list(task.pending_deliveries):
            done = {e.data.get("target") for e in journal if e.data.get("key") == key and e.data.get("phase") == "done"}
            targets = []
            if task.origin.session:
                targets.append("session")
            targets += [f"notifier:{n}" for n in app.notifiers.names()]
            complete = True
            for target in targets:
                if target in done:
                    continue
                due = self._delivery_due.get((task_id, key, target), 0)
                if due > time.time():
                    complete = False
                    continue
                if not await self._deliver_one(task, key, target):
                    complete = False
            if complete:
                def drop(t: Task, key: str = key) -> None:
                    if key not in t.pending_deliveries:
                        raise _Skip()
                    t.pending_deliveries.remove(key)

                try:
                    task = app.store.update(task_id, drop)
                    app.tasks.announced[task_id] = task.updated_at
                except (_Skip, TaskNotFound):
                    pass

    def _notification(self, task: Task, key: str) -> Notification:
        kind = key.split(":", 1)[0]
        if kind == "complete":
            text = f"Task complete: {task.title}\n\n{task.summary or ''}".strip()
        elif kind == "needs_assistance":
            text = (f"Task needs you: {task.title}\n{task.pause_reason or ''}\n\n"
                    f"Resume it with a note: smallclaw task resume {task.id} --note \"...\"")
            if task.awaiting_approval:
                text += " (approve the command with --approve, refuse with --refuse)"
        else:
            text = f"Task failed: {task.title}\n{task.error or task.pause_reason or ''}"
        return Notification(kind=kind, task_id=task.id, title=task.title, text=text, origin=task.origin,
                            key=f"{task.id}:{key}")

    async def _deliver_one(self, task: Task, key: str, target: str) -> bool:
        app = self.app
        note = self._notification(task, key)
        if target == "session":
            session = task.origin.session
            if not app.sessions.has_delivery(session, note.key):
                app.sessions.append(session, Message("assistant", note.text), delivery=note.key, task_id=task.id)
                app.bus.publish("session_message", task.id, session=session,
                                message={"role": "assistant", "content": note.text, "task_id": task.id,
                                         "kind": note.kind})
            app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "done"})
            return True
        notifier = app.notifiers.get(target.split(":", 1)[1])
        if notifier is None:
            return True
        app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "start"})
        try:
            await notifier.notify(note)
        except Exception as exc:  # TransportError or a notifier bug: retry later, never block
            attempts = self._delivery_attempts.get((task.id, key, target), 0) + 1
            self._delivery_attempts[(task.id, key, target)] = attempts
            delay = _backoff(attempts, self.cfg.transport_backoff, max(self.cfg.transport_backoff_cap, 60))
            self._delivery_due[(task.id, key, target)] = time.time() + delay
            app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "failed",
                                                    "message": str(exc), "retry_in": round(delay, 2)})
            return False
        self._delivery_due.pop((task.id, key, target), None)
        app.tasks.journal(task.id, "delivery", {"key": key, "target": target, "phase": "done"})
        return True

