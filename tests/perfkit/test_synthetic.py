"""The benchmarks' synthetic profiles: pstats agrees with perfkit on them too."""

from __future__ import annotations

import marshal
import pstats
from pathlib import Path

import perfkit
from benchmarks.make_synthetic_profile import synthetic_stats


def test_synthetic_pair_loads_like_pstats_and_diffs(tmp_path: Path) -> None:
    paths = []
    for variant in ("base", "new"):
        path = tmp_path / f"{variant}.stats"
        path.write_bytes(marshal.dumps(synthetic_stats(2_000, variant)))
        paths.append(path)
    base, new = perfkit.load_many(paths)
    for profile, path in ((base, paths[0]), (new, paths[1])):
        stats = pstats.Stats(str(path))
        assert (profile.total_calls, profile.primitive_calls, profile.total_time) == (
            stats.total_calls,
            stats.prim_calls,
            stats.total_tt,
        )
        assert len(profile.edges) == sum(len(value[4]) for value in stats.stats.values())
    counts = perfkit.compare(base, new).status_counts()
    assert counts["added"] == counts["removed"] == 20
    assert counts["changed"] > 0 and counts["unchanged"] > 0
