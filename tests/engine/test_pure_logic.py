"""Rules, dates, folders and config: the engine's decisions without any server."""

from datetime import UTC, datetime, timedelta

import pytest

from autotag.engine import dates, folders
from autotag.engine.config import load_config
from autotag.engine.rules import ClassificationStatus, classify
from autotag.errors import ConfigError

UTC = UTC


@pytest.fixture(scope="module")
def config():
    return load_config()


def _classify(config, tags, albums, asset_id="00000000-0000-0000-0000-000000000001"):
    return classify(config.rules, lambda: list(tags), lambda: list(albums), asset_id)


@pytest.mark.parametrize(
    ("tags", "albums", "status"),
    [
        ([], [], ClassificationStatus.UNCLASSIFIED),
        (["holiday"], ["Family"], ClassificationStatus.UNCLASSIFIED),
        (["autotag_input_meme"], [], ClassificationStatus.CLASSIFIED),
        ([], ["2019-07-14 Summer trip"], ClassificationStatus.CLASSIFIED),
        ([], ["2019-07-14 Summer trip", "2019-08-01 Beach"], ClassificationStatus.CONFLICT),
        (["autotag_input_meme"], ["2019-07-14 Summer trip"], ClassificationStatus.CONFLICT),
        ([], ["autotag_input_meme", "Family"], ClassificationStatus.CLASSIFIED),
        (["meme"], [], ClassificationStatus.UNCLASSIFIED),
    ],
)
def test_classification_status(config, tags, albums, status):
    assert _classify(config, tags, albums).status is status


def test_rule_asks_for_names_once_per_rule(config):
    calls = {"tags": 0, "albums": 0}

    def tags():
        calls["tags"] += 1
        return []

    def albums():
        calls["albums"] += 1
        return []

    classify(config.rules, tags, albums, "x")
    assert calls == {"tags": len(config.rules), "albums": len(config.rules)}


def test_matched_tags_are_the_rule_tags_only(config):
    result = _classify(config, ["autotag_input_meme", "holiday"], [])
    assert result.matched_tags == {"autotag_input_meme"}


def test_asset_links_accept_urls(tmp_path):
    path = tmp_path / "c.yaml"
    asset = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    path.write_text(
        "classification:\n  rules:\n    - name: linked\n"
        f"      asset_links: ['https://immich.example/albums/x/photos/{asset.upper()}']\n"
    )
    cfg = load_config(path)
    assert classify(cfg.rules, list, list, asset).status is ClassificationStatus.CLASSIFIED


@pytest.mark.parametrize(
    ("name", "path", "expected", "has_time"),
    [
        ("IMG_20190714_101500.jpg", "/p/IMG_20190714_101500.jpg", (2019, 7, 14, 10, 15), True),
        ("IMG-20190714-WA0003.jpg", "/p/IMG-20190714-WA0003.jpg", (2019, 7, 14, 0, 0), False),
        (
            "WhatsApp Image 2019-07-14 at 10.15.00.jpeg",
            "/w/WhatsApp Image 2019-07-14 at 10.15.00.jpeg",
            (2019, 7, 14, 10, 15),
            True,
        ),
        ("2019-07-14_10-15-00.png", "/s/2019-07-14_10-15-00.png", (2019, 7, 14, 10, 15), True),
    ],
)
def test_dates_from_names(name, path, expected, has_time):
    found = dates.candidates_from_name(name, path, UTC)
    assert found, name
    first = min(found, key=lambda c: c.when)
    assert first.when.timetuple()[:5] == expected
    assert first.has_time is has_time


@pytest.mark.parametrize("name", ["IMG_1234.jpg", "DSC00001.JPG", "IMG_00000000_000000.jpg", "x"])
def test_names_without_dates(name):
    assert dates.candidates_from_name(name, "/p/" + name, UTC) == []


