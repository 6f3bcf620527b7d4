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


def _commands(attempt: Any) -> str:
    """The commands an attempt ran (a program's text, written and run by one), a line apart."""
    return "\n".join(str((e.data.get("arguments") or {}).get("command", "")) for e in attempt.evidence
                     if e.kind == "tool_call")


#: how a program's result was typed into it (``typed_in``): its lines as they stand, or only its numbers
LINES, NUMBERS = "lines", "numbers"


def typed_in(attempt: Any, words: str) -> str:
    """How a script's output, holding a number the program did not compute, was typed into it ("" where it
    was not): every line the script printed (the output of the attempt's last call) stands whole in the
    program's own text (``LINES``: ``print("Fee: 1.50")``), where a computed one does not
    (``print(f"Fee: {5 * 1.5:.2f}")``); or every number of it does, one of two digits or more (``NUMBERS``:
    ``total = 12.34`` then ``print(f"Total: {total:.2f}")``).

    Such a program is a typed answer, like a reply: held-out-20's parking_fee, 'Fee: 1.50' for 5 hours at
    1.50 an hour, from a reply and ``print("Fee: 1.50")`` that agreed; held-out-21's pocket_money, the
    request's own example 'Total: 12.34', from replies and the ``total = 12.34`` program. A ``LINES`` one
    agrees, as a reply does, only with a program that computed its result; a ``NUMBERS`` one, read from the
    look of a number that a computing program can hold too, confirms nothing and outvotes nothing
    (``compare.twin_of``, ``compare.majority``). Not where a line of the output is in ``words`` (the
    step's) and the script was there before: a fix may print the 12 its request names as it stands; a new
    script that prints the request's own example ("in the form Fee: 0.00") is no fix. Only scripts are read
    so: a data file's numbers are mostly given in the request (core's json_create, "age 30", and
    toml_edit, "port 9000", written by programs that held them, agree with replies that typed them)."""
    if getattr(attempt, "style", "") != "code" or attempt.failed is not None or not attempt.change:
        return ""
    scripts = [n for n, d in attempt.change.items() if d is not None and n.endswith(SCRIPTS)]
    if not scripts:
        return ""
    lines = [line.strip() for line in observed(attempt) or () if line.strip()]
    if not lines or not any(c.isdigit() for line in lines for c in line):
        return ""
    made = {f.path for f in getattr(attempt.measured, "files", ()) if f.before is None}
    if all(n in made for n in scripts):
        words = ""  # a new script: no fix, whose request may name what it prints
    text = _COMMENT.sub("", _commands(attempt))
    if any(_whole(line).search(words) for line in lines):
        return ""
    if all(_literal(line).search(text) for line in lines):
        return LINES
    # the numbers alone typed in (``total = 12.34``, then ``print(f"Total: {total:.2f}")``): where one of them
    # has two digits or more (a small one, 3, is in many a program that computes it: ``range(3)``)
    numbers = [n for line in lines for n in NUMBER.findall(line)]
    return NUMBERS if any(sum(c.isdigit() for c in n) >= 2 for n in numbers) \
        and all(_whole(n).search(text) for n in numbers) else ""


#: a number in a line of text (a date or a version has more than one)
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?!\w|\.\d)")


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
    # a file it only writes it did not read, nor one a comment names (held-out-14's alarm_time, twice)
    ran = _COMMENT.sub("", _OPENED_TO_WRITE.sub(" ", _commands(attempt)))
    reads = not inputs or any(n in ran or n.rsplit("/", 1)[-1] in ran for n in inputs) or _FINDS_FILES.search(ran)
    return "program" if reads else "typed"
