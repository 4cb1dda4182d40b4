"""notebooks/exploration.ipynb executed headless (nbclient) in this interpreter's kernel, the way
``make notebook`` runs it: every cell must run, and the outputs must hold the numbers and plots
the notebook promises."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from scripts.run_notebook import execute, write_copies

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "exploration.ipynb"
COMMITTED_BASELINE = ROOT / "profiles" / "seed-baseline.stats"


def test_the_committed_notebook_has_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


def _outputs(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.outputs:
        parts.append(output.get("text", ""))
        parts += [str(value) for value in output.get("data", {}).values()]
    return "\n".join(parts)


def _cell(notebook: nbformat.NotebookNode, starts: str) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if cell.source.startswith(starts))


@pytest.fixture(scope="module")
def executed(
    tmp_path_factory: pytest.TempPathFactory, autotag_runs: dict[str, Path]
) -> nbformat.NotebookNode:
    """The notebook run with no demo runs at hand: it profiles a fresh lazy run itself; the
    baseline is the committed profile, else this session's own seed-baseline run."""
    empty_demo = tmp_path_factory.mktemp("no-demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PERFKIT_NOTEBOOK_DEMO", str(empty_demo))
        patch.delenv("PERFKIT_NOTEBOOK_NEW", raising=False)
        if COMMITTED_BASELINE.is_file():
            patch.delenv("PERFKIT_NOTEBOOK_BASELINE", raising=False)
        else:
            patch.setenv("PERFKIT_NOTEBOOK_BASELINE", str(autotag_runs["seed-baseline"]))
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        execute(notebook, NOTEBOOK.parent, timeout=300)  # raises on any cell error
    return notebook


def test_the_notebook_runs_in_this_interpreter_with_a_fresh_run(executed) -> None:
    setup = _outputs(_cell(executed, "%matplotlib inline"))
    assert f"at {sys.executable}" in setup  # the kernel is this .venv's Python
    runs = _outputs(_cell(executed, "WORK = "))
    assert "(fresh lazy run)" in runs
    expected = "(found)" if COMMITTED_BASELINE.is_file() else "($PERFKIT_NOTEBOOK_BASELINE)"
    assert expected in runs


def test_the_notebook_shows_the_numbers_and_plots(executed) -> None:
    seed = _outputs(_cell(executed, "seed = perfkit.validate("))
    assert "get_asset_info: 35,402 calls in the seed's run" in seed
    assert "at 36.73 ms per call" in seed
    scenarios = _outputs(_cell(executed, "seed.scenarios_frame()"))
    assert "3,540 × 36.73 ms = 130.0 s" in scenarios  # the seed's 10 % row
    socket = _outputs(_cell(executed, "socket = "))
    assert "socket I/O seconds" in socket and "%" in socket
    top = _outputs(_cell(executed, "columns = ["))
    assert "cumtime_delta" in top
    # each summary is one output: HTML with its plain-text fallback
    verdict = _cell(executed, "verdict = perfkit.validate(")
    (output,) = verdict.outputs
    assert set(output["data"]) == {"text/html", "text/plain"}
    html = output["data"]["text/html"]
    assert "improvement band" in html and "Key figures" in html and "<script" not in html
    for starts in ("diff = perfkit.compare(", "base, new = ", "verdict.butterflies"):
        (one,) = _cell(executed, starts).outputs
        assert "text/html" in one["data"]
    figures = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert len(figures) == 2  # diff.plot() and verdict.plot()
    stderr = [
        output.text
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stderr"
    ]
    assert not [text for text in stderr if "Warning" in text or "Error" in text], stderr


def test_make_notebook_writes_the_executed_copy_and_html(executed, tmp_path: Path) -> None:
    written = write_copies(executed, tmp_path, "exploration")
    assert [path.name for path in written] == ["exploration.ipynb", "exploration.html"]
    again = json.loads(written[0].read_text())
    assert any(cell.get("outputs") for cell in again["cells"])
    html = written[1].read_text()
    assert "35,402" in html and "data:image/png;base64," in html
