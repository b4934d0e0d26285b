"""dlcore.optimizers: hand-worked steps, whole-vector vs reference paths, dtype, state, errors."""

import math

import numpy as np
import pytest

from dlcore.layers import BatchNorm1d, Dense, Sequential
from dlcore.losses import l2_penalty_grad
from dlcore.optimizers import SGD, Adagrad, Adam, AdamW, FunctionalOptimizer, RMSProp


def run_scalar(opt, w0, grads):
    """Apply ``opt`` to one scalar parameter (a shape-(1,) array); return w after each step."""
    w = np.array([w0])
    trace = []
    for g in grads:
        opt.step([w], [np.array([g])])
        trace.append(float(w[0]))
    return trace


# ---------------------------------------------------------------- steps worked by hand


def test_sgd_plain_by_hand():
    # w -= 0.1*g:  1 - 0.2 = 0.8,  0.8 + 0.1 = 0.9,  0.9 - 0.05 = 0.85
    assert run_scalar(SGD(lr=0.1), 1.0, [2.0, -1.0, 0.5]) == pytest.approx([0.8, 0.9, 0.85])


def test_sgd_momentum_by_hand():
    # v = 0.9 v + g  ->  1, 1.9, 2.71;  w -= 0.1 v  ->  -0.1, -0.29, -0.561
    opt = SGD(lr=0.1, momentum=0.9)
    assert run_scalar(opt, 0.0, [1.0, 1.0, 1.0]) == pytest.approx([-0.1, -0.29, -0.561])
    assert float(opt.state[0]["momentum_buffer"][0]) == pytest.approx(2.71)


def test_sgd_nesterov_by_hand():
    # v = 1 then 1.9;  w -= 0.1 (g + 0.9 v)  ->  -0.19, then -0.19 - 0.1*(1 + 1.71) = -0.461
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    assert run_scalar(opt, 0.0, [1.0, 1.0]) == pytest.approx([-0.19, -0.461])


def test_adagrad_by_hand():
    # sum = 9, 25, 25;  w -= 0.5 g / sqrt(sum)  ->  1 - 0.5 = 0.5,  0.5 - 0.4 = 0.1,  0.1
    opt = Adagrad(lr=0.5, eps=0.0)
    assert run_scalar(opt, 1.0, [3.0, 4.0, 0.0]) == pytest.approx([0.5, 0.1, 0.1])
    assert float(opt.state[0]["sum"][0]) == 25.0
    assert opt.state[0]["step"] == 3


def test_adagrad_eps_is_added_after_the_sqrt():
    # sum = 4;  w = 0 - 1 * 2 / (2 + 1) = -2/3  (eps inside the sqrt would give -2/sqrt(5))
    assert run_scalar(Adagrad(lr=1.0, eps=1.0), 0.0, [2.0]) == pytest.approx([-2 / 3])


def test_rmsprop_by_hand():
    # square_avg = 0.25*4 = 1, then 0.75*1 + 0.25*16 = 4.75;  w -= 0.1 g / sqrt(square_avg)
    opt = RMSProp(lr=0.1, alpha=0.75, eps=0.0)
    expected = [0.8, 0.8 - 0.4 / math.sqrt(4.75)]
    assert run_scalar(opt, 1.0, [2.0, 4.0]) == pytest.approx(expected)
    assert float(opt.state[0]["square_avg"][0]) == pytest.approx(4.75)


def test_rmsprop_eps_is_added_after_the_sqrt():
    # square_avg = 0.5*4 = 2;  w = 0 - 1 * 2 / (sqrt(2) + 1)
    expected = [-2 / (math.sqrt(2.0) + 1.0)]
    assert run_scalar(RMSProp(lr=1.0, alpha=0.5, eps=1.0), 0.0, [2.0]) == pytest.approx(expected)


