"""Loss functions and their gradients with respect to the prediction.

Arguments are always ``(prediction, target)``. Each loss returns a Python float, the
**mean over the batch** (over all elements for ``mse`` and ``binary_cross_entropy``).
Each ``<name>_grad`` takes the same arguments and returns dLoss/d(prediction) with the
prediction's shape and dtype; the 1/m of the mean lives here, so layers' ``backward``
just sums over the batch.

Probabilities are clipped to ``[1e-12, 1 - 1e-12]`` before any logarithm, and
``softmax_cross_entropy`` works on logits through the log-sum-exp trick, so every loss
and gradient is finite even for logits of magnitude 1e4.

Where clipping is active (a probability below 1e-12 or above 1 - 1e-12), the
gradients are the usual formulas evaluated at the clipped probability — the slope at
the edge of the clip range — rather than the exact derivative of the clipped loss,
which is 0 there and would leave a confidently wrong prediction with no gradient to
escape by. This is also what PyTorch's ``binary_cross_entropy`` does (up to rounding).
Inside the clip range the gradients are the exact derivatives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from dlcore._numerics import exp_or_zero
from dlcore._validate import (
    as_float_array,
    check_finite,
    check_ndim,
    check_real,
    check_same_shape,
)
from dlcore.activations import softmax

__all__ = [
    "mse",
    "mse_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "get_loss",
]

_CLIP = 1e-12  # probabilities are clipped to [_CLIP, 1 - _CLIP]


def _pair(
    prediction: ArrayLike, target: ArrayLike, names: tuple[str, str], func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a prediction and a target of the same shape; target in prediction's dtype."""
    pred = as_float_array(prediction, names[0], func)
    tgt = as_float_array(target, names[1], func)
    check_same_shape(pred, tgt, names, func)
    if pred.size == 0:
        raise ValueError(f"{func}: {names[0]} is empty (shape {pred.shape})")
    check_finite(pred, names[0], func)
    check_finite(tgt, names[1], func)
    return pred, tgt.astype(pred.dtype, copy=False)


def _clipped(p: np.ndarray) -> np.ndarray:
    """``p`` in float64, clipped to [1e-12, 1 - 1e-12] (1 - 1e-12 is 1.0 in float32)."""
    return np.clip(p.astype(np.float64), _CLIP, 1.0 - _CLIP)


# --------------------------------------------------------------------------- mse


