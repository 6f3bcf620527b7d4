"""``smallclaw doctor`` and the ``register_doctor_checks`` hook: plugins' checks, warnings, failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PLUGIN = '''"""A development plugin whose doctor checks pass, warn, fail and raise."""
from smallclaw_core import DoctorCheck, hookimpl


def fine(app):
    return [DoctorCheck("disk", True, "plenty"),
            DoctorCheck("cache", False, "stale, rebuilt on demand", warning=True)]


async def broken(app):
    return [DoctorCheck("licence", False, "expired", fix="renew it")]


def crashing(app):
    raise RuntimeError("cannot look")


@hookimpl
def register_doctor_checks(register):
    register("storage", fine)
    register("licensing", broken)
    register("crashy", crashing)
'''


def doctor(tmp_path: Path, plugin: str | None) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text('[models]\nexecutor = "scripted:test"\n')
    extra = ["smallclaw_core.testing"]
    if plugin:
        (tmp_path / "doctor_plugin.py").write_text(plugin)
        extra.append("doctor_plugin")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner", SMALLCLAW_EXTRA_PLUGINS=",".join(extra),
               SMALLCLAW_SCRIPT="smallclaw_core.testing:request_kind",  # the scripted model: described, never asked
               PYTHONPATH=os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "doctor"], env=env, capture_output=True,
                          text=True, timeout=60)


def test_plugin_checks_are_printed_and_counted(tmp_path):
    proc = doctor(tmp_path, PLUGIN)
    out = proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "storage:\n  ok   disk: plenty\n  warn cache: stale, rebuilt on demand\n" in out
    assert "licensing:\n  FAIL licence: expired\n       fix: renew it\n" in out
    assert "crashy:\n  FAIL the check failed to run: RuntimeError: cannot look\n" in out
    assert out.rstrip().endswith("2 check(s) failed")  # the warning does not count
    assert proc.returncode == 1


def test_without_plugin_checks_doctor_passes(tmp_path):
    proc = doctor(tmp_path, None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok   scripted model: a test double" in proc.stdout
    assert proc.stdout.rstrip().endswith("all checks passed")


def test_a_model_too_small_for_real_work_is_named_with_what_to_use_instead(tmp_path):
    from smallclaw_core.models import ModelInfo, is_small_model, too_small_advice

    tiny = ModelInfo("default", "llamacpp", size=98_000_000)
    assert "too small for real work" in too_small_advice(tiny) and is_small_model(tiny)
    half = ModelInfo("qwen2.5-coder:0.5b", "ollama", details={"parameter_size": "494.03M"})
    assert too_small_advice(half) is None and is_small_model(half)  # small, but it can do the work
    assert too_small_advice(ModelInfo("qwen3:4b", "ollama", details={"parameter_size": "4.0B"})) is None
    plugin = (
        "from smallclaw_core import hookimpl\n"
        "from smallclaw_core.testing import ScriptedModel\n"
        "class Tiny(ScriptedModel):\n"
        "    async def describe(self, model):\n"
        "        info = await super().describe(model)\n"
        "        info.size = 98_000_000\n"
        "        return info\n"
        "@hookimpl\n"
        "def register_backends(register):\n"
        "    register('tiny', lambda app: Tiny())\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[models]\nexecutor = "tiny:test"\n')
    (tmp_path / "tiny_backend.py").write_text(plugin)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env.update(SMALLCLAW_HOME=str(home), SMALLCLAW_PLUGINS="runner", SMALLCLAW_EXTRA_PLUGINS="tiny_backend",
               PYTHONPATH=os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "doctor"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert "warn model size: test (98 MB) is too small for real work" in proc.stdout, proc.stdout
    assert "smallclaw models pull Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF" in proc.stdout
    assert proc.returncode == 0  # a warning, not a failure


HOSTILE = '''"""A development plugin whose check repeats what a server said, escapes and all."""
from smallclaw_core import DoctorCheck, hookimpl


def relay(app):
    return [DoctorCheck("server", False, "it said \\x1b]0;owned\\x07", fix="ask it again\\x1b[2J")]


@hookimpl
def register_doctor_checks(register):
    register("relay", relay)
'''


def test_what_a_server_or_a_plugin_says_reaches_the_terminal_escaped(tmp_path):
    from smallclaw_ollama.testing import ModelCard, OllamaStandIn

    proc = doctor(tmp_path, HOSTILE)
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "FAIL server: it said \\x1b]0;owned\\x07\n       fix: ask it again\\x1b[2J\n" in proc.stdout
    with OllamaStandIn({"qwen3:4b\x1b]0;owned\x07": ModelCard()}) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
        env.update(SMALLCLAW_HOME=str(tmp_path / "home"), SMALLCLAW_PLUGINS="ollama", OLLAMA_HOST=server.base_url,
                   SMALLCLAW_MODELS_DIR=str(tmp_path / "models"))
        models = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "models"], env=env,
                                capture_output=True, text=True, timeout=60)
    assert models.returncode == 0, models.stderr
    assert "\x1b" not in models.stdout and "ollama:qwen3:4b\\x1b]0;owned\\x07" in models.stdout
