"""The file tools and the checks against what a hostile model leaves in its workspace.

Written the way an attacker goes about it, against the real kernel: a process that
outlived its command swaps a folder and a symlink to the home folder with
``renameat2(RENAME_EXCHANGE)`` while the tools run; FIFOs where files should be (one
named like a structured file); a sparse file of 300 MB. Nothing may be read or written
outside the workspace, no call may hold up the event loop, and nothing is read whole.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc

import anyio
import pytest

from smallclaw_core import Step, StepContext, Task, ToolError
from smallclaw_shell_tools.checks import EvidenceChecks
from smallclaw_shell_tools.tools import edit_file, list_files, read_file, search_files, write_file

pytestmark = pytest.mark.anyio

#: the attacker: swaps ``sub`` (a folder) and ``evil`` (a symlink out) atomically, as fast as it can
SWAPPER = textwrap.dedent("""
    import ctypes, os, sys, time
    libc = ctypes.CDLL(None, use_errno=True)
    RENAME_EXCHANGE, AT_FDCWD = 2, -100
    os.chdir(sys.argv[1])
    end, swaps = time.monotonic() + float(sys.argv[2]), 0
    print("ready", flush=True)
    while time.monotonic() < end:
        if libc.renameat2(AT_FDCWD, b"sub", AT_FDCWD, b"evil", RENAME_EXCHANGE) == 0:
            swaps += 1
    print(swaps, flush=True)
""")


@pytest.fixture
def swapped(workspace, outside):
    """``sub`` (a folder with a decoy) and ``evil`` (a symlink to the home folder), both with the
    names the tools are asked for; ``outside`` holds the secret and a file only it has."""
    (workspace / "sub").mkdir()
    (workspace / "sub" / "secret.txt").write_text("decoy\n")
    (workspace / "sub" / "notes.txt").write_text("value = 1\n")
    (outside / "secret.txt").write_text("SECRET-KEY-MATERIAL-0451\n")
    (outside / "notes.txt").write_text("value = 1\n")
    (outside / "only-at-home.txt").write_text("home\n")
    (workspace / "evil").symlink_to(outside)
    return workspace


async def test_a_survivor_swapping_a_folder_for_a_symlink_never_leads_the_tools_out(swapped, outside, context,
                                                                                    secret):
    before = {p.name: p.read_bytes() for p in outside.iterdir() if p.is_file()}
    attacker = subprocess.Popen([sys.executable, "-c", SWAPPER, str(swapped), "5"], stdout=subprocess.PIPE, text=True)
    assert attacker.stdout.readline().strip() == "ready"
    ctx = context(swapped)
    leaks: list[str] = []
    try:
        for i in range(200):
            calls = [(read_file, {"path": "sub/secret.txt"}), (write_file, {"path": f"sub/w{i}.txt", "content": "x"}),
                     (list_files, {"path": "sub"}), (search_files, {"text": "SECRET-KEY", "path": "sub"}),
                     (edit_file, {"path": "sub/notes.txt", "old": "value = 1", "new": "value = 2"})]
            for t, args in calls:
                try:
                    out = await t.call(args, ctx)
                except ToolError:
                    continue  # refused (a link on the way) or not found: never a way out
                if secret in out or "only-at-home" in out:
                    leaks.append(f"{t.name}: {out[:80]}")
                if t is edit_file:  # for the next edit
                    with contextlib.suppress(ToolError):
                        await write_file.call({"path": "sub/notes.txt", "content": "value = 1\n"}, ctx)
        assert attacker.poll() is None  # every call ran while the attacker was swapping
    finally:
        swaps = int(attacker.communicate(timeout=30)[0].split()[-1])
    assert swaps > 1000  # the attack ran the whole time
    assert not leaks, leaks
    assert {p.name: p.read_bytes() for p in outside.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in outside.iterdir()) == sorted([*before, ".ssh"])  # nothing written there


@contextlib.contextmanager
def rescuer(folder, after: float):
    """After ``after`` seconds, keep opening the other end of every FIFO in ``folder``, so a call
    stuck opening one gets out (and the test can fail instead of hanging)."""
    stop = threading.Event()

    def rescue() -> None:
        if stop.wait(after):
            return
        while not stop.is_set():
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                for flags in (os.O_WRONLY, os.O_RDONLY):
                    try:
                        fd = os.open(path, flags | os.O_NONBLOCK)
                    except OSError:
                        continue
                    with contextlib.suppress(OSError):
                        os.write(fd, b"a") if flags == os.O_WRONLY else os.read(fd, 1 << 16)
                    os.close(fd)
            time.sleep(0.05)

    helper = threading.Thread(target=rescue, daemon=True)
    helper.start()
    try:
        yield
    finally:
        stop.set()
        helper.join()


async def timed_call(coro_fn) -> tuple[float, float, str]:
    """(seconds the call took, the event loop's longest pause meanwhile, what it returned or raised)."""
    gaps: list[float] = []
    out: list[str] = []

    async def ticker() -> None:
        while True:
            last = time.monotonic()
            await anyio.sleep(0.02)
            gaps.append(time.monotonic() - last)

    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        await anyio.sleep(0.05)
        started = time.monotonic()
        try:
            out.append(await coro_fn())
        except ToolError as exc:
            out.append(f"error: {exc}")
        took = time.monotonic() - started
        await anyio.sleep(0.05)
        tg.cancel_scope.cancel()
    return took, max(gaps), out[0]


FIFO_CALLS = [
    (read_file, {"path": "p"}),
    (read_file, {"path": "x.json"}),
    (write_file, {"path": "p", "content": "hello"}),
    (edit_file, {"path": "p", "old": "a", "new": "b"}),
    (list_files, {"path": "p"}),
    (search_files, {"text": "a", "path": "."}),
    (search_files, {"text": "a", "path": "p"}),
]


@pytest.mark.parametrize("index", range(len(FIFO_CALLS)),
                         ids=[f"{t.name}-{a['path']}" for t, a in FIFO_CALLS])
async def test_a_fifo_holds_up_no_file_tool(workspace, context, index):
    t, args = FIFO_CALLS[index]
    os.mkfifo(workspace / "p")
    os.mkfifo(workspace / "x.json")
    with rescuer(workspace, after=3):
        took, pause, out = await timed_call(lambda: t.call(dict(args), context(workspace)))
    assert took < 1 and pause < 1, (took, pause, out)
    if t is read_file or t is edit_file:
        assert out.startswith("error:") and "FIFO" in out


async def test_a_fifo_named_like_a_checked_file_fails_the_check_at_once(workspace):
    os.mkfifo(workspace / "x.json")
    with rescuer(workspace, after=3):
        took, pause, verdict = await timed_call(
            lambda: EvidenceChecks().verify(step_context(workspace, "file_value: x.json :: a = 1")))
    assert took < 1 and pause < 1
    assert not verdict.passed


def step_context(workspace, check: str) -> StepContext:
    task = Task(id="t1", title="t", goal="g", steps=[Step("check the file", check=check)])
    return StepContext(task=task, step_index=0, workspace=workspace)


def sparse(path, size: int = 300 * 2**20, head: bytes = b"line one\nline two\n") -> None:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)


