"""A step's intent and the goal's, read once when the step starts, and the checks derived from it.

The words of a step are read against the workspace as it was when the step started
(``Step.found``: which of the files it names were there). Read later, "write hello to
hello.txt" would find hello.txt already there and take it for an edit; read once, every
part of the runner (the input guard, the edit guard, the missing-input precheck, the
goal check) agrees on what the step asked.
"""

from __future__ import annotations

import re
from typing import Any

from smallclaw_core.checks import Facts, derive_checks, produced
from smallclaw_core.intent import Intent, Role, file_names, read_intent
from smallclaw_core.tasks import Step, Task
from smallclaw_core.workspace import Workspace

from .lacking import lacking


def _exists_now(app: Any, task: Task, workspace: Any = None):
    files = Workspace(workspace if workspace is not None else app.workspace_for(task.id))

    def exists(name: str) -> bool:
        try:
            return files.exists(name)
        except OSError:
            return False
    return exists


def found_now(app: Any, task: Task, step: Step) -> list[str]:
    """The files the step and the goal name that are in the workspace now."""
    exists = _exists_now(app, task)
    names = file_names(f"{step.description}\n{task.goal}", exists)
    folders = [n for n in _folder_words(step.description + " " + task.goal) if exists(n)]
    return [n for n in names if exists(n)] + folders


def _folder_words(text: str) -> list[str]:
    from smallclaw_core.intent import read_intent as read

    return list(read(text).folders)


def step_intent(app: Any, task: Task, index: int | None = None, workspace: Any = None) -> Intent:
    """What the step asks, read against the files that were there when it started (now, if it has not;
    ``workspace`` is the task's folder unless given)."""
    step = task.steps[task.current_step if index is None else index]
    if step.found is not None:
        found = set(step.found)
        return read_intent(step.description, lambda name: name in found)
    return read_intent(step.description, _exists_now(app, task, workspace))


def goal_intent(app: Any, task: Task, workspace: Any = None) -> Intent:
    """What the goal asks, read against the files there when its first step started."""
    first = task.steps[0].found if task.steps else None
    if first is not None:
        found = set(first)
        return read_intent(task.goal, lambda name: name in found)
    return read_intent(task.goal, _exists_now(app, task, workspace))


def written_script(task: Task, index: int) -> str | None:
    """The last script (.py, .sh) an earlier step wrote, for "run it and write its output to ...". """
    script = None
    for step in task.steps[:index]:
        for f in read_intent(step.description, lambda name, s=step: name in (s.found or [])).files:
            if f.role is Role.WRITE and f.name.endswith((".py", ".sh")):
                script = f.name
    return script


def begin_step(app: Any, task: Task, index: int) -> None:
    """Into ``task`` (the runner's copy) at the step's first round: what was there, and the checks
    derived from the step's words (for a step without checks of the user's own)."""
    step = task.steps[index]
    step.found = found_now(app, task, step)
    if step.check and step.check_by is None:
        return  # the user's checks are the user's
    intent = step_intent(app, task, index)
    facts = Facts(workspace=Workspace(app.workspace_for(task.id)), goal=goal_intent(app, task),
                  script=written_script(task, index))
    lines = [line for line in derive_checks(app, intent, facts) if line not in (step.check or "")]
    if lines:
        step.check = "\n".join(([step.check] if step.check else []) + lines)
        step.check_by = step.check_by or "derived"


def missing_inputs(app: Any, task: Task) -> str | None:
    """Before a step starts: a file its words certainly read ("summarize report.txt", "from
    data.csv"), that it does not make, and that is not there makes it impossible.

    For plans SmallClaw made from the goal's words; a plan the user wrote may name
    files a plugin's tools find elsewhere.
    """
    makes = set(produced(app, task.steps[task.current_step].check))
    names = ", ".join(f.name for f in step_intent(app, task).files
                      if f.role is Role.READ and f.certain and not f.exists and f.name not in makes)
    if not names:
        return None
    return (f"step {task.current_step + 1} needs {names}, which is not in the task's workspace "
            f"({app.workspace_for(task.id)}). Put {names} there, or change the plan, then resume the task.")


