"""The builtin loop detector: the same call with the same result, again and again.

A call is identified by its tool name and canonical arguments (sorted keys,
normalised whitespace). Repeating a call whose result does not change is a loop: the
first repeat gets guidance the model sees, further repeats are blocked, and repeated
blocks pause the task. A call whose result keeps changing (polling that makes
progress) is not a loop. A ping-pong (A B A B ...) with unchanged results is caught
the same way. The state lives in the task, so a restart does not reset it.
"""

from __future__ import annotations

import hashlib
import re

from smallclaw_core.chat import call_key
from smallclaw_core.models import ToolCall
from smallclaw_core.verification import LoopVerdict


#: how long something took ("0.06 s", "12ms"): noise when telling whether a result changed
_DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|sec|seconds)\b")


def _digest(text: str) -> str:
    """A result's fingerprint; timings in it do not make it a different result."""
    return hashlib.sha256(_DURATION.sub("#s", text).encode()).hexdigest()[:12]


class RepeatDetector:
    name = "repeat"

    def __init__(self, window: int = 12, warn_after: int = 2, block_after: int = 3, pause_after_blocks: int = 2):
        self.window = window
        self.warn_after = warn_after
        self.block_after = block_after
        self.pause_after_blocks = pause_after_blocks

    def configure(self, config) -> None:
        """Take the thresholds from the ``[loop]`` config section."""
        self.window = config.window
        self.warn_after = config.warn_after
        self.block_after = config.block_after
        self.pause_after_blocks = config.pause_after_blocks

    # state: {"recent": [[call_key, result_digest], ...], "blocks": int, "last": {call_key: digest}}

    def _repeats(self, key: str, state: dict) -> int:
        """How many times in the window this call gave the result it last gave."""
        last = state.get("last", {}).get(key)
        if last is None:
            return 0
        return sum(1 for k, d in state.get("recent", []) if k == key and d == last)

    def _pingpong(self, key: str, state: dict) -> int:
        """Completed A B cycles at the end of the window that this call would continue."""
        recent = state.get("recent", [])
        pairs = [tuple(p) for p in recent]
        if len(pairs) < 2 or pairs[-1][0] == key:
            return 0
        a, b = pairs[-2], pairs[-1]
        if a[0] != key or a == b:
            return 0
        cycles = 0
        i = len(pairs)
        while i >= 2 and pairs[i - 2] == a and pairs[i - 1] == b:
            cycles += 1
            i -= 2
        return cycles

    def before_call(self, call: ToolCall, state: dict) -> LoopVerdict:
        key = call_key(call)
        repeats = self._repeats(key, state)
        if repeats >= self.block_after - 1 or self._pingpong(key, state) >= 2:
            state["blocks"] = state.get("blocks", 0) + 1
            if state["blocks"] > self.pause_after_blocks:
                return LoopVerdict("pause", f"the model keeps repeating {call.name} with the same arguments "
                                            "and getting the same result")
            return LoopVerdict("block", f"you already ran {call.name} with these arguments and got the same "
                                        "result. It was not run again. Use that result, or try something "
                                        "different.")
        return LoopVerdict()

    def on_resume(self, state: dict) -> None:
        """The user resumed the task with their help: give the model a clean slate."""
        state.pop("recent", None)
        state.pop("blocks", None)

    def on_step(self, state: dict) -> None:
        """The task moved to its next step: calls of the last one are not repeats of this one's."""
        self.on_resume(state)

    def after_call(self, call: ToolCall, result: str, state: dict) -> LoopVerdict | None:
        key = call_key(call)
        digest = _digest(result)
        previous = state.setdefault("last", {}).get(key)
        state["last"][key] = digest
        recent = state.setdefault("recent", [])
        recent.append([key, digest])
        del recent[:-self.window]
        if len(state["last"]) > 4 * self.window:  # forget calls long gone from the window
            keep = {k for k, _ in recent}
            state["last"] = {k: v for k, v in state["last"].items() if k in keep}
        if self._pingpong_after(state):
            return LoopVerdict("warn", "You are alternating between the same calls with the same results. "
                                       "Stop and use what you have, or try something else.")
        if previous == digest and self._repeats(key, state) >= self.warn_after:
            return LoopVerdict("warn", f"You already ran {call.name} with these arguments and got this same "
                                       "result. Use the result, or try something else.")
        return None

    def _pingpong_after(self, state: dict) -> bool:
        pairs = [tuple(p) for p in state.get("recent", [])]
        return len(pairs) >= 4 and pairs[-1] == pairs[-3] and pairs[-2] == pairs[-4] and pairs[-1] != pairs[-2]




#: status lines of a step's writes remembered, the newest last
REPLIES_KEPT = 12


#: what ``said`` holds for a refusal or an error: its words belong in no file
ANY_FILE = "*"


def _path(call: ToolCall) -> str:
    return str(call.arguments.get("path", "")).strip().removeprefix("./")


def echoed_reply(call: ToolCall, said: list[list[str]]) -> str | None:
    """The line of ``call``'s text that writes back what a tool answered about that same file, with
    the answer, or None.

    A small model reads ``wrote 9 bytes to countdown.py`` and writes the file again with ``9 bytes``
    added, then again with the next answer added, until the round's call cap: the file it had
    written is buried under the tools' answers, and two attempts that made the same file no longer
    agree. ``said`` holds ``[path, status line]`` of the step's calls that wrote a file; a line of
    the call's text, with a number in it, that is a status line about the file the call writes, or
    part of one, is such an echo. So is a line of a refusal or an error SmallClaw gave in the step
    (``[ANY_FILE, its text]``: "votes.txt is what this step reads" written into yes.txt). No word
    of the step is read.
    """
    path = _path(call)
    answers = [status for where, status in said if where == path] if path else []
    refusals = [text for where, text in said if where == ANY_FILE] if path else []
    if not answers and not refusals:
        return None
    for value in call.arguments.values():
        if not isinstance(value, str) or value.strip().removeprefix("./") == path:
            continue
        for line in (x.strip() for x in value.splitlines()):
            if len(line) >= 5 and any(c.isdigit() for c in line):
                echoed = next((s for s in reversed(answers) if line in s or s in line), None)
                if echoed is not None:
                    return f"{line!r} is what a tool answered ({echoed!r}), not part of the file"
            # the words of a refusal or an error SmallClaw gave ("Not run: votes.txt is what this step reads")
            text = line.removeprefix("Not run:").strip()
            if len(text) >= 20 and any(text in r for r in refusals):
                return f"{line[:80]!r} is what SmallClaw answered a call, not part of the file"
    return None


def status_line(call: ToolCall, result: str) -> list[str] | None:
    """``[path, the result's first line]`` of a call that wrote a file, when the line has a number in it."""
    first = next((x.strip() for x in str(result).splitlines() if x.strip()), "")
    path = _path(call)
    return [path, first] if path and 5 <= len(first) <= 200 and any(c.isdigit() for c in first) else None
