"""Step verification: the context a verifier sees and the verdict it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import attrs


#: how a verdict's reason names the one call that would fix the step (see :func:`fix_hint`)
FIX_PREFIX = "To fix it, call "


def fix_hint(tool: str, **arguments: str) -> str:
    """A reason's last line naming the call that fixes the step, for a verifier that knows it.

    Small models act on an instruction to make one call, with its arguments spelled
    out, far more often than on a description of what is wrong (a 0.5B model given
    the whole file as it should be: 0 of 8 wrote it; told "call write_file with path
    ... and this content": 8 of 8). The last argument goes on lines of its own, so a
    file's content or a command is copied as it is.

        fix_hint("run_shell", command="wc -l < data.txt > count.txt")
    """
    *first, last = arguments.items()
    named = " and ".join(f'{k} "{v}"' for k, v in first)
    return f"\n{FIX_PREFIX}{tool} with {named + ' and ' if named else ''}this {last[0]}:\n{last[1]}"


@attrs.define
class Verdict:
    """A verifier's judgement of the current step.

    ``passed`` is the answer; ``reason`` one sentence the executor sees when it is NO.
    ``decisive`` marks evidence strong enough to advance without asking a model.
    """

    passed: bool
    reason: str
    source: str = ""
    decisive: bool = False


@attrs.define
class StepContext:
    """What a verifier gets: the task, the current step, and the evidence of the work on it."""

    task: Any
    step_index: int
    workspace: Path
    #: the executor's final answer of the round
    answer: str = ""
    #: the tool calls and results of the round, as journal entries
    evidence: list[Any] = attrs.field(factory=list)
    app: Any = None
    #: the tool calls and results of every round of this step so far, this round's included
    step_evidence: list[Any] = attrs.field(factory=list)
    #: files (relative to the workspace) changed since the step started, newest first
    changed: list[str] = attrs.field(factory=list)
    #: the structured files that parsed when the round started (a ``StructureState``)
    before: Any = None

    @property
    def step(self) -> Any:
        return self.task.steps[self.step_index]

    @property
    def files(self) -> Any:
        """The workspace as a ``smallclaw_core.Workspace``: open files through it, never by name."""
        from .workspace import Workspace

        return Workspace(self.workspace)


class Verifier(Protocol):
    name: str
    order: int

    async def verify(self, ctx: StepContext) -> Verdict | None: ...


@attrs.define
class LoopVerdict:
    """A loop detector's answer about a tool call: allow, warn, block or pause."""

    action: str = "allow"
    message: str = ""


class LoopDetector(Protocol):
    name: str

    def before_call(self, call: Any, state: dict) -> LoopVerdict: ...

    def after_call(self, call: Any, result: str, state: dict) -> LoopVerdict | None: ...
