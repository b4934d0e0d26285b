"""Tests for dlcore.layers."""

import re

import numpy as np
import pytest

from dlcore.activations import leaky_relu_grad, relu_grad
from dlcore.gradcheck import check_model_gradients
from dlcore.layers import BatchNorm1d, Dense, Dropout, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh
from dlcore.losses import softmax_cross_entropy, softmax_cross_entropy_grad
from dlcore.optimizers import SGD, Adam

ACTIVATIONS = [ReLU, Sigmoid, Tanh, LeakyReLU, lambda: LeakyReLU(alpha=0.2)]
ACT_IDS = ["relu", "sigmoid", "tanh", "leaky", "leaky-0.2"]


def make_mlp(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return Sequential(
        Dense(4, 5, rng=rng, dtype=dtype),
        Tanh(),
        Dense(5, 6, rng=rng, dtype=dtype),
        ReLU(),
        Dense(6, 3, rng=rng, dtype=dtype),
    )


def batch(m=7, n=4, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.integers(0, 3, size=m)


# ------------------------------------------------------------------------ Dense


def test_dense_forward_by_hand():
    layer = Dense(3, 2, init="zeros")
    layer.W[...] = [[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]
    layer.b[...] = [0.5, -0.5]
    A = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    # row 1: [1 + 0 + 6 + 0.5, -1 + 0 + 2 - 0.5]; row 2: [0 + 2 - 3 + 0.5, 0 + 0 - 1 - 0.5]
    np.testing.assert_allclose(layer.forward(A), [[7.5, 0.5], [-0.5, -1.5]])


def test_dense_backward_by_hand():
    layer = Dense(3, 2, init="zeros")
    layer.W[...] = [[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]
    A = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    layer.forward(A)
    dZ = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(layer.backward(dZ), [[1.0, 2.0, 3.0], [-2.0, 0.0, 2.0]])
    np.testing.assert_allclose(layer.dW, [[1.0, 0.0, 2.0], [0.0, 2.0, -2.0]])
    np.testing.assert_allclose(layer.db, [1.0, 2.0])


def test_dense_gradients_match_central_differences(central_difference):
    rng = np.random.default_rng(3)
    layer = Dense(4, 3, rng=rng)
    layer.b[...] = rng.normal(size=3)
    A = rng.normal(size=(5, 4))
    R = rng.normal(size=(5, 3))  # L = sum(R * Z), so dL/dZ = R

    def loss_at(name):
        def f(value):
            saved = getattr(layer, name).copy()
            getattr(layer, name)[...] = value
            out = float(np.sum(R * layer.predict(A)))
            getattr(layer, name)[...] = saved
            return out

        return f

    layer.forward(A)
    dA = layer.backward(R)
    np.testing.assert_allclose(dA, central_difference(lambda a: np.sum(R * layer.predict(a)), A),
                               rtol=1e-6, atol=1e-9)
    for name in ("W", "b"):
        numeric = central_difference(loss_at(name), getattr(layer, name))
        np.testing.assert_allclose(getattr(layer, "d" + name), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("init", "std"),
    [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 700)), ("small", 0.01)],
)
def test_dense_init_distributions(init, std):
    layer = Dense(400, 300, init=init, rng=0)
    assert layer.W.shape == (300, 400) and layer.b.shape == (300,)
    assert np.all(layer.b == 0)
    assert abs(layer.W.mean()) < 0.01 * std  # 120000 draws: standard error 0.003 std
    assert layer.W.std() == pytest.approx(std, rel=0.01)


def test_dense_zeros_init_and_gradients_start_at_zero():
    layer = Dense(3, 2, init="zeros")
    assert np.all(layer.W == 0) and np.all(layer.b == 0)
    assert layer.dW.shape == (2, 3) and layer.db.shape == (2,)
    assert np.all(layer.dW == 0) and np.all(layer.db == 0)


def test_dense_rng_seed_and_generator():
    np.testing.assert_array_equal(Dense(5, 4, rng=7).W, Dense(5, 4, rng=7).W)
    assert not np.array_equal(Dense(5, 4, rng=7).W, Dense(5, 4, rng=8).W)
    gen = np.random.default_rng(7)
    first, second = Dense(5, 4, rng=gen).W, Dense(5, 4, rng=gen).W
    assert not np.array_equal(first, second)  # the generator advanced
    np.testing.assert_array_equal(first, Dense(5, 4, rng=7).W)
    assert not np.array_equal(Dense(5, 4).W, Dense(5, 4).W)  # None: fresh entropy


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_in": 3, "n_out": 2, "init": "glorot"}, r"Dense: unknown init 'glorot'.*'he'"),
        ({"n_in": 0, "n_out": 2}, r"Dense: n_in must be a positive integer, got 0"),
        ({"n_in": 3, "n_out": 2.5}, r"Dense: n_out must be a positive integer, got 2.5"),
        ({"n_in": 3, "n_out": 2, "dtype": np.int32}, r"Dense: dtype must be a floating"),
    ],
)
def test_dense_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Dense(**kwargs)


