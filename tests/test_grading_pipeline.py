"""The instructor's flow on a fixture course: release, collect, grade, feedback, export, merge.

One class of twelve students covers every robustness case of the grading issue; the
batch is graded once in parallel and once serially, and both must agree exactly.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest
from fixture_chapter import CHAPTER, OTHER_CHAPTER, build_fixture_course

from grading.cli import main as dlcourse
from grading.grade import find_submissions, grade_all, in_shard, parse_shard
from grading.layout import CourseLayout
from grading.notebooks import nbgrader_meta, read_notebook
from grading.release import release_chapter
from grading.samples import student_submission
from grading.status import StatusBook

pytestmark = pytest.mark.slow

WRONG_ADD_ONE = {"ex1_add_one": "def add_one(x):\n    return x + 2"}
# seconds per cell: short enough for the infinite-loop cases, long enough that a 100 MB
# print finishes on a loaded 2-core machine
CELL_TIMEOUT = "12"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> CourseLayout:
    layout = build_fixture_course(tmp_path_factory.mktemp("course"), (CHAPTER, OTHER_CHAPTER))
    for chapter in (CHAPTER, OTHER_CHAPTER):
        assert release_chapter(layout, chapter).ok
    return layout


def _without_cells(nb, prefix: str):
    nb.cells = [c for c in nb.cells if not nbgrader_meta(c).get("grade_id", "").startswith(prefix)]
    return nb


def _emptied_tests(nb):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade") and cell.cell_type == "code":
            cell.source = "pass  # tests removed by the student"
    return nb


def _class_of(layout: CourseLayout) -> dict[str, dict[str, object]]:
    """student -> {file name: notebook or raw bytes}: one student per robustness case."""
    sub = lambda **kw: student_submission(layout, CHAPTER, **kw)  # noqa: E731
    answer = lambda source: sub(overrides={"ex1_add_one": source})  # noqa: E731
    return {
        "alice": {"01 (1).ipynb": sub()},  # full solution, renamed file
        "bob": {"Untitled.ipynb": sub(solved=False)},  # untouched
        "carol": {"00_fixture.ipynb": sub(overrides=WRONG_ADD_ONE)},  # partly wrong
        "dave": {"00_fixture.ipynb": b"{not json"},
        "erin": {"00_fixture.ipynb": b""},
        "frank": {"00_fixture.ipynb": answer("import os\nos._exit(1)")},
        "gina": {"00_fixture.ipynb": answer("import numpy as np\nbig = np.ones(50 * 2**30 // 8)\n"
                                            "def add_one(x):\n    return x + 1")},
        "hank": {"00_fixture.ipynb": answer("while True:\n    pass")},
        "ivan": {"00_fixture.ipynb": answer("import time\nwhile True:\n    try:\n"
                                            "        time.sleep(0.01)\n"
                                            "    except KeyboardInterrupt:\n        pass")},
        "judy": {"00_fixture.ipynb": answer('print("x" * 100_000_000)\n'
                                            "def add_one(x):\n    return x + 1")},
        "kim": {"00_fixture.ipynb": student_submission(layout, OTHER_CHAPTER)},  # other chapter
        "leo": {"mine.ipynb": _without_cells(sub(), "ex2_mean_square_")},  # deleted test cells
        "mia": {"00_fixture.ipynb": _emptied_tests(sub(overrides=WRONG_ADD_ONE))},
        "ned": {"notes.ipynb": nbformat.v4.new_notebook()},  # not a course notebook
    }


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory, monkeypatch_module):
    lms = tmp_path_factory.mktemp("lms")
    for student, files in _class_of(course).items():
        (lms / student).mkdir()
        for name, content in files.items():
            if isinstance(content, bytes):
                (lms / student / name).write_bytes(content)
            else:
                nbformat.write(content, lms / student / name)
    monkeypatch_module.setenv("DLCOURSE_CELL_TIMEOUT", CELL_TIMEOUT)
    assert dlcourse(["--root", str(course.root), "collect", str(lms)]) == 0
    code = dlcourse(["--root", str(course.root), "grade", "--jobs", "2", "--max-seconds", "90",
                     "--quiet"])
    return course, code


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _status(layout: CourseLayout, student: str, chapter: str = CHAPTER) -> dict:
    entry = StatusBook(layout.status_file).get(student, chapter)
    assert entry is not None, f"no status recorded for {student}/{chapter}"
    return entry


def test_release_refuses_a_solution_that_fails_its_own_test(tmp_path):
    layout = build_fixture_course(tmp_path)
    nb = read_notebook(layout.source_notebook(CHAPTER))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "ex2_mean_square":
            cell.source = cell.source.replace("np.mean(x ** 2)", "np.sum(x ** 2)")
    nbformat.write(nb, layout.source_notebook(CHAPTER))
    report = release_chapter(layout, CHAPTER)
    assert not report.ok
    assert any("solution notebook fails ex2_mean_square_test" in p for p in report.problems)
    assert not layout.release_notebook(CHAPTER).exists(), "course/ must stay untouched"


def test_release_refuses_a_test_that_passes_on_the_stub(tmp_path):
    layout = build_fixture_course(tmp_path)
    nb = read_notebook(layout.source_notebook(CHAPTER))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "ex2_mean_square_hidden":
            cell.source = "### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
    nbformat.write(nb, layout.source_notebook(CHAPTER))
    report = release_chapter(layout, CHAPTER)
    assert [p for p in report.problems if "ex2_mean_square_hidden" in p], report.problems
    assert len(report.problems) == 1, report.problems


def test_release_check_reports_a_stale_student_notebook(course, capsys, tmp_path):
    copy = CourseLayout(tmp_path / "copy")  # its own course: the shared one stays as it is
    shutil.copytree(course.root, copy.root, ignore=shutil.ignore_patterns("grading"))
    assert dlcourse(["--root", str(copy.root), "release", "--check", CHAPTER]) == 0
    source = copy.source_notebook(CHAPTER)
    nb = read_notebook(source)
    nb.cells[0].source += "\n\nA new sentence."
    nbformat.write(nb, source)
    assert dlcourse(["--root", str(copy.root), "release", "--check", CHAPTER]) == 1
    assert "STALE" in capsys.readouterr().out


def test_collect_matches_by_cell_ids_and_reports_the_rest(graded):
    layout, _ = graded
    submitted = {(s.student, s.chapter) for s in find_submissions(layout, layout.chapters())}
    assert ("alice", CHAPTER) in submitted  # "01 (1).ipynb"
    assert ("bob", CHAPTER) in submitted  # "Untitled.ipynb"
    assert ("kim", OTHER_CHAPTER) in submitted and ("kim", CHAPTER) not in submitted
    assert ("leo", CHAPTER) in submitted
    assert not any(s == "ned" for s, _ in submitted)
    assert _status(layout, "dave")["kind"] == "invalid notebook"
    assert _status(layout, "erin")["kind"] == "invalid notebook"


def test_grade_exits_nonzero_when_a_submission_failed(graded):
    _, code = graded
    assert code == 1


@pytest.mark.parametrize("student, score", [
    ("alice", 6), ("bob", 0), ("carol", 3), ("judy", 6), ("leo", 6), ("mia", 3), ("hank", 3),
])
def test_scores(graded, student, score):
    layout, _ = graded
    entry = _status(layout, student)
    assert entry["kind"] == "graded"
    assert (entry["score"], entry["max_score"]) == (score, 7)  # 1 written point is manual


def test_other_chapter_is_graded_as_that_chapter(graded):
    layout, _ = graded
    assert _status(layout, "kim", OTHER_CHAPTER)["score"] == 6


@pytest.mark.parametrize("student, kind", [
    ("dave", "invalid notebook"),
    ("erin", "invalid notebook"),
    ("frank", "kernel died"),
    ("ivan", "timeout"),
])
def test_failures_state_their_kind_and_reason(graded, student, kind):
    layout, _ = graded
    entry = _status(layout, student)
    assert entry["kind"] == kind and not entry["transient"]
    assert entry["status"] == f"failed: {entry['reason']}" and entry["reason"]
    assert entry["score"] is None


def _autograded(layout: CourseLayout, student: str):
    return read_notebook(layout.autograded / student / CHAPTER / f"{CHAPTER}.ipynb")


def _errors(nb) -> list[str]:
    return [o["ename"] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_huge_allocation_is_a_memory_error_in_its_cell(graded):
    layout, _ = graded
    assert _status(layout, "gina")["kind"] == "graded"
    assert "MemoryError" in _errors(_autograded(layout, "gina"))


def test_infinite_loop_is_interrupted_and_the_rest_graded(graded):
    layout, _ = graded
    assert "KeyboardInterrupt" in _errors(_autograded(layout, "hank")) or \
        "CellTimeoutError" in _errors(_autograded(layout, "hank"))


def test_huge_output_is_truncated(graded):
    layout, _ = graded
    path = layout.autograded / "judy" / CHAPTER / f"{CHAPTER}.ipynb"
    assert path.stat().st_size < 2_000_000


def test_emptied_test_cells_are_restored(graded):
    layout, _ = graded
    sources = "".join(c.source for c in _autograded(layout, "mia").cells)
    assert "tests removed by the student" not in sources
    assert "BEGIN HIDDEN TESTS" in sources


def test_export_never_turns_a_failure_into_a_silent_zero(graded, tmp_path):
    layout, _ = graded
    out = tmp_path / "grades.csv"
    assert dlcourse(["--root", str(layout.root), "export", str(out)]) == 0
    rows = {(r["student"], r["chapter"]): r for r in csv.DictReader(out.open())}
    assert rows[("alice", CHAPTER)]["score"] == "6" and rows[("alice", CHAPTER)]["status"] == \
        "graded"
    assert rows[("dave", CHAPTER)]["score"] == ""
    assert rows[("dave", CHAPTER)]["status"].startswith("failed: ")
    assert rows[("alice", OTHER_CHAPTER)]["status"] == "missing"
    assert rows[("kim", OTHER_CHAPTER)]["score"] == "6"


def test_feedback_never_shows_hidden_tests(graded):
    layout, _ = graded
    assert dlcourse(["--root", str(layout.root), "feedback"]) == 0
    pages = sorted(layout.feedback.rglob("*.html"))
    scored = {"alice", "bob", "carol", "gina", "hank", "judy", "kim", "leo", "mia"}
    assert {p.parent.parent.name for p in pages} == scored
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for secret in ("BEGIN HIDDEN TESTS", "rng.integers", "x ** 2)),"):
            assert secret not in text, f"{page}: shows hidden test source {secret!r}"
    carol = (layout.feedback / "carol" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert "ex1_add_one_hidden" in carol and "[ex1_add_one] the result is wrong" in carol


def test_gradebook_is_consistent(graded):
    layout, _ = graded
    with sqlite3.connect(layout.gradebook) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        n = db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
    # one submission row per graded notebook, and one per notebook that failed while running
    ran = [e for e in StatusBook(layout.status_file).entries.values()
           if e["kind"] not in ("invalid notebook",)]
    assert n == len(ran)


def test_serial_grading_gives_the_same_scores(graded, tmp_path):
    layout, _ = graded
    copy = CourseLayout(tmp_path / "serial")
    shutil.copytree(layout.root, copy.root)
    shutil.rmtree(copy.autograded)
    copy.gradebook.unlink()
    copy.status_file.unlink()
    jobs = find_submissions(copy, copy.chapters())
    serial = grade_all(copy, jobs, workers=1, max_seconds=90)
    parallel = StatusBook(layout.status_file)
    for outcome in serial:
        entry = parallel.get(outcome.student, outcome.chapter)
        assert (outcome.kind.value, outcome.score) == (entry["kind"], entry["score"]), \
            outcome.student


def test_shards_partition_the_class():
    students = [f"s{i:03d}" for i in range(200)]
    shards = [{s for s in students if in_shard(s, i, 3)} for i in (1, 2, 3)]
    assert set().union(*shards) == set(students)
    assert sum(len(s) for s in shards) == len(students)
    assert all(len(s) > 30 for s in shards)
    assert parse_shard("2/3") == (2, 3)
    with pytest.raises(ValueError, match="I/N"):
        parse_shard("4/3")


def test_shards_graded_apart_merge_into_one_gradebook(graded, tmp_path):
    layout, _ = graded
    machines = []
    for i in (1, 2):
        copy = CourseLayout(tmp_path / f"machine{i}")
        shutil.copytree(layout.root, copy.root)
        shutil.rmtree(copy.grading)
        subs = [s for s in find_submissions(layout, [CHAPTER])
                if s.student in ("alice", "bob", "carol") and in_shard(s.student, i, 2)]
        for s in subs:
            shutil.copytree(layout.submitted / s.student, copy.submitted / s.student)
        grade_all(copy, subs, workers=1)
        machines.append(copy)
    home = CourseLayout(tmp_path / "home")
    shutil.copytree(layout.root, home.root)
    shutil.rmtree(home.grading)
    for machine in machines:
        assert dlcourse(["--root", str(home.root), "merge", str(machine.root)]) == 0
    status = StatusBook(home.status_file)
    scores = {s: status.get(s, CHAPTER)["score"] for s in ("alice", "bob", "carol")}
    assert scores == {"alice": 6, "bob": 0, "carol": 3}
    out = tmp_path / "merged.csv"
    assert dlcourse(["--root", str(home.root), "export", str(out)]) == 0
    rows = {r["student"]: r for r in csv.DictReader(out.open()) if r["chapter"] == CHAPTER}
    assert {s: rows[s]["score"] for s in scores} == {"alice": "6", "bob": "0", "carol": "3"}


def test_unknown_chapter_is_a_clear_error(course, capsys):
    with pytest.raises(SystemExit, match="unknown chapter"):
        dlcourse(["--root", str(course.root), "grade", "99_nope"])


def test_collect_of_a_missing_folder_is_a_clear_error(course, capsys):
    assert dlcourse(["--root", str(course.root), "collect", "/nonexistent/lms"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_layout_is_found_from_a_subfolder(course, monkeypatch):
    from grading.layout import find_root

    monkeypatch.delenv("DLCOURSE_ROOT", raising=False)
    assert find_root(course.solutions / CHAPTER) == course.root
    with pytest.raises(FileNotFoundError, match="no course found"):
        find_root(Path("/"))