def test_adam_by_hand():
    # betas (0.5, 0.75), lr 0.1, eps 0:
    # t=1, g=2:  m = 1,     v = 1,      m_hat = 1/0.5 = 2,        v_hat = 1/0.25 = 4
    #            w = 1 - 0.1*2/2 = 0.9
    # t=2, g=-2: m = -0.5,  v = 1.75,   m_hat = -0.5/0.75 = -2/3, v_hat = 1.75/0.4375 = 4
    #            w = 0.9 + 0.1*(2/3)/2 = 0.9 + 1/30
    # t=3, g=0:  m = -0.25, v = 1.3125, m_hat = -0.25/0.875,      v_hat = 1.3125/0.578125
    opt = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0)
    w3 = 0.9 + 1 / 30 + 0.1 * (0.25 / 0.875) / math.sqrt(1.3125 / 0.578125)
    assert run_scalar(opt, 1.0, [2.0, -2.0, 0.0]) == pytest.approx([0.9, 0.9 + 1 / 30, w3])
    st = opt.state[0]
    assert st["step"] == 3
    assert float(st["exp_avg"][0]) == pytest.approx(-0.25)
    assert float(st["exp_avg_sq"][0]) == pytest.approx(1.3125)


def test_adam_eps_is_added_after_the_sqrt():
    # t=1 with defaults' betas: m_hat = g = 3, v_hat = 9;  w = 0 - 1 * 3 / (3 + 1)
    assert run_scalar(Adam(lr=1.0, eps=1.0), 0.0, [3.0]) == pytest.approx([-0.75])


# ---------------------------------------------------------------- weight decay by hand


def test_sgd_weight_decay_by_hand():
    # g + 0.5 w:  2 + 0.5*1 = 2.5 -> w = 1 - 0.25 = 0.75
    #             -1 + 0.5*0.75 = -0.625 -> w = 0.75 + 0.0625 = 0.8125
    assert run_scalar(SGD(lr=0.1, weight_decay=0.5), 1.0, [2.0, -1.0]) == pytest.approx(
        [0.75, 0.8125])


def test_sgd_momentum_weight_decay_by_hand():
    # step 1: g' = 2 + 0.5*1 = 2.5,      v = 2.5,               w = 1 - 0.25 = 0.75
    # step 2: g' = 2 + 0.5*0.75 = 2.375, v = 0.9*2.5 + 2.375 = 4.625, w = 0.75 - 0.4625
    opt = SGD(lr=0.1, momentum=0.9, weight_decay=0.5)
    assert run_scalar(opt, 1.0, [2.0, 2.0]) == pytest.approx([0.75, 0.2875])
    assert float(opt.state[0]["momentum_buffer"][0]) == pytest.approx(4.625)


def test_adam_weight_decay_is_added_to_the_gradient_by_hand():
    # g' = g + 0.5 w: step 1 g = 1.5 gives g' = 2, step 2 g = -2.45 gives g' = -2.45 + 0.45 = -2:
    # the gradients of test_adam_by_hand, hence its values 0.9 and 0.9 + 1/30
    opt = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0, weight_decay=0.5)
    assert run_scalar(opt, 1.0, [1.5, -2.45]) == pytest.approx([0.9, 0.9 + 1 / 30])
    assert float(opt.state[0]["exp_avg"][0]) == pytest.approx(-0.5)  # 0.5*1 + 0.5*(-2)


def test_adamw_decays_decoupled_by_hand():
    # lr 0.1, wd 0.5, betas (0.5, 0.75), eps 0; the decay comes first: w *= 1 - 0.1*0.5
    # step 1, g = 2:  w = 0.95;    m = 1, v = 1, m_hat = 2, v_hat = 4;  w = 0.95 - 0.1*2/2 = 0.85
    # step 2, g = -2: w = 0.8075;  m = -0.5, v = 1.75, m_hat = -2/3, v_hat = 4
    #                 w = 0.8075 + 0.1*(2/3)/2 = 0.8075 + 1/30
    opt = AdamW(lr=0.1, betas=(0.5, 0.75), eps=0.0, weight_decay=0.5)
    assert run_scalar(opt, 1.0, [2.0, -2.0]) == pytest.approx([0.85, 0.8075 + 1 / 30])
    assert float(opt.state[0]["exp_avg_sq"][0]) == pytest.approx(1.75)  # g alone, no decay


