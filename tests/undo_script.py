"""The scripted model for the board's diff and undo test: a test double, not a model.

Loaded by ``smallclaw serve`` in a subprocess (``SMALLCLAW_SCRIPT=undo_script:respond``).
Step 1 writes notes.txt and, by a command, a small binary file; step 2 edits notes.txt (a long line).
"""

from __future__ import annotations

from smallclaw_core.testing import call, request_kind, step_position, verdict

CALLS = {
    1: [call("write_file", path="notes.txt", content="alpha\nbeta\n"),
        call("run_shell", command="printf 'PNG\\000\\001\\002' > pic.bin")],
    2: [call("write_file", path="notes.txt", content="alpha\nBETA\n" + "gamma " * 30 + "\n")],
}


def respond(request):
    kind = request_kind(request)
    if kind == "verifier":
        return verdict(True, "the files show it")
    if kind == "summarizer":
        return "The notes are written."
    step, done = step_position(request)
    if step is None:
        return "Hello from the scripted model."
    calls = CALLS.get(step, [])
    return calls[done] if done < len(calls) else f"step {step} is done"
