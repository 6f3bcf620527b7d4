"""The ``http`` service: uvicorn serving the gateway inside ``smallclaw serve``'s task group.

uvicorn normally owns the process (signals, exit codes); here it is one service
among several, so ``smallclaw serve`` handles the signals and this service turns
its cancellation into uvicorn's own graceful shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from typing import TYPE_CHECKING, Any, Callable, Iterator

import anyio

from ..errors import ConfigError
from .security import ensure_token

if TYPE_CHECKING:
    from ..app import App

#: seconds open connections (event streams never end by themselves) get to finish at shutdown
GRACEFUL_SECONDS = 2.0


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a ``ConfigError`` that says what to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Created with an explicit IPPROTO_TCP: asyncio turns Nagle's algorithm off only on
    # sockets whose proto says TCP, and accepted sockets inherit it. Without that, a
    # response written as headers then a body under 64 KB waits for the client's delayed
    # ACK: about 40 ms on every keep-alive request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen()
        return sock
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is in use (another smallclaw serve?); choose another "
                              "with [gateway] port or --port") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another "
                          "with [gateway] host and port, or --host and --port") from None


def board_url(host: str, port: int, token: str) -> str:
    """The Jupyter-style address printed at start: it logs the browser in."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}/?token={token}"


async def run_http(core: "App", *, host: str | None = None, port: int | None = None,
                   on_ready: Callable[[str], None] | None = None, **app_options: Any) -> None:
    """Serve until cancelled; then stop accepting, let streams close, and run the shutdown.

    ``app_options`` go to ``create_app`` (tests and benchmarks tune the stream with them).
    """
    import uvicorn

    from .app import create_app

    cfg = core.config.gateway
    host = cfg.host if host is None else host
    port = cfg.port if port is None else port
    token = ensure_token(core.home)
    if not token:  # ensure_token always makes one; this guards against a future change
        raise ConfigError("refusing to serve without a token")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(core, token=token, port=port, bind_host=host, **app_options)
    # log_config=None: uvicorn's records go to the handlers `smallclaw serve` configured
    config = uvicorn.Config(app, log_level="warning", log_config=None, lifespan="on", access_log=False,
                            timeout_graceful_shutdown=GRACEFUL_SECONDS)
    server = quiet_server(config)
    (on_ready or _print_ready)(board_url(host, port, token))
    serving = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    try:
        await asyncio.shield(serving)
    finally:
        server.should_exit = True
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(asyncio.CancelledError):
                await serving
        sock.close()


def _print_ready(url: str) -> None:
    print(f"board: {url}", flush=True)


def quiet_server(config):
    """A ``uvicorn.Server`` without its signal handlers: ``smallclaw serve`` owns the signals."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server(config)