def test_decision_fixes_only_clear_disagreement():
    name_day = dates.DateCandidate(
        dates.DateSource.WHATSAPP_FILENAME, datetime(2019, 7, 14, tzinfo=UTC), False
    )
    same_day = datetime(2019, 7, 14, 18, tzinfo=UTC)
    assert not dates.decide(same_day, [name_day]).needs_fix
    much_later = datetime(2021, 1, 1, tzinfo=UTC)
    decision = dates.decide(much_later, [name_day])
    assert decision.needs_fix and decision.fix_to == name_day.when
    earlier = name_day.when - timedelta(days=3)
    assert not dates.decide(earlier, [name_day]).needs_fix
    assert not dates.decide(much_later, []).needs_fix


def test_album_dates():
    assert dates.album_date("2019-07-14 Summer", UTC) == datetime(2019, 7, 14, tzinfo=UTC)
    assert dates.album_date("2019 Best of", UTC) == datetime(2019, 1, 1, tzinfo=UTC)
    assert dates.album_date("Family", UTC) is None
    assert dates.album_date("2019-13-40 Bad", UTC) is None


@pytest.mark.parametrize(
    ("path", "outcome", "album"),
    [
        ("/photos/2019/2019-07-14 Summer trip/IMG_1.jpg", "album", "2019-07-14 Summer trip"),
        ("/photos/2019-07-14 Trip/Day 1/IMG_1.jpg", "album", "2019-07-14 Trip/Day 1"),
        ("/photos/2019/2019-07-14/IMG_1.jpg", "none", None),
        ("/photos/2019-07-14 A/2019-07-15 B/IMG_1.jpg", "ambiguous", None),
        ("/photos/Family/IMG_1.jpg", "none", None),
        ("/photos/2019-07-14 Summer/IMG-2019-07-14.jpg", "album", "2019-07-14 Summer"),
    ],
)
def test_folder_detection(path, outcome, album):
    found = folders.detect_album(path)
    assert found.outcome.value == outcome
    assert found.album_name == album


def test_folder_detection_exclusions():
    import re

    excluded = [re.compile("whatsapp", re.IGNORECASE)]
    found = folders.detect_album("/photos/WhatsApp/2019-07-14 Chat/IMG.jpg", excluded)
    assert found.outcome is folders.FolderOutcome.NONE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("classification:\n  rules: 3\n", "classification.rules: 3 is not of type 'array'"),
        ("bogus: 1\n", "Additional properties are not allowed ('bogus' was unexpected)"),
        (
            "classification:\n  rules:\n    - name: x\n      album_name_patterns: ['(']\n",
            "classification.rules[0].album_name_patterns[0]: bad regular expression",
        ),
        ("classification:\n  rules:\n    - name: x\n", "a rule needs tag_names"),
        (
            "album_date_consistency:\n  threshold_days: -1\n",
            "album_date_consistency.threshold_days: -1 is less than the minimum of 0",
        ),
        (
            "duplicate_processing:\n  date_correction:\n    extraction_timezone: Mars/Base\n",
            "unknown time zone 'Mars/Base'",
        ),
        ("a: [\n", "not valid yaml"),
        ("- 1\n", "must hold a mapping"),
    ],
)
def test_bad_config_gives_one_clear_line(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_toml_config(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[album_date_consistency]\nthreshold_days = 30\n")
    cfg = load_config(path)
    assert cfg.album_date_threshold_days == 30
    assert cfg.rules == load_config().rules


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "nope.yaml")


def test_settling_skips_changes_confirmed_before_the_kill(tmp_path):
    """A kill after an intent's lines were written but before it was marked done."""
    from autotag.engine.report import ChangeKind, ModificationReport, read_changes

    report_path, journal = tmp_path / "modification_report.txt", tmp_path / "writes.journal"
    first = ModificationReport(report_path, journal)
    block = first.intent(ChangeKind.ADD_TAG, "autotag_output_conflict", ["a1", "a2", "a3"])
    intent = block.__enter__()
    intent.confirm(["a1", "a2"])  # the server's answer was reported; then the process died
    first.flush()

    resumed = ModificationReport(report_path, journal)
    (open_intent,) = resumed.open_intents()
    resumed.settle(open_intent, [(ChangeKind.ADD_TAG, i) for i in ("a1", "a2", "a3")])
    resumed.close()

    assets = [asset for _, asset, _, _ in read_changes(report_path)]
    assert sorted(assets) == ["a1", "a2", "a3"]
    assert ModificationReport(report_path, journal).open_intents() == []
