"""Snapshots and changes of a workspace: what a step created, changed and removed, applied elsewhere, reverted.

Real files on the real filesystem, read and written through ``Workspace``; reads are
counted where cheapness is the point.
"""

from __future__ import annotations

import os
import stat
import time

import pytest

import anyio

from smallclaw_core import ToolContext, Workspace, tool
from smallclaw_core.changes import Action, Change, ChangeConflict
from smallclaw_core.kept import KeptInFolder, KeptInMemory, Kind
from smallclaw_core.snapshots import LOST, Snapshot, copy_workspace
from smallclaw_core.workspace import before_change
from smallclaw_core.workspace import NotRegular

CAP = 1000  # keep_bytes in these tests


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "notes.txt").write_text("one\ntwo\nthree\n")
    (root / "data.json").write_text('{"a": 1}\n')
    (root / "old.txt").write_text("to be removed\n")
    (root / "pic.bin").write_bytes(bytes(range(256)))
    (root / "big.log").write_bytes(b"x" * (CAP * 3))
    (root / "sub").mkdir()
    (root / "sub" / "deep.txt").write_text("deep\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


@pytest.fixture
def reads(monkeypatch):
    """Every file read through a Workspace, by path."""
    seen: list[str] = []
    original_read, original_stream = Workspace.read_bytes, Workspace.stream

    def read_bytes(self, path, **kw):
        seen.append(str(path))
        return original_read(self, path, **kw)

    def stream(self, path, **kw):
        seen.append(str(path))
        return original_stream(self, path, **kw)

    monkeypatch.setattr(Workspace, "read_bytes", read_bytes)
    monkeypatch.setattr(Workspace, "stream", stream)
    return seen


def edit(root):
    """A step's work: created, edited, removed, renamed, a binary and a big file changed, a folder made."""
    (root / "notes.txt").write_text("one\nTWO\nthree\nfour\n")
    (root / "new.txt").write_text("brand new\n")
    (root / "old.txt").unlink()
    os.rename(root / "sub" / "deep.txt", root / "sub" / "moved.txt")
    (root / "pic.bin").write_bytes(bytes(range(255, -1, -1)))
    (root / "big.log").write_bytes(b"y" * (CAP * 4))
    (root / "out").mkdir()
    (root / "out" / "r.csv").write_text("a,b\n")
    (root / ".git" / "HEAD").write_text("changed, never tracked\n")


def test_a_change_lists_created_changed_and_removed_with_diffs(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    edit(tree)
    change = snap.change()
    by_path = {f.path: f for f in change.files}
    assert {p for p, f in by_path.items() if f.action == Action.CREATED} == {"new.txt", "sub/moved.txt", "out",
                                                                             "out/r.csv"}
    assert {p for p, f in by_path.items() if f.action == Action.REMOVED} == {"old.txt", "sub/deep.txt"}
    assert {p for p, f in by_path.items() if f.action == Action.CHANGED} == {"notes.txt", "pic.bin", "big.log"}
    assert not any(p.startswith(".git") for p in by_path)
    notes = by_path["notes.txt"]
    assert "-two\n+TWO\n" in notes.diff and "+four\n" in notes.diff and notes.diff.startswith("--- a/notes.txt")
    assert by_path["new.txt"].diff.startswith("--- /dev/null\n+++ b/new.txt")
    assert "-to be removed" in by_path["old.txt"].diff
    pic = by_path["pic.bin"]
    assert pic.binary and pic.diff is None and pic.before.kept and pic.after.kept
    big = by_path["big.log"]
    assert big.before.size == CAP * 3 and big.after.size == CAP * 4 and big.diff is None
    assert not big.before.kept and "too large to keep" in big.before.note
    assert not big.after.kept and big.after.sha256  # hashed, so a later revert knows it
    assert by_path["out"].after.kind == Kind.DIR
    data = change.to_data()
    assert (data["created"], data["changed"], data["removed"]) == (4, 3, 2)


def test_only_files_whose_stat_changed_are_read(tree, reads):
    ws = Workspace(tree)
    first = Snapshot.take(ws, keep_bytes=CAP)
    assert sorted(reads) == ["data.json", "notes.txt", "old.txt", "pic.bin", "sub/deep.txt"]  # big.log: too large
    time.sleep(1.05)
    # the fixture wrote the files within a second of the first walk: read once more, then trusted
    second = Snapshot.take(ws, keep_bytes=CAP, base=first)
    reads.clear()
    again = Snapshot.take(ws, keep_bytes=CAP, base=second)
    assert reads == []  # everything known from the base
    (tree / "notes.txt").write_text("changed\n")
    change = again.change()
    assert reads == ["notes.txt"] and [f.path for f in change.files] == ["notes.txt"]


def test_a_touched_file_with_the_same_bytes_is_no_change(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "notes.txt").write_text("one\ntwo\nthree\n")
    os.utime(tree / "data.json")
    assert not snap.change()
    os.chmod(tree / "notes.txt", 0o755)
    [f] = snap.change().files
    assert f.path == "notes.txt" and f.after.mode == 0o755 and f.before.sha256 == f.after.sha256


def test_a_racy_stat_is_not_trusted(tree, reads):
    """A file written within a second of the base's walk is read again, even if its stat looks the same."""
    ws = Workspace(tree)
    base = Snapshot.take(ws, keep_bytes=CAP)
    reads.clear()
    Snapshot.take(ws, keep_bytes=CAP, base=base, lazy=False)
    assert "notes.txt" in reads  # written by the fixture just now: not trusted


def test_links_fifos_and_sockets_are_named_never_opened(tree, tmp_path, reads):
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET\n")
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "link.txt").symlink_to(outside)
    (tree / "dirlink").symlink_to(tmp_path)
    os.mkfifo(tree / "pipe.json")
    started = time.monotonic()
    change = snap.change()
    assert time.monotonic() - started < 2
    kinds = {f.path: f.after.kind for f in change.files}
    assert kinds == {"link.txt": Kind.LINK, "dirlink": Kind.LINK, "pipe.json": Kind.FIFO}
    assert not any(r in ("link.txt", "pipe.json", "dirlink") for r in reads)
    assert "SECRET" not in str(change.to_data())
    change.revert(ws)  # what the change made is removed; what they point to is untouched
    assert not (tree / "link.txt").is_symlink() and not (tree / "pipe.json").exists() and outside.exists()


def test_revert_puts_back_exactly_the_before_state(tree):
    ws = Workspace(tree)
    before = {p: (tree / p).read_bytes() for p in ("notes.txt", "data.json", "old.txt", "pic.bin", "sub/deep.txt")}
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "notes.txt").chmod(0o700)
    edit(tree)
    change = snap.change()
    assert change.revert(ws, force=True)  # big.log's earlier bytes were not kept: forced
    for path, data in before.items():
        assert (tree / path).read_bytes() == data
    assert stat.S_IMODE((tree / "notes.txt").stat().st_mode) == 0o644
    assert not (tree / "new.txt").exists() and not (tree / "out").exists() and not (tree / "sub" / "moved.txt").exists()
    assert (tree / "big.log").read_bytes() == b"y" * (CAP * 4)  # named as not put back, left as it was


