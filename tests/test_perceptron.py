"""dlcore.perceptron: a trace worked by hand, logic gates, errors."""

import numpy as np
import pytest

from dlcore.data import logic_gate
from dlcore.perceptron import Perceptron


def starting_weights(seed):
    """The documented draws: w_ first, then b_, both N(0, 0.01^2)."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 0.01, size=2), float(rng.normal(0.0, 0.01))


def test_two_epoch_trace_by_hand():
    X = np.array([[2.0, 0.0], [0.0, 1.0]])
    y = np.array([1, 0])
    w0, b0 = starting_weights(5)
    assert X[0] @ w0 + b0 <= 0  # with seed 5 the first example starts misclassified

    # epoch 1, example 1: y_hat = 0, y = 1  ->  w = w0 + 0.5*[2, 0],  b = b0 + 0.5
    #          example 2: z = w0[1] + b0 + 0.5 > 0, so y_hat = 1, y = 0
    #                     ->  w -= 0.5*[0, 1],  b -= 0.5
    one = Perceptron(lr=0.5, n_epochs=1, rng=5).fit(X, y)
    np.testing.assert_allclose(one.w_, w0 + [1.0, -0.5])
    assert one.b_ == pytest.approx(b0)
    assert one.errors_ == [2]

    # epoch 2: z1 = 2*(w0[0] + 1) + b0 > 0 and z2 = w0[1] - 0.5 + b0 < 0: no mistake, stop
    two = Perceptron(lr=0.5, n_epochs=50, rng=5).fit(X, y)
    np.testing.assert_allclose(two.w_, w0 + [1.0, -0.5])
    assert two.errors_ == [2, 0]
    assert two.predict(X).tolist() == [1, 0]


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_learns_linearly_separable_gates(gate, seed):
    X, y = logic_gate(gate)
    p = Perceptron(lr=0.1, n_epochs=100, rng=seed).fit(X, y)
    assert p.errors_[-1] == 0
    assert len(p.errors_) < 100  # stopped early
    np.testing.assert_array_equal(p.predict(X), y)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_never_learns_xor(seed):
    X, y = logic_gate("xor")
    p = Perceptron(lr=0.1, n_epochs=200, rng=seed).fit(X, y)
    assert len(p.errors_) == 200
    assert min(p.errors_) > 0
    assert (p.predict(X) != y).any()


def test_fit_returns_self_and_sets_attributes():
    X, y = logic_gate("or")
    p = Perceptron(rng=0)
    assert p.fit(X, y) is p
    assert p.w_.shape == (2,) and p.w_.dtype == np.float64
    assert isinstance(p.b_, float)
    assert all(isinstance(e, int) for e in p.errors_)
    assert p.predict(X).dtype == np.int64


def test_same_seed_same_result_and_input_untouched():
    X, y = logic_gate("nand")
    X_copy = X.copy()
    a = Perceptron(rng=3).fit(X, y)
    b = Perceptron(rng=np.random.default_rng(3)).fit(X, y)
    np.testing.assert_array_equal(a.w_, b.w_)
    assert a.errors_ == b.errors_
    np.testing.assert_array_equal(X, X_copy)


def test_predict_before_fit_raises():
    with pytest.raises(RuntimeError, match=r"call fit\(X, y\) before predict"):
        Perceptron().predict(np.zeros((1, 2)))


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((4, 2)), np.array([0, 1, 2, 1]), r"labels y must be 0 or 1"),
        (np.zeros((4, 2)), np.array([-1, 1, 1, 1]), r"labels y must be 0 or 1"),
        (np.zeros(4), np.array([0, 1, 0, 1]), r"X must be 2-D, got shape \(4,\)"),
        (np.zeros((4, 2)), np.array([0, 1, 0]), r"got shapes \(4, 2\) and \(3,\)"),
        (np.zeros((4, 2)), np.zeros((4, 1)), r"y must be 1-D"),
        (np.full((1, 2), np.nan), np.array([1]), r"X contains NaN"),
    ],
)
def test_fit_rejects_bad_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        Perceptron().fit(X, y)


def test_predict_rejects_wrong_width():
    X, y = logic_gate("and")
    p = Perceptron(rng=0).fit(X, y)
    with pytest.raises(ValueError, match=r"X must have 2 columns .* got shape \(1, 3\)"):
        p.predict(np.zeros((1, 3)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lr": 0.0}, r"Perceptron: lr must be > 0.0, got 0.0"),
        ({"n_epochs": 0}, r"Perceptron: n_epochs must be a whole number >= 1, got 0"),
    ],
)
def test_bad_settings_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Perceptron(**kwargs)
