"""The runner's own look at a workspace a hostile model prepared: the put-back, the scans, the tools' threads.

The model's commands run confined, but what the runner does afterwards (keep a step's input
and put it back, parse structured files, show a file's head) runs as SmallClaw itself. A
command can leave a folder swapped for a symlink to the data directory, FIFOs named like
structured files and files of hundreds of megabytes; none may lead the runner out of the
workspace, hold it up, or make it read a file whole. Both resolvers are tried (openat2 and
the component walk).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import tracemalloc

import anyio
import pytest

from smallclaw_core import ToolContext, ToolError, tool
from smallclaw_core.runner.evidence import StructureState, changed_since, head, parse_error
from smallclaw_core.tools import in_worker_thread


@pytest.fixture
def places(tmp_path, resolver):
    """A workspace with a step's input in a folder, and beside it a data directory with its config."""
    workspace = tmp_path / "workspace"
    (workspace / "conf").mkdir(parents=True)
    (workspace / "conf" / "config.toml").write_text('[shell]\npolicy = "open"\nnetwork = true\n')
    (workspace / "conf" / "x.json").write_text('{"a": 1}')
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text('[shell]\npolicy = "sandbox"\n')
    (data / "x.json").write_text('{"the": "data directory"}')
    (data / "token").write_text("gateway-token\n")
    return workspace, data


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_folder_swapped_for_a_link_to_the_data_directory_gets_nothing_put_back(places):
    workspace, data = places
    before = StructureState.of(workspace, keep=["conf/config.toml"])
    assert "conf/config.toml" in before.saved
    kept = snapshot(data)
    # the command: mv conf conf.old && ln -s <data dir> conf
    (workspace / "conf").rename(workspace / "conf.old")
    (workspace / "conf").symlink_to(data)
    changed = before.changed(workspace, ["conf/config.toml"])
    assert changed == ["conf/config.toml"]  # it cannot be read as it was: put back, if it can be
    assert before.restore(workspace, changed) == []  # it cannot: the folder on the way is a link
    # a structured file that "broke" in the linked folder is not put back there either
    assert before.restore_broken(workspace) == []
    assert snapshot(data) == kept
    assert (workspace / "conf").is_symlink()


def test_a_link_in_place_of_the_input_is_replaced_not_written_through(places):
    workspace, data = places
    before = StructureState.of(workspace, keep=["conf/config.toml"])
    kept = snapshot(data)
    (workspace / "conf" / "config.toml").unlink()
    (workspace / "conf" / "config.toml").symlink_to(data / "config.toml")
    assert before.restore(workspace, before.changed(workspace, ["conf/config.toml"])) == ["conf/config.toml"]
    assert snapshot(data) == kept
    path = workspace / "conf" / "config.toml"
    assert not path.is_symlink() and path.read_bytes() == before.saved["conf/config.toml"]


def test_a_structured_file_swapped_for_a_link_is_neither_read_nor_judged(places):
    workspace, data = places
    before = StructureState.of(workspace)
    assert "conf/x.json" in before.valid
    (workspace / "conf" / "x.json").unlink()
    (workspace / "conf" / "x.json").symlink_to(data / "x.json")
    assert before.broken_since(workspace) == []
    assert "symbolic link" in parse_error(workspace, "conf/x.json")
    assert "symbolic link" in head(workspace, "conf/x.json")


@contextlib.contextmanager
def rescuer(folder, after: float):
    """After ``after`` seconds, keep opening the other end of every FIFO in ``folder``, so code
    stuck opening one gets out (and the test fails rather than hangs)."""
    stop = threading.Event()

    def rescue() -> None:
        if stop.wait(after):
            return
        while not stop.is_set():
            for name in os.listdir(folder):
                for flags in (os.O_WRONLY, os.O_RDONLY):
                    with contextlib.suppress(OSError):
                        os.close(os.open(os.path.join(folder, name), flags | os.O_NONBLOCK))
            time.sleep(0.05)

    helper = threading.Thread(target=rescue, daemon=True)
    helper.start()
    try:
        yield
    finally:
        stop.set()
        helper.join()


