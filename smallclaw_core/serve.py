"""``smallclaw serve``: one process running every registered service together.

The gateway's ``http`` service (uvicorn with the Litestar app), the ``runner`` and
any plugin's services (a Telegram poller) share one anyio task group and one event
bus, so the board sees what the runner does as it happens. SIGINT or SIGTERM stops
them cleanly (``smallclaw_core.services``): the runner finishes its current round (a
safe point; the task resumes at the next start), the server closes its streams, then
the group is cancelled. With ``--no-runner`` the board still sees what other
processes (``smallclaw run``, the CLI) change.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


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
    skip = {"runner"} if getattr(args, "no_runner", False) else set()
    try:
        return anyio.run(_serve, app, skip)
    except KeyboardInterrupt:
        return 130
    except SmallClawError as exc:
        print(f"smallclaw: {exc}", file=sys.stderr)
        return 1


async def _serve(app: Any, skip: set[str]) -> int:
    import anyio

    from .errors import SmallClawError
    from .gateway.security import ensure_token, is_loopback
    from .services import run_services

    host = app.config.gateway.host
    token = ensure_token(app.home)
    if not is_loopback(host):
        if not token:
            print(f"smallclaw: refusing to listen on {host} without a token", file=sys.stderr)
            return 1
        print(f"note: listening on {host}, reachable from other machines; every API call needs the "
              f"token in {app.home / 'token'}. Add the names clients use to [gateway] allowed_hosts.")

    services = [app.services[name] for name in app.services.names() if name not in skip]
    if "http" not in app.services.names():
        print("smallclaw: the gateway plugin is not loaded, so there is no board to serve "
              "(check [plugins] disabled and SMALLCLAW_PLUGINS)", file=sys.stderr)
        return 1
    if "runner" in skip:
        print("runner: off (--no-runner): tasks are shown but not run")
    elif "runner" not in app.services.names():
        print("runner: not installed: tasks are shown but not run")

    try:
        ref = await app.model_for("executor")
        for message in app.messages:
            print(message)
        print(f"model: {ref}")
    except SmallClawError as exc:
        print(f"model: none available: {exc}")
        print("the board is served anyway; tasks wait until a model is available")

    try:
        code = await run_services(app, services)
    finally:
        with anyio.CancelScope(shield=True):
            await app.aclose()
    print("stopped")
    return code
