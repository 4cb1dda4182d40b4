"""Produce the multi-version test profiles and their oracle.

For every CPython under ``/root/.pyenv/versions`` (or the folders given with ``--pythons``) this
runs ``workload.py`` under ``cProfile`` and under the pure-Python ``profile`` module, writes
``profiles/cpython-X.Y-cprofile.stats`` and ``profiles/cpython-X.Y-profile.stats``, a gzip copy
of one of them, and ``oracle.json``: what each file's *own* interpreter's ``pstats`` says about it
(functions with their tuples and callers, total calls, primitive calls, total time).

    python tests/data/make_profiles.py
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROFILERS = ("cProfile", "profile")


def interpreters(root: Path) -> list[Path]:
    found = []
    for folder in sorted(root.iterdir()):
        python = folder / "bin" / "python"
        if python.exists() and folder.name[:1] in "23":
            found.append(python)
    return found


def version_of(python: Path) -> str:
    out = subprocess.run(
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", type=Path, default=Path("/root/.pyenv/versions"))
    args = parser.parse_args()
    out_dir = HERE / "profiles"
    out_dir.mkdir(exist_ok=True)
    oracle: dict[str, dict] = {}
    for python in interpreters(args.pythons):
        version = version_of(python)
        written = []
        for profiler in PROFILERS:
            name = f"profiles/cpython-{version}-{profiler.lower()}.stats"
            subprocess.run(
                [str(python), "-m", profiler, "-o", name, "workload.py"],
                cwd=HERE,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            written.append(name)
        result = subprocess.run(
            [str(python), "generate_profiles_py2.py", *written],
            cwd=HERE,
            check=True,
            capture_output=True,
            text=True,
        )
        oracle.update(json.loads(result.stdout))
        print(f"{version}: {', '.join(written)}")
    source = out_dir / "cpython-3.11-cprofile.stats"
    if source.exists():
        with (
            open(out_dir / "cpython-3.11-cprofile.stats.gz", "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
        ):
            packed.write(source.read_bytes())
        oracle["profiles/cpython-3.11-cprofile.stats.gz"] = oracle[
            "profiles/cpython-3.11-cprofile.stats"
        ]
    (HERE / "oracle.json").write_text(json.dumps(oracle, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
