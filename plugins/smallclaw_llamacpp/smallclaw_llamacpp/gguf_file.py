"""Reading a GGUF file's header: the context length it was trained for, and whether the file is whole.

Loading a model (even vocab-only) to learn these costs time and prints llama.cpp's log,
and a damaged file may crash llama.cpp; the header is simple enough to read directly.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

#: bytes per block and values per block of the tensor types whose layout is settled (ggml.c's
#: type_traits); a tensor of another type is checked by its offset alone
_BLOCKS = {
    0: (4, 1), 1: (2, 1), 30: (2, 1), 24: (1, 1), 25: (2, 1), 26: (4, 1), 27: (8, 1), 28: (8, 1),  # F32 F16 BF16 I*
    2: (18, 32), 3: (20, 32), 6: (22, 32), 7: (24, 32), 8: (34, 32),  # Q4_0 Q4_1 Q5_0 Q5_1 Q8_0
    10: (84, 256), 11: (110, 256), 12: (144, 256), 13: (176, 256), 14: (210, 256),  # Q2_K .. Q6_K
}


class DamagedFile(ValueError):
    """The file is not a GGUF file, or not a whole one."""


def _read(fh: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = fh.read(size)
    if len(data) != size:
        raise DamagedFile("the file ends inside its header")
    return struct.unpack(fmt, data)[0]


def _read_string(fh: BinaryIO) -> str:
    length = _read(fh, "<Q")
    data = fh.read(length)
    if len(data) != length:
        raise DamagedFile("the file ends inside its header")
    return data.decode("utf-8", "replace")


def _read_value(fh: BinaryIO, kind: int, keep: bool = True) -> Any:
    if kind in _SCALARS:
        return _read(fh, _SCALARS[kind])
    if kind == _STRING:
        if keep:
            return _read_string(fh)
        fh.seek(_read(fh, "<Q"), 1)
        return None
    if kind == _ARRAY:
        item_kind, count = _read(fh, "<I"), _read(fh, "<Q")
        if item_kind in _SCALARS:
            fh.seek(struct.calcsize(_SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                _read_value(fh, item_kind, keep=False)
        return None
    raise DamagedFile(f"unknown GGUF value type {kind}")


def _open_header(fh: BinaryIO) -> tuple[int, int]:
    """Check the magic and version; the tensor count and the key count."""
    if fh.read(4) != b"GGUF":
        raise DamagedFile("not a GGUF file")
    version = _read(fh, "<I")
    if version < 2:
        raise DamagedFile(f"GGUF version {version} is too old")
    return _read(fh, "<Q"), _read(fh, "<Q")


def gguf_context_length(path: Path) -> int | None:
    """The training context length recorded in a GGUF file's metadata (None if absent)."""
    with open(path, "rb") as fh:
        _, keys = _open_header(fh)
        found: dict[str, Any] = {}
        for _ in range(keys):
            key = _read_string(fh)
            value = _read_value(fh, _read(fh, "<I"))
            if key == "general.architecture" or key.endswith(".context_length"):
                found[key] = value
                arch = found.get("general.architecture")
                if arch and f"{arch}.context_length" in found:
                    return int(found[f"{arch}.context_length"])
        return None


def gguf_damage(path: Path) -> str | None:
    """What is wrong with a GGUF file's structure (a header cut short, tensors past its end), or None.

    A download cut off early leaves a file whose header promises more tensor data than
    it holds; llama.cpp then refuses it, or crashes reading past the end.
    """
    size = path.stat().st_size
    try:
        with open(path, "rb") as fh:
            tensors, keys = _open_header(fh)
            alignment = 32
            for _ in range(keys):
                key = _read_string(fh)
                value = _read_value(fh, _read(fh, "<I"), keep=False)
                if key == "general.alignment" and isinstance(value, int) and value > 0:
                    alignment = value
            needed = 0
            for _ in range(tensors):
                _read_string(fh)
                dims = [_read(fh, "<Q") for _ in range(_read(fh, "<I"))]
                kind, offset = _read(fh, "<I"), _read(fh, "<Q")
                count = 1
                for d in dims:
                    count *= d
                block_bytes, per_block = _BLOCKS.get(kind, (0, 1))
                needed = max(needed, offset + count // per_block * block_bytes)
            start = -(-fh.tell() // alignment) * alignment
    except DamagedFile as exc:
        return str(exc)
    if start + needed > size:
        return (f"the file is incomplete: its tensors end at byte {start + needed}, the file has {size} bytes "
                f"({start + needed - size} missing)")
    return None
