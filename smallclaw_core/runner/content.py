"""What the files a step wrote hold, judged without its words: placeholders, a program's text, a copy of the input.

Wrong answers small models give again and again, each told from a right one by the
file and the evidence alone:

- ``placeholder`` (order 12): a file holds template text (``Average: {avg}``,
  ``Result: <value>``, ``[insert name]``, ``TODO``) that neither the task nor its
  inputs hold;
- ``program_text`` (order 12): a data file holds the text of a program in the
  workspace ("run sum.py and save what it prints": the model wrote sum.py's code), or
  lines of code (``with open('todo.txt', 'a') as f:``) where data belongs;
- ``copy_of_input`` (order 16): a new file holds exactly what the step's one input
  holds, and the step asks for something done to it, not a copy;
- ``stand_in`` (order 9): a file typed in by hand after the command meant to make it failed,
  or after a command whose program is not here at all (exit status 127), is not its output;
- ``fetch_stand_in`` (order 9): a file typed in by hand after a download failed
  (``curl: (6) Could not resolve host``) is not the download.
- ``lost_content`` (order 14): a file the step adds to ("add", "append", "insert") that lost
  every word it held was replaced, not added to;
- ``wrong_format`` (order 12): a file whose name says a binary format (``.7z``, ``.zip``,
  ``.gz``, ``.png``, ``.mp3``...) and whose first bytes are not that format's (a tar named
  ``photos.7z``, text typed into ``song.mp3``) is not that file.

Each says nothing (``None``) where its facts are fine. Code files (``.py``, ``.sh``...)
are never judged for placeholders: braces and ``$x`` are their syntax.
"""

from __future__ import annotations

import re
from typing import Any

from smallclaw_core.intent import Role
from smallclaw_core.verification import StepContext, Verdict
from smallclaw_core.vocabulary import LINE_SELECTION
from smallclaw_core.workspace import Workspace

from .conversation import FINISH_TOOL
from .evidence import at_step_start
from .guards import _results, what_failed
from .intents import step_intent

CODE = (".py", ".sh", ".bash", ".js", ".ts", ".rb", ".pl", ".php", ".c", ".h", ".cpp", ".go", ".rs", ".java",
        ".html", ".htm", ".xml", ".j2", ".jinja", ".tmpl", ".template")
#: files read to judge what they hold
READ_LIMIT = 64 * 1024

_PLACEHOLDER = re.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}|\{[A-Za-z_][\w.]*\}|\$\{[A-Za-z_]\w*\}"
    r"|<(?:value|result|answer|number|name|count|total|sum|average|output|text|your[\w ]{0,20}|insert[\w ]{0,20})>"
    r"|\[(?:insert|your|put|result|value|number|answer)[^\]\n]{0,30}\]|\bTODO\b|\bFIXME\b|\blorem ipsum\b|%[sd]\b",
    re.I)


def _text(files: Workspace, name: str) -> str | None:
    try:
        return files.read_text(name, limit=READ_LIMIT)
    except (OSError, UnicodeDecodeError):
        return None


def _written(ctx: StepContext) -> list[str]:
    return [n for n in ctx.changed[:20]]


def _input_text(ctx: StepContext, files: Workspace, name: str, rewritten: bool) -> str:
    """An input's text as the step found it ("" when a rewritten one's earlier bytes are not known)."""
    if not rewritten:
        return _text(files, name) or ""
    start = at_step_start(ctx, name)
    return start.decode("utf-8", "replace") if start is not None else ""


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def known_text(ctx: StepContext, files: Workspace) -> str | None:
    """What the task's words and the step's inputs hold, where template text is no placeholder; None
    when the task asks for a template."""
    said = f"{ctx.task.goal}\n" + "\n".join(s.description for s in ctx.task.steps)
    if re.search(r"\b(?:template|placeholders?)\b", said, re.I):
        return None
    inputs = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).inputs
    written = set(_written(ctx))
    # an input the step rewrote is known as it was when the step started, not as it is now
    return said + "\n" + "\n".join(_input_text(ctx, files, n, n in written) for n in inputs)


class Placeholder:
    """Template text where a result belongs: ``Average: {avg}``, ``Total: <total>``, ``[insert name]``."""

    name = "placeholder"
    order = 12

    async def verify(self, ctx: StepContext) -> Verdict | None:
        files = Workspace(ctx.workspace)
        known = known_text(ctx, files)
        if known is None:
            return None  # a template was asked for
        for name in _written(ctx):
            if name.lower().endswith(CODE):
                continue
            text = _text(files, name)
            if not text:
                continue
            for m in _PLACEHOLDER.finditer(text):
                if m.group(0) not in known:
                    return Verdict(False, f"{name} holds {m.group(0)!r}, a placeholder where a result belongs. "
                                          "Compute the real value with a tool (run_shell, or read_file), then "
                                          "write the file with it.", source=self.name)
        return None


