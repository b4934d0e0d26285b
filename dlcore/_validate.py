"""Input checks shared by every dlcore module (private).

Each check raises ``ValueError`` with a message that names the calling function,
the argument, and the expected and actual shapes, so that a student sees what went
wrong in their own terms instead of a broadcasting error deep inside NumPy.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "as_float_array", "as_labels", "check_ndim", "check_same_shape", "check_same_rows",
    "check_finite", "check_whole", "check_real",
]


def as_float_array(x, name: str, func: str) -> np.ndarray:
    """Return ``x`` as a floating-point array without copying float input.

    float16/float32/float64 arrays keep their dtype; integers, booleans, Python
    scalars and lists become float64. Anything that is not numeric raises.

    >>> as_float_array([1, 2], "z", "sigmoid").dtype
    dtype('float64')
    >>> as_float_array(np.ones(2, np.float32), "z", "sigmoid").dtype
    dtype('float32')
    """
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise ValueError(f"{func}: {name} must be numeric, got dtype {arr.dtype}")


def check_ndim(x: np.ndarray, ndim: int | tuple[int, ...], name: str, func: str) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is ``ndim`` (or one of them).

    >>> check_ndim(np.zeros((2, 3)), 1, "y", "one_hot")
    Traceback (most recent call last):
    ...
    ValueError: one_hot: y must be 1-D, got shape (2, 3)
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if x.ndim not in allowed:
        wanted = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{func}: {name} must be {wanted}, got shape {x.shape}")


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str], func: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape.

    >>> check_same_shape(np.zeros(3), np.zeros(4), ("y_hat", "y"), "mse")
    Traceback (most recent call last):
    ...
    ValueError: mse: y_hat and y must have the same shape, got (3,) and (4,)
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{func}: {names[0]} and {names[1]} must have the same shape, "
            f"got {a.shape} and {b.shape}"
        )


def check_same_rows(
    a: np.ndarray, b: np.ndarray, names: tuple[str, str], func: str
) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have at least one axis and equal lengths.

    For examples and their targets: row i of ``a`` goes with row i of ``b``.

    >>> check_same_rows(np.zeros((5, 2)), np.zeros(4), ("X", "y"), "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: X and y must have the same number of rows, got shapes (5, 2) and (4,)
    """
    if a.ndim == 0 or b.ndim == 0 or len(a) != len(b):
        raise ValueError(
            f"{func}: {names[0]} and {names[1]} must have the same number of rows, "
            f"got shapes {a.shape} and {b.shape}"
        )


def as_labels(y, name: str, func: str) -> np.ndarray:
    """``y`` as a 1-D int64 array of class labels, or ``ValueError``.

    Integers and booleans are accepted, and floats holding whole numbers.

    >>> as_labels([1.0, 2.0], "y", "one_hot")
    array([1, 2])
    >>> as_labels([0.5], "y", "one_hot")
    Traceback (most recent call last):
    ...
    ValueError: one_hot: y must hold integer labels, got dtype float64: [0.5]
    """
    arr = np.asarray(y)
    check_ndim(arr, 1, name, func)
    if arr.dtype.kind in "biu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        return arr.astype(np.int64)
    raise ValueError(f"{func}: {name} must hold integer labels, got dtype {arr.dtype}: {arr[:5]}")


def check_finite(x: np.ndarray, name: str, func: str) -> None:
    """Raise ``ValueError`` if ``x`` holds NaN or infinity.

    >>> check_finite(np.array([1.0, np.nan]), "X", "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: X contains NaN or infinity (shape (2,))
    """
    if not np.isfinite(x).all():
        raise ValueError(f"{func}: {name} contains NaN or infinity (shape {x.shape})")


def check_whole(value: int, name: str, func: str, *, low: int = 1) -> int:
    """Return ``value`` as an int, or raise ``ValueError`` unless it is a whole number >= low.

    For counts such as ``epochs`` and ``batch_size``.

    >>> check_whole(0, "epochs", "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: epochs must be a whole number >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{func}: {name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def check_real(
    value: float,
    name: str,
    func: str,
    *,
    low: float = 0.0,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` unless it lies in the interval.

    The interval runs from ``low`` to ``high``, each end open or closed as asked; the
    default is ``[0, inf)``. For settings such as learning rates and decay factors.

    >>> check_real(0.5, "drop", "step_decay", low=0.0, high=1.0, low_open=True, high_open=False)
    0.5
    >>> check_real(1.0, "beta1", "Adam", high=1.0)
    Traceback (most recent call last):
    ...
    ValueError: Adam: beta1 must be in [0.0, 1.0), got 1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{func}: {name} must be a finite real number, got {value!r}")
    below = value < low or (low_open and value == low)
    above = value > high or (high_open and value == high)
    if below or above:
        if high == math.inf:
            wanted = f"> {low}" if low_open else f">= {low}"
        else:
            wanted = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{func}: {name} must be {wanted}, got {value}")
    return float(value)
