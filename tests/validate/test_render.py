"""Reports built from profiles whose function names contain markup, quotes, non-ASCII and
control characters: every format shows them as text, and the static HTML stays CSP-safe."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

import perfkit
from perfkit.render.html_report import single_file_html, write_single_file, write_static
from perfkit.render.json_report import verdict_json
from perfkit.render.junit import junit_xml
from perfkit.render.markdown import BUDGET, markdown
from perfkit.render.text import label
from perfkit.render.verdict_terminal import print_verdict
from perfkit.validate import load_config, validate
from perfkit.validate.settings import schema
from tests.validate.programs import WEIRD_FILE, WEIRD_NAMES, profile_weird

SETTINGS = """
[metrics.weird]
selector = "re:onerror"
description = "the crafted functions"
"""


@pytest.fixture(scope="module")
def weird_verdict(tmp_path_factory: pytest.TempPathFactory) -> dict:
    where = tmp_path_factory.mktemp("weird")
    (where / "perfkit.toml").write_text(SETTINGS, encoding="utf-8")
    base = perfkit.load(profile_weird(where / "base.stats", calls=6))
    new = perfkit.load(profile_weird(where / "new.stats", calls=3))
    assert {name for name in new.functions["name"]} >= set(WEIRD_NAMES)  # really profiled
    verdict = validate([new], [base], load_config(where / "perfkit.toml"))
    return verdict.to_dict()


class Collector(HTMLParser):
    """Every tag, attribute and text node of a document, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def test_weird_names_reach_the_report_data(weird_verdict: dict) -> None:
    labels = " ".join(row["label"] for row in weird_verdict["top_changes"]["by_calls"])
    for name in WEIRD_NAMES:
        assert name in labels
    weird = next(m for m in weird_verdict["metrics"] if m["name"] == "weird")
    assert weird["baseline"]["calls"] == 6 * len(WEIRD_NAMES)
    assert weird["new"]["calls"] == 3 * len(WEIRD_NAMES)


def test_static_html_is_csp_safe_and_shows_names_as_text(
    weird_verdict: dict, tmp_path: Path
) -> None:
    written = write_static(weird_verdict, tmp_path / "report")
    names = sorted(p.name for p in written)
    assert (
        names
        == ["breakdown.png", "calls.png", "changes.png", "index.html", "perfkit.css", "savings.png"]
        or "index.html" in names
    )
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    document = parse(html)
    tags = [tag for tag, _ in document.tags]
    assert "script" not in tags and "style" not in tags
    for tag, attributes in document.tags:
        assert "style" not in attributes, tag
        assert not any(a.startswith("on") for a in attributes), tag
        for key in ("src", "href"):
            value = attributes.get(key)
            if value is not None and not value.startswith("#"):
                assert ":" not in value and not value.startswith("//"), (tag, value)
                if key == "src":
                    assert (tmp_path / "report" / value).is_file()
    assert ("link", {"rel": "stylesheet", "href": "perfkit.css"}) in document.tags
    text = "".join(document.text)
    for name in WEIRD_NAMES:
        # As text, control characters made visible; a very long name is cut (with an ellipsis).
        assert (label(name) if len(name) < 100 else name[:20]) in text
    assert "name" * 200 not in text
    assert "\x07" not in html and "\x1b" not in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "onerror=alert(1)&gt;" in html or "onerror=alert(1)&gt;" in html.replace("&#34;", '"')


def test_single_file_inlines_everything(weird_verdict: dict, tmp_path: Path) -> None:
    path = write_single_file(weird_verdict, tmp_path / "one.html")
    html = path.read_text(encoding="utf-8")
    document = parse(html)
    images = [attrs["src"] for tag, attrs in document.tags if tag == "img"]
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    assert "style" in [tag for tag, _ in document.tags]
    assert not any(
        tag == "link" and attrs.get("rel") == "stylesheet" for tag, attrs in document.tags
    )
    assert "script" not in [tag for tag, _ in document.tags]
    assert single_file_html(weird_verdict).count("<img ") == len(images)


def test_junit_is_valid_xml_with_stable_names(weird_verdict: dict) -> None:
    text = junit_xml(weird_verdict)
    root = ET.fromstring(text.encode("utf-8"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == len(weird_verdict["checks"])
    names = [case.get("name") for case in cases]
    assert "guard.total_time" in names and "decision" in names and "guard.calls.weird" in names
    assert all(case.get("classname").startswith("perfkit.validate.") for case in cases)
    failures = sum(1 for case in cases if case.find("failure") is not None)
    assert int(suite.get("failures")) == failures
    decision = next(case for case in cases if case.get("name") == "decision")
    assert (decision.find("failure") is not None) == (weird_verdict["status"] != "go")
    assert "\x1b" not in text


def test_markdown_escapes_names(weird_verdict: dict) -> None:
    text = markdown(weird_verdict)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\x07" not in text and "\u2028" not in text
    for line in text.splitlines():
        if line.startswith("| ") and "rich" in line:
            assert "\\[bold\\]rich\\[/\\] \\| pipe" in line


def test_markdown_stays_under_the_step_summary_limit(tmp_path: Path) -> None:
    """Hundreds of metrics with huge names: sections are dropped, never the limit exceeded."""
    lines = []
    for i in range(400):
        lines.append(f"[metrics.m{i}]\nselector = 're:onerror'\ndescription = '{'x' * 50}'\n")
    (tmp_path / "perfkit.toml").write_text("".join(lines))
    base = perfkit.load(profile_weird(tmp_path / "b.stats", calls=2))
    new = perfkit.load(profile_weird(tmp_path / "n.stats", calls=1))
    verdict = validate([new], [base], load_config(tmp_path / "perfkit.toml")).to_dict()
    for metric in verdict["metrics"]:
        metric["name"] = metric["name"] + "<|>" * 2000
    text = markdown(verdict)
    assert len(text.encode("utf-8")) <= BUDGET
    small = markdown(verdict, budget=8_000)
    assert len(small.encode("utf-8")) <= 8_000 and "Left out to stay under" in small


def test_json_verdict_round_trips_names_exactly(weird_verdict: dict) -> None:
    text = verdict_json(weird_verdict)
    assert text.isascii()
    again = json.loads(text)
    assert again == weird_verdict
    jsonschema.validate(again, schema("verdict"))
    assert WEIRD_FILE.removesuffix(".py") in json.dumps(again, ensure_ascii=False)


def test_terminal_prints_markup_as_text(weird_verdict: dict) -> None:
    console = Console(width=200, record=True, color_system=None)
    print_verdict(weird_verdict, console)
    out = console.export_text()
    assert "[bold]rich[/] | pipe" in out
    assert '<script>alert("x")</script>' in out
    assert "\\x07" in out and "\x07" not in out


def test_show_and_compare_print_markup_in_names_as_text(tmp_path: Path) -> None:
    from tests.validate.conftest import run_perfkit

    base = profile_weird(tmp_path / "base.stats", calls=4)
    new = profile_weird(tmp_path / "new.stats", calls=2)
    shown = run_perfkit("show", base, "--limit", "0")
    compared = run_perfkit("compare", base, new, "--limit", "0", "--match", "re:onerror")
    for result in (shown, compared):
        assert result.returncode == 0, result.stderr
        assert "[bold]rich[/] | pipe" in result.stdout
        assert '<script>alert("x")</script>' in result.stdout
        assert "\\x07" in result.stdout and "\x07" not in result.stdout
