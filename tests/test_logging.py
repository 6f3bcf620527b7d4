"""Logging: serve and run write timestamped lines to the terminal and to <data dir>/logs/smallclaw.log,
one per task status change and one per model call with its timing; --log-level chooses how much.
"""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from smallclaw_core import logs
from smallclaw_core.events import Event
from smallclaw_core.logs import configure_logging, describe_call, log_task_event
from smallclaw_core.models import Usage

HERE = Path(__file__).parent
ROOT = HERE.parent
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR) +smallclaw[.\w]*: ")


def scripted_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner,gateway,kanban",
               SMALLCLAW_EXTRA_PLUGINS="smallclaw_core.testing,scripted_worker",
               SMALLCLAW_SCRIPT="scripted_worker:respond",
               PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


def smallclaw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n[runner]\npoll_interval = 0.05\n'
                                      '[store]\ndurable = false\n')
    return home


def test_run_logs_each_status_change_and_each_model_call(home):
    env = scripted_env(home)
    task_id = smallclaw(env, "task", "add", "record a note", "--step", "write the note", "--json").stdout
    task_id = re.search(r'"id": "([^"]+)"', task_id).group(1)
    proc = smallclaw(env, "run", "--until-idle", "--timeout", "60")
    path = home / "logs" / "smallclaw.log"
    text = path.read_text()
    lines = text.splitlines()
    assert lines and all(LINE.match(line) for line in lines), text
    assert f"INFO    smallclaw.tasks: task {task_id} queued -> running: record a note" in text
    assert f"INFO    smallclaw.tasks: task {task_id} running -> complete: record a note" in text
    calls = [line for line in lines if "smallclaw.models: scripted:test " in line]
    assert calls and all(re.search(r" in \d+\.\d\d s", line) for line in calls), calls
    # the terminal gets the same lines
    assert f"task {task_id} running -> complete" in proc.stderr
    assert sum("smallclaw.models:" in line for line in proc.stderr.splitlines()) == len(calls)


def test_log_level_warning_keeps_info_out(home):
    env = scripted_env(home)
    smallclaw(env, "task", "add", "record a note", "--step", "write the note")
    proc = smallclaw(env, "run", "--until-idle", "--log-level", "warning")
    assert "smallclaw.tasks" not in (home / "logs" / "smallclaw.log").read_text()
    assert "smallclaw.tasks" not in proc.stderr


def test_serve_says_where_its_log_is_and_logs_the_api_errors_there(home, tmp_path):
    env = scripted_env(home)
    env["SMALLCLAW_EXTRA_PLUGINS"] += ",failing_route"
    out = open(tmp_path / "serve.out", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "serve", "--port", "0"], env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        url = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and url is None and proc.poll() is None:
            time.sleep(0.1)
            out.seek(0)
            url = next((line.split("board: ", 1)[1] for line in out.read().splitlines()
                        if line.startswith("board: ")), None)
        assert url, out.read()
        base, token = url.split("/?token=")
        created = httpx.post(f"{base}/api/tasks", json={"goal": "record a note", "steps": ["write it"]},
                             headers={"Authorization": f"Bearer {token}"}).json()
        task_id = created["task"]["id"]
        boom = httpx.get(f"{base}/api/boom", headers={"Authorization": f"Bearer {token}"})
        assert boom.status_code == 500
        assert boom.json()["error"] == "internal error (RuntimeError); the server log has the details"
        log_file = home / "logs" / "smallclaw.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "-> complete" not in log_file.read_text():
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    out.seek(0)
    printed = out.read()
    out.close()
    assert f"log: {home / 'logs' / 'smallclaw.log'}" in printed
    text = log_file.read_text()
    assert f"task {task_id} queued: record a note" in text and f"task {task_id} running -> complete" in text
    assert "smallclaw.serve: model: scripted:test" in text and "smallclaw.serve: stopped" in text
    # "the server log has the details": the request and the traceback
    assert "ERROR   smallclaw.gateway: internal error on GET /api/boom:" in text
    assert "RuntimeError: the boom route always fails" in text and "Traceback" in text


