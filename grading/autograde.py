"""Autograde one submission with nbgrader and say plainly how it ended.

nbgrader reports a failed run as a long log; an instructor needs one line, and the
grading tools need to know what happened without reading it. An :class:`Outcome` has
a :class:`Kind` (graded, flagged, invalid notebook, kernel died, timeout, worker died,
failed), a one-line reason, whether the failure may be the machine's rather than the
submission's (``transient``), and for a flagged submission the findings of
:mod:`grading.integrity`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import Enum

from grading.integrity import scan_outputs, scan_submission
from grading.layout import CourseLayout
from grading.nbgrader_api import api_for
from grading.notebooks import NotebookProblem, read_notebook

__all__ = ["Kind", "Outcome", "autograde_one", "cell_scores", "explain_failure"]


class Kind(str, Enum):
    """How grading one submission ended."""

    GRADED = "graded"
    FLAGGED = "flagged"              # scored, but the score waits for the instructor
    INVALID = "invalid notebook"     # not JSON, not a notebook, no file
    KERNEL_DIED = "kernel died"
    TIMEOUT = "timeout"              # a cell ignored its time limit and the interrupt
    WORKER_DIED = "worker died"
    FAILED = "failed"                # anything else nbgrader could not finish


@dataclass
class Outcome:
    """How grading one student's chapter ended."""

    student: str
    chapter: str
    kind: Kind = Kind.FAILED
    reason: str = "not graded"
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool = False
    seconds: float = 0.0
    transient: bool = False          # may be the machine's doing: worth grading once more
    findings: list[dict] = field(default_factory=list)

    @property
    def graded(self) -> bool:
        return self.kind == Kind.GRADED

    @property
    def scored(self) -> bool:
        """Whether nbgrader recorded a score (graded, or flagged for the instructor)."""
        return self.kind in (Kind.GRADED, Kind.FLAGGED)

    @property
    def status(self) -> str:
        """One line for people: ``graded``, ``flagged: …`` or ``failed: …``."""
        if self.kind == Kind.GRADED:
            return "graded"
        if self.kind == Kind.FLAGGED:
            return f"flagged: {self.reason}"
        return f"failed: {self.reason}"

    def summary(self) -> str:
        """The status line ``dlcourse grade`` prints for this submission."""
        score = f"{self.score:g}/{self.max_score:g}" if self.scored else "-"
        mark = "ok  " if self.graded else "FLAG" if self.scored else "FAIL"
        return (f"{mark}  {self.student:<20} {self.chapter:<22} {score:>9}  "
                f"{self.seconds:6.1f}s  {self.status}")

    def fail(self, kind: Kind, reason: str, transient: bool = False) -> Outcome:
        self.kind, self.reason, self.transient = kind, reason, transient
        return self

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["status"] = self.status
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Outcome:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["kind"] = Kind(fields.get("kind", Kind.FAILED.value))
        return cls(**fields)


# nbgrader / nbclient messages: what they mean for the instructor, and whether the
# machine alone (a loaded machine, a kernel dying at start-up) could have caused them
_KNOWN_FAILURES = [
    ("DeadKernelError", Kind.KERNEL_DIED,
     "the kernel died while running the notebook (a crash or os._exit)", True),
    ("Kernel died", Kind.KERNEL_DIED,
     "the kernel died while running the notebook (a crash or os._exit)", True),
    ("Timeout waiting for IOPub output", Kind.TIMEOUT,
     "a cell kept running after its time limit and ignored the interrupt", False),
    ("UnresponsiveKernelError", Kind.KERNEL_DIED, "the kernel stopped responding", True),
    ("CellTimeoutError", Kind.TIMEOUT,
     "a cell exceeded its time limit and could not be stopped", False),
    ("MemoryError", Kind.FAILED, "the notebook ran out of memory outside a cell", False),
    ("NotJSONError", Kind.INVALID, "the notebook is not valid JSON", False),
    ("Notebook does not appear to be JSON", Kind.INVALID, "the notebook is not valid JSON",
     False),
    ("validation error", Kind.INVALID, "the notebook's structure is invalid", False),
]


def explain_failure(text: str) -> tuple[Kind, str, bool]:
    """``(kind, one-line reason, transient)`` of a failed nbgrader run, from its log."""
    for marker, kind, meaning, transient in _KNOWN_FAILURES:
        if marker in text:
            return kind, meaning, transient
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln or "Exception" in ln]
    if not lines:
        return Kind.FAILED, "nbgrader failed without a message", False
    return Kind.FAILED, (errors or lines)[-1][:300], False


def autograde_one(layout: CourseLayout, student: str, chapter: str, api=None) -> Outcome:
    """Autograde ``student``'s submission of ``chapter``; never raises for a bad submission.

    A submission that scored is then read for tampering (:mod:`grading.integrity`):
    with any finding it is ``flagged`` rather than ``graded``.
    """
    start = time.perf_counter()
    outcome = Outcome(student, chapter)
    path = layout.submitted_notebook(student, chapter)
    try:
        submitted = read_notebook(path)
    except FileNotFoundError:
        outcome.fail(Kind.INVALID, f"no submitted notebook at {path}")
    except NotebookProblem as problem:
        outcome.fail(Kind.INVALID, str(problem))
    else:
        api = api or api_for(layout)
        result = api.autograde(chapter, student, force=True, create=True)
        if result.get("success"):
            _read_scores(layout, outcome)
            if outcome.scored:
                _check_integrity(layout, outcome, submitted)
        else:
            text = (result.get("error") or "") + "\n" + (result.get("log") or "")
            outcome.fail(*explain_failure(text))
    outcome.seconds = round(time.perf_counter() - start, 2)
    return outcome


def _check_integrity(layout: CourseLayout, outcome: Outcome, submitted) -> None:
    chapter = outcome.chapter
    findings = scan_submission(submitted, read_notebook(layout.release_notebook(chapter)),
                               read_notebook(layout.source_notebook(chapter)))
    autograded = layout.autograded_notebook(outcome.student, chapter)
    if autograded.is_file():
        findings += scan_outputs(read_notebook(autograded))
    if findings:
        outcome.kind, outcome.reason = Kind.FLAGGED, str(findings[0])
        if len(findings) > 1:
            outcome.reason += f" and {len(findings) - 1} more"
        outcome.findings = [f.to_dict() for f in findings]


def _read_scores(layout: CourseLayout, outcome: Outcome) -> None:
    from nbgrader.api import MissingEntry

    with layout.open_gradebook() as gb:
        try:
            submission = gb.find_submission(outcome.chapter, outcome.student)
        except MissingEntry:
            outcome.fail(Kind.FAILED, "nbgrader recorded no submission")
            return
        outcome.score = float(submission.score)
        outcome.max_score = float(submission.max_score)
        outcome.needs_manual_grade = bool(submission.needs_manual_grade)
        outcome.kind, outcome.reason = Kind.GRADED, ""


def cell_scores(layout: CourseLayout, student: str, chapter: str) -> dict[str, float]:
    """Autograded score of each graded cell of a graded submission, by grade id."""
    with layout.open_gradebook() as gb:
        submission = gb.find_submission(chapter, student)
        return {
            grade.name: float(grade.score)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }
