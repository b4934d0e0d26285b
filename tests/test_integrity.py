"""The static reading of a submission (grading.integrity), on cells written for it."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grading.integrity import hidden_lines, leaked_lines, scan_submission


def _meta(grade_id, **flags):
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "locked": False,
                         "grade": False, "solution": False, **flags}}


def _notebooks(answer: str, extra: str | None = None):
    """(submitted, released, solution) of a one-exercise chapter."""
    imports = new_code_cell("import numpy as np\nfrom grading import checks",
                            metadata=_meta("imports", locked=True))
    test = new_code_cell("checks.assert_close(add_one(np.ones(2)), 2 * np.ones(2), "
                         "exercise='ex1')", metadata=_meta("ex1_test", grade=True, locked=True,
                                                           points=1))
    stub = "def add_one(x):\n    raise NotImplementedError()"
    solution_cell = "def add_one(x):\n    ### BEGIN SOLUTION\n    return x + 1\n" \
                    "    ### END SOLUTION"
    make = lambda src: new_code_cell(src, metadata=_meta("ex1", solution=True))  # noqa: E731
    released = new_notebook(cells=[imports, make(stub), test])
    solution = new_notebook(cells=[imports, make(solution_cell), test])
    submitted = nbformat.from_dict(released)
    submitted.cells[1].source = answer
    if extra is not None:
        submitted.cells.append(new_code_cell(extra))
    return submitted, released, solution


HONEST = "def add_one(x):\n    return x + 1\n"


@pytest.mark.parametrize("answer, extra", [
    (HONEST, None),
    ("import numpy as np\n" + HONEST, None),   # the instructor's own import, again
    (HONEST, "%timeit add_one(np.ones(3))"),  # a harmless magic
    (HONEST, "y = vars(object())"),
])
def test_honest_code_is_not_flagged(answer, extra):
    assert scan_submission(*_notebooks(answer, extra)) == []


@pytest.mark.parametrize("answer, extra, reason, cell, line", [
    (HONEST + "np.allclose = lambda *a, **k: True", None, "changes np.allclose", "ex1", 3),
    (HONEST, "checks = None", "rebinds 'checks'", "cell 4", 1),
    (HONEST, "def add_one(x):\n    return x", "rebinds 'add_one'", "cell 4", 1),
    (HONEST, "!cat /etc/passwd", "drives the notebook's shell", "cell 4", 1),
    (HONEST, "import math\nnp = math", "rebinds 'np'", "cell 4", 2),
    ("import sys\n" + HONEST + "sys.modules['numpy'] = None", None, "sys.modules", "ex1", 4),
    ("def add_one(x):\n    return eval('x + 1')", None, "calls eval()", "ex1", 2),
    ("def add_one(x):\n    f = add_one.__code__\n    return x + 1", None, "__code__", "ex1", 2),
    (HONEST + "setattr(np, 'sum', len)", None, "calls setattr()", "ex1", 3),
    (HONEST + "import ctypes", None, "imports ctypes", "ex1", 3),
    (HONEST + "print(In[-1])", None, "input history (In)", "ex1", 3),
])
def test_tampering_is_found_with_its_cell_and_line(answer, extra, reason, cell, line):
    findings = scan_submission(*_notebooks(answer, extra))
    assert any(reason in f.reason and (f.cell, f.line) == (cell, line) for f in findings), \
        [str(f) for f in findings]


def test_hidden_lines_are_what_the_release_does_not_show():
    _, released, solution = _notebooks(HONEST)
    solution.cells.append(new_code_cell("### BEGIN HIDDEN TESTS\nchecks.assert_close(add_one("
                                        "np.zeros(5)), np.ones(5))\n### END HIDDEN TESTS"))
    secret = hidden_lines(solution, released)
    assert secret == {"checks.assert_close(add_one(np.zeros(5)), np.ones(5))"}
    page = "ok\nchecks.assert_close(add_one(np.zeros(5)), np.ones(5))\n"
    assert leaked_lines(page, secret) == sorted(secret)
    assert leaked_lines(page, secret, own_code=[page]) == []  # the student's own line
