"""SmallClaw plugin: the kanban board, three static files served by the gateway.

The board is one HTML page, one ES module and one stylesheet, with no build step
and nothing fetched from a CDN (SmallClaw runs on offline machines). The files are
public, like any login page: they hold no data. Everything the board shows comes
from the token-protected API and event stream.
"""

# no `from __future__ import annotations`: Litestar reads the handlers' return types at
# runtime, and Response is imported inside static_handler to keep this module light
from pathlib import Path

from smallclaw_core import hookimpl

STATIC = Path(__file__).parent / "static"

#: file name -> media type; the only files served
FILES = {
    "index.html": "text/html; charset=utf-8",
    "board.js": "text/javascript; charset=utf-8",
    "board.css": "text/css; charset=utf-8",
}

HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    # the token arrives in the URL once; never leak it to another site
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
}


def static_handler(path: str, name: str):
    """A GET handler for one of the board's files, marked public for the gateway's guard."""
    from litestar import Response, get

    media_type = FILES[name]

    @get(path, name=f"kanban:{name}", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
    def serve_file() -> Response[bytes]:
        return Response((STATIC / name).read_bytes(), media_type=media_type, headers=HEADERS)

    return serve_file


@hookimpl
def register_routes(register, app):
    register(static_handler("/", "index.html"))
    register(static_handler("/board.js", "board.js"))
    register(static_handler("/board.css", "board.css"))
