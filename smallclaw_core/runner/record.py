"""What the record of a finished task shows, for the top of its summary: facts first.

A small model's summary says what it believes was done ("I verified the file"), and it
is shown what the task's calls printed, throwaway attempts' included. The user hears,
before any of that, what the journal holds: the files the task changed (its journaled
changes, less those undone) and how each step came to count as done (a check that ran
and passed, attempts that made the same change, the user's pick, or only the verifier
model's word). Nothing here is a model's.
"""

from __future__ import annotations

from typing import Any

from smallclaw_core.chat import cut_middle
from smallclaw_core.tasks import PICKED, JournalEntry, Task
from smallclaw_core.undo import History

#: how a step's passing verification is told, by its source (others: the source's name and its reason)
_BY = {
    "check": "{reason}",
    "agreement": "{by}",
    "model": "judged done by the verifier model, with no check run ({reason})",
}


def files_changed(app: Any, task_id: str, journal: list[JournalEntry] | None = None) -> list[str]:
    """``"vegan.txt (created, 93 bytes)"`` for every path the task's live changes leave changed, in order
    (``journal``: the task's entries, where the caller has read them)."""
    first: dict[str, dict] = {}
    last: dict[str, dict] = {}
    for entry in History.of(journal if journal is not None else app.store.journal(task_id)).live():
        for f in entry.data.get("files", []):
            first.setdefault(f["path"], f)
            last[f["path"]] = f
    out = []
    for path, f in first.items():
        before, after = f.get("before"), last[path].get("after")
        if before is None and after is None:
            continue  # made and removed again
        shown = path + ("/" if (after or before).get("kind") == "dir" else "")
        if after is None:
            out.append(f"{shown} (removed)")
            continue
        size = after.get("size")
        what = "created" if before is None else "changed"
        out.append(f"{shown} ({what}{f', {size} bytes' if isinstance(size, int) and after.get('kind') == 'file' else ''})")
    return out


def how_done(app: Any, task: Task, journal: list[JournalEntry] | None = None) -> list[str]:
    """For each done step, how it came to count as done, from its last passing verification (or the pick)."""
    passed: dict[int, dict] = {}
    for e in journal if journal is not None else app.store.journal(task.id):
        if e.kind == "verification" and e.data.get("passed") and e.data.get("source") not in ("attempt", "goal") \
                and isinstance(e.data.get("step"), int):
            passed[e.data["step"]] = e.data
    lines = []
    for i, step in enumerate(task.steps):
        if step.state != "done":
            continue
        picked = next((n for n in reversed(step.notes) if n.startswith(PICKED)), None)
        data = passed.get(i)
        if picked:
            how = picked.split(":", 1)[0]
        elif data is None:
            how = "no verification is recorded"
        else:
            reason = str(data.get("reason", ""))
            by = data.get("by") or reason
            how = _BY.get(data.get("source"), "{source}: {reason}").format(
                reason=cut_middle(reason, 200), by=cut_middle(by, 200), source=data.get("source"))
        lines.append(f"Step {i + 1}: {how}")
    return lines


def facts(app: Any, task: Task) -> str:
    """The facts block a finished task's summary starts with."""
    journal = app.store.journal(task.id)
    changed = files_changed(app, task.id, journal)
    lines = [f"Files changed: {', '.join(changed)}" if changed else "Files changed: none"]
    return "\n".join(lines + how_done(app, task, journal))
