"""Benchmark fixtures: synthetic profile pairs, and the ratio table printed after the run.

Each size is measured four ways in the same run: perfkit load+diff (loading both files side by
side, as ``perfkit compare`` does), perfkit load+diff loading one file after the other, stdlib
``pstats.Stats`` loading both files (the reference), and bare ``marshal.loads`` of both (the
floor).  The summary divides the minimums and the medians (the machine may be shared, and
the minimum is the least disturbed run).
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from benchmarks.make_synthetic_profile import synthetic_stats

SIZES = (2_000, 20_000, 100_000)
_TIMES: dict[tuple[int, str], tuple[float, float]] = {}  # (min, median) seconds
#: Lines other benchmark modules want printed after the run (their same-run ratios).
SUMMARY_LINES: list[str] = []


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
    """Remember a finished benchmark's minimum and median for the summary."""
    stats = benchmark.stats.stats
    _TIMES[(size, name)] = (stats.min, stats.median)


def pytest_terminal_summary(terminalreporter) -> None:
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)
    if not _TIMES:
        return
    write = terminalreporter.write_line
    write("")
    write("perfkit load+diff of two profiles, as ratios measured in this run (min / median)")
    write(
        f"{'functions':>10}  {'vs pstats.Stats x2':>20}  {'one file at a time':>20}  "
        f"{'vs marshal.loads x2':>20}"
    )
    for size in SIZES:
        names = ("perfkit", "perfkit-sequential", "pstats", "marshal")
        if not all((size, name) in _TIMES for name in names):
            continue
        perfkit, sequential, pstats, floor = (_TIMES[(size, name)] for name in names)

        def ratio(top: tuple[float, float], bottom: tuple[float, float]) -> str:
            return f"{top[0] / bottom[0]:.2f} / {top[1] / bottom[1]:.2f}"

        write(
            f"{size:>10,}  {ratio(perfkit, pstats):>20}  {ratio(sequential, pstats):>20}  "
            f"{ratio(perfkit, floor):>20}"
        )
