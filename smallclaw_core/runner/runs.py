"""What a program the step wrote does when it runs: evidence from running it, not from its words.

``program_run`` (order 13): each Python program the step made or changed is run once,
``python3 NAME`` with no input, through the task's own ``run_shell`` (so under its sandbox
and policy) in a throwaway copy of the workspace, so nothing it writes is kept. The step
is not done when the program

- stops on an error no input or setting explains: ``NameError`` (``print({result})``,
  the fix written as a template), ``SyntaxError``, ``IndentationError``;
- prints template text where its output belongs (``<value>``, ``Hello, {name}!``) that
  neither the task nor its inputs hold, the same test as ``placeholder`` for a file.

A program that reads arguments or input (``sys.argv``, ``input(``, ``sys.stdin``,
``argparse``) is not judged by what a run without them prints; one the step asks to be
broken is not run. Where nothing can be run here (no ``run_shell``, the policy asks
first, the workspace is too large to copy, the run is slow) the guard says nothing.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tempfile
from pathlib import Path

import anyio

from smallclaw_core.errors import NeedsApproval
from smallclaw_core.snapshots import Snapshot, copy_workspace
from smallclaw_core.tools import ToolContext
from smallclaw_core.verification import StepContext, Verdict
from smallclaw_core.workspace import Workspace

from .content import _PLACEHOLDER, _text, _written, known_text
from .guards import _ASKS_FOR_BREAKAGE

#: errors a plain run of a finished program never has for want of input or setting
_BROKEN = re.compile(r"^(NameError|UnboundLocalError|SyntaxError|IndentationError|TabError): (.*)$", re.M)
#: a program that reads these is not judged by what it prints without them
_TAKES_INPUT = re.compile(r"\bsys\.argv\b|\binput\(|\bsys\.stdin\b|\bargparse\b|\bgetopt\b|\bfileinput\b")
_ASKS_TO_RAISE = re.compile(r"\b(?:raises?|throws?)\b", re.I)
#: a workspace larger than this is not copied to run a program in
COPY_LIMIT = 20 * 1024 * 1024
#: seconds a program may take; a slower one is not judged
RUN_LIMIT = 15.0
_STATUS = re.compile(r"\Aexit code (-?\d+) \([^)]*\)\n")


def _copy(files: Workspace, dest: Path) -> bool:
    """The workspace into ``dest``, as an attempt's copy is made; False when it is too large to copy."""
    snapshot = Snapshot.take(files, keep_bytes=COPY_LIMIT, lazy=True)
    if snapshot.truncated or sum(getattr(s, "size", 0) or 0 for s in snapshot.seen.values()) > COPY_LIMIT:
        return False
    copy_workspace(snapshot, dest)
    return True


async def run_program(ctx: StepContext, name: str) -> tuple[int, str] | None:
    """(exit code, output) of ``python3 name`` run in a throwaway copy of the workspace by the task's
    ``run_shell``; None where it cannot be run here or did not finish in time."""
    run_shell = ctx.app.tools.get("run_shell") if ctx.app is not None else None
    if run_shell is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="smallclaw-run-"))
    try:
        if not await anyio.to_thread.run_sync(_copy, Workspace(ctx.workspace), folder):
            return None
        tool_ctx = ToolContext(workspace=folder, task_id=ctx.task.id, session_key=ctx.task.session_key, app=ctx.app,
                               approvals=frozenset(ctx.task.approvals), origin=ctx.task.origin)
        output = None
        with anyio.move_on_after(RUN_LIMIT):
            output = str(await run_shell.call({"command": f"python3 {shlex.quote(name)} < /dev/null"}, tool_ctx))
    except NeedsApproval:
        return None  # the policy asks before a command runs: nothing runs unasked
    except Exception:  # noqa: BLE001 - refused, timed out: a run that says nothing of the program
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    m = _STATUS.match(output or "")
    return (int(m.group(1)), output[m.end():]) if m else None


class ProgramRun:
    """A program the step wrote that breaks on a plain run, or prints a template, is not done."""

    name = "program_run"
    order = 13

    async def verify(self, ctx: StepContext) -> Verdict | None:
        said = f"{ctx.task.goal}\n{ctx.step.description}"
        if _ASKS_FOR_BREAKAGE.search(said) or _ASKS_TO_RAISE.search(said):
            return None
        files = Workspace(ctx.workspace)
        programs = [n for n in _written(ctx) if n.endswith(".py") and files.is_file(n)][:3]
        for name in programs:
            source = _text(files, name) or ""
            ran = await run_program(ctx, name)
            if ran is None:
                continue
            code, output = ran
            broken = list(_BROKEN.finditer(output))
            if code != 0 and broken:
                kind, why = broken[-1].groups()
                return Verdict(False, f"python3 {name} stops with {kind}: {why.strip()[:120]}. Fix the program so "
                                      "it runs, run it to see, then call step_done.", source=self.name)
            if code != 0 or _TAKES_INPUT.search(source):
                continue
            known = known_text(ctx, files)
            for m in _PLACEHOLDER.finditer(output) if known is not None else ():
                if m.group(0) not in known:
                    return Verdict(False, f"python3 {name} prints {m.group(0)!r}, a placeholder where its result "
                                          "belongs. Make the program compute and print the real value, run it "
                                          "to see, then call step_done.", source=self.name)
        return None
