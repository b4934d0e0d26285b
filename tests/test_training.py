"""dlcore.training: fit's history, determinism, dtype, the digits target, accuracy, errors."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from dlcore.data import load_digits, train_test_split
from dlcore.layers import BatchNorm1d, Dense, Dropout, ReLU, Sequential, Sigmoid
from dlcore.losses import softmax_cross_entropy
from dlcore.optimizers import SGD, Adam
from dlcore.training import accuracy, accuracy_score, fit


def blobs(m=200, seed=0):
    """Two well-separated Gaussian blobs in 2-D, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 2
    X = rng.normal(size=(m, 2)) * 0.5 + np.where(y[:, None] == 1, 2.0, -2.0)
    return X, y


def small_model(seed=0, dtype=np.float64, n_out=2):
    return Sequential(Dense(2, 8, rng=seed, dtype=dtype), ReLU(), Dense(8, n_out, rng=seed + 1,
                                                                         dtype=dtype))


def quiet_fit(model, X, y, **kwargs):
    kwargs = {"optimizer": SGD(lr=0.1), "epochs": 5, "batch_size": 16, "rng": 0} | kwargs
    return fit(model, X, y, progress=False, **kwargs)


def test_loss_decreases_on_a_separable_problem():
    X, y = blobs()
    model = small_model()
    history = quiet_fit(model, X, y, epochs=20)
    losses = history["loss"]
    assert list(history) == ["loss"] and len(losses) == 20
    assert losses[-1] < 0.1 * losses[0]
    assert losses[-1] < 0.05
    assert accuracy(model, X, y) == 1.0


def test_epoch_loss_is_the_batch_size_weighted_mean():
    # With lr=0 the model never changes, so every batch loss is the loss of the same
    # model and the weighted mean is exactly the loss over the whole data set.
    X, y = blobs(m=50)
    model = small_model()
    history = quiet_fit(model, X, y, optimizer=SGD(lr=0.0), epochs=2, batch_size=16)
    full = softmax_cross_entropy(model.predict(X), y)
    assert history["loss"] == pytest.approx([full, full], rel=1e-12)


def test_validation_history():
    X, y = blobs(m=160)
    X_val, y_val = blobs(m=40, seed=1)
    model = small_model()
    history = quiet_fit(model, X, y, epochs=4, validation=(X_val, y_val))
    assert set(history) == {"loss", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.values())
    assert all(0.0 <= a <= 1.0 for a in history["val_accuracy"])
    assert history["val_loss"][-1] == pytest.approx(softmax_cross_entropy(model.predict(X_val),
                                                                          y_val))
    assert history["val_accuracy"][-1] == accuracy(model, X_val, y_val)


