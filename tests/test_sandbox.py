"""A dishonest class: every attack on the grader that the grading-trust issue lists.

Each student of the fixture course hands in a notebook written to cheat or to do harm.
The class is graded once, in parallel, in the sandbox; each test then checks what the
attack got: nothing of the course's files, no network, no process left behind, no
change to the gradebook, and every tampering flagged (score withheld), never credited.
The honest notebooks of the repository must pass unflagged.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest
from course_answers import wrong_answers
from fixture_chapter import CHAPTER, build_fixture_course

import grading.checks
from grading.autograde import Kind
from grading.cli import main as dlcourse
from grading.grade import Submission, grade_all
from grading.integrity import scan_submission
from grading.layout import CourseLayout
from grading.notebooks import read_notebook
from grading.release import release_chapter
from grading.samples import student_submission
from grading.status import StatusBook

pytestmark = pytest.mark.slow

REPO = CourseLayout(Path(__file__).resolve().parents[1])
MARK = "dlcourse-sandbox-test-process"  # in the command line of a process an attack starts
FIX = "def add_one(x):\n    return x + 1\n"


# Where a student would look for the course's files: every folder above the working
# folder and above the modules it imports, the temporary and home folders, and the
# folders the course and its tests live in on the grader's machine.
_ROOTS = textwrap.dedent(f'''
    import os, pathlib, dlcore, grading.checks
    ROOTS = {{"/tmp", "/home", "/root", "/work", "/opt", "/srv", "/mnt", {str(REPO.root)!r},
             {str(Path(__file__).resolve().parents[2])!r}}}
    for start in (os.getcwd(), dlcore.__file__, grading.checks.__file__):
        ROOTS.update(str(p) for p in pathlib.Path(start).resolve().parents
                     if str(p) not in ("/", "/usr"))
    ''')


def _attacks(port: int, course: CourseLayout) -> dict[str, str]:
    """student -> source of their ex1 answer cell (each also solves the exercise)."""
    targets = [course.gradebook, course.status_file, course.autograded_notebook("honest", CHAPTER),
               course.feedback_page("honest", CHAPTER), course.source_notebook(CHAPTER),
               REPO.root / "dlcore" / "activations.py", REPO.root / "grading" / "checks.py"]
    return {
        "scribbler": textwrap.dedent(f'''
            import pathlib
            for path in {[str(t) for t in targets]!r}:
                try:
                    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
                    with open(path, "a") as f:
                        f.write("written by a student")
                    print("WROTE", path)
                except OSError as exc:
                    print("REFUSED", path, type(exc).__name__)
            ''') + FIX,
        "gradebook": _ROOTS + textwrap.dedent('''
            import glob, os, sqlite3
            found = [p for root in ROOTS for p in glob.glob(root + "/**/*.db", recursive=True)
                     + glob.glob(root + "/**/status.json", recursive=True)]
            print("FOUND", found)
            for path in found:
                try:
                    with sqlite3.connect(path) as db:
                        db.execute("update grade set extra_credit = 100")
                    print("WROTE", path)
                except Exception as exc:
                    print("REFUSED", path, type(exc).__name__)
            ''') + FIX,
        "reader": _ROOTS + textwrap.dedent('''
            import glob
            seen = sorted({p for root in ROOTS for p in glob.glob(root + "/**/*.ipynb",
                                                                   recursive=True)})
            print("NOTEBOOKS", seen)
            ''') + FIX,
        "writer": textwrap.dedent('''
            import dlcore.activations, grading.checks
            for path in (dlcore.activations.__file__, grading.checks.__file__):
                try:
                    with open(path, "a") as f:
                        f.write("# changed by a student")
                    print("WROTE", path)
                except OSError as exc:
                    print("REFUSED", path, type(exc).__name__)
            ''') + FIX,
        "patcher": textwrap.dedent('''
            from grading import checks
            checks.assert_close = lambda *a, **k: None
            checks.call = lambda fn, *a, **k: None
            def add_one(x):
                return x
            '''),
        "rebinder": textwrap.dedent('''
            class Anything:
                def __getattr__(self, name):
                    return lambda *a, **k: None
            checks = Anything()
            def add_one(x):
                return x
            '''),
        "modules": textwrap.dedent('''
            import sys, types
            fake = types.ModuleType("grading.checks")
            fake.__getattr__ = lambda name: (lambda *a, **k: None)
            sys.modules["grading.checks"] = fake
            def add_one(x):
                return x
            '''),
        "hidden": textwrap.dedent('''
            # reaches numpy through a namespace the parser cannot follow
            getattr(np, "__dict__")["allclose"] = lambda *a, **k: True
            def add_one(x):
                return x
            '''),
        "evaluator": 'exec("def add_one(x):\\n    return x + 1")\n',
        "spawner": textwrap.dedent(f'''
            import subprocess
            try:
                subprocess.Popen(["sleep", "600", "{MARK}"], start_new_session=True)
                print("STARTED")
            except Exception as exc:
                print("REFUSED", type(exc).__name__)
            ''') + FIX,
        "network": textwrap.dedent(f'''
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3)
                print("CONNECTED")
            except Exception as exc:
                print("REFUSED", type(exc).__name__)
            ''') + FIX,
        # after ex1's hidden test has run: the input history holds its source
        "history": ("ex2_mean_square", "print(_ih)\ndef mean_square(x):\n"
                    "    return float(np.mean(x ** 2))\n"),
        "honest": FIX,
    }


@pytest.fixture(scope="module")
def listener():
    """A TCP server on 127.0.0.1 that records every connection it accepts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[1])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    port, _ = listener
    layout = build_fixture_course(tmp_path_factory.mktemp("course"))
    assert release_chapter(layout, CHAPTER).ok
    attacks = _attacks(port, layout)
    for student, source in attacks.items():
        cell, source = source if isinstance(source, tuple) else ("ex1_add_one", source)
        nb = student_submission(layout, CHAPTER, overrides={cell: source})
        path = layout.submitted_notebook(student, CHAPTER)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    protected = [Path(grading.checks.__file__), Path(importlib.util.find_spec(
        "dlcore.activations").origin), layout.source_notebook(CHAPTER)]
    before = {p: _digest(p) for p in protected}
    jobs = [Submission(CHAPTER, s) for s in sorted(attacks)]
    outcomes = {o.student: o for o in grade_all(layout, jobs, workers=2, max_seconds=120)}
    return layout, outcomes, before


