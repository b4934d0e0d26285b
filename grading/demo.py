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

from grading.autograde import Kind
from grading.layout import CourseLayout

__all__ = ["EXPECTED", "run_demo", "samples_folder"]

# How each sample must come out: anything else means the course or the grader is broken.
EXPECTED = {"alice": Kind.GRADED, "bob": Kind.GRADED, "carol": Kind.GRADED,
            "dana": Kind.INVALID}


def _step(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def samples_folder(root: Path) -> Path:
    """The sample submissions of the course repository at ``root``."""
    return Path(root) / "samples"


def run_demo(root: Path, workdir: Path | None = None, jobs: int = 2) -> int:
    """Run the demo for the course at ``root``; return the exit status (0 = as expected).

    Each step is the library function behind the ``dlcourse`` command of the same name,
    and each result is checked: a release that fails, a sample not collected or graded
    otherwise than :data:`EXPECTED` says, or a missing feedback page ends the demo with 1.
    """
    from grading.collect import collect
    from grading.export import export_csv, format_table, grade_rows
    from grading.feedback import write_all_feedback
    from grading.grade import find_submissions, grade_all
    from grading.release import release_chapter

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
    print(f"demo course copy: {scratch.root}")

    _step("1. release: prove the solution, generate the student notebook")
    for chapter in chapters:
        report = release_chapter(scratch, chapter)
        print(f"{'ok  ' if report.ok else 'FAIL'}  {chapter}: {report.n_tests} autograded "
              f"test cells, {report.points:g} points", *report.problems, sep="\n      ")
        if not report.ok:
            return 1
    _step(f"2. collect: import {samples} (as an LMS download unpacks)")
    collected = collect(scratch, samples)
    for student, chapter, name in collected.collected:
        print(f"ok    {student}: {name} -> {chapter}")
    for problem in collected.problems:
        print(f"WARN  {problem}")
    _step(f"3. grade: {jobs} parallel workers, each kernel in a sandbox")
    outcomes = grade_all(scratch, find_submissions(scratch, chapters), workers=jobs,
                         on_result=lambda o: print(o.summary(), flush=True))
    kinds = {o.student: o.kind for o in outcomes}
    kinds.update({e["student"]: Kind(e["kind"]) for e in _status_entries(scratch)
                  if e["student"] not in kinds})
    unexpected = {s: k.value for s, k in kinds.items() if EXPECTED.get(s) != k}
    _step("4. feedback: one HTML page per graded submission")
    pages, skipped = write_all_feedback(scratch, chapters)
    for page in pages:
        print(f"ok    {page.relative_to(scratch.root)}")
    for note in skipped:
        print(f"skip  {note}")
    _step("5. export: the grade table")
    csv_path = base / "grades.csv"
    export_csv(scratch, csv_path, chapters)
    print(format_table(grade_rows(scratch, chapters)))
    print(f"\nEverything the demo made is in {base}: open the feedback pages in "
          f"{scratch.feedback} in a browser.")
    if unexpected or len(pages) != sum(k == Kind.GRADED for k in EXPECTED.values()):
        print(f"UNEXPECTED: {unexpected or 'feedback pages missing'}")
        return 1
    return 0


def _status_entries(layout: CourseLayout) -> list[dict]:
    from grading.status import StatusBook

    return list(StatusBook(layout.status_file).entries.values())
