"""How perfkit's data objects show themselves in Jupyter and as matplotlib figures.

The data classes (``Profile``, ``Diff``, ``Butterfly``, ``History``, ``Verdict``) sit below the
renderers and never import them.  They inherit ``Displayable``, whose ``_repr_html_`` and
``_repr_mimebundle_`` (and the classes' own ``plot`` methods, through ``plot``) look their class
up in this registry.  ``perfkit.render.display`` fills it; the ``perfkit`` package imports that
module, so any ``import perfkit...`` has the renderers registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perfkit.errors import PerfkitError


@dataclass(frozen=True)
class Renderers:
    """The notebook and plot renderers of one data class."""

    html: Callable[[Any], str]
    bundle: Callable[[Any], dict[str, str]]
    plot: Callable[..., Any] | None = None


#: Keyed by the class's dotted name (``perfkit.model.profile.Profile``), so that registering
#: the renderers imports none of the data classes (nor pandas).
_REGISTRY: dict[str, Renderers] = {}


def register(class_name: str, renderers: Renderers) -> None:
    _REGISTRY[class_name] = renderers


def renderers_of(obj: object) -> Renderers:
    for cls in type(obj).__mro__:
        found = _REGISTRY.get(f"{cls.__module__}.{cls.__qualname__}")
        if found is not None:
            return found
    raise PerfkitError(f"no renderer registered for {type(obj).__name__}; import perfkit first")


def plot(obj: object, *args: Any) -> Any:
    """``obj``'s figure from its registered plot renderer, called with ``args``."""
    draw = renderers_of(obj).plot
    if draw is None:
        raise PerfkitError(f"{type(obj).__name__} has no plot")
    return draw(obj, *args)


class Displayable:
    """Jupyter's rich display for a data class, through the registry."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return renderers_of(self).html(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return renderers_of(self).bundle(self)