def _output(layout: CourseLayout, student: str) -> str:
    nb = read_notebook(layout.autograded_notebook(student, CHAPTER))
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")) + str(out.get("evalue", "")))
    return "\n".join(texts)


def test_an_honest_submission_is_graded(graded):
    _, outcomes, _ = graded
    assert outcomes["honest"].kind == Kind.GRADED and outcomes["honest"].score == 6


def test_the_gradebook_and_status_are_out_of_reach(graded):
    layout, outcomes, _ = graded
    out = _output(layout, "gradebook")
    assert "FOUND []" in out and "WROTE" not in out, out
    with layout.open_gradebook() as gb:
        for student in outcomes:
            for notebook in gb.find_submission(CHAPTER, student).notebooks:
                assert all((g.extra_credit or 0) == 0 for g in notebook.grades), student
    assert StatusBook(layout.status_file).get("honest", CHAPTER)["score"] == 6


def test_no_notebook_but_its_own_is_visible(graded):
    layout, _, _ = graded
    out = _output(layout, "reader")
    seen = json.loads(out.split("NOTEBOOKS", 1)[1].splitlines()[0].strip().replace("'", '"'))
    # its own notebook: the working copy, and the read-only one it was made from
    assert seen == [f"/home/student/work/{CHAPTER}.ipynb",
                    f"/opt/dlcourse/submission/{CHAPTER}.ipynb"], seen


