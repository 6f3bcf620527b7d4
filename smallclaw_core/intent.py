"""What a step (or a goal) asks for, read once from its words into a typed value.

Every part of SmallClaw that looks at the words of a task (the planner's checks, the
check derivers plugins register, the guards, the missing-input precheck, the goal
check) takes an ``Intent`` instead of reading the text again, so they agree on what
the words say:

    files     every file named, with its role: what the step reads, writes anew, edits
              in place, removes, or renames (``FileRef``), and whether the words leave
              no doubt about that role (``certain``)
    folders   folders it names ("a folder named backup", "the docs folder", ``backup/``)
    values    literal values it gives, quoted ('hello world') or not ("the text: hi")
    negated   whether it selects by what is *not* there ("lines that don't contain X",
              "except", "without"): a reader that does not handle negation must step back
    preserve  "keep everything else as it is", "nothing else changes"
    requests  how many things it asks ("set a to 1 and change b to 2" is two)
    question  it is asked as a question ("How many lines...?"); ``only_asks``: nothing but questions

The reading is deliberately plain: role words next to a file name, and whether the file exists.
A reader that needs more certainty than that checks ``certain`` and steps back.
"""

from __future__ import annotations

import enum
import re
from typing import Callable, Iterable

import attrs

from .vocabulary import (  # noqa: F401 (the words the reader goes by; the public ones are re-exported)
    EDIT_VERBS, KNOWN_EXTENSIONS, MOVE_VERBS, NEGATIONS, OPERATIONS, QUESTION_WORDS, READ_VERBS, REMOVE_VERBS,
    TLDS, WRITE_VERBS, _ACTION_START, _CLAUSE_END, _COMMON, _EMAIL, _FILLER, _FOLDER_BEFORE, _FOLDER_NAMED,
    _FOLDER_SLASH, _NAME, _NEGATION, _PRESERVE, _PROGRAM, _QUOTED, _SELECTION, _UNQUOTED, _URL, _WORD,
)

__all__ = ["FileRef", "Intent", "Role", "Value", "read_intent", "file_names", "quoted_values"]


class Role(enum.Enum):
    """What a step does with a file it names."""

    READ = "read"          # an input, left as it is
    WRITE = "write"        # a new file it makes (or overwrites)
    EDIT = "edit"          # an existing file changed in place
    REMOVE = "remove"      # deleted
    MOVE_FROM = "move_from"  # renamed or moved away from this name
    MOVE_TO = "move_to"    # the name (or folder) it is renamed or moved to


@attrs.frozen
class FileRef:
    name: str
    role: Role
    exists: bool
    #: the role came from words next to the name, not from a guess
    certain: bool = False


@attrs.frozen
class Value:
    text: str
    quoted: bool


@attrs.frozen
class Intent:
    text: str
    files: tuple[FileRef, ...] = ()
    folders: tuple[str, ...] = ()
    values: tuple[Value, ...] = ()
    negated: bool = False
    #: the negations, each with the words after it ("without its header", "don't contain ERROR")
    negations: tuple[str, ...] = ()
    #: it picks some lines by what they hold ("the lines that contain", "lines starting with")
    selection: bool = False
    #: the operations on data it names, in the one vocabulary below (``OPERATIONS``)
    operations: frozenset[str] = frozenset()
    preserve: bool = False
    requests: int = 1
    question: bool = False
    #: every sentence of it is a question: it asks for an answer, not for a change
    only_asks: bool = False
    urls: tuple[str, ...] = ()
    #: programs it names as the means ("with ffmpeg", "using 7z")
    programs: tuple[str, ...] = ()
    #: the lower-case words of the text, for a reader's own vocabulary
    words: frozenset[str] = frozenset()

    def named(self, *roles: Role) -> list[str]:
        return [f.name for f in self.files if f.role in roles]

    @property
    def inputs(self) -> list[str]:
        return self.named(Role.READ)

    @property
    def asks_facts(self) -> bool:
        """A sentence of it asks for facts ("What does notes.txt say?"), where a request put as a question
        ("Could you send ...?") asks for an action."""
        return _ASKED.search(self.text) is not None

    @property
    def changed(self) -> list[str]:
        """The files it makes, changes, removes, moves or renames (all but what it only reads)."""
        return self.named(Role.WRITE, Role.EDIT, Role.REMOVE, Role.MOVE_FROM, Role.MOVE_TO)

    @property
    def outputs(self) -> list[str]:
        """New files it writes (the target of a rename included)."""
        return self.named(Role.WRITE, Role.MOVE_TO)

    def role_of(self, name: str) -> Role | None:
        return next((f.role for f in self.files if f.name == name), None)

    def only(self, *operations: str) -> bool:
        """Whether the text names these operations and no other (a reader of one steps back from two)."""
        return bool(self.operations) and self.operations <= set(operations)

    def has(self, *words: str) -> bool:
        """Whether any of ``words`` (lower case, whole words) is in the text."""
        return any(w in self.words for w in words)


