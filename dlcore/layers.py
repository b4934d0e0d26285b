"""Layers with ``forward``/``backward`` and the ``Sequential`` container.

Every layer follows one small protocol, which is all ``Sequential`` relies on:

- ``forward(A) -> out`` keeps what ``backward`` needs (a reference to the input, never
  a copy, and never modified);
- ``backward(d_out, input_grad=True) -> d_in`` returns the gradient with respect to
  the input (``None`` when ``input_grad=False``) and writes the parameter gradients
  into the layer's gradient arrays **in place**; calling it before ``forward`` raises
  ``RuntimeError``;
- ``predict(A) -> out`` computes the same output as ``forward`` without keeping
  anything;
- ``params()`` and ``grads()`` list the parameter arrays and their gradients, the same
  array objects on every call, so that an optimizer can update them in place;
- ``training`` (True at creation), ``train()`` and ``eval()``: the mode, as in PyTorch.
  Only :class:`Dropout` and :class:`BatchNorm1d` behave differently in the two modes;
  ``forward`` follows the mode, while ``predict`` always computes the evaluation-mode
  output (and leaves the mode alone).

Shapes are batch-first: ``A`` is ``(m, n_features)``. A layer's parameters and
outputs keep the layer's dtype (float64 by default); activations follow their input.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dlcore._buffers import pack
from dlcore._validate import as_float_array, check_real
from dlcore.activations import leaky_relu, relu, sigmoid

__all__ = [
    "Dense", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Dropout", "BatchNorm1d", "Sequential",
]

_INITS = ("he", "xavier", "small", "zeros")


def _upstream(
    d: ArrayLike, cache: np.ndarray | None, shape: tuple | None, name: str, func: str
) -> np.ndarray:
    """Check a gradient arriving at ``backward``: forward has run, shape and dtype fit.

    ``shape`` is the expected shape of ``d`` and ``cache`` what forward stored; the
    gradient comes back in the cache's dtype (cast only if needed).
    """
    if cache is None:
        raise RuntimeError(f"{func}: call forward before backward (nothing is cached yet)")
    d = as_float_array(d, name, func)
    if d.shape != shape:
        raise ValueError(f"{func}: {name} must have shape {shape} like the forward output, "
                         f"got {d.shape}")
    return d.astype(cache.dtype, copy=False)


def _side_by_side(a: np.ndarray, b: np.ndarray, dtype: np.dtype) -> list[np.ndarray]:
    """Copies of ``a`` and ``b`` in ``dtype``, back to back in one new buffer.

    A layer creates its parameters this way, and their gradients, so that an optimizer
    can update both with whole-vector operations (see :mod:`dlcore.optimizers`). They
    are created once and stay the layer's arrays for its whole life.
    """
    return pack([a, b], dtype)[1]


class _Layer:
    """The training/evaluation switch every layer shares, as ``torch.nn.Module`` has it.

    Subclasses set ``self.training = True`` in their ``__init__``.
    """

    training: bool

    def train(self, mode: bool = True) -> Self:
        """Put the layer in training mode (``mode=False``: evaluation mode); return it."""
        self.training = bool(mode)
        return self

    def eval(self) -> Self:
        """Put the layer in evaluation mode; return it. The same as ``train(False)``."""
        return self.train(False)

    def params(self) -> list[np.ndarray]:
        """No parameters: ``[]`` (layers with parameters override this)."""
        return []

    def grads(self) -> list[np.ndarray]:
        """No parameters: ``[]`` (layers with parameters override this)."""
        return []


class Dense(_Layer):
    """Fully connected layer ``Z = A_prev @ W.T + b``.

    Forward on a batch: ``Z = A_prev W^T + b`` (one example as a column: ``z = W a + b``).
    Backward, for a batch-mean loss whose gradient dZ already holds the 1/m:
    ``dW = dZ^T A_prev``, ``db = sum_i dZ_i``, ``dA_prev = dZ W``.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    init : {"he", "xavier", "small", "zeros"}, default "he"
        Weight initialisation: W ~ N(0, 2/n_in), N(0, 2/(n_in + n_out)), N(0, 0.01^2),
        or all zeros. The bias starts at zero.
    rng : numpy.random.Generator or int or None
        Source of the random weights (an int is a seed; None a fresh generator).
    dtype : float dtype, default float64
        Dtype of the parameters, gradients and outputs; inputs are cast to it.

    Attributes
    ----------
    W : ndarray, shape (n_out, n_in)
    b : ndarray, shape (n_out,)
    dW : ndarray, shape (n_out, n_in)
        Gradient of the loss with respect to W, written by ``backward`` (zeros before).
    db : ndarray, shape (n_out,)

    Raises
    ------
    ValueError
        If n_in or n_out is not a positive integer, ``init`` is unknown, or ``dtype``
        is not a floating-point dtype.

    >>> layer = Dense(3, 2, init="zeros")
    >>> layer.W[:] = [[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]
    >>> layer.b[:] = [0.0, 1.0]
    >>> layer.forward(np.array([[1.0, 2.0, 3.0], [0.0, 2.0, 4.0]]))
    array([[-2.,  4.],
           [-4.,  4.]])
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str = "he",
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        for name, value in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Dense: {name} must be a positive integer, got {value!r}")
        if init not in _INITS:
            raise ValueError(f"Dense: unknown init {init!r}; valid values are {_INITS}")
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ValueError(f"Dense: dtype must be a floating-point dtype, got {dtype}")
        self.n_in, self.n_out = int(n_in), int(n_out)
        std = {
            "he": np.sqrt(2.0 / n_in),
            "xavier": np.sqrt(2.0 / (n_in + n_out)),
            "small": 0.01,
        }
        if init == "zeros":
            W = np.zeros((n_out, n_in), dtype=dtype)
        else:
            W = np.random.default_rng(rng).normal(0.0, std[init], size=(n_out, n_in))
        self.W, self.b = _side_by_side(W, np.zeros(n_out), dtype)
        self.dW, self.db = _side_by_side(np.zeros_like(W), np.zeros(n_out), dtype)
        self._A_prev: np.ndarray | None = None
        self.training = True

    def _input(self, A_prev: ArrayLike, func: str) -> np.ndarray:
        """``A_prev`` as an (m, n_in) array of the layer's dtype."""
        A = np.asarray(A_prev)
        if A.dtype != self.W.dtype:
            A = as_float_array(A, "A_prev", func).astype(self.W.dtype)
        if A.ndim != 2 or A.shape[1] != self.n_in:
            raise ValueError(
                f"{func}: A_prev must have shape (m, n_in) = (m, {self.n_in}), got {A.shape}"
            )
        return A

    def forward(self, A_prev: ArrayLike) -> np.ndarray:
        """Affine map of a batch, keeping ``A_prev`` for ``backward``.

        Parameters
        ----------
        A_prev : array_like, shape (m, n_in)

        Returns
        -------
        Z : ndarray, shape (m, n_out)

        Raises
        ------
        ValueError
            If A_prev is not 2-D or its width is not n_in.
        """
        self._A_prev = self._input(A_prev, "Dense.forward")
        return self._affine(self._A_prev)

    def predict(self, A_prev: ArrayLike) -> np.ndarray:
        """Same as :meth:`forward` without keeping anything for ``backward``."""
        return self._affine(self._input(A_prev, "Dense.predict"))

    def _affine(self, A: np.ndarray) -> np.ndarray:
        Z = A @ self.W.T
        Z += self.b
        return Z

    def backward(self, dZ: ArrayLike, input_grad: bool = True) -> np.ndarray | None:
        """Gradients from dLoss/dZ: fills ``dW`` and ``db`` in place, returns dLoss/dA_prev.

        ``dW = dZ^T A_prev``, ``db = sum over the batch of dZ``, ``dA_prev = dZ W``.

        Parameters
        ----------
        dZ : array_like, shape (m, n_out)
        input_grad : bool, default True
            If False, skip computing dA_prev (a third of the work) and return None;
            for a first layer, whose input gradient nobody needs.

        Returns
        -------
        dA_prev : ndarray, shape (m, n_in), or None

        Raises
        ------
        RuntimeError
            If called before ``forward``.
        ValueError
            If dZ does not have shape (m, n_out) for the batch of the last forward.
        """
        A_prev = self._A_prev
        m = None if A_prev is None else A_prev.shape[0]
        dZ = _upstream(dZ, A_prev, (m, self.n_out), "dZ", "Dense.backward")
        np.matmul(dZ.T, A_prev, out=self.dW)
        dZ.sum(axis=0, out=self.db)
        return dZ @ self.W if input_grad else None

    def params(self) -> list[np.ndarray]:
        """``[W, b]``, the arrays themselves."""
        return [self.W, self.b]

    def grads(self) -> list[np.ndarray]:
        """``[dW, db]``, the arrays themselves, in the order of :meth:`params`."""
        return [self.dW, self.db]


class _Activation(_Layer):
    """Elementwise activation layer without parameters (shared bookkeeping).

    Subclasses define ``_value(Z) -> A`` and ``_backward(dA) -> dZ``; the latter may use
    ``self._Z`` and ``self._A`` kept by :meth:`forward`.
    """

    def __init__(self) -> None:
        self._Z: np.ndarray | None = None
        self._A: np.ndarray | None = None
        self.training = True

    def forward(self, Z: ArrayLike) -> np.ndarray:
        """Apply the activation elementwise, keeping input and output for ``backward``.

        Parameters
        ----------
        Z : array_like, any shape, typically (m, n)

        Returns
        -------
        A : ndarray, shape and dtype of Z (float64 for integer Z)
        """
        self._Z = as_float_array(Z, "Z", f"{type(self).__name__}.forward")
        self._A = self._value(self._Z)
        return self._A

    def predict(self, Z: ArrayLike) -> np.ndarray:
        """Same as :meth:`forward` without keeping anything for ``backward``."""
        return self._value(as_float_array(Z, "Z", f"{type(self).__name__}.predict"))

    def backward(self, dA: ArrayLike, input_grad: bool = True) -> np.ndarray | None:
        """dLoss/dZ from dLoss/dA: the upstream gradient times the local derivative.

        Parameters
        ----------
        dA : array_like, shape of the last forward output
        input_grad : bool, default True
            If False return None (there is nothing else to compute).

        Returns
        -------
        dZ : ndarray, shape of dA, dtype of the forward input; or None

        Raises
        ------
        RuntimeError
            If called before ``forward``.
        ValueError
            If dA's shape differs from the last forward output's.
        """
        shape = None if self._A is None else self._A.shape
        dA = _upstream(dA, self._A, shape, "dA", f"{type(self).__name__}.backward")
        return self._backward(dA) if input_grad else None

    def _value(self, Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class ReLU(_Activation):
    """ReLU layer: ``A = max(0, Z)``; backward ``dZ = dA * [Z > 0]``.

    >>> layer = ReLU()
    >>> layer.forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> layer.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    """

    def _value(self, Z: np.ndarray) -> np.ndarray:
        return relu(Z)

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        return dA * (self._Z > 0)


class Sigmoid(_Activation):
    """Sigmoid layer: ``A = 1 / (1 + e^-Z)``; backward ``dZ = dA * A * (1 - A)``.

    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[0.0]]))
    array([[0.5]])
    >>> layer.backward(np.array([[1.0]]))
    array([[0.25]])
    """

    def _value(self, Z: np.ndarray) -> np.ndarray:
        return sigmoid(Z)

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        A = self._A
        return dA * A * (1.0 - A)


class Tanh(_Activation):
    """Tanh layer: ``A = tanh(Z)``; backward ``dZ = dA * (1 - A^2)``.

    >>> layer = Tanh()
    >>> layer.forward(np.array([[0.0]]))
    array([[0.]])
    >>> layer.backward(np.array([[3.0]]))
    array([[3.]])
    """

    def _value(self, Z: np.ndarray) -> np.ndarray:
        return np.tanh(Z)

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        A = self._A
        return dA * (1.0 - A * A)


class LeakyReLU(_Activation):
    """Leaky ReLU layer: ``A = Z if Z > 0 else alpha Z``; backward ``dZ = dA * (1 or alpha)``.

    Parameters
    ----------
    alpha : float, default 0.01
        Slope for Z <= 0.

    >>> layer = LeakyReLU(alpha=0.1)
    >>> layer.forward(np.array([[-1.0, 2.0]]))
    array([[-0.1,  2. ]])
    >>> layer.backward(np.array([[1.0, 1.0]]))
    array([[0.1, 1. ]])
    """

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def _value(self, Z: np.ndarray) -> np.ndarray:
        return leaky_relu(Z, self.alpha)

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        return np.where(self._Z > 0, dA, dA * self.alpha)


class Dropout(_Layer):
    """Inverted dropout, as ``torch.nn.Dropout``.

    Training mode: each element is kept with probability ``1 - p`` and then scaled by
    ``1 / (1 - p)``, so that its expected value is unchanged; the rest become 0::

        mask = (u >= p) / (1 - p)   with u ~ U[0, 1), one per element
        A_out = A * mask            backward: dA = dA_out * mask (the same mask)

    Evaluation mode (and :meth:`predict`): the identity, ``A_out = A``.

    Parameters
    ----------
    p : float, default 0.5
        Probability of dropping an element, in [0, 1).
    rng : numpy.random.Generator or int or None
        Source of the masks (an int is a seed; None a fresh generator). Each training
        ``forward`` draws a new mask from it.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1).

    >>> layer = Dropout(p=0.5, rng=0)
    >>> out = layer.forward(np.ones((2, 4)))
    >>> sorted(set(out.ravel().tolist()))          # dropped, or kept and doubled
    [0.0, 2.0]
    >>> layer.eval().forward(np.ones((1, 2)))      # evaluation mode: the identity
    array([[1., 1.]])
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | int | None = None) -> None:
        self.p = check_real(p, "p", "Dropout", low=0.0, high=1.0)
        self.rng = np.random.default_rng(rng)
        self._out: np.ndarray | None = None  # the last forward output (shape and dtype)
        self._mask: np.ndarray | None = None  # None when the last forward was the identity
        self.training = True

    def forward(self, A: ArrayLike) -> np.ndarray:
        """Drop and rescale elements (training mode) or pass ``A`` through (evaluation).

        Parameters
        ----------
        A : array_like, any shape, typically (m, n)

        Returns
        -------
        ndarray, shape and dtype of A (float64 for integer A); in evaluation mode A itself
        """
        A = as_float_array(A, "A", "Dropout.forward")
        if self.training:
            draw_dtype = np.float32 if A.dtype == np.float32 else np.float64
            keep = self.rng.random(A.shape, dtype=draw_dtype) >= self.p
            self._mask = keep.astype(A.dtype)
            self._mask *= 1.0 / (1.0 - self.p)
            self._out = A * self._mask
        else:
            self._mask, self._out = None, A
        return self._out

    def predict(self, A: ArrayLike) -> np.ndarray:
        """The evaluation-mode output, ``A`` itself, whatever the mode."""
        return as_float_array(A, "A", "Dropout.predict")

    def backward(self, dA: ArrayLike, input_grad: bool = True) -> np.ndarray | None:
        """``dA_in = dA * mask`` with the mask of the last forward (a copy of dA after an
        evaluation-mode forward).

        Raises
        ------
        RuntimeError
            If called before ``forward``.
        ValueError
            If dA's shape differs from the last forward output's.
        """
        shape = None if self._out is None else self._out.shape
        dA = _upstream(dA, self._out, shape, "dA", "Dropout.backward")
        if not input_grad:
            return None
        return dA.copy() if self._mask is None else dA * self._mask


class BatchNorm1d(_Layer):
    """Batch normalisation of each feature, as ``torch.nn.BatchNorm1d`` on (m, n) input.

    Training mode, with the batch mean and the *biased* batch variance of each column::

        mu = mean_i X_i,   var = mean_i (X_i - mu)^2
        X_hat = (X - mu) / sqrt(var + eps)
        out = gamma * X_hat + beta
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)

    (the running variance takes the *unbiased* batch variance). Evaluation mode (and
    :meth:`predict`) normalises with the running statistics instead:
    ``out = gamma * (X - running_mean) / sqrt(running_var + eps) + beta``.

    Backward in training mode, where mu and var depend on every row (the 1/m of a
    batch-mean loss already sits in d_out)::

        dgamma = sum_i d_out_i * X_hat_i,   dbeta = sum_i d_out_i
        dX_hat = d_out * gamma
        dX = (dX_hat - mean_i dX_hat_i - X_hat * mean_i (dX_hat_i * X_hat_i)) / sqrt(var + eps)

    After an evaluation-mode forward the statistics are constants:
    ``dX = d_out * gamma / sqrt(running_var + eps)``.

    Parameters
    ----------
    n_features : int
        Number of columns n.
    eps : float, default 1e-5
        Added to the variance before the square root, > 0.
    momentum : float, default 0.1
        Weight of the new batch in the running statistics, in [0, 1].
    dtype : float dtype, default float64
        Dtype of the parameters, running statistics and outputs; inputs are cast to it.

    Attributes
    ----------
    gamma, beta : ndarray, shape (n_features,)
        Scale (ones at first) and shift (zeros); the layer's parameters.
    dgamma, dbeta : ndarray, shape (n_features,)
        Their gradients, written by ``backward``.
    running_mean, running_var : ndarray, shape (n_features,)
        Start at zeros and ones; updated by every training-mode ``forward``.

    Raises
    ------
    ValueError
        If n_features is not a positive integer, eps <= 0, momentum is outside [0, 1],
        or dtype is not a floating-point dtype.

    >>> layer = BatchNorm1d(1)
    >>> layer.forward(np.array([[1.0], [3.0]]))       # mean 2, biased variance 1
    array([[-0.999995],
           [ 0.999995]])
    >>> layer.running_mean, layer.running_var         # 0.9*0 + 0.1*2, 0.9*1 + 0.1*2
    (array([0.2]), array([1.1]))
    """

    def __init__(
        self,
        n_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        dtype: DTypeLike = np.float64,
    ) -> None:
        if (not isinstance(n_features, int | np.integer) or isinstance(n_features, bool)
                or n_features < 1):
            raise ValueError(
                f"BatchNorm1d: n_features must be a positive integer, got {n_features!r}"
            )
        self.eps = check_real(eps, "eps", "BatchNorm1d", low_open=True)
        self.momentum = check_real(momentum, "momentum", "BatchNorm1d", high=1.0,
                                   high_open=False)
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ValueError(f"BatchNorm1d: dtype must be a floating-point dtype, got {dtype}")
        self.n_features = int(n_features)
        self.gamma, self.beta = _side_by_side(np.ones(n_features), np.zeros(n_features), dtype)
        self.dgamma, self.dbeta = _side_by_side(np.zeros(n_features), np.zeros(n_features),
                                                dtype)
        self.running_mean = np.zeros(n_features, dtype=dtype)
        self.running_var = np.ones(n_features, dtype=dtype)
        self._X_hat: np.ndarray | None = None
        self._inv_std: np.ndarray | None = None
        self._batch_stats = True  # whether the last forward normalised with batch statistics
        self.training = True

    def _input(self, X: ArrayLike, func: str) -> np.ndarray:
        """``X`` as an (m, n_features) array of the layer's dtype."""
        X = as_float_array(X, "X", func).astype(self.gamma.dtype, copy=False)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"{func}: X must have shape (m, n_features) = (m, {self.n_features}), "
                f"got {X.shape}"
            )
        return X

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Normalise with the batch statistics (training mode, updating the running ones)
        or with the running statistics (evaluation mode).

        Parameters
        ----------
        X : array_like, shape (m, n_features)

        Returns
        -------
        ndarray, shape (m, n_features)

        Raises
        ------
        ValueError
            If X does not have shape (m, n_features), or in training mode m < 2 (the
            variance of one row says nothing).
        """
        X = self._input(X, "BatchNorm1d.forward")
        if not self.training:
            self._batch_stats = False
            self._X_hat, self._inv_std = self._normalise_with_running_stats(X)
            return self.gamma * self._X_hat + self.beta
        m = X.shape[0]
        if m < 2:
            raise ValueError(
                f"BatchNorm1d.forward: training mode needs a batch of at least 2 rows to "
                f"estimate the variance, got X of shape {X.shape}; call eval() first to "
                "use the running statistics"
            )
        mu = X.mean(axis=0)
        var = X.var(axis=0)  # biased: divides by m
        self._batch_stats = True
        self._inv_std = 1.0 / np.sqrt(var + self.eps)
        self._X_hat = (X - mu) * self._inv_std
        self.running_mean *= 1.0 - self.momentum
        self.running_mean += self.momentum * mu
        self.running_var *= 1.0 - self.momentum
        self.running_var += self.momentum * var * (m / (m - 1))  # unbiased
        return self.gamma * self._X_hat + self.beta

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The evaluation-mode output (running statistics), whatever the mode; keeps nothing."""
        X_hat, _ = self._normalise_with_running_stats(self._input(X, "BatchNorm1d.predict"))
        return self.gamma * X_hat + self.beta

    def _normalise_with_running_stats(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(X_hat, 1 / sqrt(running_var + eps))`` with ``X_hat`` from the running statistics."""
        inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
        return (X - self.running_mean) * inv_std, inv_std

    def backward(self, d_out: ArrayLike, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``dgamma`` and ``dbeta`` in place; return dLoss/dX (see the class notes).

        Parameters
        ----------
        d_out : array_like, shape (m, n_features)
        input_grad : bool, default True
            If False, skip dX and return None.

        Raises
        ------
        RuntimeError
            If called before ``forward``.
        ValueError
            If d_out's shape differs from the last forward output's.
        """
        X_hat = self._X_hat
        shape = None if X_hat is None else X_hat.shape
        d_out = _upstream(d_out, X_hat, shape, "d_out", "BatchNorm1d.backward")
        np.sum(d_out * X_hat, axis=0, out=self.dgamma)
        np.sum(d_out, axis=0, out=self.dbeta)
        if not input_grad:
            return None
        dX_hat = d_out * self.gamma
        if not self._batch_stats:
            return dX_hat * self._inv_std
        centred = dX_hat - dX_hat.mean(axis=0) - X_hat * (dX_hat * X_hat).mean(axis=0)
        return centred * self._inv_std

    def params(self) -> list[np.ndarray]:
        """``[gamma, beta]``, the arrays themselves."""
        return [self.gamma, self.beta]

    def grads(self) -> list[np.ndarray]:
        """``[dgamma, dbeta]``, the arrays themselves, in the order of :meth:`params`."""
        return [self.dgamma, self.dbeta]


class Sequential:
    """A chain of layers applied in order: ``out = layer_L(... layer_1(X))``.

    Backward runs the chain rule in reverse: each layer turns dLoss/d(its output) into
    dLoss/d(its input) and fills its own parameter gradients.

    The model holds its layers as they are: ``params()`` and ``grads()`` return the
    layers' own arrays (``model.params()[0] is layers[0].W``), so an array taken from a
    layer before or after building the model is the one every optimizer step updates.

    Modes. ``train()`` and ``eval()`` set the mode of every layer (only :class:`Dropout`
    and :class:`BatchNorm1d` care); ``forward`` follows it. :meth:`predict` always gives
    the evaluation-mode output and changes no layer's mode.

    Parameters
    ----------
    *layers
        Layer objects with ``forward``, ``backward``, ``predict``, ``params``, ``grads``,
        ``train`` and ``eval`` (see the module notes); each object at most once.

    Attributes
    ----------
    layers : list
        The layers, in order.
    training : bool
        The mode last set by ``train()``/``eval()`` (True at creation).

    Raises
    ------
    TypeError
        If a layer lacks one of the methods above.
    ValueError
        If the same layer object appears twice.

    >>> model = Sequential(Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1))
    >>> X = np.ones((5, 4))
    >>> model.forward(X).shape
    (5, 2)
    >>> model.backward(np.ones((5, 2))).shape
    (5, 4)
    >>> [g.shape for g in model.grads()]
    [(3, 4), (3,), (2, 3), (2,)]
    """

    def __init__(self, *layers: Any) -> None:
        for layer in layers:
            for method in ("forward", "backward", "predict", "params", "grads", "train", "eval"):
                if not callable(getattr(layer, method, None)):
                    raise TypeError(
                        f"Sequential: layer {layer!r} has no method {method}()"
                    )
        if len({id(layer) for layer in layers}) != len(layers):
            raise ValueError("Sequential: the same layer object appears more than once")
        self.layers = list(layers)
        self.training = True  # as in PyTorch, the layers keep the modes they came with

    def train(self, mode: bool = True) -> Sequential:
        """Put every layer in training mode (``mode=False``: evaluation mode); return self."""
        self.training = bool(mode)
        for layer in self.layers:
            layer.train(self.training)
        return self

    def eval(self) -> Sequential:
        """Put every layer in evaluation mode; return self. The same as ``train(False)``."""
        return self.train(False)

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Run every layer's ``forward`` in order.

        Parameters
        ----------
        X : array_like, shape (m, n_features)

        Returns
        -------
        ndarray, shape (m, n_outputs)
        """
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The network's output for X in evaluation mode, keeping no caches.

        Each layer's ``predict`` is used, so dropout is off and batch normalisation uses
        its running statistics, whatever the mode; the mode itself is left unchanged.

        Parameters
        ----------
        X : array_like, shape (m, n_features)

        Returns
        -------
        ndarray, shape (m, n_outputs)
        """
        out = X
        for layer in self.layers:
            out = layer.predict(out)
        return out

    def backward(self, dOut: ArrayLike, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dLoss/d(output) through every layer, filling ``grads()`` in place.

        Parameters
        ----------
        dOut : array_like, shape of the last forward output
            Gradient of the loss with respect to the network's output, e.g.
            ``softmax_cross_entropy_grad(logits, y)``.
        input_grad : bool, default True
            If False, stop at the first layer that has parameters and let it skip its
            input gradient; training uses this since nobody needs dLoss/dX.

        Returns
        -------
        dX : ndarray, shape (m, n_features), or None when ``input_grad`` is False

        Raises
        ------
        RuntimeError
            If called before ``forward``.
        """
        stop = 0
        if not input_grad:
            with_params = [i for i, layer in enumerate(self.layers) if layer.params()]
            if not with_params:
                return None
            stop = with_params[0]
        grad = dOut
        for i in range(len(self.layers) - 1, stop - 1, -1):
            grad = self.layers[i].backward(grad, input_grad=input_grad or i > stop)
        return grad

    def params(self) -> list[np.ndarray]:
        """Every layer's parameters in order, e.g. ``[W1, b1, W2, b2]`` (the arrays themselves)."""
        return [p for layer in self.layers for p in layer.params()]

    def grads(self) -> list[np.ndarray]:
        """The gradients matching :meth:`params`, e.g. ``[dW1, db1, dW2, db2]``."""
        return [g for layer in self.layers for g in layer.grads()]
