"""The simulator's API semantics, through the typed client (in-process, no delay)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from autotag.immich import UNSET, BadRequestError, ImmichClient
from autotag.immich.dto import Asset
from autotag.sim.inprocess import InProcessSimulator

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _all(client: ImmichClient, **filters: object) -> list[Asset]:
    return list(client.iter_search_results(size=1000, **filters))


def _tag(client: ImmichClient, value: str) -> str:
    return next(tag.id for tag in client.get_all_tags() if tag.value == value)


def test_search_hits_carry_no_tags_and_asset_info_does(client: ImmichClient) -> None:
    hit = client.search_assets(size=1).items[0]
    assert hit.tags is UNSET and hit.exif_info is UNSET
    assert hit.duplicate_id is not UNSET
    full = client.get_asset_info(hit.id)
    assert isinstance(full.tags, list)
    assert full.exif_info is not UNSET
    with_exif = client.search_assets(size=1, with_exif=True).items[0]
    assert with_exif.exif_info is not UNSET and with_exif.tags is UNSET


def test_paging_defaults_to_250_and_numbers_the_next_page(sim: InProcessSimulator) -> None:
    with sim.client() as client:
        first = client.search_assets()
        assert first.count == len(first.items) == 250
        assert first.next_page == 2
        second = client.search_assets(page=2)
        assert second.next_page is None
        assert len(second.items) == 400 - 250
        assert client.search_assets(page=3).items == []


def test_tag_and_untag_answer_per_id(client: ImmichClient) -> None:
    tag_id = client.upsert_tags(["test/one"])[0].id
    first, second = (hit.id for hit in client.search_assets(size=2).items)
    results = client.tag_assets(tag_id, [first, first, UNKNOWN])
    assert [(r.success, r.error) for r in results] == [
        (True, UNSET),
        (False, "duplicate"),
        (False, "not_found"),
    ]
    assert [t.value for t in client.get_asset_info(first).tags if t.id == tag_id] == ["test/one"]
    results = client.untag_assets(tag_id, [first, second])
    assert [(r.success, r.error) for r in results] == [(True, UNSET), (False, "not_found")]
    assert all(t.id != tag_id for t in client.get_asset_info(first).tags)


def test_bulk_tag_counts_new_pairs(client: ImmichClient) -> None:
    tags = [tag.id for tag in client.upsert_tags(["bulk/a", "bulk/b"])]
    assets = [hit.id for hit in client.search_assets(size=3).items]
    assert client.bulk_tag_assets(tags, assets) == 6
    assert client.bulk_tag_assets(tags, assets) == 0
    assert {hit.id for hit in _all(client, tag_ids=tags)} == set(assets)


def test_upsert_creates_the_hierarchy_once(client: ImmichClient) -> None:
    madrid = client.upsert_tags(["places/Spain/Madrid", "trips/2019/Summer"])
    again = client.upsert_tags(["places/Spain/Madrid"])
    assert madrid[0].id == again[0].id
    assert (madrid[0].name, madrid[0].value) == ("Madrid", "places/Spain/Madrid")
    spain = client.get_tag_by_id(madrid[0].parent_id)  # type: ignore[arg-type]
    assert spain.value == "places/Spain"
    trips = {tag.value for tag in client.get_all_tags() if tag.value.startswith("trips")}
    assert trips == {"trips", "trips/2019", "trips/2019/Summer"}


def test_create_tag_under_a_parent_and_delete_the_subtree(client: ImmichClient) -> None:
    parent = client.create_tag("projects", color="#ff0000")
    child = client.create_tag("house", parent_id=parent.id)
    assert child.value == "projects/house" and child.parent_id == parent.id
    assert parent.color == "#ff0000"
    asset = client.search_assets(size=1).items[0].id
    client.tag_assets(child.id, [asset])
    client.delete_tag(parent.id)
    values = {tag.value for tag in client.get_all_tags()}
    assert "projects" not in values and "projects/house" not in values
    assert all(t.value != "projects/house" for t in client.get_asset_info(asset).tags)


def test_tag_filter_needs_every_tag_and_matches_descendants(client: ImmichClient) -> None:
    child, other = client.upsert_tags(["parent/child", "other"])
    parent = child.parent_id
    a, b = (hit.id for hit in client.search_assets(size=2).items)
    client.tag_assets(child.id, [a, b])
    client.tag_assets(other.id, [a])
    assert {hit.id for hit in _all(client, tag_ids=[parent])} == {a, b}
    assert {hit.id for hit in _all(client, tag_ids=[parent, other.id])} == {a}
    untagged = _all(client, tag_ids=None)
    assert untagged and all(not client.get_asset_info(h.id).tags for h in untagged[:5])


def test_albums_add_remove_and_derived_dates(client: ImmichClient) -> None:
    hits = client.search_assets(size=3).items
    ids = [hit.id for hit in hits]
    album = client.create_album("2019-07-14 Summer trip", asset_ids=ids[:1])
    assert album.asset_count == 1
    results = client.add_assets_to_album(album.id, [ids[0], ids[1], UNKNOWN])
    assert [(r.success, r.error) for r in results] == [
        (False, "duplicate"),
        (True, UNSET),
        (False, "not_found"),
    ]
    info = client.get_album_info(album.id)
    assert [asset.id for asset in info.assets] == ids[:2]
    assert info.assets[0].tags is UNSET
    assert info.start_date == min(hit.file_created_at for hit in hits[:2])
    assert info.end_date == max(hit.file_created_at for hit in hits[:2])
    bare = client.get_album_info(album.id, without_assets=True)
    assert bare.assets == [] and bare.asset_count == 2
    assert album.id in {a.id for a in client.get_all_albums(asset_id=ids[1])}
    results = client.remove_asset_from_album(album.id, [ids[1], ids[2]])
    assert [(r.success, r.error) for r in results] == [(True, UNSET), (False, "not_found")]
    client.delete_album(album.id)
    assert album.id not in {a.id for a in client.get_all_albums()}


def test_empty_album_has_no_dates(client: ImmichClient) -> None:
    album = client.create_album("2020-01-01-autotag-temp-unclassified")
    assert album.start_date is UNSET and album.album_thumbnail_asset_id is None
    listed = next(a for a in client.get_all_albums() if a.id == album.id)
    assert listed.asset_count == 0 and listed.assets == []


def test_album_filters(client: ImmichClient) -> None:
    album = client.get_all_albums()[0]
    members = {asset.id for asset in client.get_album_info(album.id).assets}
    assert {hit.id for hit in _all(client, album_ids=[album.id])} == members
    loose = _all(client, is_not_in_album=True)
    assert loose
    for hit in loose[:10]:
        assert client.get_all_albums(asset_id=hit.id) == []


def test_update_date_moves_the_immich_dates(client: ImmichClient) -> None:
    hit = client.search_assets(size=1).items[0]
    moment = datetime(2019, 7, 14, 10, 15, tzinfo=timezone(timedelta(hours=2)))
    updated = client.update_asset(hit.id, date_time_original=moment)
    assert updated.exif_info.date_time_original == moment  # type: ignore[union-attr]
    assert updated.file_created_at == moment
    assert updated.local_date_time == datetime(2019, 7, 14, 10, 15, tzinfo=UTC)
    assert client.get_asset_info(hit.id).file_created_at == moment
    with pytest.raises(BadRequestError, match="dateTimeOriginal"):
        client.update_asset(hit.id, date_time_original="yesterday")


def test_listing_order_is_stable_under_date_writes(client: ImmichClient) -> None:
    before = [hit.id for hit in _all(client)]
    client.update_asset(before[-1], date_time_original="2030-01-01T00:00:00Z")
    assert [hit.id for hit in _all(client)] == before
    assert [hit.id for hit in _all(client, order="asc")] == before[::-1]


def test_search_by_id_path_and_date_range(client: ImmichClient) -> None:
    hit = client.search_assets(size=1, page=7).items[0]
    assert [h.id for h in _all(client, id=hit.id)] == [hit.id]
    by_path = _all(client, original_path=hit.original_path.upper())
    assert hit.id in {h.id for h in by_path}
    day = hit.file_created_at
    around = _all(client, taken_after=day, taken_before=day)
    assert [h.id for h in around if h.id == hit.id] == [hit.id]
    assert all(h.file_created_at == day for h in around)
    later = _all(client, taken_after=day + timedelta(seconds=1))
    assert all(h.file_created_at > day for h in later)


def test_unsupported_filters_are_refused(client: ImmichClient) -> None:
    with pytest.raises(BadRequestError, match="ocr"):
        client._session.call("search_assets", "POST", "/search/metadata", body={"ocr": "x"})


def test_unknown_body_fields_are_refused(client: ImmichClient) -> None:
    with pytest.raises(BadRequestError, match="withTags"):
        client._session.call("search_assets", "POST", "/search/metadata", body={"withTags": True})


def test_duplicates_and_server_information(client: ImmichClient) -> None:
    groups = client.get_asset_duplicates()
    assert groups and all(len(group.assets) >= 2 for group in groups)
    for group in groups:
        assert {asset.duplicate_id for asset in group.assets} == {group.duplicate_id}
        assert set(group.suggested_keep_asset_ids) <= {asset.id for asset in group.assets}
    statistics = client.get_server_statistics()
    assert statistics.total_assets == 400
    assert str(client.get_server_version()) == "2.7.5"
    me = client.get_my_user()
    assert me.is_admin and me.deleted_at is None


def test_control_endpoints(sim: InProcessSimulator, client: ImmichClient) -> None:
    original = sim.control.digest()
    hit = client.search_assets(size=1).items[0]
    client.tag_assets(_tag(client, "autotag_output_unknown"), [hit.id])
    assert sim.control.digest() != original
    dumped = next(a for a in sim.control.state()["assets"] if a["id"] == hit.id)
    assert "autotag_output_unknown" in dumped["tags"]
    stats = sim.control.stats()
    assert stats["operations"]["tag_assets"] == {
        "requests": 1,
        "seconds": stats["operations"]["tag_assets"]["seconds"],
        "statuses": {"200": 1},
    }
    assert sim.control.reset() == original
    assert sim.control.stats()["total_requests"] == 0
    info = sim.control.info()
    assert info["counts"]["assets"] == 400 and info["dataset"]["name"] == "ci"


def test_control_endpoints_need_the_key(sim: InProcessSimulator) -> None:
    from autotag.sim.control_client import SimControl, SimControlError

    intruder = SimControl(sim.base_url, "wrong", transport=sim.transport)
    with pytest.raises(SimControlError, match="401"):
        intruder.reset()


def test_runtime_configuration_is_checked(sim: InProcessSimulator) -> None:
    from autotag.sim.control_client import SimControlError

    config = sim.control.configure(time_scale=0.25, faults="5xx=1%,seed=3", max_in_flight=4)
    assert config["time_scale"] == 0.25 and config["max_in_flight"] == 4
    assert config["faults"] == "5xx=0.01,seed=3"
    assert "api_key" not in config
    for bad in ({"time_scale": -1}, {"nope": 1}, {"faults": "5xx=2"}, {"workers": "x"}):
        with pytest.raises(SimControlError, match="HTTP 400"):
            sim.control.configure(**bad)


def test_hidden_assets_leave_the_default_search(client: ImmichClient) -> None:
    everything = [hit.id for hit in _all(client)]
    client.update_asset(everything[3], visibility="hidden")
    visible = [hit.id for hit in _all(client)]
    assert visible == everything[:3] + everything[4:]
    assert [hit.id for hit in _all(client, visibility="hidden")] == [everything[3]]
    client.update_asset(everything[3], visibility="timeline")
    assert [hit.id for hit in _all(client)] == everything
