"""What may reach the user's terminal: text whose control characters are shown, not obeyed.

Goals, titles, notes, journal text and model replies come from users, the board,
Telegram and the model; an ESC in them would retitle, clear or rewrite the terminal
that prints them. The CLI, the terminal chat and the log lines escape them here.
"""

from __future__ import annotations

from typing import Any

#: control characters (C0, DEL, C1) written as Python writes them: ``\x1b``, ``\n``
_ESCAPED = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))} | {0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r"}
_ESCAPED_IN_LINES = {c: e for c, e in _ESCAPED.items() if c not in (0x09, 0x0a)}


def printable(text: Any, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters shown as ``\\x1b``, ``\\x00``...

    ``lines`` keeps newlines and tabs (a summary, a reply); otherwise the text stays on
    one line. What is stored is never changed, only what is shown.
    """
    return str(text).translate(_ESCAPED_IN_LINES if lines else _ESCAPED)
