"""A task's conversation with its executor: the fixed head, one step message per round, compaction.

The head (system prompt with worked examples, then the task's goal and plan) is
written once and never changes, and every round only appends, so the model server
reuses its key/value cache for everything but the new tail. What changes from round
to round (the current step, the verifier's feedback, the user's notes) goes in the
round's own step message at the end.
"""

from __future__ import annotations

from typing import Any

from smallclaw_core.chat import cut_middle
from smallclaw_core.documents import structure
from smallclaw_core.models import Message
from smallclaw_core.tasks import Step, Task
from smallclaw_core.verification import FIX_PREFIX

FINISH_TOOL = "step_done"

TASK_SYSTEM_PROMPT = (
    "You are SmallClaw's executor. You do a task one step at a time, with tools that work in the "
    "task's workspace folder (give paths relative to it, like notes.txt). Each step is checked "
    "against the files and tool results, never against what you say.\n"
    "Rules:\n"
    "- Use a tool for every action; writing about an action does not do it.\n"
    "- Do only the current step, then call step_done with a one-line report of what you did and "
    "the result.\n"
    "- If the step cannot be done (a file, program or connection is missing), call step_done and "
    "say exactly what is missing."
)

#: worked examples, each shown only when every tool it names is installed
EXAMPLES: list[tuple[tuple[str, ...], str]] = [
    (("write_file",), 'Step "Write hi to a.txt": call write_file with path "a.txt" and content "hi", '
                      'then step_done with report "wrote hi to a.txt".'),
    (("run_shell",), 'Step "Count the lines of data.txt": call run_shell with command "wc -l < data.txt"; '
                     'it prints 7, so call step_done with report "data.txt has 7 lines".'),
    (("read_file", "write_file"), 'Step "Copy the text of a.txt to b.txt": call read_file with path '
                                  '"a.txt", then write_file with path "b.txt" and the text you read, '
                                  'then step_done.'),
]


def system_prompt(tool_names: set[str]) -> str:
    examples = [text for needs, text in EXAMPLES if set(needs) <= tool_names and FINISH_TOOL in tool_names]
    if not examples:
        return TASK_SYSTEM_PROMPT
    return TASK_SYSTEM_PROMPT + "\nExamples:\n" + "\n".join(f"- {e}" for e in examples)


def step_list(steps: list[Step]) -> str:
    return "\n".join(f"{i + 1}. {s.description}" for i, s in enumerate(steps))


def ensure_conversation(app: Any, task: Task, tool_names: set[str]) -> None:
    """Write the conversation's fixed head, once per task."""
    key = task.session_key
    if app.sessions.exists(key):
        return
    app.sessions.append(key, Message("system", system_prompt(tool_names)), head=True)
    app.sessions.append(key, Message("user", f"Task: {task.title}\nGoal: {task.goal}\n\n"
                                             f"Plan:\n{step_list(task.steps)}"), head=True)


def conversation(app: Any, task: Task, records: list[dict[str, Any]] | None = None) -> list[Message]:
    """The task's messages: the fixed head, then the finished rounds since the last compaction.

    Messages of a round that never finished (a crash) are left out: the round runs
    again from its start, and ``forget_unfinished`` makes sure its first attempt stays
    out for good. ``records`` are the session's records, if already read.
    """
    head: list[dict[str, Any]] = []
    body: list[dict[str, Any]] = []
    for r in app.sessions.records(task.session_key) if records is None else records:
        if "drop_round" in r:
            body = [b for b in body if b.get("round") != r["drop_round"]]
        elif r.get("head"):
            head.append(r)
        elif (r.get("round") or 0) <= task.rounds:
            if r.get("reset"):
                body = []
            body.append(r)
    return [structure(r["message"], Message) for r in head + body]


def forget_unfinished(app: Any, task: Task, round_no: int, records: list[dict[str, Any]] | None = None) -> None:
    """Before round ``round_no`` starts, mark what an earlier, unfinished attempt of it wrote as dropped."""
    if records is None:
        records = app.sessions.records(task.session_key)
    if any(r.get("round") == round_no for r in records):
        app.sessions.append_record(task.session_key, {"drop_round": round_no})


def unanswered_calls(messages: list[Message]) -> list[Any]:
    """Tool calls of the last assistant message that no tool message answers yet."""
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        if m.role == "assistant":
            answered = {r.tool_call_id for r in messages[i + 1:] if r.role == "tool"}
            return [c for c in m.tool_calls if c.id not in answered]
        if m.role == "user":
            return []
    return []


def step_message(task: Task, fresh_step: bool) -> str:
    """What the executor is told at the start of a round."""
    step = task.steps[task.current_step]
    lines = [f"Continue task: {task.title}",
             f"Current step {task.current_step + 1}/{len(task.steps)}: {step.description}"]
    if fresh_step and task.last_result and task.current_step > 0:
        lines.append(f"Result of the previous step: {cut_middle(task.last_result, 600)}")
    if task.feedback:
        # a reason that names the fixing call ends with it: nothing may come between
        fix = "" if FIX_PREFIX in task.feedback else " Fix that."
        lines.append(f"The check of your last attempt said NO: {task.feedback}{fix}")
    for note in task.pending_notes:
        lines.append(f"Note from the user: {note}")
    lines.append(f"Do this step now with the tools, then call {FINISH_TOOL}.")
    return "\n".join(lines)


def restart(app: Any, task: Task, messages: list[Message], round_no: int, attempt: list[str]) -> list[Message]:
    """Start the round from a summary after one that went in circles (the same call again and again).

    A small model copies its own last calls; shown a transcript of a loop, it loops
    again. The head stays (and stays cached); the loop becomes a few lines.
    """
    done = [f"{i + 1}. {s.description}: {cut_middle(s.notes[-1], 300) if s.notes else 'done'}"
            for i, s in enumerate(task.steps[: task.current_step])]
    lines = ["Summary of the work so far:"] + (done or ["(no step is done yet)"])
    if attempt:
        lines += ["Your last attempt at the current step did:"] + [f"- {a}" for a in attempt]
    summary = Message("user", "\n".join(lines))
    app.sessions.append(task.session_key, summary, round=round_no, reset=True)
    app.tasks.journal(task.id, "note", {"message": "the step starts afresh from a summary of the last attempt",
                                        "messages_before": len(messages)})
    return messages[:2] + [summary]


def maybe_compact(app: Any, task: Task, messages: list[Message], round_no: int) -> list[Message]:
    """At a step boundary, replace old rounds with a summary when the window is filling."""
    budget_chars = int(app.config.models.num_ctx * 3.0 * 0.6)
    if sum(len(m.content) + 200 * len(m.tool_calls) for m in messages) <= budget_chars:
        return messages
    done = [f"{i + 1}. {s.description}: {cut_middle(s.notes[-1], 300) if s.notes else 'done'}"
            for i, s in enumerate(task.steps[: task.current_step])]
    summary = Message("user", "Summary of the work so far (earlier messages were compacted):\n" + "\n".join(done))
    app.sessions.append(task.session_key, summary, round=round_no, reset=True)
    app.tasks.journal(task.id, "note", {"message": "conversation compacted at a step boundary",
                                        "messages_before": len(messages)})
    return messages[:2] + [summary]
