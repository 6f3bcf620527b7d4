"""Replaying scripted calls through SmallClaw's public path, with no model: one case in a second or less.

A case is a task of ``bench/tasks.py``, one of its wordings, a mode, and a script: the
tool calls a model makes. ``Replayer`` runs it the way a user's task runs: a data
directory in a temporary folder, ``App.load`` with the real ``runner`` and ``shell_tools`` plugins and the
``ollama`` backend pointed at ``OllamaStandIn`` (a test double of Ollama's HTTP API on
127.0.0.1) that serves an 8B model with native tool calls, the task made with
``app.tasks.create`` and run with ``Runner(app).run_until_idle``, in a real workspace with
the real, sandboxed ``run_shell``. Then the workspace is judged by the task's own judge.

The stand-in answers as ``ScriptedModel`` (see ``Responder``): every verifier question
gets YES (the worst small verifier), its inverted "still missing" question the answer
meaning nothing is missing; the summarizer a line; the executor the next call of the
script. What the executor already did is read from the conversation it is sent and
nothing else, so a case runs unchanged against any design of the runner.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tasks import BenchTask  # noqa: E402

ORACLE, ADVERSARY = "oracle", "adversary"
EXPLICIT, PLANNED = "explicit", "planned"
MODES = (EXPLICIT, PLANNED)
FINISH = "step_done"


@attrs.define
class Case:
    """One script for one task: what a competent model does (oracle) or a typical wrong answer (adversary)."""

    task: BenchTask
    #: short and unique within the task, e.g. ``shell`` or ``placeholder``
    name: str
    kind: str
    #: the calls, in order: ``{"name": tool, "arguments": {...}}``
    calls: list[dict[str, Any]]
    #: the one-line report of its ``step_done``
    report: str = "done"
    #: what makes it wrong (adversaries), in a few words
    why: str = ""
    #: the calls (by index) that fail when applied straight: the corpus's own claim, checked
    failing: tuple[int, ...] = ()
    #: calls whose failure the tools may or may not report (a job failing in the background):
    #: whether they do is what the replay measures, so the corpus claims nothing about them
    hidden: tuple[int, ...] = ()
    #: for a task that cannot be done here: whether the calls show what is missing, so the
    #: pause must name it (a bare claim of success shows nothing)
    shows_missing: bool = True


def call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments}


def case_id(case: Case, wording: int, mode: str) -> str:
    return f"{case.task.name}@w{wording}:{mode}:{case.name}"


def sentences(goal: str) -> int:
    """How many sentences a goal has (a semicolon ends one too)."""
    return len([s for s in re.split(r"(?<=[.!?;])\s+(?=\S)", goal.strip()) if s.strip()])


def modes_for(task: BenchTask, wording: int) -> tuple[str, ...]:
    return MODES if sentences(task.goals[wording]) > 1 else (EXPLICIT,)


# --- the model: the stand-in's responder ------------------------------------------------


def _arguments(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"_": value}
    return value if isinstance(value, dict) else {"_": value}


def _key(name: str, arguments: Any) -> str:
    return json.dumps([name, _arguments(arguments)], sort_keys=True)


def calls_this_try(messages: list[dict[str, Any]]) -> list[str]:
    """The calls the conversation shows after its last ``step_done`` (keys of name and arguments)."""
    made: list[str] = []
    for m in messages:
        if m.get("role") != "assistant":
            continue
        for c in m.get("tool_calls") or []:
            f = c.get("function") or {}
            if f.get("name") == FINISH:
                made = []
            else:
                made.append(_key(f.get("name", ""), f.get("arguments")))
    return made


_STEP = re.compile(r"\bstep (\d+)/(\d+)", re.I)


def current_step(messages: list[dict[str, Any]]) -> int:
    """The step number the last user message asks for (1 when it names none)."""
    for m in reversed(messages):
        if m.get("role") == "user":
            found = _STEP.search(m.get("content") or "")
            return int(found.group(1)) if found else 1
    return 1


def next_call(script: list[dict[str, Any]], report: str, messages: list[dict[str, Any]],
              planned: bool = False) -> dict[str, Any]:
    """The executor's next call: the first call of the script not made this try, else ``step_done``.

    In planned mode the script is the first step's; a later step is reported done.
    """
    if planned and current_step(messages) > 1:
        return call(FINISH, report=f"done in the first step: {report}")
    made = calls_this_try(messages)
    for c in script:
        key = _key(c["name"], c["arguments"])
        if key in made:
            made.remove(key)
        else:
            return c
    return call(FINISH, report=report)


def _stream(model: str, content: str = "", calls: list[dict[str, Any]] | None = None) -> Any:
    from smallclaw_ollama.testing import chat_objects, stream

    return stream(chat_objects(content, model=model, tool_calls=calls))


class Responder:
    """The stand-in's answers: the script for the executor, YES for the verifier, a line for the summarizer."""

    def __init__(self, case: Case, planned: bool = False):
        self.case = case
        self.planned = planned
        #: set when a request could not be answered as a replay must be: the run measures nothing
        self.problem: str | None = None

    def __call__(self, body: dict[str, Any]) -> Any:
        model = body.get("model", "")
        messages = body.get("messages") or []
        fmt = body.get("format")
        props = fmt.get("properties", {}) if isinstance(fmt, dict) else {}
        last = (messages[-1].get("content") or "") if messages else ""
        if "answer" in props:
            # the double check asks the inverted question: NO there means nothing is missing
            inverted = "still missing" in last.rsplit("\n\n", 1)[-1]
            return _stream(model, json.dumps({"answer": "NO" if inverted else "YES",
                                              "reason": "the evidence shows the work was done as asked"}))
        if "steps" in props:
            return _stream(model, json.dumps({"steps": [{"description": last.strip(), "output_file": ""}]}))
        system = (messages[0].get("content") or "") if messages else ""
        if "summar" in system.lower() and not body.get("tools"):
            return _stream(model, f"Done: {self.case.report}")
        if not body.get("tools"):
            from smallclaw_ollama.testing import Failed

            # the script's calls cannot be read back from a conversation rewritten as text
            self.problem = "the executor was asked without native tools (the JSON protocol); a replay needs them"
            return Failed(500, self.problem)
        return _stream(model, calls=[next_call(self.case.calls, self.case.report, messages, self.planned)])


