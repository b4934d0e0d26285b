"""``dlcourse`` — the instructor's command: release, collect, grade, feedback, export, demo,
build-student; and ``start``, the student's (see :mod:`grading.start`).

Also ``integrity`` (the flagged submissions and why) and ``accept`` (an instructor's
acceptance of a flagged submission's score).

Run ``dlcourse --help`` or ``dlcourse <command> --help`` for the options of each step.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from grading.layout import CourseLayout, find_root

__all__ = ["main"]


def _layout(args) -> CourseLayout:
    return CourseLayout(Path(args.root).resolve() if args.root else find_root())


def _chapters(layout: CourseLayout, wanted: list[str]) -> list[str]:
    known = layout.chapters()
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise SystemExit(
            f"dlcourse: unknown chapter(s) {', '.join(unknown)}; "
            f"the chapters in {layout.solutions} are: {', '.join(known) or 'none'}"
        )
    return wanted or known


def cmd_release(args) -> int:
    from grading.release import check_up_to_date, release_chapter

    layout = _layout(args)
    failed = 0
    for chapter in _chapters(layout, args.chapters):
        if args.check:
            stale = check_up_to_date(layout, chapter)
            for line in stale:
                print(f"STALE  {line}")
            failed += bool(stale)
            if not stale:
                print(f"ok     {chapter}: course/ matches solutions/")
            continue
        print(f"...    {chapter}: generating and checking (runs both notebooks)", flush=True)
        report = release_chapter(layout, chapter, verify=not args.no_verify)
        if report.ok:
            print(f"ok     {chapter}: released to {layout.release_notebook(chapter)} "
                  f"({report.n_tests} autograded test cells, {report.points:g} points)")
        else:
            failed += 1
            for problem in report.problems:
                print(f"FAIL   {problem}")
            print(f"FAIL   {chapter}: not released; course/ left unchanged")
    return 1 if failed else 0


def cmd_collect(args) -> int:
    from grading.collect import collect

    layout = _layout(args)
    report = collect(layout, Path(args.source))
    for student, chapter, name in report.collected:
        print(f"ok     {student}: {name} -> {chapter}")
    for problem in report.problems:
        print(f"WARN   {problem}")
    print(f"collected {len(report.collected)} notebook(s) into {layout.submitted}; "
          f"{len(report.problems)} problem(s) reported")
    return 0


NO_SANDBOX_WARNING = """\
WARNING: --no-sandbox. Student notebooks will run as you, with everything you can reach:
they can read the solutions and hidden tests, other students' submissions and your files,
change the gradebook and the course's code, use the network, and leave processes running.
Grade this way only notebooks you trust (your own, or for a quick look), never a class."""


def cmd_grade(args) -> int:
    from tqdm.auto import tqdm

    from grading.grade import find_submissions, grade_all, in_shard, parse_shard
    from grading.sandbox import SandboxUnavailable, check_sandbox

    layout = _layout(args)
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    else:
        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            print(f"dlcourse grade: refusing to grade without a sandbox.\n{exc}",
                  file=sys.stderr)
            return 2
    chapters = _chapters(layout, args.chapters)
    jobs = find_submissions(layout, chapters)
    if args.shard:
        index, count = parse_shard(args.shard)
        jobs = [j for j in jobs if in_shard(j.student, index, count)]
    if not jobs:
        print("no submissions to grade: run `dlcourse collect SRC` first")
        return 0
    workers = args.jobs or os.cpu_count() or 1
    print(f"grading {len(jobs)} submission(s) with {min(workers, len(jobs))} worker(s)")
    bar = tqdm(total=len(jobs), unit="nb", disable=args.quiet or not sys.stderr.isatty())

    def show(outcome) -> None:
        bar.write(outcome.summary())
        bar.update()

    outcomes = grade_all(layout, jobs, workers=workers, memory_limit_mb=args.memory_limit_mb,
                         cell_timeout=args.cell_timeout, max_seconds=args.max_seconds,
                         render_figures=args.figures, sandbox=not args.no_sandbox,
                         on_result=show)
    bar.close()
    graded = sum(o.graded for o in outcomes)
    flagged = sum(o.scored and not o.graded for o in outcomes)
    failed = len(outcomes) - graded - flagged
    print(f"{graded} graded, {flagged} flagged, {failed} failed")
    if flagged:
        print("flagged scores are withheld from the export: `dlcourse integrity` shows why, "
              "`dlcourse accept STUDENT CHAPTER` accepts one after you have read it")
    return 1 if failed else 0


def cmd_integrity(args) -> int:
    from grading.status import StatusBook, kind_of

    layout = _layout(args)
    status = StatusBook(layout.status_file)
    flagged = [e for e in sorted(status.entries.values(),
                                 key=lambda e: (e["student"], e["chapter"]))
               if kind_of(e) == "flagged"]
    for entry in flagged:
        state = "accepted" if entry.get("accepted") else "score withheld"
        print(f"{entry['student']}/{entry['chapter']}: {entry.get('score', 0):g} / "
              f"{entry.get('max_score', 0):g} points, {state}")
        for finding in entry.get("findings", []):
            print(f"    {finding['cell']}, line {finding['line']}: {finding['reason']}")
    print(f"{len(flagged)} flagged submission(s)")
    return 0


def cmd_accept(args) -> int:
    from grading.status import StatusBook

    layout = _layout(args)
    status = StatusBook(layout.status_file)
    entry = status.accept(args.student, args.chapter)
    status.save()
    print(f"accepted {args.student}/{args.chapter}: {entry.get('score', 0):g} / "
          f"{entry.get('max_score', 0):g} points now count in the export")
    return 0


def cmd_feedback(args) -> int:
    from grading.feedback import write_all_feedback

    layout = _layout(args)
    pages, skipped = write_all_feedback(layout, _chapters(layout, args.chapters))
    for page in pages:
        print(f"ok     {page.relative_to(layout.root)}")
    for note in skipped:
        print(f"skip   {note}")
    print(f"{len(pages)} feedback page(s) in {layout.feedback}")
    return 0


def cmd_export(args) -> int:
    from grading.export import export_csv, format_table, grade_rows

    layout = _layout(args)
    chapters = _chapters(layout, args.chapters)
    n = export_csv(layout, args.path, chapters)
    print(format_table(grade_rows(layout, chapters)))
    print(f"wrote {n} row(s) to {args.path}")
    return 0


def cmd_merge(args) -> int:
    from grading.merge import merge

    layout = _layout(args)
    for other in args.others:
        print(merge(layout, Path(other)))
    return 0


def cmd_demo(args) -> int:
    from grading.demo import run_demo

    return run_demo(Path(args.root).resolve() if args.root else find_root(),
                    Path(args.workdir) if args.workdir else None, jobs=args.jobs)


def cmd_build_student(args) -> int:
    from grading.student_edition import build_student_edition

    root = Path(args.root).resolve() if args.root else find_root()
    try:
        artefacts = build_student_edition(root, Path(args.out) if args.out else root / "dist")
    except RuntimeError as exc:  # the build failed, or the scan found an answer
        print(f"dlcourse: {exc}", file=sys.stderr)
        return 1
    for path in artefacts:
        print(f"ok     {path} ({path.stat().st_size / 1024:.0f} KiB)")
    print("no solution or hidden-test line found in either file")
    return 0


def cmd_start(args) -> int:
    from grading.start import run_start

    return run_start(args, args.lab_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="the course repository (default: found from the "
                        "current folder, or $DLCOURSE_ROOT)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="generate course/ from solutions/, after checking both")
    p.add_argument("chapters", nargs="*", metavar="CHAPTER",
                   help="e.g. 01_perceptron (default: all)")
    p.add_argument("--check", action="store_true",
                   help="only report chapters whose course/ notebook is out of date")
    p.add_argument("--no-verify", action="store_true",
                   help="skip running the notebooks (not recommended)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("collect", help="import SRC/<student_id>/*.ipynb into grading/submitted")
    p.add_argument("source", metavar="SRC")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("grade", help="autograde the collected submissions in parallel")
    p.add_argument("chapters", nargs="*", metavar="CHAPTER", help="default: all")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="parallel workers (default: the number of cores)")
    p.add_argument("--shard", metavar="I/N",
                   help="grade only slice I of N (by student), to spread over machines")
    p.add_argument("--cell-timeout", type=int, default=None,
                   help="seconds one cell may run (default 30, or $DLCOURSE_CELL_TIMEOUT)")
    p.add_argument("--memory-limit-mb", type=int, default=4096,
                   help="address-space limit of each worker and its kernels (default 4096)")
    p.add_argument("--max-seconds", type=float, default=600,
                   help="a submission still running after this is stopped and failed")
    p.add_argument("--figures", action="store_true",
                   help="draw the notebooks' figures (slower; they then appear in the feedback)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run student kernels as you, without bubblewrap (unsafe: for trusted "
                   "notebooks only)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("integrity", help="the flagged submissions and what was found in each")
    p.set_defaults(func=cmd_integrity)

    p = sub.add_parser("accept", help="accept a flagged submission's score after reading it")
    p.add_argument("student")
    p.add_argument("chapter")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("feedback", help="one HTML page per graded submission, hidden tests removed")
    p.add_argument("chapters", nargs="*", metavar="CHAPTER", help="default: all")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="write the grade table as CSV")
    p.add_argument("path", metavar="grades.csv")
    p.add_argument("--chapters", nargs="*", default=[], metavar="CHAPTER")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("merge", help="merge the grading/ folders of other machines' shards")
    p.add_argument("others", nargs="+", metavar="OTHER_ROOT",
                   help="another course root whose grading/ holds graded shards")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("demo", help="the whole flow on the sample submissions, in a scratch copy")
    p.add_argument("--workdir", help="where to build the scratch copy (default: a temp folder)")
    p.add_argument("--jobs", "-j", type=int, default=2)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("build-student", help="build the student edition (wheel and sdist, "
                       "no solutions) from course/")
    p.add_argument("--out", metavar="DIR", help="where to write them (default: dist/)")
    p.set_defaults(func=cmd_build_student)

    from grading.start import add_start_arguments

    p = sub.add_parser("start", help="what a student runs: copy the notebooks into DIR "
                       "and open JupyterLab there")
    add_start_arguments(p)
    p.set_defaults(func=cmd_start)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    parser = build_parser()
    args, lab_args = parser.parse_known_args(argv)
    if lab_args and args.command != "start":  # only start passes options on (to JupyterLab)
        parser.error(f"unrecognized arguments: {' '.join(lab_args)}")
    args.lab_args = lab_args
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dlcourse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
