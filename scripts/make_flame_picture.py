"""Draw docs/images/flame-diff.png: the differential flame graph of the committed example
profiles (profiles/examples/lazy.stats against profiles/seed-baseline.stats), rendered by
perfkit's SVG writer and screenshotted in headless Chromium (tests/browser/cdp.py).

    .venv/bin/python scripts/make_flame_picture.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import perfkit  # noqa: E402
from perfkit.diff.flame import flame_tree  # noqa: E402
from perfkit.render.flame_files import DIFF_NAME, flame_files  # noqa: E402
from tests.browser.cdp import Browser  # noqa: E402
from tests.browser.csp_server import serve  # noqa: E402

OUT = ROOT / "docs" / "images" / "flame-diff.png"


def main() -> None:
    base = perfkit.load(ROOT / "profiles" / "seed-baseline.stats")
    new = perfkit.load(ROOT / "profiles" / "examples" / "lazy.stats")
    files = flame_files(flame_tree(base, new))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / DIFF_NAME).write_bytes(files[DIFF_NAME])
        with serve(Path(folder)) as url, Browser(width=1220, height=900) as browser:
            page = browser.open(f"{url}/{DIFF_NAME}")
            box = page.evaluate(
                "(() => { const r = document.documentElement.getBoundingClientRect();"
                " return {x: 0, y: 0, width: r.width, height: r.height}; })()"
            )
            page.screenshot(OUT, box)
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
