"""perfkit: read, diff and validate cProfile/pstats profiles.

import perfkit
base = perfkit.load("baseline.stats")
new = perfkit.load("new.stats")
diff = perfkit.compare(base, new)
diff.functions.sort_values("cumtime_delta")
verdict = perfkit.validate(new, baseline=base)   # the perfkit.validate package, called

The names below are imported on first use (PEP 562): ``import perfkit`` alone loads neither
pandas nor numpy, so the command line can decide what pandas loads with it
(``perfkit.cli.console_main``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from perfkit.common.version import __version__
from perfkit.errors import ConfigError, PerfkitError, ProfileFormatError
from perfkit.render import display as _display  # noqa: F401  (registers notebook display)

if TYPE_CHECKING:
    from perfkit import validate
    from perfkit.diff.butterfly import Butterfly
    from perfkit.diff.compare import Diff, butterfly, compare
    from perfkit.match.selectors import NoMatchError, Selector, SelectorError, parse_selector
    from perfkit.model.profile import Profile, load, load_many
    from perfkit.timeline.model import History, history

#: Public name -> the module that defines it.
_LAZY = {
    "Butterfly": "perfkit.diff.butterfly",
    "Diff": "perfkit.diff.compare",
    "butterfly": "perfkit.diff.compare",
    "compare": "perfkit.diff.compare",
    "NoMatchError": "perfkit.match.selectors",
    "Selector": "perfkit.match.selectors",
    "SelectorError": "perfkit.match.selectors",
    "parse_selector": "perfkit.match.selectors",
    "Profile": "perfkit.model.profile",
    "load": "perfkit.model.profile",
    "load_many": "perfkit.model.profile",
    "History": "perfkit.timeline.model",
    "history": "perfkit.timeline.model",
}

__all__ = [
    "Butterfly",
    "ConfigError",
    "Diff",
    "History",
    "NoMatchError",
    "PerfkitError",
    "Profile",
    "ProfileFormatError",
    "Selector",
    "SelectorError",
    "__version__",
    "butterfly",
    "compare",
    "history",
    "load",
    "load_many",
    "parse_selector",
    "validate",
]


def __getattr__(name: str) -> Any:
    """A public name, or a subpackage (``perfkit.validate``, ``perfkit.model``), on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif not name.startswith("__"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
