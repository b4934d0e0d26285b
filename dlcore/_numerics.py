"""Numerical helpers shared by several dlcore modules (private)."""

from __future__ import annotations

import numpy as np

__all__ = ["exp_or_zero"]


def exp_or_zero(x: np.ndarray) -> np.ndarray:
    """``e**x`` as a new array, with exactly 0 wherever the result would not be normal.

    Flushing results below ``e * finfo.tiny`` (about 1e-307 in float64, 3e-38 in
    float32) to zero changes them by less than that amount and keeps NumPy's
    underflow flag quiet. NaN stays NaN.

    >>> exp_or_zero(np.array([0.0, -1e4]))
    array([1., 0.])
    """
    lowest = np.log(np.finfo(x.dtype).tiny) + 1.0
    return np.exp(x, out=np.zeros_like(x), where=~(x < lowest))
