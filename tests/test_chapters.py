"""Conventions every chapter must meet, checked for each chapter in solutions/.

- ``course/`` is exactly what ``dlcourse release`` generates from ``solutions/``;
- the solution passes every one of its tests, and the untouched student notebook,
  graded with the hidden tests restored, scores 0 on every autograded cell;
- for each exercise, a classic wrong answer (``tests/wrong_answers/<chapter>.py``; an
  exercise may list several) makes that exercise's hidden test score 0, while the full
  solution scores every autograded point.

(nbval runs each solution notebook against its stored outputs: see ``make test``.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from course_answers import wrong_answers

from grading.autograde import cell_scores
from grading.grade import Submission, grade_all
from grading.layout import CourseLayout
from grading.notebooks import graded_test_cells, nbgrader_meta, read_notebook
from grading.release import check_up_to_date, release_chapter
from grading.samples import student_submission

ROOT = CourseLayout(Path(__file__).resolve().parents[1])
CHAPTERS = ROOT.chapters()

pytestmark = pytest.mark.slow


def _wrong_submissions(chapter: str) -> list[tuple[str, str, str]]:
    """``(student, answer cell id, wrong source)`` for every wrong answer of the chapter:
    student ``wrong-<id>`` for the first wrong source of an id, ``wrong-<id>-2``, … after."""
    found = []
    for cell_id, sources in wrong_answers(chapter).items():
        assert sources, f"{chapter}: an empty list of wrong answers for {cell_id}"
        for k, source in enumerate(sources, start=1):
            student = f"wrong-{cell_id}" if k == 1 else f"wrong-{cell_id}-{k}"
            found.append((student, cell_id, source))
    return found


def test_there_are_chapters():
    assert CHAPTERS, f"no chapter notebooks under {ROOT.solutions}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_course_notebook_is_up_to_date(chapter):
    assert check_up_to_date(ROOT, chapter) == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_released_notebook_has_no_solutions_or_hidden_tests(chapter):
    text = ROOT.release_notebook(chapter).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_skeleton(chapter):
    nb = read_notebook(ROOT.source_notebook(chapter))
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    solutions = [i for i, c in zip(ids, nb.cells, strict=True)
                 if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    exercises = [i for i in solutions if i.startswith("ex")]
    concept_checks = [i for i in solutions if i.startswith("cc")]
    assert sorted(exercises + concept_checks) == sorted(solutions), \
        f"{chapter}: answer cells are named exK_… (exercises) or ccK_… (concept checks)"
    assert 4 <= len(exercises) <= 8, f"{chapter}: {len(exercises)} autograded exercises"
    for exercise in exercises:
        assert f"{exercise}_test" in ids and f"{exercise}_hidden" in ids, exercise
    assert 2 <= len(concept_checks) <= 4, f"{chapter}: {len(concept_checks)} concept checks"
    for check in concept_checks:  # a one-line answer, graded by its hidden cell alone
        assert f"{check}_hidden" in ids, check
    written = [c for c in nb.cells if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")]
    assert 1 <= len(written) <= 2, f"{chapter}: written questions graded by hand"
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            assert float(meta.get("points", 0)) > 0, f"{meta['grade_id']} has no points"
    source = "\n".join(c.source for c in nb.cells)
    assert "ipywidgets" in source, f"{chapter}: no widget"
    assert source.count("plt.") + source.count("ax.") >= 2, f"{chapter}: no figures"
    assert "sys.path" not in source


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """``graded(chapter)``: the chapter graded for the full solution and for one wrong
    answer per exercise (graded once per chapter, on first use)."""
    done: dict[str, tuple[CourseLayout, dict]] = {}

    def grade_chapter(chapter: str):
        if chapter not in done:
            layout = CourseLayout(tmp_path_factory.mktemp(chapter))
            shutil.copytree(ROOT.solutions / chapter, layout.solutions / chapter)
            report = release_chapter(layout, chapter)
            assert report.ok, report.problems  # solution passes; untouched student scores 0
            submissions = {"solved": student_submission(layout, chapter)}
            for student, exercise, source in _wrong_submissions(chapter):
                submissions[student] = student_submission(
                    layout, chapter, overrides={exercise: source})
            jobs = []
            for student, nb in submissions.items():
                path = layout.submitted_notebook(student, chapter)
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, path)
                jobs.append(Submission(chapter, student))
            outcomes = grade_all(layout, jobs, workers=2)
            done[chapter] = (layout, {o.student: o for o in outcomes})
        return done[chapter]

    return grade_chapter


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_a_wrong_answer(chapter):
    nb = read_notebook(ROOT.source_notebook(chapter))
    exercises = {nbgrader_meta(c)["grade_id"] for c in nb.cells
                 if nbgrader_meta(c).get("solution") and c.cell_type == "code"}
    assert set(wrong_answers(chapter)) == exercises


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_full_solution_scores_every_autograded_point(graded, chapter):
    layout, outcomes = graded(chapter)
    assert outcomes["solved"].graded, outcomes["solved"].status
    tests = graded_test_cells(read_notebook(layout.release_notebook(chapter)))
    scores = cell_scores(layout, "solved", chapter)
    assert {t: scores[t] for t in tests} == {t: info["points"] for t, info in tests.items()}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_wrong_answer_fails_its_hidden_test(graded, chapter):
    layout, outcomes = graded(chapter)
    for student, exercise, _ in _wrong_submissions(chapter):
        assert outcomes[student].graded, outcomes[student].status
        scores = cell_scores(layout, student, chapter)
        assert scores[f"{exercise}_hidden"] == 0, f"{chapter}: the wrong answer {student} passes"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_notebook_is_committed_executed(chapter):
    """nbval compares nothing in a cell without stored outputs: every code cell must have run."""
    nb = read_notebook(ROOT.source_notebook(chapter))
    unexecuted = [nbgrader_meta(c).get("grade_id") or i for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and c.source.strip() and c.execution_count is None]
    assert not unexecuted, f"{chapter}: cells never executed: {unexecuted}"
