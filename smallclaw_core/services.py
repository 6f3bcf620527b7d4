"""Running services together until a signal: ``smallclaw serve`` and ``smallclaw run`` share this.

A service is registered by a plugin with ``register(name, run, stop=...)``: ``run(app)``
runs until cancelled; the optional ``stop(app)`` is awaited on the first SIGINT or
SIGTERM and returns once the service reached a safe point (the runner lets its
rounds finish). A second signal stops everything at once. The change watcher runs
beside the services, so every process that serves sees what others change.
"""

from __future__ import annotations

import logging
import signal
from typing import Any, Awaitable, Callable

import anyio
import attrs

from .errors import SmallClawError

log = logging.getLogger("smallclaw.services")


@attrs.define
class Service:
    name: str
    run: Callable[[Any], Awaitable[None]]
    #: awaited on the first signal; returns at a safe point
    stop: Callable[[Any], Awaitable[None]] | None = None


def service_entry(name: str, run: Any, stop: Any = None) -> tuple[str, Service]:
    """How ``register_services``' ``register(name, run, stop=None)`` is recorded."""
    return name, Service(name, run, stop)


async def run_services(app: Any, services: list[Service], *, say: Callable[[str], None] = log.info) -> int:
    """Run ``services`` and the change watcher until a signal or until they all return; an exit code."""
    code = 0
    try:
        # the receiver outlives the task group, so a signal during the clean-up is caught too
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async with anyio.create_task_group() as tg:
                tg.start_soon(_stop_on_signal, app, services, signals, tg, say)
                tg.start_soon(app.watcher.run)
                async with anyio.create_task_group() as work:
                    for s in services:
                        work.start_soon(s.run, app, name="smallclaw service " + s.name)
                tg.cancel_scope.cancel()  # every service returned: nothing is left to watch for
    except BaseExceptionGroup as group:
        # a service failed for a reason the user can fix (the port is taken): say it plainly
        ours, rest = group.split(SmallClawError)
        if rest is not None:
            raise
        for exc in _leaves(ours):
            log.error("%s", exc)
        code = 1
    return code


def _leaves(group: BaseException | None) -> list[BaseException]:
    """The errors inside nested task groups' exception groups (a service's group is inside ours)."""
    if group is None:
        return []
    if isinstance(group, BaseExceptionGroup):
        return [leaf for inner in group.exceptions for leaf in _leaves(inner)]
    return [group]


async def _stop_on_signal(app: Any, services: list[Service], signals: Any, tg: Any,
                          say: Callable[[str], None]) -> None:
    """First signal: stop at a safe point. A second one: stop now."""
    stopping = False
    async for signum in signals:
        if stopping:
            say("stopping now")
            tg.cancel_scope.cancel()
            return
        stopping = True
        say(f"{signal.Signals(signum).name}: stopping (running rounds finish first; "
            "press Ctrl+C again to stop now)…")
        tg.start_soon(_graceful_stop, app, services, tg.cancel_scope)


async def _graceful_stop(app: Any, services: list[Service], scope: Any) -> None:
    async with anyio.create_task_group() as tg:
        for s in services:
            if s.stop is not None:
                tg.start_soon(s.stop, app)
    scope.cancel()
