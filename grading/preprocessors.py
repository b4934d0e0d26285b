"""An nbgrader preprocessor that caps the size of every output of a graded notebook.

nbgrader's ``LimitOutput`` counts lines; one line of 100 MB passes it untouched and
lands in the autograded notebook, the feedback page and the instructor's disk. This
one truncates any text output longer than ``max_chars`` characters.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

__all__ = ["LimitOutputSize"]


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate stream and text outputs longer than ``max_chars`` characters."""

    max_chars = Integer(20_000, help="largest text output kept, in characters").tag(config=True)

    def _cut(self, text):
        if isinstance(text, list):
            text = "".join(text)
        if len(text) <= self.max_chars:
            return text
        return (text[: self.max_chars]
                + f"\n... output truncated: {len(text):,} characters, {self.max_chars:,} kept ...")

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    output["text"] = self._cut(output["text"])
                for mime, value in output.get("data", {}).items():
                    if mime.startswith("text/") and isinstance(value, (str, list)):
                        output["data"][mime] = self._cut(value)
        return cell, resources
