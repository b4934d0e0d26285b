"""Where everything lives in a course repository, and nbgrader's settings for it.

The repository root holds ``solutions/`` (nbgrader's source folder), ``course/``
(its release folder) and ``grading/``, under which nbgrader keeps the submitted,
autograded and feedback folders and the sqlite gradebook — none of them committed.
``nbgrader_config.py`` at the root calls :func:`configure`, so plain ``nbgrader``
commands and ``dlcourse`` read the same settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CourseLayout", "configure", "find_root", "COURSE_ID", "DEFAULT_CELL_TIMEOUT"]

COURSE_ID = "dlcourse"     # nbgrader's course id, in the gradebook and its settings
DEFAULT_CELL_TIMEOUT = 30  # seconds per notebook cell while grading


@dataclass(frozen=True)
class CourseLayout:
    """The folders of one course repository, rooted at ``root``."""

    root: Path

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def grading(self) -> Path:
        return self.root / "grading"

    @property
    def submitted(self) -> Path:
        return self.grading / "submitted"

    @property
    def autograded(self) -> Path:
        return self.grading / "autograded"

    @property
    def feedback(self) -> Path:
        return self.grading / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.grading / "gradebook.db"

    @property
    def status_file(self) -> Path:
        """Each submission's outcome (``graded`` / ``failed: …``), beside the gradebook."""
        return self.grading / "status.json"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    def chapters(self) -> list[str]:
        """The chapter ids, e.g. ``01_perceptron``, in course order."""
        if not self.solutions.is_dir():
            return []
        return sorted(
            d.name
            for d in self.solutions.iterdir()
            if d.is_dir() and (d / f"{d.name}.ipynb").is_file()
        )

    def source_notebook(self, chapter: str) -> Path:
        return self.solutions / chapter / f"{chapter}.ipynb"

    def release_notebook(self, chapter: str) -> Path:
        return self.course / chapter / f"{chapter}.ipynb"

    def submitted_notebook(self, student: str, chapter: str) -> Path:
        return self.submitted / student / chapter / f"{chapter}.ipynb"

    def autograded_notebook(self, student: str, chapter: str) -> Path:
        return self.autograded / student / chapter / f"{chapter}.ipynb"

    def feedback_page(self, student: str, chapter: str) -> Path:
        return self.feedback / student / chapter / f"{chapter}.html"

    def open_gradebook(self):
        """nbgrader's gradebook of this course, as a context manager (``with … as gb``)."""
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, COURSE_ID)


def configure(c, root: str | os.PathLike, cell_timeout: int | None = None) -> None:
    """Fill an nbgrader traitlets config ``c`` with this layout's settings.

    Parameters
    ----------
    c : traitlets.config.Config
        The config object (``c`` inside ``nbgrader_config.py``).
    root : path
        The course repository root.
    cell_timeout : int, optional
        Seconds a single cell may run while grading; default 30, or the environment
        variable ``DLCOURSE_CELL_TIMEOUT``.
    """
    layout = CourseLayout(Path(root).resolve())
    if cell_timeout is None:
        cell_timeout = int(os.environ.get("DLCOURSE_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT))
    c.CourseDirectory.root = str(layout.root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "course"
    c.CourseDirectory.submitted_directory = "grading/submitted"
    c.CourseDirectory.autograded_directory = "grading/autograded"
    c.CourseDirectory.feedback_directory = "grading/feedback"
    c.CourseDirectory.solution_directory = "grading/solution"
    c.CourseDirectory.db_url = layout.db_url
    # Never pick up the notebook checkpoints or caches as part of an assignment.
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    # Stop each kernel as soon as its notebook has run: a graceful shutdown only adds
    # idle seconds per submission, and everything worth keeping is already recorded.
    c.Execute.shutdown_kernel = "immediate"
    # Graded cells that a student deleted come back from the gradebook.
    c.OverwriteCells.add_missing_cells = True
    # Keep huge outputs (a cell printing 100 MB) out of the autograded notebook.
    c.LimitOutput.max_lines = 200
    c.LimitOutputSize.max_chars = 20_000
    c.Autograde.autograde_preprocessors = _autograde_preprocessors()
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}


def _autograde_preprocessors() -> list:
    """nbgrader's autograde steps, with :class:`LimitOutputSize` after ``LimitOutput``."""
    from nbgrader.converters import Autograde

    from grading.preprocessors import LimitOutputSize

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    names = [step.__name__ for step in steps]
    steps.insert(names.index("LimitOutput") + 1, LimitOutputSize)
    return steps


def find_root(start: str | os.PathLike | None = None) -> Path:
    """The course root: ``DLCOURSE_ROOT``, else the nearest folder up from ``start``
    (default: the current directory) holding ``nbgrader_config.py`` and ``solutions/``.

    Raises
    ------
    FileNotFoundError
        When no such folder exists, with what to do about it.
    """
    if os.environ.get("DLCOURSE_ROOT"):
        return Path(os.environ["DLCOURSE_ROOT"]).resolve()
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir():
            return folder
    raise FileNotFoundError(
        f"no course found at or above {here}: run dlcourse from inside the course repository "
        "(the folder with nbgrader_config.py and solutions/), or pass --root."
    )
