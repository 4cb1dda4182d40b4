"""The static HTML report in a real headless Chromium, served with Jenkins' default CSP.

Passes when the page shows the verdict, applies its stylesheet, loads every chart image and
triggers no CSP violation; a page that breaks the policy on purpose proves the test sees
violations. Screenshots go to the test's folder and to reports/test-output/browser/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import perfkit
from perfkit.render.html_report import write_static
from perfkit.validate import load_config, validate
from tests.browser.cdp import CHROMIUM, Browser
from tests.browser.csp_server import serve
from tests.validate.conftest import AUTOTAG_SETTINGS
from tests.validate.programs import profile_mixed

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "reports" / "test-output" / "browser"
# The header's background per status, from perfkit.css (--go-bg, --marginal-bg, --nogo-bg).
BANNER = {
    "go": "rgb(227, 244, 233)",
    "marginal": "rgb(255, 243, 214)",
    "no-go": "rgb(253, 229, 226)",
}


@pytest.fixture(scope="module", autouse=True)
def chromium() -> None:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("PERFKIT_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (make test installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it)")


def keep(shot: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / shot.name)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    where = tmp_path_factory.mktemp("report")
    (where / "perfkit.toml").write_text(  # autotag's settings: every section and chart
        f"extends = {str(AUTOTAG_SETTINGS)!r}\n[metrics.weird]\nselector = 're:onerror'\n"
    )
    base = profile_mixed(where / "base.stats", weird_calls=4, extra=20, info_ms=3.0)
    new = profile_mixed(where / "new.stats", weird_calls=2, extra=0, info_ms=3.0)
    verdict = validate(
        [perfkit.load(new)], [perfkit.load(base)], load_config(where / "perfkit.toml")
    ).to_dict()
    write_static(verdict, where / "html")
    return where / "html", verdict


def test_report_renders_under_the_jenkins_csp(report: tuple[Path, dict], tmp_path: Path) -> None:
    folder, verdict = report
    charts = sorted(p.name for p in folder.glob("*.png"))
    assert charts == ["breakdown.png", "calls.png", "changes.png", "savings.png"]
    with serve(folder) as url, Browser() as browser:
        page = browser.open(f"{url}/index.html")
        problems = page.problems()
        status = page.evaluate("document.querySelector('#verdict .status').innerText")
        banner = page.evaluate(
            "(() => { const e = document.querySelector('#verdict');"
            " const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
            " return {h: r.height, w: r.width, bg: s.backgroundColor, display: s.display}; })()"
        )
        sheets = page.evaluate("document.styleSheets.length")
        images = page.evaluate(
            "Array.from(document.images).map(i => ({src: i.getAttribute('src'),"
            " complete: i.complete, w: i.naturalWidth, h: i.naturalHeight,"
            " shown: i.getBoundingClientRect().width}))"
        )
        text = page.evaluate("document.body.innerText")
        scripts = page.evaluate("document.scripts.length")
        butterfly = page.evaluate(
            "(() => { const s = document.querySelector('#butterfly');"
            " if (!s) return null;"
            " return {tables: s.querySelectorAll('table').length,"
            " rows: Array.from(s.querySelectorAll('tbody tr')).map(r => r.innerText),"
            " captions: Array.from(s.querySelectorAll('caption')).map(c => c.innerText),"
            " height: s.getBoundingClientRect().height,"
            " linked: !!document.querySelector('nav a[href=\"#butterfly\"]')}; })()"
        )
        shot = page.screenshot(tmp_path / "report.png")
    keep(shot)
    assert problems == []
    assert status == {"go": "GO", "marginal": "MARGINAL", "no-go": "NO-GO"}[verdict["status"]]
    assert banner["h"] > 40 and banner["w"] > 200 and banner["display"] == "block"
    assert sheets == 1 and banner["bg"] == BANNER[verdict["status"]]
    assert sorted(image["src"] for image in images) == charts
    for image in images:
        assert image["complete"] and image["w"] > 0 and image["h"] > 0 and image["shown"] > 0, image
    assert scripts == 0
    # the exact callers/callees of the target metric (get_asset_info): called 60 times in the
    # baseline (40 via get_tag_names, 20 from main) and 40 in the new run (main's edge removed)
    assert butterfly is not None and butterfly["linked"] and butterfly["height"] > 100
    assert butterfly["tables"] == 3
    assert butterfly["captions"] == ["Matched functions", "Called by", "Calls"]
    assert any("get_asset_info" in row and "60 -> 40" in row for row in butterfly["rows"])
    assert any("(main)" in row and "removed" in row for row in butterfly["rows"])
    assert '<script>alert("x")</script>' in text  # a function name, shown as text
    assert "[bold]rich[/] | pipe" in text
    assert shot.stat().st_size > 10_000


def test_the_browser_test_sees_violations(tmp_path: Path) -> None:
    """A page that breaks every rule the report keeps: each break is reported."""
    (tmp_path / "ok.css").write_text("p { color: rgb(1, 2, 3); }")
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><link rel='stylesheet' href='ok.css'>"
        "<style>p { margin: 0; }</style></head><body>"
        "<p style='color: red'>inline style</p>"
        "<img src='data:image/png;base64,iVBORw0KGgo=' alt='inline image'>"
        "<img src='http://127.0.0.2:9/other-host.png' alt='other host'>"
        "<script>document.title = 'ran';</script></body></html>"
    )
    with serve(tmp_path) as url, Browser() as browser:
        page = browser.open(f"{url}/index.html")
        problems = "\n".join(page.problems())
        colour = page.evaluate("getComputedStyle(document.querySelector('p')).color")
        title = page.evaluate("document.title")
        page.screenshot(tmp_path / "broken.png")
    assert "style-src-attr" in problems or "inline style" in problems
    assert "style-src-elem" in problems
    assert "data:image/png" in problems
    assert "127.0.0.2" in problems
    assert "script" in problems.lower()
    assert colour == "rgb(1, 2, 3)" and title != "ran"  # the same-origin stylesheet still works
    assert json.dumps(problems)
