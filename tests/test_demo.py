"""``dlcourse demo`` runs the whole instructor flow on the sample submissions in samples/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from grading.demo import run_demo, samples_folder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_demo_grades_the_samples_as_described(tmp_path, capsys):
    students = {p.parent.name for p in samples_folder(ROOT).rglob("*.ipynb")}
    assert students == {"alice", "bob", "carol", "dana"}
    assert run_demo(ROOT, tmp_path, jobs=2) == 0
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "grades.csv").open())}
    assert rows["alice"]["status"] == "graded"
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) - 2  # written
    assert (rows["bob"]["status"], rows["bob"]["score"]) == ("graded", "0")
    assert 0 < float(rows["carol"]["score"]) < float(rows["alice"]["score"])
    assert rows["dana"]["status"].startswith("failed: ") and rows["dana"]["score"] == ""
    out = capsys.readouterr().out
    assert "=== 5. export" in out and "dana" in out
    pages = sorted((tmp_path / "course-copy" / "grading" / "feedback").rglob("*.html"))
    assert [p.parts[-3] for p in pages] == ["alice", "bob", "carol"]
    for page in pages:
        assert "BEGIN HIDDEN TESTS" not in page.read_text(encoding="utf-8")
