"""Numerical gradient checking: compare backpropagation with finite differences.

A backward pass is right when it agrees with central differences
``(f(x + eps) - f(x - eps)) / (2 eps)``, whose error is O(eps^2). Use float64: in
float32 rounding swamps the difference quotient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlcore._validate import as_float_array, check_same_shape
from dlcore.losses import get_loss

__all__ = ["numerical_gradient", "relative_error", "check_model_gradients"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at the array ``x``.

    ``grad_i = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, one element i at a time.
    ``x`` is perturbed in place (so ``f`` may read it through a closure, as with a
    layer's weights) and each element is written back to its original value exactly,
    even if ``f`` raises. The division uses the step actually stored, which differs
    from ``2 eps`` by rounding.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; called ``2 * x.size`` times.
    x : ndarray of floats, any shape, writeable
    eps : float, default 1e-6
        Half the step; must be positive.

    Returns
    -------
    ndarray, shape of x, float64

    Raises
    ------
    ValueError
        If x is not a writeable floating-point ndarray or eps is not positive.

    >>> x = np.array([1.0, -2.0, 3.0])
    >>> np.round(numerical_gradient(lambda v: float(np.sum(v ** 2)), x), 6)
    array([ 2., -4.,  6.])
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f" or not x.flags.writeable:
        raise ValueError(
            "numerical_gradient: x must be a writeable floating-point ndarray "
            f"(it is perturbed in place), got {type(x).__name__} "
            f"{getattr(x, 'dtype', '')} of shape {np.shape(x)}"
        )
    if not eps > 0:
        raise ValueError(f"numerical_gradient: eps must be positive, got {eps!r}")
    grad = np.empty(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx].copy()
        try:
            x[idx] = original + eps
            upper = float(x[idx])
            f_plus = float(f(x))
            x[idx] = original - eps
            lower = float(x[idx])
            f_minus = float(f(x))
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (upper - lower)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """Largest elementwise relative error between two arrays of the same shape.

    ``max_i |a_i - b_i| / max(|a_i| + |b_i|, 1e-12)``; 0.0 for empty arrays. Below about
    1e-7 a float64 gradient check has passed.

    Parameters
    ----------
    a, b : array_like, same shape

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ.

    >>> round(relative_error([1.0, 0.0], [1.1, 0.0]), 6)   # 0.1 / 2.1; 0 / 1e-12 for the zeros
    0.047619
    """
    a = as_float_array(a, "a", "relative_error")
    b = as_float_array(b, "b", "relative_error")
    check_same_shape(a, b, ("a", "b"), "relative_error")
    if a.size == 0:
        return 0.0
    scale = np.maximum(np.abs(a) + np.abs(b), 1e-12)
    return float(np.max(np.abs(a - b) / scale))


def check_model_gradients(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    loss: str = "softmax_cross_entropy",
    *,
    eps: float = 1e-5,
) -> float:
    """Worst relative error of a model's backpropagated gradients against numerical ones.

    Runs ``forward``, the loss gradient and ``backward`` once to get ``model.grads()``,
    then for every array in ``model.params()`` computes :func:`numerical_gradient` of
    ``loss(model.forward(X), y)`` (perturbing the parameters in place and restoring
    them) and returns the largest :func:`relative_error` over all arrays.

    The model is run in the mode it is in. Batch normalisation checks fine in either
    mode; a :class:`~dlcore.layers.Dropout` in training mode draws a new mask at every
    forward, so check such a model in evaluation mode (or with ``p = 0``).

    Parameters
    ----------
    model : object with forward, backward, params and grads, e.g. a ``Sequential``
        Best in float64.
    X : array_like, shape (m, n_features)
    y : array_like
        Targets for the loss: labels (m,) or one-hot (m, K) for
        "softmax_cross_entropy", the output's shape for the others.
    loss : {"softmax_cross_entropy", "mse", "binary_cross_entropy", "cross_entropy"}
    eps : float, default 1e-5
        Step of :func:`numerical_gradient`. Near the cube root of float64's machine
        epsilon, it balances the O(eps^2) truncation error against rounding error
        O(1e-16 / eps), which dominates for small gradient entries at eps = 1e-6.

    Returns
    -------
    float
        Below about 1e-7 the backward pass is right.

    Raises
    ------
    ValueError
        If ``loss`` is not one of the names above (the message lists them).

    >>> from dlcore.layers import Dense, Sequential, Tanh
    >>> model = Sequential(Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1))
    >>> X = np.random.default_rng(2).normal(size=(5, 3))
    >>> check_model_gradients(model, X, np.array([0, 1, 1, 0, 1])) < 1e-7
    True
    """
    loss_fn, loss_grad = get_loss(loss)
    model.backward(loss_grad(model.forward(X), y))
    analytic = [g.copy() for g in model.grads()]
    worst = 0.0
    for param, grad in zip(model.params(), analytic, strict=True):
        numeric = numerical_gradient(lambda _: loss_fn(model.forward(X), y), param, eps)
        worst = max(worst, relative_error(grad, numeric))
    return worst