#: a line of Python or shell that no data file holds by chance
_CODE_LINE = re.compile(r"^\s*(?:import \w|from [\w.]+ import |def \w+\(|with open\(|print\(|for \w+ in .+:\s*$|"
                        r"\w+\.write\(|#!/)", re.M)


class ProgramText:
    """A data file that holds a program's text (or code of any kind) instead of what the program prints."""

    name = "program_text"
    order = 12

    async def verify(self, ctx: StepContext) -> Verdict | None:
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        files = Workspace(ctx.workspace)
        named = {f.name for f in intent.files} if "copy" in intent.operations else set()
        programs = {}
        for name, _ in files.walk(limit=500, hidden=False):
            # a program the step names may be what it copies ("copy sum.py to code.txt"); one the
            # model wrote on the way is not
            if name.lower().endswith((".py", ".sh")) and name not in named and (text := _text(files, name)) \
                    and len(_lines(text)) >= 1:
                programs[name] = _lines(text)
        written = [n for n in _written(ctx) if not n.lower().endswith(CODE) and n not in programs]
        for name in written:
            text = _text(files, name)
            if text is None or not text.strip():
                continue
            for program, lines in programs.items():
                if _lines(text) == lines:
                    return Verdict(False, f"{name} holds the text of {program}, not what it prints. Run it "
                                          f"(run_shell with python3 {program} > {name}), then call {FINISH_TOOL}.",
                                   source=self.name)
        said = f"{ctx.task.goal}\n" + "\n".join(s.description for s in ctx.task.steps)
        said += "\n".join(_text(files, n) or "" for n in intent.inputs)  # lines the step copies from its input
        for name in written:
            if name.lower().endswith((".md", ".rst")):
                continue
            code = [line.strip() for line in (_text(files, name) or "").splitlines()
                    if _CODE_LINE.match(line) and line.strip() not in said]
            if code:
                return Verdict(False, f"{name} holds program code ({code[0][:60]!r}) where data belongs: run the "
                                      f"program, or write the data itself, then call {FINISH_TOOL}.", source=self.name)
        return None


class CopyOfInput:
    """A new file that is an exact copy of the step's one input, where the step names an operation on it."""

    name = "copy_of_input"
    order = 16

    async def verify(self, ctx: StepContext) -> Verdict | None:
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        # a copy named is a copy; "the same text as a.txt" may be one too, unless the step also names
        # something done to the data ("the same rows, with commas instead of tabs" is not a copy)
        if "copy" in intent.operations or (re.search(r"\b(?:backup|back\s+up|duplicate|same)\b", intent.text, re.I)
                                           and not intent.operations and not LINE_SELECTION.search(intent.text)):
            return None
        inputs = [f.name for f in intent.files if f.role is Role.READ and f.exists]
        outputs = [f.name for f in intent.files if f.role is Role.WRITE and not f.exists]
        if len(inputs) != 1 or not outputs:
            return None
        files = Workspace(ctx.workspace)
        source = _text(files, inputs[0])
        if not source or not source.strip():
            return None
        for name in outputs:
            text = _text(files, name)
            if text is not None and _lines(text) == _lines(source):
                return Verdict(False, f"{name} holds exactly what {inputs[0]} holds, and the step asks for "
                                      f"something done to it, not a copy. Do it with a tool, then call "
                                      f"{FINISH_TOOL}; if {inputs[0]} already is what the step asks for, say so "
                                      f"in {FINISH_TOOL}.", source=self.name)
        return None


#: words that ask for something added to a file ("add up" is a sum, not an addition to a file)
_ADDS = re.compile(r"\b(?:add|adds|append|appends|insert|inserts|prepend|prepends)\b(?!\s+(?:up|together)\b)", re.I)
_WORD = re.compile(r"[^\W_]{2,}")


