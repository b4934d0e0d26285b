"""Does a submission try to change what its tests see? Read outside the sandbox.

The grader reads every cell the student wrote or changed — answer cells, and any cell
added or edited — with Python's own parser, and flags the ways a notebook can make a
test pass without solving the exercise:

- rebinding or patching what tests use: an attribute of an imported module
  (``np.allclose = …``, ``checks.assert_close = …``), a name that a test cell reads
  (``checks = …``, ``np = …``) outside the answer cell that defines it, ``setattr``;
- reaching into the interpreter: ``sys.modules``, the import system, ``builtins``,
  ``globals()``, frames, code objects and closures, ``gc``, ``ctypes``;
- running code the parser cannot see: ``exec``, ``eval``, ``compile``, ``__import__``,
  ``importlib``, shell commands and magics;
- processes, signals and sockets.

Inside the sandbox, :mod:`grading.guard` undoes tampering with the test helpers and
leaves the marker :data:`grading.guard.MARKER` in the cell's output; :func:`scan_outputs`
finds it. Each finding names the cell and the line, so an instructor can read it and,
for an honest notebook, accept it (``dlcourse accept``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from grading.guard import MARKER
from grading.notebooks import nbgrader_meta

__all__ = ["Finding", "scan_submission", "scan_outputs", "leaked_lines", "hidden_lines"]

# Modules that no course answer needs and that reach into the interpreter or the system.
_MODULES = {"ctypes", "gc", "importlib", "builtins", "subprocess", "socket", "multiprocessing",
            "threading", "_thread", "signal", "pty", "inspect", "code", "codeop", "marshal",
            "pickle", "sys", "os", "shutil", "asyncio", "concurrent", "atexit", "runpy",
            "resource", "mmap", "faulthandler", "tracemalloc", "weakref", "dis", "types"}
# Modules an answer may import (they are harmless) even though some of their attributes
# are flagged below.
_HARMLESS_IMPORTS = {"os", "sys", "types", "weakref", "shutil", "asyncio", "concurrent"}
_CALLS = {"exec": "runs code built as a string", "eval": "runs code built as a string",
          "compile": "builds code from a string", "__import__": "imports by a computed name",
          "globals": "reaches the notebook's namespace", "locals": "reaches a namespace",
          "vars": "reaches an object's namespace", "setattr": "changes attributes by name",
          "delattr": "deletes attributes by name", "breakpoint": "starts a debugger",
          "get_ipython": "drives the notebook's shell"}
# Attributes that reach into the interpreter (frames, code, closures, namespaces).
_ATTRIBUTES = {"__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__",
               "__dict__", "__builtins__", "__class__", "__bases__", "__mro__",
               "__subclasses__", "__getattribute__", "__setattr__", "__import__",
               "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame",
               "gi_frame", "cr_frame", "ag_frame", "co_code", "modules", "meta_path",
               "path_hooks", "path_importer_cache", "settrace", "setprofile", "_getframe",
               "addaudithook", "system", "popen", "spawnv", "execv", "execve", "fork",
               "kill", "killpg", "_exit", "CodeType", "FunctionType", "stdout", "stderr",
               "environ", "putenv", "chdir", "remove", "unlink", "rmtree"}
# IPython's record of every cell run so far (hidden tests included).
_INPUT_HISTORY = re.compile(r"In|Out|_ih|_oh|_i|_ii|_iii|_i\d+|_\d+|_dh")
# Of those, names common enough on a student's own objects to be flagged only on a module.
_COMMON_NAMES = {"stdout", "stderr", "environ", "modules", "system", "remove", "unlink",
                 "chdir", "kill", "_exit"}
# Magics that are harmless; any other use of the shell is flagged.
_HARMLESS_MAGICS = {"timeit", "time", "matplotlib", "who", "whos", "pinfo", "pinfo2",
                    "config", "precision", "pprint"}


@dataclass(frozen=True)
class Finding:
    """One reason to flag a submission: what it does, in which cell, on which line."""

    reason: str
    cell: str
    line: int

    def __str__(self) -> str:
        return f"{self.reason} ({self.cell}, line {self.line})"

    def to_dict(self) -> dict:
        return {"reason": self.reason, "cell": self.cell, "line": self.line}


def _label(cell, index: int) -> str:
    return nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"


def _python(source: str) -> str:
    """The cell's source as plain Python: as it is when it parses (so line numbers are the
    cell's own), else with IPython's magics turned into calls of ``get_ipython``."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython ships with the kernel
        return source
    return TransformerManager().transform_cell(source)


