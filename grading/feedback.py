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
from grading.integrity import hidden_lines, leaked_lines
from grading.layout import CourseLayout
from grading.notebooks import error_of, nbgrader_meta, read_notebook
from grading.status import StatusBook, kind_of

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
        if not is_test:
            continue  # the student's own cells keep their whole traceback: it helps most
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # the traceback of a test cell quotes its (hidden) source: keep the message
                output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
    return nb


class FeedbackWithheld(Exception):
    """A feedback page would show lines of the hidden tests or the solutions."""


def _page_text(nb) -> str:
    """Everything a page shows, as plain text: sources and outputs."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else str(text))
            parts += [str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
            parts.append(str(output.get("evalue", "")))
            parts += [str(line) for line in output.get("traceback", [])]
    return "\n".join(parts)


def check_no_leak(nb, layout: CourseLayout, student: str, chapter: str) -> None:
    """Raise :class:`FeedbackWithheld` if the page would quote a line of the hidden tests or
    the solutions that is not the student's own code (defence in depth: the sandbox keeps
    the solutions out of the kernel's reach, and test cells show their released source)."""
    secret = hidden_lines(read_notebook(layout.source_notebook(chapter)),
                          read_notebook(layout.release_notebook(chapter)))
    submitted = read_notebook(layout.submitted_notebook(student, chapter))
    own = [c.source for c in submitted.cells]  # the student's code and written answers
    leaks = leaked_lines(_page_text(nb), secret, own)
    if leaks:
        raise FeedbackWithheld(
            f"{student}/{chapter}: feedback withheld, the page would show {len(leaks)} line(s) "
            f"of the hidden tests or solutions, e.g. {leaks[0]!r}")


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
    """Write the feedback page of one graded submission; return its path.

    Raises :class:`FeedbackWithheld` (and writes nothing) when the page would show a line
    of the hidden tests or the solutions.
    """
    autograded = read_notebook(layout.autograded_notebook(student, chapter))
    released = read_notebook(layout.release_notebook(chapter))
    nb = sanitize(autograded, released)
    check_no_leak(nb, layout, student, chapter)
    nb.cells.insert(0, _summary_cell(nb, cell_scores(layout, student, chapter), student, chapter))
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    target = layout.feedback_page(student, chapter)
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
        if kind_of(entry) not in ("graded", "flagged"):
            skipped.append(f"{entry['student']}/{entry['chapter']}: {entry['status']}")
            continue
        try:
            pages.append(feedback_for(layout, entry["student"], entry["chapter"]))
        except FeedbackWithheld as withheld:
            skipped.append(str(withheld))
    return pages, skipped
