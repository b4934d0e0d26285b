"""``dlcourse collect SRC``: bring an LMS download into nbgrader's submitted folder.

``SRC/<student_id>/*.ipynb`` is the shape an LMS download unpacks to. Each notebook
is matched to its chapter by its nbgrader cell ids — the file name is whatever the
student's browser made of it (``01_perceptron (1).ipynb``, ``Untitled.ipynb``) — and
copied to ``grading/submitted/<student_id>/<chapter>/<chapter>.ipynb``. Files that
cannot be matched are reported with the reason; a file that cannot even be read but
whose name points at a chapter is recorded as a failed submission of that chapter,
so the grade table shows it instead of a silent 0.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grading.autograde import Kind, Outcome
from grading.layout import CourseLayout
from grading.notebooks import NotebookProblem, chapter_of, nbgrader_meta, read_notebook
from grading.status import StatusBook

__all__ = ["CollectReport", "collect", "chapter_cell_ids"]

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")


@dataclass
class CollectReport:
    collected: list[tuple[str, str, str]] = field(default_factory=list)  # student, chapter, file
    problems: list[str] = field(default_factory=list)


def chapter_cell_ids(layout: CourseLayout) -> dict[str, set[str]]:
    """The nbgrader grade ids of each released chapter notebook."""
    ids = {}
    for chapter in layout.chapters():
        path = layout.release_notebook(chapter)
        if path.is_file():
            nb = read_notebook(path)
            ids[chapter] = {nbgrader_meta(c).get("grade_id") for c in nb.cells} - {None}
    return ids


def _chapter_from_name(name: str, chapters: list[str]) -> str | None:
    stem = name.lower()
    return next((c for c in chapters if stem.startswith(c.lower())), None)


def collect(layout: CourseLayout, source: Path) -> CollectReport:
    """Copy every matchable notebook under ``source`` into the submitted folder."""
    source = Path(source)
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is not a folder: expected SRC/<student_id>/*.ipynb")
    chapters = chapter_cell_ids(layout)
    if not chapters:
        raise FileNotFoundError(f"no released chapters in {layout.course}: run `dlcourse release`")
    report = CollectReport()
    status = StatusBook(layout.status_file)
    for student_dir in sorted(p for p in source.iterdir() if p.is_dir()):
        student = student_dir.name
        if not _STUDENT_ID.match(student):
            report.problems.append(f"{student_dir}: {student!r} is not a usable student id "
                                   "(letters, digits and . _ @ + - only); skipped")
            continue
        chosen: dict[str, Path] = {}
        notebooks = sorted(p for p in student_dir.rglob("*.ipynb")
                           if ".ipynb_checkpoints" not in p.parts)
        if not notebooks:
            report.problems.append(f"{student}: no .ipynb files in {student_dir}")
        for path in notebooks:
            rel = path.relative_to(source)
            try:
                nb = read_notebook(path)
            except NotebookProblem as problem:
                named = _chapter_from_name(path.name, sorted(chapters))
                if named:
                    status.record(Outcome(student, named).fail(Kind.INVALID, str(problem)))
                    _remove_submission(layout, student, named)
                    report.problems.append(f"{rel}: {problem}; recorded as a failed "
                                           f"submission of {named} (by its file name)")
                else:
                    report.problems.append(f"{rel}: {problem}; not matched to any chapter")
                continue
            chapter = chapter_of(nb, chapters)
            if chapter is None:
                report.problems.append(f"{rel}: none of its cells carries a chapter's nbgrader "
                                       "id (was it created outside the course notebook?); "
                                       "not matched to any chapter")
                continue
            if chapter in chosen:
                older, newer = sorted([chosen[chapter], path], key=lambda p: p.stat().st_mtime)
                report.problems.append(f"{student}: two notebooks of {chapter} "
                                       f"({older.name!r}, {newer.name!r}); using the newer, "
                                       f"{newer.name!r}")
                path = newer
            chosen[chapter] = path
        for chapter, path in sorted(chosen.items()):
            target = layout.submitted_notebook(student, chapter)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            status.discard(student, chapter)  # a new submission: not graded yet
            report.collected.append((student, chapter, str(path.relative_to(source))))
    status.save()
    return report


def _remove_submission(layout: CourseLayout, student: str, chapter: str) -> None:
    stale = layout.submitted / student / chapter
    if stale.is_dir():
        shutil.rmtree(stale)