@pytest.mark.parametrize("method", ["forward", "predict"])
@pytest.mark.parametrize("shape", [(4, 5), (3,), (2, 3, 1)])
def test_dense_rejects_bad_input_shapes(method, shape):
    pattern = rf"Dense.{method}: A_prev .*\(m, n_in\) = \(m, 3\), got {re.escape(str(shape))}"
    with pytest.raises(ValueError, match=pattern):
        getattr(Dense(3, 2), method)(np.zeros(shape))


def test_dense_rejects_bad_upstream_gradient():
    layer = Dense(3, 2)
    layer.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"Dense.backward: dZ must have shape \(4, 2\).*\(4, 3\)"):
        layer.backward(np.zeros((4, 3)))


def test_dense_gradients_are_written_in_place():
    layer = Dense(3, 2, rng=0)
    dW, db = layer.dW, layer.db
    assert layer.grads()[0] is dW and layer.grads()[1] is db
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    assert layer.dW is dW and layer.db is db
    np.testing.assert_allclose(db, [4.0, 4.0])
    assert layer.params()[0] is layer.W and layer.params()[1] is layer.b


def test_dense_backward_without_input_grad():
    layer = Dense(3, 2, rng=0)
    X, dZ = np.ones((4, 3)), np.arange(8.0).reshape(4, 2)
    layer.forward(X)
    assert layer.backward(dZ, input_grad=False) is None
    np.testing.assert_allclose(layer.dW, dZ.T @ X)


def test_dense_dtypes():
    layer = Dense(3, 2, rng=0, dtype=np.float32)
    assert layer.W.dtype == layer.b.dtype == layer.dW.dtype == layer.db.dtype == np.float32
    assert layer.forward(np.ones((4, 3))).dtype == np.float32  # float64 input is cast
    assert layer.backward(np.ones((4, 2))).dtype == np.float32
    assert Dense(3, 2).forward(np.ones((4, 3), dtype=int)).dtype == np.float64


# ------------------------------------------------------------ activation layers


@pytest.mark.parametrize("make", ACTIVATIONS, ids=ACT_IDS)
def test_activation_backward_matches_central_differences(central_difference, make):
    rng = np.random.default_rng(4)
    Z = rng.normal(size=(3, 4))
    Z[np.abs(Z) < 0.05] = 0.5  # keep away from the kink at 0
    R = rng.normal(size=(3, 4))
    layer = make()
    layer.forward(Z)
    numeric = central_difference(lambda z: np.sum(R * layer.predict(z)), Z)
    np.testing.assert_allclose(layer.backward(R), numeric, rtol=1e-6, atol=1e-9)


def test_kinked_layers_at_zero_follow_the_derivative_functions():
    Z, dA = np.array([[-1.0, 0.0, 2.0]]), np.full((1, 3), 3.0)
    for layer, local in [(ReLU(), relu_grad(Z)), (LeakyReLU(0.2), leaky_relu_grad(Z, 0.2))]:
        layer.forward(Z)
        np.testing.assert_array_equal(layer.backward(dA), dA * local)  # 0 and alpha at 0


