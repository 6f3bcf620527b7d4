"""The runner's deterministic verifiers: facts that say NO before any model is asked.

- ``structure`` (order 5): a JSON, TOML, YAML or Python file that parsed when the
  round started and no longer does fails the step, unless the step asked for that;
  so does one the step created that does not parse.
- ``grounding`` (order 8): a file the step wrote that holds just a number no tool
  printed (and the goal, plan and checks do not give) fails: small models invent
  sums and counts, tools compute them. It runs before the step's checks, so a
  ``file_exists`` check cannot bless an invented number; a file a ``file_equals_output``
  check computes is left to that check.
- ``failure`` (order 9): a step whose last action failed (a write or a command, or
  every call it made) fails with the end of its output, so the executor (and the
  user, when the task pauses) reads why: "ffmpeg: not found", "Could not resolve host".
- ``unchanged`` and ``echo`` (order 15, after the step's checks): a step that edits
  files that are all there and changed none (by their bytes) fails; so does a file
  that holds the step's own words ("first three lines of data.txt") instead of its result.
- ``evidence`` (order 20, after the step's checks, whose findings say more): a step
  that asks for an action but used no tool fails, with the tools that fit.
  Neither of these two fails a later step whose files an earlier step of the task made
  or changed (a plan's "Save it in t.txt" once t.txt is written): the checks and the
  verifier judge what the files hold.

Each returns ``None`` ("no opinion") when its facts are fine, so the chain goes on to
the evidence checks of the step and the model verifier.
"""

from __future__ import annotations

import json
import re
from typing import Any

from smallclaw_core.verification import StepContext, Verdict

from smallclaw_core.intent import Role

from .compare import lone_number
from .kinds import STATUS_LINE
from .conversation import FINISH_TOOL
from .evidence import at_step_start, command_of, off_the_loop, parse_error
from .intents import goal_intent, step_intent

#: a step that asks for a file that does not parse ("write an invalid JSON file for the parser's tests")
_ASKS_FOR_BREAKAGE = re.compile(r"\b(?:write|create|make|produce|generate|save)\b[^.;]*\b(?:invalid|malformed|corrupt|broken)\b"
                                r"|\bbreak\b", re.I)

#: words of a step that mean it acts, and the tools that act that way
_ACTIONS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\b(write|writes|save|create|make|store|put|record|output|generate|export)\b", re.I),
     ("write_file", "run_shell")),
    (re.compile(r"\b(append|add|insert|edit|replace|change|set|update|modify|rename|fix|remove|delete)\b",
                re.I), ("edit_file", "write_file", "run_shell")),
    (re.compile(r"\b(run|execute|compile|test|install|download|convert|compute|calculate|sum|sort)\b", re.I),
     ("run_shell",)),
    (re.compile(r"\b(read|open|show|view|look|inspect|count|find|search|grep|extract|copy|move)\b", re.I),
     ("read_file", "run_shell", "search_files")),
    (re.compile(r"\b(list|ls)\b", re.I), ("list_files", "run_shell")),
]

#: a number standing alone: not the 3 of python3, the 256 of sha256sum or the 8 of utf8
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w]|\.\d)")
#: tools whose result shows or repeats data rather than computing something
_NOT_COMPUTING = frozenset({"write_file", "edit_file", "read_file", "list_files", "search_files"})
#: the status line a command's result starts with ("exit code 0 (0.06 s)"): not its output
# where a shell command sends its output: `> f`, `>> f`, `| tee [-a] f`
_REDIRECT = re.compile(r"(?:>>?|\btee\s+(?:-a\s+)?)\s*['\"]?([\w./-]+)")


def asks_for_action(description: str) -> bool:
    """Whether a step's words ask for something to be done (written, run, read...)."""
    return any(pattern.search(description) for pattern, _ in _ACTIONS)


def fitting_tools(description: str, available: list[str]) -> list[str]:
    """The installed tools that fit what a step asks for (empty when it asks for no action)."""
    out: list[str] = []
    for pattern, tools in _ACTIONS:
        if pattern.search(description):
            out += [t for t in tools if t in available and t not in out]
    return out


