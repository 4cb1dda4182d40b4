"""The HTML report: a static folder that renders under Jenkins' default CSP, or one file.

Static (``write_static``): ``index.html``, ``perfkit.css``, one PNG per chart and, for two
profiles, three flame graph SVGs (``perfkit.render.flame_files``), all same-origin;
no JavaScript, no inline ``style`` attributes or elements, no ``data:`` URIs, no other hosts -
what Jenkins' ``sandbox allow-same-origin; default-src 'none'; img-src 'self'; style-src 'self'``
allows. Single file (``write_single_file``): the stylesheet in a ``<style>`` element and the
charts as ``data:`` URIs, for mail and notebooks; that CSP blocks both, so the file opens with
``CSP_NOTE`` (plain text: it still reads where the styles are blocked). jinja2 autoescapes
every value.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jinja2

from perfkit.common.output import write_bytes, write_text
from perfkit.diff.flame import Frame
from perfkit.errors import PerfkitError
from perfkit.render.charts import Chart, render_charts
from perfkit.render.flame_files import FlameRef, flame_files, flame_ref
from perfkit.render.view import View, build_view

CSS_NAME = "perfkit.css"
INDEX_NAME = "index.html"
CSP_NOTE = (
    "This single-file report inlines its stylesheet and charts, which a strict "
    "Content-Security-Policy such as Jenkins' default blocks: it then shows without styles "
    "and charts. Publish the folder report (--html DIR) there instead."
)
_CSP_NOTE_STYLE = (
    "\n.csp-note { margin: 0; padding: 0.4rem 2rem; color: var(--muted); font-size: 0.8rem; }\n"
)


@attrs.frozen
class _ChartRef:
    src: str
    title: str
    alt: str
    width: int
    height: int


def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("perfkit.render", "templates")
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def stylesheet() -> str:
    return resources.files("perfkit.render").joinpath(f"templates/{CSS_NAME}").read_text("utf-8")


def render_html(
    view: View,
    charts: dict[str, _ChartRef],
    *,
    inline_css: str | None,
    version: str,
    flame: FlameRef | None = None,
) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view,
        charts=charts,
        inline_css=inline_css,
        css_name=CSS_NAME,
        version=version,
        csp_note=CSP_NOTE,
        flame=flame,
    )


def _refs(charts: Sequence[Chart], inline: bool) -> dict[str, _ChartRef]:
    refs = {}
    for chart in charts:
        src = (
            "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
            if inline
            else chart.name
        )
        refs[chart.name] = _ChartRef(src, chart.title, chart.alt, chart.width, chart.height)
    return refs


def _version(verdict: dict[str, Any]) -> str:
    return str(verdict.get("perfkit_version", ""))


def write_static(
    verdict: dict[str, Any], folder: str | Path, flame: Frame | None = None
) -> list[Path]:
    """Write the CSP-safe report into ``folder`` (created if needed); the files written.

    ``flame`` (``perfkit.diff.flame.flame_tree`` of the two runs) adds the flame graphs.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise PerfkitError(f"{folder}: exists and is not a folder; --html needs a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PerfkitError(f"{folder}: cannot create the report folder ({exc.strerror})") from None
    charts = render_charts(verdict)
    flames = flame_files(flame) if flame is not None else {}
    html = render_html(
        build_view(verdict),
        _refs(charts, inline=False),
        inline_css=None,
        version=_version(verdict),
        flame=flame_ref(flames, inline=False) if flames else None,
    )
    written = []
    for chart in charts:
        written.append(write_bytes(folder / chart.name, chart.png, "chart"))
    for name, svg in flames.items():
        written.append(write_bytes(folder / name, svg, "flame graph"))
    written.append(write_text(folder / CSS_NAME, stylesheet(), "stylesheet"))
    written.append(write_text(folder / INDEX_NAME, html, "HTML report"))
    return written


def single_file_html(verdict: dict[str, Any], flame: Frame | None = None) -> str:
    """The whole report as one self-contained HTML document (the differential flame inlined)."""
    charts = render_charts(verdict)
    return render_html(
        build_view(verdict),
        _refs(charts, inline=True),
        inline_css=stylesheet() + _CSP_NOTE_STYLE,
        version=_version(verdict),
        flame=flame_ref(flame_files(flame), inline=True) if flame is not None else None,
    )


def write_single_file(
    verdict: dict[str, Any], path: str | Path, flame: Frame | None = None
) -> Path:
    """Write the self-contained report to ``path`` (a file; a folder gets ``report.html``)."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.html"
    return write_text(path, single_file_html(verdict, flame), "HTML report")