def with_blockers(app: Any, task: Task, reason: str) -> str:
    """A pause's ``reason``, with what the goal names that is not here, when the reason does not say it:
    a program it names that is not installed, a host it names while commands have no network, a file it
    certainly reads that is not in the workspace; and what the task's calls ran into that this machine
    lacks (``lacking``: a program or module not installed, no network, an input not there). Facts about
    this machine, added to a pause (never a cause of one): the user learns what is missing however the
    model failed."""
    import re
    import shutil

    from .choosing import without_candidates

    intent = goal_intent(app, task)
    facts = [f"{p} is not installed here" for p in intent.programs if not shutil.which(p)]
    shell = app.config.sections.get("shell")
    offline = shell is not None and getattr(shell, "network", True) is False
    if intent.urls and offline:
        facts.append(f"commands here have no network access ([shell] network = false), and the goal names "
                     f"{intent.urls[0]}")
    makes = {n for s in task.steps for n in produced(app, s.check)}
    facts += [f"{f.name} is not in the workspace" for f in intent.files
              if f.role is Role.READ and f.certain and not f.exists and f.name not in makes]
    # what the reason itself says: the results of attempts it lists are the model's text ("An error occurred:
    # No such file or directory: 'exiftool'" typed into camera.txt), which says nothing of this machine
    said = without_candidates(reason)
    facts = [f for f in facts if not re.search(rf"(?<![\w.]){re.escape(f.split(' ', 1)[0])}(?!\w)", said)]
    # what the calls ran into, where neither the reason nor the words said it
    reads = [f.name for f in intent.files if (f.role is Role.READ or not f.certain) and f.name not in makes]
    journal = app.store.journal(task.id)
    facts += [fact for about, fact in lacking(journal, _exists_now(app, task), reads, offline)
              if about not in said and not any(f.startswith(about + " ") for f in facts)
              and not (fact.startswith("commands") and any(f.startswith("commands") for f in facts))]
    # where the model tried something: a pause before any call (the model process crashed) is about the model;
    # a goal that names files only to read them, and asks for no facts, asks for its work done elsewhere too
    # ("Post announcement.txt to our street's WhatsApp group")
    if not (intent.changed or intent.folders or intent.urls or intent.programs or makes) \
            and not (intent.files and intent.asks_facts) and any(e.kind == "tool_result" for e in journal):
        facts += _no_tool_for(app, task, offline, bool(intent.files))
    return reason if not facts else f"{reason} (Also: {'; '.join(facts)}.)"


def _no_tool_for(app: Any, task: Task, offline: bool, reads: bool = False) -> list[str]:
    """For a goal that names no file, folder, address or program (``reads``: or files only to read them),
    where no tool of the task acts outside the workspace: that fact, with the goal ("Call my dentist ...":
    the user hears that no tool here makes a call, whatever the model ran instead); nothing where a tool
    acts outside it (it may be the one)."""
    tools = {n: app.tools[n] for n in app.tools.names()}
    if any(t.side_effects and not t.confined for t in tools.values()):
        return []
    goal = task.goal if len(task.goal) <= 90 else task.goal[:87] + "..."
    names = ", ".join(sorted(tools))
    what = "makes or changes no file" if reads else "names no file"
    return [f"the goal {what}, and no tool here acts outside the workspace ({names}"
            f"{'; commands run without network' if offline else ''}): if {goal!r} needs that, a tool plugin must "
            "give a tool for it (docs/writing-a-tool-plugin.md)"]


#: a file named by its extension in a step's words ("every .csv file"): a folder it names is for files
_EXTENSION = re.compile(r"(?<![\w/])\.[A-Za-z][A-Za-z0-9]{0,5}\b")


def make_folders(task: Task, folder: Any) -> list[str]:
    """Make, in an attempt's copy ``folder``, the folders the step names that are not there, where the step
    also names files (or files by their extension: "copy every .csv file into a new folder called tables").
    A 0.5B model's programs open garden/hedge.txt for writing, and its ``cp`` copies into tables, without
    making the folder first: in held-out-13's two kept runs, 50 calls failed so, and both folder tasks
    paused every time. The step asks for the folders; where an attempt puts nothing in one, ``drop_empty``
    takes it away again, so a folder misread from the words is never left behind. Returns those made."""
    description = task.steps[task.current_step].description
    intent = read_intent(description)
    if not intent.files and not _EXTENSION.search(description):
        return []  # "make a folder logs" alone: making it is the step, and the attempt's to do
    files, made = Workspace(folder), []
    for name in intent.folders:
        try:
            if not files.exists(name):
                files.make_dirs(name)
                made.append(name)
        except (OSError, ValueError):
            continue
    return made


def drop_empty(folder: Any, made: list[str]) -> list[str]:
    """Remove the folders ``make_folders`` made that the attempt left empty; returns them."""
    files, dropped = Workspace(folder), []
    for name in reversed(made):
        try:
            if files.is_dir(name) and not files.entries(name):
                files.remove(name)
                dropped.append(name)
        except (OSError, ValueError):
            continue
    return dropped


def not_made(task: Task, step_i: int, intent: Any, change: dict[str, bytes | None]) -> list[str]:
    """The new files the step names (and no later step does) that an attempt (its ``change``) made none
    of, where it made others: ``output.txt`` for "a Python script square.py whose output is 12 squared".
    A file made in a folder counts by its name too."""
    later = " ".join(s.description for s in task.steps[step_i + 1:])
    wanted = [f.name for f in intent.files if f.role is Role.WRITE and not f.exists and f.name not in later]
    made = {n for n, d in change.items() if d is not None}
    made |= {n.rsplit("/", 1)[-1] for n in made}
    if not wanted or not made or any(w in made or w.rsplit("/", 1)[-1] in made for w in wanted):
        return []
    return wanted
