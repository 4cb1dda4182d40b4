"""The six steps on hand-built libraries: what the engine changes, checked in the server's state."""

from datetime import UTC, datetime

import pytest

from autotag.engine.report import read_changes
from tests.engine.builder import LibraryBuilder, serve

PRESETS = ["seed-baseline", "lazy"]
TEMP = "autotag-temp-unclassified"


@pytest.fixture(params=PRESETS)
def preset(request):
    return request.param


def test_unclassified_asset_goes_to_a_temp_album(tmp_path, preset):
    b = LibraryBuilder()
    lonely = b.asset("IMG_0001.jpg", taken=datetime(2019, 7, 14, 10, 15, tzinfo=UTC))
    with serve(b.build()) as s:
        result = s.run(tmp_path, preset)
        assert s.album_names(lonely) == {f"2019-07-14-{TEMP}"}
        # The event rule classifies temp albums: no unknown tag.
        assert s.tag_names(lonely) == set()
        assert result.changes == {"ADD_TO_ALBUM": 1, "CREATE_ALBUM": 1}


def test_stale_unknown_tag_is_removed_and_conflict_tagged(tmp_path, preset):
    b = LibraryBuilder()
    stale = b.asset("a.jpg", tags=["autotag_output_unknown"], albums=["2019-07-14 Trip"])
    two_events = b.asset("b.jpg", albums=["2019-07-14 Trip", "2019-08-01 Beach"])
    tag_and_album = b.asset("c.jpg", tags=["autotag_input_ignore"], albums=["2019-07-14 Trip"])
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert s.tag_names(stale) == set()
        assert s.tag_names(two_events) == {"autotag_output_conflict"}
        assert s.tag_names(tag_and_album) == {"autotag_input_ignore", "autotag_output_conflict"}


def test_conflict_resolved_removes_conflict_tag(tmp_path, preset):
    b = LibraryBuilder()
    fixed = b.asset("a.jpg", tags=["autotag_output_conflict"], albums=["2019-07-14 Trip"])
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert s.tag_names(fixed) == set()


def test_meme_tag_moves_into_the_meme_album(tmp_path, preset):
    b = LibraryBuilder()
    meme = b.asset("funny.jpg", tags=["meme", "cats"])
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert s.album_names(meme) == {"autotag_input_meme"}
        assert s.tag_names(meme) == {"cats"}


def test_date_from_file_name_corrects_a_later_immich_date(tmp_path, preset):
    b = LibraryBuilder()
    late = b.asset(
        "IMG_20190714_101500.jpg",
        taken=datetime(2021, 3, 1, tzinfo=UTC),
        albums=["2021-03-01 Party"],
    )
    right = b.asset(
        "IMG_20210301_120000.jpg",
        taken=datetime(2021, 3, 1, 12, tzinfo=UTC),
        albums=["2021-03-01 Party"],
    )
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert s.library.assets[late].file_created_at.startswith("2019-07-14T10:15:00")
        assert s.library.assets[right].file_created_at.startswith("2021-03-01T12:00:00")
        # Now 600 days away from its album's date: the mismatch tag follows.
        assert s.tag_names(late) == {"autotag_output_album_date_mismatch"}
        assert s.tag_names(right) == set()


def test_album_date_mismatch_added_and_stale_one_removed(tmp_path, preset):
    b = LibraryBuilder()
    far = b.asset("x.jpg", taken=datetime(2019, 7, 14, tzinfo=UTC), albums=["2015-01-01 Old"])
    near = b.asset(
        "y.jpg",
        taken=datetime(2015, 1, 2, tzinfo=UTC),
        albums=["2015-01-01 Old"],
        tags=["autotag_output_album_date_mismatch"],
    )
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert s.tag_names(far) == {"autotag_output_album_date_mismatch"}
        assert s.tag_names(near) == set()


def test_duplicates_autofix_and_conflict(tmp_path, preset):
    b = LibraryBuilder()
    group_a = "aaaaaaaa-0000-4000-8000-000000000001"
    group_b = "bbbbbbbb-0000-4000-8000-000000000002"
    tagged = b.asset(
        "p1.jpg",
        tags=["autotag_input_pending_review"],
        duplicate=group_a,
        albums=["2019-07-14 Trip"],
    )
    bare = b.asset("p2.jpg", duplicate=group_a, albums=["2019-07-14 Trip"])
    left = b.asset("q1.jpg", tags=["autotag_input_pending_review"], duplicate=group_b)
    right = b.asset("q2.jpg", tags=["autotag_input_ignore"], duplicate=group_b)
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        assert "autotag_input_pending_review" in s.tag_names(bare), "autofix"
        conflict = "autotag_output_duplicate_asset_classification_conflict"
        for member in (left, right):
            assert {conflict, f"{conflict}_{group_b}"} <= s.tag_names(member)
        for member in (tagged, bare):
            assert not any(t.startswith(conflict) for t in s.tag_names(member))


def test_temp_albums_cleanup_and_leaving(tmp_path, preset):
    b = LibraryBuilder()
    b.album(f"2017-05-05-{TEMP}")  # empty: deleted at startup
    b.asset("s1.jpg", taken=datetime(2018, 1, 1, tzinfo=UTC), albums=[f"2018-02-02-{TEMP}"])
    b.asset("s2.jpg", taken=datetime(2018, 6, 1, tzinfo=UTC), albums=[f"2018-02-02-{TEMP}"])
    both = b.asset(
        "e.jpg",
        taken=datetime(2019, 7, 14, tzinfo=UTC),
        albums=["2019-07-14 Trip", f"2019-07-14-{TEMP}"],
    )
    with serve(b.build()) as s:
        s.run(tmp_path, preset)
        names = {a.name for a in s.library.albums.values()}
        assert f"2017-05-05-{TEMP}" not in names
        assert f"2018-02-02-{TEMP}" not in names, "a 150-day temp album is unhealthy"
        assert {f"2018-01-01-{TEMP}", f"2018-06-01-{TEMP}"} <= names, "members re-homed"
        assert s.album_names(both) == {"2019-07-14 Trip"}
        assert s.tag_names(both) == set()


def test_a_second_run_changes_nothing(tmp_path):
    from autotag.sim.dataset import preset as dataset

    with serve(dataset=dataset("ci")) as s:
        first = s.run(tmp_path / "one", "lazy")
        digest = s.control.digest()
        second = s.run(tmp_path / "two", "lazy")
        assert sum(first.changes.values()) > 20
        assert second.changes == {}
        assert s.control.digest() == digest
        assert read_changes(tmp_path / "two" / "modification_report.txt") == []
