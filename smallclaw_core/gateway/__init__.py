"""The builtin gateway plugin: the Litestar app serving the REST API and the event stream."""

from __future__ import annotations

from smallclaw_core.hookspecs import hookimpl
