"""``Profile``: one pstats file as tidy pandas tables, with totals and the run's metadata.

``functions`` has one row per pstats key, indexed by ``id`` (the key's position in the file);
``edges`` has one row per caller -> callee entry.  Numbers are exactly those in the file: no
rounding, counts as int64, times as float64 seconds.  See docs/perfkit-api.md for the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from perfkit.common import display
from perfkit.common.columns import text_column
from perfkit.errors import PerfkitError
from perfkit.match.normalise import BUILTIN_MODULE, bare_name, builtin_label, module_names
from perfkit.match.selectors import NoMatchError, parse_selector
from perfkit.model import callgraph
from perfkit.model.sidecar import read_sidecar
from perfkit.reader import RawStats, read_many

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from perfkit.match.selectors import Selector

FUNCTION_COLUMNS = (
    "file",
    "line",
    "name",
    "module",
    "function",
    "builtin",
    "label",
    "pcalls",
    "ncalls",
    "tottime",
    "cumtime",
    "tottime_per_call",
    "cumtime_per_call",
)
EDGE_COLUMNS = (
    "caller",
    "callee",
    "caller_label",
    "callee_label",
    "pcalls",
    "ncalls",
    "tottime",
    "cumtime",
)


def per_call(seconds: np.ndarray, calls: np.ndarray) -> np.ndarray:
    """``seconds / calls`` (pstats' per-call time), NaN where there were no calls."""
    out = np.full(len(seconds), np.nan)
    np.divide(seconds, calls, out=out, where=calls > 0)
    return out


def _sequential_sum(values: np.ndarray) -> float:
    """Left-to-right float sum, the order pstats adds in (so totals match it to the bit)."""
    return float(np.add.accumulate(values)[-1]) if len(values) else 0.0


def _labels(modules: list[str], lines: list[int], names: list[str]) -> list[str]:
    return [
        builtin_label(name) if module == BUILTIN_MODULE else f"{module}:{line}({name})"
        for module, line, name in zip(modules, lines, names, strict=True)
    ]


def _project_root(metadata: dict[str, Any] | None) -> str | None:
    """The project root the sidecar recorded (``project.root``), if it is a usable path."""
    project = (metadata or {}).get("project")
    root = project.get("root") if isinstance(project, dict) else None
    return root if isinstance(root, str) and root.strip("/\\") else None


class Profile(display.Displayable):
    """One profile.  Build it with ``perfkit.load(path)``."""

    def __init__(
        self, raw: RawStats, path: Path, metadata: dict[str, Any] | None, warnings: list[str]
    ) -> None:
        self.path = path
        self.metadata = metadata
        self.warnings = warnings
        self.decoder = raw.decoder
        n = raw.n_functions
        module_of = module_names(raw.files, _project_root(metadata))
        modules = [module_of[file] for file in raw.files]
        lines = raw.line.tolist()
        labels = _labels(modules, lines, raw.names)
        builtin = np.fromiter((module == BUILTIN_MODULE for module in modules), bool, len(modules))
        # Own copies of the reader's columns (views of its buffer, which is then freed), put in
        # the frames as they are: no second copy to consolidate them into blocks.
        pcalls = np.array(raw.pcalls, dtype=np.int64)
        ncalls = np.array(raw.ncalls, dtype=np.int64)
        tottime = np.array(raw.tottime, dtype=np.float64)
        cumtime = np.array(raw.cumtime, dtype=np.float64)
        self.functions = pd.DataFrame(
            {
                "file": text_column(raw.files[:n]),
                "line": np.array(raw.line[:n], dtype=np.int64),
                "name": text_column(raw.names[:n]),
                "module": text_column(modules[:n]),
                "function": text_column(
                    [
                        bare_name(name) if b else name
                        for name, b in zip(raw.names[:n], builtin[:n], strict=True)
                    ]
                ),
                "builtin": builtin[:n],
                "label": text_column(labels[:n]),
                "pcalls": pcalls,
                "ncalls": ncalls,
                "tottime": tottime,
                "cumtime": cumtime,
                "tottime_per_call": per_call(tottime, ncalls),
                "cumtime_per_call": per_call(cumtime, pcalls),
            },
            index=pd.RangeIndex(n, name="id"),
            copy=False,
        )
        caller = np.asarray(raw.edge_caller, dtype=np.int64)
        callee = np.array(raw.edge_callee, dtype=np.int64)
        detail = np.asarray(raw.edge_detail, dtype=bool)
        label_array = np.asarray(labels, dtype=object)
        self.edges = pd.DataFrame(
            {
                "caller": np.where(caller < n, caller, -1),
                "callee": callee,
                "caller_label": text_column(label_array[caller]),
                "callee_label": text_column(label_array[callee]),
                "pcalls": pd.arrays.IntegerArray(
                    np.array(raw.edge_pcalls, dtype=np.int64), ~detail
                ),
                "ncalls": np.array(raw.edge_ncalls, dtype=np.int64),
                "tottime": np.where(detail, np.asarray(raw.edge_tottime, dtype=np.float64), np.nan),
                "cumtime": np.where(detail, np.asarray(raw.edge_cumtime, dtype=np.float64), np.nan),
            },
            copy=False,
        )
        self.total_calls = int(ncalls.sum())
        self.primitive_calls = int(pcalls.sum())
        self.total_time = _sequential_sum(tottime)
        self.sampled = bool((ncalls < 0).any() or (pcalls < 0).any())

    @property
    def totals(self) -> dict[str, float | int]:
        """``total_calls``, ``primitive_calls``, ``total_time`` and the number of functions."""
        return {
            "functions": len(self.functions),
            "total_calls": self.total_calls,
            "primitive_calls": self.primitive_calls,
            "total_time": self.total_time,
        }

    def select(
        self, selector: str | list[str] | Selector, *, required: bool = True
    ) -> pd.DataFrame:
        """The rows of ``functions`` that ``selector`` matches (see ``perfkit.match.selectors``).

        With ``required`` (the default) a selector that matches nothing raises
        ``perfkit.match.selectors.NoMatchError``, so a typo never passes as "zero calls".
        """
        parsed = parse_selector(selector)
        rows = self.functions[parsed.mask(self.functions)]
        if required and rows.empty:
            raise NoMatchError(f"{self.path}: selector {parsed.text!r} matches no function")
        return rows

    def where(self, selector: str | list[str] | Selector) -> pd.DataFrame:
        """The matched functions: location, calls, times, shares, neighbours (``callgraph``)."""
        return callgraph.where(self, selector)

    def callers(self, selector: str | list[str] | Selector) -> pd.DataFrame:
        """Exact caller -> function edges of the matched functions (``perfkit.model.callgraph``)."""
        return callgraph.callers(self, selector)

    def callees(self, selector: str | list[str] | Selector) -> pd.DataFrame:
        """Exact function -> callee edges of the matched functions (``perfkit.model.callgraph``)."""
        return callgraph.callees(self, selector)

    def plot(self, n: int = 15, by: str = "cumtime") -> Figure:
        """A bar chart of the ``n`` largest functions by ``by`` (a matplotlib ``Figure``)."""
        return display.plot(self, n, by)

    def __repr__(self) -> str:
        kind = " sampled" if self.sampled else ""
        return (
            f"<Profile{kind} {str(self.path)!r}: {len(self.functions)} functions, "
            f"{self.total_calls} calls, {self.total_time:.6g} s>"
        )


PROFILE_METRICS = ("cumtime", "tottime", "ncalls", "pcalls", "tottime_per_call", "cumtime_per_call")


def top_functions(profile: Profile, n: int = 10, by: str = "cumtime") -> pd.DataFrame:
    """The ``n`` rows of ``profile.functions`` with the largest ``by`` (ties keep file order)."""
    if by not in PROFILE_METRICS:
        raise PerfkitError(f"cannot rank functions by {by!r}; choose from {PROFILE_METRICS}")
    return profile.functions.sort_values(by, ascending=False, kind="stable").head(n)


def load(path: str | Path) -> Profile:
    """Read the pstats file at ``path`` (and its sidecar, if any) into a ``Profile``.

    Raises ``perfkit.errors.ProfileFormatError`` for anything that is not a readable profile.
    """
    return load_many([path])[0]


def load_many(paths: Sequence[str | Path]) -> list[Profile]:
    """``load`` for several files, decoded side by side on several CPUs where possible.

    Raises ``ProfileFormatError`` for the first file (in the given order) that is unreadable.
    """
    files = [Path(path) for path in paths]
    raws = read_many(files)
    profiles = []
    for path in files:
        raw = raws.pop(0)  # freed once its Profile is built: one file's columns at a time
        metadata, warnings = read_sidecar(path)
        profiles.append(Profile(raw, path, metadata, warnings))
    return profiles
