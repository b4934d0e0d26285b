"""``dlcourse start``: a student's copy of the course notebooks, opened in JupyterLab.

``start`` copies the chapter notebooks, the student guide and the glossary into a folder
(default ``./dlcourse-notebooks``), writes the nbgrader settings that the **Validate**
button reads there, and opens JupyterLab on that folder. A file the student has changed is
never overwritten: ``start`` records the SHA-256 of every file it copies in
``.dlcourse/manifest.json`` inside the folder, and only a file whose content still has its
recorded hash counts as untouched. ``.dlcourse/jupyter/`` holds the JupyterLab settings of
the student's server: nbgrader's instructor tools (formgrader, Create Assignment) are off.

- The first ``start`` copies everything.
- A later ``start`` only restores files that are missing (delete a notebook and run
  ``start`` again for a fresh copy); it says when newer versions are installed.
- ``start --update`` also replaces each untouched file that has a newer version (new
  chapters are added either way) and names the edited files it left alone.

In the student edition (the wheel built by ``dlcourse build-student``) the notebooks are
package data beside this module and ``dlcourse`` is this command; in the course repository
they are read from ``course/`` and ``dlcourse start`` is one of the instructor's commands.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEFAULT_FOLDER",
    "JUPYTER_CONFIG",
    "MANIFEST_NAME",
    "NBGRADER_CONFIG",
    "CopyReport",
    "add_start_arguments",
    "copy_course",
    "course_source",
    "main",
    "run_start",
    "write_jupyter_config",
]

DEFAULT_FOLDER = "dlcourse-notebooks"
MANIFEST_NAME = ".dlcourse/manifest.json"
JUPYTER_CONFIG_FOLDER = ".dlcourse/jupyter"
PACKAGED_COURSE = "course"  # the folder of package data beside this module (student edition)
_SKIPPED = {".ipynb_checkpoints", "__pycache__"}

# What nbgrader's Validate reads (the button runs in the server's working directory, the
# student's folder): the per-cell time limit the instructor's grading uses (grading.layout).
NBGRADER_CONFIG = '''\
"""nbgrader settings for Validate in this folder (written by `dlcourse start`)."""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file
c.Execute.timeout = 30  # seconds one cell may run, as when the course is graded
c.Execute.interrupt_on_timeout = True
'''

# Settings files of the student's JupyterLab (a folder on JUPYTER_CONFIG_PATH): nbgrader's
# instructor tools have no use there; Validate, the assignment and course lists stay.
JUPYTER_CONFIG = {
    "labconfig/page_config.json": {"disabledExtensions": {
        "@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:create-assignment": True}},
    "jupyter_server_config.json": {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False}}},
}


def course_source() -> Path:
    """The folder holding the notebooks, guide and glossary to hand out.

    The package data of the student edition when installed from its wheel, else the
    ``course/`` folder of the repository this package was imported from.

    Raises
    ------
    FileNotFoundError
        When neither exists (an instructor install without the repository).
    """
    here = Path(__file__).resolve().parent
    for folder in (here / PACKAGED_COURSE, here.parent / "course"):
        if (folder / "README.md").is_file():
            return folder
    raise FileNotFoundError(
        f"no course notebooks beside {here}: install the student edition "
        "(pip install dlcourse-<version>-py3-none-any.whl) or run from the course repository")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _course_files(source: Path) -> dict[str, bytes]:
    """Every file to hand out, by its path relative to the student's folder (POSIX)."""
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not _SKIPPED & set(relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    files["nbgrader_config.py"] = NBGRADER_CONFIG.encode()
    return files


@dataclass
class CopyReport:
    """What :func:`copy_course` did, as paths relative to the student's folder."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)  # differ from the recorded copy
    outdated: list[str] = field(default_factory=list)  # untouched, newer version not copied

    def lines(self, update: bool) -> list[str]:
        """The report for the student, one line per kind of change."""
        out = []
        if self.added:
            out.append(f"copied {len(self.added)} file(s): {', '.join(self.added)}")
        if self.updated:
            out.append(f"updated {len(self.updated)} untouched file(s): "
                       f"{', '.join(self.updated)}")
        if self.kept_edited and update:
            out.append(f"left alone, edited by you: {', '.join(self.kept_edited)} "
                       "(rename yours and run `dlcourse start` again to get the new version "
                       "beside it)")
        if self.outdated:
            out.append(f"newer version installed for {', '.join(self.outdated)}: "
                       "run `dlcourse start --update` to copy it")
        return out


def copy_course(source: Path, folder: Path, update: bool = False) -> CopyReport:
    """Copy the course files from ``source`` into ``folder`` without touching edited ones.

    Parameters
    ----------
    source : Path
        The packaged course (see :func:`course_source`).
    folder : Path
        The student's folder; created if missing. Its ``.dlcourse/manifest.json``
        records the hash of every file copied, so later runs can tell an untouched
        copy from a file the student edited.
    update : bool
        Also replace untouched files whose packaged version changed.

    Returns
    -------
    CopyReport
        Which files were added, updated, kept because they were edited, or are outdated.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST_NAME
    recorded = (json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
                if manifest_path.is_file() else {})
    report = CopyReport()
    for name, data in _course_files(Path(source)).items():
        target = folder / name
        new_hash = _digest(data)
        if not target.exists():
            report.added.append(name)
        else:
            current = _digest(target.read_bytes())
            if current == new_hash:
                recorded[name] = new_hash
                continue
            if recorded.get(name) != current:
                report.kept_edited.append(name)
                continue
            if not update:
                report.outdated.append(name)
                continue
            report.updated.append(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        recorded[name] = new_hash
    manifest_path.parent.mkdir(exist_ok=True)
    manifest_path.write_text(json.dumps({"files": recorded}, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return report


def add_start_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``dlcourse start`` (shared by the student's and the instructor's
    ``dlcourse``). Options not listed here are passed on to JupyterLab."""
    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, metavar="DIR",
                        help=f"where your notebooks live (default: ./{DEFAULT_FOLDER})")
    parser.add_argument("--update", action="store_true",
                        help="also replace notebooks you have not changed by their newer "
                             "version; edited ones are left alone and listed")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser (JupyterLab prints the URL)")
    parser.add_argument("--port", type=int, help="JupyterLab's port (default 8888)")
    parser.epilog = ("Any other JupyterLab option passes through, written --Name=value, "
                     "e.g. --ServerApp.ip=0.0.0.0.")


def _lab_command(folder: Path, args: argparse.Namespace, lab_args: list[str]) -> list[str]:
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}"]
    if args.no_browser:
        command.append("--no-browser")
    if args.port is not None:
        command.append(f"--port={args.port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root unless told (containers, CI)
    return command + lab_args


def write_jupyter_config(folder: Path) -> Path:
    """Write :data:`JUPYTER_CONFIG` under ``folder/.dlcourse/jupyter``; return that path."""
    config = Path(folder) / JUPYTER_CONFIG_FOLDER
    for name, settings in JUPYTER_CONFIG.items():
        (config / name).parent.mkdir(parents=True, exist_ok=True)
        (config / name).write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    return config


def run_start(args: argparse.Namespace, lab_args: list[str]) -> int:
    """Copy the course into ``args.folder``, then replace this process by JupyterLab."""
    folder = Path(args.folder).resolve()
    report = copy_course(course_source(), folder, update=args.update)
    print(f"dlcourse: your notebooks are in {folder}")
    for line in report.lines(args.update):
        print(f"dlcourse: {line}")
    sys.stdout.flush()
    command = _lab_command(folder, args, lab_args)
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(write_jupyter_config(folder)), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])])
    # Validate reads nbgrader_config.py from the server's working directory.
    os.chdir(folder)
    if os.name == "posix":
        os.execve(command[0], command, env)  # Ctrl-C and signals reach JupyterLab directly
    return subprocess.call(command, env=env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlcourse", description="The course's notebooks on your machine: "
        "`dlcourse start` copies them into a folder and opens JupyterLab there.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = sub.add_parser("start", help="copy the notebooks into DIR and open JupyterLab")
    add_start_arguments(start)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The student edition's ``dlcourse`` command."""
    args, lab_args = build_parser().parse_known_args(argv)
    try:
        return run_start(args, lab_args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dlcourse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
