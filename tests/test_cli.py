"""The ``smallclaw`` command end to end, each call a separate process as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("litestar", "httpx", "llama_cpp", "uvicorn", "openai")


def cli(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env["SMALLCLAW_HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, f"{args}: {proc.stderr}"
    return proc


def as_json(proc: subprocess.CompletedProcess):
    return json.loads(proc.stdout)


@pytest.fixture
def home(tmp_path) -> Path:
    cli(tmp_path / "home", "init")
    return tmp_path / "home"


def test_a_task_through_its_whole_life(home):
    added = as_json(cli(home, "task", "add", "Summarise notes.md into summary.md",
                        "--step", "Read notes.md", "--step", "Write summary.md",
                        "--check", "", "--check", "file_exists: summary.md", "--json"))
    task_id = added["id"]
    assert added["status"] == "queued"
    assert added["goal"] == "Summarise notes.md into summary.md"
    assert [s["description"] for s in added["steps"]] == ["Read notes.md", "Write summary.md"]
    assert [s["check"] for s in added["steps"]] == [None, "file_exists: summary.md"]

    listed = as_json(cli(home, "task", "list", "--json"))
    assert [(t["id"], t["status"], t["steps_total"]) for t in listed] == [(task_id, "queued", 2)]
    text = cli(home, "task", "list").stdout
    assert task_id in text and "queued" in text and "0/2" in text

    proc = cli(home, "task", "pause", task_id)
    assert proc.stdout.strip() == f"task {task_id} paused"
    assert as_json(cli(home, "task", "list", "--status", "paused", "--json"))[0]["id"] == task_id
    assert as_json(cli(home, "task", "list", "--status", "queued", "--json")) == []
    assert cli(home, "task", "list", "--status", "queued").stdout.strip() == "no tasks with status queued"

    shown = cli(home, "task", "show", task_id).stdout
    assert "status: paused" in shown and "reason: paused by the user" in shown
    assert "1. Read notes.md" in shown and "2. Write summary.md  [check: file_exists: summary.md]" in shown
    assert "journal (last 3):" in shown and "task created" in shown

    proc = cli(home, "task", "resume", task_id, "--note", "the notes are in docs/")
    assert proc.stdout.strip() == f"task {task_id} resumed (queued)"
    shown = as_json(cli(home, "task", "show", task_id, "--json"))
    assert shown["task"]["resume_context"] == ["the notes are in docs/"]
    assert [e["kind"] for e in shown["journal"]] == ["status", "plan_change", "pause", "resume"]
    assert [e["seq"] for e in shown["journal"]] == [1, 2, 3, 4]
    assert [e["seq"] for e in as_json(cli(home, "task", "show", task_id, "--journal", "2", "--json"))["journal"]] \
        == [3, 4]

    proc = cli(home, "task", "plan", task_id, "--step", "Read docs/notes.md", "--step", "Write it",
               "--step", "Check it")
    assert proc.stdout.strip() == f"task {task_id} now has 3 steps"
    assert [s["description"] for s in as_json(cli(home, "task", "show", task_id, "--json"))["task"]["steps"]] \
        == ["Read docs/notes.md", "Write it", "Check it"]

    assert cli(home, "task", "cancel", task_id).stdout.strip() == f"task {task_id} cancelled"
    assert as_json(cli(home, "task", "list", "--json"))[0]["status"] == "cancelled"
    assert cli(home, "task", "delete", task_id).stdout.strip() == f"task {task_id} deleted"
    assert as_json(cli(home, "task", "list", "--json")) == []
    assert cli(home, "task", "list").stdout.strip() == "no tasks"


def test_an_unknown_id_is_a_clear_message_with_close_matches_and_exit_2(home):
    task_id = as_json(cli(home, "task", "add", "g", "--json"))["id"]
    wrong = task_id[:-2] + ("zz" if not task_id.endswith("zz") else "yy")
    for action in ("show", "pause", "resume", "cancel", "delete"):
        proc = cli(home, "task", action, wrong, check=False)
        assert proc.returncode == 2, action
        assert proc.stderr.strip() == f"smallclaw: no task with id {wrong!r}; did you mean {task_id}?"
    proc = cli(home, "task", "show", "nothing-like-it", check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "smallclaw: no task with id 'nothing-like-it'"
    # a unique prefix works, as in git
    assert as_json(cli(home, "task", "show", task_id[:8], "--json"))["task"]["id"] == task_id


def test_an_illegal_transition_is_a_clear_message(home):
    task_id = as_json(cli(home, "task", "add", "g", "--step", "a", "--json"))["id"]
    proc = cli(home, "task", "resume", task_id, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"smallclaw: task {task_id} is queued; it cannot become resumed"
    cli(home, "task", "cancel", task_id)
    for action, wanted in (("cancel", "cancelled"), ("pause", "paused")):
        proc = cli(home, "task", action, task_id, check=False)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"smallclaw: task {task_id} is cancelled; it cannot become {wanted}"
    proc = cli(home, "task", "plan", task_id, "--step", "x", check=False)
    assert proc.returncode == 2 and "cannot become re-planned" in proc.stderr


def test_bad_requests_are_messages(home):
    proc = cli(home, "task", "add", "   ", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "smallclaw: a task needs a goal: say what should be done"
    proc = cli(home, "task", "list", "--status", "done", check=False)
    assert proc.returncode == 2 and "invalid choice: 'done'" in proc.stderr
    proc = cli(home, "task", check=False)
    assert proc.returncode == 2 and "add" in proc.stdout
    proc = cli(home, check=False)
    assert proc.returncode == 2 and "usage: smallclaw" in proc.stdout


def test_a_corrupt_task_is_a_warning_and_the_others_still_list(home):
    keep = as_json(cli(home, "task", "add", "keep me", "--json"))["id"]
    broken = as_json(cli(home, "task", "add", "break me", "--json"))["id"]
    (home / "tasks" / broken / "task.json").write_text('{"id": "')
    proc = cli(home, "task", "list", "--json")
    assert [t["id"] for t in json.loads(proc.stdout)] == [keep]
    assert f"warning: task {broken}: " in proc.stderr and "moved to" in proc.stderr


# --- what an attacker or a careless user types or stores ------------------------------------


def test_an_id_that_cannot_be_a_task_id_is_a_clear_message_for_every_command(home):
    long = "a" * 5_000  # the file system's limit is 255: this was ENAMETOOLONG and a traceback
    for args in (("show", long), ("pause", long), ("resume", long), ("cancel", long), ("delete", long),
                 ("plan", long, "--step", "x"), ("pick", long, "1"), ("show", "../../etc"), ("show", "x\x1b[2J")):
        proc = cli(home, "task", *args, check=False)
        assert proc.returncode == 2, (args[0], proc.stderr)
        assert proc.stderr.startswith("smallclaw: no task with id '"), proc.stderr
        assert len(proc.stderr) < 200 and "\x1b" not in proc.stderr


def test_a_session_key_that_cannot_be_one_is_refused_before_anything_is_stored(home):
    for key in ("../../x", "s" * 300, "web\nx"):
        proc = cli(home, "task", "add", "a goal", "--session", key, check=False)
        assert proc.returncode == 1 and proc.stderr.startswith("smallclaw: invalid session key"), proc.stderr
        proc = cli(home, "chat", "--session", key, check=False)
        assert proc.returncode == 1 and proc.stderr.startswith("smallclaw: invalid session key"), proc.stderr
    assert as_json(cli(home, "task", "list", "--json")) == []


def test_terminal_escapes_in_a_task_are_shown_not_obeyed(home):
    goal = "count words\x1b]0;owned\x07\x1b[2J\x9b31m\rfake line\nsecond line"
    title = "\x1b[31mred\x1b[0m title\x08\x08"
    added = cli(home, "task", "add", goal, "--title", title, "--step", "read\x1b[1Anotes\x07",
                "--check", "file_exists: a\x1bb")
    task_id = added.stdout.split()[2]
    cli(home, "task", "pause", task_id)
    cli(home, "task", "resume", task_id, "--note", "try \x1b[8mhidden\x1b[0m")
    for proc in (added, cli(home, "task", "list"), cli(home, "task", "show", task_id)):
        out = proc.stdout
        assert not any(ch in out for ch in "\x1b\x07\x08\x9b\r"), repr(out)
        assert "\\x1b[31mred" in out  # shown, escaped
    shown = cli(home, "task", "show", task_id).stdout
    assert "\\x1b]0;owned\\x07" in shown and "\\rfake line" in shown and "\\x1b[8mhidden" in shown
    # what is stored is what was typed
    stored = as_json(cli(home, "task", "show", task_id, "--json"))["task"]
    assert stored["goal"] == goal and stored["title"] == title
    assert "\x9b" not in cli(home, "task", "show", task_id, "--json").stdout  # JSON escapes C1 too


def test_init_json_and_plugins(home):
    assert "already exists" in cli(home, "init").stdout
    plugins = {p["name"]: p for p in as_json(cli(home, "plugins", "--json"))}
    assert {"runner", "gateway"} <= set(plugins)
    for p in plugins.values():
        assert set(p) >= {"name", "version", "distribution", "hooks", "error", "contributes"}


def test_help_does_not_import_heavy_libraries(tmp_path):
    code = (
        "import sys\n"
        "sys.argv = ['smallclaw', '--help']\n"
        "from smallclaw_core.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env["SMALLCLAW_HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage: smallclaw" in proc.stdout
    assert "task" in proc.stdout and "serve" in proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("HEAVY=")
    assert last == "HEAVY=", f"smallclaw --help imported: {last[6:]}"


def test_the_import_time_profile_of_help_names_no_heavy_library(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env["SMALLCLAW_HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "smallclaw_core.cli", "--help"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "smallclaw_core" in imported  # the profile is real
    assert not imported & set(HEAVY)
