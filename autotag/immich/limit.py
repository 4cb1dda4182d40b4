"""Adaptive limit on the requests a client has in flight (additive increase, halving on 429).

A server that answers 429 is saying "fewer at once": a fixed pool of workers that all retry after
the same Retry-After comes back as one burst and is refused again. The limit halves on every 429
and grows back by one after as many successes as it allows in flight, so the client settles just
under what the server accepts — bounded concurrency that follows the server.
"""

from __future__ import annotations

import threading


class AdaptiveLimit:
    def __init__(self, ceiling: int) -> None:
        if ceiling < 1:
            raise ValueError("a limit needs at least one request in flight")
        self.ceiling = ceiling
        self.current = ceiling
        self.lowest = ceiling
        self._in_flight = 0
        self._successes = 0
        self._condition = threading.Condition()

    def acquire(self) -> None:
        with self._condition:
            while self._in_flight >= self.current:
                self._condition.wait()
            self._in_flight += 1

    def release(self, *, throttled: bool) -> None:
        with self._condition:
            self._in_flight -= 1
            if throttled:
                self.current = max(1, self.current // 2)
                self.lowest = min(self.lowest, self.current)
                self._successes = 0
            elif self.current < self.ceiling:
                self._successes += 1
                if self._successes >= self.current:
                    self.current += 1
                    self._successes = 0
            self._condition.notify_all()
