"""The outcome of every submission, kept in ``grading/status.json`` beside the gradebook.

nbgrader's gradebook holds scores but not *why* a submission has none; this file
holds each submission's status (``graded`` or ``failed: <reason>``) so that a failure
is never exported as a silent 0. It is written atomically (a temporary file renamed
over the old one), so an interrupted run never leaves it half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["StatusBook", "kind_of"]


def kind_of(entry: dict) -> str:
    """The outcome's kind (``graded``, ``flagged``, ``timeout``, …) of a status entry."""
    if "kind" in entry:
        return entry["kind"]
    status = entry.get("status", "")
    return status.split(":")[0] if status.startswith(("graded", "flagged")) else "failed"


class StatusBook:
    """``{(student, chapter): {"status": ..., "score": ..., ...}}`` persisted as JSON."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.entries: dict[str, dict] = {}
        if self.path.is_file():
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))

    @staticmethod
    def key(student: str, chapter: str) -> str:
        return f"{student}/{chapter}"

    def get(self, student: str, chapter: str) -> dict | None:
        return self.entries.get(self.key(student, chapter))

    def set(self, student: str, chapter: str, **fields) -> None:
        self.entries[self.key(student, chapter)] = {"student": student, "chapter": chapter,
                                                    **fields}

    def record(self, outcome) -> None:
        """Keep an :class:`~grading.autograde.Outcome` (its kind, reason, score, findings)."""
        fields = outcome.to_dict()
        self.set(fields.pop("student"), fields.pop("chapter"), **fields)

    def accept(self, student: str, chapter: str) -> dict:
        """The instructor read a flagged submission and accepts its score."""
        entry = self.get(student, chapter)
        if entry is None or kind_of(entry) != "flagged":
            state = entry["status"] if entry else "not graded"
            raise ValueError(f"{student}/{chapter} is not flagged ({state}); nothing to accept")
        entry["accepted"] = True
        return entry

    def discard(self, student: str, chapter: str) -> None:
        self.entries.pop(self.key(student, chapter), None)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".status-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.entries, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
