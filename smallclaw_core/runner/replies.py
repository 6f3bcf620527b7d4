"""An attempt as one reply: the whole new contents of the one file a step makes or changes.

A program and a tool round at the same step fail in different ways, which is why, with
``attempt_style = "mixed"``, only one of each may agree. A 0.5B model rarely gets through
a tool round, though (it reads, forgets to write, or never calls step_done), so where the
step makes or changes exactly one file, the turn that is not a program asks for that
file's contents directly: the files the step names are shown, the reply is the file, and
SmallClaw saves it with ``write_file`` in the attempt's copy, so every guard sees the call
as it sees any other. A number in such a reply was typed, not computed; it counts only
where a program, which computes, made the same file (``NOT_FOR_REPLIES``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from smallclaw_core.chat import cut_middle
from smallclaw_core.intent import Role
from smallclaw_core.models import Message, ModelOptions
from smallclaw_core.tasks import Task
from smallclaw_core.tools import ToolContext
from smallclaw_core.workspace import Workspace

from .intents import step_intent
from .programs import _shown_files, fenced

REPLY_PROMPT = (
    "You write the complete contents of one file, exactly as it is saved once a task is done. "
    "Reply with the file's contents only, in one fenced block, with no explanation."
)
PREDICT_PROMPT = (
    "You say exactly what a program prints once a task is done, from the task alone. "
    "Reply with its output only, in one fenced block, with no explanation."
)
#: scripts: for these a reply predicts what the script prints instead of writing it (``predicts``)
SCRIPTS = {".py": "python3", ".sh": "sh"}
#: the largest file shown whole to a reply attempt: a reply cannot change what it was not shown
SHOWN_WHOLE = 4000
#: deterministic verifiers that do not judge a reply alone: its numbers are typed by design, and
#: agreement with a program, which computed them, decides
NOT_FOR_REPLIES = frozenset({"grounding"})


def reply_target(app: Any, task: Task, workspace: Path, index: int | None = None) -> str | None:
    """The one file the step makes or changes, when a reply can make it: the step names no file to
    remove or rename and no folder, the file is not larger than a reply is shown, and no other file
    the step names is either (a reply must see its inputs whole). None otherwise."""
    return target_of(step_intent(app, task, index, workspace), workspace)


def target_of(intent: Any, workspace: Path) -> str | None:
    """``reply_target`` for an intent already read (``bench/reply_probe.py`` reads it without a task)."""
    if intent.folders or any(f.role in (Role.REMOVE, Role.MOVE_FROM, Role.MOVE_TO) for f in intent.files):
        return None
    targets = {f.name for f in intent.files if f.role in (Role.WRITE, Role.EDIT)}
    if len(targets) != 1:
        return None
    files = Workspace(workspace)
    for f in intent.files:
        try:
            st = files.stat(f.name)
        except (OSError, ValueError):
            return None
        if st is not None and st.st_size > SHOWN_WHOLE:
            return None
    return next(iter(targets))


def predicts(target: str) -> str | None:
    """The command that runs ``target`` when it is a script, else None. A reply writing a script writes
    a program from the same words a program attempt reads, and shares its misreadings ("a script that
    prints 16, the square of 4": ``print(16 ** 2)`` from both); what the script must print, said
    without writing it, is another way to the same answer: the program that agrees prints it."""
    suffix = "." + target.rsplit(".", 1)[-1] if "." in target else ""
    return f"{SCRIPTS[suffix]} {target}" if suffix in SCRIPTS else None


def file_of(reply: str) -> str:
    """The file in a model's reply: its first fenced block (else the reply), ending with one newline."""
    text = fenced(reply).strip("\n")
    return text + "\n" if text.strip() else ""


async def reply_attempt(driver: Any, task: Task, ctx: ToolContext, observer: Any, write_file: Any,
                        options: ModelOptions, hint: str | None, target: str) -> str:
    """An attempt as one reply: the model gives ``target``'s new contents, SmallClaw writes them in the
    copy with ``write_file`` (journaled as the call it is); for a script, what it must print (returned,
    nothing written: ``predicts``)."""
    from smallclaw_core.chat import model_call
    from smallclaw_core.models import ModelRequest, ToolCall

    app = driver.app
    files = ", ".join(sorted(n for n, _ in Workspace(ctx.workspace).walk(limit=50, hidden=False))) or "none"
    shown, _, _ = _shown_files(app, task, Path(ctx.workspace), limit=SHOWN_WHOLE)
    ask = (f"Task: {task.goal}\nDo this part now: {task.steps[task.current_step].description}\n"
           f"Files in the folder: {files}" + (f"\n{shown}" if shown else "")
           + (f"\nAn earlier try failed: {hint}" if hint else "")
           + (f"\nReply with exactly what `{run}` prints once this is done." if (run := predicts(target))
              else f"\nReply with the complete new contents of {target}."))
    system = PREDICT_PROMPT if run else REPLY_PROMPT
    request = ModelRequest(model=driver.ref.model, messages=[Message("system", system), Message("user", ask)],
                           options=attrs.evolve(options, num_predict=800), timeout=app.config.models.timeout)
    reply = await model_call(driver.ref, request)
    if observer.model_called:
        observer.model_called(reply, 0.0)
    if run:
        return file_of(reply.content)
    call = ToolCall("write_file", {"path": target, "content": file_of(reply.content)}, id="reply")
    observer.tool_started(call, write_file)
    try:
        output = await write_file.call(call.arguments, ctx)
        failed = output.__class__.__name__ == "ToolFailure"
    except Exception as exc:  # a refused write is the attempt's failure, as for a tool call
        output, failed = f"Error: {exc}", True
    observer.tool_finished(call, output, failed)
    return cut_middle(output, 500)
