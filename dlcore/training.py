"""The minibatch training loop and classification accuracy (of a model or of an array)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from dlcore._validate import (
    as_float_array,
    as_labels,
    check_finite,
    check_ndim,
    check_same_rows,
    check_whole,
)
from dlcore.data import minibatches, one_hot
from dlcore.losses import get_loss

__all__ = ["fit", "accuracy", "accuracy_score"]


def fit(
    model,
    X,
    y,
    *,
    loss: str = "softmax_cross_entropy",
    optimizer,
    epochs: int,
    batch_size: int,
    rng=None,
    validation: tuple | None = None,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train ``model`` by minibatch gradient descent; return the per-epoch history.

    Each epoch visits the examples in a fresh random order, ``batch_size`` at a time
    (the last batch may be smaller), with the model in training mode. For each batch::

        out = model.forward(Xb)
        model.backward(loss_grad(out, target), input_grad=False)
        optimizer.step(model.params(), model.grads())

    After each epoch the model is put in evaluation mode, in which ``validation`` is
    scored (through ``model.predict``); ``fit`` returns with the model in evaluation mode,
    ready to predict.

    The epoch's ``loss`` is the mean of the batch losses weighted by batch size (the loss
    over the epoch's examples as the model stood when it met each batch). With
    ``loss="softmax_cross_entropy"`` the targets are the labels ``y`` themselves; with
    any other loss of :func:`dlcore.losses.get_loss` they are ``one_hot(y, K)`` for a
    model with ``K > 1`` outputs, or ``y`` as a column for a single output.

    Parameters
    ----------
    model : Sequential or alike
        Has ``forward``, ``backward(grad, input_grad=False)``, ``predict``, ``params``,
        ``grads``, ``train`` and ``eval``; trained in place.
    X : array_like, shape (m, n_features)
        Examples; cast once to the dtype of the model's parameters (a float32 model
        trains in float32).
    y : array_like of int, shape (m,)
        Class labels ``0 .. K-1``.
    loss : str, default "softmax_cross_entropy"
        Name of a loss in :mod:`dlcore.losses`.
    optimizer : Optimizer
        Anything with ``step(params, grads)``, e.g. :class:`dlcore.optimizers.Adam`.
    epochs : int
        Passes over the data, >= 1.
    batch_size : int
        Examples per step, >= 1.
    rng : numpy.random.Generator or int or None
        Source of the shuffling; a fixed seed makes the run repeatable.
    validation : (X_val, y_val), optional
        Data scored after every epoch, shapes ``(m_val, n_features)`` and ``(m_val,)``.
    progress : bool, default True
        Show a progress bar over the epochs (``tqdm.auto``: a widget in notebooks).

    Returns
    -------
    dict of str to list of float
        ``"loss"``, and with ``validation`` also ``"val_loss"`` and ``"val_accuracy"``;
        each list has one entry per epoch.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or holds NaN/inf, ``y`` is not 1-D integer labels, their
        lengths differ (likewise for ``validation``), ``epochs`` or ``batch_size`` is
        not a whole number >= 1, or ``loss`` is unknown.

    Examples
    --------
    >>> from dlcore.data import logic_gate
    >>> from dlcore.layers import Dense, Sequential, Tanh
    >>> from dlcore.optimizers import Adam
    >>> X, y = logic_gate("xor")
    >>> model = Sequential(Dense(2, 8, rng=0), Tanh(), Dense(8, 2, rng=1))
    >>> history = fit(model, X, y, optimizer=Adam(lr=0.05), epochs=200, batch_size=4,
    ...               rng=0, progress=False)
    >>> len(history["loss"]), history["loss"][-1] < 0.1 < history["loss"][0]
    (200, True)
    >>> accuracy(model, X, y)
    1.0
    """
    params = model.params()
    dtype = params[0].dtype if params else np.float64
    X, y = _check_data(X, y, dtype, "X", "y")
    epochs = check_whole(epochs, "epochs", "fit")
    batch_size = check_whole(batch_size, "batch_size", "fit")
    loss_fn, loss_grad = get_loss(loss)

    history: dict[str, list[float]] = {"loss": []}
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise ValueError("fit: validation must be a pair (X_val, y_val)")
        X_val, y_val = _check_data(*validation, dtype, "X_val", "y_val")
        history.update(val_loss=[], val_accuracy=[])

    targets = _targets(loss, model, X, y)
    rng = np.random.default_rng(rng)
    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress)
    for _ in bar:
        model.train()
        total = 0.0
        for Xb, tb in minibatches(X, targets, batch_size, rng):
            out = model.forward(Xb)
            total += loss_fn(out, tb) * len(Xb)
            model.backward(loss_grad(out, tb), input_grad=False)
            optimizer.step(model.params(), model.grads())
        history["loss"].append(total / len(X))
        model.eval()
        postfix = {"loss": f"{history['loss'][-1]:.4f}"}

        if validation is not None:
            out = model.predict(X_val)
            history["val_loss"].append(loss_fn(out, _targets(loss, model, X_val, y_val)))
            history["val_accuracy"].append(accuracy_score(out, y_val))
            postfix["val_acc"] = f"{history['val_accuracy'][-1]:.4f}"
        bar.set_postfix(postfix, refresh=False)
    bar.close()
    return history


