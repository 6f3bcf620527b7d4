"""Checks read from a step's own words: what its output must hold, tested without asking a model.

A small model cannot judge whether "apple banana mango pear" is fruits.txt sorted (a
0.5B verifier answered YES to every wrong output we showed it). But the words of a
step often say exactly what its output must be, and a command can compute it:

    sort the lines of fruits.txt ... write them to sorted.txt
        -> file_equals_output: sorted.txt :: sort fruits.txt
    write names.txt in upper case to upper.txt
        -> file_equals_output: upper.txt :: tr '[:lower:]' '[:upper:]' < names.txt
    find the line in app.log that contains ERROR and write it to error.txt
        -> file_equals_output: error.txt :: grep -F ERROR app.log
    copy notes.txt into backup        -> file_equals_output: backup/notes.txt :: cat notes.txt
    in config.json set "debug" to true
        -> file_value: config.json :: debug = true   (and every other key as it is now)
    in greeting.txt replace the word World with SmallClaw
        -> file_contains: greeting.txt :: SmallClaw, file_lacks: greeting.txt :: World
    write 'hello world' to hello.txt  -> file_contains: hello.txt :: hello world
    write the number (total, sum, count) to n.txt -> file_is_number: n.txt
    write the numbers 1 to 5 to n.txt, one per line -> file_equals_output: n.txt :: seq 1 5
    write sum.py ..., run it and write its output to sum.txt
        -> file_equals_output: sum.txt :: python3 sum.py
    write the first 3 lines of data.txt to head.txt -> ... :: head -n 3 data.txt
    write the largest number in n.txt to max.txt    -> ... :: sort -n n.txt | tail -n 1
    remove the duplicate lines from c.txt, write the result to u.txt -> ... :: awk '!seen[$0]++' c.txt
    read the port from config.json and write it to port.txt -> ... :: (its value, printed by python3)
    write the item column of sales.csv to items.txt -> ... :: (the column's values, by python3's csv)
    join part1.txt and part2.txt into whole.txt     -> ... :: cat part1.txt part2.txt
    count the .txt files in the docs folder ...      -> ... :: find docs -maxdepth 1 -type f -name '*.txt' | wc -l
    remove the lines that contain DEBUG from app.log
        -> file_lacks: app.log :: DEBUG, file_contains for each other line (up to 20), and for a
           short file the whole result: file_equals_output: app.log :: printf '%s\n' 'INFO a' ...

``inputs`` are the files the step names that exist when it is planned, ``outputs``
the new ones it writes. A rule proposes checks only when the words and the files
leave no doubt; otherwise the step keeps its ``file_exists`` checks alone. The
commands are built from fixed templates with every file name quoted.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import tomllib
from pathlib import Path

_NUMBER_WORDS = re.compile(r"\b(?:the|a)\s+(?:number|count|total|sum)\b|\bhow many\b", re.I)
_ADD_LINE = re.compile(r"\b(?:add|append|insert)\b", re.I)
_SORT = re.compile(r"\bsort(?:s|ed|ing)?\b|\balphabetical(?:ly)?\b", re.I)
_UPPER = re.compile(r"\bupper[\s-]?case\b|\bcapital letters\b", re.I)
_LOWER = re.compile(r"\blower[\s-]?case\b", re.I)
_LINE_WITH = re.compile(r"\blines?\b[^\n]*?\bcontain(?:s|ing)?\s+(?:the\s+(?:word|text)\s+)?[\"']?([^\s\"',.;]+)", re.I)
_COPY = re.compile(r"\bcopy\s+(\S+?)\s+(?:in)?to\s+(?:the\s+folder\s+|a\s+folder\s+named\s+)?(\S+?)[.,;]?(?:\s|$)", re.I)
_SET = re.compile(r"\b(?:set|change)\s+(?:the\s+(?:key|value\s+of)\s+)?[\"']?([\w.-]+)[\"']?\s+to\s+"
                  r"(\"[^\"]*\"|'[^']*'|[^\s,;]+?)(?:[.,;]?(?:\s|$))", re.I)
_REPLACE = re.compile(r"\breplace\s+(?:the\s+(?:word|text)\s+)?[\"']?(\S+?)[\"']?\s+with\s+[\"']?(\S+?)[\"']?[.,;]?(?:\s|$)",
                      re.I)
_FOLDER = re.compile(r"\b(?:folder|directory)\s+(?:named|called)\s+[\"']?([\w./-]+)", re.I)
_SCRIPT = re.compile(r"([\w./-]+\.(?:py|sh))\b")
_OUTPUT_TO = re.compile(r"\b(?:write|save|put|store)\s+(?:its|the|that)\s+output\s+(?:to|in|into|as)\s+([\w./-]+\w)",
                        re.I)
_RANGE_LINES = re.compile(r"\bnumbers?\s+(?:from\s+)?(-?\d+)\s+to\s+(-?\d+)\b[^\n]*?\bone\s+(?:per|a)\s+line", re.I)
_COUNT = re.compile(r"\bcount\s+(?:the\s+)?(lines|words|characters|chars|bytes)\b", re.I)
_RANGE_SUM = re.compile(r"\bsum of (?:all )?(?:the )?(?:numbers|integers) from (\d{1,6}) to (\d{1,6})\b", re.I)
_ADD_TWO = re.compile(r"\badd\b[^\n]*?\bnumber\b[^\n]*?\bto\b[^\n]*?\bnumber\b|\bsum of the numbers in\b", re.I)
_COLUMN_SUM = re.compile(r"\bsum\s+of\s+(?:the\s+)?[\"']?(\w+)[\"']?\s+column\b", re.I)
_HEAD_TAIL = re.compile(r"\b(first|top|last|bottom)\s+(\d{1,5})\s+lines\b", re.I)
_EXTREME = re.compile(r"\b(largest|biggest|highest|greatest|maximum|max|smallest|lowest|least|minimum|min)\s+"
                      r"(?:number|value)\b", re.I)
_UNIQUE = re.compile(r"\bduplicates?\b|\bduplicate\s+lines\b|\bunique\s+lines\b", re.I)
_KEY_FROM = re.compile(r"\b(?:read|get|take|find|copy)\s+(?:the\s+)?(?:value\s+of\s+(?:the\s+)?)?[\"']?([\w.-]+?)[\"']?"
                       r"\s+(?:value\s+)?(?:from|in|of)\s+([\w./-]+\.(?:json|toml))\b", re.I)
_COLUMN = re.compile(r"\b(?:the\s+)?[\"']?(\w+)[\"']?\s+column\b", re.I)
_COUNT_FILES = re.compile(r"\bcount\s+(?:the\s+|all\s+)?(?:\.?(\w{1,8})\s+)?files\s+in\s+(?:the\s+)?(?:folder\s+|directory\s+)?"
                          r"[\"']?([\w./-]+?)[\"']?(?:\s+(?:folder|directory))?[.,;]?(?:\s|$)", re.I)
_DROP_LINES = re.compile(r"\b(?:remove|delete|drop)\b[^\n]*?\blines?\b[^\n]*?\bcontain(?:s|ing)?\s+"
                         r"(?:the\s+(?:word|text)\s+)?[\"']?([^\s\"',.;]+)", re.I)
_JOIN = re.compile(r"\b(?:join|combine|merge|concatenate)\b", re.I)
_QUOTED = re.compile(r"""(?:"([^"\n]{1,80})"|(?<!\w)'([^'\n]{1,80})'(?!\w)|“([^”\n]{1,80})”)""")


