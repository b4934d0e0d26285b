"""Gradient-descent optimizers with the update rules of PyTorch's defaults.

Every optimizer keeps its *settings* (``lr``, ``betas``, ...) apart from its *state*
(``opt.state[i]`` for the parameter at position ``i``, a dict named as PyTorch names it:
``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg``, ``exp_avg_sq``, ``step``).
``opt.step(params, grads)`` changes every array of ``params`` in place.

Speed. The state of one kind (say every ``exp_avg``) lives in one flat buffer, and
``opt.state[i][...]`` are views into it. When the parameters, and their gradients, also
lie back to back in one buffer -- ``Sequential`` arranges them so -- a step is a dozen
whole-buffer NumPy calls writing into a preallocated scratch vector, instead of a dozen
calls per parameter array. Otherwise the same arithmetic runs array by array on the
per-parameter views; both paths read and write the same state.

Weight decay. ``SGD`` and ``Adam`` take ``weight_decay`` (L2, as PyTorch: the gradient
becomes ``g + weight_decay * p`` before the update, the same as adding
``dlcore.losses.l2_penalty`` to the loss); ``AdamW`` decays decoupled from the gradient,
``p -= lr * weight_decay * p`` before its Adam step, as ``torch.optim.AdamW``.

The learning-rate schedules of :mod:`dlcore.schedules` are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dlcore._buffers import flat_view, pack
from dlcore._validate import as_float_array, check_real, check_same_shape
from dlcore.schedules import exponential_decay, inverse_time_decay, step_decay

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "inverse_time_decay",
    "step_decay",
    "exponential_decay",
]


class Optimizer:
    """Base class: input checks, state allocation, and the choice of flat or per-array path.

    A subclass names its state in ``_state_names`` and writes the arithmetic of one step
    in ``_update(p, g, state, s, t)``, where ``p`` and ``g`` are a parameter and its
    gradient (the whole flat vector, or one array), ``state`` maps each state name to the
    matching array, ``s`` is a scratch array of the same shape, and ``t`` is the step
    number starting at 1. ``_update`` must work in place, with ``out=`` and ``s``.

    Parameters
    ----------
    lr : float
        Learning rate, >= 0. A plain attribute: set ``opt.lr`` between steps to follow a
        schedule.
    weight_decay : float, default 0.0
        Decay factor wd, >= 0. The gradient becomes ``g + wd * p`` before ``_update``
        (L2), or, for a subclass with ``_decoupled_decay = True``, ``p *= 1 - lr * wd``
        first and the gradient is left alone.

    Attributes
    ----------
    state : list of dict
        ``state[i]`` holds the state of the parameter at position ``i`` (empty before the
        first step). It is allocated at the first step for the shapes and dtype seen then.
    """

    _state_names: tuple[str, ...] = ()
    _counts_steps: bool = True
    _decoupled_decay: bool = False

    def __init__(self, lr: float, weight_decay: float = 0.0) -> None:
        self.lr = check_real(lr, "lr", type(self).__name__)
        self.weight_decay = check_real(weight_decay, "weight_decay", type(self).__name__)
        self.reset()

    def reset(self) -> None:
        """Forget all state; the next ``step`` starts afresh (as at step 1)."""
        self.state: list[dict] = []
        self._shapes: list[tuple[int, ...]] | None = None
        self._flat_state: dict[str, np.ndarray] = {}
        self._scratch: np.ndarray | None = None
        self._scratch_views: list[np.ndarray] = []
        self._decayed: np.ndarray | None = None  # room for g + wd * p
        self._decayed_views: list[np.ndarray] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching array of ``grads``.

        Parameters
        ----------
        params : sequence of ndarray
            The parameters, float arrays of any shapes; written in place.
        grads : sequence of array_like
            ``grads[i]`` is the gradient of the loss with respect to ``params[i]``, same shape.

        Raises
        ------
        ValueError
            If ``params`` is empty, the lengths differ, a parameter is not a float NumPy
            array, ``params[i]`` and ``grads[i]`` differ in shape, or the shapes differ
            from those of the first step (call :meth:`reset` to start over with new ones).
        """
        name = f"{type(self).__name__}.step"
        params, grads = self._check_inputs(params, grads, name)
        if self._shapes is None:
            self._allocate(params)
        elif [p.shape for p in params] != self._shapes:
            raise ValueError(
                f"{name}: params changed since the first step: expected shapes {self._shapes}, "
                f"got {[p.shape for p in params]}; call reset() or create a new optimizer"
            )
        if self._counts_steps:
            for st in self.state:
                st["step"] += 1
        t = self.state[0].get("step", 0)

        p_flat, g_flat = flat_view(params), flat_view(grads)
        if p_flat is not None and g_flat is not None:
            g_flat = self._apply_weight_decay(p_flat, g_flat, self._decayed)
            self._update(p_flat, g_flat, self._flat_state, self._scratch, t)
        else:
            for i, (p, g) in enumerate(zip(params, grads, strict=True)):
                views = {k: self.state[i][k] for k in self._state_names}
                g = self._apply_weight_decay(p, g, self._decayed_views[i])
                self._update(p, g, views, self._scratch_views[i], t)

    def _apply_weight_decay(self, p: np.ndarray, g: np.ndarray, out: np.ndarray) -> np.ndarray:
        """The gradient the update uses: ``g + wd * p`` written into ``out`` (L2), or ``g``
        after ``p *= 1 - lr * wd`` (decoupled), or ``g`` itself when wd is 0."""
        if self.weight_decay == 0:
            return g
        if self._decoupled_decay:
            p *= 1.0 - self.lr * self.weight_decay
            return g
        np.multiply(p, self.weight_decay, out=out)
        out += g
        return out

    def _update(self, p, g, state: dict[str, np.ndarray], s: np.ndarray, t: int) -> None:
        raise NotImplementedError

    @staticmethod
    def _check_inputs(params, grads, name: str) -> tuple[list, list]:
        params, grads = list(params), list(grads)
        if not params:
            raise ValueError(f"{name}: params is empty; pass the list of parameter arrays")
        if len(params) != len(grads):
            raise ValueError(
                f"{name}: params and grads must have the same length, "
                f"got {len(params)} and {len(grads)}"
            )
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                what = f"{p.dtype} array" if isinstance(p, np.ndarray) else type(p).__name__
                raise ValueError(
                    f"{name}: params[{i}] must be a float NumPy array (it is updated in "
                    f"place), got {what}"
                )
        grads = [as_float_array(g, f"grads[{i}]", name) for i, g in enumerate(grads)]
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            check_same_shape(p, g, (f"params[{i}]", f"grads[{i}]"), name)
        return params, grads

    def _allocate(self, params: list[np.ndarray]) -> None:
        """One zero-filled flat buffer per state kind, plus one scratch, with per-array views."""
        dtype = np.result_type(*params)
        zeros = [np.zeros(p.shape, dtype) for p in params]
        self._shapes = [p.shape for p in params]
        self.state = [{"step": 0} if self._counts_steps else {} for _ in params]
        for key in self._state_names:
            self._flat_state[key], views = pack(zeros, dtype)
            for st, view in zip(self.state, views, strict=True):
                st[key] = view
        self._scratch, self._scratch_views = pack(zeros, dtype)
        self._decayed, self._decayed_views = pack(zeros, dtype)

    def __repr__(self) -> str:
        settings = [f"{k}={v!r}" for k, v in vars(self).items() if k[0] != "_" and k != "state"]
        return f"{type(self).__name__}({', '.join(settings)})"


