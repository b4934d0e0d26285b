"""``dlcourse`` — the instructor's command: release, collect, grade, feedback, export, demo.

Run ``dlcourse --help`` or ``dlcourse <command> --help`` for the options of each step.
"""

from __future__ import annotations

import argparse
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="the course repository (default: found from the "
                        "current folder, or $DLCOURSE_ROOT)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="generate course/ from solutions/, after checking both")
    p.add_argument("chapters", nargs="*", metavar="CHAPTER", help="e.g. 01_perceptron (default: all)")
    p.add_argument("--check", action="store_true",
                   help="only report chapters whose course/ notebook is out of date")
    p.add_argument("--no-verify", action="store_true",
                   help="skip running the notebooks (not recommended)")
    p.set_defaults(func=cmd_release)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dlcourse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
