"""The file tools inside the workspace: reading in pages, writing, exact edits, listing, searching."""

from __future__ import annotations

import pytest

from smallclaw_core import ToolError
from smallclaw_shell_tools.tools import edit_file, list_files, read_file, search_files, write_file

pytestmark = pytest.mark.anyio


async def test_write_then_read(workspace, context):
    ctx = context(workspace)
    assert await write_file.call({"path": "notes/a.txt", "content": "héllo\n"}, ctx) == "wrote 7 bytes to notes/a.txt"
    assert await read_file.call({"path": "notes/a.txt"}, ctx) == "héllo"


async def test_long_files_are_read_in_pages(workspace, context):
    (workspace / "long.txt").write_text("".join(f"line {i}\n" for i in range(1, 451)))
    ctx = context(workspace)
    first = await read_file.call({"path": "long.txt"}, ctx)
    assert first.splitlines()[0] == "line 1" and "line 200" in first and "line 201" not in first
    assert first.endswith("[lines 1-200 of 450; read on with start_line=201]")
    last = await read_file.call({"path": "long.txt", "start_line": 401}, ctx)
    assert last.splitlines()[0] == "line 401" and last.endswith("[lines 401-450 of 450]")
    past = await read_file.call({"path": "long.txt", "start_line": 999}, ctx)  # shown from the start, said so
    assert past.splitlines()[0] == "line 1"
    assert past.endswith("[start_line 999 is past the end; lines 1-200 of 450; read on with start_line=201]")
    (workspace / "short.txt").write_text("a\nb\n")
    assert await read_file.call({"path": "short.txt", "start_line": 404}, ctx) == (
        "a\nb\n[start_line 404 is past the end; lines 1-2 of 2]")


async def test_read_errors_say_what_to_do(workspace, context):
    ctx = context(workspace)
    with pytest.raises(ToolError, match="no file 'nope.txt' in the workspace; the workspace is empty"):
        await read_file.call({"path": "nope.txt"}, ctx)
    (workspace / "bin.dat").write_bytes(b"\x00\x01\x02")
    with pytest.raises(ToolError, match="binary"):
        await read_file.call({"path": "bin.dat"}, ctx)
    (workspace / "d").mkdir()
    with pytest.raises(ToolError, match="directory"):
        await read_file.call({"path": "d"}, ctx)


async def test_edit_replaces_one_exact_snippet(workspace, context):
    (workspace / "app.py").write_text("a = 1\nb = 2\nc = 3\n")
    ctx = context(workspace)
    assert await edit_file.call({"path": "app.py", "old": "b = 2", "new": "b = 20"}, ctx) == "edited app.py at line 2"
    assert (workspace / "app.py").read_text() == "a = 1\nb = 20\nc = 3\n"


async def test_edit_refuses_absent_and_ambiguous_snippets(workspace, context):
    (workspace / "app.py").write_text("x = 1\nx = 1\n")
    ctx = context(workspace)
    with pytest.raises(ToolError, match="not found in app.py; read_file it"):
        await edit_file.call({"path": "app.py", "old": "import sys", "new": "y = 2"}, ctx)
    with pytest.raises(ToolError, match="occurs 2 times in app.py; include more lines"):
        await edit_file.call({"path": "app.py", "old": "x = 1", "new": "x = 2"}, ctx)
    with pytest.raises(ToolError, match="old is empty"):
        await edit_file.call({"path": "app.py", "old": "", "new": "x"}, ctx)
    assert (workspace / "app.py").read_text() == "x = 1\nx = 1\n"


async def test_a_snippet_not_found_names_the_closest_line(workspace, context):
    (workspace / "settings.toml").write_text('title = "demo"\nport = 8000\n')
    ctx = context(workspace)
    with pytest.raises(ToolError, match="the closest line is 'port = 8000': copy it exactly as old"):
        await edit_file.call({"path": "settings.toml", "old": "port=8000", "new": "port=9000"}, ctx)
    assert (workspace / "settings.toml").read_text() == 'title = "demo"\nport = 8000\n'