def student_cells(submitted, released) -> list[tuple[str, str]]:
    """``(label, source)`` of every code cell whose code the student wrote or changed and
    that runs when graded: answer cells and cells outside nbgrader's locked ones (nbgrader
    puts locked and test cells back as released, so edits there never run)."""
    released_by_id = {nbgrader_meta(c).get("grade_id"): c.source for c in released.cells
                      if nbgrader_meta(c).get("grade_id")}
    released_sources = {c.source.strip() for c in released.cells if c.cell_type == "code"}
    cells = []
    for index, cell in enumerate(submitted.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        restored = grade_id in released_by_id and (meta.get("locked") or meta.get("grade"))
        if restored and not meta.get("solution"):
            continue
        if cell.source.strip() in released_sources:
            continue  # the instructor's code, untouched
        cells.append((_label(cell, index), cell.source))
    return cells


def _test_names(solution) -> set[str]:
    """Names that test cells read from the notebook (not assigned in the cell itself)."""
    names = set()
    for cell in solution.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            names |= _free_names(cell.source)
    return names


def _free_names(source: str) -> set[str]:
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set()
    loaded, stored = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return loaded - stored


def _defined_names(source: str) -> set[str]:
    """Names a cell binds at the top level (what an answer cell is meant to define)."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set()
    return {name for name, _, _ in _top_level_bindings(tree)}


def _top_level_bindings(tree: ast.Module) -> list[tuple[str, int, str | None]]:
    """``(name, line, imported)`` of every name bound at module level, ``global`` ones
    included; ``imported`` is what an import statement binds to the name, else None."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found += [(name, node.lineno, None) for name in node.names]
    for node in _module_level(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.append((node.id, node.lineno, None))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((node.name, node.lineno, None))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += [(name, node.lineno, target) for name, target in _import_bindings(node)]
    return found


def _import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """``(name, what)`` bound by an import: ``import numpy as np`` -> ``("np", "numpy")``."""
    if isinstance(node, ast.Import):
        return [(a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0])
                for a in node.names]
    return [(a.asname or a.name, f"{node.module}.{a.name}") for a in node.names]


def _module_level(tree: ast.Module) -> Iterable[ast.AST]:
    """Every node not inside a function, lambda or class body."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda):
            continue
        pending.extend(ast.iter_child_nodes(node))


def _imports(cells: Iterable[str]) -> dict[str, set[str]]:
    """Every name bound by an import in ``cells``, with what it is bound to."""
    names: dict[str, set[str]] = {}
    for source in cells:
        try:
            tree = ast.parse(_python(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name, target in _import_bindings(node):
                    names.setdefault(name, set()).add(target)
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _scan_cell(label: str, source: str, imported: set[str], test_names: set[str],
               allowed: set[str], instructor_imports: dict[str, set[str]]) -> list[Finding]:
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return []  # it fails as it runs; nothing can hide in it
    found: list[Finding] = []

    def flag(reason: str, node: ast.AST) -> None:
        found.append(Finding(reason, label, getattr(node, "lineno", 1)))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in _MODULES and top not in _HARMLESS_IMPORTS:
                    flag(f"imports {alias.name}", node)
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").split(".")[0]
            if top in _MODULES and (top not in _HARMLESS_IMPORTS or
                                    {a.name for a in node.names} & _ATTRIBUTES):
                flag(f"imports from {node.module}", node)
        elif isinstance(node, ast.Call) and _shell_method(node) is not None:
            method, magic = _shell_method(node)
            if magic not in _HARMLESS_MAGICS:
                flag(f"drives the notebook's shell (get_ipython().{method}"
                     f"{f' {magic}' if magic else ''})", node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _CALLS:
                if node.func.id == "get_ipython" or node.func.id == "vars" and node.args:
                    continue  # vars(obj) is common and harmless; magics are checked below
                flag(f"calls {node.func.id}() ({_CALLS[node.func.id]})", node)
        elif isinstance(node, ast.Attribute):
            if node.attr in _ATTRIBUTES:
                root = _root_name(node)
                if node.attr in _COMMON_NAMES and root not in imported:
                    continue  # an attribute of the student's own object
                flag(f"uses {ast.unparse(node)}", node)
            elif isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) in imported:
                flag(f"changes {ast.unparse(node)}, part of a module the tests use", node)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if _root_name(node) in imported:
                flag(f"changes {ast.unparse(node)}, part of a module the tests use", node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and _INPUT_HISTORY.fullmatch(node.id):
            flag(f"reads the notebook's input history ({node.id})", node)
    for name, line, target in _top_level_bindings(tree):
        if target is not None and target in instructor_imports.get(name, ()):
            continue  # the same import as the instructor's (``import numpy as np``)
        if name in test_names and name not in allowed:
            found.append(Finding(f"rebinds {name!r}, which the tests use", label, line))
    return found


def _shell_method(call: ast.Call) -> tuple[str, str | None] | None:
    """``("run_line_magic", "timeit")`` for ``get_ipython().run_line_magic('timeit', …)``
    (what IPython makes of ``%timeit``), ``("system", None)`` for ``!ls``; None for a call
    that is not a method of the shell."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"):
        return None
    magic = None
    if func.attr in ("run_line_magic", "run_cell_magic") and call.args \
            and isinstance(call.args[0], ast.Constant):
        magic = str(call.args[0].value)
    return func.attr, magic