def test_nothing_the_grader_keeps_can_be_written(graded):
    layout, _, before = graded
    out = _output(layout, "scribbler")
    if os.geteuid() == 0:  # the kernel runs as nobody: not even its own empty folders
        assert "WROTE" not in out and out.count("REFUSED") == 7, out
    # written only where the sandbox's own memory is: the grader's files are as they were
    assert {p: _digest(p) for p in before} == before
    assert "written by a student" not in layout.gradebook.read_bytes().decode("latin-1")
    assert "written by a student" not in layout.status_file.read_text()


def test_the_course_files_cannot_be_changed(graded):
    layout, outcomes, before = graded
    out = _output(layout, "writer")
    assert out.count("REFUSED") == 2 and "WROTE" not in out, out
    assert {p: _digest(p) for p in before} == before
    assert outcomes["writer"].kind == Kind.GRADED  # trying and failing is not tampering


@pytest.mark.parametrize("student", ["patcher", "rebinder", "modules"])
def test_replacing_the_test_helpers_is_flagged_and_earns_nothing(graded, student):
    layout, outcomes, _ = graded
    outcome = outcomes[student]
    assert outcome.kind == Kind.FLAGGED, outcome.status
    with layout.open_gradebook() as gb:
        scores = {g.name: g.score for nb in gb.find_submission(CHAPTER, student).notebooks
                  for g in nb.grades}
    assert scores["ex1_add_one_test"] == 0 and scores["ex1_add_one_hidden"] == 0


def test_tampering_the_parser_cannot_see_is_undone_and_flagged_at_run_time(graded):
    layout, outcomes, _ = graded
    outcome = outcomes["hidden"]
    assert outcome.kind == Kind.FLAGGED
    assert any("at run time" in f["reason"] and "numpy.allclose" in f["reason"]
               for f in outcome.findings), outcome.findings
    with layout.open_gradebook() as gb:
        scores = {g.name: g.score for nb in gb.find_submission(CHAPTER, "hidden").notebooks
                  for g in nb.grades}
    assert scores["ex1_add_one_hidden"] == 0


@pytest.mark.parametrize("student, reason, cell, line", [
    ("evaluator", "calls exec()", "ex1_add_one", 1),
    ("spawner", "imports subprocess", "ex1_add_one", 2),
    ("network", "imports socket", "ex1_add_one", 2),
    ("history", "input history (_ih)", "ex2_mean_square", 1),
])
def test_each_finding_names_what_where(graded, student, reason, cell, line):
    _, outcomes, _ = graded
    outcome = outcomes[student]
    assert outcome.kind == Kind.FLAGGED
    assert any(reason in f["reason"] and (f["cell"], f["line"]) == (cell, line)
               for f in outcome.findings), outcome.findings


def test_no_process_outlives_its_submission(graded):
    layout, _, _ = graded
    assert "REFUSED PermissionError" in _output(layout, "spawner")
    left = subprocess.run(["pgrep", "-f", MARK], capture_output=True, text=True).stdout
    assert left == "", f"processes left running: {left}"


def test_there_is_no_network(graded, listener):
    layout, _, _ = graded
    _, accepted = listener
    assert "REFUSED" in _output(layout, "network")
    assert accepted == []


def test_export_withholds_flagged_scores_until_accepted(graded, tmp_path):
    layout, _, _ = graded
    root = ["--root", str(layout.root)]
    out = tmp_path / "grades.csv"

    def rows() -> dict[str, dict]:
        assert dlcourse([*root, "export", str(out)]) == 0
        return {r["student"]: r for r in csv.DictReader(out.open())}

    before = rows()
    assert before["patcher"]["score"] == "" and before["patcher"]["status"].startswith("flagged: ")
    assert before["evaluator"]["score"] == "" and before["honest"]["score"] == "6"
    assert dlcourse([*root, "accept", "evaluator", CHAPTER]) == 0
    after = rows()
    assert after["evaluator"]["score"] == "6"
    assert after["evaluator"]["status"] == "graded (accepted after review)"
    assert after["patcher"]["score"] == ""
    assert dlcourse([*root, "accept", "honest", CHAPTER]) == 2  # nothing to accept


