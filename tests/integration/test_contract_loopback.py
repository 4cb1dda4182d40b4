"""Every operation, over real sockets: each request body the client sends and each answer the
simulator gives validates against the Immich 2.7.5 contract."""

from __future__ import annotations

import httpx

from autotag.immich import ImmichClient
from autotag.immich.contract import OPERATIONS, OUTSIDE_CONTRACT, ContractRecorder
from autotag.sim.server import RunningSimulator

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def exercise_every_operation(client: ImmichClient) -> None:
    """Call each client operation at least once, with realistic arguments."""
    assert client.ping_server()
    client.get_server_version()
    client.get_my_user()
    client.get_server_statistics()
    page = client.search_assets()
    client.search_assets(page=2, size=100, with_exif=True, with_people=True, order="asc")
    client.search_assets(tag_ids=None, is_not_in_album=True, taken_after="2015-01-01T00:00:00Z")
    asset = client.get_asset_info(page.items[0].id)
    client.update_asset(asset.id, date_time_original="2019-07-14T10:15:00+02:00")
    albums = client.get_all_albums()
    client.get_all_albums(asset_id=asset.id)
    client.get_album_info(albums[0].id)
    client.get_album_info(albums[0].id, without_assets=True)
    ids = [hit.id for hit in page.items[:3]]
    album = client.create_album("2019-07-14-autotag-temp-unclassified", asset_ids=ids[:1])
    client.add_assets_to_album(album.id, [ids[0], ids[1], UNKNOWN])
    client.remove_asset_from_album(album.id, [ids[1], ids[2]])
    client.create_album("Empty", description="nothing yet")
    client.delete_album(album.id)
    tags = client.get_all_tags()
    client.get_tag_by_id(tags[0].id)
    parent = client.create_tag("checks", color="#00ff00")
    child = client.create_tag("contract", parent_id=parent.id)
    upserted = client.upsert_tags(["places/Spain/Madrid", "checks/contract"])
    client.tag_assets(child.id, [ids[0], ids[0], UNKNOWN])
    client.untag_assets(child.id, [ids[0], ids[1]])
    client.bulk_tag_assets([upserted[0].id, child.id], ids)
    client.get_asset_info(ids[0])
    client.delete_tag(parent.id)
    client.get_asset_duplicates()


def test_every_exchange_follows_the_contract(fresh: RunningSimulator) -> None:
    recorder = ContractRecorder(httpx.HTTPTransport())
    with fresh.client(transport=recorder) as client:
        exercise_every_operation(client)
        counted = client.stats.operations()
    assert set(counted) == set(OPERATIONS), "every operation was exercised"
    assert sum(entry.requests for entry in counted.values()) == len(recorder.exchanges)
    inside = [x for x in recorder.exchanges if x.operation_id is not None]
    outside = [x for x in recorder.exchanges if x.operation_id is None]
    assert {x.operation_id for x in inside} == {
        OPERATIONS[name] for name in OPERATIONS if name not in OUTSIDE_CONTRACT
    }
    assert {(x.method, x.path.split("/")[2]) for x in outside} == {
        ("DELETE", "albums"),
        ("GET", "server"),
    }
    assert [problem for exchange in inside for problem in exchange.errors()] == []
    assert all(x.status < 300 for x in recorder.exchanges)


def test_search_hits_have_no_tags_field_on_the_wire(fresh: RunningSimulator) -> None:
    recorder = ContractRecorder(httpx.HTTPTransport())
    with fresh.client(transport=recorder) as client:
        hit = client.search_assets(size=3, with_exif=True).items[0]
        client.get_asset_info(hit.id)
        album = client.get_all_albums()[0]
        client.get_album_info(album.id)
    search, info, _, album_info = (x.response_body for x in recorder.exchanges)
    assert all("tags" not in item for item in search["assets"]["items"])
    assert isinstance(info["tags"], list)
    assert all("tags" not in item for item in album_info["assets"])
