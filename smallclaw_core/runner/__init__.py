"""The builtin runner plugin: runs queued tasks in rounds, verifies steps, delivers results.

It registers the ``runner`` service (started by ``smallclaw serve``), the builtin
model verifier and the builtin loop detector, through the same hooks any plugin uses.
"""

from __future__ import annotations

from typing import Any

from smallclaw_core.hookspecs import hookimpl


def __getattr__(name: str) -> Any:
    # ``from smallclaw_core.runner import Runner`` without importing it at plugin load
    if name == "Runner":
        from .service import Runner

        return Runner
    raise AttributeError(name)


async def run_service(app: Any) -> None:
    from .service import Runner

    runner = Runner(app)
    app.__dict__["runner"] = runner
    await runner.run()


@hookimpl
def register_services(register):
    register("runner", run_service)


@hookimpl
def register_verifiers(register):
    from .roles import ModelVerifier

    register(ModelVerifier())


@hookimpl
def register_loop_detectors(register):
    from .loops import RepeatDetector

    register(RepeatDetector())


async def run_until_signalled(runner: Any) -> None:
    """Run until SIGINT or SIGTERM, then stop at a safe point (rounds finish, leases are released)."""
    import signal

    import anyio

    async with anyio.create_task_group() as tg:
        async def watch_signals() -> None:
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for _ in signals:
                    await runner.shutdown(grace=10.0)
                    tg.cancel_scope.cancel()
                    return

        tg.start_soon(watch_signals)
        await runner.run()


def _run_arguments(parser: Any) -> None:
    parser.add_argument("--until-idle", action="store_true",
                        help="stop when no task is left to run (default: run until interrupted)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="with --until-idle: give up after SECONDS")


async def _run_command(args: Any, app: Any) -> int:
    import anyio

    from smallclaw_core.logs import configure_logging

    from .service import Runner

    configure_logging(app.home, getattr(args, "log_level", None))
    runner = Runner(app)
    try:
        if args.until_idle:
            await runner.run_until_idle(args.timeout)
        else:
            await run_until_signalled(runner)
    except TimeoutError:
        print(f"smallclaw: tasks were still running after {args.timeout:g} s")
        return 1
    except anyio.get_cancelled_exc_class():
        raise
    finally:
        await app.aclose()
    return 0


@hookimpl
def register_commands(register):
    register("run", _run_command, help="run queued tasks in this terminal, without the server",
             arguments=_run_arguments)
