"""Every student kernel that ``dlcourse grade`` starts runs inside a bubblewrap sandbox.

A student's notebook is untrusted code. nbgrader runs it in a Jupyter kernel with the
grader's own rights; here that kernel is started through bubblewrap (``bwrap``) instead:

- the system and the Python environment are mounted read-only, and the course
  repository is hidden behind an empty folder: no ``solutions/``, no gradebook, no
  ``grading/`` state, no other submission, no home folder;
- the kernel works in ``/home/student/work``, a private in-memory copy of its own
  submission folder, and imports a read-only copy of ``dlcore`` and ``grading.checks``;
- it has its own network namespace (no network at all) and talks to the grader over
  unix sockets (the kernel's ``ipc`` transport);
- it has its own PID namespace: when the kernel ends, every process it started ends;
- inside, :mod:`grading.guard` sets limits on processes, file size and CPU time, drops
  to an unprivileged user when the grader runs as root, and guards the test helpers.

One :class:`Sandbox` serves one grading worker. It writes a Jupyter kernel spec named
``dlcourse-sandbox`` whose command is ``python -m grading.sandbox CONNECTION_FILE``:
that command (run by jupyter_client, outside the sandbox) builds the ``bwrap`` command
line for the kernel's working folder and replaces itself with it. ``--no-sandbox``
uses the same kernel spec without bwrap, so kernels still die with their worker.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "KERNEL_NAME",
    "SandboxUnavailable",
    "SandboxSettings",
    "Sandbox",
    "find_bwrap",
    "check_sandbox",
    "bwrap_command",
    "INSTALL_HINT",
]

KERNEL_NAME = "dlcourse-sandbox"
CONFIG_VARIABLE = "DLCOURSE_SANDBOX_CONFIG"

# Paths inside the sandbox.
LIB = "/opt/dlcourse/lib"            # read-only copy of dlcore and grading.checks / guard
SUBMISSION = "/opt/dlcourse/submission"  # read-only: the submission folder as graded
MPL_CACHE = "/opt/dlcourse/matplotlib"   # read-only: a font cache built once per worker
HOME = "/home/student"
WORK = f"{HOME}/work"                # writable in-memory copy of the submission folder
NOBODY = 65534                       # the unprivileged user a root grader drops to

INSTALL_HINT = (
    "bubblewrap (bwrap) is needed to grade student notebooks safely: every student "
    "kernel runs in a sandbox that cannot see the solutions, the gradebook or other "
    "students' work. Install it with your package manager:\n"
    "    Debian / Ubuntu:  sudo apt-get install bubblewrap\n"
    "    Fedora:           sudo dnf install bubblewrap\n"
    "    Arch:             sudo pacman -S bubblewrap\n"
    "or set DLCOURSE_BWRAP to its path. `dlcourse grade --no-sandbox` grades without it, "
    "with the student's code running as you, able to read and change everything you can."
)

# Top-level system folders mounted read-only (as symlinks where the system has them so).
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# The few files of /etc that Python, NumPy and matplotlib read.
_ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "passwd",
                "group", "nsswitch.conf", "localtime", "fonts", "mime.types", "hosts",
                "matplotlibrc", "ssl")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox here; the message says what to do."""


@dataclass
class SandboxSettings:
    """What one worker's kernels get; written as JSON for :func:`main` to read.

    Limits apply to each kernel: ``cpu_seconds`` of CPU time in all, files of at most
    ``file_size_mb``, at most ``processes`` processes and threads, ``tmpfs_mb`` of
    writable memory-backed space for each of work, home and /tmp.
    """

    bwrap: str | None           # None: --no-sandbox (the kernel runs as the grader)
    lib: str                    # staged dlcore + grading.checks + grading.guard
    runtime_dir: str            # connection files and ipc sockets
    mpl_cache: str              # a prepared matplotlib config folder
    python: str = sys.executable
    python_paths: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)   # folders to hide (the course root)
    data: dict[str, str] = field(default_factory=dict)  # env var -> read-only data folder
    environment: dict[str, str] = field(default_factory=dict)
    drop_to_uid: int | None = None
    cpu_seconds: int = 900
    file_size_mb: int = 64
    processes: int = 256
    tmpfs_mb: int = 512


def find_bwrap() -> str:
    """Path of a working ``bwrap``; raises :class:`SandboxUnavailable` with install advice."""
    path = os.environ.get("DLCOURSE_BWRAP") or shutil.which("bwrap")
    if not path:
        raise SandboxUnavailable(INSTALL_HINT)
    return path


