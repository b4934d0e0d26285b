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
  array objects on every call, so that an optimizer can update them in place.

Shapes are batch-first: ``A`` is ``(m, n_features)``. A layer's parameters and
outputs keep the layer's dtype (float64 by default); activations follow their input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dlcore._buffers import pack
from dlcore._validate import as_float_array
from dlcore.activations import leaky_relu, relu, sigmoid

__all__ = ["Dense", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Sequential"]

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


class Dense:
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

    param_names = ("W", "b")  # each has its gradient in the attribute "d" + name

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
            self.W = np.zeros((n_out, n_in), dtype=dtype)
        else:
            gen = np.random.default_rng(rng)
            self.W = gen.normal(0.0, std[init], size=(n_out, n_in)).astype(dtype, copy=False)
        self.b = np.zeros(n_out, dtype=dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._A_prev: np.ndarray | None = None

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


class _Activation:
    """Elementwise activation layer without parameters (shared bookkeeping).

    Subclasses define ``_value(Z) -> A`` and ``_backward(dA) -> dZ``; the latter may use
    ``self._Z`` and ``self._A`` kept by :meth:`forward`.
    """

    param_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._Z: np.ndarray | None = None
        self._A: np.ndarray | None = None

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

    def params(self) -> list[np.ndarray]:
        """No parameters: ``[]``."""
        return []

    def grads(self) -> list[np.ndarray]:
        """No parameters: ``[]``."""
        return []

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


class Sequential:
    """A chain of layers applied in order: ``out = layer_L(... layer_1(X))``.

    Backward runs the chain rule in reverse: each layer turns dLoss/d(its output) into
    dLoss/d(its input) and fills its own parameter gradients.

    On construction the parameters of all layers that name them (``param_names``, as
    :class:`Dense` does) are moved into one contiguous buffer, and their gradients
    into another, with each layer's attributes becoming views of it. The values are
    unchanged, but ``dlcore._buffers.flat_view(model.params())`` is then a single 1-D
    array an optimizer can update in a few whole-buffer operations. This is skipped
    when the parameters do not all share one dtype.

    Parameters
    ----------
    *layers
        Layer objects with ``forward``, ``backward``, ``predict``, ``params`` and
        ``grads`` (see the module notes); each object at most once.

    Attributes
    ----------
    layers : list
        The layers, in order.

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
            for method in ("forward", "backward", "predict", "params", "grads"):
                if not callable(getattr(layer, method, None)):
                    raise TypeError(
                        f"Sequential: layer {layer!r} has no method {method}()"
                    )
        if len({id(layer) for layer in layers}) != len(layers):
            raise ValueError("Sequential: the same layer object appears more than once")
        self.layers = list(layers)
        self._pack()

    def _pack(self) -> None:
        """Move parameters, then gradients, into one flat buffer each (same dtype only)."""
        slots = [(layer, name) for layer in self.layers
                 for name in getattr(layer, "param_names", ())]
        for prefix in ("", "d"):
            arrays = [getattr(layer, prefix + name) for layer, name in slots]
            if not arrays or len({a.dtype for a in arrays}) != 1:
                return
            _, views = pack(arrays)
            for (layer, name), view in zip(slots, views, strict=True):
                setattr(layer, prefix + name, view)

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
        """The network's output for X, like :meth:`forward` but keeping no caches.

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
