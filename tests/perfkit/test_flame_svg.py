"""Flame graph SVGs: valid XML, no script or CSS, one title per frame, small for big profiles."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import perfkit
from perfkit.common.ownership import written_by_perfkit
from perfkit.diff.flame import Frame, flame_tree
from perfkit.render.flame_svg import flame_svg
from tests.perfkit.conftest import profile_source
from tests.perfkit.test_flame import BASE, NEW

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Frame:
    where = tmp_path_factory.mktemp("svg")
    base = perfkit.load(profile_source(BASE, where / "base.stats"))
    new = perfkit.load(profile_source(NEW, where / "new.stats"))
    return flame_tree(base, new)


@pytest.mark.parametrize("side", ["diff", "base", "new"])
def test_the_svg_is_valid_and_has_no_script_or_css(tree: Frame, side: str, tmp_path: Path) -> None:
    data = flame_svg(tree, side=side, title='runs "a" & <b>')
    svg = ET.fromstring(data)
    assert svg.tag == f"{SVG}svg"
    elements = list(svg.iter())
    assert not [e for e in elements if e.tag in (f"{SVG}script", f"{SVG}style")]
    assert not [
        e for e in elements if "style" in e.attrib or any(a.startswith("on") for a in e.attrib)
    ]
    measure = "new" if side == "diff" else side
    shown = [frame for _, frame in tree.walk() if getattr(frame, measure) > 0]
    groups = svg.findall(f"{SVG}g")
    assert len(groups) == len(shown)
    assert all(len(g.findall(f"{SVG}title")) == 1 for g in groups)
    titles = [g.find(f"{SVG}title").text for g in groups]
    assert svg.find(f"{SVG}text").text == 'runs "a" & <b>'  # escaped, read back intact
    if side == "diff":
        (lazy,) = [t for t in titles if "load_lazily" in t]
        assert "only in the new run" in lazy and "baseline 0" in lazy
        fills = {g.find(f"{SVG}rect").get("fill") for g in groups}
        assert len(fills) > 1
    (tmp_path / "f.svg").write_bytes(data)
    assert written_by_perfkit(tmp_path / "f.svg")


def test_control_characters_in_names_keep_the_xml_valid() -> None:
    root = Frame("all", base=1.0, new=2.0, children=[Frame("bad\x00\x1b[31m", 0.5, 1.5)])
    svg = ET.fromstring(flame_svg(root, title="t\x07"))
    assert len(svg.findall(f"{SVG}g")) == 2
    assert svg.findall(f"{SVG}g")[1].find(f"{SVG}title").text.startswith("bad\ufffd\ufffd[31m")


def test_a_new_function_is_red_and_a_removed_one_blue(tree: Frame) -> None:
    svg = ET.fromstring(flame_svg(tree, title="t"))
    fills = {
        g.find(f"{SVG}title").text.split("\n")[0]: g.find(f"{SVG}rect").get("fill")
        for g in svg.findall(f"{SVG}g")
    }
    (lazy,) = [fill for name, fill in fills.items() if "load_lazily" in name]
    red, green, blue = (int(lazy[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green and red > blue
    plain = ET.fromstring(flame_svg(tree, side="base", title="t"))
    names = [g.find(f"{SVG}title").text for g in plain.findall(f"{SVG}g")]
    assert any("load_all" in n for n in names) and not any("load_lazily" in n for n in names)


def test_a_big_synthetic_pair_stays_small(tmp_path: Path) -> None:
    paths = []
    for variant in ("base", "new"):
        path = tmp_path / f"{variant}.stats"
        script = ROOT / "benchmarks" / "make_synthetic_profile.py"
        subprocess.run([sys.executable, script, "20000", path, "--variant", variant], check=True)
        paths.append(path)
    base, new = (perfkit.load(path) for path in paths)
    tree = flame_tree(base, new)
    frames = sum(1 for _ in tree.walk())
    assert frames < (len(base.functions) + len(new.functions)) / 10
    data = flame_svg(tree, title="synthetic")
    assert ET.fromstring(data).findall(f"{SVG}g")
    assert len(data) < 2 * 1024 * 1024


def test_the_report_folder_holds_the_flame_graphs(tree: Frame, tmp_path: Path) -> None:
    from perfkit.render.html_report import single_file_html, write_static
    from perfkit.validate import load_config, validate

    base = perfkit.load(profile_source(BASE, tmp_path / "base.stats"))
    new = perfkit.load(profile_source(NEW, tmp_path / "new.stats"))
    verdict = validate([new], [base], load_config(None)).to_dict()
    tmp_path = tmp_path / "report"
    names = {"flame-diff.svg", "flame-baseline.svg", "flame-new.svg"}
    assert names <= {path.name for path in write_static(verdict, tmp_path, tree)}
    index = (tmp_path / "index.html").read_text()
    assert '<a href="flame-diff.svg"><img src="flame-diff.svg"' in index
    assert "estimated from caller edges" in index
    assert all(written_by_perfkit(tmp_path / name) for name in names)
    assert "data:image/svg+xml;base64," in single_file_html(verdict, tree)
    assert 'id="flame"' not in single_file_html(verdict)