class LostContent:
    """A file the step adds to that lost every word it held: "Add the line call bob at the end of
    todo.txt" answered with a todo.txt of just ``call bob``. Adding keeps what was there, so where
    not one word of the file's old text is left, the file was replaced, not added to. Only files
    with words (a lone number may be what an addition changes), and only a step of one request."""

    name = "lost_content"
    order = 14

    async def verify(self, ctx: StepContext) -> Verdict | None:
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        if intent.requests != 1 or not _ADDS.search(intent.text) or intent.operations - {"join", "copy"}:
            return None
        files = Workspace(ctx.workspace)
        changed = {c.lstrip("./") for c in ctx.changed}
        for name in (f.name for f in intent.files if f.role is Role.EDIT and f.exists):
            start = at_step_start(ctx, name) if name.lstrip("./") in changed else None
            old = start.decode("utf-8", "replace") if start is not None else ""
            words = {w.lower() for w in _WORD.findall(old) if not w.isdigit()}
            now = _text(files, name)
            if not words or now is None or words & {w.lower() for w in _WORD.findall(now)}:
                continue
            # no example command: a small model writes an example's words into the file
            return Verdict(False, f"{name} lost everything it held ({cut(old.strip(), 60)!r} is gone), and the step "
                                  f"adds to it. Write it back whole: what it held, with the addition where the step "
                                  f"says, then call {FINISH_TOOL}.", source=self.name)
        return None


_FETCH = re.compile(r"\b(?:curl|wget|fetch|http|https)\b|://", re.I)


class StandIn:
    """A file typed in by hand after the command meant to make it failed is not its output.

    Told a command failed (``ffmpeg: not found``, ``Could not resolve host``), a small
    model writes the file the command was to make with ``write_file``: an "mp3" that
    says "Hello, World!", a "download" that holds its URL. The file exists, so a check
    that it exists passes. So a file the step's failed command named, and that no
    command made since, fails the step with that command's error, which names what is
    missing. A command whose error is about the file itself (``can't open file
    'app.py'``, a syntax error in it) had it as its input, and writing it is the fix.
    Where the program a command runs is not here at all (exit status 127), no file typed
    after it stands for what it was to do (a "sent" email, a print job) until a command
    has run since.
    """

    name = "stand_in"
    order = 9

    async def verify(self, ctx: StepContext) -> Verdict | None:
        evidence = ctx.step_evidence or ctx.evidence
        calls = {e.data.get("id"): e.data for e in evidence if e.kind == "tool_call"}
        failed: dict[str, tuple[str, Any]] = {}  # file -> (the command that was to make it, its result)
        absent: tuple[str, Any] | None = None  # the last command whose program is not here, none run since
        for e in _results(evidence):
            call = calls.get(e.data.get("id")) or {}
            arguments = call.get("arguments") or {}
            if e.data.get("name") == "run_shell":
                command = str(arguments.get("command", ""))
                if str(e.data.get("result", "")).startswith("exit code 127"):
                    absent = (command, e)  # the shell found no such program
                elif not e.data.get("error"):
                    absent = None  # a command ran since
                for name in ctx.changed[:20]:
                    if _names_file(command, name):
                        if e.data.get("error"):
                            if name not in str(e.data.get("result", "")):  # its error is about another thing
                                failed[name] = (command, e)
                        else:
                            failed.pop(name, None)  # a command made it after all
            elif e.data.get("name") in ("write_file", "edit_file") and not e.data.get("error"):
                path = str(arguments.get("path", "")).strip().removeprefix("./")
                if path not in failed and absent and path not in str(absent[1].data.get("result", "")):
                    failed[path] = absent  # its error is not about this file: the program is missing
                if path in failed:
                    command, result = failed[path]
                    return Verdict(False, f"{path} was written by hand after `{cut(command)}` failed: "
                                          f"{what_failed(result)}. A file typed in is not what that command makes. "
                                          f"If it cannot run here, call {FINISH_TOOL} and say what is missing.",
                                   source=self.name)
        return None


def _names_file(command: str, name: str) -> bool:
    return re.search(rf"(?<![\w./-]){re.escape(name)}(?![\w-])", command) is not None


def cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FetchStandIn:
    """A file typed in by hand after a download failed is not the download; nor is one typed for an
    address that no call of the task ever used (``_never_used``)."""

    name = "fetch_stand_in"
    order = 9

    async def verify(self, ctx: StepContext) -> Verdict | None:
        evidence = ctx.step_evidence or ctx.evidence
        calls = {e.data.get("id"): e.data for e in evidence if e.kind == "tool_call"}
        failed: tuple[str, str] | None = None
        for e in evidence:
            if e.kind != "tool_result" or e.data.get("not_run"):
                continue
            call = calls.get(e.data.get("id")) or {}
            arguments = call.get("arguments") or {}
            if e.data.get("name") == "run_shell" and _FETCH.search(str(arguments.get("command", ""))):
                failed = (str(arguments.get("command")), str(e.data.get("result", ""))) if e.data.get("error") else None
            elif failed and e.data.get("name") in ("write_file", "edit_file") and not e.data.get("error"):
                path = str(arguments.get("path", "")).strip()
                command, result = failed
                last = [line for line in result.strip().splitlines() if line.strip()][-1:] or [""]
                return Verdict(False, f"{path} was written by hand after the download `{command[:80]}` failed "
                                      f"({last[0][:160]}). Typed-in content is not the download; if it cannot "
                                      f"be fetched here, call {FINISH_TOOL} and say what is missing.",
                               source=self.name)
        return _never_used(ctx, calls)


