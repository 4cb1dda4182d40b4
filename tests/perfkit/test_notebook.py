"""Jupyter summaries (_repr_html_, _repr_mimebundle_) and matplotlib figures."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

import perfkit
from perfkit.render.plots import DECREASE, INCREASE, short_label
from tests.html_parse import SUMMARY_TAGS as ALLOWED_TAGS
from tests.html_parse import parse_html as _parse

HOSTILE_FILE = "<img src=x onerror=alert(1)>.py"

SLOW_THEN_FAST = """
import time

def fetch(n):
    time.sleep(0.002 * n)

def main(rounds):
    for _ in range(rounds):
        fetch(1)
    helper()

def helper():
    return sorted(range(100))

main({rounds})
"""


@pytest.fixture
def pair(make_profile):
    base = make_profile(SLOW_THEN_FAST.format(rounds=6), "base.stats", HOSTILE_FILE)
    new = make_profile(SLOW_THEN_FAST.format(rounds=2), "new.stats", HOSTILE_FILE)
    return perfkit.load_many([base, new])


def test_profile_html_is_static_escaped_and_summarises(pair) -> None:
    profile = pair[0]
    html = profile._repr_html_()
    parsed = _parse(html)
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert set(parsed.attributes) <= {"class"}
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    text = "".join(parsed.text)
    assert str(profile.path) in text
    assert f"{len(profile.functions)} functions" in text
    # the top rows are the largest cumtimes, and the fetch function is among them
    shown = min(10, len(profile.functions))
    assert "fetch)" in text and f"Top {shown} of {len(profile.functions)}" in text
    assert parsed.tags.count("tr") == 1 + shown


def test_profile_mimebundle_has_a_text_fallback(pair) -> None:
    bundle = pair[0]._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"] == pair[0]._repr_html_()
    plain = bundle["text/plain"]
    assert "\x1b[" not in plain and str(pair[0].path) in plain and "cumtime" in plain


def test_diff_html_shows_totals_and_changes(pair) -> None:
    diff = perfkit.compare(*pair)
    html = diff._repr_html_()
    parsed = _parse(html)
    assert set(parsed.tags) <= ALLOWED_TAGS and "<img" not in html
    text = " ".join(parsed.text)
    assert "Totals" in text and "Largest changes in cumtime" in text
    assert "Largest changes in calls" in text and "6 → 2" in text
    assert "changed" in text
    plain = diff._repr_mimebundle_()["text/plain"]
    assert "Totals" in plain and "6 → 2" in plain


def test_butterfly_html_and_text(pair) -> None:
    view = perfkit.compare(*pair).butterfly("fetch")
    html = view._repr_html_()
    parsed = _parse(html)
    assert set(parsed.tags) <= ALLOWED_TAGS and "<img" not in html
    text = " ".join(parsed.text)
    assert "Called by" in text and "Calls" in text and "6 → 2" in text
    assert "fetch" in view._repr_mimebundle_()["text/plain"]


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def test_profile_plot_is_a_figure(pair) -> None:
    figure = pair[0].plot(n=5)
    assert isinstance(figure, Figure)
    (axes,) = figure.axes
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    top = pair[0].functions.sort_values("cumtime", ascending=False).head(5)
    assert sorted(labels) == sorted(short_label(label) for label in top["label"])
    assert len(axes.patches) == 2 * 5  # cumtime bars with tottime bars over them
    assert _png(figure).startswith(b"\x89PNG")
    calls = pair[0].plot(n=3, by="ncalls")
    assert len(calls.axes[0].patches) == 3


def test_diff_plot_colours_increases_and_decreases(pair) -> None:
    diff = perfkit.compare(*pair)
    figure = diff.plot(n=4, by="ncalls")
    (axes,) = figure.axes
    bars = axes.patches
    assert len(bars) == len(diff.top(4, by="ncalls"))
    # fetch was called 6 times before and 2 after: a decrease, drawn in the decrease colour
    rows = diff.top(4, by="ncalls")
    for bar, delta in zip(bars, rows["ncalls_delta"], strict=True):
        colour = INCREASE if delta > 0 else DECREASE
        assert bar.get_facecolor()[:3] == pytest.approx(_rgb(colour))
    assert _png(figure).startswith(b"\x89PNG")
    slower = perfkit.compare(pair[1], pair[0]).plot(n=3)
    assert any(bar.get_width() > 0 for bar in slower.axes[0].patches)
    same = perfkit.compare(pair[0], pair[0]).plot()
    assert "no function changed" in " ".join(text.get_text() for text in same.axes[0].texts)


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