def _calls(evidence: list[Any]) -> list[Any]:
    return [e for e in evidence if e.kind == "tool_call" and e.data.get("name") != FINISH_TOOL]


def _results(evidence: list[Any]) -> list[Any]:
    """Results of calls that ran (not blocked or waiting), ``step_done`` left out."""
    return [e for e in evidence if e.kind == "tool_result" and e.data.get("name") != FINISH_TOOL
            and not e.data.get("not_run")]


class StructureGuard:
    name = "structure"
    order = 5

    async def verify(self, ctx: StepContext) -> Verdict | None:
        if _ASKS_FOR_BREAKAGE.search(ctx.step.description):
            return None
        def look() -> tuple[list[tuple[str, str]], list[tuple[str, str | None]]]:
            broken = ctx.before.broken_since(ctx.workspace) if ctx.before is not None else []
            return broken, [] if broken else [(n, parse_error(ctx.workspace, n)) for n in ctx.changed[:20]]

        to_look = (ctx.before is not None and ctx.before.valid) or ctx.changed
        broken, created = await off_the_loop(look, ([], [])) if to_look else ([], [])  # files are read off the loop
        if broken:
            what = "; ".join(f"{name} {why}" for name, why in broken)
            return Verdict(False, f"{what}. It parsed before this step: fix it so it parses again "
                                  "(read it, then write it back whole and valid).", source=self.name)
        for name, why in created:  # a file the step created must parse too
            if why:
                kind = why.split("valid ", 1)[-1].split(" ", 1)[0]
                return Verdict(False, f"{name} {why.replace(' any more', '')}. Write it again as valid {kind}, "
                                      "nothing before or after it.", source=self.name)
        return None


def what_failed(result: Any) -> str:
    """The end of a failed call's output, where programs print why (a progress meter is not why)."""
    text = str(result.data.get("result", ""))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("[")]
    status = lines[0] if lines and lines[0].startswith("exit code") else ""
    tail = " ".join(lines[-2:]) if len(lines) > 1 else " ".join(lines)
    tail = tail if len(tail) <= 240 else "..." + tail[-240:]
    return f"{status}: {tail}" if status and status not in tail else tail


class FailedAction:
    """A step whose last action failed (a write or a command, or every call it made) fails with why."""

    name = "failure"
    order = 9  # before a step's checks: why the action failed says more than what is missing

    async def verify(self, ctx: StepContext) -> Verdict | None:
        evidence = ctx.step_evidence or ctx.evidence
        results = _results(evidence)
        if not results or not results[-1].data.get("error"):
            return None
        effects = {e.data.get("id") for e in evidence if e.kind == "tool_call" and e.data.get("side_effects")}
        # a failed look (reading an output that is not written yet) is not a failed action
        if results[-1].data.get("id") not in effects and not all(r.data.get("error") for r in results):
            return None
        last, command = results[-1], command_of(evidence, results[-1])  # facts first: what was tried
        return Verdict(False, f"the last call, {last.data.get('name')}{f' (`{command}`)' if command else ''}, "
                              f"failed: {what_failed(last)}", source=self.name)


class ActionEvidence:
    name = "evidence"
    order = 20

    async def verify(self, ctx: StepContext) -> Verdict | None:
        if _calls(ctx.step_evidence or ctx.evidence):
            return None
        available = ctx.app.tools.names() if ctx.app is not None else []
        fitting = fitting_tools(ctx.step.description, available)
        if not fitting:
            # a step that asks for no action (report, answer) is for the model to judge; but a task that
            # is one step, its goal, not a question, that no call touched ("Cancel my newspaper
            # subscription", answered "cancelled it") did nothing, whatever a verifier that says YES says
            if not _the_whole_goal(ctx) or not available or asks_for_action(ctx.step.description) \
                    or step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).question:
                return None  # an action no installed tool does (the model judges), a question, a plan's step
            return Verdict(False, "no tool was used, so nothing was done. Do the step with the tools, or say "
                                  f"what this machine lacks to do it, then call {FINISH_TOOL}.", source=self.name)
        # the files it names ("Fix it": the goal's), when an earlier step made or changed them all,
        # may be done: the checks and the verifier say
        named = [f.name for f in step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).files] \
            or [f.name for f in goal_intent(ctx.app, ctx.task, ctx.workspace).files]
        if named and _made_by_earlier_steps(ctx, named):
            return None
        return Verdict(False, f"no tool was used, so nothing was done. Do the step with "
                              f"{' or '.join(fitting)}, then call {FINISH_TOOL}.", source=self.name)


