"""What the bot says: notification texts, HTML escaping, and splitting long texts.

Telegram refuses a message over 4,096 characters, counted in UTF-16 code units after
the entities are parsed. Texts are split on plain text, before escaping, with each
character costed as its escaped form in UTF-16 units: an escaped part can therefore
never exceed the limit, an entity such as ``&amp;`` is never cut, and a character
outside the Basic Multilingual Plane (an emoji, two UTF-16 units) is never split.
"""

from __future__ import annotations

import html
from typing import Any, Callable

import attrs

LIMIT = 4096
#: kept free in every part for the bold tags around the heading
_TAGS = len("<b></b>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape for ``parse_mode=HTML`` (only ``&``, ``<`` and ``>`` are special)."""
    return html.escape(text, quote=False)


def escaped_cost(char: str) -> int:
    """What one character costs once escaped, in UTF-16 units."""
    if char in "&<>":
        return len(escape(char))
    return 2 if ord(char) > 0xFFFF else 1


def split_text(text: str, limit: int = LIMIT, cost: Callable[[str], int] = escaped_cost) -> list[str]:
    """Cut ``text`` into parts that each cost at most ``limit``, in order.

    A part ends at the last line break of its window when there is one in the second
    half, else at the last space there, else exactly at the limit. The separator a part
    ends on is dropped, so joining the parts with it gives the text back.
    """
    if limit < 2:
        raise ValueError("limit too small")
    parts: list[str] = []
    start = 0
    n = len(text)
    while start < n:
        used = 0
        end = start
        while end < n:
            c = cost(text[end])
            if used + c > limit:
                break
            used += c
            end += 1
        if end >= n:
            parts.append(text[start:])
            break
        window = text[start:end]
        cut = -1
        for sep in ("\n", " "):
            at = window.rfind(sep)
            if at >= len(window) // 2:
                cut = at
                break
        if cut > 0:
            parts.append(window[:cut])
            start += cut + 1
        else:
            parts.append(window)
            start = end
    return [p for p in parts if p.strip()]


@attrs.define
class Composed:
    """A message ready to send: its parts as HTML, in order."""

    parts: list[str]
    truncated: bool = False


def compose(heading: str, body: str, *, limit: int = LIMIT, max_parts: int = 20) -> Composed:
    """Render a bold heading and a plain body as HTML parts within ``limit`` each.

    The heading is bold in the first part; it is kept to one part's worth of text. A
    body needing more than ``max_parts`` messages is cut, and the last part says so.
    """
    heading = heading.strip()
    if heading:
        heading = split_text(heading, limit - _TAGS - 1)[0]
    text = f"{heading}\n{body}" if heading else body
    pieces = split_text(text, limit - _TAGS) or ["(empty)"]
    truncated = False
    if len(pieces) > max_parts:
        note = "\n\n… (cut here: the full text is on the board)"
        last = split_text(pieces[max_parts - 1], limit - _TAGS - utf16_len(note))[0]
        pieces = pieces[: max_parts - 1] + [last + note]
        truncated = True
    out = []
    for i, piece in enumerate(pieces):
        if i == 0 and heading and piece.startswith(heading):
            out.append(f"<b>{escape(heading)}</b>{escape(piece[len(heading):])}")
        else:
            out.append(escape(piece))
    return Composed(out, truncated)


def field(value: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from an attrs object or a dict (an origin may be either)."""
    if value is None:
        return default
    if isinstance(value, dict):
        return value.get(name, default)
    return getattr(value, name, default)


def notification_text(kind: str, task_id: str, title: str, text: str) -> tuple[str, str]:
    """The heading and body that tell the user about a task, by notification kind."""
    text = (text or "").strip()
    if kind == "complete":
        return f"✅ Done: {title}", f"{text or 'The task is complete.'}\n\nTask {task_id}"
    if kind == "needs_assistance":
        return (f"✋ Needs you: {title}",
                f"{text or 'The task is waiting for you.'}\n\n"
                f"Reply to this message with a note to resume the task, "
                f"or send /resume {task_id} [note].")
    if kind == "failed":
        return f"❌ Failed: {title}", f"{text or 'The task failed.'}\n\nTask {task_id}"
    return f"Task {kind.replace('_', ' ')}: {title}", f"{text}\n\nTask {task_id}"
