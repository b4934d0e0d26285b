"""Reading, classifying and executing course notebooks (nbformat / nbclient helpers)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = [
    "NotebookProblem",
    "read_notebook",
    "nbgrader_meta",
    "graded_test_cells",
    "chapter_of",
    "execute",
    "error_of",
]


class NotebookProblem(ValueError):
    """A file that cannot be used as a notebook; the message says why."""


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, turning every way it can be broken into one clear error.

    Raises
    ------
    NotebookProblem
        For an empty file, invalid JSON, or JSON that is not a notebook.
    """
    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise NotebookProblem(f"{path.name} is empty (0 notebook cells, {len(raw)} bytes)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise NotebookProblem(f"{path.name} is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise NotebookProblem(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise NotebookProblem(f"{path.name} is JSON but not a Jupyter notebook (no cells)")
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except Exception as exc:  # nbformat raises several kinds for malformed notebooks
        raise NotebookProblem(f"{path.name} is not a readable notebook: {exc}") from None


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def graded_test_cells(nb) -> dict[str, dict]:
    """Autograded test cells by grade id: ``{grade_id: {"points": p, "index": i}}``."""
    cells = {}
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cells[meta["grade_id"]] = {"points": float(meta.get("points", 0)), "index": index}
    return cells


def chapter_of(nb, chapters_cells: dict[str, set[str]]) -> str | None:
    """The chapter whose nbgrader cell ids best match the notebook's, or None.

    ``chapters_cells`` maps each chapter to the grade ids of its released notebook.
    A notebook belongs to the chapter with which it shares the most ids.
    """
    ids = {nbgrader_meta(c).get("grade_id") for c in nb.cells} - {None}
    best, best_overlap = None, 0
    for chapter, chapter_ids in sorted(chapters_cells.items()):
        overlap = len(ids & chapter_ids)
        if overlap > best_overlap:
            best, best_overlap = chapter, overlap
    return best


def execute(path: str | Path, timeout: int = 60, kernel_name: str = "python3"):
    """Run every cell of the notebook at ``path`` (errors kept in the outputs), return it.

    The notebook runs in its own folder, as a student's would.
    """
    path = Path(path)
    nb = read_notebook(path)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def error_of(cell) -> str | None:
    """``"Name: message"`` of the first error output of a cell, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return None