class NumberGrounding:
    """A file holding just a number must hold one a tool computed from the step's inputs.

    Small models invent sums and counts, and they also "compute" them from nothing
    (``expr 0 + 1``, ``echo $((a + b))`` with unset variables). So the number counts
    only when a call printed it, and, when the step names input files, that call used
    one of them (its name, or a number found in them). Reading tools show data and
    writing tools echo byte counts: neither computes. A command on the inputs that
    sends its output straight into the file (``wc -l < data.txt > count.txt``) computed
    what the file holds, unless the number is written out in the command (``echo 42 > f``).
    """

    name = "grounding"
    order = 8

    async def verify(self, ctx: StepContext) -> Verdict | None:
        if not ctx.changed or ctx.app is None:
            return None
        sources: tuple[list[str], dict[str, list[str]]] | None = None
        # a file the step's checks compute exactly is left to them: they know the right number
        computed = {line.partition(":")[2].partition("::")[0].strip()
                    for line in (ctx.step.check or "").splitlines() if line.startswith("file_equals_output:")}
        for name in ctx.changed[:5]:
            if name.lstrip("./") in computed:
                continue
            try:
                text = ctx.files.read_text(name, limit=40).strip()
            except (OSError, UnicodeDecodeError):  # larger than 40 bytes, not a text file
                continue
            plain = "." not in name.rsplit("/", 1)[-1] or name.endswith(".txt")
            number = text if _NUMBER.fullmatch(text) else lone_number(text) if plain else None
            if number is None or (number != text and number in self._input_numbers(ctx)):
                continue  # no number, or one the inputs hold: a line selected or changed ("WARN disk 80%")
            text = number  # "Total: 42" is the number 42, typed or computed like a bare one
            if sources is None:
                sources = self._sources(ctx)
            texts, redirected = sources
            if any(text not in _NUMBER.findall(command) for command in redirected.get(name.lstrip("./"), [])):
                continue  # a command sent its output into the file, and did not just echo the number
            if self._left_by_a_program(ctx, name.lstrip("./"), text):
                continue  # a program run on the inputs wrote the file last, and the number is not typed in it
            if not any(text in _NUMBER.findall(source) for source in texts):
                return Verdict(False, f"{name} holds {text}, but no tool computed that number from the step's input. "
                                      "Compute it with a command on the input file (run_shell with wc, expr, "
                                      "python3...), then write what it printed.", source=self.name)
        return None

    @staticmethod
    def _input_numbers(ctx: StepContext) -> set[str]:
        """The numbers in the step's input files."""
        found: set[str] = set()
        for n in step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).inputs:
            try:
                found |= set(_NUMBER.findall(ctx.files.read_text(n, limit=65536, partial=True, errors="replace")))
            except OSError:
                continue
        return found

    @staticmethod
    def _left_by_a_program(ctx: StepContext, name: str, number: str) -> bool:
        """Whether a command that worked (and used the step's inputs, if it has any) ran after the
        file was last typed in, with the number nowhere in what the model typed: a program that
        writes the file itself (``open('total.txt', 'w')``) computed it."""
        evidence = ctx.step_evidence or ctx.evidence
        inputs = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).inputs
        calls = {e.data.get("id"): e.data for e in evidence if e.kind == "tool_call"}
        typed: list[str] = []
        ran = False
        for e in evidence:
            if e.kind != "tool_result" or e.data.get("error") or e.data.get("not_run"):
                continue
            arguments = (calls.get(e.data.get("id")) or {}).get("arguments") or {}
            if e.data.get("name") in ("write_file", "edit_file"):
                typed.append(str(arguments.get("content", "")) + str(arguments.get("new", "")))
                if str(arguments.get("path", "")).strip().removeprefix("./") == name:
                    ran = False  # typed in after any command
            elif e.data.get("name") == "run_shell":
                command = str(arguments.get("command", ""))
                typed.append(command)
                ran = ran or not inputs or any(n in command for n in inputs) or \
                    any(n in "".join(typed) for n in inputs)
        return ran and not any(number in _NUMBER.findall(t) for t in typed)

    @staticmethod
    def _sources(ctx: StepContext) -> tuple[list[str], dict[str, list[str]]]:
        """Texts a number may come from (the goal and the plan, what computing calls printed),
        and the files computing calls wrote their output into."""
        texts = [ctx.task.goal] + [f"{s.description} {s.check or ''}" for s in ctx.task.steps]
        inputs = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace).inputs
        input_numbers = NumberGrounding._input_numbers(ctx)
        calls: dict[Any, Any] = {}
        redirected: dict[str, list[str]] = {}
        entries = list(ctx.app.store.journal(ctx.task.id))
        seqs = {e.seq for e in entries}
        entries += [e for e in ctx.step_evidence or ctx.evidence if e.seq not in seqs]
        for e in entries:
            if e.kind == "tool_call":
                calls[e.data.get("id")] = e.data
                continue
            name = e.data.get("name")
            if e.kind != "tool_result" or e.data.get("error") or name in _NOT_COMPUTING or name == FINISH_TOOL:
                continue
            arguments = json.dumps((calls.get(e.data.get("id")) or {}).get("arguments") or {})
            if inputs and not (any(n in arguments for n in inputs)
                               or input_numbers & set(_NUMBER.findall(arguments))
                               or any(n in _script_text(ctx, arguments) for n in inputs)):
                continue  # it computed from nothing the step gave it
            texts.append(STATUS_LINE.sub("", str(e.data.get("result", ""))))
            command = str(((calls.get(e.data.get("id")) or {}).get("arguments") or {}).get("command", ""))
            for target in _REDIRECT.findall(command):
                redirected.setdefault(target.lstrip("./"), []).append(command)
        return texts, redirected