def accuracy(model, X, y) -> float:
    """Fraction of examples whose predicted class is the label: ``mean(argmax(out) == y)``.

    ``accuracy_score(model.predict(X), y)``: for a model with a single output the
    predicted class is ``out > 0.5`` (a sigmoid probability).

    Parameters
    ----------
    model : Sequential or alike
        Has ``predict``.
    X : array_like, shape (m, n_features)
    y : array_like of int, shape (m,)

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``y`` not 1-D integer labels, or their lengths differ.
    """
    params = model.params()
    X, y = _check_data(X, y, params[0].dtype if params else np.float64, "X", "y", "accuracy")
    return accuracy_score(model.predict(X), y)


def accuracy_score(y_pred: ArrayLike, y: ArrayLike) -> float:
    """Fraction of predictions that equal the labels: ``mean(predicted == y)``.

    ``y_pred`` holds either the predicted labels themselves or one row of scores per
    example (logits or probabilities), whose largest entry is the predicted class. A
    single column of scores is read as the probability of class 1 (a sigmoid output):
    the predicted class is ``score > 0.5``.

    Parameters
    ----------
    y_pred : array_like, shape (m,) of int labels, or (m, K) of scores
    y : array_like of int, shape (m,)
        The true labels.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If ``y`` is not 1-D integer labels, ``y_pred`` is neither labels of shape (m,)
        nor scores of shape (m, K), the lengths differ, or there are no examples.

    Examples
    --------
    >>> accuracy_score([2, 0, 1, 1], [2, 0, 0, 1])
    0.75
    >>> accuracy_score([[0.1, 0.9], [0.8, 0.2]], [1, 1])   # argmax of each row: 1, 0
    0.5
    """
    y = as_labels(y, "y", "accuracy_score")
    scores = np.asarray(y_pred)
    if scores.ndim == 2 and scores.shape[1] >= 1:
        scores = as_float_array(scores, "y_pred", "accuracy_score")
        predicted = scores[:, 0] > 0.5 if scores.shape[1] == 1 else scores.argmax(axis=1)
    elif scores.ndim == 1:
        predicted = as_labels(scores, "y_pred", "accuracy_score")
    else:
        raise ValueError(
            f"accuracy_score: y_pred must be labels of shape (m,) or scores of shape (m, K), "
            f"got shape {scores.shape}"
        )
    check_same_rows(scores, y, ("y_pred", "y"), "accuracy_score")
    if len(y) == 0:
        raise ValueError("accuracy_score: y_pred and y are empty; accuracy needs an example")
    return float(np.mean(predicted == y))


def _check_data(X, y, dtype, x_name: str, y_name: str, func: str = "fit"):
    """``X`` as a finite 2-D array of ``dtype`` and ``y`` as int64 labels of the same length."""
    X = as_float_array(X, x_name, func)
    check_ndim(X, 2, x_name, func)
    X = X.astype(dtype, copy=False)
    check_finite(X, x_name, func)
    y = as_labels(y, y_name, func)
    check_same_rows(X, y, (x_name, y_name), func)
    return X, y


def _targets(loss: str, model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """What the loss compares the model's output with: labels, one-hot rows, or a column."""
    if loss == "softmax_cross_entropy":
        return y
    n_outputs = model.predict(X[:1]).shape[1]
    if n_outputs == 1:
        return y[:, None].astype(X.dtype)
    return one_hot(y, n_outputs).astype(X.dtype)
