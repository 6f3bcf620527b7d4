"""The one converter for everything SmallClaw persists, and the schema migrations.

Every persisted document carries ``schema_version``. Loading runs the migrations
from the document's version up to the current one before structuring; a document
from a newer SmallClaw is refused, never rewritten.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, Callable, TypeVar

import attrs
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
    """One top-level key per line and one list item (a step, a delivery) per line: readable
    by eye, and written by the C encoder, which ``indent`` would switch off (5x slower)."""
    lines = []
    for key, value in unstructure(task).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            text = "[\n" + ",\n".join("  " + _compact(v) for v in value) + "\n ]"
        else:
            text = _compact(value)
        lines.append(f" {_compact(key)}: {text}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


if c_make_encoder is not None:
    # one C encoder made once: ``json.dumps`` builds a new one per call, which costs more
    # than encoding a step (no circular check: documents are trees)
    _c_encoder = c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", False, False, True)

    def _encode(value: Any) -> str:
        return "".join(_c_encoder(value, 0))
else:  # pragma: no cover - a Python without the C accelerator
    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _compact(value: Any) -> str:
    # scalars by hand: the encoder's set-up costs more than encoding one of them
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    return _encode(value)


def copy_document(value: T) -> T:
    """A deep copy of a persisted document (attrs classes, lists, dicts, JSON scalars),
    several times faster than ``copy.deepcopy`` or a round trip through the converter."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [v if type(v) in _SCALARS else copy_document(v) for v in value]  # type: ignore[return-value,attr-defined]
    if kind is dict:
        return {k: v if type(v) in _SCALARS else copy_document(v)  # type: ignore[return-value]
                for k, v in value.items()}  # type: ignore[attr-defined]
    copier = _COPIERS.get(kind)
    if copier is None:
        copier = _COPIERS[kind] = _copier(kind)
    return copier(value)


def _copier(kind: type) -> Callable[[Any], Any]:
    """A copy function written for one attrs class: its constructor called with every field,
    scalars passed as they are, the rest copied."""
    if not attrs.has(kind):
        raise TypeError(f"not a document value: {kind.__name__}")
    fields = attrs.fields(kind)
    if not all(f.init for f in fields):
        raise TypeError(f"{kind.__name__} has fields its constructor does not take")
    args = ", ".join(f"{f.alias}=v if type(v := value.{f.name}) in scalars else copy_document(v)" for f in fields)
    scope: dict[str, Any] = {"kind": kind, "scalars": _SCALARS, "copy_document": copy_document}
    exec(f"def copy(value):\n    return kind({args})", scope)  # noqa: S102 - built from attrs field names only
    return scope["copy"]


_SCALARS = frozenset({str, int, float, bool, type(None)})
_COPIERS: dict[type, Callable[[Any], Any]] = {}


def entry_to_line(entry: JournalEntry) -> bytes:
    """One compact line; the entry's own ``seq`` comes after its ``data`` (``journalfile.seq_of`` relies on it)."""
    try:
        text = _encode(_entry_doc(entry, entry.data))
    except (TypeError, ValueError):  # data holding attrs values, tuples and the like
        text = _encode(unstructure(entry))
    return (text + "\n").encode()


def entry_to_dict(entry: JournalEntry) -> dict[str, Any]:
    """The entry as JSON data, its ``data`` a copy."""
    try:
        return _entry_doc(entry, copy_document(entry.data))
    except TypeError:
        return unstructure(entry)


def _entry_doc(entry: JournalEntry, data: Any) -> dict[str, Any]:
    return {"kind": entry.kind, "data": data, "seq": entry.seq, "ts": entry.ts, "step": entry.step,
            "round": entry.round}


def entry_from_line(line: bytes | str) -> JournalEntry:
    return _converter.structure(json.loads(line), JournalEntry)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc))
    return str(exc)
