"""The builtin runner plugin: runs queued tasks in rounds (see ``runner.service``)."""

from __future__ import annotations

from smallclaw_core.hookspecs import hookimpl