_SCRIPT = re.compile(r"[\w./-]+\.(?:py|sh)\b")


def _script_text(ctx: StepContext, arguments: str) -> str:
    """The text of the scripts in the workspace a command runs (``python3 count.py``): what it reads is
    named there, not in the command."""
    texts = []
    for name in dict.fromkeys(_SCRIPT.findall(arguments)):
        try:
            texts.append(ctx.files.read_text(name, limit=65536, partial=True, errors="replace"))
        except (OSError, ValueError):
            continue
    return "\n".join(texts)


def _is_data(text: str) -> bool:
    """A JSON object or array: data the step may spell out, never a request's words."""
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def _is_program(name: str, text: str) -> bool:
    """A Python file that compiles: a program, never a request's words."""
    try:
        return name.endswith(".py") and bool(compile(text, name, "exec"))
    except (SyntaxError, ValueError):
        return False


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _same_as_at_start(ctx: StepContext, names: list[str]) -> set[str]:
    """Those of ``names`` whose bytes are the ones the step started with (written back the same)."""
    same = set()
    for name in names:
        start = at_step_start(ctx, name)
        if start is None:
            continue
        try:
            now = ctx.files.read_bytes(name, limit=len(start) + 1, partial=True)
        except OSError:
            continue
        if now == start:
            same.add(name)
    return same


def _the_whole_goal(ctx: StepContext) -> bool:
    """Whether the task is this one step, and the step is its goal (given as it is, or its one sentence)."""
    words = lambda text: " ".join(str(text).lower().split())  # noqa: E731
    return len(ctx.task.steps) == 1 and words(ctx.step.description) == words(ctx.task.goal)


def _made_by_earlier_steps(ctx: StepContext, names: list[str]) -> bool:
    """Every one of ``names`` was created or changed by an earlier step of the task (its journaled change)."""
    if not ctx.step_index or ctx.app is None:
        return False
    made = {f.get("path") for e in ctx.app.store.journal(ctx.task.id)
            if e.kind == "change" and (e.data.get("step") or 0) < ctx.step_index
            for f in e.data.get("files") or () if f.get("action") in ("created", "changed")}
    return all(n.lstrip("./") in made for n in names)


