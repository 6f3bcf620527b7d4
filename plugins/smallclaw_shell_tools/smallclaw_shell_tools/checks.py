"""Evidence checks: a step's ``check`` is tested against the workspace, not asked of a model.

A step may carry one check per line::

    file_exists: report.md
    file_contains: report.md :: total
    file_lacks: greeting.txt :: World
    file_is_number: count.txt
    file_value: config.json :: debug = true
    file_equals_output: sorted.txt :: sort fruits.txt
    command_succeeds: python -m pytest -q

``file_value`` reads a JSON or TOML file and compares one key (``a.b`` for a nested
one) with a JSON value; ``file_equals_output`` compares a file with what a command
prints (blank space at the ends of lines and of the text ignored).

Checks run before the model verifier. A failing check overrules whatever a model
says, and what failed (with the command's output) becomes the feedback for the next
round; when every check the user wrote passes, the step advances without asking a
model. Checks SmallClaw proposed (``Step.check_by``: the planner's, the goal check's)
must pass too, but then the model verifier still judges the content.

``command_succeeds`` runs confined like ``run_shell`` (the sandbox, environment,
timeout) and under the same ``[shell]`` policy: checks can come from the planner, a
model, so they are not trusted more than the executor's commands. Under ``ask`` a
check outside the allow-list runs once the user approved that exact command for the
task; until then the check fails and says how to allow it.

Files are read like the file tools read them (``smallclaw_core.Workspace``: no symlink
followed, regular files only, at most ``[shell] max_read_bytes``), in a worker thread
with a deadline; a file that cannot be read that way fails the check and says why.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from smallclaw_core import NeedsApproval, StepContext, ToolError, Verdict, Workspace, fix_hint, in_worker_thread

from .config import shell_config
from .confinement import confinement_for, shell_mode
from .policy import enforce
from .shell import run_command
from .workspace import refused, workspace_files

FORMS = ("file_exists: PATH", "file_contains: PATH :: TEXT", "file_lacks: PATH :: TEXT", "file_is_number: PATH",
         "file_value: PATH :: KEY = VALUE", "file_equals_output: PATH :: COMMAND", "command_succeeds: COMMAND")
_WITH_TEXT = ("file_contains", "file_lacks", "file_value", "file_equals_output")

#: what "file_is_number" accepts: one number, alone (surrounding blank space is fine)
_NUMBER = re.compile(r"\s*[-+]?\d+(?:[.,]\d+)?\s*")
#: seconds reading a checked file may take (a file system that hangs fails the check)
READ_DEADLINE = 30.0



def _into(command: str, path: str) -> str:
    """The command that writes what ``command`` prints to ``path``, making its folder first where it
    has one (``results/count.txt``: a redirection into a folder that does not exist fails)."""
    folder = str(Path(path).parent)
    target = shlex.quote(path)
    return f"{command} > {target}" if folder in ("", ".") else f"mkdir -p {shlex.quote(folder)} && {command} > {target}"


class MalformedCheck(ValueError):
    """A check that does not follow one of ``FORMS``."""


def parse_check(line: str) -> tuple[str, list[str]]:
    """``"file_contains: a.md :: total"`` -> (``file_contains``, [``a.md``, ``total``])."""
    kind, sep, rest = line.partition(":")
    kind, rest = kind.strip().lower(), rest.strip()
    if not sep or not rest:
        raise MalformedCheck(line)
    if kind in ("file_exists", "file_is_number"):
        return kind, [rest]
    if kind in _WITH_TEXT:
        path, sep, text = rest.partition("::")
        if not sep or not path.strip() or not text.strip() or (kind == "file_value" and "=" not in text):
            raise MalformedCheck(line)
        return kind, [path.strip(), text.strip()]
    if kind == "command_succeeds":
        return kind, [rest]
    raise MalformedCheck(line)


def check_lines(check: str | None) -> list[str]:
    return [line.strip() for line in (check or "").splitlines() if line.strip()]


class EvidenceChecks:
    """The ``checks`` verifier: runs the current step's checks (order 10, before any model)."""

    name = "checks"
    order = 10
    #: its verdict depends on the workspace alone: asked again for every done step before the task completes
    rechecks = True

    async def verify(self, ctx: StepContext) -> Verdict | None:
        lines = check_lines(getattr(ctx.step, "check", None))
        if not lines:
            return None
        passed: list[str] = []
        for line in lines:
            try:
                kind, args = parse_check(line)
                ok, detail = await self._run(kind, args, ctx)
            except MalformedCheck:
                other = _registered(ctx, line)  # a kind another plugin registered
                if other is None:
                    forms = [getattr(k, "form", k.name) for k in ctx.app.check_kinds.values()] if ctx.app else FORMS
                    return Verdict(False, f"the step's check {line!r} is malformed; a check is one of: "
                                          + "; ".join(forms) + ". Fix the plan's check.", source="check")
                ok, detail = await other[0].run(other[1], ctx)
            if not ok:
                return Verdict(False, f"check failed: {line}: {detail}", source="check")
            passed.append(line)
        # the user's checks decide, and so do SmallClaw's when they test what a file holds; a bare
        # file_exists it proposed must pass but does not prove the content right
        proposed = getattr(ctx.step, "check_by", None) is not None
        decisive = not proposed or any(not line.lower().startswith("file_exists") for line in lines)
        return Verdict(True, "checks passed: " + "; ".join(passed), source="check", decisive=decisive)

    async def _run(self, kind: str, args: list[str], ctx: StepContext) -> tuple[bool, str]:
        files = workspace_files(Path(ctx.workspace), ctx.app)
        if kind != "command_succeeds":
            try:
                files.relative(args[0])
            except OSError as exc:
                return False, str(refused(args[0], exc))
            if not files.is_file(args[0]):
                maker = _command_for(args[0], lines_of(ctx))
                if maker:
                    return False, (f"there is no file {args[0]!r} in the workspace yet."
                                   + fix_hint("run_shell", command=_into(maker, args[0])))
                if _step_writes(ctx, args[0]):  # "Write a Python script sum.py ...": the model writes it
                    return False, (f"there is no file {args[0]!r} in the workspace yet. Write it first: call "
                                   f"write_file with path \"{args[0]}\" and its whole content")
                return False, f"there is no file {args[0]!r} in the workspace yet; create it (write_file, or a command)"
            if kind == "file_exists":
                return True, ""
            try:
                data = await in_worker_thread(lambda: files.read_bytes(args[0]), deadline=READ_DEADLINE)
            except TimeoutError:
                return False, f"{args[0]} could not be read within {READ_DEADLINE:g} s"
            except OSError as exc:
                return False, f"{args[0]} cannot be checked: {refused(args[0], exc)}"
            text = data.decode("utf-8", errors="replace")
            if kind == "file_is_number":
                if _NUMBER.fullmatch(text):
                    return True, ""
                maker = _command_for(args[0], lines_of(ctx))
                return False, (f"{args[0]} should hold just the number, but holds {text.strip()[:80]!r}"
                               + (fix_hint("run_shell", command=_into(maker, args[0])) if maker
                                  else "; write only the number"))
            if kind == "file_contains" and args[1] not in text:
                return False, f"{args[0]} does not contain {args[1]!r}"
            if kind == "file_lacks" and args[1] in text:
                return False, f"{args[0]} still contains {args[1]!r}"
            if kind == "file_value":
                ok, detail = _value_matches(data, args[0], args[1])
                return ok, detail if ok else detail + _whole_value_hint(args[0], lines_of(ctx))
            if kind == "file_equals_output":
                ok, printed = await self._command(args[1], ctx, files, want_output=True)
                if not ok:
                    return False, f"the command it is compared with failed: {printed}"
                if not printed.strip():  # an empty file "equals" a script that prints nothing: no proof
                    return False, (f"`{args[1]}` prints nothing, so {args[0]} cannot be shown right; "
                                   "what it runs must print the result")
                if _lines(text) != _lines(printed):
                    return False, (f"{args[0]} does not hold what the step asks for: it holds "
                                   f"{text.strip()[:120]!r}, and should hold {printed.strip()[:120]!r}."
                                   + fix_hint("run_shell", command=_into(args[1], args[0])))
            return True, ""
        return await self._command(args[0], ctx, files)

    async def _command(self, command: str, ctx: StepContext, files: Workspace,
                       want_output: bool = False) -> tuple[bool, str]:
        config = shell_config(ctx.app)
        approvals = frozenset(getattr(ctx.task, "approvals", None) or ())
        files.make_dirs()
        workspace = files.root  # the folder the command runs in
        mode = shell_mode(config)
        try:
            confinement = confinement_for(config, workspace, ctx.app, mode)
            enforce(command, config, workspace, approvals, what="a check", mode=mode, confinement=confinement)
        except NeedsApproval as exc:
            return False, (f"the check command needs approval and was not run ({exc}). Approve it by "
                           "adding the program to [shell] allow, or run it with run_shell and approve it there")
        except ToolError as exc:
            return False, f"the check command was not run: {exc}"
        result = await run_command(command, workspace, timeout=config.timeout,
                                   output_limit=min(config.output_limit, 2000), env_names=config.env,
                                   confinement=confinement)
        if result.failed:
            return False, result.render()
        return True, result.output if want_output else ""


