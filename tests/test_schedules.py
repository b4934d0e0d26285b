"""dlcore.schedules: values at several steps worked by hand, purity, errors."""

import numpy as np
import pytest

import dlcore.optimizers
import dlcore.schedules
from dlcore.schedules import exponential_decay, inverse_time_decay, step_decay


def test_inverse_time_decay_by_hand():
    lr = inverse_time_decay(2.0, 3.0)  # 2 / (t + 3)
    assert [lr(t) for t in (0, 1, 5, 97)] == pytest.approx([2 / 3, 0.5, 0.25, 0.02])


def test_step_decay_by_hand():
    lr = step_decay(0.3, 0.1, every=3)  # 0.3 * 0.1 ** (t // 3)
    values = [lr(t) for t in (0, 2, 3, 5, 6, 9)]
    assert values == pytest.approx([0.3, 0.3, 0.03, 0.03, 0.003, 0.0003])


def test_exponential_decay_by_hand():
    lr = exponential_decay(0.5, 0.9)  # 0.5 * 0.9 ** t
    assert [lr(t) for t in (0, 1, 2, 10)] == pytest.approx([0.5, 0.45, 0.405, 0.5 * 0.9**10])


@pytest.mark.parametrize(
    "schedule",
    [inverse_time_decay(1.0, 1.0), step_decay(1.0, 0.5, 2), exponential_decay(1.0, 0.5)],
)
def test_schedules_are_pure_and_return_floats(schedule):
    forward = [schedule(t) for t in range(6)]
    backward = [schedule(t) for t in reversed(range(6))][::-1]
    assert forward == backward
    assert all(type(v) is float for v in forward)
    assert schedule(np.int64(4)) == schedule(4)
    assert all(a >= b for a, b in zip(forward, forward[1:], strict=False))  # never increases


@pytest.mark.parametrize(
    "schedule",
    [inverse_time_decay(1.0, 1.0), step_decay(1.0, 0.5, 2), exponential_decay(1.0, 0.5)],
)
def test_bad_steps_raise(schedule):
    with pytest.raises(ValueError, match=r"the step t must be a whole number >= 0, got -1"):
        schedule(-1)
    with pytest.raises(ValueError, match=r"the step t must be a whole number >= 0, got 1.5"):
        schedule(1.5)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: inverse_time_decay(-1.0, 1.0), r"inverse_time_decay: c1 must be >= 0"),
        (lambda: inverse_time_decay(1.0, 0.0), r"inverse_time_decay: c2 must be > 0"),
        (lambda: step_decay(-0.1, 0.5, 10), r"step_decay: lr0 must be >= 0"),
        (lambda: step_decay(0.1, 0.0, 10), r"step_decay: drop must be in \(0.0, 1.0\]"),
        (lambda: step_decay(0.1, 1.5, 10), r"step_decay: drop must be in \(0.0, 1.0\]"),
        (lambda: step_decay(0.1, 0.5, 0), r"step_decay: every must be a whole number >= 1"),
        (lambda: step_decay(0.1, 0.5, 2.5), r"step_decay: every must be a whole number >= 1"),
        (lambda: exponential_decay(-0.1, 0.9), r"exponential_decay: lr0 must be >= 0"),
        (lambda: exponential_decay(0.1, 0.0), r"exponential_decay: gamma must be in \(0.0, 1.0\]"),
        (lambda: exponential_decay(0.1, 1.01), r"exponential_decay: gamma must be in"),
        (lambda: exponential_decay(float("inf"), 0.9), r"lr0 must be a finite real number"),
    ],
)
def test_bad_settings_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_reexported_from_optimizers():
    for name in dlcore.schedules.__all__:
        assert getattr(dlcore.optimizers, name) is getattr(dlcore.schedules, name)
        assert name in dlcore.optimizers.__all__
