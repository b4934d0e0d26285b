"""The glossary (course/GLOSSARY.md): one row per English term, every row complete.

A term listed twice, with two Korean translations, leaves a student unsure which one the
course means; a row without a chapter cannot be looked up.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "course" / "GLOSSARY.md"
HEADER = ("English", "한국어", "Chapter")


def glossary_rows(text: str) -> list[list[str]]:
    """The cells of every table row below the header and its ``|---|`` separator."""
    rows, seen_header = [], False
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if tuple(cells) == HEADER:
            seen_header = True
        elif seen_header and not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            rows.append(cells)
    return rows


def english_key(term: str) -> str:
    """Case and spacing do not make a new term."""
    return " ".join(term.lower().split())


def chapter_numbers() -> set[int]:
    return {int(path.name[:2]) for path in (ROOT / "solutions").iterdir()
            if path.is_dir() and re.match(r"\d\d_", path.name)}


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    found = glossary_rows(GLOSSARY.read_text(encoding="utf-8"))
    assert found, f"no table rows under the header {' | '.join(HEADER)} in {GLOSSARY}"
    return found


def test_every_row_has_an_english_term_a_korean_term_and_a_chapter(rows):
    chapters = chapter_numbers()
    for cells in rows:
        assert len(cells) == 3, f"a glossary row needs three cells: {cells}"
        english, korean, chapter = cells
        assert english, f"a glossary row without its English term: {cells}"
        assert re.search("[\uac00-\ud7a3]", korean), f"{english!r}: no Korean term ({korean!r})"
        assert chapter.isdigit() and int(chapter) in chapters, \
            f"{english!r}: chapter {chapter!r} is not one of the chapters {sorted(chapters)}"


def test_no_english_term_appears_twice(rows):
    counts = Counter(english_key(cells[0]) for cells in rows)
    twice = {term: [cells for cells in rows if english_key(cells[0]) == term]
             for term, n in counts.items() if n > 1}
    assert not twice, f"terms listed more than once (keep one row each): {twice}"


def test_the_parser_sees_a_duplicate_and_a_missing_cell():
    text = ("| English | 한국어 | Chapter |\n|---|---|---|\n"
            "| contour plot | 등고선 그래프 | 2 |\n| Contour  plot | 등고선 그림 | 6 |\n"
            "| tanh | | 3 |\n")
    parsed = glossary_rows(text)
    assert [english_key(cells[0]) for cells in parsed] == ["contour plot"] * 2 + ["tanh"]
    assert parsed[2] == ["tanh", "", "3"]
