"""Student-like submissions made from a chapter's notebooks (for the demo and the tests).

A *solved* submission is the released notebook with each solution cell filled in the
way a student would: the solution's code without the nbgrader markers. Individual
answers can be replaced (a wrong answer for one exercise) to see that exactly that
exercise loses its points.
"""

from __future__ import annotations

from collections.abc import Mapping

import nbformat

from grading.layout import CourseLayout
from grading.notebooks import nbgrader_meta, read_notebook

__all__ = ["solution_answers", "student_submission"]

_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_answers(layout: CourseLayout, chapter: str) -> dict[str, str]:
    """Each solution cell's answer (markers removed), by grade id."""
    nb = read_notebook(layout.source_notebook(chapter))
    answers = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            lines = [ln for ln in cell.source.splitlines() if ln.strip() not in _MARKERS]
            answers[meta["grade_id"]] = "\n".join(lines)
    return answers


def student_submission(layout: CourseLayout, chapter: str, *, solved: bool = True,
                       overrides: Mapping[str, str] | None = None) -> nbformat.NotebookNode:
    """The released notebook, answered with the solutions (or left untouched) and overrides."""
    nb = read_notebook(layout.release_notebook(chapter))
    answers = solution_answers(layout, chapter) if solved else {}
    answers.update(overrides or {})
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb
