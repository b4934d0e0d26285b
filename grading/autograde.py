"""Autograde one submission with nbgrader and say plainly how it ended.

nbgrader reports a failed run as a long log; an instructor needs one line. An
:class:`Outcome` is either ``graded`` with a score, or ``failed`` with the reason in
words (invalid notebook, kernel died, a cell ignored the time limit, …).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from grading.layout import CourseLayout
from grading.nbgrader_api import api_for, submitted_notebook
from grading.notebooks import NotebookProblem, read_notebook

__all__ = ["Outcome", "autograde_one", "cell_scores", "explain_failure"]


@dataclass
class Outcome:
    """How grading one student's chapter ended."""

    student: str
    chapter: str
    status: str  # "graded" or "failed: <reason>"
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool = False
    seconds: float = 0.0

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    def to_dict(self) -> dict:
        return asdict(self)


# nbgrader / nbclient messages, and what they mean for the instructor
_KNOWN_FAILURES = [
    ("DeadKernelError", "the kernel died while running the notebook (a crash or os._exit)"),
    ("Kernel died", "the kernel died while running the notebook (a crash or os._exit)"),
    ("Timeout waiting for IOPub output",
     "a cell kept running after its time limit and ignored the interrupt"),
    ("UnresponsiveKernelError", "the kernel stopped responding"),
    ("CellTimeoutError", "a cell exceeded its time limit and could not be stopped"),
    ("MemoryError", "the notebook ran out of memory outside a cell"),
    ("NotJSONError", "the notebook is not valid JSON"),
    ("Notebook does not appear to be JSON", "the notebook is not valid JSON"),
    ("validation error", "the notebook's structure is invalid"),
]


def explain_failure(text: str) -> str:
    """One line that says why an nbgrader run failed, from its log and traceback."""
    for marker, meaning in _KNOWN_FAILURES:
        if marker in text:
            return meaning
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln or "Exception" in ln]
    if not lines:
        return "nbgrader failed without a message"
    return (errors or lines)[-1][:300]


def autograde_one(layout: CourseLayout, student: str, chapter: str, api=None) -> Outcome:
    """Autograde ``student``'s submission of ``chapter``; never raises for a bad submission."""
    start = time.perf_counter()
    outcome = Outcome(student, chapter, status="failed: not graded")
    path = submitted_notebook(layout, student, chapter)
    try:
        read_notebook(path)
    except FileNotFoundError:
        outcome.status = f"failed: no submitted notebook at {path}"
    except NotebookProblem as problem:
        outcome.status = f"failed: {problem}"
    else:
        api = api or api_for(layout)
        result = api.autograde(chapter, student, force=True, create=True)
        if result.get("success"):
            _read_scores(layout, outcome)
        else:
            text = (result.get("error") or "") + "\n" + (result.get("log") or "")
            outcome.status = f"failed: {explain_failure(text)}"
    outcome.seconds = round(time.perf_counter() - start, 2)
    return outcome


def _read_scores(layout: CourseLayout, outcome: Outcome) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(layout.db_url, "dlcourse") as gb:
        try:
            submission = gb.find_submission(outcome.chapter, outcome.student)
        except MissingEntry:
            outcome.status = "failed: nbgrader recorded no submission"
            return
        outcome.score = float(submission.score)
        outcome.max_score = float(submission.max_score)
        outcome.needs_manual_grade = bool(submission.needs_manual_grade)
        outcome.status = "graded"


def cell_scores(layout: CourseLayout, student: str, chapter: str) -> dict[str, float]:
    """Autograded score of each graded cell of a graded submission, by grade id."""
    from nbgrader.api import Gradebook

    with Gradebook(layout.db_url, "dlcourse") as gb:
        submission = gb.find_submission(chapter, student)
        return {
            grade.name: float(grade.score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
