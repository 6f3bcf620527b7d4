"""``smallclaw serve``: one process running every registered service together.

The gateway's ``http`` service (uvicorn with the Litestar app), the ``runner`` and
any plugin's services (a Telegram poller) share one anyio task group and one event
bus, so the board sees what the runner does as it happens. SIGINT or SIGTERM stops
them cleanly (``smallclaw_core.services``): the runner finishes its current round (a
safe point; the task resumes at the next start), the server closes its streams, then
the group is cancelled. The roles can run apart, on one machine or on several sharing
one store: ``--no-runner`` serves the gateway and the board, which still see what other
processes (``smallclaw run``, the CLI, runners on other machines) change;
``--no-gateway`` runs the runner alone, as ``smallclaw run`` does.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

log = logging.getLogger("smallclaw.serve")


def serve(args: argparse.Namespace) -> int:
    """Run ``smallclaw serve`` with the parsed command-line ``args``; returns the exit code."""
    import anyio

    from .app import App
    from .errors import SmallClawError

    overrides: dict[str, Any] = {}
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides["port"] = args.port
    app = App.load(args.home, overrides={"gateway": overrides} if overrides else None)
    from .logs import configure_logging

    log_file = configure_logging(app.home, getattr(args, "log_level", None))
    # the start-up lines are the command's output; everything after goes through the log
    print(f"data directory: {app.home}", flush=True)
    print(f"log: {log_file}", flush=True)
    skip = {"runner"} if getattr(args, "no_runner", False) else set()
    if getattr(args, "no_gateway", False):
        skip.add("http")
    if {"runner", "http"} <= skip:
        log.error("--no-runner and --no-gateway leave nothing to serve")
        return 2
    print(f"tasks: {app.store.describe()}", flush=True)
    try:
        return anyio.run(_serve, app, skip)
    except KeyboardInterrupt:
        return 130
    except SmallClawError as exc:
        log.error("%s", exc)
        return 1


async def _serve(app: Any, skip: set[str]) -> int:
    import anyio

    from .errors import SmallClawError
    from .gateway.security import ensure_token, is_loopback
    from .services import run_services

    host = app.config.gateway.host
    token = ensure_token(app.home) if "http" not in skip else None
    if "http" not in skip and not is_loopback(host):
        if not token:
            log.error("refusing to listen on %s without a token", host)
            return 1
        log.warning("listening on %s, reachable from other machines; every API call needs the token in %s. "
                    "Add the names clients use to [gateway] allowed_hosts.", host, app.home / "token")

    services = [app.services[name] for name in app.services.names() if name not in skip]
    if "http" in skip:
        log.info("gateway: off (--no-gateway): tasks are run, the board is served elsewhere")
    elif "http" not in app.services.names():
        log.error("the gateway plugin is not loaded, so there is no board to serve "
                  "(check [plugins] disabled and SMALLCLAW_PLUGINS)")
        return 1
    if "runner" in skip:
        log.info("runner: off (--no-runner): tasks are shown but not run")
    elif "runner" not in app.services.names():
        log.warning("runner: not installed: tasks are shown but not run")

    try:
        ref = await app.model_for("executor")
        for message in app.messages:
            log.info("%s", message)
        log.info("model: %s", ref)
    except SmallClawError as exc:
        log.warning("model: none available: %s", exc)
        log.warning("the board is served anyway; tasks wait until a model is available")

    try:
        code = await run_services(app, services)
    finally:
        with anyio.CancelScope(shield=True):
            await app.aclose()
    log.info("stopped")
    return code
