"""``dlcourse build-student``: the student edition, a wheel and an sdist without the answers.

The student edition is what an instructor hands out for a graded class: ``pip install``
it, then ``dlcourse start`` (:mod:`grading.start`) copies the notebooks into a folder and
opens JupyterLab with nbgrader's Validate button. It holds

- ``dlcore``, the reference library the notebooks import;
- ``grading/__init__.py``, ``grading/checks.py`` (the helpers every test cell imports as
  ``from grading import checks``) and ``grading/start.py`` (the student's ``dlcourse``);
- ``grading/course/``: the released notebook of every chapter found in ``course/*/``,
  with ``course/README.md`` (the student guide) and ``course/GLOSSARY.md``;

and nothing else of the repository: no ``solutions/``, no hidden test, no sample
submission, no gradebook. The files are copied into a temporary staging folder with a
small ``pyproject.toml`` of their own and built there with ``python -m build`` (offline,
no build isolation). Both artefacts are then scanned (:func:`find_leaks`): a line that
stands between ``BEGIN SOLUTION`` / ``END SOLUTION`` or ``BEGIN HIDDEN TESTS`` /
``END HIDDEN TESTS`` in ``solutions/`` and is visible neither in the released notebooks nor
in ``dlcore`` fails the build, and the artefacts are deleted.
"""

from __future__ import annotations

import io
import json
import keyword
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Leak", "build_student_edition", "find_leaks", "released_chapters", "secret_lines"]

# The modules of grading/ a student needs; the rest of the package is the instructor's.
STUDENT_MODULES = ("__init__.py", "checks.py", "start.py")
_IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
_REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
_WORD = re.compile(r"[A-Za-z_]\w*")


def released_chapters(root: Path) -> list[str]:
    """The chapters released in ``root/course``: each ``course/NAME/NAME.ipynb``, sorted."""
    course = Path(root) / "course"
    return sorted(d.name for d in course.iterdir()
                  if d.is_dir() and (d / f"{d.name}.ipynb").is_file())


# -- building ------------------------------------------------------------------------------


