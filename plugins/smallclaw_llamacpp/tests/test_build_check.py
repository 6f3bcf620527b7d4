"""The choice of llama-cpp-python build: probe, rebuild portable only when the build traps, an override.

This machine runs the native build, so the trapping CPU is simulated by the probe's result;
the real probe runs once (marked ``model``) to show that nothing is rebuilt here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smallclaw_llamacpp import build_check
from smallclaw_llamacpp.build_check import OVERRIDE, Choice, Probe, amx_on_this_cpu, decide, main
from smallclaw_llamacpp.process import PORTABLE_CMAKE_ARGS

ROOT = Path(__file__).resolve().parents[3]
RUNS = Probe(True, "probe: one token of the bundled model in 1.2 s")
TRAPS = Probe(False, "the model process stopped: illegal instruction (SIGILL) — ...", traps=True)
OOM = Probe(False, "the model process stopped: killed (SIGKILL) — ...")


def test_a_build_that_runs_is_kept():
    assert decide(RUNS, None, "") == Choice(f"the installed native build runs on this CPU ({RUNS.detail})")


def test_a_build_that_traps_is_rebuilt_portable_once():
    choice = decide(TRAPS, None, "")
    assert choice.rebuild_with == PORTABLE_CMAKE_ARGS and "illegal instruction (SIGILL)" in choice.why
    still = decide(TRAPS, None, PORTABLE_CMAKE_ARGS)
    assert still.rebuild_with is None and still.failed and OVERRIDE in still.why


def test_a_probe_that_fails_for_another_reason_rebuilds_nothing():
    choice = decide(OOM, None, "")
    assert choice.rebuild_with is None and choice.failed and "rebuild would not help" in choice.why


def test_the_override_decides_whatever_the_probe_says():
    assert decide(RUNS, "-DGGML_CUDA=on", "").rebuild_with == "-DGGML_CUDA=on"
    assert decide(None, " -DGGML_CUDA=on ", "-DGGML_CUDA=on").rebuild_with is None
    # empty: pip's own native build, which is what a plain install has
    assert decide(None, "", "").rebuild_with is None
    assert decide(None, "", PORTABLE_CMAKE_ARGS).rebuild_with == ""


def test_amx_is_told_apart_advertised_from_enabled():
    assert amx_on_this_cpu({"avx2", "fma"}, None) == "no AMX advertised"
    assert amx_on_this_cpu({"amx_tile", "amx_int8"}, False) == \
        "AMX advertised in /proc/cpuinfo but not enabled by the kernel"
    assert amx_on_this_cpu({"amx_tile"}, True) == "AMX advertised in /proc/cpuinfo and enabled"
    assert build_check.cpu_flags("processor\t: 0\nflags\t\t: fpu sse2 amx_tile\n") == {"fpu", "sse2", "amx_tile"}


class Recorder:
    """Probes that answer from a script and a build that records what it was asked (no compiling)."""

    def __init__(self, *probes: Probe | None, build_exit: int = 0):
        self.probes = list(probes)
        self.builds: list[tuple[str, str]] = []
        self.build_exit = build_exit

    def probe(self) -> Probe | None:
        return self.probes.pop(0)

    def build(self, cmake_args: str, version: str) -> int:
        self.builds.append((cmake_args, version))
        return self.build_exit


def run_main(tmp_path: Path, recorder: Recorder, env: dict[str, str] | None = None) -> int:
    return main(env or {}, probe=recorder.probe, build=recorder.build, record=tmp_path / "record.json",
                version=lambda: "0.3.36")


def test_trapping_build_is_rebuilt_probed_again_and_remembered(tmp_path, capsys):
    recorder = Recorder(TRAPS, RUNS)
    assert run_main(tmp_path, recorder) == 0
    assert recorder.builds == [(PORTABLE_CMAKE_ARGS, "0.3.36")] and recorder.probes == []
    out = capsys.readouterr().out
    assert "dies with an illegal instruction (SIGILL)" in out and f'{OVERRIDE}="<cmake flags>"' in out
    assert json.loads((tmp_path / "record.json").read_text())["cmake_args"] == PORTABLE_CMAKE_ARGS
    # the next run only says what was chosen: no probe, no build
    again = Recorder()
    assert run_main(tmp_path, again) == 0 and again.builds == []
    assert "the portable build runs on this CPU (probed before)" in capsys.readouterr().out


def test_a_build_that_runs_is_probed_once(tmp_path, capsys):
    first = Recorder(RUNS)
    assert run_main(tmp_path, first) == 0 and first.builds == []
    assert "the installed native build runs on this CPU" in capsys.readouterr().out
    assert run_main(tmp_path, Recorder()) == 0  # an empty script: a probe would fail the test


def test_the_override_rebuilds_without_the_first_probe(tmp_path):
    recorder = Recorder(RUNS)
    assert run_main(tmp_path, recorder, {OVERRIDE: "-DGGML_NATIVE=OFF"}) == 0
    assert recorder.builds == [("-DGGML_NATIVE=OFF", "0.3.36")]


def test_failures_are_an_exit_status(tmp_path, capsys):
    failing_build = Recorder(TRAPS, build_exit=1)
    assert run_main(tmp_path, failing_build) == 1
    assert "the rebuild failed" in capsys.readouterr().out
    still_traps = Recorder(TRAPS, TRAPS)
    assert run_main(tmp_path, still_traps) == 1
    assert "does not run here" in capsys.readouterr().out
    assert not (tmp_path / "record.json").exists()


def test_the_makefile_and_readme_say_how_llama_cpp_is_built():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^llama-build: .*\n\t\$\(PY\) -m smallclaw_llamacpp\.build_check$", makefile, re.M)
    assert re.search(r"^run: .*llama-build", makefile, re.M) and re.search(r"^test: .*llama-build", makefile, re.M)
    assert PORTABLE_CMAKE_ARGS in makefile and OVERRIDE in makefile
    for readme in (ROOT / "README.md", ROOT / "plugins" / "smallclaw_llamacpp" / "README.md",
                   ROOT / "docs" / "configuration.md"):
        text = readme.read_text()
        assert OVERRIDE in text and PORTABLE_CMAKE_ARGS in text, readme


def test_the_real_probe_of_a_build_that_traps_chooses_the_portable_build(tmp_path, monkeypatch, capsys):
    """The model process really dies with SIGILL (the test-only hook raises it, as a native build would)."""
    from smallclaw_llamacpp.child import TEST_CRASH

    monkeypatch.setenv(TEST_CRASH, "SIGILL:load")
    probe = build_check.probe_build()
    assert probe.traps and not probe.runs and "illegal instruction (SIGILL)" in probe.detail
    recorder = Recorder()
    assert main({}, build=recorder.build, record=tmp_path / "record.json") == 1  # it still traps after the "build"
    assert recorder.builds == [(PORTABLE_CMAKE_ARGS, build_check.llama_cpp_version())]
    assert "rebuilding it portable" in capsys.readouterr().out


@pytest.mark.model
def test_the_real_probe_keeps_the_build_on_this_machine(tmp_path, capsys):
    """This CPU runs the native build: the real probe passes and nothing is rebuilt."""
    recorder = Recorder()
    assert main({}, build=recorder.build, record=tmp_path / "record.json") == 0
    assert recorder.builds == []
    assert "runs on this CPU (probe: one token of the bundled model in" in capsys.readouterr().out


def test_the_readme_shows_what_the_check_prints(tmp_path, monkeypatch, capsys):
    """The plugin README's example of a trapping build is this code's output (but for pip's command line)."""
    monkeypatch.setattr(build_check, "amx_on_this_cpu", lambda: "AMX advertised in /proc/cpuinfo but not enabled by the kernel")
    assert run_main(tmp_path, Recorder(TRAPS, Probe(True, "probe: one token of the bundled model in 1.4 s"))) == 0
    printed = capsys.readouterr().out.splitlines()
    readme = (ROOT / "plugins" / "smallclaw_llamacpp" / "README.md").read_text()
    shown = re.search(r"```\n(llama-cpp-python 0\.3\.36: the installed native build dies.*?)```", readme, re.S)
    assert shown, "the README shows no trapping build"
    assert [line for line in shown.group(1).splitlines() if "pip install" not in line] == printed
