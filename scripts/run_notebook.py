"""Execute a notebook headless with this Python's own kernel; keep the executed copy and HTML.

    .venv/bin/python scripts/run_notebook.py notebooks/exploration.ipynb --out reports/notebook

The kernel is always the interpreter running this script (ipykernel's built-in ``python3``
spec, which runs ``sys.executable``), never a ``python3`` kernel spec installed elsewhere on the
machine: the notebook runs against the project's .venv wherever it was created. Cells run in
the notebook's folder, as in Jupyter. Writes OUT/NAME.ipynb (with outputs) and, when nbconvert is
installed, OUT/NAME.html; a failing cell stops the run (exit 1) after the partial copy is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets import default

KERNEL = "python3"  # ipykernel's native spec: [sys.executable, -m, ipykernel_launcher, ...]


class ThisPythonKernel(AsyncKernelManager):
    """Starts ipykernel with this interpreter: no kernel folders are searched, so only the
    native spec (``sys.executable``) can answer to ``python3``."""

    @default("kernel_spec_manager")
    def _only_the_native_spec(self) -> KernelSpecManager:
        return KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)


def execute(
    notebook: nbformat.NotebookNode, folder: Path, *, timeout: int = 600, progress: bool = False
) -> None:
    """Run every cell of ``notebook`` in ``folder``, keeping the outputs in the notebook;
    raises ``CellExecutionError`` at the first failing cell (outputs up to it are kept)."""
    code_cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    done = 0

    def show(cell: nbformat.NotebookNode, **_: object) -> None:
        nonlocal done
        if cell.cell_type == "code":
            done += 1
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            print(f"[{done}/{code_cells}] {first[:70]}", flush=True)

    client = NotebookClient(
        notebook,
        kernel_manager_class=ThisPythonKernel,
        kernel_name=KERNEL,
        timeout=timeout,
        resources={"metadata": {"path": str(folder)}},
        on_cell_execute=show if progress else None,
    )
    client.execute()


def write_copies(notebook: nbformat.NotebookNode, out: Path, name: str) -> list[Path]:
    """OUT/NAME.ipynb and, with nbconvert, OUT/NAME.html (images embedded)."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"{name}.ipynb"]
    nbformat.write(notebook, written[0])
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        return written
    html, _ = HTMLExporter().from_notebook_node(notebook)
    written.append(out / f"{name}.html")
    written[-1].write_text(html, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, default=Path("reports/notebook"))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"run_notebook: error: {args.notebook}: no such notebook", file=sys.stderr)
        return 2
    started = time.monotonic()
    notebook = nbformat.read(args.notebook, as_version=4)
    try:
        execute(notebook, args.notebook.resolve().parent, timeout=args.timeout, progress=True)
    except CellExecutionError as exc:
        written = write_copies(notebook, args.out, args.notebook.stem)
        print(
            f"run_notebook: a cell failed (outputs so far: {written[0]}):\n{exc}", file=sys.stderr
        )
        return 1
    for path in write_copies(notebook, args.out, args.notebook.stem):
        print(f"written: {path}")
    print(f"executed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