def test_sgd_weight_decay_equals_the_l2_penalty_gradient():
    rng = np.random.default_rng(0)
    start, grads = random_arrays(rng), [random_arrays(rng) for _ in range(3)]
    model = model_holding(start)
    decayed, penalised = model.params(), [a.copy() for a in start]
    opt_decayed, opt_plain = SGD(lr=0.1, momentum=0.9, weight_decay=0.01), SGD(0.1, 0.9)
    for g in grads:
        opt_decayed.step(decayed, gradients_of(model, g))
        with_penalty = [a + b for a, b in zip(g, l2_penalty_grad(penalised, 0.01), strict=True)]
        opt_plain.step(penalised, with_penalty)
    for a, b in zip(decayed, penalised, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_weight_decay_leaves_grads_unchanged():
    w, g = np.ones(3), np.array([1.0, 2.0, 3.0])
    for opt in (SGD(0.1, weight_decay=0.5), Adam(weight_decay=0.5), AdamW()):
        opt.step([w], [g])
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0])


def test_adamw_defaults_match_pytorch():
    opt = AdamW()
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay) == (0.001, (0.9, 0.999), 1e-8, 0.01)
    assert SGD(0.1).weight_decay == Adam().weight_decay == 0.0


def test_adam_defaults_match_pytorch():
    opt = Adam()
    assert (opt.lr, opt.betas, opt.eps) == (0.001, (0.9, 0.999), 1e-8)
    assert (Adagrad().lr, Adagrad().eps) == (0.01, 1e-10)
    assert (RMSProp().lr, RMSProp().alpha, RMSProp().eps) == (0.01, 0.99, 1e-8)
    assert (SGD(0.1).momentum, SGD(0.1).nesterov) == (0.0, False)


# ---------------------------------------------------------------- the two paths agree

OPTIMIZERS = [
    lambda: SGD(lr=0.05),
    lambda: SGD(lr=0.05, momentum=0.9),
    lambda: SGD(lr=0.05, momentum=0.9, nesterov=True),
    lambda: Adagrad(lr=0.1),
    lambda: RMSProp(lr=0.01),
    lambda: Adam(lr=0.01),
    lambda: SGD(lr=0.05, momentum=0.9, weight_decay=0.1),
    lambda: Adam(lr=0.01, weight_decay=0.1),
    lambda: AdamW(lr=0.01, weight_decay=0.1),
]
SHAPES = [(3, 4), (3,), (3,), (3,), (2, 3), (2,)]  # the parameters of model_holding


def random_arrays(rng, dtype=np.float64):
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


def model_holding(values, dtype=np.float64):
    """A model whose parameters hold ``values``: each layer keeps its arrays side by side,
    so an optimizer updates them through its whole-vector path."""
    model = Sequential(Dense(4, 3, dtype=dtype), BatchNorm1d(3, dtype=dtype),
                       Dense(3, 2, dtype=dtype))
    for p, v in zip(model.params(), values, strict=True):
        p[...] = v
    return model


