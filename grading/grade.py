"""``dlcourse grade``: autograde every collected submission with parallel workers.

Design (measured in ``benchmarks/grading_throughput.py``): N long-lived worker processes
(:mod:`grading.worker`) share the one sqlite gradebook. Grading a submission takes
seconds of notebook execution and only milliseconds of gradebook writes, so the
workers almost never wait for each other's lock (sqlite serialises the writes and
each connection waits up to its busy timeout). Students are created in the gradebook
before the workers start, so no two workers ever race to create the same row.

Every student kernel runs in a bubblewrap sandbox (:mod:`grading.sandbox`) unless
``sandbox=False`` (``--no-sandbox``). A submission whose kernel dies is graded a second
time before it is reported (a kernel can die at start-up on a heavily loaded machine; a
student's ``os._exit`` dies twice). Each worker runs in its own process group under a
memory limit; a submission that outlives ``max_seconds`` (a cell that ignores both the
time limit and the interrupt) gets its worker killed, is recorded as a timeout, and a
fresh worker takes the next submission. The batch always completes. Kernels die with
their worker (the sandbox's PID namespace takes every process a kernel started with
it), and an interrupted ``grade`` (Ctrl-C) kills every worker it started.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue

from grading.autograde import Kind, Outcome
from grading.layout import CourseLayout
from grading.sandbox import check_sandbox
from grading.status import StatusBook

__all__ = ["Submission", "find_submissions", "in_shard", "parse_shard", "grade_all"]


@dataclass(frozen=True, order=True)
class Submission:
    chapter: str
    student: str


def find_submissions(layout: CourseLayout, chapters: list[str]) -> list[Submission]:
    """Every ``grading/submitted/<student>/<chapter>/<chapter>.ipynb``, in a stable order."""
    found = []
    if layout.submitted.is_dir():
        for student_dir in sorted(layout.submitted.iterdir()):
            for chapter in chapters:
                if layout.submitted_notebook(student_dir.name, chapter).is_file():
                    found.append(Submission(chapter, student_dir.name))
    return sorted(found)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; raises ValueError for anything else."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like I/N (e.g. 1/4), got {text!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard I/N needs 1 <= I <= N, got {text!r}")
    return index, count


def in_shard(student: str, index: int, count: int) -> bool:
    """Whether ``student`` belongs to shard ``index`` of ``count``.

    By a hash of the student id, so a student's chapters stay together and the split
    does not change when other students are added.
    """
    digest = int(hashlib.sha256(student.encode("utf-8")).hexdigest()[:12], 16)
    return digest % count == index - 1


def prepare_gradebook(layout: CourseLayout, chapters: list[str], students: list[str]) -> None:
    """Make sure each chapter is known to the gradebook and each student exists.

    A chapter the gradebook does not know yet (a fresh clone has ``course/`` but no
    gradebook) is registered from a scratch release, as ``release`` does: grading never
    rewrites the committed ``course/`` notebooks.
    """
    from nbgrader.api import MissingEntry

    from grading.nbgrader_api import api_for
    from grading.release import register_chapter

    api_for(layout)  # creates grading/ and puts alembic on PATH for a new gradebook
    with layout.open_gradebook() as gb:
        missing = []
        for chapter in chapters:
            try:
                gb.find_assignment(chapter)
            except MissingEntry:
                missing.append(chapter)
    for chapter in missing:
        register_chapter(layout, chapter)
    with layout.open_gradebook() as gb:
        for student in students:
            gb.update_or_create_student(student)


class _Worker:
    """One ``grading.worker`` process, in its own process group."""

    def __init__(self, layout: CourseLayout, memory_limit_mb: int, cell_timeout: int | None,
                 threads: int | None, log_path: Path, render_figures: bool, sandbox: bool,
                 max_seconds: float):
        cmd = [sys.executable, "-m", "grading.worker", str(layout.root),
               "--memory-limit-mb", str(memory_limit_mb),
               "--cpu-seconds", str(int(max_seconds) + 60)]
        if cell_timeout:
            cmd += ["--cell-timeout", str(cell_timeout)]
        if not sandbox:
            cmd.append("--no-sandbox")
        env = dict(os.environ)
        if threads:
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                env[var] = str(threads)
        if not render_figures:
            # Figures earn no points; not drawing them saves about a fifth of the CPU time.
            env["MPLBACKEND"] = "agg"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, start_new_session=True,
                                     env=env)

    def grade(self, job: Submission, max_seconds: float) -> Outcome:
        start = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps({"student": job.student,
                                              "chapter": job.chapter}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._failed(job, start, Kind.WORKER_DIED,
                                "the grading process had stopped", transient=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], max_seconds)
        if not ready:
            self.kill()
            return self._failed(job, start, Kind.TIMEOUT,
                                f"grading took longer than {max_seconds:g} s (a cell ignored "
                                "its time limit and the interrupt); stopped")
        line = self.proc.stdout.readline()
        if not line:
            self.kill()
            return self._failed(job, start, Kind.WORKER_DIED, "the grading process died "
                                "(killed, or out of memory outside the notebook's cells)",
                                transient=True)
        return Outcome.from_dict(json.loads(line))

    @staticmethod
    def _failed(job: Submission, start: float, kind: Kind, reason: str,
                transient: bool = False) -> Outcome:
        outcome = Outcome(job.student, job.chapter, seconds=round(time.perf_counter() - start, 2))
        return outcome.fail(kind, reason, transient)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and every kernel it started
        except ProcessLookupError:
            pass
        self.proc.wait()

    def stop(self) -> None:
        if self.alive():
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError):
                pass
            self.kill()
        self.log.close()


def grade_all(
    layout: CourseLayout,
    jobs: list[Submission],
    *,
    workers: int,
    memory_limit_mb: int = 4096,
    cell_timeout: int | None = None,
    max_seconds: float = 600.0,
    render_figures: bool = False,
    sandbox: bool = True,
    on_result: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Grade ``jobs`` with ``workers`` parallel workers; record every outcome.

    Returns the outcomes in the order of ``jobs``. Each outcome is also written to
    ``grading/status.json`` as soon as it arrives (so an interrupted batch keeps what
    it finished) and passed to ``on_result`` (the progress bar and status lines).
    Figures are not drawn unless ``render_figures`` (they earn no points, and the
    autograded notebooks and feedback pages are then without them). With ``sandbox``
    (the default) every kernel runs in bubblewrap; :class:`SandboxUnavailable` is raised
    up front when it cannot.
    """
    if sandbox:
        check_sandbox()
    prepare_gradebook(layout, sorted({j.chapter for j in jobs}),
                      sorted({j.student for j in jobs}))
    workers = max(1, min(workers, len(jobs)))
    threads = 1 if workers > 1 else None  # two BLAS threads per worker would fight for cores
    queue: Queue[Submission] = Queue()
    for job in jobs:
        queue.put(job)
    results: dict[Submission, Outcome] = {}
    status = StatusBook(layout.status_file)
    lock = threading.Lock()
    running: set[_Worker] = set()
    stopping = threading.Event()

    def record(job: Submission, outcome: Outcome) -> None:
        with lock:
            results[job] = outcome
            status.record(outcome)
            status.save()
            if on_result:
                on_result(outcome)

    def run_worker(number: int) -> None:
        def start() -> _Worker:
            if stopping.is_set():
                raise _Stopped
            worker = _Worker(layout, memory_limit_mb, cell_timeout, threads,
                             layout.grading / "logs" / f"worker-{number}.log", render_figures,
                             sandbox, max_seconds)
            with lock:
                running.add(worker)
            return worker

        try:
            worker = start()
        except _Stopped:
            return
        try:
            while True:
                try:
                    job = queue.get_nowait()
                except Empty:
                    return
                outcome = None
                for attempt in (1, 2):
                    if not worker.alive():
                        worker.stop()
                        worker = start()
                    outcome = worker.grade(job, max_seconds)
                    if stopping.is_set():
                        return
                    if not outcome.transient:
                        break
                    if attempt == 2:  # it happened twice: the submission's own doing
                        outcome.reason += " (twice)"
                        outcome.transient = False
                record(job, outcome)
        except _Stopped:
            return
        finally:
            worker.stop()

    threads_ = [threading.Thread(target=run_worker, args=(i,), daemon=True)
                for i in range(workers)]
    try:
        for t in threads_:
            t.start()
        for t in threads_:
            while t.is_alive():
                t.join(timeout=0.5)
    except BaseException:  # Ctrl-C: end every worker, and with it every kernel
        stopping.set()
        with lock:
            for worker in list(running):
                worker.kill()
        raise
    return [results[job] for job in jobs]


class _Stopped(Exception):
    """Grading was interrupted: start no new worker."""
