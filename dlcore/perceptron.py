"""Rosenblatt's perceptron: a single threshold unit trained one example at a time."""

from __future__ import annotations

import numpy as np

from dlcore._validate import (
    as_float_array,
    check_finite,
    check_ndim,
    check_real,
    check_same_rows,
    check_whole,
)
from dlcore.activations import step

__all__ = ["Perceptron"]


class Perceptron:
    """The perceptron learning rule for two classes labelled 0 and 1.

    Prediction: ``y_hat = step(x . w + b)`` with ``step(z) = 1 if z > 0 else 0``.
    Learning: for each example in order, ``w += lr * (y - y_hat) * x`` and
    ``b += lr * (y - y_hat)`` -- nothing changes when the prediction is right. On
    linearly separable data this stops making mistakes after finitely many updates.

    Parameters
    ----------
    lr : float, default 0.1
        Learning rate, > 0.
    n_epochs : int, default 10
        Largest number of passes over the data; training stops early after a pass
        with no mistake.
    rng : numpy.random.Generator or int or None
        Source of the starting weights: ``w_`` is drawn first, then ``b_``, both
        N(0, 0.01^2), from ``np.random.default_rng(rng)``.

    Attributes
    ----------
    w_ : ndarray of float64, shape (n_features,)
        Weights, after ``fit``.
    b_ : float
        Bias, after ``fit``.
    errors_ : list of int
        Number of misclassified examples (= updates made) in each epoch.

    Raises
    ------
    ValueError
        If ``lr <= 0`` or ``n_epochs`` is not a whole number >= 1.

    Examples
    --------
    >>> from dlcore.data import logic_gate
    >>> X, y = logic_gate("and")
    >>> p = Perceptron(lr=0.1, n_epochs=20, rng=0).fit(X, y)
    >>> p.predict(X).tolist(), p.errors_[-1]
    ([0, 0, 0, 1], 0)
    """

    def __init__(self, lr: float = 0.1, n_epochs: int = 10, rng=None) -> None:
        self.lr = check_real(lr, "lr", "Perceptron", low_open=True)
        self.n_epochs = check_whole(n_epochs, "n_epochs", "Perceptron")
        self.rng = rng

    def fit(self, X, y) -> Perceptron:
        """Learn ``w_`` and ``b_`` from examples ``X`` with labels ``y`` in {0, 1}.

        Parameters
        ----------
        X : array_like, shape (m, n_features)
        y : array_like, shape (m,)
            Labels, each 0 or 1.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If ``X`` is not 2-D or holds NaN/inf, ``y`` is not 1-D, their lengths differ,
            or a label is not 0 or 1.
        """
        X = as_float_array(X, "X", "Perceptron.fit")
        check_ndim(X, 2, "X", "Perceptron.fit")
        check_finite(X, "X", "Perceptron.fit")
        y = np.asarray(y)
        check_ndim(y, 1, "y", "Perceptron.fit")
        check_same_rows(X, y, ("X", "y"), "Perceptron.fit")
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"Perceptron.fit: labels y must be 0 or 1, got {np.unique(y)}")

        rng = np.random.default_rng(self.rng)
        self.w_ = rng.normal(0.0, 0.01, size=X.shape[1])  # w_ first, then b_
        self.b_ = float(rng.normal(0.0, 0.01))
        self.errors_: list[int] = []
        for _ in range(self.n_epochs):
            errors = 0
            for x_i, y_i in zip(X, y, strict=True):
                y_hat = float(step(x_i @ self.w_ + self.b_))
                update = self.lr * (float(y_i) - y_hat)
                if update != 0.0:
                    self.w_ += update * x_i  # w += lr * (y - y_hat) * x
                    self.b_ += update  # b += lr * (y - y_hat)
                    errors += 1
            self.errors_.append(errors)
            if errors == 0:
                break
        return self

    def predict(self, X) -> np.ndarray:
        """Class labels ``step(X @ w_ + b_)``.

        Parameters
        ----------
        X : array_like, shape (m, n_features)

        Returns
        -------
        ndarray of int64, shape (m,)
            0 or 1 for each row.

        Raises
        ------
        RuntimeError
            If called before ``fit``.
        ValueError
            If ``X`` is not 2-D or its width differs from the data ``fit`` saw.
        """
        if not hasattr(self, "w_"):
            raise RuntimeError("Perceptron.predict: call fit(X, y) before predict(X)")
        X = as_float_array(X, "X", "Perceptron.predict")
        check_ndim(X, 2, "X", "Perceptron.predict")
        if X.shape[1] != self.w_.shape[0]:
            raise ValueError(
                f"Perceptron.predict: X must have {self.w_.shape[0]} columns like the data "
                f"fit saw, got shape {X.shape}"
            )
        return step(X @ self.w_ + self.b_).astype(np.int64)