def check_sandbox() -> str:
    """Make sure bubblewrap is installed and can make a sandbox on this machine; return
    its path. Raises :class:`SandboxUnavailable` saying what to do otherwise."""
    bwrap = find_bwrap()
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--dev", "/dev",
             "--proc", "/proc", "--die-with-parent"]
    if os.geteuid() != 0:
        probe.append("--unshare-user")
    try:
        result = subprocess.run([*probe, "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"{bwrap} could not be run: {exc}\n{INSTALL_HINT}") from None
    if result.returncode != 0:
        raise SandboxUnavailable(
            f"{bwrap} cannot create a sandbox here: {result.stderr.strip()}\n"
            "Unprivileged user namespaces may be switched off (see "
            "/proc/sys/kernel/unprivileged_userns_clone, or your distribution's AppArmor "
            "setting for bwrap); grading as root also works.")
    return bwrap


def _python_paths(course_root: Path) -> list[str]:
    """Folders of the running Python environment the kernel needs, read-only.

    The interpreter's prefixes and every site-packages folder; never the course's own
    sources (an editable install or the current folder on ``sys.path``), except a
    virtual environment that happens to live inside the course folder.
    """
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(os.path.realpath(sys.executable))}
    candidates |= {p for p in sys.path if p and "site-packages" in p and os.path.isdir(p)}
    paths = set()
    for path in map(Path, map(os.path.realpath, candidates)):
        inside_course = path == course_root or course_root in path.parents
        if inside_course and not _is_environment(path, course_root):
            continue
        paths.add(str(path))
    # a folder inside another one needs no mount of its own
    return sorted(p for p in paths if not any(p.startswith(q + os.sep) for q in paths))


def _is_environment(path: Path, stop: Path) -> bool:
    """Whether ``path`` lies in a Python virtual environment below ``stop``."""
    return any((parent / "pyvenv.cfg").is_file()
               for parent in (path, *path.parents) if stop in parent.parents)


def bwrap_command(settings: SandboxSettings, connection_file: str, workdir: str,
                  kernel_args: list[str]) -> list[str]:
    """The ``bwrap`` command line that runs one kernel for the submission in ``workdir``."""
    cmd = [settings.bwrap, "--die-with-parent", "--unshare-ipc", "--unshare-pid",
           "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--clearenv"]
    if settings.drop_to_uid is None:  # not root: a user namespace maps us to ourselves
        cmd += ["--unshare-user", "--disable-userns"]
    # as root: no user namespace, so that the guard can become a real unprivileged user
    for path in _SYSTEM_DIRS:
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    for entry in _ETC_ENTRIES:
        path = f"/etc/{entry}"
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm"]
    # Order matters: each mount covers what is below it. The writable scratch folders
    # first; then the Python environment (which may live under /tmp or in the course);
    # then an empty, root-owned folder over the course (hiding it even under /tmp); then
    # the environment again where the course covered it; then what this kernel needs.
    size = str(settings.tmpfs_mb * 1024 * 1024)
    cmd += ["--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", HOME,
            "--size", size, "--tmpfs", WORK]
    for path in settings.python_paths:
        cmd += ["--ro-bind", path, path]
    for path in settings.hidden:
        cmd += ["--perms", "0755", "--tmpfs", path]
    for path in settings.python_paths:
        if any(path == h or path.startswith(h + os.sep) for h in settings.hidden):
            cmd += ["--ro-bind", path, path]
    cmd += ["--ro-bind", settings.lib, LIB, "--ro-bind", workdir, SUBMISSION,
            "--ro-bind", settings.mpl_cache, MPL_CACHE,
            "--bind", settings.runtime_dir, settings.runtime_dir,
            "--bind", connection_file, connection_file]  # the kernel rewrites it
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": HOME,
        "LANG": "C.UTF-8",
        "PYTHONPATH": LIB,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **settings.environment,
    }
    for variable, folder in settings.data.items():
        cmd += ["--ro-bind", folder, folder]
        env[variable] = folder
    for name, value in sorted(env.items()):
        cmd += ["--setenv", name, value]
    cmd += ["--chdir", WORK, "--", settings.python, "-m", "grading.guard", "--settings",
            json.dumps(_guard_settings(settings, connection_file)), "-f", connection_file,
            *kernel_args]
    return cmd


def _guard_settings(settings: SandboxSettings, connection_file: str) -> dict:
    visible = [*settings.python_paths, LIB, SUBMISSION, MPL_CACHE, WORK,
               settings.runtime_dir, connection_file, *settings.data.values()]
    return {"submission": SUBMISSION, "work": WORK, "mpl_cache": MPL_CACHE,
            "visible": visible,
            "drop_to_uid": settings.drop_to_uid, "cpu_seconds": settings.cpu_seconds,
            "file_size_mb": settings.file_size_mb, "processes": settings.processes}


