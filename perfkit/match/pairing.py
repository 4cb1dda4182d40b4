"""Pair the functions of two profiles: same normalised module and name, nearest line.

Pairing is a function of the two profiles' tables alone.  First the program's own files (not
built-ins, standard library or installed packages) are re-rooted: the two profiles may come
from checkouts at different absolute paths (``/a/x/proj``, ``/b/proj-2``, a CI workspace
``job@2``), so the folders under which both hold the same relative paths are found from the
longest path suffix each pair of files shares (most shared files first), and files below them
are named by their path below that folder, the same on both sides.  Then:

Lines drift when code above a function is edited, so the line is only a tie-breaker:

1. Within each (module, name) group, functions pair in line order with the smallest total line
   distance.  A group with several candidates on either side where some pair is not an exact
   line match is *ambiguous*: it is paired as well as the lines allow, and reported.
2. Functions still unpaired whose name is shared and whose modules end the same way (``pkg.mod``
   and ``app.pkg.mod``, as when one checkout could not be resolved to import names) are paired
   when exactly one candidate remains on each side.
3. Built-ins still unpaired are paired by their bare name (``sorted`` as the ``profile`` module
   writes it, ``<built-in method builtins.sorted>`` as cProfile does) when it is unique on both
   sides.

Built-in names are compared without the memory addresses some carry
(``<built-in method __new__ of type object at 0x7f...>``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfkit.common.columns import text_column
from perfkit.match.normalise import dotted_below, is_source_file, without_address

#: A file name held by more files than this on a side (``__init__.py`` of a large tree) casts no
#: vote for a root: the other files of the program decide, and the work stays linear.
_MAX_NAMESAKES = 64
_MAX_ROOTS = 16

Parts = tuple[str, ...]


@dataclass(frozen=True)
class Pairing:
    """``pairs`` has columns ``base_id`` and ``new_id`` (ids into each ``functions`` table,
    -1 where a function has no counterpart); ``ambiguous`` has one row per ambiguous group."""

    pairs: pd.DataFrame
    ambiguous: pd.DataFrame


def _stable_names(functions: pd.DataFrame) -> pd.DataFrame:
    """Built-in names without the memory addresses some of them carry (see normalise)."""
    builtin = functions["builtin"].to_numpy(bool)
    names = functions["name"]
    if not names[builtin].str.contains(" at 0x", regex=False).any():
        return functions
    stable = names.astype(object).copy()
    stable[builtin] = [without_address(name) for name in names[builtin]]
    return functions.assign(name=stable)


def _aligned(base: pd.DataFrame, new: pd.DataFrame) -> tuple[list[tuple[int, int]], bool]:
    """Pairs within one (module, name) group, and whether the group was ambiguous.

    Edits move code but rarely reorder it, so the pairing keeps line order: of all
    order-preserving pairings of ``min(len(base), len(new))`` functions, the one with the
    smallest total line distance (a small dynamic programme; groups are tiny).
    """
    left = sorted(zip(base["line"].tolist(), base.index.tolist(), strict=True))
    right = sorted(zip(new["line"].tolist(), new.index.tolist(), strict=True))
    swapped = len(left) > len(right)
    if swapped:
        left, right = right, left
    rows, cols = len(left), len(right)
    cost = [[float("inf")] * (cols + 1) for _ in range(rows + 1)]
    cost[0] = [0.0] * (cols + 1)
    for i in range(1, rows + 1):
        for j in range(i, cols + 1):
            cost[i][j] = min(
                cost[i][j - 1],
                cost[i - 1][j - 1] + abs(left[i - 1][0] - right[j - 1][0]),
            )
    chosen: list[tuple[int, int]] = []
    i, j = rows, cols
    while i > 0:
        if j > i and cost[i][j] == cost[i][j - 1]:
            j -= 1
            continue
        chosen.append((left[i - 1][1], right[j - 1][1]))
        i, j = i - 1, j - 1
    chosen.reverse()
    if swapped:
        chosen = [(b, n) for n, b in chosen]
    inexact = cost[rows][cols] != 0
    return chosen, inexact


def _suffix_related(first: str, second: str) -> bool:
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def _parts(path: str) -> Parts:
    return tuple(part for part in path.replace("\\", "/").split("/") if part)


def _shared_suffix(first: Parts, second: Parts) -> int:
    size = 0
    limit = min(len(first), len(second))
    while size < limit and first[-1 - size] == second[-1 - size]:
        size += 1
    return size


def _best_root(base: list[Parts], new: list[Parts]) -> tuple[Parts, Parts] | None:
    """The (base folder, new folder) pair under which most files have the same relative path."""
    namesakes: dict[str, list[Parts]] = defaultdict(list)
    for parts in new:
        namesakes[parts[-1]].append(parts)
    base_names = Counter(parts[-1] for parts in base)
    votes: Counter[tuple[Parts, Parts]] = Counter()
    for parts in base:
        others = namesakes.get(parts[-1], [])
        if len(others) > _MAX_NAMESAKES or base_names[parts[-1]] > _MAX_NAMESAKES:
            continue
        for other in others:
            size = _shared_suffix(parts, other)
            votes[(parts[: len(parts) - size], other[: len(other) - size])] += 1
    if not votes:
        return None
    return min(votes, key=lambda roots: (-votes[roots], len(roots[0]) + len(roots[1]), roots))


def _below(parts: Parts, root: Parts) -> bool:
    return parts[: len(root)] == root and len(parts) > len(root)


def _rerooted(base: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables with the program's own files named below their shared roots."""
    files = [
        {file: _parts(file) for file in dict.fromkeys(table["file"]) if is_source_file(file)}
        for table in (base, new)
    ]
    if files[0].keys() == files[1].keys():
        return base, new
    names: list[dict[str, str]] = [{}, {}]
    left, right = dict(files[0]), dict(files[1])
    for _ in range(_MAX_ROOTS):
        roots = _best_root(list(left.values()), list(right.values()))
        if roots is None:
            break
        for side, pending, root in ((0, left, roots[0]), (1, right, roots[1])):
            for file, parts in list(pending.items()):
                if _below(parts, root):
                    names[side][file] = dotted_below("/".join(parts[len(root) :]), "")
                    del pending[file]
    return tuple(  # type: ignore[return-value]
        table.assign(
            module=text_column(
                [
                    found.get(file, module)
                    for file, module in zip(table["file"], table["module"], strict=True)
                ],
                table.index,
            )
        )
        if found
        else table
        for table, found in zip((base, new), names, strict=True)
    )


