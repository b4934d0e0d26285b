"""One grading worker: reads jobs as JSON lines on stdin, autogrades, answers on stdout.

``dlcourse grade`` starts one worker per parallel job and keeps it for many
submissions, so nbgrader's start-up cost is paid once per worker, not once per
submission. The worker (and so every student kernel it starts) runs under an
address-space limit: a 50 GB allocation becomes a ``MemoryError`` in that cell
instead of an out-of-memory kill of the machine. Run as
``python -m grading.worker ROOT [--memory-limit-mb N] [--cell-timeout S]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import warnings
from pathlib import Path

from grading.autograde import Outcome, autograde_one
from grading.layout import CourseLayout
from grading.nbgrader_api import api_for
from grading.sandbox import Sandbox, scratch_folder


def limit_memory(megabytes: int) -> None:
    """Cap this process's (and its children's) address space at ``megabytes``."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.worker")
    parser.add_argument("root")
    parser.add_argument("--memory-limit-mb", type=int, default=4096)
    parser.add_argument("--cell-timeout", type=int, default=None)
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student kernels as this user, without bubblewrap")
    parser.add_argument("--cpu-seconds", type=int, default=900,
                        help="CPU time one student kernel may use in all")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    # Answers go to the original stdout; anything else printed goes to stderr (the log).
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    limit_memory(args.memory_limit_mb)
    layout = CourseLayout(Path(args.root))
    sandbox = Sandbox(layout.root, scratch_folder(), enabled=not args.no_sandbox,
                      cpu_seconds=args.cpu_seconds)
    os.environ.update(sandbox.environment)
    try:
        api = api_for(layout, cell_timeout=args.cell_timeout, kernels=sandbox.kernel_config())
        serve(layout, api, answers)
    finally:
        sandbox.close()
    return 0


def serve(layout: CourseLayout, api, answers) -> None:
    """Grade each job read from stdin; answer each with one JSON line."""
    for line in sys.stdin:
        job = json.loads(line)
        try:
            outcome = autograde_one(layout, job["student"], job["chapter"], api=api)
        except Exception as exc:  # keep the worker alive for the next submission
            outcome = Outcome(job["student"], job["chapter"],
                              status=f"failed: grading error {type(exc).__name__}: {exc}")
        answers.write(json.dumps(outcome.to_dict()) + "\n")


if __name__ == "__main__":
    sys.exit(main())
