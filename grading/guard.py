"""The first code a sandboxed student kernel runs, before any of the student's.

``grading.sandbox`` starts every grading kernel as ``python -m grading.guard`` inside
bubblewrap. The guard:

1. copies the submission folder into the kernel's writable working folder and
   matplotlib's prepared font cache into ``/tmp``;
2. sets limits on CPU time, file size, processes and core dumps, and drops to an
   unprivileged user when the sandbox was started by root;
3. imports the libraries the tests rely on and records what they are: every entry of
   ``numpy``, ``grading.checks``, ``dlcore``, ``builtins`` and a few standard modules,
   the code of each of their functions, the methods of their classes, their
   ``sys.modules`` entries and the import system;
4. installs an audit hook (PEP 578; it cannot be removed) that refuses what no
   course notebook needs — starting processes, sockets, native code through
   ``ctypes``, reaching other objects through ``gc``, tracing other code, making code
   objects — and that, whenever a cell starts, puts back anything of (3) the
   notebook has replaced and says so in that cell's output with the marker
   :data:`MARKER`, which the grader looks for;
5. starts the IPython kernel.

Nothing here is secret: a student may read it. What makes it hold is that it runs
first, that an audit hook cannot be removed, and that the grader also reads the
submission's source outside the sandbox (:mod:`grading.integrity`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
import types

MARKER = "[dlcourse guard]"

# Modules whose contents hidden tests rely on; restored whenever a cell starts.
PROTECTED = ("builtins", "numpy", "numpy.linalg", "numpy.random", "numpy.testing", "math",
             "copy", "inspect", "types", "grading", "grading.checks", "dlcore")
# Names IPython itself swaps in and out of builtins around every cell.
_IPYTHON_BUILTINS = {"exit", "quit", "get_ipython", "display", "__IPYTHON__", "_", "__",
                     "___", "__debug__", "input", "raw_input"}
# Imported before the hook, so their own start-up (native libraries) is not refused.
PRELOAD = ("numpy", "dlcore", "grading.checks", "matplotlib", "matplotlib.pyplot",
           "ipywidgets", "IPython", "ipykernel.kernelapp")

REFUSED = {
    "subprocess.Popen": "starting a process",
    "os.system": "starting a process",
    "os.exec": "starting a process",
    "os.posix_spawn": "starting a process",
    "os.spawn": "starting a process",
    "os.fork": "starting a process",
    "os.forkpty": "starting a process",
    "pty.spawn": "starting a process",
    "socket.connect": "opening a network connection",
    "socket.bind": "opening a network socket",
    "socket.sendto": "sending on the network",
    "socket.sendmsg": "sending on the network",
    "ctypes.dlopen": "loading native code with ctypes",
    "ctypes.dlsym": "loading native code with ctypes",
    "ctypes.cdata": "reading memory with ctypes",
    "ctypes.addressof": "reading memory with ctypes",
    "ctypes.string_at": "reading memory with ctypes",
    "ctypes.wstring_at": "reading memory with ctypes",
    "gc.get_referrers": "reaching other objects through gc",
    "gc.get_referents": "reaching other objects through gc",
    "gc.get_objects": "reaching other objects through gc",
    "sys._current_frames": "inspecting other threads' frames",
    "sys.addaudithook": "installing an audit hook",
    "code.__new__": "constructing code objects",
    "function.__new__": "constructing functions from code objects",
    "sys.setprofile": "tracing other code",
    "sys.settrace": "tracing other code",
}


class _Snapshot:
    """What the protected modules held when the kernel started, and how to put it back."""

    def __init__(self, names):
        self.modules = {name: sys.modules[name] for name in names if name in sys.modules}
        self.entries = {name: dict(vars(module)) for name, module in self.modules.items()}
        self.functions = {}   # id -> (function, code, defaults, kwdefaults)
        self.classes = {}     # id -> (class, {name: value})
        for name, entries in self.entries.items():
            for value in entries.values():
                self._remember(value, name)
        self.meta_path = list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.stdout = None
        self.stderr = None
        self.user_modules = {}  # user-namespace name -> protected module it was bound to

    def _remember(self, value, module_name):
        if isinstance(value, types.FunctionType):
            self.functions[id(value)] = (value, value.__code__, value.__defaults__,
                                         value.__kwdefaults__)
        elif isinstance(value, type) and getattr(value, "__module__", "") == module_name \
                and module_name != "builtins":
            self.classes[id(value)] = (value, dict(vars(value)))
            for member in vars(value).values():
                if isinstance(member, types.FunctionType):
                    self._remember(member, module_name)

    def restore(self, user_ns) -> list[str]:
        """Put back everything that changed; return a description of each change."""
        changes = []
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changes.append(f"sys.modules[{name!r}] was replaced")
        for name, entries in self.entries.items():
            current = vars(self.modules[name])
            for key, value in entries.items():
                if name == "builtins" and key in _IPYTHON_BUILTINS:
                    continue
                if current.get(key, _MISSING) is not value:
                    current[key] = value
                    changes.append(f"{name}.{key} was replaced or deleted")
        for function, code, defaults, kwdefaults in self.functions.values():
            if function.__code__ is not code or function.__defaults__ is not defaults \
                    or function.__kwdefaults__ is not kwdefaults:
                function.__code__, function.__defaults__ = code, defaults
                function.__kwdefaults__ = kwdefaults
                changes.append(f"the code of {function.__module__}.{function.__qualname__} "
                               "was changed")
        for cls, members in self.classes.values():
            for key, value in members.items():
                if key in ("__dict__", "__weakref__"):
                    continue
                if vars(cls).get(key, _MISSING) is not value:
                    try:
                        setattr(cls, key, value)
                    except (AttributeError, TypeError):
                        continue
                    changes.append(f"{cls.__module__}.{cls.__qualname__}.{key} was replaced")
        if sys.meta_path[:len(self.meta_path)] != self.meta_path:
            extra = [f for f in sys.meta_path if f not in self.meta_path]
            sys.meta_path[:] = self.meta_path + extra
            changes.append("the import system (sys.meta_path) was changed")
        if sys.path_hooks[:len(self.path_hooks)] != self.path_hooks:
            extra = [h for h in sys.path_hooks if h not in self.path_hooks]
            sys.path_hooks[:] = self.path_hooks + extra
            changes.append("the import system (sys.path_hooks) was changed")
        if self.stdout is None:
            self.stdout, self.stderr = sys.stdout, sys.stderr
        elif sys.stdout is not self.stdout or sys.stderr is not self.stderr:
            sys.stdout, sys.stderr = self.stdout, self.stderr
            changes.append("sys.stdout or sys.stderr was replaced")
        if user_ns is not None:
            changes += self._restore_user_names(user_ns)
        return changes

    def _restore_user_names(self, user_ns) -> list[str]:
        changes = []
        protected = {id(m) for m in self.modules.values()}
        for name, module in list(self.user_modules.items()):
            value = user_ns.get(name, _MISSING)
            if value is module:
                continue
            if isinstance(value, types.ModuleType) or value is _MISSING:
                del self.user_modules[name]  # re-imported under the name, or deleted
                continue
            user_ns[name] = module
            changes.append(f"the name {name!r} (the module {module.__name__}) was rebound")
        for name, value in list(user_ns.items()):
            if id(value) in protected and isinstance(value, types.ModuleType):
                self.user_modules[name] = value
        return changes


_MISSING = object()


def _copy_tree(source: str, target: str) -> None:
    for entry in os.listdir(source):
        path = os.path.join(source, entry)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(target, entry), dirs_exist_ok=True)
        else:
            shutil.copy2(path, target)


def _chown_tree(path: str, uid: int) -> None:
    os.chown(path, uid, uid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def _set_limits(settings: dict) -> None:
    cpu = int(settings["cpu_seconds"])
    size = int(settings["file_size_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = int(settings["processes"])
    if settings.get("drop_to_uid") is None:  # our own user: count what it already runs
        processes += _processes_of(os.getuid())
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _processes_of(uid: int) -> int:
    """Threads the user ``uid`` runs now (RLIMIT_NPROC counts threads of the real uid)."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


