"""``perfkit compare A B --html DIR`` as a whole process against a script that only loads A and B
with stdlib pstats: wall time and peak RSS of each child process, as ratios measured in this run
(printed after the run).  The report's size is printed too, and, where chromium is installed,
how long a headless chromium takes to load and render it (browser start-up included)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.conftest import SUMMARY_LINES

_SIZE = 100_000
_ROUNDS = 3


#: Runs the command in a child of a freshly started interpreter and prints its wall seconds and
#: peak RSS (KiB).  Measuring from this process would not do: a child forked from pytest keeps
#: pytest's own peak RSS as its starting high-water mark, even after it execs.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the largest process of its tree) of one run."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True
    )
    assert done.returncode == 0, (command, done.stderr[-2000:])
    seconds, kib = done.stdout.split()[-2:]
    return float(seconds), int(kib) / 1024


def _best(command: list[str]) -> tuple[float, float]:
    runs = [_child(command) for _ in range(_ROUNDS)]
    return min(run[0] for run in runs), min(run[1] for run in runs)


def _render_seconds(report: Path) -> float | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return None
    start = time.perf_counter()
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", report.as_uri()],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return time.perf_counter() - start


#: The same command with pyarrow loaded, as pandas 3 loads it wherever it is installed when
#: nothing stops it (``perfkit.cli.console_main`` does): what leaving it unloaded saves.
_WITH_PYARROW = (
    "import sys, pyarrow; sys.argv[0] = 'perfkit'; from perfkit.cli import main; sys.exit(main())"
)


def test_compare_html_process(benchmark, profile_pairs, tmp_path: Path) -> None:
    base, new = (str(path) for path in profile_pairs[_SIZE])
    perfkit = str(Path(sys.executable).with_name("perfkit"))
    out = tmp_path / "report"
    reference = [
        sys.executable,
        "-c",
        f"import pstats; pstats.Stats({base!r}); pstats.Stats({new!r})",
    ]
    stdlib = _best(reference)
    benchmark.group = "compare process"
    arguments = ["compare", base, new, "--html", str(out), "--force"]
    ours = benchmark.pedantic(_best, ([perfkit, *arguments],), rounds=1, iterations=1)
    size = sum(path.stat().st_size for path in out.iterdir()) / 1024
    render = _render_seconds(out / "index.html")
    runs = [("perfkit", ours)]
    if importlib.util.find_spec("pyarrow") is not None:
        with_pyarrow = _best([sys.executable, "-c", _WITH_PYARROW, *arguments])
        runs.append(("the same with pyarrow loaded", with_pyarrow))
    SUMMARY_LINES.extend(
        [
            "",
            f"perfkit compare --html, {_SIZE:,} functions each, whole process (best of {_ROUNDS})",
            f"  pstats.Stats x2: {stdlib[0]:.2f} s, peak RSS {stdlib[1]:.0f} MiB",
            *(
                f"  {name}: {run[0]:.2f} s ({run[0] / stdlib[0]:.2f}x), "
                f"peak RSS {run[1]:.0f} MiB ({run[1] / stdlib[1]:.2f}x)"
                for name, run in runs
            ),
            f"  report {size:.0f} KiB"
            + (f", headless chromium load+render {render:.2f} s" if render is not None else ""),
        ]
    )
