"""Tests for dlcore.gradcheck."""

import numpy as np
import pytest

from dlcore.gradcheck import check_model_gradients, numerical_gradient, relative_error
from dlcore.layers import Dense, ReLU, Sequential, Sigmoid, Tanh

# ------------------------------------------------------------ numerical_gradient

COEF = np.arange(12.0).reshape(3, 4) - 5.0


@pytest.mark.parametrize(
    ("f", "df"),
    [
        (lambda x: np.sum(x**2), lambda x: 2 * x),
        (lambda x: np.sum(np.sin(x)), np.cos),
        (lambda x: float(np.prod(x)), lambda x: np.prod(x) / x),
        (lambda x: np.sum(COEF * x), lambda x: COEF),
    ],
    ids=["square", "sin", "product", "linear"],
)
def test_numerical_gradient_against_closed_forms(f, df):
    x = np.random.default_rng(0).uniform(0.5, 2.0, size=(3, 4))
    grad = numerical_gradient(f, x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, df(x), rtol=1e-7, atol=1e-8)


def test_numerical_gradient_of_a_0d_array():
    x = np.array(3.0)
    assert numerical_gradient(lambda v: float(v) ** 3, x) == pytest.approx(27.0, rel=1e-8)


def test_numerical_gradient_restores_x_exactly():
    x = np.array([0.1, 0.7, 1e-9, 12345.678, -3.3])  # values where x + eps - eps != x
    before = x.copy()
    seen = []
    numerical_gradient(lambda v: seen.append(v is x) or float(np.sum(v)), x)
    assert all(seen)  # perturbed in place
    assert np.array_equal(x, before) and x.tobytes() == before.tobytes()


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([0.1, 0.2])
    before = x.copy()

    def f(v):
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_float32_input_gives_float64():
    x = np.array([1.0, 2.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: float(np.sum(v.astype(np.float64) ** 2)), x, eps=1e-3)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, [2.0, 4.0], rtol=1e-5)


@pytest.mark.parametrize(
    ("x", "eps", "match"),
    [
        ([1.0, 2.0], 1e-6, "x must be a writeable floating-point ndarray .*got list"),
        (np.array([1, 2]), 1e-6, "x must be a writeable floating-point ndarray .*int64"),
        (np.ones(2), 0.0, "eps must be positive, got 0.0"),
    ],
)
def test_numerical_gradient_errors(x, eps, match):
    with pytest.raises(ValueError, match=f"numerical_gradient: {match}"):
        numerical_gradient(lambda v: 0.0, x, eps)


def test_numerical_gradient_rejects_read_only_x():
    x = np.ones(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="numerical_gradient: x must be a writeable"):
        numerical_gradient(lambda v: 0.0, x)


# --------------------------------------------------------------- relative_error


def test_relative_error_by_hand():
    # elementwise: 0/2, 1/3, 0.5/1.5, and 0 / 1e-12 for the pair of zeros
    assert relative_error([1.0, 1.0, 0.5, 0.0], [1.0, 2.0, 1.0, 0.0]) == pytest.approx(1 / 3)
    assert relative_error([1e-20], [0.0]) == pytest.approx(1e-8)  # the 1e-12 floor
    assert relative_error([3.0], [-3.0]) == 1.0


def test_relative_error_is_a_symmetric_float():
    a, b = np.array([[1.0, 2.0]]), np.array([[1.5, 2.0]])
    assert type(relative_error(a, b)) is float
    assert relative_error(a, b) == relative_error(b, a) == pytest.approx(0.2)
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"relative_error: a and b .*\(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


# -------------------------------------------------------- check_model_gradients

rng = np.random.default_rng(5)
X = rng.normal(size=(6, 4))
LABELS = rng.integers(0, 3, size=6)


def mlp(*head):
    gen = np.random.default_rng(1)
    return Sequential(Dense(4, 5, rng=gen), Tanh(), Dense(5, 4, rng=gen), ReLU(),
                      Dense(4, 3, rng=gen), *head)


@pytest.mark.parametrize(
    ("model", "y", "loss"),
    [
        (mlp(), LABELS, "softmax_cross_entropy"),
        (mlp(), np.eye(3)[LABELS], "softmax_cross_entropy"),
        (mlp(), rng.normal(size=(6, 3)), "mse"),
        (mlp(Sigmoid()), rng.integers(0, 2, size=(6, 3)).astype(float), "binary_cross_entropy"),
        (mlp(Sigmoid()), np.eye(3)[LABELS], "cross_entropy"),
    ],
    ids=["sce-labels", "sce-onehot", "mse", "bce", "ce"],
)
def test_check_model_gradients_passes_for_a_correct_model(model, y, loss):
    before = [p.copy() for p in model.params()]
    assert check_model_gradients(model, X, y, loss=loss) < 1e-6
    for p, b in zip(model.params(), before, strict=True):
        assert p.tobytes() == b.tobytes()  # parameters restored exactly


class _WrongDense(Dense):
    """A Dense layer whose bias gradient forgets to sum over the batch."""

    def backward(self, dZ, input_grad=True):
        out = super().backward(dZ, input_grad)
        self.db[...] = dZ[0]
        return out


def test_check_model_gradients_catches_a_wrong_backward():
    model = Sequential(Dense(4, 5, rng=0), Tanh(), _WrongDense(5, 3, rng=1))
    assert check_model_gradients(model, X, LABELS) > 0.1


def test_check_model_gradients_unknown_loss():
    with pytest.raises(ValueError, match="'hinge'.*'mse'.*'binary_cross_entropy'"):
        check_model_gradients(mlp(), X, LABELS, loss="hinge")
