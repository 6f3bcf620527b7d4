"""A SmallClaw plugin adding one tool: count the words of a file in the task's workspace."""

from pathlib import Path

from smallclaw_core import ToolContext, ToolError, hookimpl, tool


@tool
def count_words(path: str, ctx: ToolContext) -> str:
    """Count the words in a text file of the workspace.

    Args:
        path: file path, relative to the workspace
    """
    root = Path(ctx.workspace).resolve()
    file = (root / path).resolve()
    if not file.is_relative_to(root):
        raise ToolError("paths are relative to the workspace and cannot leave it")
    if not file.is_file():
        raise ToolError(f"there is no file {path!r}; check the name")
    return f"{path}: {len(file.read_text().split())} words"


@hookimpl
def register_tools(register):
    register(count_words)
