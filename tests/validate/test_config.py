"""Settings: defaults, [tool.perfkit], perfkit.toml, and one clear error naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.errors import ConfigError
from perfkit.validate.settings import find_settings, load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_cover_the_autotag_case(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
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
        ("categories = ['socket_io', 'nope']", "categories[1]: 'nope' is not a metric"),
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
    write(tmp_path / "perfkit.toml", "target = 'search_assets'\n")
    assert load_config(start=tmp_path).target == "search_assets"
