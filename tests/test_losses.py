"""Tests for dlcore.losses."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlcore.activations import softmax
from dlcore.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    get_loss,
    l2_penalty,
    l2_penalty_grad,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

rng = np.random.default_rng(1234)
LOGITS = rng.normal(size=(4, 3))
LABELS = np.array([0, 2, 1, 2])
ONEHOT = np.eye(3)[LABELS]
PROBS = softmax(rng.normal(size=(4, 3)))
P = rng.uniform(0.05, 0.95, size=(5, 2))
Y01 = rng.integers(0, 2, size=(5, 2)).astype(float)

# name, loss, grad, prediction, target: every loss on a valid float64 example
CASES = [
    ("mse", mse, mse_grad, rng.normal(size=(3, 2)), rng.normal(size=(3, 2))),
    ("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_grad, P, Y01),
    ("cross_entropy", cross_entropy, cross_entropy_grad, PROBS, ONEHOT),
    ("softmax_cross_entropy", softmax_cross_entropy, softmax_cross_entropy_grad, LOGITS, LABELS),
    ("softmax_cross_entropy", softmax_cross_entropy, softmax_cross_entropy_grad, LOGITS, ONEHOT),
]
IDS = ["mse", "bce", "ce", "sce-labels", "sce-onehot"]
fast = settings(max_examples=50, deadline=None)


# ----------------------------------------------------------------- values by hand


def test_mse_worked_example():
    assert mse([[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [5.0, 4.0]]) == 2.0  # (0+4+4+0)/4
    np.testing.assert_allclose(mse_grad([[1.0, 2.0]], [[0.0, 4.0]]), [[1.0, -2.0]])  # 2d/2


def test_binary_cross_entropy_worked_example():
    expected = -(math.log(0.8) + math.log(0.6) + math.log(0.9)) / 3
    assert binary_cross_entropy([0.8, 0.4, 0.1], [1, 0, 0]) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        binary_cross_entropy_grad([0.8, 0.4], [1, 0]),
        [-1 / 0.8 / 2, 1 / 0.6 / 2],  # -y/p and (1-y)/(1-p), over n = 2
    )


def test_cross_entropy_worked_example():
    probs = [[0.7, 0.2, 0.1], [0.3, 0.5, 0.2]]
    y = [[1, 0, 0], [0, 0, 1]]
    assert cross_entropy(probs, y) == pytest.approx(-(math.log(0.7) + math.log(0.2)) / 2)
    np.testing.assert_allclose(
        cross_entropy_grad(probs, y), [[-1 / 0.7 / 2, 0, 0], [0, 0, -1 / 0.2 / 2]]
    )


def test_softmax_cross_entropy_worked_example():
    logits = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    e = [math.e, math.e**2, math.e**3]
    expected = -(math.log(e[0] / sum(e)) + math.log(1 / 3)) / 2
    assert softmax_cross_entropy(logits, [0, 1]) == pytest.approx(expected, rel=1e-12)
    s = np.array(e) / sum(e)
    expected_grad = np.array([s - [1, 0, 0], np.array([1, 1, 1]) / 3 - [0, 1, 0]]) / 2
    np.testing.assert_allclose(softmax_cross_entropy_grad(logits, [0, 1]), expected_grad)


def test_labels_and_one_hot_agree():
    assert softmax_cross_entropy(LOGITS, LABELS) == pytest.approx(
        softmax_cross_entropy(LOGITS, ONEHOT), rel=1e-12
    )
    np.testing.assert_allclose(
        softmax_cross_entropy_grad(LOGITS, LABELS), softmax_cross_entropy_grad(LOGITS, ONEHOT)
    )


def test_softmax_cross_entropy_is_cross_entropy_of_softmax():
    assert softmax_cross_entropy(LOGITS, ONEHOT) == pytest.approx(
        cross_entropy(softmax(LOGITS), ONEHOT), rel=1e-12
    )


@pytest.mark.parametrize(("name", "loss", "grad", "pred", "target"), CASES, ids=IDS)
def test_loss_is_a_python_float(name, loss, grad, pred, target):
    assert type(loss(pred, target)) is float


def test_losses_are_means_over_the_batch():
    """Repeating the batch leaves every loss unchanged."""
    for name, loss, _, pred, target in CASES:
        doubled = loss(np.concatenate([pred, pred]), np.concatenate([target, target]))
        assert doubled == pytest.approx(loss(pred, target), rel=1e-12), name


# --------------------------------------------------------------- gradient checks


@pytest.mark.parametrize(("name", "loss", "grad", "pred", "target"), CASES, ids=IDS)
def test_gradient_matches_central_differences(central_difference, name, loss, grad, pred, target):
    numeric = central_difference(lambda p: loss(p, target), pred)
    analytic = grad(pred, target)
    assert analytic.shape == pred.shape
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@fast
@given(
    hnp.arrays(np.float64, (3, 4), elements=st.floats(-30, 30)),
    hnp.arrays(np.int64, (3,), elements=st.integers(0, 3)),
)
def test_softmax_cross_entropy_grad_rows_sum_to_zero(logits, labels):
    grad = softmax_cross_entropy_grad(logits, labels)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)
    assert softmax_cross_entropy(logits, labels) >= 0.0


# ---------------------------------------------------- clipping and extreme values


@pytest.mark.usefixtures("strict_floats")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_finite_for_huge_logits(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype)
    for y in (np.array([1, 2]), np.eye(3)[[1, 2]]):
        loss = softmax_cross_entropy(logits, y)
        grad = softmax_cross_entropy_grad(logits, y)
        assert loss == pytest.approx(1e4)  # the first row's log-probability is -2e4
        assert np.all(np.isfinite(grad)) and grad.dtype == dtype


@pytest.mark.usefixtures("strict_floats")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_probability_losses_finite_at_zero_and_one(dtype):
    p = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)  # e.g. sigmoid of ±1e4
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    clipped = -math.log(1e-12)
    assert binary_cross_entropy(p, y) == pytest.approx(clipped / 2, rel=1e-6)
    assert cross_entropy(p, y) == pytest.approx(clipped / 2, rel=1e-6)
    for grad in (binary_cross_entropy_grad(p, y), cross_entropy_grad(p, y)):
        assert np.all(np.isfinite(grad)) and grad.dtype == dtype


def test_bce_grad_under_clipping_is_the_slope_at_the_edge():
    y = np.array([1.0, 0.0])
    at_edge = binary_cross_entropy_grad(np.array([1e-12, 1 - 1e-12]), y)
    beyond = binary_cross_entropy_grad(np.array([0.0, 1.0]), y)
    np.testing.assert_allclose(beyond, at_edge)
    assert beyond[0] < -1e11 and beyond[1] > 1e11  # still pushes towards the target


def test_cross_entropy_grad_under_clipping_is_the_slope_at_the_edge():
    grad = cross_entropy_grad([[0.0, 1.0]], [[1.0, 0.0]])
    np.testing.assert_allclose(grad, [[-1e12, 0.0]])


# ----------------------------------------------------------- dtypes and inputs


@pytest.mark.parametrize(("name", "loss", "grad", "pred", "target"), CASES, ids=IDS)
def test_float32_gradient_stays_float32(name, loss, grad, pred, target):
    pred32 = pred.astype(np.float32)
    assert grad(pred32, target).dtype == np.float32
    assert loss(pred32, target) == pytest.approx(loss(pred, target), rel=1e-5)


def test_integer_prediction_gives_float64_gradient():
    assert mse_grad([1, 2], [0, 0]).dtype == np.float64
    assert softmax_cross_entropy_grad([[1, 2]], [0]).dtype == np.float64


@pytest.mark.parametrize(("name", "loss", "grad", "pred", "target"), CASES, ids=IDS)
def test_inputs_are_not_mutated(name, loss, grad, pred, target):
    pred_before, target_before = pred.copy(), target.copy()
    loss(pred, target)
    grad(pred, target)
    np.testing.assert_array_equal(pred, pred_before)
    np.testing.assert_array_equal(target, target_before)


def test_get_loss():
    for name, loss, grad, _, _ in CASES:
        assert get_loss(name) == (loss, grad)
    with pytest.raises(ValueError, match="'hinge'.*'mse'.*'softmax_cross_entropy'"):
        get_loss("hinge")


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("func", "pred", "target", "match"),
    [
        (mse, np.zeros(3), np.zeros(4), r"mse: y_hat and y .*\(3,\) and \(4,\)"),
        (mse_grad, np.zeros((2, 3)), np.zeros((3, 2)), r"mse_grad: y_hat and y .*\(3, 2\)"),
        (mse, np.zeros(0), np.zeros(0), r"mse: y_hat is empty"),
        (mse, [np.nan], [1.0], r"mse: y_hat contains NaN"),
        (binary_cross_entropy, np.zeros(3), np.zeros((3, 1)), r"p and y .*\(3,\) and \(3, 1\)"),
        (binary_cross_entropy_grad, [0.5], [np.inf], r"_grad: y contains NaN"),
        (cross_entropy, np.full(3, 0.3), np.eye(3)[0], r"probs must be 2-D, got shape \(3,\)"),
        (cross_entropy_grad, np.ones((2, 3)), np.eye(4)[:2], r"y_onehot .*\(2, 3\) and \(2, 4\)"),
    ],
)
def test_shape_and_value_errors(func, pred, target, match):
    with pytest.raises(ValueError, match=match):
        func(pred, target)


Z = np.zeros((4, 3))


@pytest.mark.parametrize("func", [softmax_cross_entropy, softmax_cross_entropy_grad])
@pytest.mark.parametrize(
    ("logits", "y", "match"),
    [
        (Z, np.array([0, 1, 3, 0]), r"labels y must lie in \[0, K\) = \[0, 3\).*\(4, 3\)"),
        (Z, np.array([0, -1, 2, 0]), r"labels y must lie in \[0, K\) = \[0, 3\).*from -1 to 2"),
        (Z, np.array([0.0, 1.0, 2.0, 0.0]), r"labels y must be integers, got dtype float64"),
        (Z, np.eye(4), r"y must be .*\(4, 3\).*got \(4, 4\)"),
        (Z, np.array([0, 1, 2]), r"y must be labels of shape \(m,\) = \(4,\).*got \(3,\)"),
        (Z, np.zeros((4, 3, 1)), r"y must be .*got \(4, 3, 1\)"),
        (np.zeros(3), np.array([0]), r"logits must have shape \(m, K\).*got \(3,\)"),
        (np.zeros((0, 3)), np.zeros(0, int), r"logits must have shape \(m, K\).*got \(0, 3\)"),
        (np.array([[0.0, np.nan]]), np.array([0]), r"logits contains NaN .*\(shape \(1, 2\)\)"),
        (np.zeros((1, 2)), np.array([[1.0, 1.0]]), r"each row of one-hot y \(1, 2\) must sum to 1"),
    ],
)
def test_softmax_cross_entropy_errors(func, logits, y, match):
    with pytest.raises(ValueError, match=f"{func.__name__}: {match}"):
        func(logits, y)


# ------------------------------------------------------------------ L2 penalty


def test_l2_penalty_by_hand():
    W1, b1 = np.array([[1.0, -2.0], [0.0, 3.0]]), np.array([4.0])
    # (0.2 / 2) * (1 + 4 + 0 + 9 + 16) = 0.1 * 30
    assert l2_penalty([W1, b1], 0.2) == pytest.approx(3.0)
    assert isinstance(l2_penalty([W1], 0.2), float)
    assert l2_penalty([W1], 0.0) == 0.0
    grads = l2_penalty_grad([W1, b1], 0.2)
    np.testing.assert_allclose(grads[0], [[0.2, -0.4], [0.0, 0.6]])
    np.testing.assert_allclose(grads[1], [0.8])


def test_l2_penalty_grad_matches_central_differences(central_difference):
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=4)
    dW1, dW2 = l2_penalty_grad([W1, W2], 0.3)
    np.testing.assert_allclose(dW1, central_difference(lambda v: l2_penalty([v, W2], 0.3), W1),
                               rtol=1e-6)
    np.testing.assert_allclose(dW2, central_difference(lambda v: l2_penalty([W1, v], 0.3), W2),
                               rtol=1e-6)


def test_l2_penalty_grad_keeps_float32_and_does_not_mutate():
    W = np.ones((2, 2), dtype=np.float32)
    (dW,) = l2_penalty_grad([W], 0.5)
    assert dW.dtype == np.float32 and dW is not W
    np.testing.assert_array_equal(W, np.ones((2, 2)))


@pytest.mark.parametrize("func", [l2_penalty, l2_penalty_grad])
def test_l2_penalty_errors(func):
    with pytest.raises(ValueError, match=rf"{func.__name__}: weights must be a list of arrays"):
        func(np.ones((2, 2)), 0.1)
    with pytest.raises(ValueError, match=rf"{func.__name__}: lam must be >= 0"):
        func([np.ones(2)], -0.1)
