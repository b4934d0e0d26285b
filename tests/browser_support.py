"""Helpers for the end-to-end browser test (tests/test_browser.py).

A scratch copy of the course with a solved notebook, a JupyterLab server on a free local
port that is always shut down with its kernels, and Debian's Chromium driven by
Playwright (whose own browser downloads are not used: the test runs offline).
Nothing here imports Playwright, so the test module can skip cleanly without it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

from grading.layout import CourseLayout
from grading.samples import student_submission

__all__ = [
    "CHROMIUM_ARGS",
    "JupyterLab",
    "find_chromium",
    "free_port",
    "solved_course_copy",
    "solved_notebook",
]

# Without the background-networking flags Chromium tries to reach Google's services and
# the closed network refuses its connections; the others keep a headless run quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# JupyterLab user settings for the test: every cell in the DOM (no windowing, so the
# test sees all prompts and outputs) and no news or update checks (no network, no toasts).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def find_chromium() -> str | None:
    """The Chromium executable: /usr/bin/chromium, else ``chromium`` on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def solved_notebook(repo_root: Path, chapter: str) -> nbformat.NotebookNode:
    """The chapter's student notebook solved as a student would have it, with its outputs
    and saved widget state cleared so everything on screen comes from the next run."""
    nb = student_submission(CourseLayout(Path(repo_root)), chapter)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def solved_course_copy(repo_root: Path, dest: Path, chapter: str) -> Path:
    """Copy nbgrader_config.py, course/ and solutions/ into ``dest`` and replace the
    chapter's student notebook with :func:`solved_notebook`.

    Returns the notebook's path relative to ``dest``.
    """
    repo_root, dest = Path(repo_root), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo_root / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("course", "solutions"):
        shutil.copytree(repo_root / folder, dest / folder, ignore=ignore)
    target = CourseLayout(dest).release_notebook(chapter)
    nbformat.write(solved_notebook(repo_root, chapter), target)
    return target.relative_to(dest)


class PortTaken(RuntimeError):
    """The server could not bind its port (taken between free_port() and its start)."""


class JupyterLab:
    """A headless JupyterLab server on a free port of 127.0.0.1, serving ``root``.

    Use as a context manager: the server is started and polled until ``/api/status``
    answers; on exit the server is shut down through its API (which stops its kernels),
    then terminated, and any kernel process still alive is killed.
    """

    def __init__(self, root: Path, log_path: Path, start_timeout: float = 90.0):
        self.root = Path(root)
        self.log_path = Path(log_path)
        self.start_timeout = start_timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self._log = None
        self._kernels: list = []  # psutil.Process objects of the server's descendants

    # -- URLs and requests -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str | Path) -> str:
        """The URL that opens ``path`` (relative to the root) in JupyterLab, logged in."""
        return f"{self.base_url}/lab/tree/{Path(path).as_posix()}?token={self.token}"

    def api(self, endpoint: str, method: str = "GET", timeout: float = 5.0):
        """JSON answer of the server's REST API (``endpoint`` like ``/api/kernels``)."""
        request = urllib.request.Request(
            self.base_url + endpoint, method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # local only
        with opener.open(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"

    # -- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> JupyterLab:
        for attempt in range(3):
            try:
                self.start()
                return self
            except PortTaken:
                self.stop()
                if attempt == 2:
                    raise
                self.port = free_port()  # another process took it after free_port()
            except BaseException:
                self.stop()
                raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def working_directory(self) -> Path:
        """Where the server's command runs."""
        return self.root

    def command(self) -> list[str]:
        """The command that starts the server (run in :meth:`working_directory`)."""
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
               "--port", str(self.port), "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port_retries=0",
               # IdentityProvider.token: ServerApp.token is deprecated in jupyter_server 2
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI containers run as root
        return cmd

    def environment(self, state: Path) -> dict[str, str]:
        """The server's environment: this one, with its JupyterLab state kept in ``state``."""
        env = dict(os.environ)
        env.update({
            # this run's own settings, workspace and runtime files: nothing of the user's
            # JupyterLab state is read or changed
            "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
            "JUPYTER_DATA_DIR": str(state / "data"),  # e.g. the notebook-signing key
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("DLCOURSE_ROOT", None)  # nbgrader reads the copy's nbgrader_config.py
        return env

    def start(self) -> None:
        state = self.log_path.parent / "jupyter-state"
        for name, values in LAB_SETTINGS.items():
            path = state / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.command(), cwd=self.working_directory(),
                                     env=self.environment(state), stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "already in use" in self.log_tail(10):
                    raise PortTaken(f"port {self.port} is taken:\n{self.log_tail(10)}")
                raise RuntimeError(
                    f"JupyterLab exited with code {self.proc.returncode} before it answered "
                    f"on port {self.port}. Server log ({self.log_path}):\n{self.log_tail()}")
            try:
                self.api("/api/status", timeout=2.0)
                return
            except (OSError, urllib.error.URLError, ValueError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.25)
        raise TimeoutError(
            f"JupyterLab did not answer on {self.base_url}/api/status within "
            f"{self.start_timeout:.0f} s (last error: {last_error}). "
            f"Server log ({self.log_path}):\n{self.log_tail()}")

    def _remember_kernels(self) -> None:
        """Note the server's descendants (the kernels) so stop() can make sure they end."""
        try:
            import psutil
        except ImportError:
            return
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return
        # Process objects, not pids: psutil checks a process is still the same one
        # (by its start time) before it signals it, so a reused pid is never touched.
        self._kernels.extend(children)

    def stop(self) -> None:
        """Shut the server and its kernels down; escalate to signals if they linger."""
        if self.proc is not None and self.proc.poll() is None:
            self._remember_kernels()
            try:
                self.api("/api/shutdown", method="POST", timeout=5.0)  # stops the kernels too
            except (OSError, urllib.error.URLError, ValueError):
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._signal(signal.SIGKILL)
                    self.proc.wait(timeout=10)
        self._kill_leftover_kernels()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)  # the server's own session (start_new_session)
        except ProcessLookupError:
            pass

    def _kill_leftover_kernels(self) -> None:
        if not self._kernels:
            return
        import psutil

        alive = [proc for proc in self._kernels if proc.is_running()]
        for proc in alive:
            try:
                proc.terminate()
            except psutil.Error:
                pass
        _, still = psutil.wait_procs(alive, timeout=5)
        for proc in still:
            try:
                proc.kill()
            except psutil.Error:
                pass
        self._kernels.clear()
