"""``dlcourse merge OTHER_ROOT …``: fold shards graded on other machines into this gradebook.

``dlcourse grade --shard I/N`` on N machines leaves N ``grading/`` folders. Merging
copies each graded submission's scores and comments into this course's gradebook
(replacing an older grading of the same submission), its autograded notebook into
``grading/autograded/`` and its status line into ``grading/status.json``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from grading.grade import prepare_gradebook
from grading.layout import CourseLayout
from grading.status import StatusBook

__all__ = ["merge"]

_GRADE_FIELDS = ("auto_score", "manual_score", "extra_credit", "needs_manual_grade")
_COMMENT_FIELDS = ("auto_comment", "manual_comment")


def merge(layout: CourseLayout, other_root: Path) -> str:
    """Merge the graded submissions under ``other_root/grading`` into ``layout``."""
    from nbgrader.api import MissingEntry

    other = CourseLayout(Path(other_root).resolve())
    if not other.gradebook.is_file():
        raise FileNotFoundError(f"no gradebook at {other.gradebook}: nothing to merge")
    theirs = StatusBook(other.status_file)
    ours = StatusBook(layout.status_file)
    with other.open_gradebook() as src:
        submissions = [(s.assignment.name, s.student.id) for a in src.assignments
                       for s in a.submissions]
    prepare_gradebook(layout, sorted({c for c, _ in submissions}),
                      sorted({s for _, s in submissions}))
    with other.open_gradebook() as src, layout.open_gradebook() as dst:
        for chapter, student in submissions:
            try:
                dst.remove_submission(chapter, student)
            except MissingEntry:
                pass
            sub = src.find_submission(chapter, student)
            dst.add_submission(chapter, student, timestamp=sub.timestamp)
            for notebook in sub.notebooks:
                for grade in notebook.grades:
                    target = dst.find_grade(grade.name, notebook.name, chapter, student)
                    for field in _GRADE_FIELDS:
                        setattr(target, field, getattr(grade, field))
                for comment in notebook.comments:
                    target = dst.find_comment(comment.name, notebook.name, chapter, student)
                    for field in _COMMENT_FIELDS:
                        setattr(target, field, getattr(comment, field))
            dst.db.commit()
            folder = other.autograded / student / chapter
            if folder.is_dir():
                shutil.copytree(folder, layout.autograded / student / chapter, dirs_exist_ok=True)
    for key, entry in theirs.entries.items():
        ours.entries[key] = entry
    ours.save()
    return (f"merged {len(submissions)} graded submission(s) and {len(theirs.entries)} "
            f"status line(s) from {other.grading}")
