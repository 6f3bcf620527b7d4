"""Confinement: every file tool refuses paths that leave the workspace, and says why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smallclaw_core import ToolError
from smallclaw_shell_tools.tools import edit_file, list_files, read_file, search_files, write_file
from smallclaw_shell_tools.workspace import OutsideWorkspace, inside

pytestmark = pytest.mark.anyio


def escapes(outside: Path) -> list[str]:
    secret = outside / ".ssh" / "id_rsa"
    return [
        "../home/.ssh/id_rsa",
        "sub/../../home/.ssh/id_rsa",
        str(secret),
        "/etc/passwd",
        f"/proc/self/root{secret}",
        "/proc/self/root/etc/passwd",
        "~/.ssh/id_rsa",
        "link_out/.ssh/id_rsa",
        "secret_link",
        "proc_root/etc/passwd",
    ]


@pytest.fixture
def links(workspace: Path, outside: Path) -> None:
    (workspace / "sub").mkdir()
    (workspace / "link_out").symlink_to(outside)
    (workspace / "secret_link").symlink_to(outside / ".ssh" / "id_rsa")
    (workspace / "proc_root").symlink_to("/proc/self/root")


@pytest.mark.usefixtures("links")
@pytest.mark.parametrize("index", range(10))
async def test_read_refuses_escapes(workspace, outside, index, context, secret):
    path = escapes(outside)[index]
    with pytest.raises(OutsideWorkspace) as caught:
        await read_file.call({"path": path}, context(workspace))
    assert "relative to the task's workspace" in str(caught.value)
    assert secret not in str(caught.value)


@pytest.mark.usefixtures("links")
async def test_every_file_tool_refuses_escapes(workspace, outside, context, secret):
    ctx = context(workspace)
    before = (outside / ".ssh" / "id_rsa").read_text()
    for path in escapes(outside):
        for t, args in ((write_file, {"path": path, "content": "pwned"}),
                        (edit_file, {"path": path, "old": secret, "new": "pwned"}),
                        (list_files, {"path": path}),
                        (search_files, {"text": "SECRET", "path": path})):
            with pytest.raises(ToolError, match="outside the workspace"):
                await t.call(args, ctx)
    assert (outside / ".ssh" / "id_rsa").read_text() == before
    assert not (outside / "pwned").exists()


@pytest.mark.usefixtures("links")
async def test_search_does_not_follow_symlinks_out(workspace, context, secret):
    (workspace / "notes.txt").write_text("nothing to see here\n")
    result = await search_files.call({"text": "KEY-MATERIAL"}, context(workspace))
    assert secret not in result
    assert "no line contains" in result


async def test_paths_inside_are_fine(workspace, context):
    (workspace / "a").mkdir()
    (workspace / "a" / "b.txt").write_text("x")
    (workspace / "link_in").symlink_to(workspace / "a")
    assert inside(workspace, "a/../a/b.txt") == (workspace / "a" / "b.txt").resolve()
    assert inside(workspace, str(workspace / "a" / "b.txt")) == (workspace / "a" / "b.txt").resolve()
    assert inside(workspace, "link_in/b.txt") == (workspace / "a" / "b.txt").resolve()
    assert inside(workspace, ".") == workspace.resolve()
    ctx = context(workspace)
    assert await read_file.call({"path": "a/b.txt"}, ctx) == "x"
    assert await read_file.call({"path": str(workspace / "a" / "b.txt")}, ctx) == "x"
    # the file tools follow no link, even one that stays inside: the model names the file itself
    with pytest.raises(ToolError, match="symbolic link, which the file tools do not follow.*name the file itself"):
        await read_file.call({"path": "link_in/b.txt"}, ctx)


async def test_a_symlink_in_place_of_the_file_is_never_written_through(workspace, outside, context):
    """write_file refuses a link where the file should be; a link planted after that check is
    replaced by the new file (it is renamed over it), never written through."""
    from smallclaw_shell_tools.tools import _write_text
    from smallclaw_shell_tools.workspace import workspace_files

    (workspace / "late").symlink_to(outside / "planted")
    with pytest.raises(ToolError, match="symbolic link"):
        await write_file.call({"path": "late", "content": "pwned"}, context(workspace))
    assert not (outside / "planted").exists()
    ws = workspace_files(workspace)
    real_stat = ws.stat
    ws.stat = lambda path: None  # the link appears between the check and the write
    _write_text(ws, "late", "mine")
    ws.stat = real_stat
    assert not (outside / "planted").exists()
    assert not (workspace / "late").is_symlink() and (workspace / "late").read_text() == "mine"


def test_nul_in_path_is_refused(workspace):
    with pytest.raises(ToolError):
        inside(workspace, "a\x00b")


def test_relative_workspace_is_resolved(workspace, monkeypatch):
    monkeypatch.chdir(workspace.parent)
    assert inside(Path(workspace.name), "x") == workspace.resolve() / "x"
    with pytest.raises(OutsideWorkspace):
        inside(Path(workspace.name), os.path.join("..", "x"))
