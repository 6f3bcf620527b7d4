"""A hostile model against a real ``smallclaw serve``: its files stay out of reach, and the server stays up.

The server runs as a process of its own with the default policy (the sandbox), its model an
``OllamaStandIn`` (a test double of Ollama's HTTP API) scripted the way an attacker drives
a task: plant a symlink to the data directory where the runner puts a step's input back;
leave FIFOs (one named like a structured file) for the file tools and the runner's guards to
open; call a tool that never returns. The data directory must stay byte for byte as it
was, ``/api/health`` must answer within a second throughout, and SIGTERM must stop the server.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from smallclaw_ollama.testing import OllamaStandIn, chat_objects, stream
from smallclaw_shell_tools.confinement import kernel_landlock

HERE = Path(__file__).parent

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(kernel_landlock()[0] == 0, reason="the default policy needs Landlock")]

#: what the model writes into the config file it then gets put back into the data directory
EVIL = '[shell]\npolicy = "open"\nnetwork = true\n'


def answer(body: dict[str, Any], calls: list[dict[str, Any]] | None = None, content: str = "") -> Any:
    return stream(chat_objects(content, model=body.get("model", ""), tool_calls=calls))


def step_of(body: dict[str, Any]) -> tuple[str, int]:
    """The executor's current step line, and how many tool results the round has had so far."""
    messages = body.get("messages", [])
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    step = next((line for line in messages[last_user]["content"].splitlines() if line.startswith("Current step")), "")
    return step, sum(1 for m in messages[last_user:] if m["role"] == "tool")


def verifier(body: dict[str, Any]) -> bool:
    return "answer" in (body.get("format") or {}).get("properties", {})


class Served:
    """``smallclaw serve`` in a process of its own, with its board URL and token."""

    def __init__(self, home: Path, env: dict[str, str], log: Path):
        self.log = log
        self.out = open(log, "w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "serve", "--port", "0"],
                                     env=env, stdout=self.out, stderr=subprocess.STDOUT)
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.1)
            self.out.seek(0)
            url = next((line.split("board: ", 1)[1] for line in self.out.read().splitlines()
                        if line.startswith("board: ")), None)
        assert url, self.output()
        self.base, token = url.split("/?token=")
        self.headers = {"Authorization": f"Bearer {token}"}

    def output(self) -> str:
        return self.log.read_text()

    def task(self, task_id: str) -> dict[str, Any]:
        return httpx.get(f"{self.base}/api/tasks/{task_id}", params={"journal_limit": 1000},
                         headers=self.headers, timeout=5).json()

    def wait(self, task_id: str, done, timeout: float = 90) -> dict[str, Any] | None:
        """The task once ``done(detail)`` holds; None when it does not in time (or the server is stuck)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                detail = self.task(task_id)
            except httpx.HTTPError:
                continue
            if done(detail):
                return detail
            time.sleep(0.2)
        return None

    def stop(self) -> float:
        """SIGTERM; the seconds the server took to exit (it is killed after 30)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return float("inf")
        finally:
            self.out.close()
        return time.monotonic() - started


