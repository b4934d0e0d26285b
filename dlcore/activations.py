"""Activation functions, each followed by its derivative; elementwise except ``softmax``.

Every function takes an array-like ``z`` of any shape and returns an array of the same
shape. The dtype follows the input: float32 stays float32, float64 stays float64, and
integer or boolean input becomes float64. As with NumPy's own ufuncs, a scalar ``z``
gives a NumPy scalar (``np.float64`` or ``np.float32``) rather than a 0-d array.

``sigmoid`` and ``softmax`` only ever exponentiate non-positive numbers, so they cannot
overflow; results too small to represent are returned as exactly 0 without raising
NumPy's underflow flag, so they also run cleanly under ``np.errstate(all="raise")``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlcore._numerics import exp_or_zero
from dlcore._validate import as_float_array

__all__ = [
    "step",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "softmax",
]


def _scalar_if_0d(out: np.ndarray) -> np.ndarray:
    """Return a 0-d result as a NumPy scalar, the way NumPy's ufuncs do."""
    return out[()] if out.ndim == 0 else out


def step(z: ArrayLike) -> np.ndarray:
    """Unit step: 1 where z > 0, else 0.

    ``step(z) = 1 if z > 0 else 0`` — the perceptron's threshold unit, with the
    threshold folded into the bias.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, float dtype of z (float64 for integer input)

    >>> step(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z", "step")
    return (z > 0).astype(z.dtype)


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic sigmoid, computed without overflow.

    ``sigmoid(z) = 1 / (1 + e^-z)``, evaluated as ``1 / (1 + e^-|z|)`` for z >= 0 and
    ``e^-|z| / (1 + e^-|z|)`` for z < 0, so that only ``e^-|z| <= 1`` is ever computed.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, values in [0, 1]

    >>> sigmoid(np.array([-1e4, 0.0, 1e4]))
    array([0. , 0.5, 1. ])
    """
    z = as_float_array(z, "z", "sigmoid")
    e = exp_or_zero(-np.abs(z))  # e^-|z| in [0, 1]
    out = np.where(z >= 0, 1.0, e)
    out /= 1.0 + e
    return _scalar_if_0d(out)


def sigmoid_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of the sigmoid with respect to z.

    ``sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = e^-|z| / (1 + e^-|z|)^2``; the second
    form is used because it keeps full relative precision for large |z|.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, values in [0, 0.25]

    >>> sigmoid_grad(np.array([0.0, 1e4]))
    array([0.25, 0.  ])
    """
    z = as_float_array(z, "z", "sigmoid_grad")
    e = exp_or_zero(-np.abs(z))
    return _scalar_if_0d(e / (1.0 + e) ** 2)


def tanh(z: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent.

    ``tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigmoid(2z) - 1``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, values in [-1, 1]

    >>> tanh(np.array([0.0, 1e4]))
    array([0., 1.])
    """
    return np.tanh(as_float_array(z, "z", "tanh"))


def tanh_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of tanh with respect to z.

    ``tanh'(z) = 1 - tanh(z)^2``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, values in [0, 1]

    >>> tanh_grad(np.array([0.0, 1e4]))
    array([1., 0.])
    """
    t = np.tanh(as_float_array(z, "z", "tanh_grad"))
    return 1.0 - t * t


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit.

    ``relu(z) = max(0, z)``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(as_float_array(z, "z", "relu"), 0)


def relu_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of ReLU with respect to z, taking 0 at the kink.

    ``relu'(z) = 1 if z > 0 else 0`` (the same values as :func:`step`).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as z, values in {0, 1}

    >>> relu_grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z", "relu_grad")
    return (z > 0).astype(z.dtype)


def leaky_relu(z: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: the identity for positive z, a small slope ``alpha`` otherwise.

    ``leaky_relu(z) = z if z > 0 else alpha * z``.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
        Slope for z <= 0.

    Returns
    -------
    ndarray, same shape as z

    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    z = as_float_array(z, "z", "leaky_relu")
    return _scalar_if_0d(np.where(z > 0, z, z * float(alpha)))


def leaky_relu_grad(z: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU with respect to z, taking ``alpha`` at the kink.

    ``leaky_relu'(z) = 1 if z > 0 else alpha``.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
        Slope for z <= 0.

    Returns
    -------
    ndarray, same shape as z, values in {alpha, 1}

    >>> leaky_relu_grad(np.array([-1.0, 0.0, 2.0]), alpha=0.1)
    array([0.1, 0.1, 1. ])
    """
    z = as_float_array(z, "z", "leaky_relu_grad")
    out = np.full_like(z, float(alpha))
    out[z > 0] = 1.0
    return _scalar_if_0d(out)


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so that it cannot overflow.

    ``softmax(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z)``, equal to
    ``e^z_k / sum_j e^z_j`` because the shift cancels.

    Parameters
    ----------
    z : array_like, at least 1-D, e.g. logits of shape (m, K)
    axis : int, default -1
        The axis that sums to 1 (the classes).

    Returns
    -------
    ndarray, same shape as z, each slice along ``axis`` non-negative and summing to 1

    Raises
    ------
    ValueError
        If z is a scalar.

    >>> np.round(softmax(np.array([[1.0, 2.0, 3.0], [1e4, 0.0, -1e4]])), 4)
    array([[0.09  , 0.2447, 0.6652],
           [1.    , 0.    , 0.    ]])
    """
    z = as_float_array(z, "z", "softmax")
    if z.ndim == 0:
        raise ValueError("softmax: z must have at least one axis, got shape ()")
    e = exp_or_zero(z - z.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e
