"""Grading throughput: plain serial ``nbgrader autograde`` against ``dlcourse grade --jobs 2``.

All grade the same N solved submissions of one chapter, each in its own scratch copy of
the course, in the same run:

- serial: ``nbgrader autograde CHAPTER`` (one process, one submission after another, no
  sandbox: nbgrader has none);
- shared gradebook: ``dlcourse grade --jobs 2`` (two long-lived workers, one sqlite gradebook),
  as it runs by default (figures not drawn) and with ``--figures`` (the same work as nbgrader);
- per-worker gradebooks: two ``dlcourse grade --shard i/2 --jobs 1`` at once, each in its own
  copy with its own gradebook, then ``dlcourse merge`` of both into a third.

Prints the wall times and speed-ups (target: >= 1.7x on 2 cores), and how busy the
machine's other processes kept the CPUs meanwhile.

    .venv/bin/python benchmarks/grading_throughput.py [--chapter 01_perceptron] [--students 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grading.layout import CourseLayout
from grading.release import generate
from grading.samples import student_submission

ROOT = CourseLayout(Path(__file__).resolve().parents[1])


def _cpu_jiffies() -> tuple[int, int]:
    """(busy jiffies of the whole machine, jiffies of this process tree's children + self)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    times = os.times()
    ours = int((times.user + times.system + times.children_user + times.children_system)
               * os.sysconf("SC_CLK_TCK"))
    return busy, ours


def _scratch(base: Path, name: str, chapter: str, students: int) -> CourseLayout:
    layout = CourseLayout(base / name)
    shutil.copytree(ROOT.solutions / chapter, layout.solutions / chapter)
    shutil.copy(ROOT.root / "nbgrader_config.py", layout.root / "nbgrader_config.py")
    generate(layout, chapter)
    nb = student_submission(layout, chapter)
    for i in range(students):
        path = layout.submitted / f"student{i:03d}" / chapter / f"{chapter}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    return layout


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _per_worker_gradebooks(base: Path, chapter: str, students: int, dlcourse: str) -> float:
    shards = [_scratch(base, f"shard{i}", chapter, students) for i in (1, 2)]
    home = _scratch(base, "merged", chapter, 0)
    start = time.perf_counter()
    procs = [subprocess.Popen([dlcourse, "--root", str(s.root), "grade", "--shard", f"{i}/2",
                               "--jobs", "1", "--quiet"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for i, s in enumerate(shards, 1)]
    for p in procs:
        p.wait()
    subprocess.run([dlcourse, "--root", str(home.root), "merge", *(str(s.root) for s in shards)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="01_perceptron")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.chapter not in ROOT.chapters():
        print(f"chapter {args.chapter} not found in {ROOT.solutions}")
        return 2
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="dlcourse-bench-") as tmp:
        serial = _scratch(Path(tmp), "serial", args.chapter, args.students)
        parallel = _scratch(Path(tmp), "parallel", args.chapter, args.students)
        figures = _scratch(Path(tmp), "figures", args.chapter, args.students)
        unsandboxed = _scratch(Path(tmp), "unsandboxed", args.chapter, args.students)
        ncpu = os.cpu_count() or 1
        busy0, ours0 = _cpu_jiffies()
        wall0 = time.perf_counter()
        t_serial = _timed([str(bindir / "nbgrader"), "autograde", args.chapter, "--force",
                           "--create"], serial.root)
        t_parallel = _timed([str(bindir / "dlcourse"), "--root", str(parallel.root), "grade",
                             "--jobs", str(args.jobs), "--quiet"], parallel.root)
        t_figures = _timed([str(bindir / "dlcourse"), "--root", str(figures.root), "grade",
                            "--jobs", str(args.jobs), "--quiet", "--figures"], figures.root)
        t_unsandboxed = _timed([str(bindir / "dlcourse"), "--root", str(unsandboxed.root),
                                "grade", "--jobs", str(args.jobs), "--quiet", "--no-sandbox"],
                               unsandboxed.root)
        t_merged = _per_worker_gradebooks(Path(tmp), args.chapter, args.students,
                                          str(bindir / "dlcourse"))
        wall = time.perf_counter() - wall0
        busy1, ours1 = _cpu_jiffies()
        hz = os.sysconf("SC_CLK_TCK")
        others = max(0, (busy1 - busy0) - (ours1 - ours0)) / hz / (wall * ncpu)
    print(f"chapter {args.chapter}, {args.students} solved submissions, {ncpu} cores")
    print(f"nbgrader autograde (serial):        {t_serial:7.1f} s "
          f"({t_serial / args.students:.2f} s per submission)")
    print(f"dlcourse grade --jobs {args.jobs}:          {t_parallel:7.1f} s "
          f"({t_parallel / args.students:.2f} s per submission)")
    print(f"dlcourse grade --jobs {args.jobs} --figures: {t_figures:7.1f} s "
          f"({t_figures / args.students:.2f} s per submission)")
    print(f"dlcourse grade --jobs {args.jobs} --no-sandbox: {t_unsandboxed:7.1f} s "
          f"({t_unsandboxed / args.students:.2f} s per submission)")
    print(f"2 shards, own gradebooks, merged:   {t_merged:7.1f} s "
          f"({t_merged / args.students:.2f} s per submission)")
    print(f"speed-up, shared gradebook:      {t_serial / t_parallel:.2f}x  (target >= 1.7x)")
    print(f"speed-up, shared gradebook, figures drawn: {t_serial / t_figures:.2f}x")
    print(f"speed-up, per-worker gradebooks: {t_serial / t_merged:.2f}x")
    cost = (t_parallel - t_unsandboxed) * args.jobs / args.students
    print(f"sandbox cost: {cost:+.2f} s of worker time per submission "
          f"({t_parallel / t_unsandboxed:.2f}x the unsandboxed time)")
    print(f"CPU used by other processes meanwhile: {100 * others:.0f}% of the machine"
          + ("  (high: figures are unreliable)" if others > 0.15 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
