"""What a step's verdict means for the task: advance, try again, or ask the user. Pure, no I/O.

    decision = decide(task, verdict, progress, config)

``progress`` says whether the round did something not seen before on this step (a new
call or a new result). A YES advances. A NO is fed back to the executor for another
try. The task needs the user, with a reason that says what the check found missing,
when the step was checked ``verify_retries`` times in a row and the last round made
no progress, after ``step_attempts`` NOs in a row whatever the progress, or after
``no_progress_rounds`` rounds in a row without progress. A small model that gets a
precise NO ("count.txt holds 10, but no tool printed that number") often needs a
few tries, each a different one: those are not counted against it.
"""

from __future__ import annotations

from typing import Any

import attrs

from smallclaw_core.tasks import Counters, Task
from smallclaw_core.verification import Verdict

ADVANCE = "advance"
RETRY = "retry"
PAUSE = "pause"


@attrs.frozen
class Decision:
    #: ADVANCE, RETRY or PAUSE
    action: str
    #: the verdict's reason, or why the task needs the user
    reason: str
    #: the task's counters after this verdict
    counters: Counters


def decide(task: Task, verdict: Verdict, progress: bool, config: Any) -> Decision:
    """The next move after ``verdict`` on the task's current step (``config`` is ``[runner]``)."""
    counters = task.counters
    if verdict.passed:
        fresh = attrs.evolve(counters, failed_checks=0, no_progress_rounds=0, transport_failures=0, seen=[])
        return Decision(ADVANCE, verdict.reason, fresh)
    failed = counters.failed_checks + 1
    stalled = 0 if progress else counters.no_progress_rounds + 1
    after = attrs.evolve(counters, failed_checks=failed, no_progress_rounds=stalled, transport_failures=0)
    if (failed >= config.verify_retries and not progress) or failed >= config.step_attempts:
        return Decision(PAUSE, f"step {task.current_step + 1} was checked {failed} times and is not done: "
                               f"{verdict.reason}", after)
    if stalled >= config.no_progress_rounds:
        return Decision(PAUSE, f"no progress in {stalled} rounds: {verdict.reason}", after)
    return Decision(RETRY, verdict.reason, after)
