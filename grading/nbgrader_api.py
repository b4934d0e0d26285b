"""A thin bridge to nbgrader's Python API, configured for one course layout."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from traitlets.config import Config

from grading.layout import CourseLayout, configure

__all__ = ["NbgraderError", "api_for", "run"]


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def api_for(layout: CourseLayout, cell_timeout: int | None = None,
            kernels: Config | None = None):
    """An ``NbGraderAPI`` bound to ``layout`` with this course's settings (no config files
    read); ``kernels`` adds settings of the kernels that run the notebooks (the grading
    sandbox's: :meth:`grading.sandbox.Sandbox.kernel_config`)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _put_environment_on_path()
    layout.grading.mkdir(parents=True, exist_ok=True)  # the gradebook's folder
    config = Config()
    configure(config, layout.root, cell_timeout=cell_timeout)
    if kernels is not None:
        config.merge(kernels)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    return api


def _put_environment_on_path() -> None:
    """nbgrader runs the ``alembic`` command to create a gradebook: make sure the one
    installed beside this Python is found even when the virtual environment is not activated."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def run(result: dict, what: str) -> str:
    """Check an nbgrader API result; return its log or raise :class:`NbgraderError`."""
    log = result.get("log", "")
    if not result.get("success"):
        detail = (result.get("error") or "").strip().splitlines()
        last = detail[-1] if detail else "no error message"
        errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
        raise NbgraderError("\n".join([f"{what} failed: {last}", *errors[-5:]]))
    return log


def submitted_notebook(layout: CourseLayout, student: str, chapter: str) -> Path:
    return layout.submitted / student / chapter / f"{chapter}.ipynb"