async def test_a_huge_sparse_file_is_refused_by_read_file_not_read(workspace, context):
    sparse(workspace / "big.txt")
    tracemalloc.start()
    try:
        with pytest.raises(ToolError) as caught:
            await read_file.call({"path": "big.txt"}, context(workspace))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak:,} bytes allocated for a refused read"
    message = str(caught.value)
    assert "314,572,800 bytes" in message and "run_shell" in message and "head" in message
    # edit_file too (it reads first), and search_files skips it
    with pytest.raises(ToolError, match="314,572,800 bytes.*sed"):
        await edit_file.call({"path": "big.txt", "old": "one", "new": "1"}, context(workspace))
    assert await search_files.call({"text": "line one"}, context(workspace)) == "no line contains 'line one'"


async def test_max_read_bytes_is_the_cap(workspace, context):
    (workspace / "a.txt").write_text("x" * 2000)
    with pytest.raises(ToolError, match="2,000 bytes, more than the 1,000"):
        await read_file.call({"path": "a.txt"}, context(workspace, max_read_bytes=1000))
    assert await read_file.call({"path": "a.txt"}, context(workspace, max_read_bytes=4000)) == "x" * 2000


async def test_a_check_of_a_huge_sparse_file_fails_with_the_reason(workspace):
    sparse(workspace / "big.txt")
    tracemalloc.start()
    try:
        verdict = await EvidenceChecks().verify(step_context(workspace, "file_contains: big.txt :: line one"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak:,} bytes allocated for a check"
    assert not verdict.passed and "big.txt cannot be checked" in verdict.reason
    assert "314,572,800 bytes" in verdict.reason
