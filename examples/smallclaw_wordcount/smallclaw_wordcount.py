"""A SmallClaw plugin adding one tool: count the words of a file in the task's workspace."""

from smallclaw_core import ToolContext, ToolError, hookimpl, tool


@tool
def count_words(path: str, ctx: ToolContext) -> str:
    """Count the words in a text file of the workspace.

    Args:
        path: file path, relative to the workspace
    """
    try:
        text = ctx.files.read_text(path, errors="replace")
    except FileNotFoundError:
        raise ToolError(f"there is no file {path!r}; check the name") from None
    except OSError as exc:  # outside the workspace, a symlink, not a regular file, too big
        raise ToolError(str(exc)) from None
    return f"{path}: {len(text.split())} words"


@hookimpl
def register_tools(register):
    register(count_words)