def gradients_of(model, values):
    """The model's own gradient arrays, filled with ``values`` (as backward would)."""
    for g, v in zip(model.grads(), values, strict=True):
        g[...] = v
    return model.grads()


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_a_models_arrays_and_separate_arrays_get_the_same_updates(make_opt):
    # a model's arrays go through the whole-vector path, separate ones one by one
    rng = np.random.default_rng(0)
    start = random_arrays(rng)
    grads = [random_arrays(rng) for _ in range(3)]
    model, model_opt = model_holding(start), make_opt()
    separate, separate_opt = [a.copy() for a in start], make_opt()
    for g in grads:
        model_opt.step(model.params(), gradients_of(model, g))
        separate_opt.step(separate, g)
    for a, b in zip(model.params(), separate, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    for sa, sb in zip(model_opt.state, separate_opt.state, strict=True):
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_allclose(sa[key], sb[key], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_switching_paths_between_steps_keeps_one_state(make_opt):
    rng = np.random.default_rng(1)
    start = random_arrays(rng)
    grads = [random_arrays(rng) for _ in range(3)]
    always, mixed = model_holding(start), model_holding(start)
    opt_always, opt_mixed = make_opt(), make_opt()
    for i, g in enumerate(grads):
        opt_always.step(always.params(), gradients_of(always, g))
        # step 2 gets separate gradient arrays: the model's arrays go one by one
        opt_mixed.step(mixed.params(), gradients_of(mixed, g) if i != 1 else g)
    for a, b in zip(always.params(), mixed.params(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("on_a_model", [True, False])
def test_the_state_a_user_sets_is_what_the_step_uses(on_a_model):
    # Adam, betas (0.5, 0.75), lr 0.1, eps 0, every gradient 2, at step 1 with exp_avg set
    # to 3 and exp_avg_sq to 5 beforehand:
    #   m = 0.5*3 + 0.5*2 = 2.5,  v = 0.75*5 + 0.25*4 = 4.75
    #   p = 0 - 0.1 * (2.5 / 0.5) / sqrt(4.75 / 0.25) = -0.5 / sqrt(19)
    model = model_holding([np.zeros(shape) for shape in SHAPES])
    twos = [np.full(shape, 2.0) for shape in SHAPES]
    params = model.params() if on_a_model else [np.zeros(shape) for shape in SHAPES]
    grads = gradients_of(model, twos) if on_a_model else twos
    opt = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0)
    opt.step(params, grads)  # allocates the state; now start over by hand
    for p, st in zip(params, opt.state, strict=True):
        p[...] = 0.0
        st["step"] = 0
        st["exp_avg"][...] = 3.0  # written in place
        st["exp_avg_sq"][...] = 5.0
    opt.state[0]["exp_avg_sq"] = np.full(SHAPES[0], 5.0)  # replaced by a new array
    replaced = opt.state[0]["exp_avg_sq"]
    opt.step(params, grads)
    for p, st in zip(params, opt.state, strict=True):
        np.testing.assert_allclose(p, -0.5 / math.sqrt(19.0), rtol=1e-12)
        np.testing.assert_allclose(st["exp_avg"], 2.5)
        np.testing.assert_allclose(st["exp_avg_sq"], 4.75)
    assert opt.state[0]["exp_avg_sq"] is replaced  # updated in place, still the user's


def test_a_replaced_state_array_of_the_wrong_shape_raises():
    model = model_holding(random_arrays(np.random.default_rng(0)))
    opt = Adam()
    opt.step(model.params(), model.grads())
    opt.state[1]["exp_avg"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"state\[1\]\['exp_avg'\] must be an array of "
                                         r"shape \(3,\) like params\[1\], got \(4,\)"):
        opt.step(model.params(), model.grads())


def test_a_zero_dimensional_parameter():
    w = np.array(1.0)
    SGD(lr=0.5, momentum=0.9).step([w], [np.array(2.0)])
    assert float(w) == 0.0


# ---------------------------------------------------------------- dtype, state, behaviour


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
@pytest.mark.parametrize("flat", [True, False])
def test_float32_params_stay_float32(make_opt, flat):
    rng = np.random.default_rng(3)
    start = random_arrays(rng, np.float32)
    grads = [random_arrays(rng, np.float32) for _ in range(3)]
    model = model_holding(start, np.float32)
    params = model.params() if flat else [a.copy() for a in start]
    reference = [a.astype(np.float64) for a in start]
    opt, opt64 = make_opt(), make_opt()
    for g in grads:
        opt.step(params, gradients_of(model, g) if flat else g)
        opt64.step(reference, [a.astype(np.float64) for a in g])
    for p, r in zip(params, reference, strict=True):
        assert p.dtype == np.float32
        np.testing.assert_allclose(p, r, rtol=1e-4, atol=1e-5)
    for st in opt.state:
        for key, value in st.items():
            if key != "step":
                assert value.dtype == np.float32


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_minimises_a_quadratic(make_opt):
    w = np.array([3.0, -2.0, 0.5])
    opt = make_opt()
    for _ in range(2000):
        opt.step([w], [2 * w])  # gradient of |w|^2
    assert np.linalg.norm(w) < 0.1


def test_step_leaves_grads_unchanged():
    w, g = np.ones(3), np.array([1.0, 2.0, 3.0])
    Adam().step([w], [g])
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0])


def test_state_persists_and_reset_starts_over():
    opt = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0)
    w = np.array([1.0])
    opt.step([w], [np.array([2.0])])
    opt.step([w], [np.array([-2.0])])
    assert opt.state[0]["step"] == 2
    opt.reset()
    assert opt.state == []
    v = np.array([1.0])
    opt.step([v], [np.array([2.0])])  # a first step again: same as the hand value 0.9
    assert float(v[0]) == pytest.approx(0.9)
    assert opt.state[0]["step"] == 1


def test_lr_can_follow_a_schedule():
    opt = SGD(lr=1.0)
    w = np.array([0.0])
    for lr in (1.0, 0.5, 0.25):
        opt.lr = lr
        opt.step([w], [np.array([1.0])])
    assert float(w[0]) == pytest.approx(-1.75)


