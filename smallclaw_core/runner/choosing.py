"""What a step whose attempts did not agree shows the user: each attempt's files, to pick one
(``smallclaw task pick``), and what stopped them, to fix. An attempt is ``attempts.Attempt``."""

from __future__ import annotations

import re
from typing import Any

from smallclaw_core.tasks import Task

from .evidence import common_failure


#: what one file of a candidate may hold in the journal (larger ones are named, not kept)
CANDIDATE_BYTES = 64 * 1024


def candidate(a: Any) -> dict[str, Any]:
    """An attempt as the user sees it to pick it: its files' new text (None: removed, or named in
    ``not_kept`` with why when too large or not text, and then ``kept`` is False: it cannot be picked)."""
    change: dict[str, str | None] = dict.fromkeys(a.change)
    not_kept: dict[str, str] = {}
    for path, data in ((p, d) for p, d in a.change.items() if d is not None):
        try:
            if len(data) > CANDIDATE_BYTES:
                not_kept[path] = f"{len(data)} bytes, larger than the {CANDIDATE_BYTES // 1024} KB kept"
            else:
                change[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            not_kept[path] = f"not text ({len(data)} bytes)"
    if getattr(a, "predicted", None):  # it said what a script prints: no file to take
        not_kept[a.predicted[0]] = "what the script should print, said without writing it"
    return {"attempt": a.number, "failed": a.failed, "summary": a.summary(), "change": change,
            "kept": not not_kept, "not_kept": not_kept}


#: the attempts' results a pause lists (the model's text, which says nothing of this machine)
_LISTED = re.compile(r"did not agree on a result \(.*?\)\. Pick one with", re.S)


def without_candidates(reason: str) -> str:
    """A pause's reason without the results of the attempts it lists: what SmallClaw itself said."""
    return _LISTED.sub("", reason)


def ask_to_choose(driver: Any, task: Task, tried: list[Any]) -> bool:
    """No two attempts agreed: the task pauses with what each made, for the user to pick, edit or hint."""
    app, step_i = driver.app, task.current_step
    voting = [a for a in tried if a.failed is None]
    candidates = [candidate(a) for a in tried]
    app.tasks.journal(task.id, "candidates", {"step": step_i, "candidates": candidates}, step=step_i,
                      round=task.rounds)
    if voting:
        shown = "; ".join(f"#{a.number}: {a.summary(80)}" for a in voting)
        reason = (f"{len(tried)} independent attempts at step {step_i + 1} did not agree on a result ({shown}). "
                  f"Pick one with `smallclaw task pick {task.id} N`, or resume with a hint.")
    else:
        reason = (f"{len(tried)} attempts at step {step_i + 1} failed; the last: {tried[-1].failed}" if tried
                  else f"step {step_i + 1} could not be attempted")
    blocker = common_failure([a.evidence for a in tried])  # what stopped them all is what the user needs
    return driver.needs_user(task.id, reason + (f" The same failure in {blocker[0]} of {len(tried)} attempts: "
                                                f"{blocker[1]}" if blocker else ""))
