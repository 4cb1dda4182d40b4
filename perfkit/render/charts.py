"""The report's charts as PNG images (matplotlib, Agg, no pyplot state).

Four charts, each skipped when the verdict has no data for it: calls per API operation baseline
vs new, the time breakdown by category, predicted vs measured savings against the predicted
window, and the functions whose cumulative time changed most. Labels go through
``perfkit.render.text.label`` and are drawn without mathtext, so a name with ``$`` or control
characters is shown as it is. ``verdict_figure`` stacks some of the same charts in one
``Figure`` for notebooks (``Verdict.plot``).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from perfkit.errors import PerfkitError
from perfkit.render.figures import new_figure
from perfkit.render.text import label
from perfkit.validate.formulas import fmt_calls, fmt_seconds

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BASE_COLOUR = "#8a9bb0"
NEW_COLOUR = "#1f7a8c"
WINDOW_COLOUR = "#f2c14e"
RANGE_COLOUR = "#9bc53d"
SAVED_COLOUR = "#2e8b57"
LOST_COLOUR = "#c0392b"
_LABEL_CHARS = 48
_DPI = 100


@attrs.frozen
class Chart:
    name: str  # file name in the report folder
    title: str
    alt: str
    png: bytes
    width: int
    height: int


def _height(rows: int) -> float:
    return max(2.6, 0.9 + 0.42 * rows)


def _figure(rows: int) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported with the figure

    height = _height(rows)
    figure = new_figure(figsize=(8.6, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the font are drawn as boxes
        figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    width, height = (round(float(v)) for v in figure.get_size_inches() * _DPI)
    return buffer.getvalue(), width, height


def _names(values: list[str]) -> list[str]:
    return [label(value, _LABEL_CHARS) for value in values]


def _set_labels(axes: Any, positions: list[float], names: list[str]) -> None:
    axes.set_yticks(positions, labels=_names(names), parse_math=False)
    axes.invert_yaxis()


def _chart(name: str, title: str, alt: str, figure: Figure) -> Chart:
    png, width, height = _png(figure)
    return Chart(name, title, alt, png, width, height)


def _calls_rows(v: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        m
        for m in v["metrics"]
        if m["operation"] and m["shown"] and (m["baseline"]["calls"] or m["new_calls_comparable"])
    ]
    rows.sort(key=lambda m: -(m["baseline"]["calls"] or 0))
    return rows


def _draw_calls(axes: Axes, v: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    positions = list(range(len(rows)))
    base = [m["baseline"]["calls"] or 0 for m in rows]
    new = [m["new_calls_comparable"] or 0 for m in rows]
    bars_base = axes.barh(
        [p - 0.2 for p in positions], base, 0.4, color=BASE_COLOUR, label="baseline"
    )
    bars_new = axes.barh([p + 0.2 for p in positions], new, 0.4, color=NEW_COLOUR, label="new")
    axes.bar_label(bars_base, labels=[fmt_calls(x) for x in base], padding=3, fontsize=8)
    axes.bar_label(bars_new, labels=[fmt_calls(x) for x in new], padding=3, fontsize=8)
    _set_labels(axes, positions, [m["name"] for m in rows])
    axes.set_xlabel(
        "calls"
        + (
            " (new run scaled to the baseline's workload)"
            if not v["comparability"]["counts_exact"] and v["comparability"]["counts_factor"] != 1
            else ""
        )
    )
    axes.margins(x=0.15)
    axes.legend(loc="lower right")
    axes.set_title("API calls per operation")
    return "; ".join(
        f"{label(m['name'], 40)}: {fmt_calls(b)} -> {fmt_calls(n)}"
        for m, b, n in zip(rows, base, new, strict=True)
    )


def _breakdown_rows(v: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in v["breakdown"] if r["found"]]


def _draw_breakdown(axes: Axes, v: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    positions = list(range(len(rows)))
    base = [r["baseline_share_percent"] or 0 for r in rows]
    new = [r["new_share_percent"] or 0 for r in rows]
    bars_base = axes.barh(
        [p - 0.2 for p in positions], base, 0.4, color=BASE_COLOUR, label="baseline"
    )
    bars_new = axes.barh([p + 0.2 for p in positions], new, 0.4, color=NEW_COLOUR, label="new")
    axes.bar_label(bars_base, labels=[f"{x:.1f} %" for x in base], padding=3, fontsize=8)
    axes.bar_label(bars_new, labels=[f"{x:.1f} %" for x in new], padding=3, fontsize=8)
    _set_labels(axes, positions, [r["metric"] for r in rows])
    axes.set_xlabel("% of the run's total time (categories overlap)")
    axes.margins(x=0.12)
    axes.legend(loc="lower right")
    axes.set_title("Where the time goes")
    return "; ".join(
        f"{label(r['metric'], 40)}: {b:.1f} % -> {n:.1f} %"
        for r, b, n in zip(rows, base, new, strict=True)
    )


def _savings_rows(v: dict[str, Any]) -> list[tuple[str, float]]:
    target = v["target"]
    bars: list[tuple[str, float]] = []
    if target is not None and target["predicted_saving_seconds"] is not None:
        bars.append((f"predicted: {target['name']}", target["predicted_saving_seconds"]))
    operations = [
        m for m in v["metrics"] if m["operation"] and m["predicted_saving_seconds"] is not None
    ]
    if v["comparability"]["counts_exact"] and len(operations) > 1:
        bars.append(
            ("predicted: all operations", sum(m["predicted_saving_seconds"] for m in operations))
        )
    predicted = bars or v["predictions"]["window"] or v["predictions"]["expected_range_percent"]
    gain = v["improvement"]
    if gain is not None and predicted:  # a measured saving alone is the headline, not a chart
        bars.append((f"{gain['source']} saving", gain["saved_seconds"]))
    return bars


def _draw_savings(axes: Axes, v: dict[str, Any], bars: list[tuple[str, float]]) -> str:
    window = v["predictions"]["window"]
    expected = v["predictions"]["expected_range_percent"]
    total = v["baseline"]["total_seconds"]
    if window is not None:
        axes.axvspan(
            window["low_seconds"],
            window["high_seconds"],
            color=WINDOW_COLOUR,
            alpha=0.35,
            label="predicted window",
        )
    if expected is not None:
        low, high = expected
        axes.axvspan(
            low / 100 * total,
            high / 100 * total,
            facecolor="none",
            edgecolor=RANGE_COLOUR,
            hatch="//",
            label=f"expected {low:g}-{high:g} %",
        )
    values = [value for _, value in bars]
    colours = [SAVED_COLOUR if value >= 0 else LOST_COLOUR for value in values]
    drawn = axes.barh(range(len(bars)), values, 0.5, color=colours)
    axes.bar_label(drawn, labels=[fmt_seconds(x) for x in values], padding=3, fontsize=8)
    _set_labels(axes, list(range(len(bars))), [name for name, _ in bars])
    axes.axvline(0, color="#333333", linewidth=0.8)
    scaled = window is not None and window["scaled"]
    axes.set_xlabel("seconds saved" + (" (window scaled to this baseline)" if scaled else ""))
    axes.margins(x=0.15)
    if window is not None or expected is not None:
        axes.legend(loc="lower right", fontsize=8)
    axes.set_title("Predicted vs measured saving")
    alt = "; ".join(f"{name}: {fmt_seconds(value)}" for name, value in bars)
    if window is None:
        return alt
    span = f"{fmt_seconds(window['low_seconds'])} to {fmt_seconds(window['high_seconds'])}"
    return alt + f"; predicted window {span}"


def _changes_rows(v: dict[str, Any]) -> list[dict[str, Any]]:
    return v["top_changes"]["by_cumtime"][:10]


def _draw_changes(axes: Axes, v: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    values = [r["cumtime_delta"] for r in rows]
    colours = [LOST_COLOUR if value > 0 else SAVED_COLOUR for value in values]
    drawn = axes.barh(range(len(rows)), values, 0.6, color=colours)
    axes.bar_label(
        drawn,
        labels=[("+" if x > 0 else "") + fmt_seconds(x) for x in values],
        padding=3,
        fontsize=8,
    )
    _set_labels(axes, list(range(len(rows))), [r["label"] for r in rows])
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_xlabel("change in cumulative time, new - baseline (red: slower)")
    axes.margins(x=0.25)
    axes.set_title("Largest changes in cumulative time")
    return "; ".join(f"{label(r['label'], 60)}: {fmt_seconds(r['cumtime_delta'])}" for r in rows)


@attrs.frozen
class _Panel:
    """One chart: the rows it draws (none: no chart), how to draw them, its report file."""

    file: str
    title: str
    rows: Callable[[dict[str, Any]], list[Any]]
    draw: Callable[[Axes, dict[str, Any], list[Any]], str]
    extra_rows: int = 0  # room for the legend


PANELS = {
    "calls": _Panel(
        "calls.png", "API calls per operation, baseline vs new", _calls_rows, _draw_calls
    ),
    "breakdown": _Panel(
        "breakdown.png", "Time breakdown by category", _breakdown_rows, _draw_breakdown
    ),
    "savings": _Panel(
        "savings.png", "Predicted vs measured savings", _savings_rows, _draw_savings, 1
    ),
    "changes": _Panel(
        "changes.png", "Functions whose cumulative time changed most", _changes_rows, _draw_changes
    ),
}


def render_charts(v: dict[str, Any]) -> list[Chart]:
    """Every chart the verdict has data for, in report order."""
    charts = []
    for panel in PANELS.values():
        rows = panel.rows(v)
        if not rows:
            continue
        figure = _figure(len(rows) + panel.extra_rows)
        alt = panel.draw(figure.add_subplot(), v, rows)
        charts.append(_chart(panel.file, panel.title, alt, figure))
    return charts


def verdict_figure(v: dict[str, Any], kinds: Sequence[str] = ("calls", "breakdown")) -> Figure:
    """The chosen charts (``calls``, ``breakdown``, ``savings``, ``changes``) stacked in one
    figure; a chart without data is left out, and a figure with none says so."""
    unknown = [kind for kind in kinds if kind not in PANELS]
    if unknown:
        raise PerfkitError(f"no chart {unknown[0]!r}: choose from {', '.join(PANELS)}")
    drawn = [(PANELS[kind], PANELS[kind].rows(v)) for kind in kinds]
    drawn = [(panel, rows) for panel, rows in drawn if rows]
    heights = [_height(len(rows) + panel.extra_rows) for panel, rows in drawn]
    figure = new_figure(figsize=(8.6, sum(heights) or 2.0), dpi=_DPI, layout="constrained")
    if not drawn:
        axes = figure.add_subplot()
        axes.text(0.5, 0.5, "no data for these charts", ha="center", va="center")
        axes.set_axis_off()
        return figure
    grid = figure.add_gridspec(len(drawn), 1, height_ratios=heights)
    for index, (panel, rows) in enumerate(drawn):
        panel.draw(figure.add_subplot(grid[index]), v, rows)
    return figure
