"""The student edition: what a class installs holds no answer, and two commands set it up.

Fast tests check ``dlcourse start``'s copying rules and the scanner on small hand-made
folders. The slow ones build the wheel and sdist from this checkout (once per session),
scan them, install the wheel into a fresh virtual environment that cannot see the
repository (not on PYTHONPATH, working directory elsewhere), and there: run
``dlcourse start --no-browser``, execute a released notebook, validate a solved chapter
with ``nbgrader validate``, and run the browser test of tests/test_browser.py against the
student edition's JupyterLab. Installing the wheel fetches JupyterLab, nbgrader, NumPy and
the rest through pip (from its cache when warm).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import time
import urllib.error
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import test_browser
from browser_support import JupyterLab, solved_notebook
from test_browser import chromium_path, page  # noqa: F401 - fixtures of the browser test
from traitlets.config import Config

from grading import cli
from grading.layout import configure
from grading.start import (
    MANIFEST_NAME,
    NBGRADER_CONFIG,
    build_parser,
    copy_course,
    course_source,
)
from grading.student_edition import (
    STUDENT_MODULES,
    build_student_edition,
    find_leaks,
    released_chapters,
    secret_lines,
)

REPO = Path(__file__).resolve().parents[1]
CHAPTER = test_browser.CHAPTER  # the chapter solved, validated and opened in the browser
PIP_TIMEOUT = 900  # seconds: a cold pip cache downloads JupyterLab, nbgrader, NumPy, ...
RUN_TIMEOUT = 300  # seconds: one notebook run or one `nbgrader validate`


# -- dlcourse start: copying rules (fast) ---------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def packaged(tmp_path) -> Path:
    """A small packaged course: a guide, a glossary and one chapter."""
    source = tmp_path / "packaged"
    _write(source / "README.md", "guide v1\n")
    _write(source / "GLOSSARY.md", "glossary v1\n")
    _write(source / "01_a" / "01_a.ipynb", "chapter 1 v1\n")
    _write(source / "01_a" / ".ipynb_checkpoints" / "01_a-checkpoint.ipynb", "never copied\n")
    return source


def test_first_start_copies_everything_and_records_it(packaged, tmp_path):
    folder = tmp_path / "student"
    report = copy_course(packaged, folder)
    expected = ["01_a/01_a.ipynb", "GLOSSARY.md", "README.md", "nbgrader_config.py"]
    assert sorted(report.added) == expected
    assert (folder / "01_a" / "01_a.ipynb").read_text() == "chapter 1 v1\n"
    assert (folder / "nbgrader_config.py").read_text() == NBGRADER_CONFIG
    assert not (folder / "01_a" / ".ipynb_checkpoints").exists()
    manifest = json.loads((folder / MANIFEST_NAME).read_text())["files"]
    assert sorted(manifest) == expected
    assert copy_course(packaged, folder).added == []  # a second start changes nothing


def test_update_replaces_untouched_files_and_keeps_edited_ones(packaged, tmp_path):
    folder = tmp_path / "student"
    copy_course(packaged, folder)
    (folder / "01_a" / "01_a.ipynb").write_text("my answers\n")  # the student's work
    (folder / "GLOSSARY.md").unlink()  # deleted: a plain start brings it back
    # a newer edition: every file changed, and a new chapter
    for name in ("README.md", "GLOSSARY.md", "01_a/01_a.ipynb"):
        (packaged / name).write_text((packaged / name).read_text().replace("v1", "v2"))
    _write(packaged / "02_b" / "02_b.ipynb", "chapter 2 v2\n")

    plain = copy_course(packaged, folder)
    assert sorted(plain.added) == ["02_b/02_b.ipynb", "GLOSSARY.md"]
    assert plain.outdated == ["README.md"] and plain.updated == []
    assert (folder / "README.md").read_text() == "guide v1\n"
    assert any("dlcourse start --update" in line for line in plain.lines(update=False))

    update = copy_course(packaged, folder, update=True)
    assert update.updated == ["README.md"] and update.added == []
    assert update.kept_edited == ["01_a/01_a.ipynb"]
    assert (folder / "README.md").read_text() == "guide v2\n"
    assert (folder / "01_a" / "01_a.ipynb").read_text() == "my answers\n"
    assert any("01_a/01_a.ipynb" in line and "edited by you" in line
               for line in update.lines(update=True))


def test_a_file_that_was_there_before_start_counts_as_the_students(packaged, tmp_path):
    folder = tmp_path / "student"
    _write(folder / "README.md", "my own notes\n")
    report = copy_course(packaged, folder, update=True)
    assert report.kept_edited == ["README.md"]
    assert (folder / "README.md").read_text() == "my own notes\n"


def test_in_the_repository_start_hands_out_course(tmp_path):
    assert course_source() == REPO / "course"  # the student edition packs it beside start.py
    report = copy_course(course_source(), tmp_path / "student")
    assert {f"{c}/{c}.ipynb" for c in released_chapters(REPO)} <= set(report.added)


def test_validate_uses_the_cell_time_limit_of_grading(monkeypatch):
    monkeypatch.delenv("DLCOURSE_CELL_TIMEOUT", raising=False)
    student, instructor = Config(), Config()
    exec(NBGRADER_CONFIG, {"get_config": lambda: student})
    configure(instructor, REPO)
    assert student.Execute.timeout == instructor.Execute.timeout
    assert student.Execute.interrupt_on_timeout == instructor.Execute.interrupt_on_timeout


@pytest.mark.parametrize("parser", [build_parser(), cli.build_parser()],
                         ids=["student dlcourse", "repository dlcourse"])
def test_start_passes_unknown_options_to_jupyterlab(parser):
    args, lab_args = parser.parse_known_args(
        ["start", "notes", "--update", "--no-browser", "--port", "9999",
         "--ServerApp.ip=0.0.0.0"])
    assert (args.folder, args.update, args.no_browser, args.port) == ("notes", True, True, 9999)
    assert lab_args == ["--ServerApp.ip=0.0.0.0"]
    args, lab_args = parser.parse_known_args(["start"])
    assert (args.folder, args.update, lab_args) == ("dlcourse-notebooks", False, [])


def test_other_instructor_commands_still_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["export", "grades.csv", "--bogus"])
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


# -- the scanner (fast) ---------------------------------------------------------------------


def _notebook(path: Path, sources: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_secret_lines_are_the_hidden_ones_with_content(tmp_path):
    _notebook(tmp_path / "solutions" / "01_a" / "01_a.ipynb", [
        "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n",
        "### BEGIN HIDDEN TESTS\nassert f(2) == 3\nelse:\n]\n### END HIDDEN TESTS\n",
        "print('shown')\n",
    ])
    _notebook(tmp_path / "course" / "01_a" / "01_a.ipynb",
              ["def f(x):\n    return y\n", "print('shown')\n"])
    _write(tmp_path / "dlcore" / "ref.py", "def g(x):\n    y = x + 1\n")
    # `return y` is visible in the student notebook, `y = x + 1` is in dlcore, `else:` and
    # `]` carry nothing: only the hidden test's assertion is secret
    assert secret_lines(tmp_path) == {"assert f(2) == 3": "solutions/01_a/01_a.ipynb"}


# -- building and scanning the student edition (slow) ---------------------------------------


@dataclass
class Edition:
    wheel: Path
    sdist: Path
    seconds: float


@pytest.fixture(scope="session")
def student_edition(tmp_path_factory) -> Edition:
    """The student edition built from this checkout (CI's checkout is a fresh clone)."""
    out = tmp_path_factory.mktemp("student-edition")
    started = time.monotonic()
    artefacts = build_student_edition(REPO, out)
    seconds = time.monotonic() - started
    wheel = next(p for p in artefacts if p.suffix == ".whl")
    sdist = next(p for p in artefacts if p.name.endswith(".tar.gz"))
    print(f"student edition built in {seconds:.1f} s: {wheel.name} "
          f"{wheel.stat().st_size / 1024:.0f} KiB, {sdist.name} "
          f"{sdist.stat().st_size / 1024:.0f} KiB")
    return Edition(wheel, sdist, seconds)


def _wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if not name.endswith("/")}


