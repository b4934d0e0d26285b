"""``dlcourse export grades.csv``: one row per student and chapter, never a silent 0.

Columns: ``student, chapter, score, max_score, status, needs_manual_grade``. The status
is ``graded``, ``flagged: <reason>`` (score withheld until the instructor accepts it with
``dlcourse accept``; then ``graded (accepted after review)``), ``failed: <reason>``
(score left empty) or ``missing`` (no submission; score 0). Scores come from nbgrader's
gradebook, so manual grades entered in the formgrader are included; reasons come from
``grading/status.json``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from grading.layout import CourseLayout
from grading.status import StatusBook, kind_of

__all__ = ["grade_rows", "export_csv", "format_table"]

COLUMNS = ["student", "chapter", "score", "max_score", "status", "needs_manual_grade"]


def grade_rows(layout: CourseLayout, chapters: list[str] | None = None) -> list[dict]:
    """The grade table as a list of rows (dicts keyed by :data:`COLUMNS`)."""
    from nbgrader.api import MissingEntry

    status = StatusBook(layout.status_file)
    chapters = chapters or layout.chapters()
    rows = []
    if not layout.gradebook.is_file():
        students = sorted({e["student"] for e in status.entries.values()})
        return [_row(s, c, None, None, status.get(s, c)) for s in students for c in chapters]
    with layout.open_gradebook() as gb:
        students = sorted({s.id for s in gb.students} |
                          {e["student"] for e in status.entries.values()})
        for student in students:
            for chapter in chapters:
                try:
                    sub = gb.find_submission(chapter, student)
                    score, max_score = float(sub.score), float(sub.max_score)
                    manual = bool(sub.needs_manual_grade)
                except MissingEntry:
                    score = max_score = manual = None
                rows.append(_row(student, chapter, score, max_score, status.get(student, chapter),
                                 manual))
    return rows


def _row(student, chapter, score, max_score, entry, manual=None) -> dict:
    kind = kind_of(entry) if entry else None
    if kind == "flagged" and entry.get("accepted"):
        state = "graded (accepted after review)"
    elif kind is not None and kind != "graded":
        # a failure has no score, not 0; a flagged score waits for the instructor
        state, score, manual = entry["status"], None, None
        max_score = max_score if max_score is not None else entry.get("max_score")
    elif entry or score is not None:
        state = "graded"
    else:
        state, score = "missing", 0.0
    return {"student": student, "chapter": chapter, "score": _number(score),
            "max_score": _number(max_score), "status": state,
            "needs_manual_grade": "" if manual is None else ("yes" if manual else "no")}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def export_csv(layout: CourseLayout, path: str | Path, chapters: list[str] | None = None) -> int:
    """Write the grade table to ``path``; return the number of rows."""
    rows = grade_rows(layout, chapters)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def format_table(rows: list[dict]) -> str:
    """The rows as an aligned plain-text table."""
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS) for r in rows]
    return "\n".join(lines)