def _registered(ctx: StepContext, line: str) -> tuple[object, object] | None:
    """(kind, check) for a line of a kind another plugin registered, else None."""
    from smallclaw_core import MalformedCheck as Unread
    from smallclaw_core import parse_check as parse_registered

    if ctx.app is None:
        return None
    try:
        check = parse_registered(ctx.app.check_kinds, line)
    except Unread:
        return None
    return ctx.app.check_kinds[check.kind], check


def _command_for(shown: str, lines: list[str]) -> str | None:
    """The command a ``file_equals_output`` check of the step compares ``shown`` with, if any."""
    for line in lines:
        try:
            kind, args = parse_check(line)
        except MalformedCheck:
            continue
        if kind == "file_equals_output" and args[0] == shown:
            return args[1]
    return None


def _step_writes(ctx: StepContext, name: str) -> bool:
    """Whether the step asks for ``name`` to be written (not made by a program, a download...)."""
    description = getattr(ctx.step, "description", "") or ""
    return re.search(rf"\b(?:write|create)\b[^.]*?(?<![\w/.-]){re.escape(name)}(?![\w-])", description, re.I) is not None


def lines_of(ctx: StepContext) -> list[str]:
    return check_lines(getattr(ctx.step, "check", None))


def _whole_value_hint(shown: str, lines: list[str]) -> str:
    """When the step's checks give every key of the file: the whole file, as it should be written."""
    import json

    import tomli_w

    wanted: dict[str, object] = {}
    for line in lines:
        try:
            kind, args = parse_check(line)
        except MalformedCheck:
            return ""
        if kind != "file_value" or args[0] != shown:
            continue
        key, _, raw = args[1].partition("=")
        key = key.strip().strip("\"'")
        if "." in key:
            return ""
        try:
            wanted[key] = json.loads(raw.strip())
        except ValueError:
            wanted[key] = raw.strip().strip("\"'")
    if len(wanted) < 2:
        return ""
    text = tomli_w.dumps(wanted).strip() if shown.lower().endswith(".toml") else json.dumps(wanted)
    return "." + fix_hint("write_file", path=shown, content=text)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def _value_matches(data: bytes, shown: str, expectation: str) -> tuple[bool, str]:
    """``key = value`` against a JSON or TOML file's bytes; the value is JSON (a bare word is a string)."""
    import json
    import tomllib

    key, _, raw = expectation.partition("=")
    key, raw = key.strip().strip("\"'"), raw.strip()
    try:
        wanted = json.loads(raw)
    except ValueError:
        wanted = raw.strip("\"'")
    toml = Path(shown).suffix.lower() == ".toml"
    try:
        text = data.decode("utf-8")
        parsed = tomllib.loads(text) if toml else json.loads(text)
    except ValueError as exc:  # UnicodeDecodeError is one
        return False, f"{shown} cannot be read as {'TOML' if toml else 'JSON'}: {exc}"
    value: object = parsed
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, f"{shown} has no key {key!r}"
        value = value[part]
    if value != wanted or type(value) is not type(wanted):
        return False, f"{shown}: {key} is {json.dumps(value)}, it should be {json.dumps(wanted)}"
    return True, ""
