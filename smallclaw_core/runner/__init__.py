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
