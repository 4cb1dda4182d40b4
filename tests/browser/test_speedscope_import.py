"""The exports open in the real speedscope, in headless chromium.

speedscope's release (the npm package ``speedscope``, MIT) is taken from
``$PERFKIT_SPEEDSCOPE_DIR`` or fetched once with ``npm pack`` into ``~/.cache/perfkit-tests``;
without it (or without chromium) the test is skipped.  speedscope loads a profile given as
``#profileURL=...`` and, once it has imported it, shows the profile's name in its toolbar next
to the view buttons; a file it cannot import leaves the page without that toolbar.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.browser.csp_server import QuietHandler, serve
from tests.perfkit.conftest import profile_source, run_cli
from tests.perfkit.test_stacks import PROGRAM

pytestmark = pytest.mark.browser

SPEEDSCOPE = "speedscope@1.25.0"
CACHE = Path.home() / ".cache" / "perfkit-tests" / SPEEDSCOPE.replace("@", "-")


def _speedscope_release() -> Path:
    given = os.environ.get("PERFKIT_SPEEDSCOPE_DIR")
    if given:
        return Path(given)
    release = CACHE / "package" / "dist" / "release"
    if (release / "index.html").exists():
        return release
    if not shutil.which("npm"):
        pytest.skip("speedscope is not available (no npm, no $PERFKIT_SPEEDSCOPE_DIR)")
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        packed = subprocess.run(
            ["npm", "pack", SPEEDSCOPE, "--silent"],
            cwd=CACHE,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"could not fetch {SPEEDSCOPE} with npm: {exc}")
    with tarfile.open(CACHE / packed.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(CACHE, filter="data")
    return release


def _toolbar_text(url: str) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("no chromium")
    try:
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=5000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:  # speedscope reports an import failure with alert()
        return ""
    return result.stdout


def test_speedscope_imports_both_exports(tmp_path) -> None:
    release = _speedscope_release()
    site = tmp_path / "site"
    shutil.copytree(release, site)
    profile = profile_source(PROGRAM, tmp_path / "run.stats")
    for fmt, name in (("collapsed", "run.folded"), ("speedscope", "run.speedscope.json")):
        result = run_cli("export", profile, "--format", fmt, "-o", site / name)
        assert result.returncode == 0, result.stderr
    with serve(site, QuietHandler) as base:
        folded = _toolbar_text(f"{base}/index.html#profileURL={base}/run.folded")
        document = _toolbar_text(f"{base}/index.html#profileURL={base}/run.speedscope.json")
    assert "Sandwich" in folded and "run.folded" in folded
    assert "Sandwich" in document and "stacks estimated from pstats caller edges" in document
