"""Gradient-descent optimizers with the update rules of PyTorch's defaults.

Every optimizer keeps its *settings* (``lr``, ``betas``, ...) apart from its *state*
(``opt.state[i]`` for the parameter at position ``i``, a dict named as PyTorch names it:
``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg``, ``exp_avg_sq``, ``step``).
``opt.step(params, grads)`` changes every array of ``params`` in place.

Each optimizer writes its rule twice, with the same arithmetic:

- ``_update(p, g, state, t)``, the *reference*: the docstring's formula in plain NumPy,
  one parameter array at a time. Read this one.
- ``_fast_update(p, g, state, s, t)``: the same formula in place, with ``out=`` and a
  preallocated scratch vector ``s``, on several arrays at once joined into one vector.

Speed. The state of one kind (say every ``exp_avg``) lives in one flat buffer, and
``opt.state[i][...]`` are views into it. Each layer keeps its parameters back to back
in one buffer (and their gradients in another), so a layer's ``W`` and ``b`` form one
vector, and a step is a dozen whole-vector NumPy calls per layer instead of a dozen per
array. Arrays that do not lie side by side go through the reference path.

One truth. ``opt.state`` is what the step reads and writes, on either path. Change a
state entry in place (``opt.state[i]["exp_avg"][...] = values``), and the whole-vector
path goes on; replace it with a new array of the same shape, and the step uses that
array (going through the reference path for that parameter's group).

Weight decay. ``SGD`` and ``Adam`` take ``weight_decay`` (L2, as PyTorch: the gradient
becomes ``g + weight_decay * p`` before the update, the same as adding
``dlcore.losses.l2_penalty`` to the loss); ``AdamW`` decays decoupled from the gradient,
``p -= lr * weight_decay * p`` before its Adam step, as ``torch.optim.AdamW``.

:class:`FunctionalOptimizer` turns a pure update function, such as the ones written in
the optimizers chapter, into an optimizer for :func:`dlcore.training.fit`.

The learning-rate schedules of :mod:`dlcore.schedules` are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from dlcore._buffers import joined, pack, runs
from dlcore._validate import as_float_array, check_real, check_same_shape
from dlcore.schedules import exponential_decay, inverse_time_decay, step_decay

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "FunctionalOptimizer",
    "inverse_time_decay",
    "step_decay",
    "exponential_decay",
]


def _check_step_inputs(params, grads, name: str) -> tuple[list, list]:
    """``params`` as a list of float arrays and ``grads`` as float arrays of their shapes."""
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


def _check_unchanged_shapes(expected: list[tuple], params: list[np.ndarray], name: str) -> None:
    """Raise ``ValueError`` if the shapes of ``params`` differ from those of the first step."""
    if [p.shape for p in params] != expected:
        raise ValueError(
            f"{name}: params changed since the first step: expected shapes {expected}, "
            f"got {[p.shape for p in params]}; call reset() or create a new optimizer"
        )


class Optimizer:
    """Base class: input checks, state allocation, weight decay, and the choice of path.

    A subclass names its state in ``_state_names`` and writes one step of its rule twice
    (see the module notes): ``_update(p, g, state, t)`` for one array, plainly, and
    ``_fast_update(p, g, state, s, t)`` in place for a joined vector. In both, ``p`` and
    ``g`` are the parameter and its gradient (weight decay already applied), ``state``
    maps each state name to the matching array (updated in place), ``s`` is a scratch
    array shaped like ``p``, and ``t`` is the step number starting at 1.

    Parameters
    ----------
    lr : float
        Learning rate, >= 0. A plain attribute: set ``opt.lr`` between steps to follow a
        schedule.
    weight_decay : float, default 0.0
        Decay factor wd, >= 0. The gradient becomes ``g + wd * p`` before the update
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
        self._offsets: list[int] = []  # where each parameter starts in the flat buffers
        self._flat_state: dict[str, np.ndarray] = {}
        self._state_views: dict[str, list[np.ndarray]] = {}  # as allocated
        self._scratch: np.ndarray | None = None
        self._decayed: np.ndarray | None = None  # room for g + wd * p
        self._layout: tuple | None = None  # (params, grads, groups) of the last step

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
            array, ``params[i]`` and ``grads[i]`` differ in shape, the shapes differ
            from those of the first step (call :meth:`reset` to start over with new ones),
            or a state entry was replaced by an array of another shape.
        """
        name = f"{type(self).__name__}.step"
        params, grads = _check_step_inputs(params, grads, name)
        if self._shapes is None:
            self._allocate(params)
        _check_unchanged_shapes(self._shapes, params, name)
        if self._counts_steps:
            for st in self.state:
                st["step"] += 1
        for i, j, p_joined, g_joined in self._groups(params, grads):
            if p_joined is not None and self._state_in_place(i, j):
                self._fast_step(p_joined, g_joined, i, j)
            else:
                for k in range(i, j):
                    self._reference_step(params[k], grads[k], k, name)

    def _groups(self, params: list[np.ndarray], grads: list[np.ndarray]) -> list[tuple]:
        """``(i, j, p, g)`` for each range of :func:`~dlcore._buffers.runs`, with ``p`` and
        ``g`` the joined vectors of ``params[i:j]`` and ``grads[i:j]`` (None for one array).

        Remembered for the same array objects, whose memory never moves: a model passes
        the same arrays at every step.
        """
        known = self._layout
        if known is None or not all(
            a is b for a, b in zip(known[0] + known[1], params + grads, strict=True)
        ):
            groups = [(i, j, joined(params[i:j]), joined(grads[i:j])) if j - i > 1
                      else (i, j, None, None) for i, j in runs(params, grads)]
            self._layout = (params, grads, groups)
        return self._layout[2]

    def _reference_step(self, p: np.ndarray, g: np.ndarray, i: int, name: str) -> None:
        """One step of parameter ``i`` alone, by the reference formula, on ``state[i]``."""
        state = {key: self.state[i][key] for key in self._state_names}
        for key, value in state.items():
            if not isinstance(value, np.ndarray) or value.shape != p.shape:
                raise ValueError(
                    f"{name}: state[{i}][{key!r}] must be an array of shape {p.shape} like "
                    f"params[{i}], got {getattr(value, 'shape', type(value).__name__)}"
                )
        if self.weight_decay != 0:
            if self._decoupled_decay:
                p *= 1.0 - self.lr * self.weight_decay  # p = p - lr * wd * p
            else:
                g = g + self.weight_decay * p
        self._update(p, g, state, self.state[i].get("step", 0))

    def _fast_step(self, p: np.ndarray, g: np.ndarray, i: int, j: int) -> None:
        """One step of parameters ``i .. j-1`` joined into the vector ``p`` (gradient ``g``)."""
        lo, hi = self._offsets[i], self._offsets[j]
        state = {key: flat[lo:hi] for key, flat in self._flat_state.items()}
        if self.weight_decay != 0:
            if self._decoupled_decay:
                p *= 1.0 - self.lr * self.weight_decay
            else:
                decayed = np.multiply(p, self.weight_decay, out=self._decayed[lo:hi])
                decayed += g  # g + wd * p
                g = decayed
        self._fast_update(p, g, state, self._scratch[lo:hi], self.state[i].get("step", 0))

    def _state_in_place(self, i: int, j: int) -> bool:
        """Whether ``state[i:j]`` still holds the allocated views, at one step count."""
        step = self.state[i].get("step")
        for k in range(i, j):
            if self.state[k].get("step") != step:
                return False
            for key in self._state_names:
                if self.state[k][key] is not self._state_views[key][k]:
                    return False
        return True

    def _update(self, p, g, state: dict[str, np.ndarray], t: int) -> None:
        raise NotImplementedError

    def _fast_update(self, p, g, state: dict[str, np.ndarray], s: np.ndarray, t: int) -> None:
        raise NotImplementedError

    def _allocate(self, params: list[np.ndarray]) -> None:
        """One zero-filled flat buffer per state kind, plus scratch, with per-array views."""
        dtype = np.result_type(*params)
        zeros = [np.zeros(p.shape, dtype) for p in params]
        self._shapes = [p.shape for p in params]
        self._offsets = [0]
        for p in params:
            self._offsets.append(self._offsets[-1] + p.size)
        self.state = [{"step": 0} if self._counts_steps else {} for _ in params]
        for key in self._state_names:
            self._flat_state[key], self._state_views[key] = pack(zeros, dtype)
            for st, view in zip(self.state, self._state_views[key], strict=True):
                st[key] = view
        self._scratch = np.zeros(self._offsets[-1], dtype)
        self._decayed = np.zeros(self._offsets[-1], dtype)

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

    def _update(self, p, g, state, t):
        if self.momentum == 0:
            p -= self.lr * g
            return
        v = state["momentum_buffer"]
        v[...] = self.momentum * v + g
        if self.nesterov:
            p -= self.lr * (g + self.momentum * v)
        else:
            p -= self.lr * v

    def _fast_update(self, p, g, state, s, t):
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

    def _update(self, p, g, state, t):
        total = state["sum"]
        total += g**2
        p -= self.lr * g / (np.sqrt(total) + self.eps)

    def _fast_update(self, p, g, state, s, t):
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

    def _update(self, p, g, state, t):
        avg = state["square_avg"]
        avg[...] = self.alpha * avg + (1 - self.alpha) * g**2
        p -= self.lr * g / (np.sqrt(avg) + self.eps)

    def _fast_update(self, p, g, state, s, t):
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

    def _update(self, p, g, state, t):
        beta1, beta2 = self.betas
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m[...] = beta1 * m + (1 - beta1) * g
        v[...] = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def _fast_update(self, p, g, state, s, t):
        # the formula of _update, rearranged to work in place in the scratch vector s
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


class FunctionalOptimizer:
    """An optimizer made from a pure update function, such as your own from chapter 6.

    At each ``step(params, grads)``, for every parameter array ``p`` with gradient ``g``
    and state arrays ``s1, s2, ...`` (named by ``state``, zeros like ``p`` at first)::

        result = update(p, g, s1, s2, ..., **hyperparams)        # plus t=<step> if asked
        new_p, new_s1, new_s2, ... = result                      # or new_p = result
        p[...] = new_p                                           # written in place

    The new parameters are copied *into* ``p``, so a model's arrays stay its own; the new
    state arrays replace the old ones in ``opt.state[i]``. ``update`` may return new
    arrays (the usual pure style) and should not modify its arguments.

    Parameters
    ----------
    update : callable
        ``update(p, g, *state, **hyperparams) -> new_p`` when there is no state,
        else ``-> (new_p, *new_state)``, the states in the order of ``state``.
    state : tuple of str, default ("v",)
        Names of the state arrays, in the order ``update`` takes them; ``()`` for none.
    step_arg : str or None, default None
        If given, the 1-based step count is passed to ``update`` under this keyword,
        e.g. ``"t"`` for Adam's bias correction.
    **hyperparams
        Passed to ``update`` by keyword at every step, e.g. ``lr=0.01, mu=0.9``. Kept in
        the dict ``opt.hyperparams``: set ``opt.hyperparams["lr"]`` between steps to
        follow a schedule.

    Attributes
    ----------
    state : list of dict
        ``state[i]`` maps each name of ``state`` to the array of the parameter at position
        ``i``, and ``"step"`` to the number of steps taken.
    hyperparams : dict

    Raises
    ------
    ValueError
        If ``update`` is not callable, ``state`` is not a tuple of distinct names (other
        than "step"), or ``step_arg`` is neither None nor a name. At ``step``: as
        :meth:`Optimizer.step`, or if ``update`` returns the wrong number of arrays or an
        array of the wrong shape.

    Examples
    --------
    Momentum written as a pure function, plugged into training like ``SGD(momentum=0.9)``:

    >>> def momentum_update(p, g, v, lr, mu=0.9):
    ...     v_new = mu * v + g
    ...     return p - lr * v_new, v_new
    >>> opt = FunctionalOptimizer(momentum_update, state=("v",), lr=0.1, mu=0.9)
    >>> w = np.array([1.0])
    >>> opt.step([w], [np.array([2.0])])   # v = 2,           w = 1 - 0.1*2
    >>> opt.step([w], [np.array([2.0])])   # v = 0.9*2 + 2,   w = 0.8 - 0.1*3.8
    >>> round(float(w[0]), 6), round(float(opt.state[0]["v"][0]), 6)
    (0.42, 3.8)

    Adam takes the step number too: ``FunctionalOptimizer(adam_update, state=("m", "v"),
    step_arg="t", lr=0.001)`` for ``adam_update(p, g, m, v, t, lr=0.001, ...)``.
    """

    def __init__(
        self,
        update: Callable[..., object],
        state: tuple[str, ...] = ("v",),
        step_arg: str | None = None,
        **hyperparams: object,
    ) -> None:
        if not callable(update):
            raise ValueError(f"FunctionalOptimizer: update must be a function, got {update!r}")
        names = tuple(state) if isinstance(state, tuple | list) else None
        if (names is None or not all(isinstance(n, str) and n for n in names)
                or len(set(names)) != len(names) or "step" in names):
            raise ValueError(
                "FunctionalOptimizer: state must be a tuple of distinct names other than "
                f"'step', e.g. ('v',) or ('m', 'v'), got {state!r}"
            )
        if step_arg is not None and (not isinstance(step_arg, str) or not step_arg):
            raise ValueError(
                f"FunctionalOptimizer: step_arg must be None or a keyword name such as 't', "
                f"got {step_arg!r}"
            )
        self.update = update
        self.state_names = names
        self.step_arg = step_arg
        self.hyperparams = dict(hyperparams)
        self.reset()

    def reset(self) -> None:
        """Forget all state; the next ``step`` starts afresh (as at step 1)."""
        self.state: list[dict] = []
        self._shapes: list[tuple[int, ...]] | None = None

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Call ``update`` for every array of ``params`` and write the result into it.

        Parameters
        ----------
        params : sequence of ndarray
            Float arrays, written in place.
        grads : sequence of array_like
            Their gradients, same shapes.
        """
        name = "FunctionalOptimizer.step"
        params, grads = _check_step_inputs(params, grads, name)
        if self._shapes is None:
            self._shapes = [p.shape for p in params]
            self.state = [{**{key: np.zeros_like(p) for key in self.state_names}, "step": 0}
                          for p in params]
        _check_unchanged_shapes(self._shapes, params, name)
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            st = self.state[i]
            st["step"] += 1
            kwargs = dict(self.hyperparams)
            if self.step_arg is not None:
                kwargs[self.step_arg] = st["step"]
            result = self.update(p, g, *(st[key] for key in self.state_names), **kwargs)
            new_p, new_state = self._split(result, i)
            for key, value in zip(self.state_names, new_state, strict=True):
                st[key] = self._checked(value, p, f"new {key}", i)
            p[...] = self._checked(new_p, p, "new p", i)

    def _split(self, result, i: int) -> tuple[object, tuple]:
        """``(new_p, new_state)`` from what ``update`` returned for parameter ``i``."""
        n = 1 + len(self.state_names)
        if isinstance(result, tuple | list):
            if len(result) != n:
                raise ValueError(
                    f"FunctionalOptimizer.step: update must return {n} arrays (new p, then "
                    f"{', '.join(self.state_names) or 'no state'}), got {len(result)} for "
                    f"params[{i}]"
                )
            return result[0], tuple(result[1:])
        if n != 1:
            raise ValueError(
                f"FunctionalOptimizer.step: update must return a tuple (new p, "
                f"{', '.join(self.state_names)}), got a single {type(result).__name__}"
            )
        return result, ()

    @staticmethod
    def _checked(value, p: np.ndarray, what: str, i: int) -> np.ndarray:
        """``value`` as an array of ``p``'s dtype, or ``ValueError`` if its shape is not p's."""
        arr = as_float_array(value, what, "FunctionalOptimizer.step")
        if arr.shape != p.shape:
            raise ValueError(
                f"FunctionalOptimizer.step: update returned {what} of shape {arr.shape} for "
                f"params[{i}] of shape {p.shape}"
            )
        return arr.astype(p.dtype, copy=False)
