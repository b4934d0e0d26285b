"""Nodes of a computational graph, for the chapter on backpropagation by hand.

A node computes its output in ``forward`` and, in ``backward``, turns the gradient of
the final result with respect to its output (``dout``) into the gradients with respect
to each input: ``dout`` times the local derivative (the chain rule).

The chapter's example — two apples at 100 each, with 10% tax:

>>> mul_apple, mul_tax = Multiply(), Multiply()
>>> apples = mul_apple.forward(100.0, 2.0)      # price times count
>>> price = mul_tax.forward(apples, 1.1)        # times tax
>>> round(price, 10)                            # 220.00000000000003 in floating point
220.0
>>> d_apples, d_tax = mul_tax.backward(1.0)
>>> d_apple_price, d_count = mul_apple.backward(d_apples)
>>> round(d_apple_price, 10), round(d_count, 10), round(d_tax, 10)
(2.2, 110.0, 200.0)

Inputs may be Python floats or NumPy arrays; ``x`` and ``y`` must have the same shape
(two scalars, or two arrays of one shape), so each gradient has its input's shape.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Add", "Multiply"]

Value = float | np.ndarray


def _check_shapes(x: Value, y: Value, func: str) -> None:
    if np.shape(x) != np.shape(y):
        raise ValueError(
            f"{func}: x and y must have the same shape, got {np.shape(x)} and {np.shape(y)}"
        )


class Add:
    """Addition node ``out = x + y``; backward ``dx = dout * 1``, ``dy = dout * 1``.

    An addition passes the upstream gradient unchanged to both inputs.

    Raises
    ------
    ValueError
        From ``forward`` if x and y have different shapes.
    RuntimeError
        From ``backward`` if called before ``forward``.

    >>> node = Add()
    >>> node.forward(2.0, 3.0)
    5.0
    >>> node.backward(1.5)
    (1.5, 1.5)
    """

    def __init__(self) -> None:
        self._ran_forward = False

    def forward(self, x: Value, y: Value) -> Value:
        """``x + y`` (scalars, or arrays of one shape)."""
        _check_shapes(x, y, "Add.forward")
        self._ran_forward = True
        return x + y

    def backward(self, dout: Value) -> tuple[Value, Value]:
        """``(dout * dz/dx, dout * dz/dy) = (dout, dout)``, as two separate values."""
        if not self._ran_forward:
            raise RuntimeError("Add.backward: call forward before backward")
        return dout * 1, dout * 1


class Multiply:
    """Multiplication node ``out = x * y``; backward ``dx = dout * y``, ``dy = dout * x``.

    A product sends each input the upstream gradient times the *other* input, so the
    node keeps both inputs from ``forward``.

    Attributes
    ----------
    x, y : float or ndarray or None
        The inputs of the last ``forward`` (None before).

    Raises
    ------
    ValueError
        From ``forward`` if x and y have different shapes.
    RuntimeError
        From ``backward`` if called before ``forward``.

    >>> node = Multiply()
    >>> node.forward(3.0, 4.0)
    12.0
    >>> node.backward(2.0)
    (8.0, 6.0)
    """

    def __init__(self) -> None:
        self.x: Value | None = None
        self.y: Value | None = None

    def forward(self, x: Value, y: Value) -> Value:
        """``x * y`` (scalars, or arrays of one shape); keeps x and y."""
        _check_shapes(x, y, "Multiply.forward")
        self.x, self.y = x, y
        return x * y

    def backward(self, dout: Value) -> tuple[Value, Value]:
        """``(dout * y, dout * x)``."""
        if self.x is None:
            raise RuntimeError("Multiply.backward: call forward before backward")
        return dout * self.y, dout * self.x
