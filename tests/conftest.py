"""Shared pytest fixtures for the dlcore tests."""

import warnings

import numpy as np
import pytest


def _central_difference(f, x, h=1e-6):
    """Gradient of the scalar function ``f`` at ``x`` by central differences.

    Written independently of ``dlcore.gradcheck``: it perturbs copies, never ``x``.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.fixture
def central_difference():
    """``central_difference(f, x, h=1e-6)``: numerical gradient of scalar ``f`` at ``x``."""
    return _central_difference


@pytest.fixture
def strict_floats():
    """Turn every NumPy floating-point flag (underflow included) and warning into an error."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        yield