def _project_table(root: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def student_pyproject(project: dict) -> str:
    """The staging folder's ``pyproject.toml``: the repository's name, version, Python and
    dependencies (the notebooks need all of them); the student's ``dlcourse`` command."""
    license_ = project.get("license", {"text": "MIT"})
    license_toml = (f"{{ text = {json.dumps(license_['text'])} }}" if isinstance(license_, dict)
                    else json.dumps(license_))
    return f"""\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = {json.dumps(project["name"])}
version = {json.dumps(project["version"])}
description = "Student edition of the dlcourse notebooks: deep neural networks in NumPy, \
checked with nbgrader. Run `dlcourse start`."
readme = "README.md"
requires-python = {json.dumps(project["requires-python"])}
license = {license_toml}
dependencies = {json.dumps(project["dependencies"])}

[project.scripts]
dlcourse = "grading.start:main"

[tool.setuptools]
packages = ["dlcore", "grading"]
include-package-data = false

[tool.setuptools.package-data]
grading = ["course/*.md", "course/*/*"]
"""


def stage(root: Path, staging: Path) -> list[str]:
    """Copy what the student edition holds from the repository ``root`` into ``staging``
    and write its ``pyproject.toml``; return the chapters staged."""
    root, staging = Path(root), Path(staging)
    chapters = released_chapters(root)
    if not chapters:
        raise FileNotFoundError(f"no released chapter in {root / 'course'}: "
                                "run `dlcourse release` first")
    shutil.copytree(root / "dlcore", staging / "dlcore", ignore=_IGNORED)
    (staging / "grading").mkdir(parents=True)
    for module in STUDENT_MODULES:
        shutil.copy2(root / "grading" / module, staging / "grading" / module)
    packaged = staging / "grading" / "course"
    packaged.mkdir()
    for name in ("README.md", "GLOSSARY.md"):
        shutil.copy2(root / "course" / name, packaged / name)
    for chapter in chapters:
        shutil.copytree(root / "course" / chapter, packaged / chapter, ignore=_IGNORED)
    shutil.copy2(root / "course" / "README.md", staging / "README.md")  # the long description
    (staging / "pyproject.toml").write_text(student_pyproject(_project_table(root)),
                                            encoding="utf-8")
    return chapters


def build_student_edition(root: Path, out: Path) -> list[Path]:
    """Build the student edition of the course at ``root`` into ``out`` and scan it.

    Returns
    -------
    list of Path
        The sdist and the wheel.

    Raises
    ------
    RuntimeError
        When the build fails (with its output), or when the scan finds a solution or
        hidden-test line in either artefact (both are then deleted).
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    try:
        import build  # noqa: F401 - only to say what is missing before running it
    except ModuleNotFoundError:
        raise RuntimeError("building the student edition needs the `build` package: "
                           "pip install -e '.[dev]'") from None
    with tempfile.TemporaryDirectory(prefix="dlcourse-student-") as tmp:
        staging, built = Path(tmp) / "staging", Path(tmp) / "dist"
        stage(root, staging)
        # sdist first, then the wheel built from the unpacked sdist: proves the sdist complete
        result = subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(built),
             str(staging)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError("python -m build failed:\n"
                               + "\n".join((result.stdout + result.stderr).splitlines()[-30:]))
        out.mkdir(parents=True, exist_ok=True)
        artefacts = []
        for path in sorted(built.iterdir()):
            target = out / path.name
            shutil.copy2(path, target)
            artefacts.append(target)
    leaks = find_leaks(root, artefacts)
    if leaks:
        for path in artefacts:
            path.unlink()
        shown = "\n".join(f"  {leak}" for leak in leaks[:20])
        raise RuntimeError(f"{len(leaks)} solution or hidden-test line(s) in the student "
                           f"edition; nothing was kept:\n{shown}")
    return artefacts


# -- scanning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    """A line of a solution region found in a file of an artefact."""

    artefact: str
    member: str
    line: str
    source: str  # the solution notebook it stands in

    def __str__(self) -> str:
        return f"{self.artefact}:{self.member}: {self.line!r} (from {self.source})"


def _notebook_lines(text: str) -> list[str]:
    """The lines of every cell's source and text outputs of a notebook's JSON."""
    try:
        nb = json.loads(text)
    except ValueError:
        return []
    lines = []
    for cell in nb.get("cells", []):
        chunks = [cell.get("source", "")]
        for output in cell.get("outputs", []):
            chunks.append(output.get("text", ""))
            chunks.extend(output.get("data", {}).values())
            chunks.extend(output.get("traceback", []))
        for chunk in chunks:
            chunk = "".join(chunk) if isinstance(chunk, list) else chunk
            if isinstance(chunk, str):
                lines.extend(chunk.splitlines())
    return lines


def _lines(name: str, text: str) -> set[str]:
    lines = text.splitlines()
    if name.endswith(".ipynb"):
        lines += _notebook_lines(text)
    return {line.strip() for line in lines}


def _carries_content(line: str) -> bool:
    """A line with a name or a literal in it: not only punctuation and Python keywords
    (``]``, ``else:``, ``continue``), which say nothing about an answer."""
    words = _WORD.findall(line)
    return any(not keyword.iskeyword(word) for word in words) or bool(re.search(r"\d", line))


def secret_lines(root: Path) -> dict[str, str]:
    """Every line inside a solution or hidden-test region of ``root/solutions/*/*.ipynb``
    that is visible neither in a released notebook (``course/*/*.ipynb``) nor in the
    reference library ``dlcore/`` (shipped by design), mapped to its notebook."""
    root = Path(root)
    secrets: dict[str, str] = {}
    for path in sorted(root.glob("solutions/*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = cell["source"]
            end = None
            for line in ("".join(source) if isinstance(source, list) else source).splitlines():
                if end is None:
                    end = next((e for b, e in _REGIONS if b in line), None)
                elif end in line:
                    end = None
                elif _carries_content(line):
                    secrets.setdefault(line.strip(), path.relative_to(root).as_posix())
    visible: set[str] = set()
    for path in [*root.glob("course/*/*.ipynb"), *root.glob("dlcore/**/*.py")]:
        visible |= _lines(path.name, path.read_text(encoding="utf-8"))
    return {line: where for line, where in secrets.items() if line not in visible}


def _members(artefact: Path) -> Iterator[tuple[str, bytes]]:
    """(name, content) of every file in a wheel (zip) or an sdist (tar.gz)."""
    if artefact.suffix == ".whl":
        with zipfile.ZipFile(artefact) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    else:
        with tarfile.open(artefact) as archive:
            for member in archive.getmembers():
                if member.isfile():
                    yield member.name, archive.extractfile(member).read()


def find_leaks(root: Path, artefacts: list[Path],
               secrets: dict[str, str] | None = None) -> list[Leak]:
    """Every line of :func:`secret_lines` found in a file of the ``artefacts``."""
    secrets = secret_lines(root) if secrets is None else secrets
    leaks = []
    for artefact in artefacts:
        for name, data in _members(Path(artefact)):
            text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()
            leaks += [Leak(Path(artefact).name, name, line, secrets[line])
                      for line in sorted(_lines(name, text)) if line in secrets]
    return leaks
