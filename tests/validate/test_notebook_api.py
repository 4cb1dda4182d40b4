"""perfkit.validate(...) called as a function, the Verdict in a notebook (summary, figure,
frames) and the butterfly it carries into the reports."""

from __future__ import annotations

import importlib
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from matplotlib.figure import Figure

import perfkit
from perfkit.errors import PerfkitError
from perfkit.render.html_report import single_file_html, write_static
from perfkit.validate import load_config, load_spec, validate
from perfkit.validate.settings import schema
from tests.html_parse import SUMMARY_TAGS, parse_html
from tests.validate.conftest import AUTOTAG_SETTINGS, run_perfkit, sidecar
from tests.validate.programs import profile_client

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<b onmouseover=x>new"


@pytest.fixture
def config():
    return load_config(AUTOTAG_SETTINGS)


@pytest.fixture
def hostile_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The client pair, the new run under a file name that is HTML."""
    base = profile_client(tmp_path / "base.stats", sidecar=sidecar(), info_ms=4.0, extra=20)
    new = profile_client(tmp_path / f"{HOSTILE}.stats", sidecar=sidecar(), info_ms=4.0, extra=0)
    return base, new


def test_the_package_is_callable_and_still_a_package(client_pair, config) -> None:
    base, new = client_pair
    assert callable(perfkit.validate) and perfkit.validate.__name__ == "perfkit.validate"
    assert importlib.import_module("perfkit.validate.settings").load_config is load_config
    from_paths = perfkit.validate(new, baseline=base, config=config)
    profiles = perfkit.load_many([base, new])
    reference = validate([profiles[1]], [profiles[0]], config)
    from_profiles = perfkit.validate(profiles[1], baseline=[profiles[0]], config=config)
    for verdict in (from_paths, from_profiles):
        assert verdict.status == reference.status == "go"
        assert (verdict.target.base.calls, verdict.target.new.calls) == (60, 40)
        assert verdict.improvement.percent == pytest.approx(reference.improvement.percent)
    mixed = perfkit.validate([new, profiles[1]], baseline=[base, str(base)], config=config)
    assert [run.path for run in mixed.new.runs] == [str(new)] * 2
    assert len(mixed.baseline.runs) == 2


def test_spec_and_default_baselines_as_the_cli_finds_them(
    client_pair, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, new = client_pair
    spec_path = ROOT / "profiles" / "seed-baseline.toml"
    seed = perfkit.validate(new, baseline=spec_path, config=AUTOTAG_SETTINGS)
    assert seed.baseline.kind == "spec" and seed.target.base.calls == 35_402
    spec = load_spec(spec_path)
    assert perfkit.validate(new, baseline=spec, config=AUTOTAG_SETTINGS).target.base.calls == 35_402
    with pytest.raises(PerfkitError, match="stands alone"):
        perfkit.validate(new, baseline=[spec_path, new])
    monkeypatch.chdir(project)  # profiles/seed-baseline.stats and a perfkit.toml naming it
    found = perfkit.validate(new)
    assert found.baseline.kind == "profiles"
    assert found.baseline.runs[0].path == str(project / "profiles" / "seed-baseline.stats")
    cli = run_perfkit("validate", new, "--json", "-", "--quiet", cwd=project)
    assert f'"path": "{project / "profiles" / "seed-baseline.stats"}"' in cli.stdout
    empty = project / "empty"
    empty.mkdir()
    (empty / "perfkit.toml").write_text("")
    with pytest.raises(PerfkitError, match="no baseline"):
        perfkit.validate(new, config=empty / "perfkit.toml")


def test_verdict_summary_is_static_escaped_and_complete(hostile_pair, config) -> None:
    base, new = hostile_pair
    verdict = perfkit.validate(new, baseline=base, config=config)
    html = verdict._repr_html_()
    page = parse_html(html)
    assert set(page.tags) <= SUMMARY_TAGS and set(page.attributes) <= {"class"}
    assert "<b " not in html and "&lt;b onmouseover=x&gt;new" in html
    text = " ".join(page.text)
    assert "GO: MERGE" in text and "improvement band" in text
    assert "Key figures" in text and "Metrics (baseline -> new)" in text
    assert "60 -> 40" in text  # get_asset_info calls, baseline -> new
    assert "perfkit exit code 0" in text
    bundle = verdict._repr_mimebundle_()
    assert bundle["text/html"] == html
    assert "\x1b[" not in bundle["text/plain"] and "Key figures" in bundle["text/plain"]
    assert repr(verdict).startswith("<Verdict GO (MERGE)")


def test_checks_needing_attention_are_listed(client_pair, config) -> None:
    base, new = client_pair
    worse = perfkit.validate(base, baseline=new, config=config)  # more calls: a failed guard
    text = " ".join(parse_html(worse._repr_html_()).text)
    assert worse.status == "no-go"
    assert "Checks that need attention" in text and "guard.calls.get_asset_info" in text


def test_verdict_plot_draws_the_report_charts(client_pair, config) -> None:
    base, new = client_pair
    verdict = perfkit.validate(new, baseline=base, config=config)
    figure = verdict.plot()
    assert isinstance(figure, Figure)
    calls, breakdown = figure.axes
    assert calls.get_title() == "API calls per operation"
    assert breakdown.get_title() == "Where the time goes"
    operations = [
        m for m in verdict.to_dict()["metrics"] if m["operation"] and m["baseline"]["calls"]
    ]
    assert len(calls.patches) == 2 * len(operations)
    widths = {round(bar.get_width()) for bar in calls.patches}
    assert {60, 40} <= widths  # get_asset_info: baseline and new calls
    assert [axes.get_title() for axes in verdict.plot("savings").axes] == [
        "Predicted vs measured saving"
    ]
    with pytest.raises(PerfkitError, match="no chart 'pie'"):
        verdict.plot("pie")


def test_verdict_frames_hold_the_report_numbers(client_pair, config) -> None:
    base, new = client_pair
    verdict = perfkit.validate(new, baseline=base, config=config)
    document = verdict.to_dict()
    checks = verdict.checks_frame()
    assert list(checks["name"]) == [check["name"] for check in document["checks"]]
    assert checks.loc[checks["name"] == "decision", "outcome"].item() == "pass"
    predictions = verdict.predictions_frame()
    assert list(predictions.index) == ["expected_range", "window"]
    assert predictions.loc["expected_range", "actual"] == pytest.approx(
        document["improvement"]["percent"]
    )
    assert predictions.loc["window", "outcome"] == next(
        c["outcome"] for c in document["checks"] if c["name"] == "prediction.window"
    )
    scenarios = verdict.scenarios_frame()
    assert scenarios.to_dict("records") == document["predictions"]["scenarios"]
    breakdown = verdict.breakdown_frame()
    assert list(breakdown.index) == list(verdict.config.categories)
    socket = breakdown.loc["socket_io"]
    assert pd.isna(socket["baseline_seconds"]) or socket["baseline_seconds"] >= 0


def test_the_verdict_carries_the_target_butterfly(client_pair, config) -> None:
    base, new = client_pair
    verdict = perfkit.validate(new, baseline=base, config=config)
    (view,) = verdict.butterflies
    assert view.selector.text == config.metric("get_asset_info").selector.text
    document = verdict.to_dict()
    jsonschema.validate(document, schema("verdict"))
    (butterfly,) = document["butterflies"]
    (function,) = butterfly["functions"]
    assert (function["ncalls_base"], function["ncalls_new"]) == (60, 40)
    callers = {edge["caller_label"]: edge for edge in butterfly["callers"]}
    main = next(edge for label, edge in callers.items() if label.endswith("(main)"))
    names = next(edge for label, edge in callers.items() if label.endswith("(get_tag_names)"))
    assert (main["status"], main["ncalls_base"], main["ncalls_new"]) == ("removed", 20, 0)
    assert (names["ncalls_base"], names["ncalls_new"]) == (40, 40)
    assert butterfly["counts"] == {"functions": 1, "callers": 2, "callees": len(view.callees)}
    chosen = perfkit.validate(new, baseline=base, config=config, butterfly=["has_tag", "main"])
    assert [b.selector.text for b in chosen.butterflies] == ["has_tag", "main"]
    assert perfkit.validate(new, baseline=base, config=config, butterfly=[]).butterflies == ()
    with pytest.raises(PerfkitError, match="--butterfly 'nope' matches no function"):
        perfkit.validate(new, baseline=base, config=config, butterfly=["nope"])


def test_the_html_report_shows_the_butterfly(client_pair, config, tmp_path: Path) -> None:
    base, new = client_pair
    document = perfkit.validate(new, baseline=base, config=config).to_dict()
    index = write_static(document, tmp_path / "report")[-1]
    for html in (index.read_text(), single_file_html(document)):
        section = html[html.index('<section id="butterfly">') :]
        section = section[: section.index("</section>")]
        text = " ".join(parse_html(section).text)
        assert "Callers and callees" in text and "Called by" in text and "Calls" in text
        assert "removed" in text and "60 -&gt; 40" in section
        assert '<a href="#butterfly">' in html


def test_cli_butterfly_option(client_pair, tmp_path: Path) -> None:
    base, new = client_pair
    result = run_perfkit(
        "validate", new, "--baseline", base, "--butterfly", "has_tag", "--html", tmp_path / "r"
    )
    assert result.returncode == 0, result.stderr
    assert "Functions matching 'has_tag'" in result.stdout and "Called by" in result.stdout
    html = (tmp_path / "r" / "index.html").read_text()
    assert "<h3>has_tag</h3>" in html and "<h3>get_asset_info" not in html
    compared = run_perfkit("compare", base, new, "--butterfly", "get_asset_info", "--limit", "3")
    assert compared.returncode == 0, compared.stderr
    assert "Called by" in compared.stdout and "removed" in compared.stdout
    missing = run_perfkit("compare", base, new, "--butterfly", "nope")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "'nope' matches no function" in missing.stderr


def test_settings_found_implicitly_are_named_first(client_pair, tmp_path, monkeypatch) -> None:
    base, new = client_pair
    folder = tmp_path / "project" / "sub"
    folder.mkdir(parents=True)
    (tmp_path / "project" / "perfkit.toml").write_text("scenarios_percent = [25.0]\n")
    monkeypatch.chdir(folder)
    found = perfkit.validate(new, baseline=base)
    assert found.notes[0].startswith(f"settings from {tmp_path / 'project' / 'perfkit.toml'}")
    given = perfkit.validate(new, baseline=base, config=tmp_path / "project" / "perfkit.toml")
    assert not any(note.startswith("settings from") for note in given.notes)
    assert found.config.implicit and not given.config.implicit
