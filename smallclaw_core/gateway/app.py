"""``create_app()``: the Litestar application with the API, the event stream and plugin routes.

The SmallClaw ``App`` owns the state; this module only wires it to HTTP. Handlers
reach it through the ``gateway`` dependency, a ``Gateway`` value built once per
Litestar app, so several gateways (tests, benchmarks) can live in one process.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
import warnings
from typing import TYPE_CHECKING, Any, AsyncIterator

import anyio
from litestar import Litestar, Request, Response
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.types import ASGIApp, Receive, Scope, Send

from ..changes import ChangeConflict
from ..control import InvalidRequest
from ..errors import ConfigError, IllegalTransition, SmallClawError, TaskNotFound
from .context import SSE_QUEUE, Gateway
from .security import SAFE_METHODS, allowed_hosts, allowed_origins, bearer_token, ensure_token, refusal, token_matches

if TYPE_CHECKING:
    from ..app import App

log = logging.getLogger("smallclaw.gateway")

PUBLIC_PATHS = frozenset({"/api/health"})


class GuardMiddleware(ASGIMiddleware):
    """Refuse foreign hosts, foreign origins on changes, and API calls without the token."""

    def __init__(self, gateway: Gateway):
        self.gateway = gateway

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self.check(scope, headers)
        if problem is None:
            await next_app(scope, receive, send)
            return
        status, raw_headers, body = refusal(*problem)
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})

    def check(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        gw = self.gateway
        host = headers.get("host", "").lower()
        if host not in gw.hosts:
            return 403, (f"host {host or '(none)'!r} is not served here; add it to [gateway] allowed_hosts "
                         "if you meant to reach SmallClaw under that name")
        origin = headers.get("origin")
        if origin is not None and scope["method"] not in SAFE_METHODS \
                and origin.rstrip("/").lower() not in gw.origins:
            return 403, (f"requests from origin {origin!r} may not change anything here; add it to "
                         "[gateway] allowed_origins if you trust it")
        path = scope["path"]
        handler = scope.get("route_handler")
        public = path in PUBLIC_PATHS or (
            not path.startswith("/api") and handler is not None and handler.opt.get("public", False))
        if public:
            return None
        query = {}
        for part in scope.get("query_string", b"").decode("latin-1").split("&"):
            key, _, value = part.partition("=")
            if key == "token":
                from urllib.parse import unquote_plus

                query["token"] = unquote_plus(value)
        if not token_matches(bearer_token(headers, query), gw.token):
            return 401, ("this needs the SmallClaw token: send 'Authorization: Bearer <token>' "
                         "(the token is in the token file of the data directory, and in the URL "
                         "`smallclaw serve` prints)")
        return None


# --- errors ---------------------------------------------------------------------------


def _error(status: int, message: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response({"error": message, "status": status, **extra}, status_code=status)


def _on_smallclaw_error(_: Request, exc: SmallClawError) -> Response[dict[str, Any]]:
    if isinstance(exc, TaskNotFound):
        return _error(404, str(exc), close_matches=exc.close_matches)
    if isinstance(exc, IllegalTransition):
        return _error(409, str(exc), current=exc.current)
    if isinstance(exc, ChangeConflict):
        return _error(409, str(exc), files=exc.files)
    if isinstance(exc, InvalidRequest):
        return _error(400, str(exc))
    if isinstance(exc, ConfigError):
        return _error(503, str(exc))
    log.error("request failed: %s", exc)
    return _error(500, str(exc))


def _on_http_error(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    message = exc.detail or "request refused"
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        parts = []
        for item in exc.extra:
            if isinstance(item, dict):
                where = item.get("key") or item.get("source") or ""
                parts.append(f"{where}: {item.get('message', '')}".strip(": "))
        message = "invalid request: " + "; ".join(p for p in parts if p)
    elif exc.status_code == 404 and not message.startswith("no "):
        message = f"nothing at {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return _error(exc.status_code, message)


def _on_unexpected(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.error("internal error on %s %s:\n%s", request.method, request.url.path, traceback.format_exc())
    return _error(500, f"internal error ({type(exc).__name__}); the server log has the details")


# --- the factory ----------------------------------------------------------------------


def create_app(core: "App", *, token: str | None = None, port: int | None = None, bind_host: str | None = None,
               sse_queue: int = SSE_QUEUE, ping_interval: float | None = None, debug: bool = False) -> Litestar:
    """Build the Litestar app serving ``core``: the API, the event stream and plugin routes.

    ``port`` and ``bind_host`` (default: the ``[gateway]`` config) decide which ``Host``
    headers are accepted. The token defaults to the one in the data directory.
    """
    from .api import API_HANDLERS
    from .bodies import GatewayRequest
    from .schema import COMPONENTS, TOKEN
    from .stream import events

    cfg = core.config.gateway
    port = cfg.port if port is None else port
    hosts = allowed_hosts(port, bind_host if bind_host is not None else cfg.host, cfg.allowed_hosts)
    gateway = Gateway(
        core=core, token=token or ensure_token(core.home), hosts=hosts,
        origins=allowed_origins(hosts, cfg.allowed_origins),
        ping_interval=cfg.ping_interval if ping_interval is None else ping_interval, sse_queue=sse_queue,
    )

    handlers: list[Any] = [*API_HANDLERS, events]
    for handler in core.routes.values():
        # a plugin's /api route is behind the token like ours: the schema says so
        if handler.security is None and any(p.startswith("/api/") for p in handler.paths):
            handler.security = TOKEN
        handlers.append(handler)

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with anyio.create_task_group() as jobs:
            gateway.jobs = jobs
            try:
                yield
            finally:
                jobs.cancel_scope.cancel()  # chat turns still running are abandoned with the server
                gateway.jobs = None

    from smallclaw_core import __version__

    # The handlers use the parameter style every Litestar 2.x understands; 2.25 added
    # markers (FromPath, JSONBody) and warns about the older style, which our pin allows.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = Litestar(
            route_handlers=handlers,
            dependencies={"gateway": Provide(lambda: gateway, use_cache=True, sync_to_thread=False)},
            middleware=[GuardMiddleware(gateway)],
            request_class=GatewayRequest,  # a body nested too deep is a 400 before it is decoded
            exception_handlers={
                SmallClawError: _on_smallclaw_error,
                HTTPException: _on_http_error,
                Exception: _on_unexpected,
            },
            openapi_config=OpenAPIConfig(
                title="SmallClaw", version=__version__, path="/schema", components=COMPONENTS,
                description="Background tasks for small local models: the REST API and the event stream. "
                            "Every /api route but /api/health needs 'Authorization: Bearer <token>'; "
                            "every error is a JSON object {error, status}.",
                # JSON only: the HTML viewers load scripts from a CDN, and this machine may be offline
                render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
            ),
            lifespan=[lifespan],
            logging_config=None,  # the host process decides about logging
            debug=debug,
        )
    app.state.gateway = gateway
    return app
