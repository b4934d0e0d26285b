"""Tests for dlcore.activations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlcore.activations import (
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step,
    tanh,
    tanh_grad,
)

ELEMENTWISE = [
    step,
    sigmoid,
    tanh,
    relu,
    leaky_relu,
    sigmoid_grad,
    tanh_grad,
    relu_grad,
    leaky_relu_grad,
]
ALL = [*ELEMENTWISE, softmax]
FUNC_AND_GRAD = [
    (sigmoid, sigmoid_grad),
    (tanh, tanh_grad),
    (relu, relu_grad),
    (leaky_relu, leaky_relu_grad),
]

floats = st.floats(-1e4, 1e4, allow_nan=False)
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                      elements=floats)
vectors = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=1, max_side=20),
                     elements=floats)
fast = settings(max_examples=50, deadline=None)


# ----------------------------------------------------------------- values by hand


def test_sigmoid_closed_form():
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid(np.array([math.log(3.0), -math.log(3.0)])), [0.75, 0.25])


def test_sigmoid_keeps_relative_precision_far_out():
    np.testing.assert_allclose(sigmoid(-30.0), math.exp(-30) / (1 + math.exp(-30)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid_grad(40.0), math.exp(-40), rtol=1e-12)


def test_tanh_relu_step_leaky_by_hand():
    z = np.array([-2.0, 0.0, 0.5])
    np.testing.assert_allclose(tanh(z), [math.tanh(-2.0), 0.0, math.tanh(0.5)])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(step(z), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(leaky_relu(z), [-0.02, 0.0, 0.5])
    np.testing.assert_allclose(leaky_relu(z, alpha=0.2), [-0.4, 0.0, 0.5])


def test_softmax_by_hand():
    e = [math.e, math.e**2, math.e**3]
    expected = [v / sum(e) for v in e]  # 0.0900, 0.2447, 0.6652
    np.testing.assert_allclose(softmax(np.array([1.0, 2.0, 3.0])), expected, rtol=1e-12)
    np.testing.assert_allclose(softmax(np.array([[1.0, 2.0, 3.0]])), [expected], rtol=1e-12)


def test_softmax_axis():
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(softmax(z, axis=0), softmax(z.T).T)
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), [1.0, 1.0, 1.0])


def test_derivatives_at_the_kink():
    assert relu_grad(0.0) == 0.0
    assert leaky_relu_grad(0.0) == 0.01
    assert leaky_relu_grad(0.0, alpha=0.3) == 0.3
    assert step(0.0) == 0.0
    assert sigmoid_grad(0.0) == 0.25
    assert tanh_grad(0.0) == 1.0


# --------------------------------------------------------------- gradient checks


@pytest.mark.parametrize(("f", "df"), FUNC_AND_GRAD, ids=lambda f: f.__name__)
def test_derivative_matches_central_differences(f, df):
    z = np.array([-3.0, -1.2, -0.4, 0.3, 0.9, 2.5])  # away from the kinks at 0
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(df(z), numeric, rtol=1e-7, atol=1e-9)


def test_softmax_jacobian_matches_central_differences(central_difference):
    z = np.array([0.5, -1.0, 2.0, 0.1])
    s = softmax(z)
    jacobian = np.diag(s) - np.outer(s, s)  # d s_i / d z_j
    for i in range(4):
        numeric = central_difference(lambda v, i=i: softmax(v)[i], z)
        np.testing.assert_allclose(jacobian[i], numeric, atol=1e-9)


# ------------------------------------------------------------------- properties


@fast
@given(matrices)
def test_softmax_rows_are_distributions(z):
    s = softmax(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-12)


@fast
@given(
    hnp.arrays(np.float64, (3, 4), elements=st.floats(-100, 100)),
    hnp.arrays(np.float64, (3, 1), elements=st.floats(-100, 100)),
)
def test_softmax_invariant_to_a_constant_per_row(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=1e-9, atol=1e-15)


@fast
@given(vectors)
def test_sigmoid_symmetry(z):
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=1e-12, atol=1e-15)


@fast
@given(vectors)
def test_relu_splits_the_identity(z):
    np.testing.assert_array_equal(relu(z) - relu(-z), z)


@fast
@given(vectors, st.floats(0.0, 1.0))
def test_leaky_relu_grad_values(z, alpha):
    g = leaky_relu_grad(z, alpha)
    np.testing.assert_array_equal(g, np.where(z > 0, 1.0, alpha))
    np.testing.assert_array_equal(leaky_relu(z, alpha), z * g)  # piecewise linear


@fast
@given(vectors)
def test_sigmoid_and_tanh_ranges(z):
    assert np.all((sigmoid(z) >= 0) & (sigmoid(z) <= 1))
    assert np.all((sigmoid_grad(z) >= 0) & (sigmoid_grad(z) <= 0.25 * (1 + 1e-15)))  # 1 ulp
    assert np.all(np.abs(tanh(z)) <= 1)


# ----------------------------------------------------------- numerical stability


@pytest.mark.usefixtures("strict_floats")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_are_finite_without_warnings(dtype):
    z = np.array([-1e4, -1e3, -100.0, 0.0, 100.0, 1e3, 1e4], dtype=dtype)
    for f in ALL:
        assert np.all(np.isfinite(f(z))), f.__name__
    np.testing.assert_array_equal(sigmoid(z)[[0, -1]], [0.0, 1.0])
    np.testing.assert_array_equal(softmax(np.array([1e4, 0.0, -1e4], dtype=dtype)), [1, 0, 0])
    np.testing.assert_array_equal(sigmoid_grad(z)[[0, -1]], [0.0, 0.0])


def test_nan_propagates():
    assert np.isnan(sigmoid(np.nan))
    assert np.isnan(sigmoid_grad(np.nan))
    assert np.isnan(softmax(np.array([0.0, np.nan]))).all()


# ----------------------------------------------------------- dtypes and inputs


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
def test_float32_stays_float32(f):
    z = np.array([[-2.0, 0.0, 3.0]], dtype=np.float32)
    assert f(z).dtype == np.float32


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("z", [[[-2, 0, 3]], [[True, False, True]]], ids=["int", "bool"])
def test_int_and_bool_become_float64(f, z):
    out = f(z)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, f(np.array(z, dtype=np.float64)))


@pytest.mark.parametrize("f", ELEMENTWISE, ids=lambda f: f.__name__)
def test_scalar_in_numpy_scalar_out(f):
    out = f(0.5)
    assert isinstance(out, np.floating) and not isinstance(out, np.ndarray)
    assert out == f(np.array([0.5]))[0]
    assert isinstance(f(np.float32(0.5)), np.float32)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
def test_input_is_not_mutated(f):
    z = np.array([[-2.0, 0.0, 3.0], [1e4, -1e4, 0.5]])
    before = z.copy()
    f(z)
    np.testing.assert_array_equal(z, before)


def test_softmax_rejects_a_scalar():
    with pytest.raises(ValueError, match=r"softmax: z .*shape \(\)"):
        softmax(3.0)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
def test_non_numeric_input_raises(f):
    with pytest.raises(ValueError, match=f"{f.__name__}: z must be numeric"):
        f(np.array(["a", "b"]))