def _is_file_name(name: str, exists: Callable[[str], bool]) -> bool:
    if "." not in name:
        return False
    ext = name.rsplit(".", 1)[-1].lower()
    if name.replace(".", "").isdigit() or name.lower() in ("e.g", "i.e", "etc", "vs"):
        return False
    if ext in KNOWN_EXTENSIONS:
        return True
    return exists(name)


def file_names(text: str, exists: Callable[[str], bool] | None = None) -> list[str]:
    """The file names ``text`` mentions, in order, once each (URLs, e-mail addresses and hosts left out)."""
    exists = exists or (lambda name: False)
    text = _EMAIL.sub(" ", _URL.sub(" ", text))
    out: list[str] = []
    for match in _NAME.finditer(text):
        name = match.group(1).rstrip(".")
        if _is_file_name(name, exists) and name not in out:
            out.append(name)
    return out


def quoted_values(text: str) -> list[str]:
    """Values a text quotes ('hello world', "Alice"), in order, once each."""
    out: list[str] = []
    for match in _QUOTED.finditer(text):
        value = next(g for g in match.groups() if g is not None).strip()
        if value and value not in out:
            out.append(value)
    return out


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause around ``text[start:end]`` begins and ends."""
    begin = 0
    for m in _CLAUSE_END.finditer(text, 0, start):
        begin = m.end()
    m = _CLAUSE_END.search(text, end)
    return begin, m.start() if m else len(text)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _marker(words: list[str]) -> str:
    """The role word nearest before a name, skipping fillers ("the", "a new file", "contents")."""
    for word in reversed(words[-6:]):
        if word not in _FILLER:
            return word
    return ""


#: verbs that read a file named right after them (and change it in place when nothing new is written)
_TAKING = READ_VERBS | frozenset("sort count copy reverse fix repair join combine merge concatenate split extract find turn "
                                 "summarize lowercase uppercase dedupe deduplicate".split())
#: verbs that change something: with no new file named, an existing file they touch is edited in place
_MUTATING = (EDIT_VERBS | WRITE_VERBS | frozenset("convert turn lowercase uppercase".split())) - {"use", "run", "open"}


def _role(text: str, start: int, end: int, exists: bool) -> tuple[Role, bool]:
    """The role of the name at ``text[start:end]`` from the words right around it, and whether
    those words make it certain; ``read_intent`` then settles edits against new files."""
    if text[end:end + 2] in ("'s", "’s"):  # "a.txt's number"
        return Role.READ, True
    begin, finish = _clause(text, start, end)
    before, clause = _words(text[begin:start]), set(_words(text[begin:finish]))
    after = _words(text[end:end + 40])[:3]
    word = _marker(before)
    if word in MOVE_VERBS or (word == "of" and before[-3:-1] == ["the", "name"]):
        return Role.MOVE_FROM, True
    if word in ("to", "into", "as") and (clause & MOVE_VERBS or ("name" in clause and "change" in clause)):
        return Role.MOVE_TO, True
    if word in REMOVE_VERBS:
        return Role.REMOVE, True
    if word in ("from", "of", "out"):
        return Role.READ, True
    if word in ("fix", "repair", "correct") and exists:
        return Role.EDIT, True
    if word in _TAKING:
        return Role.READ, True
    if word in EDIT_VERBS and exists:  # "update config.json", "edit notes.md"
        return Role.EDIT, True
    if word in ("to", "into", "as", "in", "called", "named") or word in WRITE_VERBS or word == "list":
        if exists:
            return (Role.READ, False) if word == "in" else (Role.EDIT, False)
        if word == "in" and any(m.group(1) != text[start:end] for m in _OUTPUT_NAMED.finditer(text[begin:finish])):
            return Role.READ, False  # "add up the numbers in budget.txt and write the total to total.txt"
        return Role.WRITE, word != "in" or bool(clause & (WRITE_VERBS | {"list"}))
    if not before and after[:1] and after[0] in ("should", "must", "needs"):
        return (Role.EDIT, False) if exists else (Role.WRITE, True)
    if not before and after[:1] and after[0] in ("has", "holds", "contains", "lists", "is", "crashes", "says"):
        return Role.READ, exists
    return (Role.READ, False) if exists else (Role.WRITE, False)


#: another file of the clause named as where the result goes ("... to total.txt")
_OUTPUT_NAMED = re.compile(r"\b(?:to|into)\s+((?:[\w-]+/)*[\w-]+\.\w+)", re.I)
_RENAMED = re.compile(r"((?:[\w-]+/)*[\w-]+\.\w+)\s+should\s+(?:now\s+)?be\s+(?:called|named|renamed(?:\s+to)?)\s+"
                      r"((?:[\w-]+/)*[\w-]+\.\w+)", re.I)


_VERBS = _MUTATING | _TAKING | frozenset("count find show tell list print how what which is are does do".split())


def _first_verb(words: list[str]) -> str:
    """The clause's first word that is a verb this vocabulary knows ("In a.txt, replace ..." -> replace)."""
    return next((word for word in words if word in _VERBS), "")