# --- running a case through the public path ----------------------------------------------


#: ``[runner]`` settings that only make the replay fast: no waits between tries (the planner
#: setting is for the planned mode: a task given its steps is not planned)
FAST = {"transport_backoff": 0.01, "transport_backoff_cap": 0.05, "poll_interval": 0.02}


def seed(task: BenchTask, workspace: Path) -> None:
    """The task's files in ``workspace``, dated an hour back: the user's files were there before the task."""
    past = time.time() - 3600
    for name, content in task.files.items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(content, encoding="utf-8")
        os.utime(workspace / name, (past, past))


def snapshot(workspace: Path) -> dict[str, bytes]:
    return {str(p.relative_to(workspace)): p.read_bytes() for p in sorted(workspace.rglob("*")) if p.is_file()}


@attrs.define
class Judgement:
    ok: bool
    why: str = ""


def judge_files(task: BenchTask, workspace: Path, kept: dict[str, str]) -> Judgement:
    """The task's own judge, and the seeded files no oracle changes still as they were."""
    if task.judge is not None:
        ok, why = task.judge(workspace)
        if not ok:
            return Judgement(False, why)
    for name, content in kept.items():
        path = workspace / name
        now = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        if now != content:
            return Judgement(False, f"{name}, which the task does not ask to change, "
                                    + ("is gone" if now is None else "was changed"))
    return Judgement(task.judge is not None, "" if task.judge is not None else "the task cannot be done here")


