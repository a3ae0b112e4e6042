"""When to try a failed fetch again: Retry-After when the server gave one (429/503), else
exponential backoff with jitter, capped."""

from __future__ import annotations

import random


def retry_delay(attempt: int, *, retry_after: float | None, base: float, cap: float,
                rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` >= 1 failed).

    With ``retry_after`` the server's word is honoured (never earlier, plus a little jitter so
    many tasks told the same do not return at once); otherwise ``base * 2**(attempt-1)`` capped at
    ``cap``, of which a random 50-100 % is taken ("equal jitter").
    """
    r = rng or random
    if retry_after is not None:
        return retry_after + r.uniform(0, min(5.0, 0.1 * retry_after + 0.2))
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * r.uniform(0.5, 1.0)


def busy_delay(wait: float, rng: random.Random | None = None) -> float:
    """Countdown for a task whose host is busy: the wait the limiter named, plus jitter."""
    r = rng or random
    return max(0.05, wait) + r.uniform(0.05, 0.25 + wait * 0.25)
