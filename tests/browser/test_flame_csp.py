"""The report's flame graph in a real headless Chromium, served with Jenkins' default CSP.

Passes when the page triggers no CSP violation, the differential flame graph's ``<img>`` has
loaded (natural width > 0) and a screenshot of exactly that image holds coloured pixels.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

import perfkit
from perfkit.diff.flame import flame_tree
from perfkit.render.html_report import write_static
from perfkit.validate import load_config, validate
from tests.browser.cdp import Browser
from tests.browser.csp_server import serve
from tests.browser.test_report_csp import chromium, keep  # noqa: F401 (autouse fixture)
from tests.perfkit.conftest import profile_source
from tests.perfkit.test_flame import BASE, NEW

pytestmark = pytest.mark.browser


def test_the_flame_graph_renders_under_the_jenkins_csp(tmp_path: Path) -> None:
    base = perfkit.load(profile_source(BASE, tmp_path / "base.stats"))
    new = perfkit.load(profile_source(NEW, tmp_path / "new.stats"))
    verdict = validate([new], [base], load_config(None)).to_dict()
    write_static(verdict, tmp_path / "html", flame_tree(base, new))
    with serve(tmp_path / "html") as url, Browser() as browser:
        page = browser.open(f"{url}/index.html")
        page.evaluate("document.querySelector('#flame').scrollIntoView()")
        image = page.evaluate(
            "(() => { const i = document.querySelector('#flame img');"
            " const r = i.getBoundingClientRect();"
            " return {src: i.getAttribute('src'), complete: i.complete, natural: i.naturalWidth,"
            " x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,"
            " link: i.parentElement.getAttribute('href')}; })()"
        )
        links = page.evaluate(
            "Array.from(document.querySelectorAll('#flame a')).map(a => a.getAttribute('href'))"
        )
        clip = {key: image[key] for key in ("x", "y")} | {
            "width": image["w"],
            "height": image["h"],
        }
        shot = page.screenshot(tmp_path / "flame.png", clip)
        problems = page.problems()
        direct = browser.open(f"{url}/flame-diff.svg")
        titles = direct.evaluate("document.querySelectorAll('title').length")
        direct_problems = direct.problems()
    keep(shot)
    assert problems == [] and direct_problems == []
    assert image["src"] == image["link"] == "flame-diff.svg"
    assert image["complete"] and image["natural"] > 0 and image["w"] > 100
    assert links == ["flame-diff.svg", "flame-baseline.svg", "flame-new.svg"]
    pixels = matplotlib.image.imread(shot)[..., :3]
    coloured = (pixels.max(axis=2) - pixels.min(axis=2)) > 0.2
    assert np.count_nonzero(pixels.min(axis=2) < 0.95) > 100
    assert np.count_nonzero(coloured) > 100  # red/blue frames, not only text
    assert titles > 3
