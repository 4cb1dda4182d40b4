"""Registers the notebook and plot renderers of perfkit's data objects in
``perfkit.common.display``.  Classes are named, not imported, and each renderer module is
imported on first use, so ``import perfkit`` loads neither pandas nor jinja2, rich or
matplotlib."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from perfkit.common.display import Renderers, register

if TYPE_CHECKING:
    from perfkit.validate.verdict import Verdict


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``perfkit.render.<module>.<name>``, imported when first called."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(f"perfkit.render.{module}"), name)(*args)

    return call


def _renderers(summarise: Callable[[Any], Any], plot: Callable[..., Any] | None) -> Renderers:
    render_html, bundle = _lazy("notebook", "render_html"), _lazy("notebook", "bundle")
    return Renderers(
        html=lambda obj: render_html(summarise(obj)),
        bundle=lambda obj: bundle(summarise(obj)),
        plot=plot,
    )


def _verdict_summary(verdict: Verdict) -> Any:
    return _lazy("notebook", "verdict_summary")(verdict.to_dict())


def _verdict_figure(verdict: Verdict, kinds: Sequence[str]) -> Any:
    return _lazy("charts", "verdict_figure")(verdict.to_dict(), kinds)


register(
    "perfkit.model.profile.Profile",
    _renderers(_lazy("notebook", "profile_summary"), _lazy("plots", "profile_figure")),
)
register(
    "perfkit.diff.compare.Diff",
    _renderers(_lazy("notebook", "diff_summary"), _lazy("plots", "diff_figure")),
)
register(
    "perfkit.diff.butterfly.Butterfly", _renderers(_lazy("notebook", "butterfly_summary"), None)
)
register(
    "perfkit.timeline.model.History",
    _renderers(_lazy("history_report", "history_summary"), _lazy("plots", "history_figure")),
)
register("perfkit.validate.verdict.Verdict", _renderers(_verdict_summary, _verdict_figure))
