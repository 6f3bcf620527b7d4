"""Step checks as typed values: the kinds plugins register, and the derivers that propose checks from a step's intent.

A step's ``check`` is text, one check per line, ``kind: PATH :: ARGUMENT`` or
``kind: ARGUMENT``. The kinds are registered by plugins (``register_check_kinds``; the
shell tools register ``file_exists``, ``file_contains``, ``file_equals_output``...), so
the core never parses a plugin's check language by hand: ``parse_checks(app, text)``
gives ``Check`` values, and each kind says whether its path is a file the step makes.

Derivers (``register_check_derivers``) propose checks for a step from its ``Intent``
(``smallclaw_core.intent``): a deriver proposes a check only where the words and the
files leave no doubt, since a wrong check fails right work. Each deriver has a name, a
docstring with examples, and (in the plugin that gives it) a corpus of near-miss
wordings it must leave alone.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol

import attrs

from .intent import Intent


class MalformedCheck(ValueError):
    """A check line that no registered kind reads."""


@attrs.frozen
class Check:
    """One check of a step: its kind, the file it tests (if any) and its argument."""

    kind: str
    path: str | None = None
    argument: str | None = None
    line: str = ""


class CheckKind(Protocol):
    """A kind of check a plugin registers."""

    #: the word a check line starts with ("file_exists")
    name: str
    #: how a line of it is written ("file_contains: PATH :: TEXT"), for error messages
    form: str
    #: its PATH is a file the step makes (not one it needs before it starts)
    produces: bool
    #: passing it shows the file holds exactly the result (``file_equals_output``: what a command
    #: prints): where SmallClaw proposed it, one attempt that passes it decides the step (optional,
    #: default False; other checks of SmallClaw's must be passed by two attempts that agree)
    exact: bool
    def parse(self, rest: str) -> Check:
        """The check from what follows ``name:``; ``MalformedCheck`` when it does not read."""

    async def run(self, check: Check, ctx: Any) -> tuple[bool, str]:
        """Run against the workspace of ``ctx`` (a ``StepContext``): (passed, what was found)."""


def check_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_check(kinds: Any, line: str) -> Check:
    """``line`` as a ``Check`` of one of ``kinds`` (a registry or mapping of kind name to kind)."""
    name, sep, rest = line.partition(":")
    kind = kinds.get(name.strip().lower()) if sep else None
    if kind is None or not rest.strip():
        raise MalformedCheck(line)
    return kind.parse(rest.strip())


def parse_checks(app: Any, text: str | None) -> list[Check]:
    """The step's checks that read as a registered kind (a malformed line is the verifier's to report)."""
    out = []
    for line in check_lines(text):
        try:
            out.append(parse_check(app.check_kinds, line))
        except MalformedCheck:
            continue
    return out


def produced(app: Any, text: str | None) -> list[str]:
    """The files a step's checks say it makes."""
    kinds = app.check_kinds
    return list(dict.fromkeys(c.path for c in parse_checks(app, text)
                              if c.path and getattr(kinds.get(c.kind), "produces", False)))


@attrs.frozen
class Facts:
    """What a deriver may look at besides the step's words."""

    #: the task's workspace (a ``smallclaw_core.Workspace``), as it is when the step starts
    workspace: Any = None
    #: the whole goal, read the same way
    goal: Intent | None = None
    #: the script an earlier step wrote, for "run it and write its output to ..."
    script: str | None = None


@attrs.frozen
class CheckDeriver:
    """A rule that proposes checks for a step from its intent; see ``deriver``."""

    name: str
    derive: Callable[[Intent, Facts], Iterable[str]]
    doc: str = ""


def deriver(name: str) -> Callable[[Callable[[Intent, Facts], Iterable[str]]], CheckDeriver]:
    """Make a function ``(intent, facts) -> check lines`` a registered deriver::

        @deriver("line_count")
        def line_count(intent, facts):
            '''"Count the lines in a.txt and write the number to n.txt" -> wc -l'''
            ...

        @hookimpl
        def register_check_derivers(register):
            register(line_count)
    """
    def wrap(fn: Callable[[Intent, Facts], Iterable[str]]) -> CheckDeriver:
        return CheckDeriver(name, fn, (fn.__doc__ or "").strip())
    return wrap


def derive_checks(app: Any, intent: Intent, facts: Facts) -> list[str]:
    """Every registered deriver's checks for a step, in the order they were registered, each line once."""
    lines: list[str] = []
    for d in app.check_derivers.values():
        for line in d.derive(intent, facts) or ():
            if line not in lines:
                lines.append(line)
    return lines
