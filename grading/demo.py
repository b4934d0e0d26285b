"""``dlcourse demo``: the instructor's whole flow on the sample submissions, in a scratch copy.

``samples/<student>/*.ipynb`` at the repository root (outside every package, so never
installed): a full solution, an untouched student notebook, a partly wrong one and a file
broken in transit. The demo
copies the course to a scratch folder (so the instructor's own gradebook is never
touched) and runs release, collect, grade, feedback and export there, printing each
step and the grade table.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from grading.layout import CourseLayout

__all__ = ["run_demo", "samples_folder"]


def _step(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def samples_folder(root: Path) -> Path:
    """The sample submissions of the course repository at ``root``."""
    return Path(root) / "samples"


def run_demo(root: Path, workdir: Path | None = None, jobs: int = 2) -> int:
    """Run the demo for the course at ``root``; return the exit status (0 = as expected)."""
    from grading.cli import main as dlcourse

    samples = samples_folder(root)
    if not samples.is_dir():
        raise FileNotFoundError(f"no sample submissions at {samples}")
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="dlcourse-demo-"))
    scratch = CourseLayout(base / "course-copy")
    if scratch.root.exists():
        shutil.rmtree(scratch.root)
    source = CourseLayout(Path(root))
    shutil.copytree(source.solutions, scratch.solutions)
    shutil.copytree(source.course, scratch.course)
    shutil.copy(source.root / "nbgrader_config.py", scratch.root / "nbgrader_config.py")
    chapters = sorted({p.stem.split(" ")[0] for p in samples.rglob("*.ipynb")}
                      & set(scratch.chapters())) or scratch.chapters()[:1]
    r = ["--root", str(scratch.root)]
    print(f"demo course copy: {scratch.root}")

    _step("1. release: prove the solution, generate the student notebook")
    if dlcourse([*r, "release", *chapters]) != 0:
        return 1
    _step(f"2. collect: import {samples} (as an LMS download unpacks)")
    dlcourse([*r, "collect", str(samples)])
    _step(f"3. grade: {jobs} parallel workers")
    dlcourse([*r, "grade", "--jobs", str(jobs), "--quiet"])  # non-zero: the broken file
    _step("4. feedback: one HTML page per graded submission")
    dlcourse([*r, "feedback"])
    _step("5. export: the grade table")
    csv_path = base / "grades.csv"
    dlcourse([*r, "export", str(csv_path), "--chapters", *chapters])
    print(f"\nEverything the demo made is in {base}: open the feedback pages in "
          f"{scratch.feedback} in a browser.")
    return 0
