"""One real task through the Ollama backend, with a real small model behind Ollama's HTTP API.

Not part of the default run (it needs a GGUF model and a server that speaks Ollama's
API over it, and takes a minute on two cores). Run it with::

    SMALLCLAW_OLLAMA_SERVER="python /path/to/ollama-compatible-server.py --model /path/model.gguf --port {port}" \
        python -m pytest -m ollama_server plugins/smallclaw_ollama/tests

``{port}`` is replaced by a free port on 127.0.0.1; the server is stopped afterwards.
The task is judged by the file it leaves, not by its status alone.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import time

import anyio
import httpx
import pytest

from smallclaw_core.app import App
from smallclaw_core.runner import Runner

SERVER = os.environ.get("SMALLCLAW_OLLAMA_SERVER", "")

pytestmark = [pytest.mark.ollama_server,
              pytest.mark.skipif(not SERVER, reason="set SMALLCLAW_OLLAMA_SERVER to a command serving a model")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(shlex.split(SERVER.format(port=port)), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/version", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
        models = httpx.get(f"{url}/api/tags", timeout=5).json()["models"]
        yield url, models[0]["name"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_a_file_task_runs_to_its_artifact(tmp_path, server):
    url, model = server
    app = App.load(tmp_path / "home", only=["runner", "ollama", "shell_tools"], overrides={
        "models": {"executor": f"ollama:{model}", "timeout": 300.0},
        "ollama": {"base_url": url}, "runner": {"round_timeout": 600.0}})
    task = app.tasks.create("Write the text 'hello world' to hello.txt.")

    async def go():
        try:
            await Runner(app).run_until_idle(900)
        finally:
            await app.aclose()

    anyio.run(go)
    task = app.store.get(task.id)
    artifact = app.workspace_for(task.id) / "hello.txt"
    assert artifact.is_file() and artifact.read_text().strip() == "hello world", task.pause_reason
    assert task.status == "complete"