def test_revert_refuses_naming_the_files_changed_since(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "notes.txt").write_text("the step's\n")
    (tree / "new.txt").write_text("made by the step\n")
    change = snap.change()
    (tree / "notes.txt").write_text("the user's own edit\n")
    with pytest.raises(ChangeConflict) as refused:
        change.revert(ws)
    assert refused.value.files == ["notes.txt"] and "notes.txt" in str(refused.value)
    assert (tree / "notes.txt").read_text() == "the user's own edit\n"
    assert (tree / "new.txt").exists()  # nothing was written
    change.revert(ws, force=True)
    assert (tree / "notes.txt").read_text() == "one\ntwo\nthree\n" and not (tree / "new.txt").exists()


def test_revert_never_writes_through_a_planted_symlink(tree, tmp_path):
    ws = Workspace(tree)
    outside = tmp_path / "outside"
    outside.mkdir()
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "sub" / "deep.txt").write_text("changed\n")
    change = snap.change()
    os.rename(tree / "sub", tree / "sub.old")
    (tree / "sub").symlink_to(outside)
    with pytest.raises(ChangeConflict) as refused:
        change.revert(ws)
    assert "sub/deep.txt" in refused.value.files
    change.revert(ws, force=True)
    assert list(outside.iterdir()) == []