def _sdist_files(sdist: Path) -> dict[str, bytes]:
    """The sdist's files, without its top folder ``dlcourse-<version>/``."""
    with tarfile.open(sdist) as archive:
        return {member.name.split("/", 1)[1]: archive.extractfile(member).read()
                for member in archive.getmembers() if member.isfile()}


def _shipped_course(files: dict[str, bytes]) -> dict[str, bytes]:
    prefix = "grading/course/"
    return {name[len(prefix):]: data for name, data in files.items() if name.startswith(prefix)}


def _repo_course() -> dict[str, bytes]:
    course = REPO / "course"
    files = {name: (course / name).read_bytes() for name in ("README.md", "GLOSSARY.md")}
    for chapter in released_chapters(REPO):
        files[f"{chapter}/{chapter}.ipynb"] = (course / chapter / f"{chapter}.ipynb").read_bytes()
    return files


@pytest.mark.slow
def test_no_solution_or_hidden_test_line_ships(student_edition):
    secrets = secret_lines(REPO)
    chapters = {Path(where).parent.name for where in secrets.values()}
    assert chapters == {p.parent.name for p in REPO.glob("solutions/*/*.ipynb")}
    leaks = find_leaks(REPO, [student_edition.wheel, student_edition.sdist], secrets)
    assert leaks == [], "\n".join(map(str, leaks))