class UnchangedEdit:
    """A step that edits files that are all there, and changed none of them, is not done.

    "Replace every comma in data.txt with a semicolon" leaves no new file to look for,
    and a small verifier takes the model's word; that data.txt is as it was is a fact.
    Which files a step edits in place is its intent's (``Role.EDIT``), read once when it
    started: a file beside a new one is what the step reads, not what it edits. A file
    written back with the bytes it had is as unchanged as one left alone; files an earlier
    step of the task made or changed are left to the other verifiers (a plan's "Save it in
    t.txt" after the step that wrote t.txt asks for nothing more), and so are files the
    whole goal only reads.
    """

    name = "unchanged"
    order = 15  # after the step's own checks, which say more when they fail

    async def verify(self, ctx: StepContext) -> Verdict | None:
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        named = [f.name for f in intent.files if f.role is Role.EDIT and f.exists]
        if not named or len(named) != len(intent.files):
            return None
        read = {f.name for f in goal_intent(ctx.app, ctx.task, ctx.workspace).files if f.role is Role.READ}
        if any(n in read for n in named):
            return None  # a step of the plan that describes what the goal reads ("people.json holds a list")
        if any(not ctx.files.exists(n) for n in named):
            return None  # moved or removed since the step started: not as it was ("put jan.txt in a folder")
        changed = {c.lstrip("./") for c in ctx.changed}
        touched = [n for n in named if n.lstrip("./") in changed]
        if touched and not all(n in _same_as_at_start(ctx, touched) for n in touched):
            return None
        if _made_by_earlier_steps(ctx, named):
            return None  # "Save it in t.txt" after a step that wrote t.txt: that step's work may be this one's
        names = ", ".join(named)
        return Verdict(False, f"{names} {'is' if len(named) == 1 else 'are'} unchanged, and the step asks for a "
                              f"change: make it with a tool (edit_file, write_file, or run_shell with sed), then "
                              f"call {FINISH_TOOL}.", source=self.name)


class Echo:
    """A file that holds the step's own words ("first three lines of data.txt") is not its result.

    Words, not numbers alone ("2 4 6 8 10" a request says a program prints: typed numbers are the number
    guard's), nor a Python file that compiles (``print("hello")`` is the fix "it should print hello" asks).
    """

    name = "echo"
    order = 15

    async def verify(self, ctx: StepContext) -> Verdict | None:
        description = ctx.step.description
        said = _norm(description)
        intent = step_intent(ctx.app, ctx.task, ctx.step_index, ctx.workspace)
        given = {_norm(v.text) for v in intent.values + goal_intent(ctx.app, ctx.task, ctx.workspace).values}
        # what the step's own checks require a file to hold is given, not echoed
        given |= {_norm(line.partition("::")[2]) for line in (ctx.step.check or "").splitlines()
                  if line.strip().lower().startswith("file_contains:")}
        stems = [f.name.rsplit("/", 1)[-1].split(".", 1)[0].lower() for f in intent.files]
        for name in ctx.changed[:5]:
            try:
                text = ctx.files.read_text(name, limit=400).strip()
            except (OSError, UnicodeDecodeError):  # not a file, larger than 400 bytes, not text
                continue
            words = _norm(text)
            if (len(words) < 4 or words not in said or words in given or _is_data(text) or _is_program(name, text)
                    or not re.search(r"[a-z]{2}", text.lower())):  # numbers and signs only
                continue
            # two words or one, in a new file: an echo only with a file's name in them ("reversed.tx...");
            # "hello world" in a new hello.txt is the words the step gives. A file the step edits that
            # now holds just "[server]" lost what it held
            edited = name in (ctx.step.found or ())
            if len(text.split()) >= 3 or any(stem and (f"{stem}." in text.lower() or (edited and stem in text.lower()))
                                             for stem in stems):
                return Verdict(False, f"{name} holds {text[:80]!r}: words of the step itself, not its result. "
                                      "Do what the step asks with a tool (run_shell, or read_file then "
                                      "write_file), and write what that gives.", source=self.name)
        return None
