"""Parameter arrays laid side by side in one flat buffer (private).

Updating every parameter of a layer with a handful of whole-buffer NumPy calls is
faster than looping over its arrays one by one, and it needs no copies when the arrays
already live back to back in one buffer. Layers create their parameters (and their
gradients) that way with :func:`pack`, once, before anyone holds them, so the arrays a
layer exposes are the ones it keeps for its whole life. Optimizers ask :func:`runs`
which consecutive arrays of a list can be treated as one vector, and :func:`joined`
for that vector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["pack", "runs", "joined"]


def pack(arrays: Sequence[np.ndarray], dtype=None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Copy ``arrays`` into one contiguous 1-D buffer and return it with views.

    Parameters
    ----------
    arrays : sequence of ndarray
        Arrays of any shapes; their values are copied.
    dtype : dtype, optional
        Dtype of the buffer; by default the result type of ``arrays``.

    Returns
    -------
    flat : ndarray, shape (total_size,)
    views : list of ndarray
        ``views[i]`` has ``arrays[i].shape`` and shares memory with ``flat``.

    >>> flat, (a, b) = pack([np.ones((2, 2)), np.zeros(3)])
    >>> flat.shape, a.shape, b.shape
    ((7,), (2, 2), (3,))
    >>> a += 1; float(flat.sum())
    8.0
    """
    if dtype is None:
        dtype = np.result_type(*arrays) if arrays else np.float64
    flat = np.empty(sum(a.size for a in arrays), dtype=dtype)
    views, start = [], 0
    for a in arrays:
        view = flat[start : start + a.size].reshape(a.shape)
        view[...] = a
        views.append(view)
        start += a.size
    return flat, views


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def _follows(before: np.ndarray, a: np.ndarray) -> bool:
    """Whether ``a`` starts right where ``before`` ends, both views of one 1-D buffer."""
    base = a.base
    return (
        isinstance(base, np.ndarray)
        and before.base is base
        and base.ndim == 1
        and base.flags.c_contiguous
        and a.dtype == before.dtype == base.dtype
        and a.flags.c_contiguous
        and before.flags.c_contiguous
        and _address(a) == _address(before) + before.nbytes
    )


def runs(*lists: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """Split positions ``0 .. n-1`` into the longest ranges ``[i, j)`` over which, in every
    list, each array starts where the one before it ends, in one 1-D buffer.

    >>> _, views = pack([np.ones(2), np.ones(3), np.ones(1)])
    >>> runs(views)
    [(0, 3)]
    >>> _, first_two = pack([np.ones(2), np.ones(3)])
    >>> runs(views, first_two + [np.ones(1)])
    [(0, 2), (2, 3)]
    >>> runs([np.ones(2), np.ones(2)])
    [(0, 1), (1, 2)]
    """
    n = len(lists[0])
    ranges, start = [], 0
    for i in range(1, n + 1):
        if i == n or not all(_follows(arrays[i - 1], arrays[i]) for arrays in lists):
            ranges.append((start, i))
            start = i
    return ranges


def joined(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """The 1-D view covering ``arrays``, which must form one range of :func:`runs`
    of length >= 2.

    >>> flat, views = pack([np.ones(2), np.zeros(3)])
    >>> joined(views).tolist()
    [1.0, 1.0, 0.0, 0.0, 0.0]
    """
    base = arrays[0].base
    start = (_address(arrays[0]) - _address(base)) // base.itemsize
    return base[start : start + sum(a.size for a in arrays)]