def mse(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Mean squared error over all elements.

    ``L = mean((y_hat - y)^2)``, like ``torch.nn.functional.mse_loss``.

    Parameters
    ----------
    y_hat : array_like, any shape
        Predictions.
    y : array_like, same shape as y_hat
        Targets.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ, the arrays are empty, or either holds NaN or infinity.

    >>> mse([1.0, 2.0, 3.0], [1.0, 0.0, 4.0])   # (0 + 4 + 1) / 3
    1.6666666666666667
    """
    y_hat, y = _pair(y_hat, y, ("y_hat", "y"), "mse")
    diff = y_hat - y
    return float(np.mean(diff * diff))


def mse_grad(y_hat: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``y_hat``.

    ``dL/dy_hat = 2 (y_hat - y) / n``, n the number of elements.

    Parameters
    ----------
    y_hat : array_like, any shape
    y : array_like, same shape as y_hat

    Returns
    -------
    ndarray, shape and dtype of y_hat

    Raises
    ------
    ValueError
        As :func:`mse`.

    >>> mse_grad([1.0, 2.0], [0.0, 2.0])
    array([1., 0.])
    """
    y_hat, y = _pair(y_hat, y, ("y_hat", "y"), "mse_grad")
    grad = y_hat - y
    grad *= 2.0 / y_hat.size
    return grad


# --------------------------------------------------------------- binary cross-entropy


def binary_cross_entropy(p: ArrayLike, y: ArrayLike) -> float:
    """Binary cross-entropy of probabilities ``p`` against targets ``y`` in [0, 1].

    ``L = -mean(y log p + (1 - y) log(1 - p))`` over all elements, with p clipped to
    [1e-12, 1 - 1e-12]; like ``torch.nn.functional.binary_cross_entropy``.

    Parameters
    ----------
    p : array_like, any shape
        Predicted probabilities, e.g. a sigmoid output of shape (m,) or (m, 1).
    y : array_like, same shape as p
        Targets, 0 or 1 (soft targets in [0, 1] work too).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ, the arrays are empty, or either holds NaN or infinity.

    >>> round(binary_cross_entropy([0.9, 0.2], [1, 0]), 6)   # -(log 0.9 + log 0.8) / 2
    0.164252
    """
    p, y = _pair(p, y, ("p", "y"), "binary_cross_entropy")
    pc = _clipped(p)
    return -float(np.mean(y * np.log(pc) + (1.0 - y) * np.log1p(-pc)))


def binary_cross_entropy_grad(p: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Gradient of :func:`binary_cross_entropy` with respect to ``p``.

    ``dL/dp = (p~ - y) / (p~ (1 - p~)) / n`` with ``p~ = clip(p, 1e-12, 1 - 1e-12)`` and n
    the number of elements: the exact derivative inside the clip range, the slope at
    its edge outside it (see the module notes), so finite even at p = 0 or 1.

    Parameters
    ----------
    p : array_like, any shape
    y : array_like, same shape as p

    Returns
    -------
    ndarray, shape and dtype of p

    Raises
    ------
    ValueError
        As :func:`binary_cross_entropy`.

    >>> np.round(binary_cross_entropy_grad([0.5, 0.5], [1, 0]), 6)
    array([-1.,  1.])
    """
    p, y = _pair(p, y, ("p", "y"), "binary_cross_entropy_grad")
    pc = _clipped(p)
    grad = (pc - y) / (pc * (1.0 - pc))
    grad /= p.size
    return grad.astype(p.dtype, copy=False)


# ---------------------------------------------------------- categorical cross-entropy


def _probs_onehot(
    probs: ArrayLike, y_onehot: ArrayLike, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate probabilities (m, K) and a target of the same shape."""
    probs = as_float_array(probs, "probs", func)
    check_ndim(probs, 2, "probs", func)
    return _pair(probs, y_onehot, ("probs", "y_onehot"), func)


def cross_entropy(probs: ArrayLike, y_onehot: ArrayLike) -> float:
    """Categorical cross-entropy of class probabilities against one-hot targets.

    ``L = -(1/m) sum_i sum_k y_ik log p_ik``, with p clipped to [1e-12, 1 - 1e-12].

    Parameters
    ----------
    probs : array_like, shape (m, K)
        Predicted probabilities, each row summing to 1 (e.g. a softmax output).
    y_onehot : array_like, shape (m, K)
        One-hot targets (or target distributions).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If probs is not 2-D, the shapes differ, or either holds NaN or infinity.

    >>> round(cross_entropy([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
    ...                     [[1, 0, 0], [0, 0, 1]]), 6)   # -(log 0.7 + log 0.8) / 2
    0.289909
    """
    probs, y = _probs_onehot(probs, y_onehot, "cross_entropy")
    return -float(np.sum(y * np.log(_clipped(probs)))) / probs.shape[0]


def cross_entropy_grad(probs: ArrayLike, y_onehot: ArrayLike) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to ``probs``.

    ``dL/dp_ik = -y_ik / p~_ik / m`` with ``p~ = clip(p, 1e-12, 1 - 1e-12)`` (the slope at
    the edge of the clip range where clipping is active), so finite even at p = 0.

    Parameters
    ----------
    probs : array_like, shape (m, K)
    y_onehot : array_like, shape (m, K)

    Returns
    -------
    ndarray, shape (m, K), dtype of probs

    Raises
    ------
    ValueError
        As :func:`cross_entropy`.

    >>> g = cross_entropy_grad([[0.5, 0.5], [0.2, 0.8]], [[1, 0], [1, 0]])
    >>> g[:, 0]   # -1 / 0.5 / 2 and -1 / 0.2 / 2
    array([-1. , -2.5])
    """
    probs, y = _probs_onehot(probs, y_onehot, "cross_entropy_grad")
    grad = -y / _clipped(probs)
    grad /= probs.shape[0]
    return grad.astype(probs.dtype, copy=False)


# ------------------------------------------------------------ softmax cross-entropy


def _logits_target(
    logits: ArrayLike, y: ArrayLike, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate logits (m, K) and labels (m,) or one-hot rows (m, K).

    Returns the logits as floats and ``y`` either as integer labels or as a float
    array in the logits' dtype.
    """
    z = as_float_array(logits, "logits", func)
    if z.ndim != 2 or z.size == 0:
        raise ValueError(f"{func}: logits must have shape (m, K) with m, K > 0, got {z.shape}")
    check_finite(z, "logits", func)
    m, k = z.shape
    y = np.asarray(y)
    if y.shape not in ((m,), (m, k)):
        raise ValueError(
            f"{func}: y must be labels of shape (m,) = ({m},) or one-hot rows of shape "
            f"(m, K) = ({m}, {k}) to match logits {z.shape}, got {y.shape}"
        )
    if y.ndim == 1:
        if y.dtype.kind not in "iu":
            raise ValueError(f"{func}: labels y must be integers, got dtype {y.dtype}")
        if y.min() < 0 or y.max() >= k:
            raise ValueError(
                f"{func}: labels y must lie in [0, K) = [0, {k}) for logits {z.shape}, "
                f"got values from {y.min()} to {y.max()}"
            )
        return z, y
    y = as_float_array(y, "y", func).astype(z.dtype, copy=False)
    if not np.allclose(y.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(f"{func}: each row of one-hot y {y.shape} must sum to 1")
    return z, y


def softmax_cross_entropy(logits: ArrayLike, y: ArrayLike) -> float:
    """Cross-entropy of ``softmax(logits)`` against labels, via log-sum-exp.

    ``L = -(1/m) sum_i log softmax(z_i)_{y_i}``, where
    ``log softmax(z)_k = (z_k - max z) - log sum_j e^(z_j - max z)``; never NaN or inf.
    Like ``torch.nn.functional.cross_entropy``.

    Parameters
    ----------
    logits : array_like, shape (m, K)
        Unnormalised scores.
    y : array_like, shape (m,) of integers in [0, K), or shape (m, K)
        Class labels, or one-hot rows (any rows summing to 1 work).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If logits is not 2-D or holds NaN or infinity; if y has neither shape (m,)
        nor (m, K); if labels are not integers or lie outside [0, K); if rows of a
        2-D y do not sum to 1.

    >>> # -(log(e^2 / (e^2 + 1)) + log(1/2)) / 2
    >>> round(softmax_cross_entropy([[2.0, 0.0], [0.0, 0.0]], [0, 1]), 6)
    0.410038
    >>> softmax_cross_entropy([[1e4, -1e4]], [1])
    20000.0
    """
    z, y = _logits_target(logits, y, "softmax_cross_entropy")
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(exp_or_zero(shifted).sum(axis=1, keepdims=True))
    if y.ndim == 1:
        picked = log_probs[np.arange(z.shape[0]), y]
        return -float(np.mean(picked, dtype=np.float64))
    return -float(np.sum(y * log_probs, dtype=np.float64)) / z.shape[0]


def softmax_cross_entropy_grad(logits: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    ``dL/dz = (softmax(z) - onehot(y)) / m``.

    Parameters
    ----------
    logits : array_like, shape (m, K)
    y : array_like, shape (m,) of integers in [0, K), or shape (m, K)

    Returns
    -------
    ndarray, shape (m, K), dtype of logits

    Raises
    ------
    ValueError
        As :func:`softmax_cross_entropy`.

    >>> softmax_cross_entropy_grad([[0.0, 0.0], [1e4, -1e4]], [0, 0])
    array([[-0.25,  0.25],
           [ 0.  ,  0.  ]])
    """
    z, y = _logits_target(logits, y, "softmax_cross_entropy_grad")
    grad = softmax(z)  # a fresh array: safe to update in place
    if y.ndim == 1:
        grad[np.arange(z.shape[0]), y] -= 1.0
    else:
        grad -= y
    grad /= z.shape[0]
    return grad


# ------------------------------------------------------------------ L2 penalty


def _weights_list(weights: Sequence[ArrayLike], func: str) -> list[np.ndarray]:
    """``weights`` as a list of float arrays; a bare array is refused (a list is expected)."""
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
        raise ValueError(
            f"{func}: weights must be a list of arrays, e.g. [W1, W2], got "
            f"{type(weights).__name__}"
        )
    return [as_float_array(W, f"weights[{i}]", func) for i, W in enumerate(weights)]


def l2_penalty(weights: Sequence[ArrayLike], lam: float) -> float:
    """L2 penalty (weight decay) of a list of arrays: ``(lam / 2) * sum_l ||W_l||^2``.

    Added to a loss, it pulls every weight towards 0; usually only the weight matrices
    are listed, not the biases.

    Parameters
    ----------
    weights : list of array_like
        The arrays to penalise, any shapes.
    lam : float
        Strength lambda, >= 0.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``weights`` is not a list of numeric arrays or ``lam`` is negative.

    >>> round(l2_penalty([np.array([[1.0, 2.0]]), np.array([3.0])], lam=0.1), 6)  # 0.05 * 14
    0.7
    """
    lam = check_real(lam, "lam", "l2_penalty")
    arrays = _weights_list(weights, "l2_penalty")
    return 0.5 * lam * float(sum(np.sum(W.astype(np.float64) ** 2) for W in arrays))


def l2_penalty_grad(weights: Sequence[ArrayLike], lam: float) -> list[np.ndarray]:
    """Gradient of :func:`l2_penalty` with respect to each array: ``[lam * W_l]``.

    So adding it to the loss gradient before a plain SGD step,
    ``W -= lr * (dW + lam * W)``, is the update of ``SGD(lr, weight_decay=lam)``.

    Parameters
    ----------
    weights : list of array_like
    lam : float
        Strength lambda, >= 0.

    Returns
    -------
    list of ndarray
        One array per entry of ``weights``, same shape and dtype.

    Raises
    ------
    ValueError
        As :func:`l2_penalty`.

    >>> l2_penalty_grad([np.array([1.0, -2.0])], lam=0.5)
    [array([ 0.5, -1. ])]
    """
    lam = check_real(lam, "lam", "l2_penalty_grad")
    return [lam * W for W in _weights_list(weights, "l2_penalty_grad")]


# ---------------------------------------------------------------------- lookup

_LOSSES: dict[str, tuple[Callable[..., float], Callable[..., np.ndarray]]] = {
    "mse": (mse, mse_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
}


def get_loss(name: str) -> tuple[Callable[..., float], Callable[..., np.ndarray]]:
    """The loss function and its gradient registered under ``name``.

    Parameters
    ----------
    name : str
        One of "mse", "binary_cross_entropy", "cross_entropy", "softmax_cross_entropy".

    Returns
    -------
    (loss, loss_grad) : pair of callables taking ``(prediction, target)``

    Raises
    ------
    ValueError
        If ``name`` is not one of the above; the message lists them.

    >>> loss, loss_grad = get_loss("mse")
    >>> loss([1.0, 3.0], [1.0, 1.0])
    2.0
    """
    try:
        return _LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(key) for key in _LOSSES)
        raise ValueError(f"get_loss: unknown loss {name!r}; valid names are {valid}") from None
