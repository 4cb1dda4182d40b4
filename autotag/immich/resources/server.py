"""Server and user: version, ping, statistics, current user."""

from __future__ import annotations

from autotag.immich.dto import ServerStatistics, ServerVersion, User
from autotag.immich.resources.base import Resource


class ServerApi(Resource):
    def get_server_version(self) -> ServerVersion:
        """GET /api/server/version (no auth needed)."""
        return ServerVersion.from_json(
            self._session.call("get_server_version", "GET", "/server/version")
        )

    def ping_server(self) -> bool:
        """GET /api/server/ping (no auth needed): True when the server answers ``pong``."""
        data = self._session.call("ping_server", "GET", "/server/ping")
        return isinstance(data, dict) and data.get("res") == "pong"

    def get_server_statistics(self) -> ServerStatistics:
        """GET /api/server/statistics (admin). Outside the contract file; Immich's shape."""
        return ServerStatistics.from_json(
            self._session.call("get_server_statistics", "GET", "/server/statistics")
        )

    def get_my_user(self) -> User:
        """GET /api/users/me."""
        return User.from_json(self._session.call("get_my_user", "GET", "/users/me"))
