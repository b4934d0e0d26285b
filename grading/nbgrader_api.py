"""A thin bridge to nbgrader's Python API, configured for one course layout."""

from __future__ import annotations

import logging
import os
import sys

from traitlets.config import Config

from grading.layout import CourseLayout, configure

__all__ = ["NbgraderError", "api_for", "run"]


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def api_for(layout: CourseLayout, cell_timeout: int | None = None,
            kernels: Config | None = None, db_url: str | None = None):
    """An ``NbGraderAPI`` bound to ``layout`` with this course's settings (no config files
    read); ``kernels`` adds settings of the kernels that run the notebooks (the grading
    sandbox's: :meth:`grading.sandbox.Sandbox.kernel_config`); ``db_url`` puts the
    gradebook elsewhere (a scratch copy that registers chapters in the real one)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _put_environment_on_path()
    layout.grading.mkdir(parents=True, exist_ok=True)  # the gradebook's folder
    config = Config()
    configure(config, layout.root, cell_timeout=cell_timeout)
    if kernels is not None:
        config.merge(kernels)
    if db_url is not None:
        config.CourseDirectory.db_url = db_url
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

