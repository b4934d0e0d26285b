"""Assertion helpers for the course's visible and hidden tests.

Every test cell in every chapter checks a student's answer with these helpers, so
that a failure always reads the same way: it names the exercise, says what was
expected and what came back (type, shape, dtype, the first wrong value), and, where
it recognises one, names the classic mistake behind it — a transposed matrix, a
missing 1/m, a sum over the wrong axis, a flipped sign, an input changed in place.

A typical test cell::

    from grading import checks
    out = checks.call(weighted_sum, x, w, b, exercise="ex1_weighted_sum")
    checks.assert_close(out, 0.7, exercise="ex1_weighted_sum")

Every failure is a :class:`CheckFailure`, a subclass of ``AssertionError``, so
nbgrader scores the cell as failed and the student sees one readable line.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import os
import sys
import types
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "CheckFailure",
    "assert_close",
    "assert_raises",
    "assert_equal",
    "assert_shape",
    "assert_true",
    "assert_independent",
    "call",
    "rng",
    "REFERENCE_LIBRARIES",
]

# Libraries that would do an exercise for the student: an answer that must be the
# student's own may not use them, however it reaches them.
REFERENCE_LIBRARIES = ("dlcore", "scipy", "sklearn", "torch", "tensorflow", "jax", "keras")


class CheckFailure(AssertionError):
    """A failed check; the message is written for the student."""


def _fail(exercise: str, message: str) -> None:
    raise CheckFailure(f"[{exercise}] {message}") from None


def rng(seed: int | None = None) -> np.random.Generator:
    """A random generator for hidden tests: fresh each run unless a seed is given.

    Hidden tests draw new shapes and values on every run so that an answer cannot
    be fitted to fixed numbers. Set the environment variable ``DLCOURSE_SEED`` to an
    integer to replay one particular run.
    """
    if seed is None and os.environ.get("DLCOURSE_SEED", "").strip():
        seed = int(os.environ["DLCOURSE_SEED"])
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------------------
# calling the student's function


def call(fn: Callable, *args: Any, exercise: str, **kwargs: Any) -> Any:
    """Call the student's ``fn(*args, **kwargs)`` and return its result.

    Turns the usual ways a call goes wrong into messages a student can act on:
    a stub that still raises ``NotImplementedError``, an exception inside the
    function (named, with the argument shapes), and any array argument that the
    function changed in place (inputs must never be modified).
    """
    name = getattr(fn, "__name__", "the function")
    if not callable(fn):
        _fail(exercise, f"{name!r} is not a function (got {type(fn).__name__}).")
    originals = [copy.deepcopy(a) for a in args]
    original_kwargs = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    entered: dict[str, None] = {}  # in the order they ran
    try:
        result = _watched_call(fn, args, kwargs, entered)
    except NotImplementedError as exc:
        raiser = _raising_function(exc)
        if raiser and raiser != name:
            _fail(exercise, f"{name} calls {raiser}, which is not implemented yet: "
                            f"finish {raiser} first.")
        _fail(
            exercise,
            f"{name} is not implemented yet: replace `raise NotImplementedError()` "
            "with your code.",
        )
    except CheckFailure:
        raise
    except Exception as exc:  # the student's bug, reported in the student's terms
        _fail(
            exercise,
            f"{name}({_describe_args(args, kwargs)}) raised {type(exc).__name__}: {exc}",
        )
    _record_reference_use(fn, entered, exercise)
    names = _parameter_names(fn, len(args))
    pairs = zip(names, args, originals, strict=True)
    labelled = [(f"argument {label}", a, o) for label, a, o in pairs]
    labelled += [(f"argument {k!r}", kwargs[k], original_kwargs[k]) for k in kwargs]
    for label, now, before in labelled:
        if isinstance(now, np.ndarray) and not _same_array(now, before):
            _fail(
                exercise,
                f"{name} changed its {label} in place (shape {now.shape}). Work on a new "
                "array instead, e.g. `x = x + 1` or `x.copy()`, never `x += 1` on an input.",
            )
    return result


# What each student function reached while it ran under ``call`` (library modules), and
# which functions ``assert_independent`` requires to be the student's own: one record
# per kernel, kept beside the functions and gone with them.
_reached: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_must_be_own: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _library_folders() -> tuple[str, ...]:
    """Source folders of the reference libraries that are installed (none imported)."""
    folders = []
    for name in REFERENCE_LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for folder in (spec.submodule_search_locations or []) if spec else []:
            folders.append(os.path.realpath(folder) + os.sep)
    return tuple(folders)


_LIBRARY_FOLDERS = _library_folders()


def _watched_call(fn: Callable, args: tuple, kwargs: dict, entered: dict[str, None]) -> Any:
    """``fn(*args, **kwargs)``, noting in ``entered`` every reference-library function
    that ran during the call, however the student's code reached it.

    Two ways in are the test's, not the student's, and are left out: a function bound to
    a name of the notebook (a test may put a reference version of an earlier exercise
    there; a name the student bound to the library is caught by the source check), and
    the methods of the objects the test passes in (a model to train, a layer).
    """
    given = _given_code(fn, (*args, *kwargs.values()))
    skipping: list = []  # frames of given code still running: what they call is theirs

    def profiler(frame, event, arg):
        if skipping:
            if event == "return" and frame is skipping[-1]:
                skipping.pop()
            return
        if event == "call":
            if frame.f_code in given:
                skipping.append(frame)
                return
            filename = frame.f_code.co_filename
            if filename.startswith(_LIBRARY_FOLDERS):
                entered.setdefault(f"{frame.f_globals.get('__name__', filename)}."
                                   f"{frame.f_code.co_name}")
        elif event == "c_call":
            module = getattr(arg, "__module__", None)
            if isinstance(module, str) and module.partition(".")[0] in REFERENCE_LIBRARIES:
                entered.setdefault(f"{module}.{getattr(arg, '__name__', '?')}")

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        return fn(*args, **kwargs)
    finally:
        sys.setprofile(previous)


def _given_code(fn: Callable, values: tuple) -> set:
    """Code of the functions bound to names of ``fn``'s notebook, and of the methods of
    the objects in ``values`` (one level into lists, tuples and dicts)."""
    code = {v.__code__ for v in getattr(fn, "__globals__", {}).values()
            if isinstance(v, types.FunctionType) and v is not fn}
    objects = list(values)
    for value in values:
        if isinstance(value, (list, tuple)):
            objects += list(value)
        elif isinstance(value, dict):
            objects += list(value.values())
    for value in objects:
        if isinstance(value, types.FunctionType):
            code.add(value.__code__)
        elif not isinstance(value, (np.ndarray, int, float, str, bytes, type(None))):
            for cls in type(value).__mro__:
                code |= {m.__code__ for m in vars(cls).values()
                         if isinstance(m, types.FunctionType)}
    return code


def tracer_codes() -> set:
    """The code that may switch the profiler on and off (for the grading sandbox's guard)."""
    return {_watched_call.__code__}


def _key(fn: Callable) -> Any:
    return getattr(fn, "__func__", fn)


def _record_reference_use(fn: Callable, entered: dict[str, None], exercise: str) -> None:
    try:
        _reached.setdefault(_key(fn), {}).update(entered)
    except TypeError:  # not weak-referenceable: nothing to remember it by
        return
    rule = _must_be_own.get(_key(fn))
    if rule is not None:
        _fail_if_reached(fn, rule, exercise)


def _fail_if_reached(fn: Callable, prefixes: tuple[str, ...], exercise: str) -> None:
    name = getattr(fn, "__name__", "the function")
    used = [m for m in _reached.get(_key(fn), ()) if m.partition(".")[0] in prefixes]
    if used:
        _fail(exercise, f"{name} ran {used[0]} while it was tested. This exercise asks you "
                        "to write it yourself with NumPy, so it scores 0 while it calls a "
                        "library that does it for you.")


def _parameter_names(fn: Callable, n: int) -> list[str]:
    """``'w'``-style labels for the first ``n`` positional parameters (numbers if unknown)."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [repr(params[i]) if i < len(params) else str(i + 1) for i in range(n)]


def _raising_function(exc: BaseException) -> str | None:
    """Name of the function in which ``exc`` was raised (the innermost frame)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_name if tb is not None else None


def assert_raises(
    fn: Callable, *args: Any, exception: type[BaseException] = ValueError, exercise: str,
    match: str | None = None, **kwargs: Any,
) -> BaseException:
    """Check that ``fn(*args, **kwargs)`` raises ``exception`` (its message containing
    ``match``, case-insensitive, if given); return the exception."""
    name = getattr(fn, "__name__", "the function")
    call_text = f"{name}({_describe_args(args, kwargs)})"
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        _fail(exercise, f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                        "with your code.")
    except exception as exc:
        if match is not None and match.lower() not in str(exc).lower():
            _fail(exercise, f"{call_text} raised {exception.__name__} as it should, but its "
                            f"message {str(exc)!r} does not mention {match!r}.")
        return exc
    except Exception as exc:
        _fail(exercise, f"{call_text} raised {type(exc).__name__}: {exc}; expected "
                        f"{exception.__name__} with a clear message.")
    _fail(exercise, f"{call_text} returned normally; expected it to raise {exception.__name__}.")
    raise AssertionError  # unreachable


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


def _describe_args(args: tuple, kwargs: dict) -> str:
    parts = [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}, dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------------------
# comparing results


def assert_true(condition: bool, message: str, *, exercise: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        _fail(exercise, message)


def assert_shape(actual: Any, shape: tuple[int, ...], *, exercise: str, name: str = "the result"):
    """Check that ``actual`` is an array of the given shape."""
    arr = _as_result_array(actual, exercise, name)
    if arr.shape != tuple(shape):
        _fail(exercise, f"{name} has shape {arr.shape}, expected {tuple(shape)}.")


def assert_equal(
    actual: Any, expected: Any, *, exercise: str, name: str = "the result",
    mistakes: Mapping[str, Any] | None = None,
) -> None:
    """Check exact equality: integers, booleans, labels, strings, or arrays of them.

    ``mistakes`` works as in :func:`assert_close`: wrong answers keyed by a description,
    named in the message when the student's result is one of them.
    """
    mistakes = dict(mistakes or {})
    if isinstance(expected, (np.ndarray, list, tuple)) and not isinstance(expected, str):
        expected = np.asarray(expected)
        arr = _as_result_array(actual, exercise, name)
        _check_shape(arr, expected, exercise, name, mistakes)
        wrong = np.argwhere(arr != expected)
        if wrong.size:
            idx = tuple(int(i) for i in wrong[0])
            _fail(
                exercise,
                f"{name} differs at {wrong.shape[0]} of {expected.size} positions; first at "
                f"index {idx}: got {_plain(arr[idx])!r}, expected {_plain(expected[idx])!r}."
                + _likely_cause(_matching_mistake(arr, mistakes)),
            )
        return
    if actual is None and expected is not None:
        _fail(exercise, f"{name} is None: did you forget `return`?")
    if actual != expected:
        hint = next((d for d, w in mistakes.items() if _same_value(actual, w)), None)
        _fail(exercise, f"{name} is {_plain(actual)!r}, expected {_plain(expected)!r}."
                        + _likely_cause(hint))


def _same_value(a: Any, b: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """NumPy scalars as Python values, so messages read ``1`` rather than ``np.int64(1)``."""
    return value.item() if isinstance(value, np.generic) else value


def assert_close(
    actual: Any,
    expected: Any,
    *,
    exercise: str,
    name: str = "the result",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    check_dtype: bool = True,
    batch_size: int | None = None,
    mistakes: Mapping[str, Any] | None = None,
) -> None:
    """Check that ``actual`` equals ``expected`` up to floating-point tolerance.

    Parameters
    ----------
    actual : array_like or float
        The student's result.
    expected : array_like or float
        The reference value. A Python or NumPy scalar expects a number back; an
        array expects an ``ndarray`` of the same shape (and dtype, unless
        ``check_dtype`` is False).
    exercise : str
        The exercise id shown at the start of every message.
    name : str
        How the value is called in messages, e.g. ``"dW"``.
    rtol, atol : float
        Tolerances as in ``numpy.allclose``.
    batch_size : int, optional
        The number of examples m; lets the message recognise a missing or doubled 1/m.
    mistakes : mapping of str to array_like, optional
        Wrong answers that a common mistake produces, keyed by a description (for
        example ``{"summed over axis 0 instead of axis 1": X.sum(0)}``). When the
        student's result matches one, the message names it.

    Raises
    ------
    CheckFailure
        With a message naming the exercise, the problem and, where possible, its cause.
    """
    mistakes = dict(mistakes or {})
    if np.ndim(expected) == 0 and not isinstance(expected, np.ndarray):
        _check_scalar(actual, expected, exercise, name, rtol, atol, batch_size, mistakes)
        return
    expected = np.asarray(expected)
    arr = _as_result_array(actual, exercise, name)
    _check_shape(arr, expected, exercise, name, mistakes)
    if check_dtype and arr.dtype != expected.dtype:
        _fail(
            exercise,
            f"{name} has dtype {arr.dtype}, expected {expected.dtype}. Keep the input's "
            "dtype: avoid mixing in float64 constants or arrays when the input is float32.",
        )
    if arr.dtype.kind not in "biuf":
        _fail(exercise, f"{name} has non-numeric dtype {arr.dtype}.")
    _check_values(arr, expected, exercise, name, rtol, atol, batch_size, mistakes)


def _as_result_array(actual: Any, exercise: str, name: str) -> np.ndarray:
    if actual is None:
        _fail(exercise, f"{name} is None: did you forget `return`?")
    if isinstance(actual, np.ndarray):
        return actual
    if isinstance(actual, (list, tuple)):
        _fail(
            exercise,
            f"{name} is a {type(actual).__name__}, expected a NumPy array "
            "(use np.array(...) or NumPy operations).",
        )
    _fail(exercise, f"{name} is a {type(actual).__name__}, expected a NumPy array.")
    raise AssertionError  # unreachable; keeps type checkers content


def _check_scalar(actual, expected, exercise, name, rtol, atol, batch_size, mistakes) -> None:
    if actual is None:
        _fail(exercise, f"{name} is None: did you forget `return`?")
    if isinstance(actual, np.ndarray) and actual.ndim > 0:
        _fail(
            exercise,
            f"{name} is an array of shape {actual.shape}, expected a single number: "
            "did you forget to take the mean or sum?",
        )
    if isinstance(actual, (bool, np.bool_)) or not isinstance(
        actual, (int, float, np.integer, np.floating, np.ndarray)
    ):
        _fail(exercise, f"{name} is {type(actual).__name__} {actual!r}, expected a number.")
    got, want = float(actual), float(expected)
    _check_values(np.asarray(got), np.asarray(want), exercise, name, rtol, atol, batch_size,
                  mistakes)


def _check_shape(arr: np.ndarray, expected: np.ndarray, exercise, name, mistakes) -> None:
    if arr.shape == expected.shape:
        return
    hint = _matching_mistake(arr, mistakes)
    if hint is None and arr.ndim == 2 and arr.T.shape == expected.shape:
        what = "it is the expected result" if np.allclose(arr.T, expected) else "it has the shape"
        hint = f"{what}, transposed (check the order of a matrix product, or a .T)"
    if hint is None and arr.size == expected.size:
        if np.squeeze(arr).shape == np.squeeze(expected).shape:
            hint = "it has an extra or missing axis of length 1 (check keepdims or reshape)"
    if hint is None and arr.ndim == expected.ndim - 1:
        hint = "an axis is missing: was something summed or averaged over the wrong axis?"
    message = f"{name} has shape {arr.shape}, expected {expected.shape}."
    _fail(exercise, message + _likely_cause(hint))


def _likely_cause(hint: str | None) -> str:
    if not hint:
        return ""
    return f" Likely cause: {hint}" + ("" if hint.endswith(("?", ".")) else ".")


def _check_values(arr, expected, exercise, name, rtol, atol, batch_size, mistakes) -> None:
    if arr.dtype.kind == "f" and not np.isfinite(arr).all() and np.isfinite(expected).all():
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        where = f" (first at index {idx})" if arr.ndim else ""
        hint = _matching_mistake(arr, mistakes)
        _fail(
            exercise,
            f"{name} contains {arr[idx]}{where} where a finite number was expected."
            + (_likely_cause(hint) if hint else
               " Look for overflow in exp, log of 0, or a division by zero."),
        )
    close = np.isclose(arr, expected, rtol=rtol, atol=atol)
    if close.all():
        return
    hint = _matching_mistake(arr, mistakes) or _diagnose(arr, expected, rtol, atol, batch_size)
    if arr.ndim == 0:
        message = f"{name} is {float(arr):.6g}, expected {float(expected):.6g}."
    else:
        wrong = np.argwhere(~close)
        idx = tuple(int(i) for i in wrong[0])
        message = (
            f"{name} is wrong at {wrong.shape[0]} of {arr.size} positions; first at index "
            f"{idx}: got {arr[idx]:.6g}, expected {expected[idx]:.6g}."
        )
    _fail(exercise, message + _likely_cause(hint))


def _matching_mistake(arr: np.ndarray, mistakes: Mapping[str, Any]) -> str | None:
    for description, wrong in mistakes.items():
        wrong = np.asarray(wrong)
        if wrong.shape != arr.shape or wrong.dtype.kind not in "biuf":
            continue
        if np.allclose(arr, wrong, rtol=1e-6, atol=1e-9, equal_nan=True):
            return description
    return None


def _diagnose(arr, expected, rtol, atol, batch_size) -> str | None:
    if np.allclose(arr, -expected, rtol=rtol, atol=atol):
        return "the sign is flipped (check the direction of the update or a missing minus)"
    square = arr.ndim == 2 and arr.shape[0] == arr.shape[1]
    if square and np.allclose(arr.T, expected, rtol=rtol, atol=atol):
        return "it is the transpose of the expected result"
    nonzero = np.abs(expected) > atol
    if nonzero.any():
        ratios = arr[nonzero] / expected[nonzero]
        ratio = float(np.median(ratios))
        # One number always has "a constant ratio" to another: name only the 1/m cases.
        generic = ratios.size > 1
        if ratio != 0 and np.allclose(ratios, ratio, rtol=1e-6) and not np.isclose(ratio, 1):
            m = batch_size
            if m and np.isclose(ratio, m):
                return f"it is {m} times too large: did you forget to divide by m = {m}?"
            if m and np.isclose(ratio, 1 / m):
                return f"it is {m} times too small: did you divide by m = {m} twice?"
            if generic:
                return f"it is off by a constant factor of {ratio:.4g}"
    return None


# --------------------------------------------------------------------------------------
# the answer must be the student's own


def assert_independent(
    fn: Callable, *, exercise: str, forbidden: Iterable[str] = REFERENCE_LIBRARIES
) -> None:
    """Fail if ``fn`` uses the reference library instead of implementing the idea.

    Three looks, each catching what the others miss:

    - every global name the function's code (and code nested in it) refers to: a name
      bound to a module or object of a ``forbidden`` package is flagged;
    - imports inside the function (``import dlcore.activations``), and the ways to
      import by a computed name (``__import__``, ``importlib``) or to reach other code
      (``exec``, ``eval``, ``sys.modules``);
    - what actually ran: every call of ``fn`` through :func:`call`, before or after
      this check, records the library functions it reached, and any in a ``forbidden``
      package fails the exercise.

    ``forbidden`` defaults to :data:`REFERENCE_LIBRARIES` (dlcore, scipy, scikit-learn,
    PyTorch, …). Such an answer scores 0 for the exercise: the point of the exercise is
    to write it yourself.
    """
    prefixes = tuple(forbidden)
    name = getattr(fn, "__name__", "the function")
    if inspect.isclass(fn):  # a class: its parents and each of its own methods
        for base in fn.__mro__[1:]:
            if base.__module__.split(".")[0] in prefixes:
                _fail(exercise, f"{name} inherits from {base.__module__}.{base.__qualname__}. "
                                "This exercise asks you to write it yourself, so it scores 0 "
                                "while it reuses the reference library.")
        for method in vars(fn).values():
            if inspect.isfunction(method):
                assert_independent(method, exercise=exercise, forbidden=forbidden)
        return
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    namespace = getattr(fn, "__globals__", {})
    for ref, value in _global_references(fn, namespace):
        origin = _origin(value)
        if origin and origin.split(".")[0] in prefixes:
            _fail(
                exercise,
                f"{name} uses {origin} (through the name {ref!r}). This exercise asks you "
                "to write it yourself with NumPy, so it scores 0 while it calls the "
                "reference library.",
            )
    for inner in _code_objects(code, namespace):
        for ref in inner.co_names:
            if ref.split(".")[0] in prefixes:
                _fail(exercise, f"{name} imports {ref}. This exercise asks you to write it "
                                "yourself with NumPy, so it scores 0 while it uses a library "
                                "that does it for you.")
        indirect = sorted(_INDIRECT & set(inner.co_names))
        if {"sys", "modules"} <= set(inner.co_names):
            indirect.append("sys.modules")
        if indirect:
            _fail(exercise, f"{name} uses {indirect[0]!r}, which can reach other code by a "
                            "computed name. Write the exercise with NumPy alone.")
    try:
        _must_be_own[_key(fn)] = prefixes
    except TypeError:
        pass
    _fail_if_reached(fn, prefixes, exercise)


# Ways to reach a library without naming it in the code.
_INDIRECT = {"__import__", "importlib", "import_module", "exec", "eval", "__builtins__",
             "builtins"}


def _code_objects(code: types.CodeType, namespace: dict) -> list[types.CodeType]:
    """``code``, the code nested in it, and the code of helper functions it calls."""
    found, pending = [], [code]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        pending.extend(k for k in current.co_consts if isinstance(k, types.CodeType))
        for ref in current.co_names:
            value = namespace.get(ref)
            if inspect.isfunction(value) and value.__globals__ is namespace:
                pending.append(value.__code__)
    return found


def _global_references(fn: Callable, namespace: dict) -> list[tuple[str, Any]]:
    """Global names used by ``fn``, following helper functions defined beside it."""
    found = [(ref, namespace[ref]) for code in _code_objects(fn.__code__, namespace)
             for ref in code.co_names
             if ref in namespace]  # not: an attribute name, a builtin, a name not yet defined
    closure = zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True)
    for name, cell in closure:
        try:
            found.append((name, cell.cell_contents))
        except ValueError:  # a closure variable not assigned yet
            pass
    return sorted(found, key=lambda item: item[0])


def _origin(value: Any) -> str | None:
    if isinstance(value, types.ModuleType):
        return value.__name__
    if not callable(value):
        return None
    module = getattr(value, "__module__", None)
    if not isinstance(module, str):  # e.g. a ufunc: its type names the library
        module = type(value).__module__
    return f"{module}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