@pytest.mark.parametrize("make", ACTIVATIONS, ids=ACT_IDS)
def test_activation_layers_keep_float32(make):
    layer = make()
    out = layer.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones((2, 3))).dtype == np.float32  # float64 dA is cast
    assert layer.params() == [] and layer.grads() == []
    assert make().forward(np.ones((2, 3), dtype=int)).dtype == np.float64


@pytest.mark.parametrize("make", ACTIVATIONS, ids=ACT_IDS)
def test_activation_rejects_bad_upstream_gradient(make):
    layer = make()
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\.backward: dA must have shape \(2, 3\).*got \(3, 2\)"):
        layer.backward(np.ones((3, 2)))


@pytest.mark.parametrize(
    "make", [*ACTIVATIONS, lambda: Dense(3, 2), make_mlp], ids=[*ACT_IDS, "dense", "sequential"]
)
def test_backward_before_forward_raises(make):
    with pytest.raises(RuntimeError, match=r"\.backward: call forward before backward"):
        make().backward(np.ones((2, 3)))


@pytest.mark.parametrize(
    "make", [*ACTIVATIONS, lambda: Dense(3, 3, rng=0)], ids=[*ACT_IDS, "dense"]
)
def test_layers_do_not_mutate_their_inputs(make):
    layer = make()
    X = np.array([[-1.0, 0.5, 2.0], [3.0, -0.2, 0.0]])
    dOut = np.array([[1.0, -2.0, 0.5], [0.1, 0.2, -0.3]])
    X_before, dOut_before = X.copy(), dOut.copy()
    layer.forward(X)
    layer.backward(dOut)
    layer.predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(dOut, dOut_before)


@pytest.mark.parametrize("make", ACTIVATIONS, ids=ACT_IDS)
def test_activation_backward_without_input_grad(make):
    layer = make()
    layer.forward(np.ones((2, 3)))
    assert layer.backward(np.ones((2, 3)), input_grad=False) is None


# ------------------------------------------------------------------- Sequential


def test_sequential_gradients_match_central_differences(central_difference):
    model = make_mlp()
    X, y = batch()
    model.backward(softmax_cross_entropy_grad(model.forward(X), y))
    for param, grad in zip(model.params(), model.grads(), strict=True):
        original = param.copy()

        def loss(values, param=param):
            param[...] = values
            return softmax_cross_entropy(model.predict(X), y)

        numeric = central_difference(loss, original)
        param[...] = original
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_sequential_input_gradient(central_difference):
    model = make_mlp()
    X, y = batch()
    dX = model.backward(softmax_cross_entropy_grad(model.forward(X), y))
    numeric = central_difference(lambda x: softmax_cross_entropy(model.predict(x), y), X)
    np.testing.assert_allclose(dX, numeric, rtol=1e-5, atol=1e-8)


def test_sequential_keeps_the_layers_arrays():
    rng = np.random.default_rng(0)
    layers = [Dense(4, 5, rng=rng), ReLU(), Dense(5, 3, rng=rng)]
    held = [layers[0].W, layers[2].b, layers[0].dW]  # taken before the model exists
    before = [a.copy() for a in held]
    model = Sequential(*layers)
    assert model.params()[0] is held[0] and model.params()[3] is held[1]
    assert model.grads()[0] is held[2]
    X, y = batch(m=6, n=4)
    model.backward(softmax_cross_entropy_grad(model.forward(X), y))
    Adam(lr=0.1).step(model.params(), model.grads())
    # the arrays held from the start are the ones training changed
    assert held[0] is layers[0].W and not np.array_equal(held[0], before[0])
    assert held[1] is layers[2].b and not np.array_equal(held[1], before[1])
    np.testing.assert_array_equal(held[2], layers[0].dW)


