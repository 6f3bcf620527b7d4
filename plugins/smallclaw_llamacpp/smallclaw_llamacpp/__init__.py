"""SmallClaw plugin: llamacpp."""

from __future__ import annotations

from smallclaw_core import hookimpl  # noqa: F401