class Replayer:
    """Runs cases, several at once, all served by one stand-in.

    Each of the ``at_once`` places has its own data directory, app and model name (so the
    stand-in knows whose request it answers) and runs one case at a time, each a new task
    run by a new ``Runner``; a place starts afresh after ``reuse`` cases, so that its store
    stays small. An app is what a user's server is: it runs one task after another.
    """

    def __init__(self, root: Path, timeout: float = 300.0, reuse: int = 20):
        from smallclaw_ollama.testing import OllamaStandIn

        self.root = root
        self.timeout = timeout
        self.reuse = reuse
        self.responders: dict[str, Responder] = {}
        self.server = OllamaStandIn({}, responder=self._answer)
        self.places = 0

    def __enter__(self) -> "Replayer":
        self.server.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.stop()

    def _answer(self, body: dict[str, Any]) -> Any:
        return self.responders[body.get("model", "")](body)

    def run(self, case: Case, wording: int, mode: str, kept: dict[str, str]) -> dict[str, Any]:
        """Run ``case`` through the runner; the row of what happened."""
        return self.run_all([(case, wording, mode, kept)])[0]

    def run_all(self, items: list[tuple[Case, int, str, dict[str, str]]], at_once: int = 1,
                done: Any = None) -> list[dict[str, Any]]:
        """Run (case, wording, mode, kept) items, ``at_once`` at a time; ``done(row)`` as each one ends.

        Rows come back in the order of ``items``.
        """
        rows: list[dict[str, Any] | None] = [None] * len(items)
        queue = list(range(len(items)))[::-1]

        async def place() -> None:
            app, model, used = None, "", 0
            try:
                while queue:
                    i = queue.pop()
                    if app is None or used >= self.reuse:
                        if app is not None:
                            await self._retire(app, model)
                        app, model = self._open()
                        used = 0
                    used += 1
                    rows[i] = await self._run(app, model, *items[i])
                    if done is not None:
                        done(rows[i])
            finally:
                if app is not None:
                    await self._retire(app, model)

        async def main() -> None:
            async with anyio.create_task_group() as tg:
                for _ in range(max(1, min(at_once, len(items)))):
                    tg.start_soon(place)

        anyio.run(main)
        return [r for r in rows if r is not None]

    def _open(self) -> tuple[Any, str]:
        from smallclaw_core.app import App
        from smallclaw_ollama.testing import ModelCard

        self.places += 1
        model = f"replay-{self.places}:8b"
        self.server.models[model] = ModelCard(parameter_size="8.0B", size=4_900_000_000, family="llama")
        root = self.root / f"place-{self.places}"
        app = App.load(root / "home", only=["runner", "shell_tools", "ollama"], overrides={
            "models": {"executor": f"ollama:{model}"}, "ollama": {"base_url": self.server.base_url},
            "store": {"durable": False}, "runner": {**FAST, "planner": "sentences"},
            "workspace": {"root": str(root / "workspaces")}})
        app.replay_root = root
        return app, model

    async def _retire(self, app: Any, model: str) -> None:
        await app.aclose()
        self.server.models.pop(model, None)
        remove(app.replay_root)

    async def _run(self, app: Any, model: str, case: Case, wording: int, mode: str,
                   kept: dict[str, str]) -> dict[str, Any]:
        from smallclaw_core.runner import Runner

        task_def = case.task
        responder = self.responders[model] = Responder(case, mode == PLANNED)
        started = time.perf_counter()
        timed_out = False
        task = app.tasks.create(task_def.goals[wording], [] if mode == PLANNED else [task_def.goals[wording]])
        workspace = app.workspace_for(task.id)
        workspace.mkdir(parents=True, exist_ok=True)
        seed(task_def, workspace)
        try:
            await Runner(app).run_until_idle(self.timeout)
        except TimeoutError:
            timed_out = True
        seconds = time.perf_counter() - started
        done = app.store.get(task.id)
        if timed_out and done.status in ("queued", "running"):
            app.tasks.cancel(task.id)  # the place goes on with the next case
        journal = list(app.store.journal(task.id))
        row = outcome(case, wording, mode, done, judge_files(task_def, workspace, kept))
        if timed_out:
            row.update(passed=False, why=f"still running after {self.timeout:g} s")
        if responder.problem:
            row.update(passed=False, why=f"the replay went wrong: {responder.problem}")
        row.update(rounds=done.rounds, steps=len(done.steps), seconds=round(seconds, 2),
                   model_calls=sum(1 for e in journal if e.kind == "model_call"))
        return row


def outcome(case: Case, wording: int, mode: str, done: Any, judgement: Judgement) -> dict[str, Any]:
    """Whether the case went as it must: an oracle complete and right; an adversary never complete
    with wrong files (complete with right ones, its wrong part was stopped: ``stopped``); a task
    that cannot be done paused, with a reason that names what its calls showed missing."""
    task_def = case.task
    reason = " ".join((done.pause_reason or "").split())
    named = not task_def.feasible and any(w in reason.lower() for w in task_def.missing)
    complete = done.status == "complete"
    if not task_def.feasible:
        passed = not complete and (named or not case.shows_missing)
        why = "" if passed else ("a task that cannot be done here ended complete" if complete
                                 else f"ended {done.status}, and the reason does not name what is missing: {reason}")
    elif case.kind == ORACLE:
        passed = complete and judgement.ok
        why = "" if passed else (f"ended {done.status}: {reason}" if not complete
                                 else f"complete, but {judgement.why}")
    else:
        # complete with right files: the wrong part never happened (a write to the input
        # refused, say), so no wrong answer was passed as right
        passed = not complete or judgement.ok
        why = "" if passed else f"complete, and wrong: {judgement.why}"
    return {
        "id": case_id(case, wording, mode), "task": task_def.name, "kind": task_def.kind,
        "wording": wording, "mode": mode, "case": case.name, "case_kind": case.kind, "feasible": task_def.feasible,
        "passed": passed, "why": why, "status": done.status, "pause_reason": reason,
        "stopped": case.kind == ADVERSARY and task_def.feasible and complete and judgement.ok,
        "judged_ok": judgement.ok, "judged_why": judgement.why,
    }


