"""Step verification: the context a verifier sees and the verdict it returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import attrs


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
