"""Request bodies: JSON nested deeper than any SmallClaw body is refused before it is decoded.

Litestar decodes a JSON body in ``Request.json()`` (msgspec, recursively) before the
handler's types are checked, so a body of 100,000 ``[`` would end in a RecursionError
and a 500 on any route that takes data, a plugin's too. The gateway's request class
measures the nesting first and answers 400.
"""

from __future__ import annotations

import re
from array import array
from itertools import accumulate
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

#: deeper than any body SmallClaw or a plugin has reason to send (a task is 3 levels deep)
MAX_JSON_DEPTH = 64

_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)
#: every byte but the four brackets is dropped; openers become +1 and closers -1 (as signed bytes)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def nested_deeper_than(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` nests arrays and objects more than ``limit`` levels deep.

    Brackets inside strings do not count. A body with no more openers than ``limit``
    cannot be that deep, so the usual body costs two ``bytes.count`` calls.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(array("b", brackets.translate(_STEPS))), default=0) > limit


class GatewayRequest(Request):
    """Litestar's request, refusing a JSON body nested deeper than ``MAX_JSON_DEPTH`` with a 400."""

    async def json(self) -> Any:
        if nested_deeper_than(await self.body()):
            raise ClientException(f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
                                  "no SmallClaw request needs that")
        return await super().json()
