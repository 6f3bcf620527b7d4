"""The one way into a workspace: no symlink followed, no FIFO opened, no read without a cap.

Each test is run twice: with the kernel resolving beneath the workspace (openat2) and
with the component walk that stands in where the kernel has no openat2.
"""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from smallclaw_core.workspace import NotRegular, OutsideWorkspace, TooLarge, Workspace


@pytest.fixture
def layout(tmp_path, resolver):
    """A workspace, and beside it a secret the model must never reach."""
    root = tmp_path / "ws"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("inside\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET\n")
    return Workspace(root), root, outside


def test_reads_and_writes_inside(layout):
    ws, root, _ = layout
    assert ws.read_text("sub/a.txt") == "inside\n"
    assert ws.read_text(str(root / "sub" / "a.txt")) == "inside\n"  # absolute, inside
    ws.write_text("new/deeper/b.txt", "made\n")
    assert (root / "new" / "deeper" / "b.txt").read_text() == "made\n"
    assert ws.is_file("new/deeper/b.txt") and ws.is_dir("new") and not ws.exists("nope")


@pytest.mark.parametrize("path", ["../outside/secret.txt", "sub/../../outside/secret.txt", "~/x", "/etc/passwd"])
def test_ways_out_are_refused(layout, path):
    ws, _, _ = layout
    with pytest.raises(OutsideWorkspace):
        ws.read_bytes(path)
    with pytest.raises(OutsideWorkspace):
        ws.write_text(path, "x")


def test_a_symlink_is_never_followed_last_or_on_the_way(layout):
    ws, root, outside = layout
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "linkdir").symlink_to(outside)
    (root / "inner.txt").symlink_to(root / "sub" / "a.txt")  # even one that stays inside
    for path in ("link.txt", "linkdir/secret.txt", "inner.txt"):
        with pytest.raises(NotRegular):
            ws.read_bytes(path)
    with pytest.raises(NotRegular):
        ws.write_text("linkdir/planted.txt", "x")
    assert not (outside / "planted.txt").exists()
    with pytest.raises(NotRegular):
        ws.make_dirs("linkdir/deeper")
    assert not (outside / "deeper").exists()


def test_writing_over_a_symlink_replaces_the_link_not_its_target(layout):
    ws, root, outside = layout
    (root / "out.txt").symlink_to(outside / "secret.txt")
    ws.write_text("out.txt", "mine\n")
    assert (outside / "secret.txt").read_text() == "SECRET\n"
    assert not (root / "out.txt").is_symlink() and (root / "out.txt").read_text() == "mine\n"


def test_a_hard_link_is_not_written_through(layout):
    ws, root, _ = layout
    os.link(root / "sub" / "a.txt", root / "twin.txt")
    ws.write_text("twin.txt", "changed\n")
    assert (root / "sub" / "a.txt").read_text() == "inside\n"


def test_a_fifo_is_refused_at_once(layout):
    ws, root, _ = layout
    os.mkfifo(root / "p")
    os.mkfifo(root / "x.json")
    started = time.monotonic()
    for name in ("p", "x.json"):
        with pytest.raises(NotRegular, match="FIFO"):
            ws.read_bytes(name)
    assert time.monotonic() - started < 1


def test_a_huge_sparse_file_is_not_read(layout):
    ws, root, _ = layout
    with open(root / "big.txt", "wb") as fh:
        fh.truncate(300 * 2**20)
    with pytest.raises(TooLarge, match="more than"):
        ws.read_bytes("big.txt")
    assert len(ws.read_bytes("big.txt", limit=1000, partial=True)) == 1000


def test_writes_keep_the_mode_and_leave_no_temporary_file(layout):
    ws, root, _ = layout
    (root / "run.sh").write_text("echo hi\n")
    (root / "run.sh").chmod(0o755)
    ws.write_text("run.sh", "echo bye\n")
    assert stat.S_IMODE((root / "run.sh").stat().st_mode) == 0o755
    assert sorted(p.name for p in root.iterdir()) == ["run.sh", "sub"]
    with pytest.raises(IsADirectoryError):
        ws.write_text("sub", "x")


def test_walk_lists_regular_files_and_enters_no_link(layout):
    ws, root, outside = layout
    (root / "linkdir").symlink_to(outside)
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "h.txt").write_text("h")
    os.mkfifo(root / "p")
    assert [name for name, _ in ws.walk()] == [".hidden/h.txt", "sub/a.txt"]
    assert [name for name, _ in ws.walk(hidden=False)] == ["sub/a.txt"]
    assert dict(ws.entries()) == {".hidden": "dir", "link.txt": "link", "linkdir": "link", "p": "other",
                                  "sub": "dir"}


def test_remove_and_rename_stay_inside(layout):
    ws, root, outside = layout
    (root / "link.txt").symlink_to(outside / "secret.txt")
    ws.remove("link.txt")
    assert (outside / "secret.txt").exists() and not (root / "link.txt").exists()
    ws.rename("sub/a.txt", "moved/a.txt")
    assert (root / "moved" / "a.txt").read_text() == "inside\n"
    with pytest.raises(OutsideWorkspace):
        ws.rename("moved/a.txt", "../outside/a.txt")


def test_a_folder_swapped_for_a_symlink_meanwhile_never_leads_out(layout):
    """An attacker swaps a folder and a symlink to the outside as fast as it can (rename
    over, back and forth) while files are read and written 200 times each."""
    ws, root, outside = layout
    (root / "sub" / "secret.txt").write_text("decoy\n")
    (root / "evil").symlink_to(outside)
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            try:
                os.rename(root / "sub", root / "tmp")
                os.rename(root / "evil", root / "sub")
                os.rename(root / "sub", root / "evil")
                os.rename(root / "tmp", root / "sub")
            except OSError:
                pass

    attacker = threading.Thread(target=swap)
    attacker.start()
    leaked = 0
    try:
        for i in range(200):
            try:
                if ws.read_bytes("sub/secret.txt") == b"SECRET\n":
                    leaked += 1
            except OSError:
                pass
            try:
                ws.write_text(f"sub/w{i}.txt", "x")
            except OSError:
                pass
    finally:
        stop.set()
        attacker.join()
    assert leaked == 0
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_walk_names_links_fifos_and_folders_and_big_files_stream(layout):
    """What snapshots need: every entry with its own stat, and files of any size read and written in chunks."""
    ws, root, outside = layout
    (root / "link").symlink_to(outside)
    os.mkfifo(root / "p")
    found = {name: stat.S_IFMT(st.st_mode) for name, st in ws.walk(others=True)}
    assert found == {"link": stat.S_IFLNK, "p": stat.S_IFIFO, "sub": stat.S_IFDIR, "sub/a.txt": stat.S_IFREG}
    assert [name for name, _ in ws.walk()] == ["sub/a.txt"]
    big = os.urandom(3 * 2**20 + 5)
    ws.write_bytes("big.bin", iter([big[:10], big[10:]]))
    assert b"".join(ws.stream("big.bin", chunk=2**20)) == big
    for path in ("link/secret.txt", "p"):
        with pytest.raises(NotRegular):
            list(ws.stream(path))
