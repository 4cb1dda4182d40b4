"""What every resource mixin needs: the session, and ids made safe for a URL path."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from autotag.immich.dto import BulkIdResult
from autotag.immich.session import ApiSession


def path_id(value: str) -> str:
    """An id as one URL path segment (a stray ``/`` or ``?`` cannot change the route)."""
    return quote(value, safe="")


class Resource:
    """Base of the resource mixins."""

    _session: ApiSession

    def _bulk_ids(
        self, operation: str, method: str, path: str, ids: Iterable[str]
    ) -> list[BulkIdResult]:
        """A BulkIdsDto write (``{"ids": [...]}``) answered with one result per id."""
        data = self._session.call(operation, method, path, body={"ids": list(ids)})
        return [BulkIdResult.from_json(item) for item in data]