def test_fifos_named_like_structured_files_hold_up_no_scan(places):
    workspace, _ = places
    os.mkfifo(workspace / "x.json")
    os.mkfifo(workspace / "conf" / "settings.toml")
    since = time.time() - 60
    with rescuer(workspace, after=3), rescuer(workspace / "conf", after=3):
        started = time.monotonic()
        before = StructureState.of(workspace, keep=["x.json"])
        changed = changed_since(workspace, since)
        shown = head(workspace, "x.json")
        why = parse_error(workspace, "conf/settings.toml")
        took = time.monotonic() - started
    assert took < 1
    assert "x.json" not in before.valid and "x.json" not in before.saved
    assert "x.json" not in changed and "conf/settings.toml" not in changed
    assert "FIFO" in shown and "FIFO" in why


def test_a_huge_sparse_file_is_never_read_whole(places):
    workspace, _ = places
    with open(workspace / "big.json", "wb") as fh:
        fh.truncate(300 * 2**20)
    tracemalloc.start()
    try:
        before = StructureState.of(workspace, keep=["big.json"])
        why = parse_error(workspace, "big.json")
        shown = head(workspace, "big.json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20, f"{peak:,} bytes allocated"
    assert "big.json" not in before.saved and why is None  # too big to judge: not judged
    assert shown.startswith("big.json (314572800 bytes): a binary file")


# --- plain-function tools run in worker threads, with a deadline --------------------


@tool(deadline=0.5)
def stuck(path: str) -> str:
    """Wait (5 s: for good, as far as a round can tell).

    Args:
        path: a file
    """
    threading.Event().wait(5)
    return "too late"


@tool
def broken(path: str) -> str:
    """Fail.

    Args:
        path: a file
    """
    raise ToolError(f"no {path}")


@tool
def where(ctx: ToolContext) -> str:
    """Say which thread runs a tool."""
    return threading.current_thread().name


async def ticks_during(coro_fn) -> tuple[float, float, object]:
    """(the call's seconds, the event loop's longest pause meanwhile, its result or exception)."""
    gaps: list[float] = []

    async def ticker() -> None:
        while True:
            last = time.monotonic()
            await anyio.sleep(0.02)
            gaps.append(time.monotonic() - last)

    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        started = time.monotonic()
        try:
            out: object = await coro_fn()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            out = exc
        took = time.monotonic() - started
        await anyio.sleep(0.05)
        tg.cancel_scope.cancel()
    return took, max(gaps), out


def test_a_tool_that_never_returns_fails_at_its_deadline_and_the_loop_runs_on(tmp_path):
    ctx = ToolContext(workspace=tmp_path)
    took, pause, out = anyio.run(ticks_during, lambda: stuck.call({"path": "p"}, ctx))
    assert isinstance(out, ToolError) and "stuck did not finish within 0.5 s" in str(out)
    assert 0.4 < took < 2 and pause < 0.3
    # errors come back as they were raised, results as they were returned, from another thread
    _, _, out = anyio.run(ticks_during, lambda: broken.call({"path": "x"}, ctx))
    assert isinstance(out, ToolError) and str(out) == "no x"
    _, _, out = anyio.run(ticks_during, lambda: where.call({}, ctx))
    assert out == "smallclaw tool call" != threading.current_thread().name


def test_a_cancelled_caller_does_not_wait_for_the_thread(tmp_path):
    async def main() -> float:
        started = time.monotonic()
        with anyio.move_on_after(0.2):
            await in_worker_thread(lambda: threading.Event().wait(), deadline=60)
        return time.monotonic() - started

    assert anyio.run(main) < 1


def test_calls_that_hang_do_not_hold_up_the_calls_after_them():
    release = threading.Event()

    async def main() -> float:
        for _ in range(3):
            with pytest.raises(TimeoutError):
                await in_worker_thread(release.wait, deadline=0.2)
        started = time.monotonic()
        assert await in_worker_thread(lambda: 42, deadline=5) == 42
        return time.monotonic() - started

    try:
        assert anyio.run(main) < 0.5
    finally:
        release.set()
