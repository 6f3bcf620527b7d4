"""What every ``smallclaw`` command shares: exit codes, the app loaded once, JSON and times printed."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


#: the app loaded to find plugin commands, handed to the command so it is not loaded twice
_loaded: dict[str | None, Any] = {}


def _app(args: argparse.Namespace):
    app = _loaded.pop(args.home, None)
    if app is not None:
        return app
    from .app import App

    return App.load(args.home)


#: JSON escapes C0 itself; DEL and C1 are left raw with ensure_ascii=False
_JSON_ESCAPED = {c: f"\\u{c:04x}" for c in range(0x7f, 0xa0)}


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str).translate(_JSON_ESCAPED))


def _ago(ts: float | None) -> str:
    if not ts:
        return "-"
    delta = max(0, time.time() - ts)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if delta >= size:
            return f"{int(delta // size)}{unit} ago"
    return f"{int(delta)}s ago"
