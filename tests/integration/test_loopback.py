"""Client against the simulator over real loopback sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from conftest import API_KEY

from autotag.immich import (
    AuthenticationError,
    ImmichClient,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from autotag.sim.server import RunningSimulator


@pytest.mark.parametrize("size", [None, 7, 1000])
def test_paging_returns_every_asset_exactly_once(fresh: RunningSimulator, size: int | None) -> None:
    with fresh.client() as client:
        ids = [hit.id for hit in client.iter_search_results(size=size) if True]
        pages = client.stats.requests("search_assets")
    assert len(ids) == len(set(ids)) == fresh.config.dataset.assets
    state_ids = {asset["id"] for asset in fresh.control.state()["assets"]}
    assert set(ids) == state_ids
    expected_pages = -(-len(ids) // (size or 250))
    assert pages == expected_pages


def test_writes_change_the_digest_as_expected(fresh: RunningSimulator) -> None:
    control = fresh.control
    original = control.digest_parts()
    with fresh.client() as client:
        tag = client.upsert_tags(["autotag_output_conflict"])[0]
        asset = next(h for h in client.search_assets(size=50).items)
        already = any(t.id == tag.id for t in client.get_asset_info(asset.id).tags)  # type: ignore[union-attr]
        if already:
            client.untag_assets(tag.id, [asset.id])
        else:
            client.tag_assets(tag.id, [asset.id])
        changed = control.digest_parts()
        assert changed["assets"] != original["assets"]
        assert changed["albums"] == original["albums"] and changed["tags"] == original["tags"]
        dumped = next(a for a in control.state()["assets"] if a["id"] == asset.id)
        assert ("autotag_output_conflict" in dumped["tags"]) is not already
        if already:
            client.tag_assets(tag.id, [asset.id])
        else:
            client.untag_assets(tag.id, [asset.id])
        assert control.digest_parts() == original
        album = client.create_album("2019-07-14-autotag-temp-unclassified", asset_ids=[asset.id])
        assert control.digest_parts()["albums"] != original["albums"]
        client.delete_album(album.id)
        assert control.digest_parts() == original


def test_errors_map_to_typed_exceptions(fresh: RunningSimulator) -> None:
    with fresh.client(api_key="wrong-key") as client, pytest.raises(AuthenticationError) as auth:
        client.get_all_albums()
    assert "wrong-key" not in str(auth.value) and API_KEY not in str(auth.value)
    with fresh.client() as client:
        with pytest.raises(NotFoundError, match="get_asset_info"):
            client.get_asset_info("00000000-0000-4000-8000-000000000000")
        fresh.control.configure(faults="5xx=1")
        with pytest.raises(ServerError, match="get_all_tags"):
            client.get_all_tags()
        fresh.control.configure(faults="drop=1")
        with pytest.raises(NetworkError, match="get_all_tags: connection lost"):
            client.get_all_tags()
        fresh.control.configure(faults="")
        assert client.get_all_tags()  # the client recovers on a new connection


def test_in_flight_limit_answers_429_with_retry_after(fresh: RunningSimulator) -> None:
    fresh.control.configure(max_in_flight=2, time_scale=1.0, retry_after=0.5)
    album = fresh.client().get_all_albums()[0].id
    outcomes: list[object] = []

    def fetch() -> None:
        with fresh.client() as client:
            try:
                client.get_album_info(album)
                outcomes.append("ok")
            except RateLimitedError as exc:
                outcomes.append(exc.retry_after)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "ok" in outcomes
    assert pytest.approx(0.5) in outcomes
    stats = fresh.control.stats()
    assert stats["peak_in_flight"] <= 2 and stats["rejected_over_limit"] >= 1


def test_keep_alive_reuses_one_connection_and_can_be_turned_off(fresh: RunningSimulator) -> None:
    ids = [hit.id for hit in fresh.client().search_assets(size=10).items]
    fresh.control.reset()
    with fresh.client() as client:
        for asset_id in ids:
            client.get_asset_info(asset_id)
    assert fresh.control.stats()["connections"] == 1
    fresh.control.reset()
    with fresh.client(keep_alive=False) as client:
        for asset_id in ids:
            client.get_asset_info(asset_id)
    assert fresh.control.stats()["connections"] == len(ids)


@pytest.fixture
def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_unreachable_server_is_a_network_error(closed_port: int) -> None:
    with ImmichClient(f"http://127.0.0.1:{closed_port}", API_KEY, connect_timeout=1) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            client.get_server_version()
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert message.startswith("get_server_version: cannot connect")
    assert API_KEY not in message


def test_silent_server_is_a_network_error_within_the_read_timeout(silent_server: int) -> None:
    url = f"http://127.0.0.1:{silent_server}"
    with ImmichClient(url, API_KEY, read_timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError, match=r"no answer .* within 0\.5 s"):
            client.search_assets()
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 5
    assert client.stats.operations()["search_assets"].errors == 1