class Sandbox:
    """The kernel spec, staged library and runtime folder of one grading worker.

    Parameters
    ----------
    course_root : Path
        The course repository: hidden from every kernel.
    scratch : Path
        A private folder for this worker (removed by :meth:`close`).
    enabled : bool
        False for ``--no-sandbox``: kernels run as the grader, without bwrap.
    """

    def __init__(self, course_root: Path, scratch: Path, *, enabled: bool = True,
                 cpu_seconds: int = 900):
        self.scratch = Path(scratch)
        self.scratch.mkdir(parents=True, exist_ok=True)
        root = Path(course_root).resolve()
        is_root = os.geteuid() == 0
        runtime = self.scratch / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        lib = self._stage_library()
        mpl = self._prepare_matplotlib()
        data = {}
        if os.environ.get("DLCOURSE_MNIST") and os.path.isdir(os.environ["DLCOURSE_MNIST"]):
            data["DLCOURSE_MNIST"] = os.path.realpath(os.environ["DLCOURSE_MNIST"])
        passed = {k: os.environ[k] for k in ("DLCOURSE_SEED", "MPLBACKEND", "OMP_NUM_THREADS",
                                             "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                             "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                  if k in os.environ}
        self.settings = SandboxSettings(
            bwrap=find_bwrap() if enabled else None, lib=str(lib), runtime_dir=str(runtime),
            mpl_cache=str(mpl), python_paths=_python_paths(root), hidden=[str(root)],
            data=data, environment=passed, drop_to_uid=NOBODY if is_root else None,
            cpu_seconds=cpu_seconds,
        )
        if enabled and is_root:
            os.chown(runtime, NOBODY, NOBODY)  # the kernel makes its sockets here
        config = self.scratch / "sandbox.json"
        config.write_text(json.dumps(asdict(self.settings)), encoding="utf-8")
        self._write_kernel_spec()
        self.environment = {
            "JUPYTER_PATH": str(self.scratch / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(runtime),
            CONFIG_VARIABLE: str(config),
        }

    def kernel_config(self):
        """nbgrader settings that run every notebook in this worker's kernel, over unix
        sockets in the runtime folder (the sandbox has no network)."""
        from traitlets.config import Config

        config = Config()
        config.Execute.kernel_name = KERNEL_NAME
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(self.settings.runtime_dir) / "kernel")
        return config

    def _stage_library(self) -> Path:
        """A copy of what student kernels may import from the course: dlcore and the
        student-facing part of grading (checks, and the guard that runs before them)."""
        lib = self.scratch / "lib"
        here = Path(__file__).resolve().parent
        dlcore = Path(__import__("dlcore").__file__).resolve().parent
        shutil.copytree(dlcore, lib / "dlcore",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (lib / "grading").mkdir(parents=True)
        for name in ("__init__.py", "checks.py", "guard.py"):
            shutil.copy2(here / name, lib / "grading" / name)
        return lib

    def _prepare_matplotlib(self) -> Path:
        """Build matplotlib's font cache once, so no kernel spends a second rebuilding it."""
        folder = self.scratch / "matplotlib"
        folder.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                       env={**os.environ, "MPLCONFIGDIR": str(folder)}, check=False,
                       capture_output=True, timeout=120)
        return folder

    def _write_kernel_spec(self) -> None:
        spec = {
            # -I: the submission's folder (the kernel's working folder) is not on the
            # path, so no file a student hands in can stand in for this module
            "argv": [sys.executable, "-I", "-m", "grading.sandbox", "{connection_file}"],
            "display_name": "dlcourse sandbox",
            "language": "python",
            "interrupt_mode": "message",  # no signal needs to cross the sandbox's edge
        }
        folder = self.scratch / "jupyter" / "kernels" / KERNEL_NAME
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def _die_with_parent() -> None:
    """Ask Linux to kill this process (and so, through bwrap, the sandbox) when the
    grading worker that started it dies: kernels never outlive their worker."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """``python -m grading.sandbox CONNECTION_FILE [KERNEL ARGS…]``: start one kernel.

    Run by jupyter_client in the submission's folder; replaces itself with bwrap (or,
    without the sandbox, with the plain kernel).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    connection_file, kernel_args = argv[0], argv[1:]
    settings = SandboxSettings(**json.loads(
        Path(os.environ[CONFIG_VARIABLE]).read_text(encoding="utf-8")))
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts arrive as messages
    if settings.bwrap is None:
        cmd = [settings.python, "-m", "ipykernel_launcher", "-f", connection_file,
               *kernel_args]
    else:
        if settings.drop_to_uid is not None:
            os.chown(connection_file, settings.drop_to_uid, settings.drop_to_uid)
        cmd = bwrap_command(settings, os.path.realpath(connection_file), os.getcwd(),
                            kernel_args)
    os.execv(cmd[0], cmd)
    return 127  # not reached


def scratch_folder(prefix: str = "dlcourse-worker-") -> Path:
    """A new private folder for one worker's sandbox files (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


if __name__ == "__main__":
    sys.exit(main())
