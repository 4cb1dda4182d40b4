"""Errors reach the caller as typed exceptions that name the operation and hide the API key."""

from __future__ import annotations

import pytest
from conftest import API_KEY

from autotag.errors import AutotagError
from autotag.immich import (
    AuthenticationError,
    BadRequestError,
    ImmichClient,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from autotag.sim.inprocess import InProcessSimulator

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _assert_clean(error: AutotagError, operation: str) -> None:
    message = str(error)
    assert message.startswith(f"{operation}: ")
    assert API_KEY not in message
    assert "\n" not in message


def test_wrong_api_key_is_an_authentication_error(sim: InProcessSimulator) -> None:
    with sim.client(api_key="not-the-key") as client:
        with pytest.raises(AuthenticationError) as caught:
            client.get_my_user()
        assert caught.value.status == 401
        _assert_clean(caught.value, "get_my_user")
        assert client.ping_server() is True  # ping needs no key
        assert client.stats.operations()["get_my_user"].errors == 1


def test_missing_api_key_is_an_authentication_error(sim: InProcessSimulator) -> None:
    with sim.client(api_key="") as client, pytest.raises(AuthenticationError):
        client.search_assets()


def test_unknown_ids_are_not_found(client: ImmichClient) -> None:
    for call, operation in (
        (lambda: client.get_asset_info(UNKNOWN), "get_asset_info"),
        (lambda: client.get_album_info(UNKNOWN), "get_album_info"),
        (lambda: client.get_tag_by_id(UNKNOWN), "get_tag_by_id"),
        (lambda: client.tag_assets(UNKNOWN, [UNKNOWN]), "tag_assets"),
        (lambda: client.delete_album(UNKNOWN), "delete_album"),
    ):
        with pytest.raises(NotFoundError) as caught:
            call()
        _assert_clean(caught.value, operation)
        assert UNKNOWN in str(caught.value)


def test_malformed_requests_are_bad_requests(client: ImmichClient) -> None:
    with pytest.raises(BadRequestError, match="id must be a UUID"):
        client.get_asset_info("not-a-uuid")
    with pytest.raises(BadRequestError, match="size"):
        client.search_assets(size=1001)
    with pytest.raises(BadRequestError, match="page"):
        client.search_assets(page=0)
    with pytest.raises(BadRequestError, match="each value in ids must be a UUID"):
        client.tag_assets(client.get_all_tags()[0].id, ["nope"])
    with pytest.raises(BadRequestError, match="already exists"):
        client.create_tag("autotag_output_unknown")


def test_a_path_id_cannot_escape_its_segment(sim: InProcessSimulator, client: ImmichClient) -> None:
    with pytest.raises((BadRequestError, NotFoundError)):
        client.get_asset_info("../albums")
    assert "get_all_albums" not in sim.control.stats()["operations"]


def test_rate_limit_carries_retry_after(sim: InProcessSimulator) -> None:
    sim.control.configure(faults="429=1", time_scale=0.5, retry_after=3)
    with sim.client() as client, pytest.raises(RateLimitedError) as caught:
        client.get_asset_info(UNKNOWN)
    assert caught.value.retry_after == pytest.approx(1.5)
    assert caught.value.status == 429
    _assert_clean(caught.value, "get_asset_info")


def test_server_errors(sim: InProcessSimulator) -> None:
    sim.control.configure(faults="5xx=1")
    with sim.client() as client, pytest.raises(ServerError) as caught:
        client.get_all_albums()
    assert caught.value.status in (500, 502, 503)
    _assert_clean(caught.value, "get_all_albums")


def test_dropped_connection_is_a_network_error(sim: InProcessSimulator) -> None:
    sim.control.configure(faults="drop=1")
    with sim.client() as client, pytest.raises(NetworkError) as caught:
        client.get_all_tags()
    _assert_clean(caught.value, "get_all_tags")


def test_every_client_error_is_an_autotag_error() -> None:
    for kind in (
        AuthenticationError,
        BadRequestError,
        NetworkError,
        NotFoundError,
        RateLimitedError,
        ServerError,
    ):
        assert issubclass(kind, AutotagError)


def test_bad_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        ImmichClient("ftp://example.org", "key")
