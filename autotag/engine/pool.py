"""Bounded concurrency for independent requests: a small pool of worker threads.

At most ``size`` requests are in flight at once, however much work is queued, so the server sees
a steady, bounded load instead of a burst (the thread pools that made the real tool slower
submitted every asset at once). With ``size`` 1
everything runs in the calling thread, exactly as sequential code would.

cProfile follows one thread; each worker can carry its own profiler (``thread_hooks``), which the
harness merges into the run's profile so that call counts stay exact.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

T = TypeVar("T")
R = TypeVar("R")


@attrs.define
class ThreadHooks:
    """Called in each worker thread when it starts and when it stops."""

    start: Callable[[], Any]
    stop: Callable[[Any], None]


class WorkerPool:
    def __init__(self, size: int, thread_hooks: ThreadHooks | None = None) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self._hooks = thread_hooks
        self._tasks: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def _ensure_started(self) -> None:
        if self._threads or self.size == 1:
            return
        for number in range(self.size):
            thread = threading.Thread(
                target=self._work, name=f"autotag-worker-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _work(self) -> None:
        token = self._hooks.start() if self._hooks else None
        try:
            while (task := self._tasks.get()) is not None:
                task()
        finally:
            if self._hooks:
                self._hooks.stop(token)

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[function(item) for item in items]``, up to ``size`` at a time, in order.

        The first exception (in item order) is raised once every started call has finished.
        """
        work: Sequence[T] = list(items)
        if self.size == 1 or len(work) <= 1:
            return [function(item) for item in work]
        self._ensure_started()
        results: list[Any] = [None] * len(work)
        errors: list[BaseException | None] = [None] * len(work)
        done = threading.Semaphore(0)

        def task(index: int) -> Callable[[], None]:
            def run() -> None:
                try:
                    results[index] = function(work[index])
                except BaseException as exc:  # handed back to the caller below
                    errors[index] = exc
                finally:
                    done.release()

            return run

        for index in range(len(work)):
            self._tasks.put(task(index))
        for _ in work:
            done.acquire()
        for error in errors:
            if error is not None:
                raise error
        return results

    def close(self) -> None:
        """Stop the workers (after the work already handed out)."""
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