def test_list_grads_are_accepted():
    w = np.array([1.0, 1.0])
    SGD(lr=0.5).step([w], [[2, 4]])
    np.testing.assert_allclose(w, [0.0, -1.0])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SGD(lr=-0.1), r"SGD: lr must be >= 0"),
        (lambda: SGD(lr=0.1, momentum=-0.5), r"SGD: momentum must be >= 0"),
        (lambda: SGD(lr=0.1, nesterov=True), r"SGD: nesterov=True needs momentum > 0"),
        (lambda: Adagrad(lr=-1.0), r"Adagrad: lr must be >= 0"),
        (lambda: Adagrad(eps=-1e-10), r"Adagrad: eps must be >= 0"),
        (lambda: RMSProp(alpha=1.0), r"RMSProp: alpha must be in \[0.0, 1.0\)"),
        (lambda: RMSProp(alpha=-0.1), r"RMSProp: alpha must be in \[0.0, 1.0\)"),
        (lambda: RMSProp(eps=-1.0), r"RMSProp: eps must be >= 0"),
        (lambda: Adam(lr=-0.001), r"Adam: lr must be >= 0"),
        (lambda: Adam(betas=(1.0, 0.999)), r"Adam: betas\[0\] must be in \[0.0, 1.0\)"),
        (lambda: Adam(betas=(0.9, -0.1)), r"Adam: betas\[1\] must be in \[0.0, 1.0\)"),
        (lambda: Adam(betas=(0.9,)), r"Adam: betas must be a pair"),
        (lambda: Adam(eps=-1e-8), r"Adam: eps must be >= 0"),
        (lambda: Adam(lr=float("nan")), r"Adam: lr must be a finite real number"),
        (lambda: SGD(lr=0.1, weight_decay=-0.1), r"SGD: weight_decay must be >= 0"),
        (lambda: Adam(weight_decay=-0.1), r"Adam: weight_decay must be >= 0"),
        (lambda: AdamW(weight_decay=-0.1), r"AdamW: weight_decay must be >= 0"),
        (lambda: AdamW(betas=(0.9, 1.0)), r"AdamW: betas\[1\] must be in \[0.0, 1.0\)"),
        (lambda: Adam(lr="0.1"), r"Adam: lr must be a finite real number"),
    ],
)
def test_bad_settings_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match=r"Adam.step: params and grads .* got 2 and 1"):
        Adam().step([np.ones(2), np.ones(3)], [np.ones(2)])


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"params\[1\] and grads\[1\] .* got \(3,\) and \(3, 1\)"):
        SGD(lr=0.1).step([np.ones(2), np.ones(3)], [np.ones(2), np.ones((3, 1))])