def test_fixed_rng_makes_runs_repeatable():
    X, y = blobs()
    a, b, c = small_model(), small_model(), small_model()
    ha = quiet_fit(a, X, y, optimizer=Adam(0.01), rng=3)
    hb = quiet_fit(b, X, y, optimizer=Adam(0.01), rng=np.random.default_rng(3))
    hc = quiet_fit(c, X, y, optimizer=Adam(0.01), rng=4)
    assert ha == hb
    for p, q in zip(a.params(), b.params(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert ha != hc  # another shuffle, another path


def test_float32_model_trains_in_float32():
    X, y = blobs()
    model = small_model(dtype=np.float32)
    history = quiet_fit(model, X.astype(np.float64), y, optimizer=Adam(0.01), epochs=10)
    assert all(p.dtype == np.float32 for p in model.params() + model.grads())
    assert history["loss"][-1] < history["loss"][0]


def test_inputs_are_left_unchanged():
    X, y = blobs(m=40)
    X_copy, y_copy = X.copy(), y.copy()
    quiet_fit(small_model(), X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


class Recorder:
    """Wraps a model and records how fit calls it."""

    def __init__(self, model):
        self.model, self.input_grads, self.batch_sizes = model, [], []
        self.forward_modes, self.predict_modes = [], []

    def forward(self, X):
        self.batch_sizes.append(len(X))
        self.forward_modes.append(self.model.training)
        return self.model.forward(X)

    def train(self, mode=True):
        self.model.train(mode)
        return self

    def eval(self):
        self.model.eval()
        return self

    @property
    def training(self):
        return self.model.training

    def backward(self, grad, input_grad=True):
        self.input_grads.append(input_grad)
        return self.model.backward(grad, input_grad=input_grad)

    def predict(self, X):
        self.predict_modes.append(self.model.training)
        return self.model.predict(X)

    def params(self):
        return self.model.params()

    def grads(self):
        return self.model.grads()


def test_fit_skips_the_input_gradient_and_batches_every_example():
    X, y = blobs(m=45)
    rec = Recorder(small_model())
    quiet_fit(rec, X, y, epochs=2, batch_size=20)
    assert rec.batch_sizes == [20, 20, 5] * 2
    assert rec.input_grads == [False] * 6


def regularised_model(seed=0):
    return Sequential(Dense(2, 8, rng=seed), ReLU(), BatchNorm1d(8), Dropout(0.5, rng=seed),
                      Dense(8, 2, rng=seed + 1))


def test_fit_trains_in_training_mode_validates_and_ends_in_evaluation_mode():
    X, y = blobs(m=60)
    X_val, y_val = blobs(m=20, seed=1)
    model = regularised_model()
    model.eval()  # fit switches to training mode by itself
    rec = Recorder(model)
    history = quiet_fit(rec, X, y, epochs=3, batch_size=20, validation=(X_val, y_val))
    assert rec.forward_modes == [True] * 9
    assert rec.predict_modes[-3:] == [False] * 3  # validation after each epoch
    assert model.training is False
    assert not any(layer.training for layer in model.layers)
    # the validation scores are the evaluation-mode ones (no dropout, running statistics)
    assert history["val_loss"][-1] == pytest.approx(
        softmax_cross_entropy(model.forward(X_val), y_val))


def test_fit_with_dropout_and_batchnorm_learns():
    X, y = blobs()
    model = regularised_model()
    history = quiet_fit(model, X, y, optimizer=Adam(0.01), epochs=20)
    assert history["loss"][-1] < history["loss"][0]
    assert accuracy(model, X, y) > 0.95


def test_mse_loss_uses_one_hot_targets():
    X, y = blobs()
    model = small_model()
    history = quiet_fit(model, X, y, loss="mse", epochs=20)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert accuracy(model, X, y) == 1.0


def test_binary_cross_entropy_with_one_sigmoid_output():
    X, y = blobs()
    model = Sequential(Dense(2, 1, rng=0), Sigmoid())
    history = quiet_fit(model, X, y, loss="binary_cross_entropy", epochs=20,
                        validation=(X, y))
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] == 1.0


def test_digits_mlp_reaches_97_percent():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, rng=0)
    model = Sequential(Dense(64, 512, rng=1), ReLU(), Dense(512, 10, rng=2))
    # One BLAS thread: these matrices are small, and multithreaded BLAS slows down tenfold
    # when other processes (a parallel test run) hold the other cores.
    with threadpool_limits(limits=1, user_api="blas"):
        fit(model, X_train, y_train, optimizer=Adam(lr=1e-3), epochs=30, batch_size=16, rng=0,
            progress=False)
    assert accuracy(model, X_test, y_test) >= 0.97


def test_progress_false_prints_nothing(capsys):
    X, y = blobs(m=40)
    quiet_fit(small_model(), X, y, validation=(X, y))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_true_shows_a_bar(capsys):
    X, y = blobs(m=40)
    fit(small_model(), X, y, optimizer=SGD(lr=0.1), epochs=3, batch_size=8)
    captured = capsys.readouterr()
    assert "3/3" in captured.err and "loss=" in captured.err
    assert captured.out == ""


class Fixed:
    """A stand-in model whose predictions are given."""

    def __init__(self, out):
        self.out = np.asarray(out, dtype=np.float64)

    def predict(self, X):
        return self.out

    def params(self):
        return []


def test_accuracy_by_hand():
    out = [[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]
    assert accuracy(Fixed(out), np.zeros((4, 3)), [1, 0, 0, 1]) == 0.5
    assert accuracy(Fixed([[0.9], [0.2], [0.6]]), np.zeros((3, 1)), [1, 0, 0]) == pytest.approx(
        2 / 3)
    assert isinstance(accuracy(Fixed(out), np.zeros((4, 3)), [1, 0, 0, 0]), float)


def test_accuracy_score_of_labels_and_of_scores_by_hand():
    assert accuracy_score([2, 0, 1, 1], [2, 0, 0, 1]) == 0.75
    scores = [[0.1, 0.9, 0.0], [2.0, -1.0, 0.5], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]]
    assert accuracy_score(scores, [1, 0, 1, 2]) == 0.75  # argmax of the rows: 1, 0, 2, 2
    assert accuracy_score(np.array([[0.9], [0.2], [0.6]]), [1, 0, 0]) == pytest.approx(2 / 3)
    assert accuracy_score(np.array([1.0, 0.0]), np.array([1, 1])) == 0.5  # whole floats
    result = accuracy_score(np.array([1, 0]), np.array([1, 0]))
    assert result == 1.0 and type(result) is float


def test_accuracy_score_agrees_with_accuracy_of_a_model():
    X, y = blobs(m=60)
    model = small_model()
    quiet_fit(model, X, y, epochs=1, optimizer=SGD(lr=0.01))
    assert accuracy_score(model.predict(X), y) == accuracy(model, X, y)
    assert accuracy_score(model.predict(X).argmax(axis=1), y) == accuracy(model, X, y)


@pytest.mark.parametrize(
    ("y_pred", "y", "match"),
    [
        ([0, 1, 1], [0, 1], r"y_pred and y must have the same number of rows, got shapes "
                            r"\(3,\) and \(2,\)"),
        (np.zeros((3, 2)), [0, 1], r"got shapes \(3, 2\) and \(2,\)"),
        (np.zeros((2, 2, 2)), [0, 1], r"y_pred must be labels of shape \(m,\) or scores"),
        ([0.5, 1.0], [0, 1], r"y_pred must hold integer labels"),
        ([0, 1], [[0, 1]], r"y must be 1-D"),
        ([], [], r"empty"),
    ],
)
def test_accuracy_score_errors(y_pred, y, match):
    with pytest.raises(ValueError, match=rf"accuracy_score: .*{match}"):
        accuracy_score(y_pred, y)


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "match"),
    [
        (np.zeros(10), np.zeros(10, int), {}, r"fit: X must be 2-D, got shape \(10,\)"),
        (np.zeros((10, 2)), np.zeros(9, int), {}, r"fit: X and y .* \(10, 2\) and \(9,\)"),
        (np.zeros((10, 2)), np.full(10, 0.5), {}, r"fit: y must hold integer labels"),
        (np.full((10, 2), np.nan), np.zeros(10, int), {}, r"fit: X contains NaN"),
        (np.zeros((10, 2)), np.zeros(10, int), {"epochs": 0}, r"epochs must be a whole number"),
        (np.zeros((10, 2)), np.zeros(10, int), {"batch_size": 0}, r"batch_size must be a whole"),
        (np.zeros((10, 2)), np.zeros(10, int), {"loss": "hinge"}, r"unknown loss 'hinge'"),
        (np.zeros((10, 2)), np.zeros(10, int), {"validation": np.zeros((3, 2))},
         r"validation must be a pair"),
        (np.zeros((10, 2)), np.zeros(10, int), {"validation": (np.zeros((3, 2)), np.zeros(2, int))},
         r"fit: X_val and y_val .* got shapes \(3, 2\) and \(2,\)"),
    ],
)
def test_fit_rejects_bad_input(X, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        quiet_fit(small_model(), X, y, **kwargs)


def test_accuracy_rejects_bad_input():
    with pytest.raises(ValueError, match=r"accuracy: X and y .* got shapes \(4, 2\) and \(3,\)"):
        accuracy(small_model(), np.zeros((4, 2)), [0, 1, 0])