def _never_used(ctx: StepContext, calls: dict[Any, Any]) -> Verdict | None:
    """A file typed in by hand for a step that names an address no call of the task ever used: its
    content cannot have come from there. A file that holds the address itself (a link, a script that
    fetches it) is no stand-in, and a call of an earlier step that used it counts. (Programs a step
    names are not read this way: "separated by spaces" names no program ``spaces``, and the words
    cannot tell.)"""
    intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
    urls = [u.rstrip(".,;:!?)'\"") for u in intent.urls]
    names = {u.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].lower(): u for u in urls}
    if not names:
        return None
    earlier = [e.data for e in (ctx.app.store.journal(ctx.task.id) if ctx.app is not None else [])
               if e.kind == "tool_call" and e.step is not None and e.step < ctx.step_index]
    for call in (*calls.values(), *earlier):
        if call.get("name") in (FINISH_TOOL, "write_file", "edit_file"):
            continue  # a report or a file's text is not a fetch
        said = str(call.get("arguments") or "").lower()
        if any(h in said for h in names):
            return None  # a call used it: what became of that is the other guards' to judge
    files = Workspace(ctx.workspace)
    for call in calls.values():
        path = str((call.get("arguments") or {}).get("path", "")).strip().removeprefix("./")
        if call.get("name") not in ("write_file", "edit_file") or path not in ctx.changed:
            continue
        text = (_text(files, path) or "").lower()
        if text.strip() and not any(h in text for h in names):
            return Verdict(False, f"{path} was typed in by hand, and no command fetched {urls[0]}, which the step "
                                  f"names: what it holds did not come from there. Do it with a command; if that "
                                  f"cannot be done here, call {FINISH_TOOL} and say what is missing.",
                           source=FetchStandIn.name)
    return None


#: what the first bytes of a file of each format are (a format whose files can start otherwise is not here)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "7z": (b"7z\xbc\xaf\x27\x1c",), "zip": (b"PK\x03\x04", b"PK\x05\x06"), "gzip": (b"\x1f\x8b",),
    "bzip2": (b"BZh",), "xz": (b"\xfd7zXZ\x00",), "zstd": (b"\x28\xb5\x2f\xfd",), "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",), "GIF": (b"GIF87a", b"GIF89a"), "PDF": (b"%PDF-",), "FLAC": (b"fLaC",),
    "Ogg": (b"OggS",), "WAV": (b"RIFF",), "MP3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}
FORMATS = {".7z": "7z", ".zip": "zip", ".gz": "gzip", ".tgz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd",
           ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".pdf": "PDF", ".flac": "FLAC",
           ".ogg": "Ogg", ".wav": "WAV", ".mp3": "MP3"}


def _format_of(head: bytes) -> str:
    """The format ``head`` (a file's first bytes) is in, as far as the table knows it."""
    if head[257:262] == b"ustar":
        return "tar"
    found = [f for f, starts in SIGNATURES.items() if head.startswith(starts)]
    if found:
        return found[0]
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "another format"


class WrongFormat:
    """A file the step wrote whose name says a binary format its bytes are not in: a tar named
    ``photos.7z``, text typed into ``song.mp3``. The bytes are the evidence; no word of the step is read."""

    name = "wrong_format"
    order = 12

    async def verify(self, ctx: StepContext) -> Verdict | None:
        files = Workspace(ctx.workspace)
        for name in _written(ctx):
            wanted = FORMATS.get("." + name.rsplit(".", 1)[-1].lower()) if "." in name else None
            if wanted is None:
                continue
            try:
                head = files.read_bytes(name, limit=512, partial=True)
            except OSError:
                continue
            if head and not head.startswith(SIGNATURES[wanted]):
                return Verdict(False, f"{name} is not a {wanted} file: its bytes are {_format_of(head)}. Make it "
                                      f"with a program that writes {wanted}; if there is none here, call "
                                      f"{FINISH_TOOL} and say what is missing.", source=self.name)
        return None


GUARDS: tuple[Any, ...] = (StandIn(), Placeholder(), ProgramText(), CopyOfInput(), FetchStandIn(), WrongFormat(),
                           LostContent())
