"""JUnit XML for Jenkins' ``junit`` step: one test case per check, with stable names.

Jenkins keys test history on classname + name, so a check keeps its name from build to build
(``guard.calls.get_asset_info``). ``fail`` -> ``<failure>`` whose message says what happened
(the check's title says what was expected, which is not what a failure message should state);
``skip`` -> ``<skipped>``; ``warn`` -> ``<skipped message="warning: ...">`` (Jenkins shows it
beside the skipped tests, neither passed nor failed); ``pass`` passes, with its message in
``<system-out>``. The ``decision`` case fails unless the verdict is go (so a marginal verdict
also shows as a failed test and the build turns UNSTABLE); its message names the verdict.
``time`` is the measured seconds a check is about (see ``measured_seconds``), 0 where it has
none. Every string is made visible (no control characters, which XML 1.0 forbids) and escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from perfkit.common.output import write_text
from perfkit.render.text import visible
from perfkit.render.view import STATUS_TITLES

SUITE = "perfkit.validate"


def _classname(kind: str) -> str:
    return f"{SUITE}.{kind}"


def measured_seconds(check: dict[str, Any], verdict: dict[str, Any]) -> float | None:
    """The measured seconds ``check`` is about, or None: a metric's call guard -> that
    metric's seconds in the new run; the total-time guard, the cost-model audit, the
    significance test and the decision -> the new run's total; the predicted window -> the
    measured saving (when there is one and it is not negative). Skipped checks have none."""
    if check["outcome"] == "skip":
        return None
    name = check["name"]
    if name.startswith("guard.calls."):
        metric = name.removeprefix("guard.calls.")
        found = next((m for m in verdict["metrics"] if m["name"] == metric), None)
        return None if found is None else found["new"]["seconds"]
    if name in {"guard.total_time", "audit.cost_model", "significance.total_time", "decision"}:
        return verdict["new"]["total_seconds"]
    improvement = verdict["improvement"] or {}
    if name == "prediction.window" and improvement.get("source") == "measured":
        saved = improvement.get("saved_seconds")
        return saved if saved is not None and saved >= 0 else None
    return None


def _time(seconds: float | None) -> str:
    return "0" if seconds is None else f"{seconds:.6f}"


def _failure_message(check: dict[str, Any], verdict: dict[str, Any]) -> str:
    if check["kind"] != "decision":
        return visible(check["message"])
    band = verdict["decision"]["band"]
    decision = f" ({band['decision']})" if band else ""
    verdict_text = f"the verdict is {STATUS_TITLES[verdict['status']]}{decision}, not GO"
    return visible(f"{verdict_text}: {check['message']}" if check["message"] else verdict_text)


def junit_xml(verdict: dict[str, Any]) -> str:
    checks = verdict["checks"]
    failed = [c["outcome"] == "fail" or _decision_fails(c, verdict) for c in checks]
    skipped = sum(
        1 for c, f in zip(checks, failed, strict=True) if not f and c["outcome"] in ("skip", "warn")
    )
    suites = ET.Element("testsuites", name="perfkit")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(checks)),
        failures=str(sum(failed)),
        errors="0",
        skipped=str(skipped),
        time=_time(verdict["new"]["total_seconds"]),
        timestamp=verdict["created_at"],
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("status", verdict["status"]),
        ("exit_code", verdict["exit_code"]),
        ("headline", verdict["headline"]),
        ("improvement_percent", (verdict["improvement"] or {}).get("percent")),
        ("baseline", verdict["baseline"]["label"]),
        ("new", verdict["new"]["label"]),
    ):
        ET.SubElement(
            properties, "property", name=name, value=visible("" if value is None else value)
        )
    for check, fails in zip(checks, failed, strict=True):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_classname(check["kind"]),
            name=visible(check["name"]),
            time=_time(measured_seconds(check, verdict)),
        )
        message = visible(check["message"])
        if fails:
            failure = ET.SubElement(
                case, "failure", message=_failure_message(check, verdict), type=check["kind"]
            )
            failure.text = f"expected: {visible(check['title'])}\n{message}"
        elif check["outcome"] == "skip":
            ET.SubElement(case, "skipped", message=message)
        elif check["outcome"] == "warn":
            ET.SubElement(case, "skipped", message=f"warning: {message}").text = message
        else:
            ET.SubElement(case, "system-out").text = message
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _decision_fails(check: dict[str, Any], verdict: dict[str, Any]) -> bool:
    return check["kind"] == "decision" and verdict["status"] != "go"


def write_junit(verdict: dict[str, Any], path: str | Path) -> Path:
    return write_text(Path(path), junit_xml(verdict), "JUnit XML")
