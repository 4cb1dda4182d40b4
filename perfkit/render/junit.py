"""JUnit XML for Jenkins' ``junit`` step: one test case per check, with stable names.

Jenkins keys test history on classname + name, so a check keeps its name from build to build
(``guard.calls.get_asset_info``). ``fail`` -> ``<failure>``; ``skip`` -> ``<skipped>``; ``warn``
passes, with the warning in ``<system-out>``; the ``decision`` case fails unless the verdict is
go (so a marginal verdict also shows as a failed test and the build turns UNSTABLE).
Every string is made visible (no control characters, which XML 1.0 forbids) and escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from perfkit.common.output import write_text
from perfkit.render.text import visible

SUITE = "perfkit.validate"


def _classname(kind: str) -> str:
    return f"{SUITE}.{kind}"


def junit_xml(verdict: dict[str, Any]) -> str:
    checks = verdict["checks"]
    failures = sum(1 for c in checks if c["outcome"] == "fail" or _decision_fails(c, verdict))
    skipped = sum(1 for c in checks if c["outcome"] == "skip")
    suites = ET.Element("testsuites", name="perfkit")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(checks)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
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
    for check in checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_classname(check["kind"]),
            name=visible(check["name"]),
            time="0",
        )
        message = visible(check["message"])
        if check["outcome"] == "fail" or _decision_fails(check, verdict):
            failure = ET.SubElement(
                case,
                "failure",
                message=visible(check["title"]) + ": " + message,
                type=check["kind"],
            )
            failure.text = message
        elif check["outcome"] == "skip":
            ET.SubElement(case, "skipped", message=message)
        elif check["outcome"] == "warn":
            ET.SubElement(case, "system-out").text = f"warning: {message}"
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
