"""Tests for dlcore.graph."""

import numpy as np
import pytest

from dlcore.graph import Add, Multiply


def test_two_apples_with_tax():
    mul_apple, mul_tax = Multiply(), Multiply()
    price = mul_tax.forward(mul_apple.forward(100.0, 2.0), 1.1)
    assert price == pytest.approx(220.0)
    d_apples, d_tax = mul_tax.backward(1.0)
    d_apple_price, d_count = mul_apple.backward(d_apples)
    assert (d_apple_price, d_count, d_tax) == pytest.approx((2.2, 110.0, 200.0))


def test_apples_and_oranges_with_add():
    """The chapter's second example: 2 apples at 100, 3 oranges at 150, 10% tax."""
    mul_apple, mul_orange, add, mul_tax = Multiply(), Multiply(), Add(), Multiply()
    total = add.forward(mul_apple.forward(100.0, 2.0), mul_orange.forward(150.0, 3.0))
    assert mul_tax.forward(total, 1.1) == pytest.approx(715.0)
    d_total, d_tax = mul_tax.backward(1.0)
    d_apples, d_oranges = add.backward(d_total)
    assert mul_apple.backward(d_apples) == pytest.approx((2.2, 110.0))
    assert mul_orange.backward(d_oranges) == pytest.approx((3.3, 165.0))
    assert d_tax == pytest.approx(650.0)


@pytest.mark.parametrize("node", [Add, Multiply])
def test_array_gradients_match_central_differences(central_difference, node):
    rng = np.random.default_rng(0)
    x, y, R = rng.normal(size=(3, 2, 4))  # L = sum(R * node(x, y)), so dout = R
    n = node()
    n.forward(x, y)
    dx, dy = n.backward(R)
    numeric_dx = central_difference(lambda v: np.sum(R * node().forward(v, y)), x)
    numeric_dy = central_difference(lambda v: np.sum(R * node().forward(x, v)), y)
    np.testing.assert_allclose(dx, numeric_dx)
    np.testing.assert_allclose(dy, numeric_dy)


def test_multiply_keeps_its_inputs():
    node = Multiply()
    assert node.x is None and node.y is None
    node.forward(3.0, 4.0)
    assert (node.x, node.y) == (3.0, 4.0)


def test_add_returns_two_independent_arrays():
    node = Add()
    dout = np.ones(3)
    node.forward(np.zeros(3), np.zeros(3))
    dx, dy = node.backward(dout)
    dx += 1.0
    np.testing.assert_array_equal(dy, np.ones(3))
    np.testing.assert_array_equal(dout, np.ones(3))


@pytest.mark.parametrize("node", [Add, Multiply])
def test_backward_before_forward_raises(node):
    with pytest.raises(RuntimeError, match=rf"{node.__name__}.backward: call forward before"):
        node().backward(1.0)


@pytest.mark.parametrize("node", [Add, Multiply])
def test_mismatched_shapes_raise(node):
    with pytest.raises(ValueError, match=rf"{node.__name__}.forward: x and y .*\(2,\) and \(3,\)"):
        node().forward(np.zeros(2), np.zeros(3))