def test_params_changing_between_steps_raises():
    opt = RMSProp()
    opt.step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"params changed since the first step.*reset\(\)"):
        opt.step([np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match=r"params changed since the first step"):
        opt.step([np.ones(2), np.ones(2)], [np.ones(2), np.ones(2)])


@pytest.mark.parametrize(
    ("param", "match"),
    [(np.ones(2, dtype=np.int64), r"params\[0\] .* got int64 array"), ([1.0, 2.0], r"got list")],
)
def test_params_must_be_float_arrays(param, match):
    with pytest.raises(ValueError, match=match):
        SGD(lr=0.1).step([param], [np.ones(2)])


def test_empty_params_raise():
    with pytest.raises(ValueError, match=r"params is empty"):
        Adam().step([], [])


# ---------------------------------------------------------------- FunctionalOptimizer


def momentum_update(p, g, v, lr, mu=0.9):
    """Chapter 6's momentum rule, as a student writes it: pure, new arrays out."""
    v_new = mu * v + g
    return p - lr * v_new, v_new


def adam_update(p, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """Chapter 6's Adam rule, as a student writes it."""
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def sgd_update(p, g, lr):
    return p - lr * g


PURE_AND_BUILT_IN = [
    (lambda: FunctionalOptimizer(momentum_update, state=("v",), lr=0.05, mu=0.9),
     lambda: SGD(lr=0.05, momentum=0.9)),
    (lambda: FunctionalOptimizer(adam_update, state=("m", "v"), step_arg="t", lr=0.01),
     lambda: Adam(lr=0.01)),
    (lambda: FunctionalOptimizer(sgd_update, state=(), lr=0.1), lambda: SGD(lr=0.1)),
]


@pytest.mark.parametrize(("make_pure", "make_built_in"), PURE_AND_BUILT_IN)
def test_functional_optimizer_equals_the_built_in_rule(make_pure, make_built_in):
    rng = np.random.default_rng(0)
    start = random_arrays(rng)
    grads = [random_arrays(rng) for _ in range(4)]
    pure_params, pure = [a.copy() for a in start], make_pure()
    built_params, built_in = [a.copy() for a in start], make_built_in()
    for g in grads:
        pure.step(pure_params, g)
        built_in.step(built_params, g)
    for a, b in zip(pure_params, built_params, strict=True):
        np.testing.assert_array_equal(a, b)  # the reference path: the very same arithmetic


@pytest.mark.parametrize(("make_pure", "make_built_in"), PURE_AND_BUILT_IN)
def test_functional_optimizer_trains_a_model_in_place_like_the_built_in(make_pure,
                                                                        make_built_in):
    from dlcore.training import fit
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 4)), rng.integers(0, 2, size=40)
    models = [Sequential(Dense(4, 5, rng=2), Dense(5, 2, rng=3)) for _ in range(2)]
    arrays = [m.params() for m in models]
    for model, opt in zip(models, (make_pure(), make_built_in()), strict=True):
        fit(model, X, y, optimizer=opt, epochs=3, batch_size=8, rng=0, progress=False)
    for a, b, before in zip(models[0].params(), models[1].params(), arrays[0], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        assert a is before  # written into the model's own arrays


def test_functional_optimizer_passes_the_step_count_and_keeps_state():
    calls = []

    def record(p, g, acc, t, lr):
        calls.append((t, float(acc[0])))
        return p - lr * g, acc + 1.0

    opt = FunctionalOptimizer(record, state=("acc",), step_arg="t", lr=0.5)
    w = np.array([1.0])
    for _ in range(3):
        opt.step([w], [np.array([1.0])])
    assert calls == [(1, 0.0), (2, 1.0), (3, 2.0)]
    assert opt.state[0]["step"] == 3 and float(opt.state[0]["acc"][0]) == 3.0
    assert float(w[0]) == pytest.approx(-0.5)
    opt.hyperparams["lr"] = 0.0  # a schedule changes the settings between steps
    opt.step([w], [np.array([1.0])])
    assert float(w[0]) == pytest.approx(-0.5)


def test_functional_optimizer_keeps_float32():
    w = np.ones(3, dtype=np.float32)
    opt = FunctionalOptimizer(momentum_update, lr=0.1)
    opt.step([w], [np.ones(3)])  # a float64 result is written into the float32 array
    assert w.dtype == np.float32 and opt.state[0]["v"].dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"update": 3}, r"update must be a function"),
        ({"update": sgd_update, "state": "v"}, r"state must be a tuple of distinct names"),
        ({"update": sgd_update, "state": ("v", "v")}, r"state must be a tuple"),
        ({"update": sgd_update, "state": ("step",)}, r"state must be .* other than 'step'"),
        ({"update": sgd_update, "step_arg": 1}, r"step_arg must be None or a keyword"),
    ],
)
def test_functional_optimizer_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=f"FunctionalOptimizer: {match}"):
        FunctionalOptimizer(**kwargs)


def test_functional_optimizer_bad_results():
    w, g = np.ones(2), np.ones(2)
    with pytest.raises(ValueError, match=r"update must return 2 arrays \(new p, then v\), got 3"):
        FunctionalOptimizer(lambda p, g, v, lr: (p, v, v), lr=0.1).step([w], [g])
    with pytest.raises(ValueError, match=r"update must return a tuple \(new p, v\), got a single"):
        FunctionalOptimizer(lambda p, g, v, lr: p, lr=0.1).step([w], [g])
    with pytest.raises(ValueError, match=r"new p of shape \(3,\) for params\[0\] of shape \(2,\)"):
        FunctionalOptimizer(lambda p, g, lr: np.ones(3), state=(), lr=0.1).step([w], [g])
    with pytest.raises(ValueError, match=r"params and grads must have the same length"):
        FunctionalOptimizer(sgd_update, state=(), lr=0.1).step([w], [])