def test_apply_makes_another_tree_what_the_change_left(tree, tmp_path):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    copy = copy_workspace(snap, tmp_path / "copy")
    edit(tree)
    change = snap.change()
    assert change.apply(Workspace(tmp_path / "copy")) == []
    again = Snapshot.take(Workspace(tmp_path / "copy"), keep_bytes=CAP)
    mine = Snapshot.take(ws, keep_bytes=CAP)
    assert {p: s.sha256 for p, s in again.seen.items()} == {p: s.sha256 for p, s in mine.seen.items()
                                                             if not p.startswith(".git")}
    assert (tmp_path / "copy" / "big.log").read_bytes() == b"y" * (CAP * 4)  # from the source tree: not kept
    assert copy.change(Workspace(tmp_path / "copy")).same_effect(change)


def test_a_throwaway_copy_and_its_snapshot_cost_one_read_each(tree, tmp_path, reads):
    snap = Snapshot.take(Workspace(tree), keep_bytes=CAP, lazy=True)
    reads.clear()
    copy = copy_workspace(snap, tmp_path / "attempt")
    copied = len(reads)
    assert copied == 6  # each file once (big.log streamed), nothing of .git
    assert not (tmp_path / "attempt" / ".git").exists()
    reads.clear()
    (tmp_path / "attempt" / "notes.txt").write_text("attempt\n")
    change = copy.change()
    assert reads == ["notes.txt"] and [f.path for f in change.files] == ["notes.txt"]
    assert change.files[0].before.kept  # the copy's before-bytes were kept as they were copied


def test_equal_effects_from_independent_attempts(tree, tmp_path):
    snap = Snapshot.take(Workspace(tree), keep_bytes=CAP)
    attempts = [copy_workspace(snap, tmp_path / f"a{i}") for i in range(3)]
    for i, copy in enumerate(attempts):
        root = tmp_path / f"a{i}"
        (root / "out.txt").write_text("42\n" if i < 2 else "41\n")
        if i == 1:
            (root / "notes.txt").write_text("one\ntwo\nthree\n")  # rewritten with the same bytes: no effect
    a, b, c = (copy.change() for copy in attempts)
    assert a.same_effect(b) and not a.same_effect(c)
    assert a.effect == b.effect and len({a.effect, b.effect, c.effect}) == 2


def test_lazy_keep_before_a_tool_write_and_lost_without_one(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP, lazy=True)
    assert all(s.sha256 is None for s in snap.seen.values())
    with snap.watching():
        before_change(tree, "notes.txt")  # what Tool.call does for write_file(path="notes.txt")
        (tree / "notes.txt").write_text("tool wrote this\n")
        (tree / "data.json").write_text("[]\n")  # written without a word: its bytes are lost
        ws.write_text("old.txt", "rewritten\n")  # through Workspace: kept first, whoever writes
        ws.remove("sub/deep.txt")
    before_change(tree)  # not watched any more: nothing happens
    change = snap.change()
    notes, data = (next(f for f in change.files if f.path == p) for p in ("notes.txt", "data.json"))
    assert notes.before.kept and "-one" in notes.diff
    assert not data.before.kept and data.before.note == LOST
    assert all(f.before.kept for f in change.files if f.path in ("old.txt", "sub/deep.txt"))
    with pytest.raises(ChangeConflict, match="data.json"):
        change.revert(ws)