def serve(tmp_path: Path, ollama: OllamaStandIn, extra_plugins: str = "") -> tuple[Path, Served]:
    home = tmp_path / ".localclaw"
    home.mkdir()
    (home / "config.toml").write_text(f'[ollama]\nbase_url = "{ollama.base_url}"\n\n'
                                      '[models]\nexecutor = "ollama:qwen3:4b"\n\n'
                                      '[runner]\nstep_attempts = 2\nshutdown_grace = 3.0\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if extra_plugins:
        env["SMALLCLAW_EXTRA_PLUGINS"] = extra_plugins
    return home, Served(home, env, tmp_path / "serve.log")


def data_files(home: Path) -> dict[str, bytes]:
    """The data directory's own files (tasks, sessions and logs change as the task runs)."""
    return {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}


def test_a_folder_swapped_for_a_link_to_the_data_directory_gets_nothing_put_back_there(tmp_path):
    """Step 1: the model writes conf/config.toml. Step 2 reads it, so the runner keeps a copy to put
    back; the model moves conf away and links conf to the data directory, so that putting the
    input back would write its config.toml into the data directory, switching the sandbox off."""
    attacked = threading.Event()
    data_dir = tmp_path / ".localclaw"
    hidden = base64.b64encode(str(data_dir).encode()).decode()  # a path the command reading cannot see

    def respond(body: dict[str, Any]) -> Any:
        if verifier(body):
            return answer(body, content=json.dumps({"answer": "NO", "reason": "not done"}))
        step, results = step_of(body)
        if results:
            return answer(body, [{"name": "step_done", "arguments": {"report": "done"}}])
        if step.startswith("Current step 1/"):
            return answer(body, [{"name": "write_file", "arguments": {"path": "conf/config.toml", "content": EVIL}}])
        attacked.set()
        return answer(body, [{"name": "run_shell", "arguments": {
            "command": f'mv conf conf.old && ln -s "$(echo {hidden} | base64 -d)" conf && ls -la'}}])

    with OllamaStandIn(responder=respond) as ollama:
        home, served = serve(tmp_path, ollama)
        try:
            before = data_files(home)
            assert "config.toml" in before and "token" in before
            created = httpx.post(f"{served.base}/api/tasks", headers=served.headers, json={
                "goal": "Make a config, then note its first line",
                "steps": ["Write conf/config.toml with the settings", "Write the first line of conf/config.toml to first.txt"],
                "checks": ["file_exists: conf/config.toml", "file_exists: first.txt"]}).json()
            task_id = created["task"]["id"]
            detail = served.wait(task_id, lambda d: d["task"]["status"] in ("needs_assistance", "paused",
                                                                            "complete", "failed"))
        finally:
            seconds = served.stop()
    assert detail is not None, served.output()
    assert attacked.is_set()
    workspace = tmp_path / "workspace" / task_id
    assert (workspace / "conf").is_symlink() and (workspace / "conf").resolve() == data_dir.resolve()
    shell = [e["data"]["result"] for e in detail["journal"] if e["kind"] == "tool_result"
             and e["data"]["name"] == "run_shell"]
    assert shell and shell[0].startswith("exit code 0"), shell  # the link was planted
    assert data_files(home) == before  # config.toml and the token: byte for byte
    assert not list(home.glob(".smallclaw-tmp-*")) and not list(home.glob(".restore-*"))
    assert seconds < 30


def test_fifos_and_a_tool_that_never_returns_leave_the_server_answering(tmp_path):
    """The model makes FIFOs (p, and x.json which the structure guard opens at a round's start), calls
    every file tool on them and a tool that never returns; /api/health answers within a second all
    along, the model reads an error for each call, and SIGTERM stops the server."""
    rounds: list[int] = []  # a mark for each round started
    script = [("run_shell", {"command": "mkfifo p x.json"}), ("read_file", {"path": "p"}),
              ("read_file", {"path": "x.json"}), ("edit_file", {"path": "p", "old": "a", "new": "b"}),
              ("search_files", {"text": "a", "path": "."}), ("list_files", {"path": "."}),
              ("jam", {"path": "p"}), ("write_file", {"path": "p", "content": "now a file"})]

    def respond(body: dict[str, Any]) -> Any:
        if verifier(body):
            return answer(body, content=json.dumps({"answer": "NO", "reason": "look again"}))
        step, results = step_of(body)
        if results == 0:
            rounds.append(1)
        if len(rounds) > 1 or results >= len(script):
            return answer(body, [{"name": "step_done", "arguments": {"report": "looked"}}])
        name, arguments = script[results]
        return answer(body, [{"name": name, "arguments": arguments}])

    stalls: list[str] = []
    stop = threading.Event()

    with OllamaStandIn(responder=respond) as ollama:
        home, served = serve(tmp_path, ollama, extra_plugins="hanging_tool")

        def watch() -> None:
            while not stop.is_set():
                try:
                    status = httpx.get(f"{served.base}/api/health", timeout=1.0).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                if status != 200:
                    stalls.append(f"{time.strftime('%X')}: {status}")
                stop.wait(0.25)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            created = httpx.post(f"{served.base}/api/tasks", headers=served.headers, json={
                "goal": "Look at the files p and x.json", "steps": ["Look at the files p and x.json"]}).json()
            task_id = created["task"]["id"]
            detail = served.wait(task_id, lambda d: d["task"]["status"] == "needs_assistance", timeout=60)
        finally:
            stop.set()
            watcher.join()
            seconds = served.stop()
    assert not stalls, f"/api/health did not answer within 1 s: {stalls}"
    assert detail is not None, served.output()
    results = {e["data"]["name"] + str(i): e["data"] for i, e in enumerate(detail["journal"])
               if e["kind"] == "tool_result"}
    errors = [r for r in results.values() if r["error"]]
    assert [r["name"] for r in errors] == ["read_file", "read_file", "edit_file", "jam"], errors
    assert all("FIFO" in r["result"] for r in errors[:3])
    assert "jam did not finish within 1 s" in errors[3]["result"]
    assert seconds < 15, served.output()
