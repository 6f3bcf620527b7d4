"""How an attempt came to its result, for agreement across kinds: a program that computed it from the
step's inputs, or typed (a reply, a tool round, a program with its data or its number typed into it).
Two samples of one kind share their misreadings; one of each kind that agree do not."""

from __future__ import annotations

import re
from typing import Any

#: files that are programs: compared by what they print, not by their text
SCRIPTS = (".py", ".sh")


#: the status line a command's output starts with (``exit code 0 (0.05 s)``)
STATUS_LINE = re.compile(r"\Aexit code -?\d+ \([^)]*\)\n?")


def observed(attempt: Any) -> tuple[str, ...] | None:
    """What the last call of an attempt that worked printed (step_done aside), by its lines; None when
    no call worked. An attempt that changed nothing has no file to compare: this is its result."""
    for e in reversed(getattr(attempt, "evidence", None) or []):
        if e.kind == "tool_result" and not e.data.get("error") and e.data.get("name") != "step_done":
            text = STATUS_LINE.sub("", str(e.data.get("result", ""))).strip()
            return () if text == "(no output)" else tuple(line.rstrip() for line in text.splitlines())
    return None


#: what a program that reads its input names (a folder listed, a file found by pattern) where it names no file
_FINDS_FILES = re.compile(r"\b(?:listdir|glob|scandir|iterdir|walk)\b")
#: a comment: a whole line, or the end of one after code (where no quote follows the ``#``)
_COMMENT = re.compile(r"""^\s*#[^\n]*$|[ \t]+#[^\n'"]*$""", re.M)
#: a file opened only to be written: ``open('alarm.txt', 'w')``
_OPENED_TO_WRITE = re.compile(r"""open\(\s*(['"])[^'"]+\1\s*,\s*(?:mode\s*=\s*)?(['"])[wax]b?\+?\2""")


def _program_text(attempt: Any) -> str:
    """The commands an attempt ran (a program's text, written and run by one), its comments left out."""
    ran = "\n".join(str((e.data.get("arguments") or {}).get("command", "")) for e in attempt.evidence
                    if e.kind == "tool_call")
    return _COMMENT.sub("", ran)


#: how a program's result was typed into it (``typed_in``): its lines as they stand, or only its numbers
LINES, NUMBERS = "lines", "numbers"


def typed_in(attempt: Any, words: str) -> str:
    """How a program's result, a number it did not compute, was typed into it ("" where it was not): what it
    made holds a digit, and every line of it stands whole in the program's own text (``LINES``:
    ``print("Fee: 1.50")``, ``f.write("8784")``), where a computed one does not (``print(f"Fee: {5 * 1.5:.2f}")``).
    Such a program is a typed answer, like a reply: it agrees only with one that computed its result. Its result is what a script it made prints
    when run (the output of its last call), else what the files it made hold. A number typed into a program
    is typed all the same: two such, a reply and a program, agreed on held-out-20's parking_fee, 'Fee: 1.50'
    for 5 hours at 1.50 an hour. Not where a line of it is in ``words`` (the step's): a fix that makes a
    script print the 12 its request names may print it as it stands, and a result cannot be told from the
    request's own example ("in the form Fee: 0.00") without reading its meaning. ``NUMBERS``: every number of
    it stands whole in the text, one of them of two digits or more (held-out-21's pocket_money: ``total = 12.34``
    then ``print(f"Total: {total:.2f}")``, from "in the form Total: 12.34"); read from the look of a number,
    which a program that computes its result can hold too, so such a program confirms nothing and outvotes
    nothing (``compare.twin_of``, ``compare.majority``). Where the script is new,
    the words do not excuse it: a new script whose output is typed in, a line of the request or not, agrees
    only with a program that computes it (held-out-20's parking_fee, worded 'in the form "Fee: 0.00"': a reply
    said 'Fee: 0.00', and ``print("Fee: 0.00")`` agreed)."""
    if getattr(attempt, "style", "") != "code" or attempt.failed is not None or not attempt.change:
        return ""
    scripts = [n for n, d in attempt.change.items() if d is not None and n.endswith(SCRIPTS)]
    if scripts:
        lines = list(observed(attempt) or ())
        new = {f.path for f in getattr(attempt.measured, "files", ()) if f.before is None}
        if all(n in new for n in scripts):
            words = ""  # a new script that prints the request's own example is no fix
    else:
        lines = [line.rstrip() for d in attempt.change.values() if d is not None
                 for line in d.decode("utf-8", "replace").splitlines()]
    lines = [line.strip() for line in lines if line.strip()]
    if not lines or not any(c.isdigit() for line in lines for c in line):
        return ""
    text = _program_text(attempt)
    if any(_whole(line).search(words) for line in lines):
        return ""
    if all(_literal(line).search(text) for line in lines):
        return LINES
    # the numbers alone typed in (``total = 12.34``, then ``print(f"Total: {total:.2f}")``): where one of them
    # has two digits or more (a small one, 3, is in many a program that computes it: ``range(3)``)
    numbers = [n for line in lines for n in _NUMBER.findall(line)]
    return NUMBERS if any(sum(c.isdigit() for c in n) >= 2 for n in numbers) \
        and all(_whole(n).search(text) for n in numbers) else ""


#: a number in a line of output
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?!\w|\.\d)")


def _whole(text: str) -> re.Pattern[str]:
    """``text`` standing whole: not part of a longer word or number."""
    return re.compile(rf"(?<![\w.]){re.escape(text)}(?![\w.]|\.\d)")


def _literal(line: str) -> re.Pattern[str]:
    """A line of output as a program's text types it: a string's whole text, or one line of it (between
    quotes and ``\\n``), or what ``print(...)`` or ``echo`` is given as it stands (``print(8784)``)."""
    x = re.escape(line)
    return re.compile(rf"""(?:['"]|\\n)[ \t]*{x}[ \t]*(?=\\n|['"])|\bprint\(\s*{x}\s*\)|\becho\s+{x}\s*$""", re.M)


def kind(attempt: Any, inputs: list[str]) -> str:
    """How an attempt came to its result, for agreement across kinds: ``"program"`` for a program that reads
    the step's input files (or has none to read: "print the hours in a leap year"), else ``"typed"``: a
    reply, a tool round, or a program with the data typed into it, which shares a reply's misreading of the
    shown file (held-out-14's printer_json: a program that wrote the settings as a literal dict, the
    [printer] section lost, agreed with a reply that lost it too), or with its number typed in
    (``typed_in``, kept as ``Attempt.typed_in``). What the program names is read from the command that ran."""
    if getattr(attempt, "style", "") != "code" or getattr(attempt, "typed_in", False):
        return "typed"
    ran = " ".join(str((e.data.get("arguments") or {}).get("command", "")) for e in attempt.evidence
                   if e.kind == "tool_call")
    # a file it only writes it did not read, nor one a comment names (held-out-14's alarm_time, twice)
    ran = _COMMENT.sub("", _OPENED_TO_WRITE.sub(" ", ran))
    reads = not inputs or any(n in ran or n.rsplit("/", 1)[-1] in ran for n in inputs) or _FINDS_FILES.search(ran)
    return "program" if reads else "typed"
