"""A line the step started with, run together with other text: a newline lost.

The commonest slip of a small model's programs that edit a list of lines is the newline:
``lines.insert(0, "check tyre pressure")`` then ``writelines``, and the file starts with
``check tyre pressurereplace wipers``; text appended to a file that did not end in a newline
gives ``wake 7:15snooze 10``. Three different programs make the same slip, so agreement does
not catch it (held-out-17's tyre_first completed that way). The file alone shows it: a line of
the step's inputs (or of the file as the step found it) is now glued to other text, letter
against letter, into a word that neither the task's words nor its inputs hold, where the other
text is as long as a line (``apple`` made ``apples`` is an edit of the line). No word of the
step is read to decide it. In the kept runs of held-out-10 to 17, 27 attempts made such a line
and every one was wrong; in held-out-18's first run (written before this), 2, both wrong.
"""

from __future__ import annotations

import re

from smallclaw_core.verification import StepContext, Verdict
from smallclaw_core.workspace import Workspace

from .content import CODE, _input_text, _text, _written, cut, known_text
from .conversation import FINISH_TOOL
from .evidence import at_step_start
from .intents import step_intent

#: files whose lines are not a list of data lines (a program's, a structured file's)
_NOT_LINES = CODE + (".json", ".toml", ".yaml", ".yml", ".ini", ".cfg.json")
#: shorter lines are too common inside other text to tell
_SHORTEST = 4
#: lines of a file looked at (a list to edit is short; this bounds the work)
_MOST = 500
_WORD = re.compile(r"[^\W_]+")


def _word_at(line: str, i: int) -> str:
    """The run of letters and digits that spans position ``i`` - 1 to ``i`` of ``line``."""
    start, end = i, i
    while start > 0 and line[start - 1].isalnum():
        start -= 1
    while end < len(line) and line[end].isalnum():
        end += 1
    return line[start:end]


def glued(text: str, before: set[str], known: set[str]) -> tuple[str, str] | None:
    """The first line of ``text`` that holds a line of ``before`` run together with other text into a
    word not in ``known`` (lower case), and that line of ``before``; None if there is none."""
    for line in (raw.strip() for raw in text.splitlines()[:_MOST]):
        if not line or line in before:
            continue
        for old in sorted(before):
            i = line.find(old) if len(old) >= _SHORTEST else -1
            if i < 0:
                continue
            end = i + len(old)
            # the other text is itself as long as a line (``apple`` made ``apples`` is an edit of the line)
            joins = [j for j, other in ((i, line[:i]), (end, line[end:])) if 0 < j < len(line)
                     and line[j - 1].isalnum() and line[j].isalnum() and len(other.strip()) >= _SHORTEST]
            if any(_word_at(line, j).lower() not in known for j in joins):
                return line, old
    return None


class GluedLines:
    """A file the step changed where a line it started with is glued to other text: a newline lost."""

    name = "glued_lines"
    order = 12

    async def verify(self, ctx: StepContext) -> Verdict | None:
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        if "join" in intent.operations:  # lines run together may be what was asked
            return None
        files = Workspace(ctx.workspace)
        written = [n for n in _written(ctx) if not n.lower().endswith(_NOT_LINES)]
        if not written:
            return None
        sources = [_input_text(ctx, files, n, n in written) for n in intent.inputs]
        sources += [(at_step_start(ctx, n) or b"").decode("utf-8", "replace") for n in written]
        before = {s for text in sources for s in (raw.strip() for raw in text.splitlines()[:_MOST])
                  if len(s) >= _SHORTEST}
        if not before:
            return None
        known = {w.lower() for w in _WORD.findall(known_text(ctx, files) or ctx.task.goal)}
        for name in written:
            text = _text(files, name)
            found = glued(text, before, known) if text else None
            if found:
                line, old = found
                return Verdict(False, f"{name} has the line {cut(line)!r}, where {cut(old, 40)!r}, a line the step "
                                      f"started with, runs into other text: a newline is missing. Put each on its "
                                      f"own line, then call {FINISH_TOOL}.", source=self.name)
        return None