def test_a_second_configuration_replaces_the_first(tmp_path):
    try:
        first = configure_logging(tmp_path / "a", "info")
        second = configure_logging(tmp_path / "b", "debug")
        ours = [h for h in logging.getLogger().handlers if h in logs._installed]
        assert len(ours) == 2  # one file, one terminal: not four
        logging.getLogger("smallclaw.test").debug("hello")
        assert "hello" not in first.read_text() and "hello" in second.read_text()
        with pytest.raises(ValueError, match="log level should be one of"):
            configure_logging(tmp_path / "c", "loud")
    finally:
        for handler in list(logs._installed):
            logging.getLogger().removeHandler(handler)
            handler.close()
        logs._installed.clear()
        logging.getLogger("smallclaw").setLevel(logging.NOTSET)
        logging.getLogger().setLevel(logging.WARNING)


def test_only_status_changes_make_a_line(caplog):
    caplog.set_level(logging.INFO, logger="smallclaw.tasks")

    def task(status, previous, reason=None):
        return Event(1, "task", "t1", {"task": {"status": status, "title": "Count", "pause_reason": reason},
                                       "previous_status": previous})

    log_task_event(task("queued", None))
    log_task_event(task("running", "queued"))
    log_task_event(task("running", "running"))  # a step done: the journal has it
    log_task_event(task("needs_assistance", "running", "the verifier said NO twice"))
    log_task_event(Event(2, "journal", "t1", {}))
    log_task_event(Event(3, "task_deleted", "t1", {}))
    assert caplog.messages == ["task t1 queued: Count", "task t1 queued -> running: Count",
                               "task t1 running -> needs_assistance: Count (the verifier said NO twice)",
                               "task t1 deleted"]


def test_a_title_or_an_error_with_terminal_escapes_is_logged_escaped(tmp_path, capsys):
    """The terminal that runs ``serve`` and the file read with ``tail -f`` both get the escapes as text."""
    try:
        path = configure_logging(tmp_path, "info")
        log_task_event(Event(1, "task", "t1", {"task": {"status": "queued", "title": "\x1b]0;owned\x07\x1b[2Jx"},
                                               "previous_status": None}))
        logging.getLogger("smallclaw.models").warning("the server said: \x1b[8mhidden\x9b\r\nnext line")
    finally:
        for handler in list(logs._installed):
            logging.getLogger().removeHandler(handler)
            handler.close()
        logs._installed.clear()
        logging.getLogger("smallclaw").setLevel(logging.NOTSET)
        logging.getLogger().setLevel(logging.WARNING)
    for shown in (capsys.readouterr().err, path.read_text()):
        assert not any(ch in shown for ch in "\x1b\x07\x9b\r"), repr(shown)
        assert "task t1 queued: \\x1b]0;owned\\x07\\x1b[2Jx" in shown
        assert "the server said: \\x1b[8mhidden\\x9b\\r\nnext line" in shown  # a newline stays one


def test_a_model_call_line_says_what_it_cost():
    usage = Usage(prompt_tokens=1843, prompt_cached=1790, completion_tokens=42, load_ms=1200.0)
    assert describe_call(usage, 3.214) == "1843 prompt tokens (1790 cached), 42 generated in 3.21 s " \
                                          "(model load 1.20 s)"
    assert describe_call(Usage(), 0.5) == "answered in 0.50 s"


def test_no_library_code_prints_to_stderr():
    """Errors and warnings of the core and the plugins go through loggers (the CLI prints its own)."""
    offenders = []
    for path in [*ROOT.glob("smallclaw_core/**/*.py"), *ROOT.glob("plugins/*/smallclaw_*/**/*.py")]:
        if path.name in ("cli.py", "task_commands.py", "model_commands.py", "terminal_chat.py", "testing.py",
                         "sandbox.py"):
            continue  # command output (the sandbox launcher is a program of its own); test doubles
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "print(" in line and "sys.stderr" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_the_bar_redraws_in_place_on_a_terminal():
    from smallclaw_core.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = ProgressBar("model.gguf", 100 * 2**20, stream=screen)
    bar.update(50 * 2**20)
    bar.update(50 * 2**20)
    bar.close()
    drawn = screen.getvalue()
    assert drawn.startswith("\rmodel.gguf [") and drawn.count("\n") == 1
    assert drawn.rstrip("\n").rsplit("\r", 1)[1].startswith("model.gguf [" + "#" * 30 + "] 100%  100.0 MB / 100.0 MB")