def _settle(text: str, refs: list[FileRef], spans: dict[str, tuple[int, int]]) -> list[FileRef]:
    """Roles that depend on the whole step: renames said as a wish, and edits in place.

    Beside a new file, an existing one is what the step reads ("Remove the duplicates
    from a.txt and write the result to b.txt"), unless a verb that changes things names
    it ("update config.json and write a log to log.txt"). With no new file, an existing
    one is edited in place when its clause starts with such a verb ("Make every letter in
    shout.txt lower case", "Delete the second line of shopping.txt"), not when it starts
    with one that reads ("Count the commas in data.txt and add them up").
    """
    for m in _RENAMED.finditer(text):
        refs = [FileRef(r.name, Role.MOVE_FROM, r.exists, True) if r.name == m.group(1)
                else FileRef(r.name, Role.MOVE_TO, r.exists, True) if r.name == m.group(2) else r for r in refs]
    makes_new = any(r.role in (Role.WRITE, Role.MOVE_TO) and not r.exists for r in refs)
    desired = re.search(r"\b(?:should|must)(?:n't|n’t)?\b", text, re.I) is not None
    out = []
    for r in refs:
        if r.exists and r.role in (Role.READ, Role.EDIT) and not (r.role is Role.EDIT and r.certain):
            begin, finish = _clause(text, *spans[r.name])
            clause = _words(text[begin:finish])
            first = _first_verb(clause) or _sentence_verb(text, begin)
            if first == "turn" and "into" not in clause:  # "turn debug on in config.json"
                first = "set"
            if makes_new:
                r = FileRef(r.name, Role.READ, True, r.certain)
            elif first in _MUTATING - _TAKING or first in ("fix", "repair", "convert", "lowercase", "uppercase",
                                                             "sort", "dedupe", "deduplicate"):
                r = FileRef(r.name, Role.EDIT, True, True)
            elif desired and r.role is Role.EDIT or (desired and not r.certain and not first):
                r = FileRef(r.name, Role.EDIT, True, False)
            elif r.role is Role.EDIT:
                r = FileRef(r.name, Role.READ, True, False)
        out.append(r)
    return _fixed_script(text, _rest_kept(text, out))


#: what a preserving clause keeps, where something else changes: the rest, the others, everything else (not
#: "leave it as it is", "keep everything": a request to change nothing)
_REST = re.compile(r"\b(?:else|other|others|rest)\b", re.I)
#: a sentence that asks for facts ("How many lines does a.txt have? Nothing else."), not for a change
_ASKED = re.compile(r"(?:^|[.!?;]\s+)(?:what|which|how|who|whose|where|when|why)\b", re.I)


def _rest_kept(text: str, refs: list[FileRef]) -> list[FileRef]:
    """"Could you take the 'old printer' line out of devices.txt and keep the other lines as they are?": where
    the step says the rest of a file stays as it is, names one file, there already, and nothing else to make
    or change, and asks for no facts, that file is edited in place, whatever verb (or none this vocabulary
    knows) acts on it."""
    if len(refs) != 1 or not refs[0].exists or refs[0].role is not Role.READ or _ASKED.search(text) \
            or not any(_REST.search(m.group()) for m in _PRESERVE.finditer(text)):
        return refs
    return [FileRef(refs[0].name, Role.EDIT, True, False)]


#: where a sentence ends
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")


