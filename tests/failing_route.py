"""A plugin with an /api route that always fails, for the server-log test (a test double).

Loaded in a subprocess through SMALLCLAW_EXTRA_PLUGINS (tests/ on PYTHONPATH).
"""

from smallclaw_core import hookimpl


@hookimpl
def register_routes(register, app):
    from litestar import get

    @get("/api/boom", sync_to_thread=False)
    def boom() -> dict:
        raise RuntimeError("the boom route always fails")

    register(boom)