def test_integrity_report_lists_every_flag(graded, capsys):
    layout, outcomes, _ = graded
    assert dlcourse(["--root", str(layout.root), "integrity"]) == 0
    report = capsys.readouterr().out
    flagged = sorted(s for s, o in outcomes.items() if o.kind == Kind.FLAGGED)
    assert f"{len(flagged)} flagged submission(s)" in report
    for student in flagged:
        assert f"{student}/{CHAPTER}" in report


def test_feedback_that_would_show_hidden_tests_is_withheld(graded, capsys):
    layout, _, _ = graded
    assert dlcourse(["--root", str(layout.root), "feedback"]) == 0
    out = capsys.readouterr().out
    assert f"history/{CHAPTER}: feedback withheld" in out
    assert not layout.feedback_page("history", CHAPTER).exists()
    assert layout.feedback_page("honest", CHAPTER).exists()


def test_grading_refuses_without_bubblewrap(tmp_path, monkeypatch, capsys):
    layout = build_fixture_course(tmp_path)
    monkeypatch.setenv("DLCOURSE_BWRAP", str(tmp_path / "no-such-bwrap"))
    assert dlcourse(["--root", str(layout.root), "grade"]) == 2
    err = capsys.readouterr().err
    assert "refusing to grade without a sandbox" in err and "apt-get install bubblewrap" in err


def test_no_sandbox_warns_plainly(tmp_path, capsys):
    layout = build_fixture_course(tmp_path)
    assert dlcourse(["--root", str(layout.root), "grade", "--no-sandbox"]) == 0  # nothing yet
    assert "can read the solutions" in capsys.readouterr().err


def test_interrupted_grading_leaves_no_process(tmp_path):
    layout = build_fixture_course(tmp_path)
    assert release_chapter(layout, CHAPTER).ok
    nb = student_submission(layout, CHAPTER, overrides={
        "ex1_add_one": f"# {MARK}\nwhile True:\n    pass\n"})
    for student in ("s1", "s2"):
        path = layout.submitted_notebook(student, CHAPTER)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
    env = {**os.environ, "DLCOURSE_CELL_TIMEOUT": "300"}
    grader = subprocess.Popen([sys.executable, "-m", "grading.cli", "--root", str(layout.root),
                               "grade", "--jobs", "2", "--quiet"], env=env)
    # this course's sandboxes (bwrap hides the course, so its folder is in their command)
    sandboxes = f"bwrap .*{layout.root}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _processes(sandboxes) < 2:
        time.sleep(0.5)
    assert _processes(sandboxes) >= 1, "no kernel started"
    grader.send_signal(2)  # Ctrl-C
    grader.wait(timeout=60)
    time.sleep(2)
    # no worker, sandbox or kernel of this course is left (kernels die with their sandbox)
    assert _processes(str(layout.root)) == 0


def _processes(pattern: str) -> int:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return len(out.split())


@pytest.mark.parametrize("chapter", REPO.chapters())
def test_honest_notebooks_of_the_repository_are_not_flagged(chapter):
    released = read_notebook(REPO.release_notebook(chapter))
    solution = read_notebook(REPO.source_notebook(chapter))
    notebooks = {"solved": student_submission(REPO, chapter),
                 "untouched": student_submission(REPO, chapter, solved=False)}
    for exercise, sources in wrong_answers(chapter).items():
        for i, text in enumerate(sources):
            notebooks[f"wrong {exercise} #{i}"] = student_submission(
                REPO, chapter, overrides={exercise: text})
    for name, nb in notebooks.items():
        findings = scan_submission(nb, released, solution)
        assert not findings, f"{chapter}, {name}: {[str(f) for f in findings]}"