async def test_list_files(workspace, context):
    (workspace / "src" / "pkg").mkdir(parents=True)
    (workspace / "src" / "pkg" / "m.py").write_text("")
    (workspace / "README.md").write_text("")
    ctx = context(workspace)
    assert await list_files.call({}, ctx) == "README.md\nsrc/"
    assert await list_files.call({"recursive": True}, ctx) == "README.md\nsrc/\nsrc/pkg/\nsrc/pkg/m.py"
    assert await list_files.call({"path": "src"}, ctx) == "src/pkg/"
    with pytest.raises(ToolError, match="no directory"):
        await list_files.call({"path": "nowhere"}, ctx)


async def test_list_files_is_capped(workspace, context):
    for i in range(230):
        (workspace / f"f{i:03}.txt").write_text("")
    listing = await list_files.call({}, context(workspace))
    assert listing.count("\n") == 200 and listing.endswith("[30 more not shown; list a subdirectory]")


async def test_search_files(workspace, context):
    (workspace / "a.md").write_text("Total: 3\nnothing\n")
    (workspace / "sub").mkdir()
    (workspace / "sub" / "b.md").write_text("the total is 5\n")
    (workspace / "blob.bin").write_bytes(b"\x00total")
    ctx = context(workspace)
    assert await search_files.call({"text": "total"}, ctx) == "a.md:1: Total: 3\nsub/b.md:1: the total is 5"
    assert await search_files.call({"text": "total", "path": "sub"}, ctx) == "sub/b.md:1: the total is 5"
    assert await search_files.call({"text": "absent"}, ctx) == "no line contains 'absent'"


def test_schemas_stay_small():
    """Small models have small windows: all six tool specs together stay well under 500 tokens."""
    import json

    from smallclaw_shell_tools.tools import TOOLS

    size = sum(len(json.dumps({"name": t.name, "description": t.description, "parameters": t.parameters}))
               for t in TOOLS)
    assert size < 2000, size


async def test_json_written_with_stray_text_after_it_keeps_the_json(workspace, context):
    ctx = context(workspace)
    result = await write_file.call({"path": "person.json", "content": '{"name": "Alice", "age": 30} and done!'}, ctx)
    assert "left out" in result
    assert (workspace / "person.json").read_text() == '{"name": "Alice", "age": 30}\n'
    # not JSON at all, or not a .json file: written as given
    await write_file.call({"path": "bad.json", "content": "name: Alice"}, ctx)
    assert (workspace / "bad.json").read_text() == "name: Alice"
    await write_file.call({"path": "note.txt", "content": '{"a": 1} trailing'}, ctx)
    assert (workspace / "note.txt").read_text() == '{"a": 1} trailing'


async def test_toml_written_on_one_line_gets_its_line_breaks(workspace, context):
    import tomllib

    ctx = context(workspace)
    result = await write_file.call({"path": "settings.toml", "content": 'title = "demo" port = 9000 verbose = false'},
                                   ctx)
    assert "one key per line" in result
    assert tomllib.loads((workspace / "settings.toml").read_text()) == {"title": "demo", "port": 9000,
                                                                        "verbose": False}
    # valid TOML, several lines, or no TOML however split: written as given
    for content in ['title = "a b = c"', 'a = 1\nb = 2', "just words here"]:
        await write_file.call({"path": "other.toml", "content": content}, ctx)
        assert (workspace / "other.toml").read_text() == content


async def test_a_name_that_is_not_there_is_answered_with_the_names_that_are(workspace, context):
    """A small model guesses input names (data.txt); the error shows what the workspace holds, so the
    next call can name a real file instead of listing, or guessing again."""
    ctx = context(workspace)
    (workspace / "scores.txt").write_text("1\n")
    (workspace / "out").mkdir()
    with pytest.raises(ToolError, match=r"no file 'data.txt' in the workspace; the workspace holds: out/, scores.txt$"):
        await read_file.call({"path": "data.txt"}, ctx)
    with pytest.raises(ToolError, match=r"no directory 'data.txt' in the workspace; the workspace holds: out/, scores"):
        await list_files.call({"path": "data.txt"}, ctx)
    for i in range(14):
        (workspace / f"f{i:02}.txt").write_text("")
    with pytest.raises(ToolError, match=r"holds: f00.txt, .*f11.txt and 4 more \(list_files shows them\)$"):
        await read_file.call({"path": "data.txt"}, ctx)
    with pytest.raises(ToolError, match="to create it, use write_file"):  # an edit of a missing file
        await edit_file.call({"path": "data.txt", "old": "a", "new": "b"}, ctx)
