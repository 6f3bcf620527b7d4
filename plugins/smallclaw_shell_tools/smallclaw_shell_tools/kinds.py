"""The shell tools' check kinds, registered so that the core and other plugins read check lines as typed values."""

from __future__ import annotations

from typing import Any

from smallclaw_core import Check, MalformedCheck

from . import checks


class ShellCheckKind:
    """One kind of the check language in ``checks.py`` (``file_exists: PATH`` ...)."""

    def __init__(self, name: str, form: str, produces: bool, exact: bool = False):
        self.name = name
        self.form = form
        self.produces = produces
        self.exact = exact

    def __repr__(self) -> str:
        return f"ShellCheckKind({self.name!r})"

    def parse(self, rest: str) -> Check:
        line = f"{self.name}: {rest}"
        try:
            kind, args = checks.parse_check(line)
        except checks.MalformedCheck:
            raise MalformedCheck(f"{line!r} is not written as {self.form}") from None
        if kind == "command_succeeds":
            return Check(kind, None, args[0], line)
        return Check(kind, args[0], args[1] if len(args) > 1 else None, line)

    async def run(self, check: Check, ctx: Any) -> tuple[bool, str]:
        args = [a for a in (check.path, check.argument) if a is not None]
        return await checks.EvidenceChecks()._run(self.name, args, ctx)


#: a check whose path is a file the step makes: it exists, holds a number, or what a command prints
_PRODUCES = {"file_exists", "file_is_number", "file_equals_output"}
#: a check whose pass shows the file holds exactly the result: what a command prints
_EXACT = {"file_equals_output"}

KINDS = tuple(ShellCheckKind(name := form.split(":", 1)[0], form, name in _PRODUCES, name in _EXACT)
              for form in checks.FORMS)
