"""Draw docs/images/flame-diff.png: the differential flame graph of the lazy preset against
seed-baseline, from the profiles `make demo` writes (or any BASE NEW pair), rendered by perfkit's
SVG writer and screenshotted in headless Chromium (tests/browser/cdp.py).

    make demo && .venv/bin/python scripts/make_flame_picture.py [BASE NEW]
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


DEMO = ROOT / "reports" / "demo"


def main() -> None:
    given = sys.argv[1:] or [DEMO / "seed-baseline-1.stats", DEMO / "lazy-1.stats"]
    if len(given) != 2:
        raise SystemExit("usage: make_flame_picture.py [BASE NEW]")
    base, new = perfkit.load_many([Path(path) for path in given])
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
