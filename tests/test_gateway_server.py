"""The listening socket: accepted connections must get TCP_NODELAY from asyncio; a port in use is a
one-line error."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

from smallclaw_core.gateway.server import bind

HERE = Path(__file__).parent


def test_accepted_connections_have_nagle_turned_off():
    # asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it every
    # keep-alive response under 64 KB waits ~40 ms for the client's delayed ACK.
    listener = bind("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    port = listener.getsockname()[1]
    seen: list[int] = []

    async def main() -> None:
        async def handle(reader, writer):
            sock = writer.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=listener)
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            await reader.read()
            writer.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_non_zero(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner,gateway",
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond",
               PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    busy = socket.socket()  # another server, already there
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "serve", "--port", str(port)], env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        busy.close()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, proc.stderr
    assert errors[0].endswith(f"port {port} on 127.0.0.1 is in use (another smallclaw serve?); "
                              "choose another with [gateway] port or --port")
    assert "TaskGroup" not in proc.stderr and "Traceback" not in proc.stderr
