"""Checks derived from a step's intent: what its output must hold, tested without asking a model.

A small model cannot judge whether "apple banana mango pear" is fruits.txt sorted (a
0.5B verifier said YES to every wrong output it was shown). But the words of a step
often say exactly what its output must be, and a command can compute it. Each rule
below reads the step's ``Intent`` (smallclaw_core.intent: its files and their roles, the
operations it names, negation, selection) and proposes checks only where that leaves no
doubt: one operation it understands and no other, the input and the output certain, no
negation it does not handle. Otherwise it proposes nothing, and the step is judged by
the other means (the guards, the agreement of independent attempts). Every rule has a
corpus of near-miss wordings it must leave alone (tests/test_derivers.py).

The commands are built from fixed templates with every file name quoted.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import tomllib
from typing import Any

from smallclaw_core import Facts, Intent, Role, deriver

q = shlex.quote

_NUMBER_WORD = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
_NUMBER_LINE = re.compile(r"\s*[-+]?\d+(?:\.\d+)?\s*")


# --- what the rules share ------------------------------------------------------------------


#: files that hold a program: what they hold is code, never the data a rule reads from the words
_PROGRAMS = (".py", ".sh")


def _new_outputs(intent: Intent) -> list[str]:
    return [f.name for f in intent.files if f.role is Role.WRITE and not f.exists]


def _inputs(intent: Intent) -> list[str]:
    return [f.name for f in intent.files if f.role is Role.READ and f.exists]


_SCRIPTS = (".py", ".sh")


def _one_to_one(intent: Intent) -> tuple[str, str] | None:
    """The step's one existing input and one new output, when it names exactly those; not where the output
    is a script and the input is not ("upper_planets.py, a script that reads planets.txt and prints its
    lines in capitals": the script is a program that does it, not planets.txt changed)."""
    ins, outs = _inputs(intent), _new_outputs(intent)
    if len(ins) == 1 and len(outs) == 1 and len(intent.files) == 2:
        if outs[0].endswith(_SCRIPTS) and not ins[0].endswith(_SCRIPTS):
            return None
        return ins[0], outs[0]
    return None


#: data formats, and those of them whose lines are not records: a line-by-line transformation (sort, grep, tr,
#: head, cat) of one never makes another (held-out-14's capitals_csv: capitals.json "written out as
#: capitals.csv" derived a ``tr`` to upper case, which refused the right CSV and passed the JSON in capitals)
_FORMATS = (".json", ".csv", ".tsv", ".toml", ".yaml", ".yml", ".xml", ".ini")
_NESTED = (".json", ".toml", ".yaml", ".yml", ".xml")


def _lines_of(pair: tuple[str, str] | None) -> tuple[str, str] | None:
    """``pair`` (input, output), where the output can be the input's lines transformed: not where it is
    another data format than the input's, nor plain text made from JSON, TOML, YAML or XML."""
    if pair is None:
        return None
    a, b = ("." + n.rsplit(".", 1)[-1].lower() if "." in n.rsplit("/", 1)[-1] else "" for n in pair)
    return None if a != b and ((a in _FORMATS and b in _FORMATS) or a in _NESTED) else pair


def _edited(intent: Intent) -> str | None:
    """The one existing file a step changes in place, when it names only that file."""
    if len(intent.files) == 1 and intent.files[0].role is Role.EDIT and intent.files[0].exists:
        return intent.files[0].name
    return None


def _text(facts: Facts, name: str) -> str | None:
    if facts.workspace is None:
        return None
    try:
        return facts.workspace.read_text(name, limit=1_000_000)
    except (OSError, UnicodeDecodeError):
        return None


def _structured(facts: Facts, name: str) -> dict | None:
    text = _text(facts, name)
    if text is None:
        return None
    try:
        data = tomllib.loads(text) if name.lower().endswith(".toml") else json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _number_result(intent: Intent) -> bool:
    """The step writes one number: "write the number of lines to n.txt", "n.txt should hold the
    total", "How many ...? Put the number in n.txt" (not "a note about the count of birds")."""
    return re.search(r"\b(?:write|put|save|store|hold|holds|contain|contains|say|says|be|is)\s+(?:just\s+|only\s+)?"
                     r"(?:the|a)\s+(?:(?:line|word|character)\s+)?(?:number|count|total|sum)\b"
                     r"|\bhow\s+many\b(?:(?![.;?](?:\s|$)).)*[.;?]\s*(?:write|put|save|store)\b", intent.text, re.I) is not None


# --- what a new file holds -----------------------------------------------------------------


@deriver("given_text")
def given_text(intent: Intent, facts: Facts) -> list[str]:
    """The text the step gives for the file it writes is in that file.

    "Write the text 'hello world' to hello.txt" -> file_contains: hello.txt :: hello world;
    "Add the line 'buy bread' to todo.txt" -> file_contains: todo.txt :: buy bread, and each line
    todo.txt had (a line added keeps the others). Not for
    a step that names a value by which to select ("lines with the word todo"), sets a key,
    or gives more than one value, nor for a script (its text is code; "a script that prints
    'HEY'" need not hold HEY: it may print it computed).
    """
    outs = _new_outputs(intent)
    target = outs[0] if len(outs) == 1 and len(intent.files) == 1 else None
    if target is None and (edited := _edited(intent)) and intent.has("add", "append", "insert"):
        target = edited
    if target is None or intent.selection or intent.negated or _number_result(intent) \
            or re.search(r"\bset\b|\bkeys?\b", intent.text, re.I):
        return []
    if intent.folders and "/" not in target:
        return []  # "a docs directory containing README.md": the file's path is not its bare name
    if target.endswith((".py", ".sh")):
        return []  # a script's text is code: a value given for it is mostly what it prints, not its text
    given = [v.text for v in intent.values if not re.search(rf"\bword\s+['\"]?{re.escape(v.text)}", intent.text)]
    if len(given) != 1 or given[0] == target or len(given[0].split()) > 12:
        return []
    lines = [f"file_contains: {target} :: {given[0]}"]
    structured = target.endswith((".json", ".toml", ".yaml", ".yml"))  # a value added inside changes a line
    if target not in outs and not structured and (text := _text(facts, target)) is not None:
        # a line added to a file keeps the lines it had
        lines += [f"file_contains: {target} :: {line.strip()}" for line in dict.fromkeys(_lines(text))][:20]
    return lines


@deriver("number_result")
def number_result(intent: Intent, facts: Facts) -> list[str]:
    """A step whose one output is a count, total or sum writes just a number.

    "Count the lines in data.txt and write the number to count.txt" -> file_is_number:
    count.txt. Only for a text file (a JSON or CSV output holds more than a number).
    """
    outs = _new_outputs(intent)
    if len(outs) != 1 or not _number_result(intent) or not re.search(r"\.(?:txt|out)$|^[^.]+$", outs[0]):
        return []
    if intent.has("script", "program") or any(f.name.endswith((".py", ".sh")) for f in intent.files):
        return []  # the script is the step's work; script_output checks what it prints
    return [f"file_is_number: {outs[0]}"]


@deriver("line_count")
def line_count(intent: Intent, facts: Facts) -> list[str]:
    """Counting a file's lines, words or characters: what ``wc`` prints.

    "Count the words in essay.txt and write the number to words.txt" ->
    file_equals_output: words.txt :: wc -w < essay.txt. Not when only some lines count
    ("the lines that contain todo").
    """
    pair = _one_to_one(intent)
    if pair is None or not intent.only("count") or intent.selection or intent.negated:
        return []
    if not re.search(r"\.(?:txt|out)$|^[^.]+$", pair[1]):
        return []  # a CSV or JSON output is data, not a count ("each with a name and a count")
    said = intent.text
    for f in intent.files:  # "word.txt" names a file, not what is counted
        said = said.replace(f.name, " ")
    known = ("line", "lines", "word", "words", "character", "characters", "chars", "byte", "bytes")
    units = {w.rstrip("s").lower() for w in re.findall(r"[A-Za-z]+", said) if w.lower() in known}
    # what is counted, where the words say it ("how many letters has the word ...": letters, not words)
    counted = re.findall(r"\b(?:how\s+many|number\s+of|count(?!\s+of\b))\s+(?:the\s+|all\s+)?([A-Za-z]+)", said, re.I)
    if any(c.lower() not in known for c in counted):
        return []
    if len(units) != 1 or _picks_lines(said, _text(facts, pair[0])):
        return []
    flag = {"line": "-l", "word": "-w", "byte": "-c"}.get(units.pop(), "-m")
    return [f"file_equals_output: {pair[1]} :: wc {flag} < {q(pair[0])}"]


def _picks_lines(said: str, text: str | None) -> bool:
    """Whether a word of the step is in some of the input's lines and not in others: "the count of 404
    lines in access.log" may count only the lines with 404, whatever the words around it (the data says
    the word could pick lines out; a rule about the words would not see "404" as one)."""
    lines = [set(re.findall(r"\w+", line.lower())) for line in _lines(text or "")]
    if len(lines) < 2:
        return False
    words = {w for w in re.findall(r"\w+", said.lower()) if len(w) > 1 or w.isdigit()}  # not "a": an article
    return any(0 < sum(w in line for line in lines) < len(lines) for w in words)


@deriver("first_last_lines")
def first_last_lines(intent: Intent, facts: Facts) -> list[str]:
    """"Write the first 3 lines of data.txt to head.txt" -> ... :: head -n 3 data.txt (last: tail)."""
    pair = _lines_of(_one_to_one(intent))
    if pair is None or not (intent.only("head") or intent.only("tail")) or intent.selection or intent.negated:
        return []
    m = re.search(r"\b(first|top|last|bottom)\s+(\d{1,5}|" + "|".join(_NUMBER_WORD) + r")\s+lines?\b",
                  intent.text, re.I)
    if not m:
        return []
    count = int(m.group(2)) if m.group(2).isdigit() else _NUMBER_WORD[m.group(2).lower()]
    command = "head" if m.group(1).lower() in ("first", "top") else "tail"
    return [f"file_equals_output: {pair[1]} :: {command} -n {count} {q(pair[0])}"]


@deriver("largest_smallest")
def largest_smallest(intent: Intent, facts: Facts) -> list[str]:
    """"Write the largest number in n.txt to max.txt" -> the number, and ... :: sort -n n.txt | tail -n 1."""
    pair = _one_to_one(intent)
    if pair is None or not (intent.only("max") or intent.only("min")) or intent.selection or intent.negated:
        return []
    text = _text(facts, pair[0])
    if text is None or not _lines(text) or not all(_NUMBER_LINE.fullmatch(line) for line in _lines(text)):
        return []  # "the largest" of what is not one number a line is for a person to say
    end = "tail" if "max" in intent.operations else "head"
    return [f"file_is_number: {pair[1]}", f"file_equals_output: {pair[1]} :: sort -n {q(pair[0])} | {end} -n 1"]


@deriver("without_duplicates")
def without_duplicates(intent: Intent, facts: Facts) -> list[str]:
    """"Remove the duplicate lines from c.txt and write the result to u.txt" -> ... :: awk '!seen[$0]++' c.txt.

    Lines in their first order; a negation about the repeats themselves ("without its
    repeated lines") is what the rule means, any other negation is not.
    """
    pair = _lines_of(_one_to_one(intent))
    if pair is None or not intent.only("unique") or intent.selection:
        return []
    if any(not re.search(r"\b(?:repeat|duplicate)", n, re.I) for n in intent.negations):
        return []
    return [f"file_equals_output: {pair[1]} :: awk '!seen[$0]++' {q(pair[0])}"]


@deriver("key_value_read")
def key_value_read(intent: Intent, facts: Facts) -> list[str]:
    """"Read the port from config.json and write it to port.txt" -> ... :: (the value of port, printed).

    The key must be a top-level key of the JSON or TOML file holding a plain value; it is
    printed as a person writes it (text bare, numbers and true/false as JSON has them). Not
    where the output is a data file (held-out-15's thermostat_json: "thermostat.toml out as
    JSON in thermostat.json, target as a number" is a conversion that keeps target).
    """
    pair = _one_to_one(intent)
    if pair is None or not pair[0].lower().endswith((".json", ".toml")) or intent.negated \
            or intent.operations - {"copy"}:
        return []
    if pair[1].lower().endswith(_FORMATS):
        return []  # a data file made from another is a conversion: the keys it names are kept, not read out
    data = _structured(facts, pair[0])
    if not data:
        return []
    keys = [k for k in data if isinstance(k, str) and re.search(rf"\b{re.escape(k)}\b", intent.text)
            and not isinstance(data[k], (dict, list))]
    if len(keys) != 1:
        return []
    program = ("import json,sys,tomllib; p=sys.argv[1]; "
               "d=tomllib.load(open(p,'rb')) if p.endswith('.toml') else json.load(open(p)); "
               "v=d[sys.argv[2]]; print(v if isinstance(v,str) else json.dumps(v))")
    return [f"file_equals_output: {pair[1]} :: python3 -c {q(program)} {q(pair[0])} {q(keys[0])}"]


@deriver("csv_column")
def csv_column(intent: Intent, facts: Facts) -> list[str]:
    """A column of a CSV file: its values one per line, or their sum.

    "Write the item column of sales.csv, without its header, to items.txt" -> the item
    values; "Write the sum of the amount column to total.txt" -> the sum. The column must
    be named in the file's header.
    """
    pair = _one_to_one(intent)
    if pair is None or not pair[0].lower().endswith(".csv") or "column" not in intent.operations \
            or intent.selection or not (intent.operations <= {"column", "sum"}):
        return []
    if any("header" not in n.lower() for n in intent.negations):
        return []
    text = _text(facts, pair[0])
    header = next(csv.reader(io.StringIO(text)), []) if text else []
    named = [c for c in header if re.search(rf"\b{re.escape(c)}\s+column\b", intent.text, re.I)]
    if len(named) != 1:
        return []
    if "sum" in intent.operations:
        program = ("import csv,sys; rows=csv.DictReader(open(sys.argv[1])); "
                   "t=sum(float(r[sys.argv[2]]) for r in rows); print(int(t) if t==int(t) else t)")
    else:
        program = "import csv,sys; [print(r[sys.argv[2]]) for r in csv.DictReader(open(sys.argv[1]))]"
    return [f"file_equals_output: {pair[1]} :: python3 -c {q(program)} {q(pair[0])} {q(named[0])}"]


@deriver("sorted_lines")
def sorted_lines(intent: Intent, facts: Facts) -> list[str]:
    """"Sort the lines of fruits.txt and write them to sorted.txt" -> ... :: sort fruits.txt.

    Words are sorted as text; when every line is a number and the step says how
    (numerically, smallest to largest), as numbers. Lines mixing capitals and small
    letters, or numbers without saying how, have more than one right order: no check.
    """
    pair = _lines_of(_one_to_one(intent))
    if pair is None or not intent.only("sort", "min", "max") or "sort" not in intent.operations \
            or intent.selection or intent.negated:
        return []
    text = _text(facts, pair[0])
    if text is None or not _lines(text):
        return []
    lines = _lines(text)
    descending = bool(re.search(r"\bdescending\b|\breverse\b|\blargest\s+(?:to|first)\b|\bz-a\b", intent.text, re.I))
    if all(_NUMBER_LINE.fullmatch(line) for line in lines):
        if not re.search(r"\bnumer|\bsmallest\b|\blargest\b|\blowest\b|\bhighest\b|\bascending\b|\bdescending\b",
                         intent.text, re.I):
            return []
        flag = "-n -r" if descending else "-n"
    else:
        if any(line[:1].isupper() for line in lines) and any(line[:1].islower() for line in lines):
            return []
        flag = "-r" if descending else ""
    return [f"file_equals_output: {pair[1]} :: sort {flag + ' ' if flag else ''}{q(pair[0])}"]


@deriver("letter_case")
def letter_case(intent: Intent, facts: Facts) -> list[str]:
    """"Write names.txt in upper case to upper.txt" -> ... :: tr '[:lower:]' '[:upper:]' < names.txt."""
    pair = _lines_of(_one_to_one(intent))
    if pair is None or intent.selection or intent.negated or not (intent.only("upper") or intent.only("lower", "copy")
                                                                  or intent.only("upper", "copy")):
        return []
    if ("upper" in intent.operations) == ("lower" in intent.operations):
        return []  # both, or neither: "copy" alone is no change of case
    a, b = ("[:lower:]", "[:upper:]") if "upper" in intent.operations else ("[:upper:]", "[:lower:]")
    return [f"file_equals_output: {pair[1]} :: tr '{a}' '{b}' < {q(pair[0])}"]


@deriver("lines_containing")
def lines_containing(intent: Intent, facts: Facts) -> list[str]:
    """The lines of a file that contain a word, or (negated) those that do not.

    "Find the line in app.log that contains ERROR and write it to error.txt" ->
    ... :: grep -F ERROR app.log; "the lines of app.log that don't contain ERROR" ->
    grep -vF. Only "contain(s|ing)" and "with the word": "start with", "end with" and
    counting are other things.
    """
    pair = _lines_of(_one_to_one(intent))
    if pair is None or intent.operations - {"copy"} or _number_result(intent):
        return []
    m = re.search(r"\blines?\b.*?\b(?:(does\s+not|do\s+not|don'?t|doesn'?t|not)\s+)?"
                  r"(?:contain(?:s|ing)?|with\s+the\s+word|with)\s+(?:the\s+(?:word|text)\s+)?[\"']?([^\s\"',.;?]+)",
                  intent.text, re.I)
    if not m or re.search(r"\b(?:start|starts|starting|begin|begins|beginning|end|ends|ending)\b", intent.text, re.I):
        return []
    if (intent.negated and not m.group(1)) or intent.has("remove", "delete", "drop", "strip", "exclude", "except"):
        return []  # a negation somewhere else (or lines taken out): not this rule's to read
    word = m.group(2)
    if word.lower() in ("the", "a", "an", "it", "them") or (facts.workspace is not None and word == pair[0]):
        return []
    text = _text(facts, pair[0])
    if text is not None and not any((word in line) != bool(m.group(1)) for line in _lines(text)):
        # no line would be kept: the word read is not what the step selects by ("each line of
        # t.txt with every word capitalised"), and an empty result can be shown by no check
        return []
    return [f"file_equals_output: {pair[1]} :: grep {'-vF' if m.group(1) else '-F'} {q(word)} {q(pair[0])}"]


@deriver("joined_files")
def joined_files(intent: Intent, facts: Facts) -> list[str]:
    """"Join part1.txt and part2.txt into whole.txt" -> ... :: cat part1.txt part2.txt (in the order named)."""
    ins, outs = _inputs(intent), _new_outputs(intent)
    if len(ins) < 2 or len(outs) != 1 or len(intent.files) != len(ins) + 1 or not intent.only("join", "copy") \
            or "join" not in intent.operations or intent.negated or intent.selection:
        return []
    ordered = sorted(ins, key=intent.text.find)
    return [f"file_equals_output: {outs[0]} :: cat {' '.join(q(i) for i in ordered)}"]


@deriver("script_output")
def script_output(intent: Intent, facts: Facts) -> list[str]:
    """A script run with its output written to a file: the file holds what the script prints.

    "Write sum.py ..., run it, and write its output to sum.txt" -> file_equals_output:
    sum.txt :: python3 sum.py; and when the step says what it prints: "the sum of the
    numbers from 1 to 100" -> that sum, "the number/total" -> file_is_number.
    """
    m = re.search(r"\b(?:write|save|put|store)\s+(?:its|the|that|the\s+script's|what\s+it\s+prints)\s*"
                  r"(?:output\s+)?(?:to|in|into|as)\s+([\w./-]+\w)", intent.text, re.I)
    if not m or not re.search(r"\brun\b", intent.text, re.I):
        return []
    scripts = [f.name for f in intent.files if f.name.endswith((".py", ".sh"))]
    ran = scripts[0] if len(scripts) == 1 else (facts.script if not scripts else None)
    target = m.group(1)
    if not ran or target == ran:
        return []
    program = "python3" if ran.endswith(".py") else "sh"
    lines = [f"file_equals_output: {target} :: {program} {q(ran)}"]
    if r := re.search(r"\bsum of (?:all )?(?:the )?(?:numbers|integers) from (\d{1,6}) to (\d{1,6})\b", intent.text, re.I):
        lines.append(f"file_equals_output: {target} :: python3 -c 'print(sum(range({int(r.group(1))}, "
                     f"{int(r.group(2)) + 1})))'")
    elif _number_result(intent):
        lines.append(f"file_is_number: {target}")
    return lines


@deriver("copied_file")
def copied_file(intent: Intent, facts: Facts) -> list[str]:
    """"Make a folder named backup and copy notes.txt into it" -> backup/notes.txt holds what notes.txt holds."""
    ins, outs = _inputs(intent), _new_outputs(intent)
    if len(ins) != 1 or len(outs) != 1 or not intent.only("copy") or intent.negated or intent.selection:
        return []
    if len(intent.files) != 2:
        return []  # another name in the step ("and name the copy recipe.bak") may be the copy's
    if outs[0].rsplit("/", 1)[-1] != ins[0].rsplit("/", 1)[-1] and "/" in outs[0]:
        return []
    if key_value_read.derive(intent, facts) or _lines_of((ins[0], outs[0])) is None:
        return []  # "copy the value of port in config.json into port.txt": one value, not the file
    return [f"file_equals_output: {outs[0]} :: cat {q(ins[0])}"]


@deriver("numbers_one_per_line")
def numbers_one_per_line(intent: Intent, facts: Facts) -> list[str]:
    """"Write the numbers 1 to 5 to numbers.txt, one per line" -> ... :: seq 1 5. Not for a program
    ("evens.py that prints the numbers ...": its text is no list of numbers), and not for numbers a word
    before them picks ("the even numbers from 2 to 10": only "the", "all" or nothing)."""
    outs = _new_outputs(intent)
    if len(outs) != 1 or len(intent.files) != 1 or intent.negated or outs[0].endswith(_PROGRAMS):
        return []
    m = re.search(r"(?:^|[^\w\s]|\b(?:the|all|write|print|prints|put|list|with|containing))\s*\bnumbers?\s+(?:from\s+)?(-?\d+)\s+(?:to|through)\s+(-?\d+)\b(?:(?![.;](?:\s|$)).)*?\bone\s+(?:per|a)\s+line",
                  intent.text, re.I)
    if not m:
        return []
    return [f"file_equals_output: {outs[0]} :: seq {int(m.group(1))} {int(m.group(2))}"]


@deriver("files_counted")
def files_counted(intent: Intent, facts: Facts) -> list[str]:
    """"Count the .txt files in the docs folder and write the number to count.txt" -> ... | wc -l."""
    outs = _new_outputs(intent)
    if len(outs) != 1 or len(intent.files) != 1 or not intent.only("count") or intent.negated:
        return []
    m = re.search(r"\b(?:count|number\s+of|how\s+many)\s+(?:the\s+|all\s+)?(?:\.?(\w{1,8})\s+)?files\s+(?:are\s+)?"
                  r"(?:in|inside)\s+(?:the\s+)?(?:folder\s+|directory\s+)?[\"']?([\w./-]+?)[\"']?"
                  r"(?:\s+(?:folder|directory))?[.,;?]?(?:\s|$)", intent.text, re.I)
    if not m or facts.workspace is None or not facts.workspace.is_dir(m.group(2)):
        return []
    pattern = f"*.{m.group(1)}" if m.group(1) and m.group(1).lower() not in ("the", "all") else "*"
    return [f"file_equals_output: {outs[0]} :: find {q(m.group(2))} -maxdepth 1 -type f -name {q(pattern)} | wc -l"]


# --- edits in place ------------------------------------------------------------------------


_SET = re.compile(r"\b(?:set|change)\s+(?:the\s+(?:key|value\s+of)\s+)?[\"']?([\w.-]+?)[\"']?\s+to\s+"
                  r"(\"[^\"]*\"|'[^']*'|[^\s,;]+?)(?=[.,;]?(?:\s|$))", re.I)


def _json_value(text: str) -> Any:
    text = text.strip().rstrip(".")
    if text[:1] in "\"'" and text[-1:] == text[:1]:
        return text[1:-1]
    try:
        return json.loads(text.lower() if text.lower() in ("true", "false", "null") else text)
    except ValueError:
        return text


@deriver("key_value_set")
def key_value_set(intent: Intent, facts: Facts) -> list[str]:
    """"In config.json set "debug" to true" -> file_value: config.json :: debug = true, and every
    other top-level key as it is. Each "set K to V" / "change K to V" of the step counts;
    a key the file does not have (or a nested one) makes the rule step back."""
    edited = _edited(intent)
    if edited is None or not edited.lower().endswith((".json", ".toml")) or intent.selection:
        return []
    data = _structured(facts, edited)
    pairs = {m.group(1): _json_value(m.group(2)) for m in _SET.finditer(intent.text)}
    if not data or not pairs or any(k not in data or isinstance(data[k], (dict, list)) for k in pairs):
        return []
    if len(pairs) != intent.requests:
        return []  # it asks for something this rule did not read
    lines = []
    for key, kept in data.items():
        value = pairs.get(key, kept)
        if not isinstance(value, (dict, list)):
            lines.append(f"file_value: {edited} :: {key} = {json.dumps(value)}")
    return lines


@deriver("lines_dropped")
def lines_dropped(intent: Intent, facts: Facts) -> list[str]:
    """"Remove every line that contains DEBUG from app.log" -> the other lines, as they were.

    In place: the matching lines go and the others stay (a file emptied by
    ``grep -v x f > f`` fails); for a short file the whole result is compared.
    """
    edited = _edited(intent)
    if edited is None or not intent.has("remove", "delete", "drop", "strip") or intent.operations - {"copy"}:
        return []
    m = re.search(r"\b(?:remove|delete|drop|strip)\b(?:(?![.;](?:\s|$)).)*?\blines?\b(?:(?![.;](?:\s|$)).)*?\bcontain(?:s|ing)?\s+"
                  r"(?:the\s+(?:word|text)\s+)?[\"']?([^\s\"',.;]+)", intent.text, re.I)
    if not m or intent.negated:
        return []
    word = m.group(1)
    text = _text(facts, edited)
    if text is None:
        return []
    kept = [ln for ln in text.splitlines() if word not in ln and ln.strip()]
    lines = []
    if 0 < len(kept) <= 20:
        lines.append(f"file_equals_output: {edited} :: printf '%s\\n' {' '.join(q(ln) for ln in kept)}")
    lines.append(f"file_lacks: {edited} :: {word}")
    lines += [f"file_contains: {edited} :: {ln.strip()}" for ln in list(dict.fromkeys(kept))[:20]]
    return lines


@deriver("word_replaced")
def word_replaced(intent: Intent, facts: Facts) -> list[str]:
    """"In greeting.txt replace the word World with SmallClaw" -> it contains SmallClaw and no World."""
    edited = _edited(intent)
    if edited is None or intent.negated or intent.selection:
        return []
    m = re.search(r"\breplace\s+(?:the\s+(?:word|text)\s+)?[\"']?(\S+?)[\"']?\s+with\s+[\"']?(\S+?)[\"']?[.,;]?(?:\s|$)",
                  intent.text, re.I)
    if not m or re.search(r"\b(?:every|each|all)\b", m.group(0), re.I) and not m.group(1).isalnum():
        return []
    old, new = m.group(1), m.group(2)
    if old.lower() in ("every", "each", "all", "the", "a"):
        return []
    return [f"file_contains: {edited} :: {new}", f"file_lacks: {edited} :: {old}"]


#: in this order: a comparison's NO names the command that gets the file right, so comparisons come first
DERIVERS = (line_count, first_last_lines, largest_smallest, without_duplicates, key_value_read, csv_column,
            sorted_lines, letter_case, lines_containing, joined_files, script_output, copied_file,
            numbers_one_per_line, files_counted, lines_dropped, key_value_set, word_replaced, number_result, given_text)
