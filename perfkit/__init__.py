"""perfkit: read, diff and validate cProfile/pstats profiles.

import perfkit
base = perfkit.load("baseline.stats")
new = perfkit.load("new.stats")
diff = perfkit.compare(base, new)
diff.functions.sort_values("cumtime_delta")
verdict = perfkit.validate(new, baseline=base)   # the perfkit.validate package, called
"""

from perfkit import validate  # a callable package: see perfkit/validate/__init__.py
from perfkit.common.version import __version__
from perfkit.diff.butterfly import Butterfly
from perfkit.diff.compare import Diff, butterfly, compare
from perfkit.errors import ConfigError, PerfkitError, ProfileFormatError
from perfkit.match.selectors import NoMatchError, Selector, SelectorError, parse_selector
from perfkit.model.profile import Profile, load, load_many
from perfkit.render import display as _display  # noqa: F401  (registers notebook display)
from perfkit.timeline.model import History, history

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
