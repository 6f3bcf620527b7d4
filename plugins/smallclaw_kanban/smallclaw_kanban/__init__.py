"""SmallClaw plugin: kanban."""

from __future__ import annotations

from smallclaw_core import hookimpl  # noqa: F401
