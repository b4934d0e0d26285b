"""Learning-rate schedules: pure functions of the step ``t = 0, 1, 2, ...``.

Each factory checks its settings once and returns a callable ``t -> lr`` that keeps no
state, so ``schedule(t)`` gives the same answer whenever it is asked. Use one with any
optimizer by setting its ``lr`` before each step::

    schedule = exponential_decay(0.1, 0.99)
    for t in range(n_steps):
        opt.lr = schedule(t)
        opt.step(model.params(), model.grads())
"""

from __future__ import annotations

from collections.abc import Callable

from dlcore._validate import check_real, check_whole

__all__ = ["inverse_time_decay", "step_decay", "exponential_decay"]

Schedule = Callable[[int], float]


def inverse_time_decay(c1: float, c2: float) -> Schedule:
    """Learning rate that decays like 1/t: ``lr(t) = c1 / (t + c2)``.

    With ``c1, c2 > 0`` the rates sum to infinity while their squares do not, the classic
    condition (Robbins-Monro) under which stochastic gradient descent converges.

    Parameters
    ----------
    c1 : float
        Scale, >= 0; ``c1 / c2`` is the rate at ``t = 0``.
    c2 : float
        Offset, > 0 (it keeps ``t = 0`` away from a division by zero).

    Returns
    -------
    callable
        ``schedule(t) -> float`` for whole steps ``t >= 0``.

    Raises
    ------
    ValueError
        If ``c1 < 0`` or ``c2 <= 0``; the schedule raises for ``t`` negative or not whole.

    Examples
    --------
    >>> lr = inverse_time_decay(1.0, 4.0)
    >>> [lr(t) for t in (0, 1, 6)]
    [0.25, 0.2, 0.1]
    """
    c1 = check_real(c1, "c1", "inverse_time_decay")
    c2 = check_real(c2, "c2", "inverse_time_decay", low_open=True)

    def schedule(t: int) -> float:
        return c1 / (check_whole(t, "the step t", "inverse_time_decay", low=0) + c2)

    return schedule


def step_decay(lr0: float, drop: float, every: int) -> Schedule:
    """Learning rate cut by a factor every few steps: ``lr(t) = lr0 * drop ** (t // every)``.

    Parameters
    ----------
    lr0 : float
        Rate for the first ``every`` steps, >= 0.
    drop : float
        Factor applied at each cut, in (0, 1].
    every : int
        Number of steps between cuts, >= 1.

    Returns
    -------
    callable
        ``schedule(t) -> float`` for whole steps ``t >= 0``.

    Raises
    ------
    ValueError
        If ``lr0 < 0``, ``drop`` is outside (0, 1], or ``every`` is not a whole number >= 1;
        the schedule raises for ``t`` negative or not whole.

    Examples
    --------
    >>> lr = step_decay(0.8, 0.5, every=10)
    >>> [lr(t) for t in (0, 9, 10, 25)]
    [0.8, 0.8, 0.4, 0.2]
    """
    lr0 = check_real(lr0, "lr0", "step_decay")
    drop = check_real(drop, "drop", "step_decay", high=1.0, low_open=True, high_open=False)
    every = check_whole(every, "every", "step_decay")

    def schedule(t: int) -> float:
        return lr0 * drop ** (check_whole(t, "the step t", "step_decay", low=0) // every)

    return schedule


def exponential_decay(lr0: float, gamma: float) -> Schedule:
    """Learning rate multiplied by ``gamma`` at every step: ``lr(t) = lr0 * gamma ** t``.

    Parameters
    ----------
    lr0 : float
        Rate at ``t = 0``, >= 0.
    gamma : float
        Factor per step, in (0, 1].

    Returns
    -------
    callable
        ``schedule(t) -> float`` for whole steps ``t >= 0``.

    Raises
    ------
    ValueError
        If ``lr0 < 0`` or ``gamma`` is outside (0, 1]; the schedule raises for ``t``
        negative or not whole.

    Examples
    --------
    >>> lr = exponential_decay(2.0, 0.5)
    >>> [lr(t) for t in (0, 1, 3)]
    [2.0, 1.0, 0.25]
    """
    lr0 = check_real(lr0, "lr0", "exponential_decay")
    gamma = check_real(
        gamma, "gamma", "exponential_decay", high=1.0, low_open=True, high_open=False
    )

    def schedule(t: int) -> float:
        return lr0 * gamma ** check_whole(t, "the step t", "exponential_decay", low=0)

    return schedule
