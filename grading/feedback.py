"""``dlcourse feedback``: one HTML page per student and chapter, without hidden tests.

nbgrader's own feedback shows the autograded notebook, in which the hidden tests have
been put back, and tracebacks quote their source. Here every test cell is shown as the
student saw it (its released source), each error output is reduced to its one-line
message (``CheckFailure: [ex2_step] …``), and a table at the top lists every graded
cell with its points and, for a failed check, that message.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from grading.autograde import cell_scores
from grading.layout import CourseLayout
from grading.notebooks import error_of, nbgrader_meta, read_notebook
from grading.status import StatusBook

__all__ = ["sanitize", "feedback_for", "write_all_feedback"]

HIDDEN_NOTE = "# (hidden tests ran here when your notebook was graded)"


def sanitize(autograded, released) -> nbformat.NotebookNode:
    """A copy of the autograded notebook that reveals nothing of the hidden tests."""
    nb = nbformat.from_dict(autograded)
    released_source = {nbgrader_meta(c).get("grade_id"): c.source for c in released.cells}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        is_test = cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")
        if is_test:
            grade_id = meta.get("grade_id")
            visible = released_source.get(grade_id, "").rstrip()
            if visible != cell.source.rstrip():
                visible = (visible + "\n\n" if visible else "") + HIDDEN_NOTE
            cell.source = visible
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # the traceback of a test cell quotes its (hidden) source: keep the message
                output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
    return nb


def _summary_cell(nb, scores: dict[str, float], student: str, chapter: str):
    rows, total, total_max = [], 0.0, 0.0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        grade_id, points = meta["grade_id"], float(meta.get("points", 0))
        score = scores.get(grade_id)
        total_max += points
        total += score or 0.0
        if cell.cell_type == "markdown" or meta.get("solution"):
            result = f"{(score or 0):g} / {points:g}, graded by hand"
            message = ""
        else:
            error = error_of(cell)
            result = f"{(score or 0):g} / {points:g}"
            message = "passed" if error is None else error
        rows.append(f"<tr><td><code>{html.escape(grade_id)}</code></td><td>{result}</td>"
                    f"<td>{html.escape(message)}</td></tr>")
    table = (
        f"<h2>Feedback — {html.escape(chapter)} — {html.escape(student)}</h2>"
        f"<p><b>Score: {total:g} / {total_max:g}</b> (written answers count once graded by "
        "hand)</p><table><tr><th>check</th><th>points</th><th>result</th></tr>"
        + "".join(rows) + "</table>"
    )
    return nbformat.v4.new_markdown_cell(table)


def feedback_for(layout: CourseLayout, student: str, chapter: str) -> Path:
    """Write the feedback page of one graded submission; return its path."""
    autograded = read_notebook(layout.autograded / student / chapter / f"{chapter}.ipynb")
    released = read_notebook(layout.release_notebook(chapter))
    nb = sanitize(autograded, released)
    nb.cells.insert(0, _summary_cell(nb, cell_scores(layout, student, chapter), student, chapter))
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    target = layout.feedback / student / chapter / f"{chapter}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def write_all_feedback(layout: CourseLayout, chapters: list[str]) -> tuple[list[Path], list[str]]:
    """Feedback for every graded submission of ``chapters``; returns (pages, skipped notes)."""
    status = StatusBook(layout.status_file)
    pages, skipped = [], []
    for entry in sorted(status.entries.values(), key=lambda e: (e["student"], e["chapter"])):
        if entry["chapter"] not in chapters:
            continue
        if entry["status"] != "graded":
            skipped.append(f"{entry['student']}/{entry['chapter']}: {entry['status']}")
            continue
        pages.append(feedback_for(layout, entry["student"], entry["chapter"]))
    return pages, skipped