def quoted_values(text: str) -> list[str]:
    """Values a text quotes ('hello world', "Alice"), in order, once each."""
    out: list[str] = []
    for match in _QUOTED.finditer(text):
        value = next(g for g in match.groups() if g is not None).strip()
        if value and value not in out:
            out.append(value)
    return out


def _json_value(text: str) -> object:
    text = text.strip().rstrip(".")
    if text[:1] in "\"'" and text[-1:] == text[:1]:
        return text[1:-1]
    try:
        return json.loads(text.lower() if text.lower() in ("true", "false", "null") else text)
    except ValueError:
        return text


def _structured(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def propose(description: str, goal: str, inputs: list[str], outputs: list[str], workspace: Path | None,
            script: str | None = None) -> list[str]:
    """Check lines for one step, beyond its ``file_exists`` ones.

    ``script`` is the script an earlier step wrote, for "run it and write its output to ...".
    """
    checks: list[str] = []
    q = shlex.quote
    single_in = inputs[0] if len(inputs) == 1 else None
    single_out = outputs[0] if len(outputs) == 1 else None
    if single_out and _NUMBER_WORDS.search(description):
        checks.append(f"file_is_number: {single_out}")
    # a value the goal quotes goes in the file the step writes, or in the one it adds a line to
    adds_to = single_in if single_in and not outputs and _ADD_LINE.search(description) else None
    if (target := single_out or adds_to):
        values = [v for v in quoted_values(goal) if v in description and v != target]
        if len(values) == 1 and not (single_out and _SET.search(description)):
            checks.append(f"file_contains: {target} :: {values[0]}")
    if single_out and not inputs and (m := _RANGE_LINES.search(description)):
        checks.append(f"file_equals_output: {single_out} :: seq {int(m.group(1))} {int(m.group(2))}")
    if single_out and checks == [f"file_is_number: {single_out}"]:
        if single_in and (m := _COUNT.search(description)):
            flag = {"lines": "-l", "words": "-w", "bytes": "-c"}.get(m.group(1).lower(), "-m")
            checks.append(f"file_equals_output: {single_out} :: wc {flag} < {q(single_in)}")
        elif len(inputs) == 2 and _ADD_TWO.search(description):
            checks.append(f"file_equals_output: {single_out} :: expr $(cat {q(inputs[0])}) + $(cat {q(inputs[1])})")
        elif single_in and single_in.lower().endswith(".csv") and (m := _COLUMN_SUM.search(description)):
            program = ("import csv,sys; rows=csv.DictReader(open(sys.argv[1])); "
                       "t=sum(float(r[sys.argv[2]]) for r in rows); print(int(t) if t==int(t) else t)")
            checks.append(f"file_equals_output: {single_out} :: python3 -c {q(program)} {q(single_in)} "
                          f"{q(m.group(1))}")
    if single_out and workspace is not None and (m := _COUNT_FILES.search(description)) \
            and (workspace / m.group(2)).is_dir():
        pattern = f"*.{m.group(1)}" if m.group(1) and m.group(1).lower() not in ("the", "all") else "*"
        checks.append(f"file_equals_output: {single_out} :: find {q(m.group(2))} -maxdepth 1 -type f "
                      f"-name {q(pattern)} | wc -l")
    if single_in and single_out and not checks:
        if (m := _HEAD_TAIL.search(description)):
            command = "head" if m.group(1).lower() in ("first", "top") else "tail"
            checks.append(f"file_equals_output: {single_out} :: {command} -n {int(m.group(2))} {q(single_in)}")
        elif (m := _EXTREME.search(description)):
            end = "tail" if m.group(1).lower() in ("largest", "biggest", "highest", "greatest", "maximum", "max") \
                else "head"
            checks += [f"file_is_number: {single_out}",
                       f"file_equals_output: {single_out} :: sort -n {q(single_in)} | {end} -n 1"]
        elif _UNIQUE.search(description):
            checks.append(f"file_equals_output: {single_out} :: awk '!seen[$0]++' {q(single_in)}")
        elif (m := _KEY_FROM.search(description)) and m.group(2) == single_in and workspace is not None \
                and (data := _structured(workspace / single_in)) is not None \
                and not isinstance(data.get(m.group(1), []), (dict, list)):
            # the value as a person writes it: text bare, numbers and true/false as JSON has them
            program = ("import json,sys,tomllib; p=sys.argv[1]; "
                       "d=tomllib.load(open(p,'rb')) if p.endswith('.toml') else json.load(open(p)); "
                       "v=d[sys.argv[2]]; print(v if isinstance(v,str) else json.dumps(v))")
            checks.append(f"file_equals_output: {single_out} :: python3 -c {q(program)} {q(single_in)} "
                          f"{q(m.group(1))}")
        elif single_in.lower().endswith(".csv") and (m := _COLUMN.search(description)) \
                and workspace is not None and m.group(1) in _csv_header(workspace / single_in):
            program = "import csv,sys; [print(r[sys.argv[2]]) for r in csv.DictReader(open(sys.argv[1]))]"
            checks.append(f"file_equals_output: {single_out} :: python3 -c {q(program)} {q(single_in)} "
                          f"{q(m.group(1))}")
        elif _SORT.search(description) and not _NUMBER_WORDS.search(description):
            checks.append(f"file_equals_output: {single_out} :: sort {q(single_in)}")
        elif _UPPER.search(description):
            checks.append(f"file_equals_output: {single_out} :: tr '[:lower:]' '[:upper:]' < {q(single_in)}")
        elif _LOWER.search(description):
            checks.append(f"file_equals_output: {single_out} :: tr '[:upper:]' '[:lower:]' < {q(single_in)}")
        elif (m := _LINE_WITH.search(description)) and not _NUMBER_WORDS.search(description):
            checks.append(f"file_equals_output: {single_out} :: grep -F {q(m.group(1))} {q(single_in)}")
    if single_out and len(inputs) >= 2 and not checks and _JOIN.search(description):
        ordered = sorted(inputs, key=description.find)  # in the order the step names them
        checks.append(f"file_equals_output: {single_out} :: cat {' '.join(q(i) for i in ordered)}")
    if (m := _OUTPUT_TO.search(description)) and re.search(r"\brun\b", description, re.I):
        named = _SCRIPT.findall(description)
        ran = named[0] if named else script
        if ran and m.group(1) != ran:
            program = "python3" if ran.endswith(".py") else "sh"
            checks.append(f"file_equals_output: {m.group(1)} :: {program} {q(ran)}")
            # the script's output is only as right as the script: what it is to print is checked too
            if (r := _RANGE_SUM.search(description)):
                checks.append(f"file_equals_output: {m.group(1)} :: "
                              f"python3 -c 'print(sum(range({int(r.group(1))}, {int(r.group(2)) + 1})))'")
            elif _NUMBER_WORDS.search(description):
                checks.append(f"file_is_number: {m.group(1)}")
    if (m := _COPY.search(description)) and m.group(1) in inputs:
        source, target = m.group(1), m.group(2).rstrip("/")
        if target.lower() in ("it", "there", "them") and (folder := _FOLDER.search(description)):
            target = folder.group(1).rstrip(".,;")
        if "." not in Path(target).name:  # a folder: the copy keeps its name
            target = f"{target}/{Path(source).name}"
        checks.append(f"file_equals_output: {target} :: cat {q(source)}")
    structured = [i for i in inputs if Path(i).suffix.lower() in (".json", ".toml")]
    if len(structured) == 1 and (m := _SET.search(description)) and workspace is not None:
        name, key, value = structured[0], m.group(1), _json_value(m.group(2))
        data = _structured(workspace / name)
        if data is not None and (key in data or not data):
            # the file's own order, the new value in its place; the rest stays as it is
            for other, kept in ({key: value} if not data else data).items():
                if other == key:
                    checks.append(f"file_value: {name} :: {key} = {json.dumps(value)}")
                elif not isinstance(kept, (dict, list)):
                    checks.append(f"file_value: {name} :: {other} = {json.dumps(kept)}")
    if single_in and not outputs and workspace is not None and (m := _DROP_LINES.search(description)):
        # in place: the matching lines go, and the others stay (a file emptied by `grep -v x f > f` fails)
        word = m.group(1)
        try:
            kept = [ln for ln in (workspace / single_in).read_text(encoding="utf-8").splitlines()
                    if word not in ln and ln.strip()]
        except (OSError, UnicodeDecodeError):
            kept = []
        if 0 < len(kept) <= 20:  # the whole result, and a failed comparison names the command that writes it
            checks.append(f"file_equals_output: {single_in} :: printf '%s\\n' {' '.join(q(ln) for ln in kept)}")
        checks.append(f"file_lacks: {single_in} :: {word}")
        checks += [f"file_contains: {single_in} :: {ln.strip()}" for ln in list(dict.fromkeys(kept))[:20]]
    if len(inputs) == 1 and not outputs and (m := _REPLACE.search(description)):
        old, new = m.group(1), m.group(2)
        checks += [f"file_contains: {inputs[0]} :: {new}", f"file_lacks: {inputs[0]} :: {old}"]
    # the first check that fails is the feedback: a comparison names the command that gets it right
    return sorted(checks, key=lambda line: not line.startswith("file_equals_output"))
