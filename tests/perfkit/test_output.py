"""The one writer every output goes through, the JSON value helpers, and names shown as text in
the butterfly tables."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

import perfkit
from perfkit.common.jsonable import json_records, json_value
from perfkit.common.output import write_output, write_text
from perfkit.errors import PerfkitError
from perfkit.render.butterfly_tables import butterfly_tables
from tests.validate.programs import WEIRD_NAMES, profile_weird


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("keep me")

    def half_then_fail(stream) -> None:
        stream.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(PerfkitError, match=r"report.json: cannot write the JSON \(No space"):
        write_output(target, half_then_fail, what="JSON")
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_folders_stdout_permissions_and_folder_targets(tmp_path: Path, capfdbinary) -> None:
    deep = tmp_path / "a" / "b" / "out.txt"
    with pytest.raises(PerfkitError, match="cannot write"):
        write_output(deep, lambda stream: stream.write(b"x"))  # folders only when asked
    assert write_text(deep, "héllo", "summary") == deep and deep.read_bytes() == "héllo".encode()
    mask = os.umask(0o027)
    try:
        write_text(tmp_path / "masked.txt", "x")
    finally:
        os.umask(mask)
    assert (tmp_path / "masked.txt").stat().st_mode & 0o777 == 0o640
    assert write_text("-", "to stdout\n") is None
    assert capfdbinary.readouterr().out == b"to stdout\n"
    with pytest.raises(PerfkitError, match="is a folder; the chart needs a file name"):
        write_text(tmp_path / "a", "x", "chart")


def test_json_values_are_plain() -> None:
    value = {
        1: (np.int64(3), np.float64(0.5), np.bool_(True)),
        "gone": [math.nan, math.inf, -math.inf, pd.NA, None],
    }
    assert json_value(value) == {"1": [3, 0.5, True], "gone": [None] * 5}
    assert type(json_value(np.float64(0.25))) is float
    frame = pd.DataFrame(
        {"n": pd.array([1, None], dtype="Int64"), "t": [0.5, math.nan], "s": ["a", "b"]}
    )
    assert json_records(frame) == [{"n": 1, "t": 0.5, "s": "a"}, {"n": None, "t": None, "s": "b"}]
    assert all(type(row["n"]) in (int, type(None)) for row in json_records(frame))


def test_butterfly_tables_show_names_as_text(tmp_path: Path) -> None:
    base = perfkit.load(profile_weird(tmp_path / "base.stats", calls=4))
    new = perfkit.load(profile_weird(tmp_path / "new.stats", calls=2))
    view = perfkit.compare(base, new).butterfly("re:onerror")
    out = io.StringIO()
    console = Console(file=out, width=400, color_system=None)
    for table in butterfly_tables(view):
        console.print(table)
    text = out.getvalue()
    assert "[bold]rich[/] | pipe" in text  # not taken for markup
    assert "ctrl\\x07\\x1b[31mred\\u2028line" in text and "\x07" not in text
    assert '<script>alert("x")</script>' in text
    assert len(view.functions) == len(WEIRD_NAMES)
