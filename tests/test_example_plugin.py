"""The tool-plugin tutorial's example, installed for real and used by a task.

``examples/smallclaw_wordcount`` is pip-installed (editable, as the tutorial says)
into a temporary virtual environment layered on this one, so the shared development
environment never sees it. Then, through the ``smallclaw`` command in that
environment: ``plugins --json`` lists it, and a task whose executor is a scripted
model (a test double loaded with ``SMALLCLAW_EXTRA_PLUGINS=smallclaw_core.testing``)
calls its tool, and the result lands in the task's journal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "smallclaw_wordcount"
TUTORIAL = ROOT / "docs" / "writing-a-tool-plugin.md"

RESPONDER = '''
"""Scripted responder for the example test (a test double, not a model)."""
from smallclaw_core.testing import call, request_kind, verdict


def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the tool counted the words")
    if kind == "summarizer":
        return "essay.txt has 6 words."
    results = [m.content for m in request.messages if m.role == "tool"]
    if not results:
        return call("count_words", path="essay.txt")
    return "Counted: " + results[-1]
'''


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtual environment that sees this one's packages, with the example installed in it."""
    root = tmp_path_factory.mktemp("example-venv")
    target = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True, timeout=60)
    python = target / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # layer it on this environment: smallclaw and its plugins stay importable
    (Path(site) / "_layered_on_dev_venv.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    egg_info = EXAMPLE / "smallclaw_wordcount.egg-info"
    had_egg_info = egg_info.exists()
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    installed = subprocess.run([*pip, "install", "--no-deps", "-e", str(EXAMPLE)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    try:
        yield target
    finally:
        subprocess.run([*pip, "uninstall", "-y", "smallclaw-wordcount"], capture_output=True, timeout=120)
        if not had_egg_info:
            shutil.rmtree(egg_info, ignore_errors=True)


def smallclaw(venv: Path, home: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SMALLCLAW_PLUGINS", "SMALLCLAW_EXTRA_PLUGINS", "SMALLCLAW_SCRIPT", "PYTHONPATH")}
    env.update(SMALLCLAW_HOME=str(home), **env_extra)
    return subprocess.run([str(venv / "bin" / "python"), "-m", "smallclaw_core.cli", *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_smallclaw_plugins_lists_the_example(venv, tmp_path):
    listed = smallclaw(venv, tmp_path / ".localclaw", "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    plugin = next(p for p in json.loads(listed.stdout) if p["name"] == "wordcount")
    assert plugin["distribution"] == "smallclaw-wordcount"
    assert plugin["error"] is None
    assert plugin["contributes"]["tools"] == ["count_words"]


def test_a_task_uses_the_example_tool(venv, tmp_path):
    home = tmp_path / ".localclaw"
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "wordcount_script.py").write_text(RESPONDER)
    env = {"SMALLCLAW_PLUGINS": "runner,wordcount", "SMALLCLAW_EXTRA_PLUGINS": "smallclaw_core.testing",
           "SMALLCLAW_SCRIPT": "wordcount_script:respond", "PYTHONPATH": str(scripts)}
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n[store]\ndurable = false\n')

    added = smallclaw(venv, home, "task", "add", "How long is my essay?", "--step", "count the words in essay.txt",
                      "--json", **env)
    assert added.returncode == 0, added.stderr
    task_id = json.loads(added.stdout)["id"]
    workspace = tmp_path / "workspace" / task_id
    workspace.mkdir(parents=True)
    (workspace / "essay.txt").write_text("It was a dark and stormy\n")

    ran = smallclaw(venv, home, "run", "--until-idle", "--timeout", "60", **env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    shown = smallclaw(venv, home, "task", "show", task_id, "--json", **env)
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["task"]["status"] == "complete"
    calls = [e["data"] for e in document["journal"] if e["kind"] == "tool_call"]
    results = [e["data"] for e in document["journal"] if e["kind"] == "tool_result"]
    assert [c["name"] for c in calls] == ["count_words"]
    assert results[0]["result"] == "essay.txt: 6 words" and results[0]["error"] is False


def test_the_tutorial_shows_the_example_as_it_is():
    """The code in the tutorial is the code that the test above installs and runs."""
    text = TUTORIAL.read_text()
    blocks = re.findall(r"```(\w+)\n(.*?)```", text, re.S)
    python = [b for lang, b in blocks if lang == "python"]
    toml = [b for lang, b in blocks if lang == "toml"]
    assert (EXAMPLE / "smallclaw_wordcount.py").read_text() in python
    assert (EXAMPLE / "pyproject.toml").read_text() in toml
