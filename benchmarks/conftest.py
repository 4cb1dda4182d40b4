"""Benchmark fixtures: synthetic profile pairs, and the ratio table printed after the run.

Each size is measured four ways in the same run: perfkit load+diff (loading both files side by
side, as ``perfkit compare`` does), perfkit load+diff loading one file after the other, stdlib
``pstats.Stats`` loading both files (the reference), and bare ``marshal.loads`` of both (the
floor).  The summary divides the medians.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from benchmarks.make_synthetic_profile import synthetic_stats

SIZES = (2_000, 20_000, 100_000)
_MEDIANS: dict[tuple[int, str], float] = {}


@pytest.fixture(scope="session")
def profile_pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("synthetic")
    pairs = {}
    for size in SIZES:
        paths = []
        for variant in ("base", "new"):
            path = folder / f"{variant}-{size}.stats"
            path.write_bytes(marshal.dumps(synthetic_stats(size, variant)))
            paths.append(path)
        pairs[size] = (paths[0], paths[1])
    return pairs


def record(size: int, name: str, benchmark) -> None:
    """Remember a finished benchmark's median for the summary."""
    _MEDIANS[(size, name)] = benchmark.stats.stats.median


def pytest_terminal_summary(terminalreporter) -> None:
    if not _MEDIANS:
        return
    write = terminalreporter.write_line
    write("")
    write("perfkit load+diff of two profiles, as ratios of medians measured in this run")
    write(
        f"{'functions':>10}  {'vs pstats.Stats x2':>19}  {'sequential vs pstats':>21}  "
        f"{'vs marshal.loads x2':>20}"
    )
    for size in SIZES:
        try:
            perfkit = _MEDIANS[(size, "perfkit")]
            sequential = _MEDIANS[(size, "perfkit-sequential")]
            pstats = _MEDIANS[(size, "pstats")]
            floor = _MEDIANS[(size, "marshal")]
        except KeyError:
            continue
        write(
            f"{size:>10,}  {perfkit / pstats:>19.2f}  {sequential / pstats:>21.2f}  "
            f"{perfkit / floor:>20.2f}"
        )
