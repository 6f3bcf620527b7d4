"""The builtin gateway plugin: the Litestar app serving the REST API and the event stream.

The module top stays light (``smallclaw --help`` imports it): Litestar and uvicorn
are imported only when the ``http`` service starts or ``create_app()`` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smallclaw_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from litestar import Litestar

    from smallclaw_core.app import App


def create_app(core: "App", **options: Any) -> "Litestar":
    """Build the Litestar app for ``core`` (see ``smallclaw_core.gateway.app.create_app``)."""
    from .app import create_app as build

    return build(core, **options)


async def run_http(core: "App") -> None:
    """The ``http`` service: serve the gateway with uvicorn until cancelled."""
    from .server import run_http as run

    await run(core)


@hookimpl
def register_services(register):
    register("http", run_http)
