"""The plausible wrong answers of each chapter (``tests/wrong_answers/<chapter>.py``).

Each file holds ``WRONG``: answer cell id -> one wrong source, or a list of them. The
chapter tests grade each one and require its hidden test to score 0; the sandbox tests
require that none of them is flagged as tampering.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

WRONG_DIR = Path(__file__).parent / "wrong_answers"


def wrong_answers(chapter: str) -> dict[str, list[str]]:
    """Answer cell id -> its wrong sources (always a list) for ``chapter``."""
    path = WRONG_DIR / f"{chapter}.py"
    spec = importlib.util.spec_from_file_location(f"wrong_{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {cell: [s] if isinstance(s, str) else list(s) for cell, s in module.WRONG.items()}