def _open_folders_on_the_way(paths: list[str]) -> None:
    """bubblewrap makes the folders above its mounts private to root (mode 0700): let
    the unprivileged user walk down to what it is meant to see."""
    for path in paths:
        for parent in _parents(path):
            try:
                os.chmod(parent, 0o755)
            except OSError:
                pass  # part of a read-only mount: already as the system has it


def _parents(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")[1:-1]
    return ["/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)  # from root to another user: every capability is gone


def _is_cell(code) -> bool:
    """Whether ``code`` is a notebook cell compiled by IPython (not a student's ``exec``)."""
    filename = getattr(code, "co_filename", "")
    return "ipykernel_" in filename or filename.startswith("<ipython-input")


def _install_hook(protected: list[str], allowed_tracers: set) -> None:
    """Install the audit hook. What ``protected`` holds is recorded as the first cell
    starts (the kernel's own start-up done, none of the notebook run yet)."""
    busy = [False]
    armed = [False]  # from the first cell on: before it, only the kernel's own start-up runs
    snapshots: list[_Snapshot] = []

    def shell_namespace():
        shell_module = sys.modules.get("IPython.core.interactiveshell")
        if shell_module is None or not shell_module.InteractiveShell.initialized():
            return None
        return shell_module.InteractiveShell.instance().user_ns

    def hook(event, args):
        if busy[0]:
            return
        if event == "exec":
            if not (args and _is_cell(args[0])):
                return
            armed[0] = True
            busy[0] = True
            try:
                if not snapshots:
                    snapshots.append(_Snapshot(protected))
                snapshot = snapshots[0]
                changes = snapshot.restore(shell_namespace())
            finally:
                busy[0] = False
            if changes:
                report = f"\n{MARKER} tampering undone before this cell ran: " + \
                         "; ".join(changes) + "\n"
                if snapshots[0].stdout is not None:
                    snapshots[0].stdout.write(report)
            return
        what = REFUSED.get(event)
        if what is None or not armed[0]:
            return
        if event in ("sys.setprofile", "sys.settrace"):
            busy[0] = True
            try:
                caller = sys._getframe(1).f_code
            finally:
                busy[0] = False
            if caller in allowed_tracers:
                return
        # Only the exception says so: a library that tries and copes (threadpoolctl's
        # dlopen) leaves no trace, while a refusal nobody catches shows in the cell's output.
        raise PermissionError(f"{MARKER} refused: {what} ({event}) is not allowed while grading")

    sys.addaudithook(hook)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.guard")
    parser.add_argument("--settings", required=True)
    args, kernel_args = parser.parse_known_args(argv)
    settings = json.loads(args.settings)
    _copy_tree(settings["submission"], settings["work"])
    os.makedirs("/tmp/matplotlib", exist_ok=True)
    _copy_tree(settings["mpl_cache"], "/tmp/matplotlib")
    uid = settings.get("drop_to_uid")
    _set_limits(settings)
    if uid is not None:
        _open_folders_on_the_way(settings["visible"])
        os.chmod("/dev/shm", 0o1777)  # shared memory (multiprocessing's semaphores)
        # its own folders only: /tmp may hold the (root-owned, empty) folders that hide
        # the course, which must stay closed to it
        for path in (os.environ.get("HOME", "/home/student"), "/tmp/matplotlib"):
            _chown_tree(path, uid)
        os.chmod("/tmp", 0o1777)
        _drop_privileges(uid)
    os.chdir(settings["work"])
    # No file of the submission may stand in for a library while the guard imports it;
    # IPython puts the working folder back on the path for the student's own modules.
    sys.path[:] = [p for p in sys.path if p not in ("", ".", settings["work"])]
    # An editable install's finder points into the course folder, which is hidden here.
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not str(getattr(f, "__module__", "")).startswith("__editable__")]
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    from grading import checks

    protected = [*PROTECTED, *sorted(n for n in sys.modules if n.startswith("dlcore."))]
    _install_hook(protected, checks.tracer_codes())
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=kernel_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
