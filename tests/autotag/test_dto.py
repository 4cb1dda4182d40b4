"""DTOs: UNSET vs null, camelCase wire names, request bodies valid against the contract."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from autotag.immich import UNSET, is_set
from autotag.immich.contract import schema_errors
from autotag.immich.dto import Asset, MetadataSearch, Tag
from autotag.immich.dto.parsing import camel, parse_datetime

MINIMAL_ASSET = {
    "id": "0b5c4a36-70d8-4e7b-9a0f-6f3c0f1f3a11",
    "type": "IMAGE",
    "originalPath": "/photos/2019/2019-07-14 Summer trip/IMG_20190714_101500.jpg",
    "originalFileName": "IMG_20190714_101500.jpg",
    "checksum": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "ownerId": "u1",
    "deviceId": "CLI",
    "deviceAssetId": "x",
    "fileCreatedAt": "2019-07-14T08:15:00.000Z",
    "fileModifiedAt": "2019-07-14T08:15:00.000Z",
    "localDateTime": "2019-07-14T10:15:00.000Z",
    "createdAt": "2019-07-20T08:15:00.000Z",
    "updatedAt": "2019-07-20T08:15:00.000Z",
    "isFavorite": False,
    "isArchived": False,
    "isTrashed": False,
    "isOffline": False,
    "isEdited": False,
    "hasMetadata": True,
    "visibility": "timeline",
    "duration": "0:00:00.00000",
    "thumbhash": None,
    "width": 4000,
    "height": 3000,
}


def test_absent_fields_are_unset_and_null_fields_are_none() -> None:
    hit = Asset.from_json(MINIMAL_ASSET)
    assert hit.tags is UNSET
    assert hit.exif_info is UNSET
    assert hit.duplicate_id is UNSET
    assert hit.date_time_original is UNSET
    full = Asset.from_json({**MINIMAL_ASSET, "tags": [], "duplicateId": None, "exifInfo": {}})
    assert full.tags == []
    assert full.duplicate_id is None
    assert full.date_time_original is None
    assert is_set(full.tags) and not is_set(hit.tags)


def test_unset_is_a_falsy_singleton_that_survives_pickling() -> None:
    assert not UNSET
    assert repr(UNSET) == "UNSET" == str(UNSET)
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET


def test_dates_parse_to_aware_datetimes() -> None:
    asset = Asset.from_json(MINIMAL_ASSET)
    assert asset.file_created_at == datetime(2019, 7, 14, 8, 15, tzinfo=UTC)
    assert parse_datetime("2019-07-14T10:15:00+02:00").utcoffset() == timedelta(hours=2)


def test_tag_optional_fields() -> None:
    tag = Tag.from_json(
        {"id": "t", "name": "Madrid", "value": "places/Spain/Madrid", "parentId": "p",
         "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}
    )  # fmt: skip
    assert (tag.name, tag.value, tag.parent_id, tag.color) == (
        "Madrid",
        "places/Spain/Madrid",
        "p",
        UNSET,
    )


def test_camel_case_wire_names() -> None:
    assert camel("tag_ids") == "tagIds"
    assert camel("is_not_in_album") == "isNotInAlbum"
    assert camel("page") == "page"


def test_search_body_has_only_the_fields_set() -> None:
    assert MetadataSearch().to_json() == {}
    body = MetadataSearch(page=2, size=None, tag_ids=None, is_not_in_album=True).to_json()
    assert body == {"page": 2, "tagIds": None, "isNotInAlbum": True}
    moment = datetime(2019, 7, 14, 10, 15, tzinfo=timezone(timedelta(hours=2)))
    assert MetadataSearch(taken_after=moment).to_json() == {
        "takenAfter": "2019-07-14T10:15:00.000+02:00"
    }


_ids = st.lists(st.uuids().map(str), max_size=3)
_text = st.text(max_size=20)
_dates = st.datetimes(timezones=st.just(UTC))
_search_fields = st.fixed_dictionaries(
    {},
    optional={
        "page": st.integers(1, 500),
        "size": st.integers(1, 1000),
        "id": st.uuids().map(str),
        "tag_ids": st.one_of(st.none(), _ids),
        "album_ids": _ids,
        "original_path": _text,
        "original_file_name": _text,
        "type": st.sampled_from(["IMAGE", "VIDEO"]),
        "is_favorite": st.booleans(),
        "is_not_in_album": st.booleans(),
        "taken_after": _dates,
        "taken_before": _dates,
        "order": st.sampled_from(["asc", "desc"]),
        "with_exif": st.booleans(),
        "with_people": st.booleans(),
    },
)


@given(_search_fields)
def test_every_search_body_follows_the_contract(fields: dict) -> None:
    body = MetadataSearch(**fields).to_json()
    assert schema_errors("searchAssets", "body", body) == []
    assert len(body) == len(fields)
