"""The tools of an attempt: confined to its throwaway copy, and speaking of the workspace, not the copy.

A tool whose effects stay in the workspace (``Tool.confined``), or that has none, runs as
usual in the copy; any other (a message sent, a server posted to) would act once per
attempt, so it is offered but not run. What the tools print names files relative to the
workspace: told a traceback's path in the copy, the next attempt wrote to a copy that was
no longer its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from smallclaw_core.chat import NOT_RUN
from smallclaw_core.tasks import JournalEntry
from smallclaw_core.errors import ToolError
from smallclaw_core.tools import ToolContext, ToolFailure


def attempt_tools(tools: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    """The tools of an attempt: those whose effects stay in the workspace copy (``Tool.confined``) or
    that have none run as usual; any other (a message sent, a server posted to) would act once per
    attempt, so it is offered but not run (``held_back``): calling it ends the attempts of the step.
    What they print names files relative to the workspace, not by the copy's path (``_in_copy``)."""
    kept = {n: t if not t.side_effects or t.confined else attrs.evolve(t, function=_held_back(n), side_effects=False,
                                                                       wants_context=False)
            for n, t in tools.items()}
    return kept if folder is None else {n: _in_copy(t, folder) for n, t in kept.items()}


def _in_copy(tool: Any, folder: Path) -> Any:
    """``tool`` with its output and errors saying ``hello.py`` where they said ``<folder>/hello.py`` (told a
    traceback's path, the next attempt wrote to a copy no longer its own, and each call was refused)."""
    def relative(text: str) -> str:
        for prefix in {str(folder), str(folder.resolve())}:
            text = text.replace(prefix + "/", "").replace(prefix, ".")
        return text

    async def call(ctx: ToolContext | None = None, **arguments: Any) -> str:
        try:
            output = await tool.call(arguments, ctx)
        except ToolError as exc:
            raise ToolError(relative(str(exc))) from None
        return type(output)(relative(output)) if isinstance(output, ToolFailure) else relative(output)

    return attrs.evolve(tool, function=call, wants_context=True)


def _held_back(name: str) -> Any:
    return lambda **_: (f"{NOT_RUN}{name} acts outside the workspace, so it is not run in a trial; the step "
                        f"continues with every tool in the next round.")


def held_back_calls(tools: dict[str, Any], evidence: list[JournalEntry]) -> list[str]:
    """The tools an attempt called that act outside the workspace (not run there)."""
    outside = {n for n, t in tools.items() if t.side_effects and not t.confined}
    return sorted({e.data.get("name") for e in evidence if e.kind == "tool_call"} & outside)