@pytest.mark.slow
def test_the_scan_finds_a_planted_answer(student_edition, tmp_path):
    secrets = secret_lines(REPO)
    solution_line = next(line for line, where in secrets.items() if CHAPTER in where)
    hidden_test_line = next(line for line in secrets if "checks.assert" in line)
    doctored_wheel = tmp_path / student_edition.wheel.name
    with zipfile.ZipFile(student_edition.wheel) as source, \
            zipfile.ZipFile(doctored_wheel, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "grading/checks.py":
                data += f"\n    {solution_line}\n".encode()
            target.writestr(info, data)
    doctored_sdist = tmp_path / student_edition.sdist.name
    with tarfile.open(student_edition.sdist) as source, \
            tarfile.open(doctored_sdist, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.endswith(f"/{CHAPTER}.ipynb"):  # a hidden test left in a cell
                nb = nbformat.reads(data.decode(), as_version=4)
                nb.cells[-1].source += f"\n{hidden_test_line}"
                data = nbformat.writes(nb).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    leaks = find_leaks(REPO, [doctored_wheel, doctored_sdist], secrets)
    assert [(leak.artefact, leak.member, leak.line) for leak in leaks] == [
        (doctored_wheel.name, "grading/checks.py", solution_line),
        (doctored_sdist.name, doctored_sdist.name.removesuffix(".tar.gz")
         + f"/grading/course/{CHAPTER}/{CHAPTER}.ipynb", hidden_test_line),
    ]


@pytest.mark.slow
def test_the_wheel_holds_only_what_a_student_needs(student_edition):
    files = _wheel_files(student_edition.wheel)
    info = f"dlcourse-{student_edition.wheel.name.split('-')[1]}.dist-info/"
    dlcore = {p.relative_to(REPO).as_posix() for p in (REPO / "dlcore").rglob("*.py")}
    grading = {f"grading/{name}" for name in STUDENT_MODULES}
    course = {f"grading/course/{name}" for name in _repo_course()}
    assert set(files) - {n for n in files if n.startswith(info)} == dlcore | grading | course
    assert _shipped_course(files) == _repo_course()  # the released notebooks, byte for byte
    entry_points = files[info + "entry_points.txt"].decode()
    assert "dlcourse = grading.start:main" in entry_points
    sizes: dict[str, int] = {}
    for name, data in files.items():
        folder = name.rsplit("/", 1)[0] if "/" in name else "."
        sizes[folder] = sizes.get(folder, 0) + len(data)
    print(f"wheel {student_edition.wheel.stat().st_size / 1024:.0f} KiB "
          f"(unpacked {sum(sizes.values()) / 1024:.0f} KiB): "
          + ", ".join(f"{folder} {size / 1024:.0f} KiB" for folder, size in sorted(sizes.items())))


@pytest.mark.slow
def test_the_sdist_holds_the_same_files(student_edition):
    files = _sdist_files(student_edition.sdist)
    packaged = {n for n in files if n.startswith(("dlcore/", "grading/"))}
    assert packaged == {n for n in _wheel_files(student_edition.wheel)
                        if n.startswith(("dlcore/", "grading/"))}
    assert _shipped_course(files) == _repo_course()
    others = {n for n in files if n not in packaged and not n.startswith("dlcourse.egg-info/")}
    assert others == {"PKG-INFO", "README.md", "pyproject.toml", "setup.cfg"}
    assert files["README.md"] == (REPO / "course" / "README.md").read_bytes()


# -- the student edition in a fresh environment (slow) --------------------------------------


@dataclass
class StudentEnv:
    """A virtual environment with the student edition installed, in a folder of its own."""

    home: Path  # the student's working directory
    venv: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def environ(self) -> dict[str, str]:
        """This environment without the repository: no PYTHONPATH, no path into it."""
        env = {k: v for k, v in os.environ.items()
               if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DLCOURSE_ROOT"}}
        path = [p for p in env.get("PATH", "").split(os.pathsep)
                if p and not Path(p).resolve().is_relative_to(REPO)]
        env["PATH"] = os.pathsep.join([str(self.venv / "bin"), *path])
        env["VIRTUAL_ENV"] = str(self.venv)
        return env

    def run(self, *command: str, cwd: Path | None = None,
            timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=cwd or self.home, env=self.environ(), text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def student_env(student_edition, tmp_path_factory) -> StudentEnv:
    home = tmp_path_factory.mktemp("student-home")
    env = StudentEnv(home, home / "venv")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(env.venv)], check=True, cwd=home,
                   env=env.environ(), timeout=RUN_TIMEOUT)
    result = env.run(env.bin("python"), "-m", "pip", "install", "--quiet",
                     "--disable-pip-version-check", "--no-compile", str(student_edition.wheel),
                     timeout=PIP_TIMEOUT)
    assert result.returncode == 0, f"pip install failed:\n{result.stdout}\n{result.stderr}"
    print(f"fresh venv with the student edition in {time.monotonic() - started:.1f} s")
    return env


class StudentEditionLab(JupyterLab):
    """JupyterLab as a student starts it: ``dlcourse start DIR --no-browser`` in the
    student environment, from the student's home folder."""

    def __init__(self, env: StudentEnv, folder: Path, log_path: Path):
        super().__init__(folder, log_path, start_timeout=120.0)
        self.env = env

    def working_directory(self) -> Path:
        return self.env.home

    def command(self) -> list[str]:
        return [self.env.bin("dlcourse"), "start", self.root.name, "--no-browser",
                "--port", str(self.port), "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}"]

    def environment(self, state: Path) -> dict[str, str]:
        env = super().environment(state)
        student = self.env.environ()
        for name in ("PYTHONPATH", "PYTHONHOME"):
            env.pop(name, None)
        env.update({name: student[name] for name in ("PATH", "VIRTUAL_ENV")})
        return env


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """Screenshots of the browser test against the student edition."""
    return test_browser.emptied(REPO / "artifacts" / "browser-student")


@pytest.fixture(scope="module")
def lab(student_env):
    """``dlcourse start`` serving ./dlcourse-notebooks of the student's home folder."""
    server = StudentEditionLab(student_env, student_env.home / "dlcourse-notebooks",
                               student_env.home / "jupyterlab.log")
    with server:
        yield server


@pytest.fixture(scope="module")
def solved_chapter(lab) -> Path:
    """The chapter's notebook in the student's folder, solved from the solutions."""
    path = lab.root / CHAPTER / f"{CHAPTER}.ipynb"
    nbformat.write(solved_notebook(REPO, CHAPTER), path)
    return path


@pytest.fixture(scope="module")
def notebook(solved_chapter, lab) -> Path:
    """The solved notebook, relative to the server's root (for the browser test)."""
    return solved_chapter.relative_to(lab.root)


@pytest.mark.slow
def test_the_environment_cannot_see_the_repository(student_env):
    result = student_env.run(student_env.bin("python"), "-c", (
        "import dlcore, grading, grading.checks, grading.start, importlib.util\n"
        "print(dlcore.__file__, grading.__file__, importlib.util.find_spec('grading.cli'))"))
    assert result.returncode == 0, result.stderr
    dlcore_file, grading_file, cli_spec = result.stdout.split()
    for path in (dlcore_file, grading_file):
        assert Path(path).is_relative_to(student_env.venv), path
    assert cli_spec == "None"  # the instructor's tooling is not installed


@pytest.mark.slow
def test_start_copies_the_course_and_jupyterlab_answers(lab):
    folder = lab.root
    shipped = {name: (folder / name).read_bytes() for name in _repo_course()}
    assert shipped == _repo_course()
    assert (folder / "nbgrader_config.py").read_text() == NBGRADER_CONFIG
    assert (folder / MANIFEST_NAME).is_file()
    listing = {item["name"] for item in lab.api("/api/contents")["content"]}
    assert set(released_chapters(REPO)) | {"README.md", "GLOSSARY.md"} <= listing
    extensions = {ext["name"] for ext in lab.api("/lab/api/extensions")}
    assert any("nbgrader" in name for name in extensions), extensions  # Validate's button
    assert lab.api("/nbgrader_version?version=0.9.6")  # its server side
    with pytest.raises(urllib.error.HTTPError) as refused:  # no instructor tools for students
        lab.api("/formgrader")
    assert refused.value.code == 404
    assert "your notebooks are in" in lab.log_tail(200)


_EXECUTE = """\
import sys
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
nbformat.write(nb, path)
"""


def _installed_notebook(env: StudentEnv, chapter: str) -> Path:
    result = env.run(env.bin("python"), "-c",
                     "from grading.start import course_source; print(course_source())")
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip()) / chapter / f"{chapter}.ipynb"


@pytest.mark.slow
def test_a_released_notebook_runs_with_only_the_stubs_failing(student_env):
    run = student_env.home / "run"
    run.mkdir()
    path = run / f"{CHAPTER}.ipynb"
    path.write_bytes(_installed_notebook(student_env, CHAPTER).read_bytes())
    result = student_env.run(student_env.bin("python"), "-c", _EXECUTE, str(path), cwd=run)
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(path, as_version=4)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    errors = [out for out in outputs if out.output_type == "error"]
    assert errors, "an unsolved notebook stops at its exercise stubs"
    for error in errors:
        stub = error.ename == "NotImplementedError" or (
            error.ename == "CheckFailure" and "NotImplementedError" in error.evalue)
        assert stub, f"{error.ename}: {error.evalue}"
    kinds = {kind for out in outputs for kind in out.get("data", {})}
    assert "image/png" in kinds  # the figures were drawn
    assert "application/vnd.jupyter.widget-view+json" in kinds  # and the widgets made
    # nbgrader validate on the unsolved notebook reports the failures (it can fail)
    validate = student_env.run(student_env.bin("nbgrader"), "validate", path.name, cwd=run)
    assert "VALIDATION FAILED" in validate.stdout, validate.stdout + validate.stderr


@pytest.mark.slow
def test_nbgrader_validate_passes_a_solved_chapter(student_env, solved_chapter, lab):
    result = student_env.run(student_env.bin("nbgrader"), "validate",
                             str(solved_chapter.relative_to(lab.root)), cwd=lab.root)
    assert "Success! Your notebook passes all the tests." in result.stdout, (
        result.stdout + result.stderr)


@pytest.mark.slow
def test_browser_against_the_student_edition(lab, notebook, page, artifacts):  # noqa: F811
    test_browser.student_session(lab, notebook, page, artifacts)
