"""JUnit XML from real verdicts (go, marginal, no-go): messages that say what happened, measured
seconds in ``time``, warnings as ``<skipped>``, and validity against the schema Jenkins' xUnit
plugin validates JUnit files with (tests/data/junit/jenkins-junit-10.xsd)."""

from __future__ import annotations

import pstats
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

import perfkit
from perfkit.render.junit import junit_xml
from perfkit.validate import load_config, validate
from tests.validate.conftest import AUTOTAG_SETTINGS, sidecar
from tests.validate.programs import profile_client, profile_weird

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "junit" / "jenkins-junit-10.xsd"

# Bands under which any improvement from -50 % to +1000 % is marginal: the verdict of a real,
# timed pair is then marginal whatever the machine's noise.
MARGINAL_BANDS = """
[[bands]]
min_percent = 1000.0
decision = "MERGE"
status = "go"
action = "Merge."

[[bands]]
min_percent = -50.0
decision = "KEEP"
status = "marginal"
action = "Keep it on the branch."

[[bands]]
decision = "INVESTIGATE"
status = "no-go"
action = "Investigate."
"""


def verdict_of(where: Path, base: Path, new: Path, settings: str = "") -> dict:
    extends = f"extends = {str(AUTOTAG_SETTINGS)!r}\n"
    (where / "perfkit.toml").write_text(extends + settings, encoding="utf-8")
    config = load_config(where / "perfkit.toml")
    return validate([perfkit.load(new)], [perfkit.load(base)], config).to_dict()


def cases(text: str) -> dict[str, ET.Element]:
    suite = ET.fromstring(text.encode("utf-8")).find("testsuite")
    return {case.get("name"): case for case in suite.findall("testcase")}


def total_seconds(path: Path) -> float:
    return pstats.Stats(str(path)).total_tt


def cumtime(path: Path, name: str) -> float:
    return sum(v[3] for k, v in pstats.Stats(str(path)).stats.items() if k[2] == name)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """The lazy change: the new run fetches 20 assets fewer."""
    base = profile_client(tmp_path / "base.stats", sidecar=sidecar(), info_ms=4.0, extra=20)
    new = profile_client(tmp_path / "new.stats", sidecar=sidecar(), info_ms=4.0, extra=0)
    return base, new


def test_a_marginal_decision_says_marginal(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    verdict = verdict_of(tmp_path, *pair, MARGINAL_BANDS)
    assert verdict["status"] == "marginal"
    decision = cases(junit_xml(verdict))["decision"]
    failure = decision.find("failure")
    assert failure is not None  # a marginal verdict turns the build UNSTABLE
    reasons = " ".join(verdict["decision"]["reasons"])
    assert failure.get("message") == f"the verdict is MARGINAL (KEEP), not GO: {reasons}"
    assert "verdict is go" not in failure.get("message")
    assert failure.text == f"expected: the verdict is go\n{reasons}"


def test_a_no_go_names_what_failed(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    base, new = pair
    verdict = verdict_of(tmp_path, new, base)  # swapped: 20 more fetches, slower
    assert verdict["status"] == "no-go"
    found = cases(junit_xml(verdict))
    failure = found["guard.calls.get_asset_info"].find("failure")
    assert failure.get("message") == "get_asset_info calls went up: 40 -> 60 (+20)"
    assert failure.text == "expected: get_asset_info: calls did not go up\n" + failure.get(
        "message"
    )
    decision = found["decision"].find("failure").get("message")
    assert decision.startswith("the verdict is NO-GO (INVESTIGATE), not GO: ")


def test_time_is_the_measured_seconds(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    base, new = pair
    verdict = verdict_of(tmp_path, base, new)
    text = junit_xml(verdict)
    found = cases(text)
    suite = ET.fromstring(text.encode("utf-8")).find("testsuite")
    assert float(suite.get("time")) == pytest.approx(total_seconds(new), abs=1e-6)
    assert float(found["guard.total_time"].get("time")) == pytest.approx(
        total_seconds(new), abs=1e-6
    )
    assert float(found["decision"].get("time")) == pytest.approx(total_seconds(new), abs=1e-6)
    assert float(found["guard.calls.get_asset_info"].get("time")) == pytest.approx(
        cumtime(new, "get_asset_info"), abs=1e-6
    )
    saved = total_seconds(base) - total_seconds(new)
    assert saved > 0
    assert float(found["prediction.window"].get("time")) == pytest.approx(saved, abs=1e-6)
    skipped = [c for c in verdict["checks"] if c["outcome"] == "skip"]
    assert skipped  # one run a side: the consistency checks are skipped
    for check in skipped:
        assert found[check["name"]].get("time") == "0"


def test_warnings_are_skipped_with_their_text(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    verdict = verdict_of(tmp_path, *pair)
    warnings = [c for c in verdict["checks"] if c["outcome"] == "warn"]
    assert warnings  # the expected 5-15 % range: this change saves far more
    text = junit_xml(verdict)
    found = cases(text)
    for check in warnings:
        skipped = found[check["name"]].find("skipped")
        assert skipped.get("message") == f"warning: {check['message']}"
        assert skipped.text == check["message"]
        assert found[check["name"]].find("failure") is None
    suite = ET.fromstring(text.encode("utf-8")).find("testsuite")
    expected = sum(1 for c in verdict["checks"] if c["outcome"] in ("skip", "warn"))
    assert verdict["status"] == "go"
    assert int(suite.get("skipped")) == expected


@pytest.mark.parametrize("kind", ["go", "marginal", "no-go", "weird names"])
def test_valid_against_jenkins_junit_schema(
    tmp_path: Path, pair: tuple[Path, Path], kind: str
) -> None:
    base, new = pair
    if kind == "go":
        verdict = verdict_of(tmp_path, base, new)
    elif kind == "marginal":
        verdict = verdict_of(tmp_path, base, new, MARGINAL_BANDS)
    elif kind == "no-go":
        verdict = verdict_of(tmp_path, new, base)
    else:
        settings = '[metrics.weird]\nselector = "re:onerror"\n'
        weird_base = profile_weird(tmp_path / "wb.stats", calls=6)
        weird_new = profile_weird(tmp_path / "wn.stats", calls=3)
        verdict = verdict_of(tmp_path, weird_base, weird_new, settings)
    if kind != "weird names":
        assert verdict["status"] == kind
    schema = xmlschema.XMLSchema(SCHEMA)
    text = junit_xml(verdict)
    errors = [str(error) for error in schema.iter_errors(text)]
    assert errors == []


def test_the_schema_rejects_what_jenkins_would(tmp_path: Path) -> None:
    """The schema really checks: a suite without its required counts is refused."""
    schema = xmlschema.XMLSchema(SCHEMA)
    assert not schema.is_valid('<testsuites><testsuite name="x"/></testsuites>')
    assert schema.is_valid(
        '<testsuites><testsuite name="x" tests="0" failures="0" errors="0" time="1.5"/>'
        "</testsuites>"
    )
