"""A real ``smallclaw serve`` with the embedded model: a model process that crashes pauses its task while the
server answers, and stopping the server mid-generation stops the model process at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from smallclaw_llamacpp.child import TEST_CRASH


class Server:
    """``smallclaw serve`` on a free loopback port, its output in a file."""

    def __init__(self, home: Path, **env: str):
        self.home = home
        self.out_path = home.parent / "serve.out"
        self.out = open(self.out_path, "w+")
        environ = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
        environ.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner,gateway,kanban,llamacpp", **env)
        self.proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "serve", "--port", "0"],
                                     env=environ, stdout=self.out, stderr=subprocess.STDOUT)
        url = self.wait_for(r"board: (\S+)", 60).group(1)
        self.base, token = url.split("/?token=")
        self.headers = {"Authorization": f"Bearer {token}"}

    def printed(self) -> str:
        return self.out_path.read_text()

    def wait_for(self, pattern: str, limit: float) -> re.Match:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            found = re.search(pattern, self.printed())
            if found:
                return found
            assert self.proc.poll() is None, self.printed()
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} within {limit} s:\n{self.printed()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=60)
        self.out.close()


def configure(tmp_path: Path, **runner: object) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    lines = ["[models]", 'executor = "llamacpp:default"', "timeout = 120.0", "[llamacpp]", "max_tokens = 96",
             "[runner]", "poll_interval = 0.05", *(f"{k} = {v!r}" for k, v in runner.items()),
             "[store]", "durable = false"]
    (home / "config.toml").write_text("\n".join(lines) + "\n")
    return home


@pytest.mark.parametrize("crash, cause", [
    pytest.param("SIGKILL:3", "the model process stopped: killed (SIGKILL) — probably by the kernel's "
                 "out-of-memory killer", marks=pytest.mark.model),
    pytest.param("SIGILL:3", "the model process stopped: illegal instruction (SIGILL) — llama.cpp was built for "
                 "CPU features this machine does not run; rebuild it portable with: CMAKE_ARGS=",
                 marks=pytest.mark.model),
    # before the model loads: no model runs, so this one needs no model lock
    ("SIGILL:load", "the model process stopped: illegal instruction (SIGILL) while loading "
                    "SmolLM2-135M-Instruct.Q4_1.gguf — llama.cpp was built for CPU features"),
])
def test_a_crashing_model_process_pauses_its_task_while_the_server_answers(tmp_path, crash, cause):
    """The test-only hook makes every model process kill itself with the signal at the 3rd piece of text
    (mid-generation) or as it loads the model."""
    server = Server(configure(tmp_path), **{TEST_CRASH: crash})
    try:
        created = httpx.post(f"{server.base}/api/tasks", headers=server.headers,
                             json={"goal": "Write a note that says hello", "steps": ["write the note"]})
        task_id = created.json()["task"]["id"]
        health: list[float] = []
        deadline = time.monotonic() + 120
        task = {}
        while time.monotonic() < deadline:
            asked = time.perf_counter()
            assert httpx.get(f"{server.base}/api/health", timeout=5).json() == {"status": "ok"}
            health.append(time.perf_counter() - asked)
            task = httpx.get(f"{server.base}/api/tasks/{task_id}", headers=server.headers).json()
            if task["task"]["status"] == "needs_assistance":
                break
            time.sleep(0.1)
        assert task["task"]["status"] == "needs_assistance", server.printed()
        reason = task["task"]["pause_reason"]
        assert reason.startswith(cause) and reason.endswith("(after 2 attempts, the last on a fresh model process)")
        retried = [e["data"] for e in task["journal"] if e["kind"] == "error"]
        assert [(d["attempt"], d["retry_in"]) for d in retried] == [(1, 0.0)] and retried[0]["message"].startswith(cause)
        assert server.proc.poll() is None and len(health) >= 3 and max(health) < 2.0, health
        board = httpx.get(f"{server.base}/", params={"token": server.headers["Authorization"][7:]})
        assert board.status_code == 200 and "<html" in board.text.lower()  # the board is served too
        # two model processes, each said what ended it in the server's log
        log = (server.home / "logs" / "smallclaw.log").read_text()
        started = re.findall(r"smallclaw.llamacpp: model process (\d+) started for SmolLM2", log)
        died = re.findall(r"ERROR   smallclaw.llamacpp: model process (\d+) for SmolLM2-135M-Instruct.Q4_1.gguf: "
                          + re.escape(cause), log)
        assert len(set(started)) == 2 and died == started, log
        assert f"needs_assistance: Write a note that says hello ({cause}" in log
    finally:
        server.stop()


def order_book(records: int) -> str:
    return "Process the order book below.\n" + "\n".join(
        f"Record {i}: customer ACME-{i} ordered {i % 5 + 1} widgets on day {i}, shipping to warehouse "
        f"{chr(65 + i % 6)}." for i in range(1, records + 1))


@pytest.mark.model
def test_stopping_serve_mid_generation_stops_the_model_process_at_once(tmp_path):
    """A long prompt takes the 135M model many seconds to read; SIGTERM comes in the middle of it."""
    server = Server(configure(tmp_path, shutdown_grace=0.0))
    try:
        httpx.post(f"{server.base}/api/tasks", headers=server.headers,
                   json={"goal": order_book(150), "steps": ["look up record 7"]})
        pid = int(server.wait_for(r"model process (\d+) started", 60).group(1))
        server.wait_for(r"loaded SmolLM2", 60)
        time.sleep(1.0)  # well inside the evaluation of a prompt of some 4,000 tokens
        assert "smallclaw.models: llamacpp:default" not in server.printed()  # no call has finished
        server.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        server.proc.wait(timeout=30)
        took = time.monotonic() - signalled
    finally:
        server.stop()
    assert server.proc.returncode == 0
    assert took < 5.0, (took, server.printed())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.model
def test_cancelling_a_task_mid_generation_stops_the_model_process_at_once(tmp_path):
    """The model process stops computing within two seconds of the cancel, and stays up for the next call."""
    server = Server(configure(tmp_path))
    try:
        created = httpx.post(f"{server.base}/api/tasks", headers=server.headers,
                             json={"goal": order_book(150), "steps": ["look up record 7"]})
        task_id = created.json()["task"]["id"]
        pid = int(server.wait_for(r"model process (\d+) started", 60).group(1))
        server.wait_for(r"loaded SmolLM2", 60)
        time.sleep(1.0)
        busy = cpu_seconds(pid)
        time.sleep(0.5)
        assert cpu_seconds(pid) - busy > 0.2  # reading the long prompt
        assert httpx.post(f"{server.base}/api/tasks/{task_id}/cancel", headers=server.headers).status_code == 200
        cancelled = time.monotonic()
        idle_since = None
        while time.monotonic() - cancelled < 2.0 and idle_since is None:
            before = cpu_seconds(pid)
            time.sleep(0.2)
            if cpu_seconds(pid) - before < 0.02:
                idle_since = time.monotonic() - cancelled
        assert idle_since is not None, "the model process was still computing 2 s after the cancel"
        os.kill(pid, 0)  # still there, warm for the next call
    finally:
        server.stop()
