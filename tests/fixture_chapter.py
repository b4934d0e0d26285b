"""A two-exercise chapter, built in code, that the grading pipeline's tests run on.

It follows the course's notebook conventions (stable grade ids, a visible and a hidden
test cell per exercise, points, a written answer graded by hand) but takes seconds to
execute, so the pipeline can be tested without waiting for the real chapters.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grading.layout import CourseLayout

CHAPTER = "00_fixture"
OTHER_CHAPTER = "00_other"  # the same exercises under other cell ids: a second chapter

SOLUTION_ADD_ONE = '''def add_one(x):
    """Return x + 1 elementwise, as a new array of x's shape."""
    ### BEGIN SOLUTION
    return x + 1
    ### END SOLUTION'''

SOLUTION_MEAN_SQUARE = '''def mean_square(x):
    """Return the mean of x**2 as a Python float."""
    ### BEGIN SOLUTION
    return float(np.mean(x ** 2))
    ### END SOLUTION'''

VISIBLE_ADD_ONE = '''out = checks.call(add_one, np.array([1.0, 2.0]), exercise="ex1_add_one")
checks.assert_close(out, np.array([2.0, 3.0]), exercise="ex1_add_one")'''

HIDDEN_ADD_ONE = '''### BEGIN HIDDEN TESTS
rng = checks.rng()
x = rng.normal(size=(rng.integers(1, 5), rng.integers(1, 5)))
checks.assert_close(checks.call(add_one, x, exercise="ex1_add_one"), x + 1,
                    exercise="ex1_add_one")
### END HIDDEN TESTS'''

VISIBLE_MEAN_SQUARE = '''checks.assert_close(checks.call(mean_square, np.array([1.0, 3.0]),
                                exercise="ex2_mean_square"), 5.0, exercise="ex2_mean_square")'''

HIDDEN_MEAN_SQUARE = '''### BEGIN HIDDEN TESTS
x = checks.rng().normal(size=7)
checks.assert_close(checks.call(mean_square, x, exercise="ex2_mean_square"),
                    float(np.mean(x ** 2)), exercise="ex2_mean_square", batch_size=7)
### END HIDDEN TESTS'''


def _meta(grade_id: str, *, grade: bool, solution: bool, points: float = 0) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": not solution,
            "grade_id": grade_id, "schema_version": 3, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def fixture_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Fixture chapter\nTwo tiny exercises for testing the grading "
                          "pipeline.", metadata=_meta("intro", grade=False, solution=False)),
        new_code_cell("import numpy as np\nfrom grading import checks",
                      metadata=_meta("imports", grade=False, solution=False)),
        new_code_cell(SOLUTION_ADD_ONE, metadata=_meta("ex1_add_one", grade=False, solution=True)),
        new_code_cell(VISIBLE_ADD_ONE,
                      metadata=_meta("ex1_add_one_test", grade=True, solution=False, points=1)),
        new_code_cell(HIDDEN_ADD_ONE,
                      metadata=_meta("ex1_add_one_hidden", grade=True, solution=False, points=2)),
        new_code_cell(SOLUTION_MEAN_SQUARE,
                      metadata=_meta("ex2_mean_square", grade=False, solution=True)),
        new_code_cell(VISIBLE_MEAN_SQUARE, metadata=_meta("ex2_mean_square_test", grade=True,
                                                          solution=False, points=1)),
        new_code_cell(HIDDEN_MEAN_SQUARE, metadata=_meta("ex2_mean_square_hidden", grade=True,
                                                         solution=False, points=2)),
        new_markdown_cell("Why is the mean of squares never negative?\n\n"
                          "### BEGIN SOLUTION\nSquares are non-negative.\n### END SOLUTION",
                          metadata=_meta("q1_written", grade=True, solution=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def build_fixture_course(root: Path, chapters: tuple[str, ...] = (CHAPTER,)) -> CourseLayout:
    """Write a course root with the fixture chapters' solution notebooks.

    ``OTHER_CHAPTER`` gets the same cells with its grade ids prefixed by ``other_``.
    """
    layout = CourseLayout(Path(root))
    for chapter in chapters:
        nb = fixture_notebook()
        if chapter != CHAPTER:
            for cell in nb.cells:
                meta = cell.metadata["nbgrader"]
                meta["grade_id"] = f"other_{meta['grade_id']}"
        path = layout.source_notebook(chapter)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    (layout.root / "nbgrader_config.py").write_text(
        "import os\nfrom grading.layout import configure\n"
        "configure(get_config(), root=os.path.dirname(os.path.abspath(__file__)))\n")
    return layout
