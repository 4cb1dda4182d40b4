"""When and how long to wait before sending a failed request again.

Retried: network failures, 5xx answers and 429 (after the server's Retry-After). A 429 was
refused before any work, so any request may be sent again; after a network failure or a 5xx only
requests that are safe to repeat are — reads, and writes that are set operations (tagging, album
membership, PUT updates, deletes). The two creations (createAlbum, createTag) are not, because a
creation whose answer was lost would be made twice: the engine checks the server first. Waits
grow exponentially with full jitter, and a budget bounds the retries of a whole run so that a
dead server fails the run clearly instead of stretching it for hours.
"""

from __future__ import annotations

import random
import threading

import attrs

from autotag.immich.errors import ImmichError, NetworkError, RateLimitedError, ServerError

#: Operations whose repetition could change the result (a second album or tag).
NOT_REPEATABLE = frozenset({"create_album", "create_tag"})


@attrs.define
class RetryPolicy:
    attempts: int = 6  # per request, the first one included
    budget: int = 2000  # retries per client (per run)
    base_delay: float = 0.1  # seconds before the first retry (then doubled each time)
    max_delay: float = 10.0
    seed: int | None = None
    _spent: int = attrs.field(default=0, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)
    _random: random.Random = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @property
    def spent(self) -> int:
        return self._spent

    def retryable(self, operation: str, error: ImmichError) -> bool:
        if isinstance(error, RateLimitedError):
            return True  # refused before any work: safe to repeat whatever it was
        return operation not in NOT_REPEATABLE and isinstance(error, NetworkError | ServerError)

    def take(self) -> bool:
        """Spend one retry from the run's budget; False when it is exhausted."""
        with self._lock:
            if self._spent >= self.budget:
                return False
            self._spent += 1
            return True

    def delay(self, attempt: int, error: ImmichError) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (exponential, full jitter)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        with self._lock:
            wait = self._random.uniform(0, ceiling)
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            wait = max(wait, error.retry_after)
        return wait
