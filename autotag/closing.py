"""``with``-statement support for objects that own a resource and have ``close()``."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T", bound="Closing")


class Closing:
    """Mixin: ``with Thing(...) as thing:`` calls ``thing.close()`` on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