def test_sequential_params_and_grads_are_the_same_objects():
    model = make_mlp()
    params, grads = model.params(), model.grads()
    assert [p.shape for p in params] == [g.shape for g in grads]
    X, y = batch()
    model.backward(softmax_cross_entropy_grad(model.forward(X), y))
    assert all(a is b for a, b in zip(params, model.params(), strict=True))
    assert all(a is b for a, b in zip(grads, model.grads(), strict=True))
    assert all(np.any(g != 0) for g in grads)  # filled in place


def test_sequential_without_input_grad():
    X, y = batch()
    full, partial = make_mlp(), make_mlp()
    dX = full.backward(softmax_cross_entropy_grad(full.forward(X), y))
    assert dX.shape == X.shape
    assert partial.backward(softmax_cross_entropy_grad(partial.forward(X), y),
                            input_grad=False) is None
    for a, b in zip(full.grads(), partial.grads(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sequential_without_input_grad_skips_leading_activations():
    model = Sequential(Tanh(), Dense(4, 2, rng=0))
    X = np.ones((3, 4))
    model.forward(X)
    assert model.backward(np.ones((3, 2)), input_grad=False) is None
    np.testing.assert_allclose(model.grads()[1], [3.0, 3.0])
    assert Sequential(ReLU()).backward(np.ones(2), input_grad=False) is None


def test_sequential_predict_equals_forward_and_keeps_caches():
    model = make_mlp()
    X, y = batch()
    other, _ = batch(seed=9)
    out = model.forward(X)
    np.testing.assert_array_equal(model.predict(X), out)
    model.predict(other)  # must not overwrite what backward needs
    model.backward(softmax_cross_entropy_grad(out, y))
    reference = make_mlp()
    reference.backward(softmax_cross_entropy_grad(reference.forward(X), y))
    for a, b in zip(model.grads(), reference.grads(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sequential_float32_end_to_end():
    model = make_mlp(np.float32)
    X, y = batch()  # float64 input is cast once by the first layer
    out = model.forward(X)
    assert out.dtype == np.float32 and model.predict(X).dtype == np.float32
    grad = softmax_cross_entropy_grad(out, y)
    assert grad.dtype == np.float32
    assert model.backward(grad).dtype == np.float32
    assert all(a.dtype == np.float32 for a in model.params() + model.grads())


def test_sequential_with_mixed_dtypes_works():
    model = Sequential(Dense(4, 3, rng=0), Dense(3, 2, rng=1, dtype=np.float32))
    out = model.forward(np.ones((2, 4)))
    model.backward(np.ones_like(out))
    assert model.grads()[0].dtype == np.float64 and model.grads()[2].dtype == np.float32
    params = [p.copy() for p in model.params()]
    SGD(lr=0.5).step(model.params(), model.grads())
    for p, before, g in zip(model.params(), params, model.grads(), strict=True):
        np.testing.assert_allclose(p, before - 0.5 * g, rtol=1e-6)


def test_sequential_rejects_repeated_layers_and_non_layers():
    layer = Dense(3, 3)
    with pytest.raises(ValueError, match="Sequential: the same layer object appears"):
        Sequential(layer, ReLU(), layer)
    with pytest.raises(TypeError, match=r"Sequential: layer .* has no method forward\(\)"):
        Sequential(Dense(3, 3), np.tanh)


# ------------------------------------------------------------------------ modes

ALL_LAYERS = [lambda: Dense(2, 2), ReLU, Sigmoid, Tanh, LeakyReLU, Dropout,
              lambda: BatchNorm1d(2)]


@pytest.mark.parametrize("make", ALL_LAYERS)
def test_every_layer_starts_in_training_mode_and_switches(make):
    layer = make()
    assert layer.training is True
    assert layer.eval() is layer and layer.training is False
    assert layer.train() is layer and layer.training is True
    assert layer.train(False).training is False


def test_sequential_train_and_eval_set_every_layer():
    model = Sequential(Dense(3, 4, rng=0), BatchNorm1d(4), ReLU(), Dropout(0.5, rng=1))
    assert model.training is True
    assert model.eval() is model
    assert model.training is False and not any(layer.training for layer in model.layers)
    assert model.train() is model
    assert model.training is True and all(layer.training for layer in model.layers)


def regularised_model(seed=0):
    rng = np.random.default_rng(seed)
    # BatchNorm1d after the ReLU, not straight after Dense: the mean it subtracts would
    # cancel the bias before it, whose gradient would then be 0 (and its check meaningless)
    return Sequential(Dense(4, 6, rng=rng), ReLU(), BatchNorm1d(6), Dropout(0.5, rng=rng),
                      Dense(6, 3, rng=rng))


def test_sequential_predict_is_evaluation_mode_without_changing_the_mode():
    model = regularised_model()
    X, _ = batch(m=8)
    model.forward(X)  # training mode: moves the running statistics away from 0 and 1
    bn = model.layers[2]
    running = bn.running_mean.copy(), bn.running_var.copy()
    predicted = model.predict(X)
    assert model.training and all(layer.training for layer in model.layers)
    np.testing.assert_array_equal(bn.running_mean, running[0])  # predict updates nothing
    np.testing.assert_array_equal(bn.running_var, running[1])
    model.eval()
    np.testing.assert_array_equal(predicted, model.forward(X))
    np.testing.assert_array_equal(predicted, model.predict(X))  # twice the same: no mask


def test_sequential_predict_keeps_no_caches_with_regularisation_layers():
    model = regularised_model()
    X, y = batch(m=8)
    other, _ = batch(m=5, seed=9)
    out = model.forward(X)
    model.predict(other)
    model.backward(softmax_cross_entropy_grad(out, y))  # still the batch of forward
    reference = regularised_model()
    reference.backward(softmax_cross_entropy_grad(reference.forward(X), y))
    for a, b in zip(model.grads(), reference.grads(), strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------ Dropout


def test_dropout_backward_matches_central_differences_with_a_fixed_mask(central_difference):
    rng = np.random.default_rng(4)
    A, R = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))

    def f(values):  # a fresh layer with the same seed draws the same mask every time
        return float(np.sum(Dropout(0.4, rng=7).forward(values) * R))

    layer = Dropout(0.4, rng=7)
    layer.forward(A)
    np.testing.assert_allclose(layer.backward(R), central_difference(f, A), rtol=1e-6,
                               atol=1e-9)


def test_dropout_keeps_the_mean_and_drops_a_fraction_p():
    p, n = 0.3, 200_000
    out = Dropout(p, rng=0).forward(np.ones((400, 500)))
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1.0 / (1.0 - p))  # kept elements are scaled
    # mean of n i.i.d. values with mean 1 and variance p / (1 - p): 5 standard errors
    assert abs(out.mean() - 1.0) < 5 * np.sqrt(p / (1 - p) / n)
    assert abs((~kept).mean() - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_dropout_backward_uses_the_forward_mask():
    layer = Dropout(0.5, rng=3)
    A = np.arange(1.0, 13.0).reshape(3, 4)
    out = layer.forward(A)
    mask = out / A
    np.testing.assert_array_equal(layer.backward(np.full((3, 4), 2.0)), 2.0 * mask)
    assert layer.backward(np.ones((3, 4)), input_grad=False) is None


def test_dropout_draws_a_new_mask_each_training_forward():
    layer = Dropout(0.5, rng=0)
    assert not np.array_equal(layer.forward(np.ones((4, 25))), layer.forward(np.ones((4, 25))))


def test_dropout_is_the_identity_in_evaluation_mode_and_in_predict():
    A = np.random.default_rng(0).normal(size=(3, 4))
    layer = Dropout(0.9, rng=0)
    np.testing.assert_array_equal(layer.predict(A), A)
    assert layer.training  # predict left the mode alone
    layer.eval()
    np.testing.assert_array_equal(layer.forward(A), A)
    np.testing.assert_array_equal(layer.backward(np.ones((3, 4))), np.ones((3, 4)))


def test_dropout_with_p_zero_is_the_identity_in_training():
    A = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_array_equal(Dropout(0.0, rng=0).forward(A), A)


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, float("nan")])
def test_dropout_rejects_p_outside_0_1(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be"):
        Dropout(p)


def test_dropout_keeps_float32_and_checks_the_upstream_gradient():
    layer = Dropout(0.5, rng=0)
    out = layer.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones((2, 3), dtype=np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match=r"Dropout.backward: dA must have shape \(2, 3\)"):
        layer.backward(np.ones((3, 2)))
    with pytest.raises(RuntimeError, match="call forward before backward"):
        Dropout().backward(np.ones((2, 3)))


# ------------------------------------------------------------------------ BatchNorm1d


def batchnorm_with_random_affine(n=3, seed=5):
    rng = np.random.default_rng(seed)
    layer = BatchNorm1d(n)
    layer.gamma[...] = rng.normal(size=n)
    layer.beta[...] = rng.normal(size=n)
    return layer


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_backward_matches_central_differences(central_difference, training):
    rng = np.random.default_rng(6)
    X, R = rng.normal(size=(6, 3)) * 2.0 + 1.0, rng.normal(size=(6, 3))
    layer = batchnorm_with_random_affine()
    layer.running_mean[...] = [0.5, -1.0, 2.0]
    layer.running_var[...] = [2.0, 0.5, 1.5]
    layer.train(training)
    layer.forward(X)
    dX = layer.backward(R)

    def loss(X_=X, gamma=layer.gamma, beta=layer.beta):
        """sum(out * R) at the given values, without the layer's side effects."""
        probe = BatchNorm1d(3).train(training)
        probe.gamma[...], probe.beta[...] = gamma, beta
        probe.running_mean[...] = [0.5, -1.0, 2.0]
        probe.running_var[...] = [2.0, 0.5, 1.5]
        return float(np.sum(probe.forward(X_) * R))

    np.testing.assert_allclose(dX, central_difference(lambda v: loss(X_=v), X),
                               rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(layer.dgamma, central_difference(lambda v: loss(gamma=v),
                                                                layer.gamma),
                               rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(layer.dbeta, central_difference(lambda v: loss(beta=v),
                                                               layer.beta),
                               rtol=1e-5, atol=1e-8)


def test_batchnorm_running_statistics_by_hand():
    layer = BatchNorm1d(2, momentum=0.1, eps=1e-5)
    # batch 1, column 0: [1, 3]   mean 2, biased var 1, unbiased var 2
    #          column 1: [5, 5]   mean 5, var 0
    layer.forward(np.array([[1.0, 5.0], [3.0, 5.0]]))
    # running_mean = 0.9*[0, 0] + 0.1*[2, 5] ; running_var = 0.9*[1, 1] + 0.1*[2, 0]
    np.testing.assert_allclose(layer.running_mean, [0.2, 0.5])
    np.testing.assert_allclose(layer.running_var, [1.1, 0.9])
    # batch 2, column 0: [0, 4, 8]  mean 4, biased var 32/3, unbiased var 16
    #          column 1: [1, 2, 3]  mean 2, biased var 2/3,  unbiased var 1
    out = layer.forward(np.array([[0.0, 1.0], [4.0, 2.0], [8.0, 3.0]]))
    # normalised with the biased variance (gamma 1, beta 0)
    np.testing.assert_allclose(out[:, 0], np.array([-4.0, 0.0, 4.0]) / np.sqrt(32 / 3 + 1e-5))
    np.testing.assert_allclose(out[:, 1], np.array([-1.0, 0.0, 1.0]) / np.sqrt(2 / 3 + 1e-5))
    # running_mean = 0.9*[0.2, 0.5] + 0.1*[4, 2] ; running_var = 0.9*[1.1, 0.9] + 0.1*[16, 1]
    np.testing.assert_allclose(layer.running_mean, [0.58, 0.65])
    np.testing.assert_allclose(layer.running_var, [2.59, 0.91])
    # batch 3, column 0: [2, 2]  mean 2, var 0 ; column 1: [0, 4]  mean 2, unbiased var 8
    layer.forward(np.array([[2.0, 0.0], [2.0, 4.0]]))
    np.testing.assert_allclose(layer.running_mean, [0.722, 0.785])
    np.testing.assert_allclose(layer.running_var, [2.331, 1.619])

    # evaluation mode: the running statistics normalise, and stay as they are
    layer.gamma[...] = [2.0, 1.0]
    layer.beta[...] = [0.0, -1.0]
    layer.eval()
    X = np.array([[1.0, 1.0]])  # one row is fine in evaluation mode
    expected = [[2.0 * (1.0 - 0.722) / np.sqrt(2.331 + 1e-5),
                 (1.0 - 0.785) / np.sqrt(1.619 + 1e-5) - 1.0]]
    np.testing.assert_allclose(layer.forward(X), expected)
    np.testing.assert_allclose(layer.predict(X), expected)
    np.testing.assert_allclose(layer.running_mean, [0.722, 0.785])
    np.testing.assert_allclose(layer.running_var, [2.331, 1.619])


def test_batchnorm_predict_uses_running_statistics_in_training_mode_too():
    layer = batchnorm_with_random_affine()
    X = np.random.default_rng(0).normal(size=(5, 3)) + 3.0
    layer.forward(X)
    running = layer.running_mean.copy()
    expected = layer.gamma * (X - layer.running_mean) / np.sqrt(layer.running_var + 1e-5) \
        + layer.beta
    np.testing.assert_allclose(layer.predict(X), expected)
    assert layer.training
    np.testing.assert_array_equal(layer.running_mean, running)


def test_batchnorm_of_one_row_in_training_raises():
    with pytest.raises(ValueError, match=r"BatchNorm1d.forward: .*at least 2 rows.*\(1, 3\)"):
        BatchNorm1d(3).forward(np.ones((1, 3)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_features": 0}, "n_features must be a positive integer"),
        ({"n_features": 2, "eps": 0.0}, r"eps must be > 0"),
        ({"n_features": 2, "momentum": 1.5}, r"momentum must be in \[0.0, 1.0\]"),
        ({"n_features": 2, "dtype": np.int32}, "dtype must be a floating-point dtype"),
    ],
)
def test_batchnorm_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=f"BatchNorm1d: {match}"):
        BatchNorm1d(**kwargs)


def test_batchnorm_rejects_bad_shapes():
    layer = BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"X must have shape \(m, n_features\) = \(m, 3\)"):
        layer.forward(np.ones((4, 2)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"d_out must have shape \(4, 3\)"):
        layer.backward(np.ones((3, 3)))


def test_batchnorm_float32():
    layer = BatchNorm1d(3, dtype=np.float32)
    out = layer.forward(np.random.default_rng(0).normal(size=(4, 3)))
    assert out.dtype == np.float32 and layer.running_var.dtype == np.float32
    assert layer.backward(np.ones((4, 3))).dtype == np.float32


def test_batchnorm_parameters_in_a_sequential_model():
    model = regularised_model()
    model.layers[3].p = 0.0  # no dropout: a deterministic forward for gradient checking
    bn = model.layers[2]
    assert [p.shape for p in model.params()] == [(6, 4), (6,), (6,), (6,), (3, 6), (3,)]
    assert model.params()[2] is bn.gamma and model.grads()[3] is bn.dbeta
    X, y = batch(m=8)
    assert check_model_gradients(model, X, y) < 1e-7
    # an optimizer step on the model reaches the layer's gamma
    gamma, dgamma = bn.gamma.copy(), bn.dgamma.copy()
    SGD(lr=0.5).step(model.params(), model.grads())
    np.testing.assert_allclose(bn.gamma, gamma - 0.5 * dgamma)


def test_adam_on_a_batchnorm_model_matches_separate_arrays():
    model = regularised_model()
    separate = [p.copy() for p in model.params()]
    opt_model, opt_separate = Adam(lr=0.01), Adam(lr=0.01)
    X, y = batch(m=8)
    for _ in range(3):
        model.backward(softmax_cross_entropy_grad(model.forward(X), y))
        grads = [g.copy() for g in model.grads()]
        opt_model.step(model.params(), model.grads())
        opt_separate.step(separate, grads)
    for a, b in zip(model.params(), separate, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
