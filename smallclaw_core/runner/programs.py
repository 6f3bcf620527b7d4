"""An attempt as one program: the model writes a Python program for the step, SmallClaw runs it.

A 0.5B model asked for a whole program at once often makes the right file where its tool
calls do not (``[runner] attempt_style``). It cannot read files while it writes, so the
files the step and the goal name are shown to it; where the step makes or changes one
script, the program is that script, saved under its name and run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, Awaitable, Callable

import attrs

from smallclaw_core.chat import cut_middle
from smallclaw_core.intent import Role
from smallclaw_core.models import Message, ModelOptions
from smallclaw_core.tasks import Task
from smallclaw_core.tools import ToolContext
from smallclaw_core.workspace import Workspace

from .intents import goal_intent, step_intent

CODE_PROMPT = (
    "You write one complete Python 3 program that does a task in the current folder, using only the "
    "standard library. It reads the files it needs and writes the files the task asks for. "
    "Reply with the program only, no explanation."
)
#: characters of each file the step or goal names shown to a code attempt (it has no tool to read them)
SHOWN = 1500


#: modules a program may use without importing them (the import is added: the meaning is kept)
STDLIB = ("csv", "datetime", "glob", "json", "math", "os", "re", "shutil", "statistics", "subprocess", "sys")
#: names a program may use without importing them, and their import (``Path(...)``, ``except JSONDecodeError``)
NAMES = {"Path": "from pathlib import Path", "JSONDecodeError": "from json import JSONDecodeError"}


def fenced(reply: str) -> str:
    """The first fenced block of a model's reply (else the reply), without lines that are only a fence
    (an unclosed or stray one)."""
    block = re.search(r"```[\w+.-]*[ \t]*\n(.*?)```", reply, re.S)
    text = block.group(1) if block else reply
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("```"))


#: a first line that only names the language (``python`` above the code, a fence's tag on a line of its own)
_LANGUAGE_LINE = re.compile(r"\A\s*(?:python3?|py)\s*\n", re.I)


#: a line of prose: a capitalised word, then at least three more (the explanation a model writes after its code)
_PROSE = re.compile(r"\A[A-Z][a-z]*(?:\s+[\w`'\"(),.:;/-]+){3,}\s*\Z")


def without_prose_after(program: str) -> str:
    """``program`` without the explanation a model wrote after it, unfenced ("This script reads ..."):
    where the first line Python cannot parse is prose and everything before it parses, the code ends there.
    Anything else is left as it is, to fail as it will."""
    try:
        ast.parse(program)
        return program
    except SyntaxError as exc:
        line = exc.lineno or 0
    lines = program.splitlines()
    if line < 2 or line > len(lines) or not _PROSE.match(lines[line - 1].strip()):
        return program
    head = "\n".join(lines[:line - 1]).rstrip()
    try:
        ast.parse(head)
    except SyntaxError:
        return program
    return head


def program_of(reply: str) -> str:
    """The program in a model's reply: its first fenced block, else the reply; lines that are only a
    fence (an unclosed or stray one) are dropped, so is a first line that only names the language (run,
    it is a NameError) and prose after the code (``without_prose_after``), and the import of a standard
    module (or ``Path``) it uses but never imported is added."""
    program = without_prose_after(_LANGUAGE_LINE.sub("", fenced(reply).strip(), count=1).strip())
    # a module of the standard library used and never imported: small models forget ``import json``
    missing = [m for m in STDLIB if re.search(rf"(?<![\w.]){m}\.", program)
               and not re.search(rf"^\s*import\s+[\w, ]*\b{m}\b", program, re.M)]
    names = [n for n in NAMES if re.search(rf"(?<![\w.]){n}\b", program)
             and not re.search(rf"\bimport\b[^\n]*\b{n}\b|^\s*(?:def|class)\s+{n}\b|^\s*{n}\s*=", program, re.M)]
    return "".join(f"import {m}\n" for m in missing) + "".join(f"{NAMES[n]}\n" for n in names) + program


def _shown_files(app: Any, task: Task, workspace: Path, limit: int = SHOWN) -> tuple[str, list[str], list[str]]:
    """The files the step or goal names that are in the copy, with their first characters (a code attempt
    cannot read them), the scripts (.py) the step makes or changes, and the other files it makes."""
    step, goal = step_intent(app, task), goal_intent(app, task)
    ws = Workspace(workspace)
    shown = []
    for name in dict.fromkeys(f.name for f in (*step.files, *goal.files)):
        if ws.is_file(name):
            text = ws.read_bytes(name, limit=limit, partial=True).decode("utf-8", "replace")
            shown.append(f"--- {name} ---\n{text}")
    scripts = [f.name for f in step.files if f.role in (Role.WRITE, Role.EDIT) and f.name.endswith(".py")]
    outputs = [f.name for f in step.files if f.role is Role.WRITE and not f.name.endswith(".py")]
    return "\n".join(shown), scripts, outputs


def fresh_copy(base: Any, folder: Path) -> Callable[[], Awaitable[None]]:
    """What puts an attempt's copy back as the snapshot ``base`` was (a program that failed half-way may
    have emptied the file it was rewriting), for the next program to run on."""
    async def fresh() -> None:
        import shutil

        import anyio

        from smallclaw_core.snapshots import copy_workspace

        await anyio.to_thread.run_sync(shutil.rmtree, folder)
        await anyio.to_thread.run_sync(copy_workspace, base, folder)
    return fresh


#: what a program that ran and failed is told, with its error, to get the whole program corrected
REPAIR_ASK = "Running it failed:\n{error}\nReply with the whole program, corrected, and nothing else."


async def code_attempt(driver: Any, task: Task, ctx: ToolContext, observer: Any, run_shell: Any,
                        options: ModelOptions, hint: str | None, write_file: Any = None,
                        fresh: Callable[[], Awaitable[None]] | None = None, repairs: int = 0) -> str:
    """An attempt as one program: the model writes it, SmallClaw runs it in the copy (sandboxed, as
    run_shell runs any command), and the change it leaves is the attempt's answer. Where the step makes
    or changes one script, the program is that script: saved under its name, then run. Where the step
    makes one new file that the program did not write, but printed something (``7.00``, where it was
    to write avg.txt), what it printed is saved there with ``write_file``, journaled as the call it is:
    it is the program's answer, and it still counts only where an attempt that was not a program
    agrees with it. A program that ran and failed is shown its error and written again, corrected, up to
    ``repairs`` times (self-debugging: a 0.5B model's programs fail on a NameError or a stray ``input()``
    far more often than on the task), each run in the copy as it was before (``fresh``)."""
    from smallclaw_core.chat import model_call
    from smallclaw_core.models import ModelRequest, ToolCall

    app = driver.app
    files = ", ".join(sorted(n for n, _ in Workspace(ctx.workspace).walk(limit=50, hidden=False))) or "none"
    shown, scripts, outputs = _shown_files(app, task, Path(ctx.workspace))
    script = scripts[0] if len(scripts) == 1 else None
    writes = f"It writes {', '.join(outputs)} itself (printing is not writing)." if outputs else ""
    ask = (f"Task: {task.goal}\nDo this part now: {task.steps[task.current_step].description}\n"
           f"Files in the folder: {files}" + (f"\n{shown}" if shown else "")
           + (f"\nThe program you write is saved as {script} and run." if script else "")
           + (f"\n{writes}" if writes else "")
           + (f"\nAn earlier try failed: {hint}" if hint else ""))
    messages = [Message("system", CODE_PROMPT), Message("user", ask)]
    for turn in range(repairs + 1):
        request = ModelRequest(model=driver.ref.model, messages=messages,
                               options=attrs.evolve(options, num_predict=800), timeout=app.config.models.timeout)
        reply = await model_call(driver.ref, request)
        if observer.model_called:
            observer.model_called(reply, 0.0)
        program = program_of(reply.content)
        marker = "SMALLCLAW_PROGRAM_END"
        while marker in program:  # a program that holds the marker would end the here-document early
            marker += "_"
        command = (f"cat > {script} <<'{marker}'\n{program}\n{marker}\npython3 {script}" if script
                   else f"python3 - <<'{marker}'\n{program}\n{marker}")
        call = ToolCall("run_shell", {"command": command}, id="code" if turn == 0 else f"code-{turn}")
        observer.tool_started(call, run_shell)
        try:
            output = await run_shell.call(call.arguments, ctx)
            failed = output.__class__.__name__ == "ToolFailure"
        except Exception as exc:  # a refused or timed-out command is the attempt's failure, as for a tool call
            output, failed = f"Error: {exc}", True
        observer.tool_finished(call, output, failed)
        # only a program that ran and failed is repaired: a refused command would be refused again
        if not failed or turn == repairs or fresh is None or not str(output).startswith("exit code"):
            break
        await fresh()
        messages += [Message("assistant", f"```python\n{program}\n```"),
                     Message("user", REPAIR_ASK.format(error=cut_middle(str(output), 800)))]
    printed = _printed(str(output)) if not failed and script is None and len(outputs) == 1 else None
    if printed and write_file is not None and not Workspace(ctx.workspace).exists(outputs[0]):
        save = ToolCall("write_file", {"path": outputs[0], "content": printed}, id="printed")
        observer.tool_started(save, write_file)
        try:
            saved = await write_file.call(save.arguments, ctx)
            refused = saved.__class__.__name__ == "ToolFailure"
        except Exception as exc:  # a refused write: the attempt changed nothing, as before
            saved, refused = f"Error: {exc}", True
        observer.tool_finished(save, saved, refused)
    return cut_middle(output, 500)


#: what a command that worked printed: its status line, then the output (no job lines, nothing cut)
_WORKED = re.compile(r"\Aexit code 0 \([^)\n]*\)\n(?P<out>.*)\Z", re.S)


def _printed(result: str) -> str | None:
    """What a program that exited 0 printed, as a file's text, or None: it printed nothing, or more than
    a file a reply could be (``replies.SHOWN_WHOLE``), or the output was cut."""
    m = _WORKED.match(result)
    out = m.group("out").strip("\n") if m else ""
    if not out.strip() or out == "(no output)" or len(out) > 4000 or "characters cut ...]" in out:
        return None
    return out + "\n"