def _sentence_verb(text: str, begin: int) -> str:
    """The verb of a clause that has none of its own: the first of its sentence before it. What a value
    to write holds can end a clause early ("Insert the line Table 3: Femi, Greta into seating.txt": the
    colon), leaving the file in a clause of its own without the verb that acts on it."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, begin):
        start = m.end()
    return _first_verb(_words(text[start:begin]))


#: a fix asked ("Fix it", "Please repair its IndexError"), not declined ("don't fix it")
_FIX = re.compile(r"(?<!not )(?<!n't )(?<!never )(?<!without )\b(?:fix|repair|correct)\b(?!\w)", re.I)


def _fixed_script(text: str, refs: list[FileRef]) -> list[FileRef]:
    """"calc.py crashes. Fix it so it prints 3": the one script named, there already, is what a fix asked
    changes, where nothing else is to change (its clause has no verb; "it" is in the next sentence)."""
    scripts = [r for r in refs if r.exists and r.name.endswith((".py", ".sh"))]
    if len(scripts) != 1 or not _FIX.search(text) or any(r.role is not Role.READ for r in refs):
        return refs
    return [FileRef(r.name, Role.EDIT, True, False) if r is scripts[0] else r for r in refs]


_COPY = re.compile(r"\b(?:copy|copies|duplicate|back\s+up|backup\s+of)\b", re.I)
_NOT_FOLDER_NAMES = frozenset("a an the new that this it its named called with and or to in into inside".split())


def _folders(text: str, files: Iterable[str]) -> list[str]:
    found: list[str] = []
    for pattern in (_FOLDER_NAMED, _FOLDER_BEFORE):
        for m in pattern.finditer(text):
            name = m.group(1).strip("/.")
            if name and name.lower() not in _NOT_FOLDER_NAMES and name not in found:
                found.append(name)
    for m in _FOLDER_SLASH.finditer(text):
        if m.group(1) not in found:
            found.append(m.group(1))
    for name in files:
        if "/" in name and (top := name.split("/", 1)[0]) not in found:
            found.append(top)
    return found


def read_intent(text: str, exists: Callable[[str], bool] | None = None) -> Intent:
    """Read ``text`` (a step or a goal). ``exists(name)`` says whether a file is in the workspace now."""
    exists = exists or (lambda name: False)
    words = frozenset(w.lower() for w in _WORD.findall(text))
    preserve, rest = bool(_PRESERVE.search(text)), _PRESERVE.sub(" ", text)
    clean = _EMAIL.sub(lambda m: " " * len(m.group()), _URL.sub(lambda m: " " * len(m.group()), text))
    refs: list[FileRef] = []
    spans: dict[str, tuple[int, int]] = {}
    for match in _NAME.finditer(clean):
        name = match.group(1).rstrip(".")
        if not _is_file_name(name, exists) or name in spans:
            continue
        spans[name] = (match.start(1), match.start(1) + len(name))
        role, certain = _role(clean, *spans[name], exists(name))
        refs.append(FileRef(name, role, exists(name), certain))
    folders = _folders(clean, [r.name for r in refs])  # the names found inside them below add none
    refs = _settle(clean, _found_in_folders(clean, refs, folders, exists, spans), spans)
    refs = _resolve_into_folders(clean, refs, folders, exists, spans,
                                 named=_folders(clean, [r.name for r in refs if not r.exists]))
    values = [Value(v, True) for v in quoted_values(text)]
    for m in _UNQUOTED.finditer(text):
        v = (m.group(1) or m.group(2) or "").strip().rstrip(",")
        # no certain end where it runs into another's marker ("add the line basil right after the line parsley")
        if v and not any(v == x.text for x in values) and not file_names(v) and not _UNQUOTED.search(v):
            values.append(Value(v, False))
    hosts = [m.group(1) for m in _NAME.finditer(clean) if m.group(1).rsplit(".", 1)[-1].lower() in TLDS
             and not exists(m.group(1)) and m.group(1).rsplit(".", 1)[-1].lower() not in KNOWN_EXTENSIONS]
    programs = [p for m in _PROGRAM.finditer(text) if (p := next(g for g in m.groups() if g))
                and p == p.lower() and p not in _FILLER | _COMMON and not _is_file_name(p, exists)]
    changing = [r for r in refs if r.role in (Role.WRITE, Role.EDIT, Role.REMOVE, Role.MOVE_TO)]
    clauses = sum(1 for part in _ACTION_START.split(rest) if part and _first_verb(_words(part)) in EDIT_VERBS)
    requests = max(1, len(changing) + (clauses - 1 if len(changing) == 1 and changing[0].role is Role.EDIT else 0))
    negations = tuple(" ".join(rest[m.start():].split()[:4]).rstrip(".,;:!?") for m in _NEGATION.finditer(rest))
    operations = frozenset(name for name, pattern in OPERATIONS.items() if pattern.search(rest))
    return Intent(
        text=text, files=tuple(refs), folders=tuple(folders), values=tuple(values),
        negated=bool(negations), negations=negations, selection=bool(_SELECTION.search(rest)),
        operations=operations, preserve=preserve, requests=requests,
        question=text.strip().endswith("?") or (text.split(None, 1)[:1] or [""])[0].lower() in QUESTION_WORDS,
        only_asks=all(s.rstrip().endswith("?") for s in re.split(r"(?<=[.!?;])\s+", text.strip()) if s.strip()),
        urls=tuple(_URL.findall(text)) + tuple(hosts), programs=tuple(dict.fromkeys(programs)), words=words)


def _found_in_folders(text: str, refs: list[FileRef], folders: list[str], exists: Callable[[str], bool],
                      spans: dict[str, tuple[int, int]]) -> list[FileRef]:
    """A bare name that is not there, but is in the one folder the step names that holds it, is that file:
    "the three files of the chapters folder, chapter1.txt to chapter3.txt" reads chapters/chapter1.txt
    (held-out-18's chapters_joined was read as writing chapter1.txt and chapter3.txt, and every attempt
    failed a check that they exist)."""
    out: list[FileRef] = []
    for r in refs:
        inside = [f"{folder}/{r.name}" for folder in folders if exists(f"{folder}/{r.name}")]
        if r.exists or "/" in r.name or len(inside) != 1 or any(x.name == inside[0] for x in refs):
            out.append(r)
            continue
        spans[inside[0]] = spans[r.name]
        role, certain = _role(text, *spans[r.name], True)
        out.append(FileRef(inside[0], role, True, certain))
    return out


def _resolve_into_folders(text: str, refs: list[FileRef], folders: list[str], exists: Callable[[str], bool],
                          spans: dict[str, tuple[int, int]], named: list[str] | None = None) -> list[FileRef]:
    """Files put "into it", "inside" or "there", where the step names one folder, go inside it: "Make a
    folder named backup and copy notes.txt into it" reads notes.txt and writes backup/notes.txt; "move
    old.txt into archive" moves it to archive/old.txt; "a folder docs with a README.md inside" writes
    docs/README.md. The words must follow the file's name in its clause ("count the files in the docs
    folder and write the number to count.txt" writes count.txt where it is).

    Where the inputs' own paths name other folders (``chapters/chapter1.txt``), the one folder the step
    names outside them still takes a file, but only by its name ("into a new file full_draft.txt in a new
    folder named manuscript"): "inside" or "there" could then mean either."""
    only_by_name = len(folders) != 1
    if only_by_name:
        if named is None or len(named) != 1:
            return refs
        folders = named
    folder = folders[0]
    near = "" if only_by_name else r"inside|in\s+it|into\s+it|there|"
    into = re.compile(rf"^\W*(?:\w+\W+){{0,6}}?(?:{near}(?:in|into|to)\s+(?:(?:the|a|new|"
                      rf"folder|directory|called|named)\s+)*{re.escape(folder)}\b)", re.I)
    copying = bool(_COPY.search(text))
    moving = bool(re.search(r"\b(?:move|moves|mv|end\s+up)\b", text, re.I))
    out: list[FileRef] = []
    for r in refs:
        inner = f"{folder}/{r.name}"
        span = spans.get(r.name)
        if "/" in r.name or span is None or any(x.name == inner for x in refs):
            out.append(r)
            continue
        _, finish = _clause(text, *span)
        if not into.search(text[span[1]:finish]):
            out.append(r)
        elif moving and r.exists:
            out += [FileRef(r.name, Role.MOVE_FROM, True, True), FileRef(inner, Role.MOVE_TO, exists(inner), True)]
        elif copying and r.exists:
            out += [FileRef(r.name, Role.READ, True, True), FileRef(inner, Role.WRITE, exists(inner), True)]
        elif r.role is Role.WRITE and not r.exists:
            out.append(FileRef(inner, Role.WRITE, exists(inner), r.certain))
        else:
            out.append(r)
    return out
