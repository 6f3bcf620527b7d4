"""A task's ``journal.jsonl`` as bytes: append a line numbered after the last one, read lines from the end.

Each line is one JSON entry whose own ``"seq"`` key comes after its ``data`` (see
``documents.entry_to_line``), so a line's number is read without parsing it. Lines
are only ever appended; a line torn by a crash (no newline) is ignored by readers and
cut off by the next writer. The store holds the task's lock around ``append``.
"""

from __future__ import annotations

import json
import os
from typing import Callable

CHUNK = 65536


def append(fd: int, make_line: Callable[[int], bytes], known: tuple[int, int] | None) -> tuple[int, int]:
    """Write the line ``make_line(seq)`` for the next seq to ``fd`` (opened with ``O_APPEND``).

    ``known`` is ``(size, last seq)`` from this process's last append: while the file
    still has that size, nothing was appended or cut since, and the last line need
    not be read (a file that only grows, or loses a torn tail after a complete line,
    has the same bytes at the same size). Returns the new ``(size, seq)``.
    """
    size = os.fstat(fd).st_size
    last = known[1] if known is not None and known[0] == size else last_seq(fd)
    seq = last + 1
    view = memoryview(make_line(seq))
    while view:  # a short write (a signal, a full disk) must not end the line early
        view = view[os.write(fd, view):]
    return os.fstat(fd).st_size, seq


def last_seq(fd: int) -> int:
    """The last complete line's seq; a line torn by a crash is cut off first."""
    size = os.fstat(fd).st_size
    if size == 0:
        return 0
    chunk = 4096
    end = size
    buf = b""
    while True:
        start = max(0, end - chunk)
        buf = os.pread(fd, end - start, start) + buf
        end = start
        if not buf.endswith(b"\n"):
            cut = buf.rfind(b"\n")
            if cut == -1 and start > 0:
                chunk *= 2
                continue
            # a torn tail: nobody acknowledged it, drop it
            keep = start + cut + 1 if cut != -1 else 0
            os.ftruncate(fd, keep)
            return last_seq(fd)
        body = buf[:-1]
        nl = body.rfind(b"\n")
        if nl == -1 and start > 0:
            chunk *= 2
            continue
        try:
            return int(json.loads(body[nl + 1:])["seq"])
        except (ValueError, KeyError, TypeError):
            return sum(1 for line in buf.splitlines() if line.strip())


def lines_after(fh, after: int) -> list[bytes]:
    """The complete lines with a seq above ``after``, oldest first.

    Read backwards from the end until a line at or below ``after``: reading a step's
    last few entries costs the same at the end of a long journal as of a short one.
    A line whose seq cannot be read (damaged) does not stop the search.
    """
    fd = fh.fileno()
    pos = os.fstat(fd).st_size
    buf = b""
    scanned = 0  # bytes at the end of ``buf`` already searched
    while True:
        if after <= 0 or pos == 0:
            return _complete(buf if after > 0 else _read_all(fd, pos, buf))
        step = min(CHUNK, pos)
        pos -= step
        buf = os.pread(fd, step, pos) + buf
        # before the first newline the line may go on in the part not read yet
        first = 0 if pos == 0 else buf.find(b"\n") + 1
        if pos > 0 and first == 0:
            continue
        end = len(buf) - scanned
        while end > first:
            start = buf.rfind(b"\n", first, end - 1) + 1
            start = max(start, first)
            seq = seq_of(buf[start:end])
            if 0 < seq <= after:
                return _complete(buf[end:])
            end = start
        scanned = len(buf) - first


def _read_all(fd: int, pos: int, buf: bytes) -> bytes:
    return os.pread(fd, pos, 0) + buf if pos else buf


def _complete(data: bytes) -> list[bytes]:
    """Whole lines only: what follows the last newline is a line still being written, or torn."""
    return data.split(b"\n")[:-1]


def tail(fh, count: int) -> list[bytes]:
    """The last ``count`` complete lines."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    buf = b""
    pos = end
    while pos > 0 and buf.count(b"\n") <= count:
        step = min(CHUNK, pos)
        pos -= step
        fh.seek(pos)
        buf = fh.read(step) + buf
    lines = buf.split(b"\n")
    if not buf.endswith(b"\n"):
        lines = lines[:-1]  # torn tail
    lines = [ln for ln in lines if ln.strip()]
    if pos > 0:
        lines = lines[1:]  # first may be partial
    return lines[-count:] if count else []


def seq_of(line: bytes) -> int:
    """An entry's ``seq`` read without parsing its line (0 if unreadable): the entry's own key
    comes after its ``data``, so the last ``"seq":`` is the entry's."""
    i = line.rfind(b'"seq":') + 6
    k = i
    while i > 5 and k < len(line) and 48 <= line[k] <= 57:
        k += 1
    return int(line[i:k]) if k > i else 0