def test_a_side_effecting_tool_keeps_everything_first_and_a_file_tool_its_file(tree):
    @tool(side_effects=True, writes="path")
    def write_one(path: str, ctx: ToolContext) -> str:
        """Write a file."""
        (ctx.workspace / path).write_text("written\n")
        return "ok"

    @tool(side_effects=True)
    def anything(ctx: ToolContext) -> str:
        """Change files."""
        return "ok"

    ctx = ToolContext(workspace=tree)
    snap = Snapshot.take(Workspace(tree), keep_bytes=CAP, lazy=True)
    with snap.watching():
        anyio.run(write_one.call, {"path": "notes.txt"}, ctx)
        assert [p for p, s in snap.seen.items() if s.sha256] == ["notes.txt"]
        anyio.run(anything.call, {}, ctx)
    assert {p for p, s in snap.seen.items() if s.kind == Kind.FILE and s.sha256} == {
        "notes.txt", "data.json", "old.txt", "pic.bin", "sub/deep.txt"}
    with pytest.raises(ValueError, match="names no argument"):
        tool(side_effects=True, writes="target")(write_one.function)


def test_kept_in_a_folder_is_whole_and_shared(tmp_path, tree):
    kept = KeptInFolder(tmp_path / "kept")
    ws = Workspace(tree)
    snap = Snapshot.take(ws, kept=kept, keep_bytes=CAP)
    (tree / "notes.txt").write_text("new\n")
    change = snap.change()
    restored = Snapshot.from_data(ws, snap.to_data(), kept=KeptInFolder(tmp_path / "kept"), keep_bytes=CAP)
    assert restored.change().same_effect(change)
    assert not list((tmp_path / "kept").rglob("*.tmp"))
    assert KeptInMemory().get("0" * 64) is None and kept.get("../../etc") is None


def test_a_folder_replaced_by_a_file_and_back(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "sub" / "deep.txt").unlink()
    (tree / "sub").rmdir()
    (tree / "sub").write_text("now a file\n")
    change = snap.change()
    assert {f.path: f.action for f in change.files} == {"sub": Action.CHANGED, "sub/deep.txt": Action.REMOVED}
    change.revert(ws)
    assert (tree / "sub" / "deep.txt").read_text() == "deep\n"


def test_a_big_workspace_is_walked_up_to_its_limit(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(30):
        (root / f"f{i:02}.txt").write_text(str(i))
    snap = Snapshot.take(Workspace(root), keep_bytes=CAP, limit=10)
    assert len(snap.seen) == 10 and snap.truncated and snap.change().truncated


def test_not_regular_refused_by_the_workspace_is_what_a_symlink_gets(tree, tmp_path):
    (tree / "l").symlink_to(tmp_path)
    with pytest.raises(NotRegular):
        Workspace(tree).read_bytes("l/ws/notes.txt")


def test_the_diffs_of_a_change_stop_at_their_cap(tree):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, keep_bytes=CAP)
    (tree / "data.json").write_text("".join(f'{{"n": {i}}}\n' for i in range(40)))
    (tree / "notes.txt").write_text("other\n")
    first, second = snap.change(diff_bytes=200).files
    assert first.path == "data.json" and first.diff_cut and 0 < len(first.diff) <= 200
    assert first.diff.endswith("\n") and second.diff is None and second.diff_cut
    assert all(f.diff and not f.diff_cut for f in snap.change().files)


def test_a_revert_whose_kept_bytes_are_gone_is_refused(tree, tmp_path):
    ws = Workspace(tree)
    snap = Snapshot.take(ws, kept=KeptInFolder(tmp_path / "kept"), keep_bytes=CAP)
    (tree / "notes.txt").write_text("changed\n")
    change = snap.change()
    for blob in (tmp_path / "kept").iterdir():
        blob.unlink()  # a power cut, or the undo runs on a host that did not keep them
    journaled = Change.from_data(change.to_data(), KeptInFolder(tmp_path / "kept"))  # as an undo reads it
    with pytest.raises(ChangeConflict, match="notes.txt \\(its kept bytes are not here"):
        journaled.revert(ws)
    assert (tree / "notes.txt").read_text() == "changed\n"
