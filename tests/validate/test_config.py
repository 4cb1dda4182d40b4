"""Settings: the generic built-in ones, autotag's, [tool.perfkit], perfkit.toml, extends, and
one clear error naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.errors import ConfigError
from perfkit.validate.settings import find_settings, load_config
from tests.validate.conftest import AUTOTAG_SETTINGS


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_built_in_settings_are_generic(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
    assert config.source == "built-in defaults" and not config.implicit
    assert config.metrics == () and config.categories == () and config.target is None
    assert config.expected_range_percent is None and config.window_seconds is None
    assert config.baseline == ()
    assert [(b.decision, b.status, b.min_percent) for b in config.bands] == [
        ("MERGE", "go", 5.0),
        ("KEEP", "marginal", 1.0),
        ("INVESTIGATE", "no-go", None),
    ]
    assert config.exit_codes == {"go": 0, "no-go": 1, "marginal": 3}
    wording = " ".join(f"{b.decision} {b.action}" for b in config.bands).lower()
    assert not any(word in wording for word in ("asset", "tag", "immich", "seed", "batch"))


def test_autotag_settings_cover_the_autotag_case() -> None:
    config = load_config(AUTOTAG_SETTINGS)
    names = {metric.name for metric in config.metrics}
    assert {
        "get_asset_info",
        "search_assets",
        "bulk_tag_assets",
        "socket_io",
        "typeguard",
        "tag_operations",
        "album_names_for_asset",
    } <= names
    assert config.target == "get_asset_info"
    assert [b.decision for b in config.bands] == ["MERGE", "MERGE", "KEEP", "INVESTIGATE"]
    assert [b.status for b in config.bands] == ["go", "go", "marginal", "no-go"]
    assert config.exit_codes == {"go": 0, "no-go": 1, "marginal": 3}
    assert config.expected_range_percent == (5.0, 15.0)
    assert config.window_seconds == (50.0, 280.0) and config.window_reference_total == 3427.55
    assert [path.resolve() for path in config.baseline] == [
        (AUTOTAG_SETTINGS.parents[1] / "profiles" / "seed-baseline.stats").resolve()
    ]


def test_extends_layers_one_file_over_another(tmp_path: Path) -> None:
    strategies = load_config(AUTOTAG_SETTINGS.with_name("strategies.toml"))
    assert strategies.target == "get_asset_info" and len(strategies.metrics) > 20
    assert not strategies.metric("search_assets").guard and strategies.metric("tag_assets").guard
    assert strategies.guards.memory_tolerance_percent == 50
    shared = tmp_path / "shared"
    shared.mkdir()
    write(
        shared / "base.toml",
        "baseline = 'runs/old.stats'\ntarget = 'fetch'\n[metrics.fetch]\nselector = 'fetch'\n",
    )
    child = write(
        tmp_path / "perfkit.toml",
        "extends = 'shared/base.toml'\n[metrics.fetch]\nguard = false\n",
    )
    config = load_config(child)
    assert config.target == "fetch" and not config.metric("fetch").guard
    assert config.baseline == (shared / "runs" / "old.stats",)  # relative to the file naming it
    write(shared / "base.toml", "extends = '../perfkit.toml'\n")
    with pytest.raises(ConfigError, match="extends: a loop"):
        load_config(child)
    write(child, "extends = 'nowhere.toml'\n")
    with pytest.raises(ConfigError, match=r"perfkit\.toml: extends: .*nowhere\.toml: no such"):
        load_config(child)


def test_pyproject_table_merges_by_metric_and_replaces_bands(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[project]
name = "x"
[tool.perfkit]
baseline = "runs/base.stats"
expected_range_percent = [1, 3]
[tool.perfkit.metrics.get_asset_info]
selector = "get_asset_info"
per_call_ms = 36.73
[tool.perfkit.metrics.slow_thing]
selector = "mymod:slow_*"
operation = true
[[tool.perfkit.bands]]
min_percent = 1
decision = "SHIP"
status = "go"
[[tool.perfkit.bands]]
decision = "NO"
status = "no-go"
[tool.perfkit.exit_codes]
marginal = 0
""",
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    config = load_config(start=sub)
    assert config.source == str(tmp_path / "pyproject.toml")
    assert config.baseline == (tmp_path / "runs/base.stats",)
    info = config.metric("get_asset_info")
    assert info.selector.text == "get_asset_info" and info.per_call_ms == 36.73
    assert config.metric("slow_thing").operation
    assert [b.decision for b in config.bands] == ["SHIP", "NO"]
    assert config.exit_codes["marginal"] == 0 and config.exit_codes["no-go"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targt = 'x'", "targt: unknown key"),
        ("[metrics.get_asset_info]\nselctor = 'x'", "metrics.get_asset_info.selctor: unknown key"),
        ("[metrics.new_one]\noperation = true", "metrics.new_one.selector: missing"),
        ("[metrics.x]\nselector = 're:('", "metrics.x.selector: bad regular expression"),
        ("[metrics.x]\nselector = 'a'\ncalls = -3", "metrics.x.calls: -3 is less than"),
        ("expected_range_percent = [15, 5]", "expected_range_percent: the first number"),
        ("expected_range_percent = 'x'", "expected_range_percent: 'x' is not of type 'array'"),
        ("target = 'nope'", "target: 'nope' is not a metric"),
        (
            "categories = ['a', 'nope']\n[metrics.a]\nselector = 'a'",
            "categories[1]: 'nope' is not a metric",
        ),
        ("[predicted_window]\nseconds = [1, 2]", "reference_total_seconds: missing"),
        ("[exit_codes]\nmarginal = 2", "exit_codes.marginal: 2 is reserved"),
        ("[significance]\ntest = 't'", "significance.test: 't' is not one of"),
        (
            "[[bands]]\ndecision = 'A'\nstatus = 'go'\nmin_percent = 3",
            "bands[0].min_percent: the last band",
        ),
        (
            "[[bands]]\ndecision='A'\nstatus='go'\nmin_percent=1\n"
            "[[bands]]\ndecision='B'\nstatus='go'\nmin_percent=5\n"
            "[[bands]]\ndecision='C'\nstatus='no-go'",
            "bands[1].min_percent: bands go from the highest minimum down",
        ),
        ("[guards]\nmemory = true", "guards.memory: unknown key"),
        ("this is = not toml", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "perfkit.toml", text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_pyproject_keys_are_shown_with_their_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.perfkit]\nwindow = 3\n")
    with pytest.raises(ConfigError, match=r"tool\.perfkit\.window: unknown key"):
        load_config(path)


def test_missing_config_file_and_discovery(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")
    assert find_settings(tmp_path) is None or find_settings(tmp_path).parent != tmp_path
    write(
        tmp_path / "perfkit.toml",
        "target = 'search_assets'\n[metrics.search_assets]\nselector = 'search_assets'\n",
    )
    assert load_config(start=tmp_path).target == "search_assets"