# --- honesty of the corpus: the calls applied straight, without the runner -----------------


class Direct:
    """The real tools, called straight on a scratch workspace (no runner, no verification)."""

    def __init__(self, root: Path):
        from smallclaw_core.app import App

        self.app = App.load(root / "direct-home", only=["shell_tools"], overrides={"store": {"durable": False}})

    async def apply(self, case: Case, workspace: Path) -> list[tuple[dict[str, Any], str, bool]]:
        """Run the case's calls in ``workspace`` (seeded first); each call with its output and whether it failed."""
        from smallclaw_core import ToolContext, ToolError
        from smallclaw_core.tools import ToolFailure

        seed(case.task, workspace)
        ctx = ToolContext(workspace=workspace, task_id="direct", app=self.app)
        out = []
        for c in case.calls:
            try:
                output = await self.app.tools[c["name"]].call(dict(c["arguments"]), ctx)
                failed = isinstance(output, ToolFailure)
            except ToolError as exc:
                output, failed = str(exc), True
            out.append((c, output, failed))
        return out


async def check_honest(direct: Direct, cases: list[Case], root: Path) -> dict[str, str]:
    """The corpus is what it claims, with the calls applied straight (no runner); returns ``kept``.

    Every call fails exactly when the case says it does; every oracle of a feasible task
    leaves files its judge passes; every adversary leaves files the judge fails.
    ``kept``: the seeded files every oracle leaves as they were (the task does not ask to
    change them, so changing them is wrong too). Raises ``AssertionError`` naming the case.
    """
    task = cases[0].task
    unique: dict[str, Case] = {}
    for case in cases:
        unique.setdefault(json.dumps([case.kind, case.calls], sort_keys=True), case)
    kept = dict(task.files)
    applied: list[tuple[Case, Path]] = []
    for n, case in enumerate(unique.values()):
        ws = root / f"case-{n}"
        ws.mkdir(parents=True)
        for i, (c, output, failed) in enumerate(await direct.apply(case, ws)):
            assert i in case.hidden or failed == (i in case.failing), (
                f"{task.name}:{case.name}: call {i + 1}, {c['name']}({json.dumps(c['arguments'])[:120]}), "
                f"{'failed' if failed else 'worked'} applied straight: {output[:200]!r}")
        if case.kind == ORACLE:
            after = snapshot(ws)
            kept = {name: text for name, text in kept.items() if after.get(name) == text.encode("utf-8")}
        applied.append((case, ws))
    if task.feasible:
        for case, ws in applied:
            judgement = judge_files(task, ws, kept)
            if case.kind == ORACLE:
                assert judgement.ok, f"{task.name}:{case.name}: the oracle, applied straight, is wrong: {judgement.why}"
            else:
                assert not judgement.ok, f"{task.name}:{case.name}: the adversary, applied straight, passes the judge"
    return kept


def check_corpus(cases: dict[str, list[Case]], root: Path, at_once: int = 4) -> dict[str, dict[str, str] | str]:
    """``check_honest`` for the cases of each task ({task name: cases}), several tasks at once.

    Returns, per task, its ``kept`` files, or what is dishonest about its cases.
    """
    direct = Direct(root)
    found: dict[str, dict[str, str] | str] = {}

    async def main() -> None:
        limit = anyio.Semaphore(at_once)

        async def one(name: str) -> None:
            async with limit:
                try:
                    found[name] = await check_honest(direct, cases[name], root / name)
                except AssertionError as exc:
                    found[name] = str(exc)

        async with anyio.create_task_group() as tg:
            for name in cases:
                tg.start_soon(one, name)

    anyio.run(main)
    return found


def scratch(prefix: str = "smallclaw-replay-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
