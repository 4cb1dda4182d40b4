"""What every resource mixin needs: the session, and ids made safe for a URL path."""

from __future__ import annotations

from urllib.parse import quote

from autotag.immich.session import ApiSession


def path_id(value: str) -> str:
    """An id as one URL path segment (a stray ``/`` or ``?`` cannot change the route)."""
    return quote(value, safe="")


class Resource:
    """Base of the resource mixins."""

    _session: ApiSession