def scan_submission(submitted, released, solution) -> list[Finding]:
    """Every finding in the code the student wrote, in notebook order.

    Parameters
    ----------
    submitted : NotebookNode
        The student's notebook as handed in.
    released : NotebookNode
        The chapter's student notebook (``course/``): code in it is the instructor's.
    solution : NotebookNode
        The instructor's notebook (``solutions/``): its test cells, hidden ones included,
        say which names the tests read, and its answer cells which names each may define.
    """
    allowed_by_cell = {nbgrader_meta(c).get("grade_id"): _defined_names(c.source)
                       for c in solution.cells if nbgrader_meta(c).get("solution")}
    test_names = _test_names(solution)
    instructor_imports = _imports(c.source for c in solution.cells if c.cell_type == "code")
    imported = set(_imports(c.source for c in (*released.cells, *submitted.cells)
                            if c.cell_type == "code"))
    findings = []
    for label, source in student_cells(submitted, released):
        findings += _scan_cell(label, source, imported, test_names,
                               allowed_by_cell.get(label, set()), instructor_imports)
    return findings


def scan_outputs(autograded) -> list[Finding]:
    """The guard's reports in the graded notebook's outputs: tampering it undid at run time,
    or an operation it refused."""
    findings = []
    for index, cell in enumerate(autograded.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("evalue", "") or ""
            if isinstance(text, list):
                text = "".join(text)
            for line in str(text).splitlines():
                if MARKER in line:
                    reason = line.split(MARKER, 1)[1].strip()
                    findings.append(Finding(f"at run time: {reason}", _label(cell, index), 1))
    return findings


def hidden_lines(solution, released) -> set[str]:
    """Lines of the solutions and hidden tests that the released notebook does not show
    (stripped; lines under 20 characters left out, since they say little on their own)."""
    shown = "\n".join(cell.source for cell in released.cells)
    secret = set()
    for cell in solution.cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith("### BEGIN SOLUTION") or text.startswith("### BEGIN HIDDEN"):
                inside = True
                continue
            if text.startswith("### END SOLUTION") or text.startswith("### END HIDDEN"):
                inside = False
                continue
            if inside and len(text) >= 20 and text not in shown:
                secret.add(text)
    return secret


def leaked_lines(text: str, secret: set[str], own_code: Iterable[str] = ()) -> list[str]:
    """Lines of ``text`` that quote a secret line, other than the student's own code."""
    own = {line.strip() for source in own_code for line in source.splitlines()}
    leaks = []
    for line in text.splitlines():
        for candidate in secret - own:
            if candidate in line:
                leaks.append(candidate)
    return sorted(set(leaks))