def _divide_by_root(p, g, acc, s, lr: float, eps: float) -> None:
    """``p -= lr * g / (sqrt(acc) + eps)`` in place, using the scratch array ``s``."""
    np.sqrt(acc, out=s)
    s += eps
    np.divide(g, s, out=s)
    s *= lr
    p -= s


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum, as ``torch.optim.SGD``.

    Plain:     ``p -= lr * g``.
    Momentum:  ``v = momentum * v + g`` (``v`` starts at 0, so ``v = g`` at step 1),
    then ``p -= lr * v``.
    Nesterov:  the same ``v`` update, then ``p -= lr * (g + momentum * v)``.

    Parameters
    ----------
    lr : float
        Learning rate, >= 0.
    momentum : float, default 0.0
        Momentum factor ``mu``, >= 0. With 0 no state is kept.
    nesterov : bool, default False
        Use the Nesterov form; needs ``momentum > 0``.
    weight_decay : float, default 0.0
        L2 factor wd, >= 0: ``g`` is replaced by ``g + wd * p`` before everything above.

    Attributes
    ----------
    state : list of dict
        ``state[i]["momentum_buffer"]`` is ``v`` for ``params[i]`` (when momentum > 0).

    Raises
    ------
    ValueError
        If ``lr < 0``, ``momentum < 0``, ``weight_decay < 0``, or ``nesterov`` is set
        without momentum.

    Examples
    --------
    >>> w = np.array([1.0])
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> opt.step([w], [np.array([2.0])])   # v = 2,           w = 1 - 0.1*2
    >>> opt.step([w], [np.array([2.0])])   # v = 0.9*2 + 2,   w = 0.8 - 0.1*3.8
    >>> round(float(w[0]), 6), round(float(opt.state[0]["momentum_buffer"][0]), 6)
    (0.42, 3.8)

    With weight decay the gradient is ``g + wd * p``: here ``2 + 0.5 * 1``:

    >>> w = np.array([1.0])
    >>> SGD(lr=0.1, weight_decay=0.5).step([w], [np.array([2.0])])   # w = 1 - 0.1*2.5
    >>> round(float(w[0]), 6)
    0.75
    """

    _counts_steps = False

    def __init__(
        self, lr: float, momentum: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr, weight_decay)
        self.momentum = check_real(momentum, "momentum", "SGD")
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = bool(nesterov)
        self._state_names = ("momentum_buffer",) if self.momentum > 0 else ()

    def _update(self, p, g, state, s, t):
        direction = g
        if self.momentum > 0:
            v = state["momentum_buffer"]
            v *= self.momentum
            v += g  # v = mu*v + g
            direction = v
            if self.nesterov:
                direction = np.multiply(v, self.momentum, out=s)
                direction += g  # g + mu*v
        np.multiply(direction, self.lr, out=s)
        p -= s


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: a per-coordinate rate that shrinks with the
    sum of all squared gradients so far.

    ``sum += g**2``, then ``p -= lr * g / (sqrt(sum) + eps)``.

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate, >= 0.
    eps : float, default 1e-10
        Added to the denominator after the square root, >= 0.

    Attributes
    ----------
    state : list of dict
        ``state[i]["sum"]`` (the running sum of squares) and ``state[i]["step"]``.

    Raises
    ------
    ValueError
        If ``lr < 0`` or ``eps < 0``.

    Examples
    --------
    >>> w = np.array([1.0])
    >>> opt = Adagrad(lr=0.5)
    >>> opt.step([w], [np.array([3.0])])   # sum = 9,   w = 1 - 0.5*3/3
    >>> opt.step([w], [np.array([4.0])])   # sum = 25,  w = 0.5 - 0.5*4/5
    >>> round(float(w[0]), 6)
    0.1
    """

    _state_names = ("sum",)

    def __init__(self, lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(lr)
        self.eps = check_real(eps, "eps", "Adagrad")

    def _update(self, p, g, state, s, t):
        total = state["sum"]
        total += np.multiply(g, g, out=s)  # sum += g^2
        _divide_by_root(p, g, total, s, self.lr, self.eps)


class RMSProp(Optimizer):
    """RMSProp, as ``torch.optim.RMSprop``: divide by a running root mean square of gradients.

    ``square_avg = alpha * square_avg + (1 - alpha) * g**2`` (starting from 0), then
    ``p -= lr * g / (sqrt(square_avg) + eps)``.

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate, >= 0.
    alpha : float, default 0.99
        Smoothing constant, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator after the square root, >= 0.

    Attributes
    ----------
    state : list of dict
        ``state[i]["square_avg"]`` and ``state[i]["step"]``.

    Raises
    ------
    ValueError
        If ``lr < 0``, ``alpha`` is outside [0, 1), or ``eps < 0``.

    Examples
    --------
    >>> w = np.array([1.0])
    >>> opt = RMSProp(lr=0.1, alpha=0.75, eps=0.0)
    >>> opt.step([w], [np.array([2.0])])   # square_avg = 0.25*4 = 1,  w = 1 - 0.1*2/1
    >>> round(float(w[0]), 6)
    0.8
    """

    _state_names = ("square_avg",)

    def __init__(self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.alpha = check_real(alpha, "alpha", "RMSProp", high=1.0)
        self.eps = check_real(eps, "eps", "RMSProp")

    def _update(self, p, g, state, s, t):
        avg = state["square_avg"]
        np.multiply(g, g, out=s)
        s *= 1.0 - self.alpha
        avg *= self.alpha
        avg += s  # square_avg = alpha*square_avg + (1 - alpha)*g^2
        _divide_by_root(p, g, avg, s, self.lr, self.eps)


class Adam(Optimizer):
    """Adam with bias correction, as ``torch.optim.Adam``.

    At step ``t = 1, 2, ...``, with ``m`` (``exp_avg``) and ``v`` (``exp_avg_sq``) starting at 0::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p -= lr * m_hat / (sqrt(v_hat) + eps)

    ``eps`` is added after the square root.

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates ``(beta1, beta2)`` of the two moving averages, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, >= 0.
    weight_decay : float, default 0.0
        L2 factor wd, >= 0: ``g`` is replaced by ``g + wd * p`` before the moments are
        updated (as ``torch.optim.Adam``; see :class:`AdamW` for the decoupled form).

    Attributes
    ----------
    state : list of dict
        ``state[i]["exp_avg"]``, ``state[i]["exp_avg_sq"]`` and ``state[i]["step"]``.

    Raises
    ------
    ValueError
        If ``lr < 0``, ``betas`` is not two numbers in [0, 1), ``eps < 0`` or
        ``weight_decay < 0``.

    Examples
    --------
    The first step moves every coordinate by about ``lr``, whatever the gradient's size:

    >>> w = np.array([1.0, 1.0])
    >>> Adam(lr=0.1).step([w], [np.array([1000.0, -0.001])])
    >>> [round(float(x), 6) for x in w]
    [0.9, 1.1]
    """

    _state_names = ("exp_avg", "exp_avg_sq")

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr, weight_decay)
        name = type(self).__name__
        if not isinstance(betas, Sequence) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            check_real(betas[0], "betas[0]", name, high=1.0),
            check_real(betas[1], "betas[1]", name, high=1.0),
        )
        self.eps = check_real(eps, "eps", name)

    def _update(self, p, g, state, s, t):
        beta1, beta2 = self.betas
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += np.multiply(g, 1.0 - beta1, out=s)  # m = beta1*m + (1 - beta1)*g
        np.multiply(g, g, out=s)
        s *= 1.0 - beta2
        v *= beta2
        v += s  # v = beta2*v + (1 - beta2)*g^2
        # p -= lr * m_hat / (sqrt(v_hat) + eps), with the corrections as Python floats
        # (so float32 stays float32): m_hat = m / bc1, sqrt(v_hat) = sqrt(v) / sqrt(bc2)
        bc1, bc2 = 1.0 - beta1**t, 1.0 - beta2**t
        np.sqrt(v, out=s)
        s *= 1.0 / math.sqrt(bc2)
        s += self.eps
        np.divide(m, s, out=s)
        s *= self.lr / bc1
        p -= s


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Each step first shrinks the parameters, ``p -= lr * weight_decay * p``, then makes the
    :class:`Adam` step from the gradient ``g`` as it is (no ``wd * p`` enters the moments,
    unlike ``Adam(weight_decay=...)``, whose decay is divided by ``sqrt(v_hat)`` too).

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate, >= 0.
    betas : (float, float), default (0.9, 0.999)
        As :class:`Adam`.
    eps : float, default 1e-8
        As :class:`Adam`.
    weight_decay : float, default 0.01
        Decay factor wd, >= 0.

    Attributes
    ----------
    state : list of dict
        As :class:`Adam`.

    Raises
    ------
    ValueError
        As :class:`Adam`.

    Examples
    --------
    A zero gradient moves nothing but the decay: ``w = 2 - 0.1 * 0.5 * 2``.

    >>> w = np.array([2.0])
    >>> AdamW(lr=0.1, weight_decay=0.5).step([w], [np.array([0.0])])
    >>> round(float(w[0]), 6)
    1.9
    """

    _decoupled_decay = True

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(lr, betas, eps, weight_decay)