def pair_functions(base: pd.DataFrame, new: pd.DataFrame) -> Pairing:
    """Pair the rows of two ``Profile.functions`` tables."""
    keys = ["module", "name"]
    base, new = _rerooted(_stable_names(base), _stable_names(new))
    base_keys = base[keys].reset_index()
    new_keys = new[keys].reset_index()
    base_shared = base_keys.duplicated(keys, keep=False).to_numpy()  # a key of several rows
    new_shared = new_keys.duplicated(keys, keep=False).to_numpy()
    single_base = base_keys[~base_shared]
    single_new = new_keys[~new_shared]
    simple = single_base.merge(single_new, on=keys, suffixes=("_base", "_new"))
    pairs: list[tuple[int, int]] = list(
        zip(simple["id_base"].tolist(), simple["id_new"].tolist(), strict=True)
    )
    ambiguous: list[dict] = []
    multi_base = base_keys[base_shared]
    multi_new = new_keys[new_shared]
    group_keys = pd.concat([multi_base[keys], multi_new[keys]]).drop_duplicates()
    for module, name in group_keys.itertuples(index=False):
        b = base[(base["module"] == module) & (base["name"] == name)]
        n = new[(new["module"] == module) & (new["name"] == name)]
        chosen, inexact = _aligned(b, n)
        pairs += chosen
        if inexact or (len(b) != len(n) and len(b) and len(n)):
            ambiguous.append(
                {
                    "module": module,
                    "name": name,
                    "base_lines": sorted(b["line"].tolist()),
                    "new_lines": sorted(n["line"].tolist()),
                    "paired_lines": sorted(
                        (int(base.at[b_id, "line"]), int(new.at[n_id, "line"]))
                        for b_id, n_id in chosen
                    ),
                }
            )
    pairs += _loose_pairs(base, new, pairs)
    paired = pd.DataFrame(pairs, columns=["base_id", "new_id"], dtype=np.int64)
    removed = base.index.difference(paired["base_id"])
    added = new.index.difference(paired["new_id"])
    table = pd.concat(
        [
            paired,
            pd.DataFrame({"base_id": removed.to_numpy(np.int64), "new_id": -1}),
            pd.DataFrame({"base_id": -1, "new_id": added.to_numpy(np.int64)}),
        ],
        ignore_index=True,
    )
    return Pairing(
        table,
        pd.DataFrame(
            ambiguous, columns=["module", "name", "base_lines", "new_lines", "paired_lines"]
        ),
    )


def _loose_pairs(
    base: pd.DataFrame, new: pd.DataFrame, pairs: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Rules 2 and 3 of the module docstring, for functions that rule 1 left unpaired."""
    left = base.loc[base.index.difference([b for b, _ in pairs])]
    right = new.loc[new.index.difference([n for _, n in pairs])]
    if left.empty or right.empty:
        return []
    left, right = _loose_key(left), _loose_key(right)
    merged = left.merge(right, on="loose", suffixes=("_base", "_new"))
    return [
        (int(b_id), int(n_id))
        for b_id, n_id, b_module, n_module in zip(
            merged["id_base"],
            merged["id_new"],
            merged["module_base"],
            merged["module_new"],
            strict=True,
        )
        if _suffix_related(b_module, n_module)
    ]


def _loose_key(functions: pd.DataFrame) -> pd.DataFrame:
    """Built-ins by bare name; others by name and last module component; unique keys only."""
    last = functions["module"].str.rsplit(".", n=1).str[-1]
    loose = np.where(
        functions["builtin"].to_numpy(bool),
        "~ " + functions["function"].astype(object),
        functions["name"].astype(object) + " " + last.astype(object),
    )
    keyed = pd.DataFrame({"id": functions.index, "module": functions["module"], "loose": loose})
    return keyed[~keyed["loose"].duplicated(keep=False)]
