"""The one converter for everything SmallClaw persists, and the schema migrations.

Every persisted document carries ``schema_version``. Loading runs the migrations
from the document's version up to the current one before structuring; a document
from a newer SmallClaw is refused, never rewritten.
"""

from __future__ import annotations

import json
from typing import Any, Callable, TypeVar

import cattrs

from .errors import DocumentError
from .tasks import SCHEMA_VERSION, Delivery, JournalEntry, Task

T = TypeVar("T")

_converter = cattrs.Converter(omit_if_default=False)


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    # Version 1 kept the origin flat and called the step pointer currentStepIndex.
    doc = dict(doc)
    doc["current_step"] = doc.pop("current_step_index", doc.pop("currentStepIndex", 0))
    channel = doc.pop("origin_channel", "cli")
    session = doc.pop("origin_session", None)
    doc.setdefault("origin", {"channel": channel, "session": session, "chat_id": None})
    doc["schema_version"] = 2
    return doc


_COUNTERS = ("failed_checks", "no_progress_rounds", "transport_failures", "plan_attempts")


def _migrate_2_to_3(doc: dict[str, Any]) -> dict[str, Any]:
    # Version 2 kept the runner's counters at the top level, its progress fingerprints
    # inside the loop detectors' state, and delivery keys as "kind:round[:tag]" strings.
    doc = dict(doc)
    counters = {name: doc.pop(name) for name in _COUNTERS if name in doc}
    loop_state = dict(doc.get("loop_state") or {})
    seen = loop_state.pop("_seen", [])
    doc["loop_state"] = loop_state
    counters["seen"] = [str(s) for s in seen] if isinstance(seen, list) else []
    doc["counters"] = counters
    doc["pending_deliveries"] = [_delivery(k) for k in doc.get("pending_deliveries") or []]
    doc.setdefault("planned_by", "user" if doc.get("steps") else None)
    doc["schema_version"] = 3
    return doc


def _delivery(key: Any) -> Any:
    if not isinstance(key, str):
        return key
    d = Delivery.parse(key)
    return {"kind": d.kind, "round": d.round, "tag": d.tag}


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3}


def unstructure(value: Any) -> Any:
    return _converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    return _converter.structure(data, cls)


def task_from_dict(doc: Any, where: str = "task") -> Task:
    if not isinstance(doc, dict):
        raise DocumentError(f"{where}: not a JSON object")
    version = doc.get("schema_version", 1)
    if not isinstance(version, int):
        raise DocumentError(f"{where}: schema_version {version!r} is not an integer")
    if version > SCHEMA_VERSION:
        raise DocumentError(
            f"{where} was written by a newer SmallClaw (schema_version {version}, "
            f"this one reads up to {SCHEMA_VERSION}); upgrade SmallClaw to open it"
        )
    while version < SCHEMA_VERSION:
        doc = _MIGRATIONS[version](doc)
        version = doc["schema_version"]
    try:
        return _converter.structure(doc, Task)
    except Exception as exc:  # cattrs raises grouped errors; summarise them
        raise DocumentError(f"{where}: {_describe(exc)}") from exc


def task_to_json(task: Task) -> bytes:
    return json.dumps(unstructure(task), ensure_ascii=False, indent=1).encode()


def entry_to_line(entry: JournalEntry) -> bytes:
    return (json.dumps(unstructure(entry), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def entry_from_line(line: bytes | str) -> JournalEntry:
    return _converter.structure(json.loads(line), JournalEntry)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc))
    return str(exc)
