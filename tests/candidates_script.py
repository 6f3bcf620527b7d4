"""The scripted model for the board's candidates test: a test double, not a model.

Loaded by ``smallclaw serve`` in a subprocess (``SMALLCLAW_SCRIPT=candidates_script:respond``) with
``[runner] attempts = "always"``. Step 1's attempts agree (draft.txt); step 2's three attempts each
write a different greeting.txt (the third also removes draft.txt), so the task pauses with them;
step 3's attempts agree again.
"""

from __future__ import annotations

import collections

from smallclaw_core.testing import call, request_kind, step_position, verdict

GREETINGS = {
    1: '<img src=x onerror="document.title=\'hacked\'">Hello from one\n',
    2: "Hello, team!\nFrom attempt two\n",
    3: "Hi all\n",
}
#: step number -> attempts begun at it (each attempt starts with the step message, no tool result yet)
begun: collections.Counter = collections.Counter()


def calls(step: int, attempt: int) -> list:
    # agreeing attempts make the same file by different calls (the same calls twice are one sample)
    if step == 1:
        return [call("write_file", path="draft.txt", content="Dear team,\n") if attempt % 2
                else call("run_shell", command="printf 'Dear team,\\n' > draft.txt")]
    if step == 2:
        made = [call("write_file", path="greeting.txt", content=GREETINGS.get(attempt, f"attempt {attempt}\n"))]
        return made + ([call("run_shell", command="rm draft.txt")] if attempt == 3 else [])
    return [call("write_file", path="done.txt", content="All set.\n") if attempt % 2
            else call("run_shell", command="printf 'All set.\\n' > done.txt")]


def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the files show it")
    if kind == "summarizer":
        return "The greeting is written."
    step, done = step_position(request)
    if step is None:
        return "Hello from the scripted model."
    if done == 0:
        begun[step] += 1
    todo = calls(step, begun[step])
    return todo[done] if done < len(todo) else call("step_done", report=f"step {step} is done")
