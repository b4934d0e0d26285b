"""``dlcourse release``: generate student notebooks from solutions, and prove them.

A chapter is released only when its solution notebook passes every one of its own
graded tests and the generated student notebook fails every one of them: a test
that a stub passes gives free points, and a solution that fails its own test is a
broken exercise. Both are refused with the cell ids named.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grading.autograde import autograde_one, cell_scores
from grading.layout import CourseLayout
from grading.nbgrader_api import api_for, run
from grading.notebooks import error_of, execute, graded_test_cells, nbgrader_meta, read_notebook

__all__ = ["ReleaseReport", "release_chapter", "register_chapter", "generate",
           "check_up_to_date"]


@dataclass
class ReleaseReport:
    """What releasing one chapter found."""

    chapter: str
    problems: list[str] = field(default_factory=list)
    n_tests: int = 0
    points: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def generate(layout: CourseLayout, chapter: str) -> Path:
    """Run nbgrader's ``generate_assignment`` for ``chapter`` in ``layout``; return the notebook."""
    if not layout.source_notebook(chapter).is_file():
        raise FileNotFoundError(
            f"no solution notebook for chapter {chapter!r}: expected "
            f"{layout.source_notebook(chapter)}"
        )
    run(api_for(layout).generate_assignment(chapter, force=True, create=True),
        f"nbgrader generate_assignment {chapter}")
    return layout.release_notebook(chapter)


def _scratch_copy(layout: CourseLayout, chapter: str, scratch: Path) -> CourseLayout:
    """A throw-away course root holding only ``chapter``'s solution folder."""
    tmp = CourseLayout(scratch)
    shutil.copytree(layout.solutions / chapter, tmp.solutions / chapter,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return tmp


def register_chapter(layout: CourseLayout, chapter: str) -> None:
    """Tell ``layout``'s gradebook about ``chapter`` (its notebooks, graded cells and
    points) without writing ``course/``: generated in a scratch folder whose gradebook is
    the course's own."""
    with tempfile.TemporaryDirectory(prefix=f"dlcourse-register-{chapter}-") as scratch:
        tmp = _scratch_copy(layout, chapter, Path(scratch))
        run(api_for(tmp, db_url=layout.db_url).generate_assignment(chapter, force=True,
                                                                   create=True),
            f"nbgrader generate_assignment {chapter}")


def release_chapter(layout: CourseLayout, chapter: str, verify: bool = True) -> ReleaseReport:
    """Generate ``course/<chapter>`` from ``solutions/<chapter>`` after proving both notebooks.

    The student notebook is generated and both notebooks are executed in a scratch
    folder first; ``course/`` and the gradebook are touched only when every check holds.
    """
    report = ReleaseReport(chapter)
    with tempfile.TemporaryDirectory(prefix=f"dlcourse-release-{chapter}-") as scratch:
        tmp = _scratch_copy(layout, chapter, Path(scratch))
        released = generate(tmp, chapter)
        student_nb = read_notebook(released)
        tests = graded_test_cells(student_nb)
        report.n_tests = len(tests)
        report.points = sum(float(nbgrader_meta(c).get("points", 0)) for c in student_nb.cells
                            if nbgrader_meta(c).get("grade"))
        if not tests:
            report.problems.append(f"{chapter}: the notebook has no autograded test cells")
        if verify:
            report.problems += _verify(tmp, chapter, tests)
    if report.ok:
        generate(layout, chapter)
    return report


_UNTOUCHED = "untouched-release-check"


def _verify(tmp: CourseLayout, chapter: str, tests: dict[str, dict]) -> list[str]:
    problems = []
    solved = execute(tmp.source_notebook(chapter))
    for index, cell in enumerate(solved.cells):
        error = error_of(cell) if cell.cell_type == "code" else None
        if error:
            where = nbgrader_meta(cell).get("grade_id") or f"cell {index}"
            problems.append(f"{chapter}: the solution notebook fails {where}: {error}")
    # Hidden tests are blank in the student notebook, so grade it as a submission:
    # the autograder puts them back, exactly as it will for every student.
    submission = tmp.submitted_notebook(_UNTOUCHED, chapter)
    submission.parent.mkdir(parents=True)
    shutil.copy(tmp.release_notebook(chapter), submission)
    outcome = autograde_one(tmp, _UNTOUCHED, chapter)
    if not outcome.graded:
        problems.append(f"{chapter}: the untouched student notebook could not be graded: "
                        f"{outcome.status}")
        return problems
    for grade_id, score in cell_scores(tmp, _UNTOUCHED, chapter).items():
        if grade_id in tests and score > 0:
            problems.append(
                f"{chapter}: the untouched student notebook scores {score:g} on graded test "
                f"{grade_id}: the test passes before any work is done"
            )
    return problems


def check_up_to_date(layout: CourseLayout, chapter: str) -> list[str]:
    """Differences between ``course/<chapter>`` and a fresh generation from ``solutions/``."""
    with tempfile.TemporaryDirectory(prefix=f"dlcourse-check-{chapter}-") as scratch:
        tmp = _scratch_copy(layout, chapter, Path(scratch))
        generate(tmp, chapter)
        fresh, committed = tmp.course / chapter, layout.course / chapter
        if not committed.is_dir():
            return [f"{committed} is missing: run `dlcourse release {chapter}`"]
        comparison = filecmp.dircmp(fresh, committed, ignore=[".ipynb_checkpoints"])
        stale = _differences(comparison)
        return [f"{chapter}: {name} differs from solutions/: run `dlcourse release {chapter}`"
                for name in stale]


def _differences(cmp: filecmp.dircmp, prefix: str = "") -> list[str]:
    names = [prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for sub, sub_cmp in cmp.subdirs.items():
        names += _differences(sub_cmp, prefix + sub + "/")
    return names
