"""The builtin runner plugin: runs queued tasks in rounds, verifies steps, delivers results.

It registers, through the same hooks any plugin uses: its configuration sections
(``[runner]``, ``[loop]``), the ``runner`` service (started by ``smallclaw serve``),
the ``run`` command, the builtin verifiers (structure and evidence guards, the model
verifier) and the builtin loop detector.

Where things are::

    worker.py        the worker loop: scheduling, leases, recovery, deliveries, stopping
    driver.py        one task through its stages: recover, plan, round, verify, finish
    planner.py       the planner role, deliverables kept, checks proposed
    conversation.py  the executor's conversation: fixed head, step messages, compaction
    rounds.py        one round: the chat loop with the task's tools, journaled and policed
    verifying.py     the verifier chain; guards.py and content.py, the deterministic verifiers
    intents.py       a step's intent, read once when it starts, and the checks derived from it
    attempts.py      a step no content check covers, judged by independent attempts that must agree
    decide.py        verdict + progress -> advance, retry or pause (pure)
    finishing.py     the goal check and the summary
    roles.py         the verifier and summarizer model roles
    evidence.py      what the workspace shows: changed files, their heads, structure
    retry.py         the one retry policy; deliveries.py, what the user is owed
    loops.py         the repeat detector
"""

from __future__ import annotations

from typing import Any

from smallclaw_core.hookspecs import hookimpl


def __getattr__(name: str) -> Any:
    # ``from smallclaw_core.runner import Runner`` without importing it at plugin load
    if name == "Runner":
        from .worker import Runner

        return Runner
    raise AttributeError(name)


class RunnerService:
    """The ``runner`` service: one ``Runner`` per app; ``stop`` lets running rounds finish first."""

    def __init__(self) -> None:
        self.runners: dict[int, Any] = {}

    async def run(self, app: Any) -> None:
        from .worker import Runner

        runner = Runner(app)
        self.runners[id(app)] = runner
        try:
            await runner.run()
        finally:
            self.runners.pop(id(app), None)

    async def stop(self, app: Any) -> None:
        runner = self.runners.get(id(app))
        if runner is not None:
            await runner.shutdown()


@hookimpl
def register_config_sections(register):
    from .config import LoopConfig, RunnerConfig

    register("runner", RunnerConfig)
    register("loop", LoopConfig)


@hookimpl
def register_services(register):
    service = RunnerService()
    register("runner", service.run, stop=service.stop)


@hookimpl
def register_verifiers(register):
    from .content import GUARDS
    from .glued import GluedLines
    from .guards import ActionEvidence, Echo, FailedAction, NumberGrounding, StructureGuard, UnchangedEdit
    from .roles import ModelVerifier
    from .runs import ProgramRun

    register(StructureGuard())
    register(NumberGrounding())
    register(FailedAction())
    register(UnchangedEdit())
    register(Echo())
    register(ActionEvidence())
    for guard in GUARDS:
        register(guard)
    register(GluedLines())
    register(ProgramRun())
    register(ModelVerifier())


@hookimpl
def register_loop_detectors(register):
    from .loops import RepeatDetector

    register(RepeatDetector())


def _run_arguments(parser: Any) -> None:
    parser.add_argument("--until-idle", action="store_true",
                        help="stop when no task is left to run (default: run until interrupted)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="with --until-idle: give up after SECONDS")


async def _run_command(args: Any, app: Any) -> int:
    import anyio

    from smallclaw_core.logs import configure_logging
    from smallclaw_core.services import Service, run_services

    from .worker import Runner

    configure_logging(app.home, getattr(args, "log_level", None))
    try:
        if args.until_idle:
            runner = Runner(app)
            try:
                await runner.run_until_idle(args.timeout)
            except TimeoutError:
                print(f"smallclaw: tasks were still running after {args.timeout:g} s")
                return 1
            return 0
        service = RunnerService()
        return await run_services(app, [Service("runner", service.run, service.stop)])
    except anyio.get_cancelled_exc_class():
        raise
    finally:
        await app.aclose()


@hookimpl
def register_commands(register):
    register("run", _run_command, help="run queued tasks in this terminal, without the server",
             arguments=_run_arguments)
