"""``smallclaw serve`` split into roles: ``--no-gateway`` runs tasks without serving, and both flags at once is an error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smallclaw_core.app import App

HERE = Path(__file__).parent


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner,gateway,kanban",
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond",
               PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


def test_serving_nothing_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "serve", "--no-runner", "--no-gateway"],
                          env=env_for(tmp_path / "home"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--no-runner and --no-gateway leave nothing to serve" in done.stdout + done.stderr


@pytest.mark.slow
def test_no_gateway_runs_tasks_and_serves_nothing(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n[runner]\npoll_interval = 0.1\n')
    app = App.load(home, only=[])
    task_id = app.tasks.create("record a note", ["write it"]).id
    out = open(tmp_path / "serve.out", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "serve", "--no-gateway"],
                            env=env_for(home), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.store.get(task_id).status != "complete":
            time.sleep(0.1)
        assert app.store.get(task_id).status == "complete"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    out.seek(0)
    printed = out.read()
    assert "board: " not in printed and "gateway: off (--no-gateway)" in printed
    assert f"tasks: files in {home / 'tasks'}" in printed
    assert not (home / "token").exists()
