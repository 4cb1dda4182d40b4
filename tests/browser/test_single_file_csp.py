"""The single-file report breaks Jenkins' CSP and the folder report does not: the warning is true.

Both reports come from the real ``perfkit validate`` command over the same real profiles; each
is served under Jenkins' default Content-Security-Policy to headless Chromium, which reports
every blocked resource. The single file's inline stylesheet and ``data:`` charts are blocked
(and its note, plain text, still reads); served without the policy it renders whole.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from perfkit.commands.reporting import SINGLE_FILE_WARNING
from perfkit.render.html_report import CSP_NOTE
from tests.browser.cdp import Browser
from tests.browser.csp_server import QuietHandler, serve
from tests.browser.test_report_csp import chromium  # noqa: F401 - skips without Chromium
from tests.validate.conftest import AUTOTAG_SETTINGS
from tests.validate.programs import profile_mixed

pytestmark = pytest.mark.browser
PERFKIT = Path(sys.executable).with_name("perfkit")
LOOK = (
    "(() => { const n = document.querySelector('#csp-note');"
    " return {sheets: document.styleSheets.length,"
    " images: Array.from(document.images).map(i => i.naturalWidth),"
    " note: n ? n.innerText : null,"
    " header: getComputedStyle(document.querySelector('#verdict')).backgroundColor}; })()"
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(folder report, single-file report, what the single-file run printed on stderr)."""
    where = tmp_path_factory.mktemp("reports")
    base = profile_mixed(where / "base.stats", weird_calls=4, extra=20, info_ms=3.0)
    new = profile_mixed(where / "new.stats", weird_calls=2, extra=0, info_ms=3.0)
    command = [str(PERFKIT), "validate", str(new), "--baseline", str(base), "--quiet"]
    command += ["--config", str(AUTOTAG_SETTINGS), "--html"]  # every chart: several images
    folder = subprocess.run([*command, str(where / "folder")], capture_output=True, text=True)
    single = subprocess.run(
        [*command, str(where / "single" / "report.html"), "--single-file"],
        capture_output=True,
        text=True,
    )
    assert folder.returncode in (0, 1, 3) and single.returncode in (0, 1, 3), single.stderr
    assert "warning" not in folder.stderr
    return where / "folder", where / "single", single.stderr


def test_writing_a_single_file_warns_in_one_line(reports: tuple[Path, Path, str]) -> None:
    _, single, stderr = reports
    warnings = [line for line in stderr.splitlines() if line.startswith("perfkit: warning:")]
    assert warnings == [f"perfkit: warning: {single / 'report.html'}: {SINGLE_FILE_WARNING}"]
    assert "Content-Security-Policy" in warnings[0] and "--html DIR" in warnings[0]
    assert CSP_NOTE.replace("'", "&#39;") in (single / "report.html").read_text("utf-8")


def test_the_single_file_breaks_the_jenkins_csp(reports: tuple[Path, Path, str]) -> None:
    _, single, _ = reports
    with serve(single) as url, Browser() as browser:
        page = browser.open(f"{url}/report.html")
        problems = page.problems()
        look = page.evaluate(LOOK)
    joined = "\n".join(problems)
    assert "style-src-elem" in joined, joined  # the inline <style> element
    assert "data:image/png" in joined, joined  # each inlined chart (and the flame graph, an SVG)
    assert sum("data:image/" in problem for problem in problems) == len(look["images"]) >= 3
    assert look["images"] == [0] * len(look["images"])  # no chart shown
    assert look["header"] == "rgba(0, 0, 0, 0)"  # no style applied
    assert look["note"] == CSP_NOTE  # the note still says why, and what to publish instead


def test_the_single_file_renders_without_the_csp(reports: tuple[Path, Path, str]) -> None:
    _, single, _ = reports
    with serve(single, QuietHandler) as url, Browser() as browser:
        page = browser.open(f"{url}/report.html")
        problems = page.problems()
        look = page.evaluate(LOOK)
    assert problems == []
    assert look["sheets"] == 1 and look["header"] != "rgba(0, 0, 0, 0)"
    assert look["images"] and all(width > 0 for width in look["images"])


def test_the_folder_report_keeps_the_jenkins_csp(reports: tuple[Path, Path, str]) -> None:
    folder, _, _ = reports
    with serve(folder) as url, Browser() as browser:
        page = browser.open(f"{url}/index.html")
        problems = page.problems()
        look = page.evaluate(LOOK)
    assert problems == []
    assert look["sheets"] == 1 and look["header"] != "rgba(0, 0, 0, 0)"
    assert look["images"] and all(width > 0 for width in look["images"])
    assert look["note"] is None
