"""One retry policy for every retry the runner makes: model calls, plans, checks, summaries, deliveries.

The delay doubles from ``base`` up to ``cap``, with jitter so that several waiting
tasks do not all knock at once; after ``attempts`` failures the caller gives up
(pauses the task, writes a fallback summary, or keeps a delivery for later).

A model process that died (``ModelProcessDied``: a crash, the out-of-memory killer) is
different: the next call starts a fresh process, so it is tried again at once, and only
once. A second death in a row is no accident, and the task pauses with its cause.
"""

from __future__ import annotations

import random
from typing import Any, Awaitable, Callable, TypeVar

import anyio
import attrs

from smallclaw_core.errors import ModelProcessDied, TransportError

T = TypeVar("T")

#: attempts a call gets when the model's process dies under it: the first, and one on a fresh process
DIED_ATTEMPTS = 2


@attrs.frozen
class RetryPolicy:
    attempts: int = 3
    base: float = 4.0
    cap: float = 30.0

    @classmethod
    def transport(cls, cfg: Any) -> "RetryPolicy":
        """The policy for an unreachable model server, from ``[runner]``."""
        return cls(max(1, cfg.transport_attempts), cfg.transport_backoff, cfg.transport_backoff_cap)

    def delay(self, attempt: int, error: BaseException | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based) that raised ``error``."""
        if isinstance(error, ModelProcessDied):
            return 0.0  # nothing to wait for: the next call starts a fresh process
        value = min(self.cap, self.base * (2 ** max(0, attempt - 1)))
        return value * random.uniform(0.8, 1.2)

    def gives_up(self, attempt: int, error: BaseException | None = None) -> bool:
        """True when ``attempt`` failures, the last of them ``error``, are all this policy allows."""
        if isinstance(error, ModelProcessDied):
            return attempt >= min(self.attempts, DIED_ATTEMPTS)
        return attempt >= self.attempts


def gave_up_reason(error: BaseException, attempts: int, who: str = "the model server") -> str:
    """Why a task pauses after ``attempts`` failed calls, the last of which raised ``error``."""
    if isinstance(error, ModelProcessDied):
        return f"{error} (after {attempts} attempts, the last on a fresh model process)" if attempts > 1 else str(error)
    return f"{who} could not be reached after {attempts} attempts: {error}"


class RoundTooSlow(TransportError):
    """A round that ran out of ``round_timeout``: retried like a lost connection, but told apart."""


class GaveUp(Exception):
    """Every attempt failed; ``last`` is the last error and ``attempts`` how many were made."""

    def __init__(self, last: BaseException, attempts: int):
        super().__init__(str(last))
        self.last = last
        self.attempts = attempts

    def reason(self, who: str) -> str:
        """The pause reason: ``who`` (the model server, the verifier) could not be reached, or the model died."""
        return gave_up_reason(self.last, self.attempts, who)


async def retrying(call: Callable[[], Awaitable[T]], policy: RetryPolicy,
                   retry_on: tuple[type[BaseException], ...],
                   on_retry: Callable[[BaseException, int, float], Any] | None = None) -> T:
    """Await ``call()`` until it succeeds; errors of ``retry_on`` are retried after the policy's delay.

    ``on_retry(error, attempt, delay)`` is told before each wait (to journal it).
    Raises ``GaveUp`` when the attempts are used up; other errors pass through.
    """
    attempt = 0
    while True:
        try:
            return await call()
        except retry_on as exc:
            attempt += 1
            if policy.gives_up(attempt, exc):
                raise GaveUp(exc, attempt) from exc
            delay = policy.delay(attempt, exc)
            if on_retry is not None:
                on_retry(exc, attempt, delay)
            await anyio.sleep(delay)
