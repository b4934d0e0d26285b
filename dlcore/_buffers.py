"""One flat buffer behind many parameter arrays (private).

Updating every parameter of a network with a handful of whole-buffer NumPy calls is
several times faster than looping over a dozen small arrays, and it needs no copies
when the arrays already live side by side in one buffer. ``Sequential`` places its
layers' parameters (and their gradients) that way with :func:`pack`; optimizers ask
:func:`flat_view` whether a list of arrays can be treated as a single vector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["pack", "flat_view"]


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


def flat_view(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """The 1-D view covering ``arrays`` if they lie back to back in one buffer, else None.

    >>> flat, views = pack([np.ones(2), np.ones(3)])
    >>> flat_view(views) is not None
    True
    >>> flat_view([np.ones(2), np.ones(3)]) is None
    True
    """
    if not arrays:
        return None
    base = arrays[0].base
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    itemsize = base.itemsize
    base_addr = base.__array_interface__["data"][0]
    start = (arrays[0].__array_interface__["data"][0] - base_addr) // itemsize
    expected = start
    for a in arrays:
        if a.base is not base or a.dtype != base.dtype or not a.flags.c_contiguous:
            return None
        if (a.__array_interface__["data"][0] - base_addr) // itemsize != expected:
            return None
        expected += a.size
    return base[start:expected]
