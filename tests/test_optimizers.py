"""dlcore.optimizers: hand-worked steps, flat vs per-array paths, dtype, state, errors."""

import math

import numpy as np
import pytest

from dlcore._buffers import flat_view, pack
from dlcore.losses import l2_penalty_grad
from dlcore.optimizers import SGD, Adagrad, Adam, AdamW, RMSProp


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
    decayed, penalised = pack(start)[1], [a.copy() for a in start]
    opt_decayed, opt_plain = SGD(lr=0.1, momentum=0.9, weight_decay=0.01), SGD(0.1, 0.9)
    for g in grads:
        opt_decayed.step(decayed, pack(g)[1])
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
SHAPES = [(3, 4), (3,), (2, 3), (2,), ()]


def random_arrays(rng, dtype=np.float64):
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_flat_and_per_array_paths_give_identical_results(make_opt):
    rng = np.random.default_rng(0)
    start = random_arrays(rng)
    grads = [random_arrays(rng) for _ in range(3)]

    flat_params = pack(start)[1]
    flat_opt = make_opt()
    separate_params = [a.copy() for a in start]
    separate_opt = make_opt()
    assert flat_view(flat_params) is not None and flat_view(separate_params) is None
    for g in grads:
        flat_opt.step(flat_params, pack(g)[1])  # flat path
        separate_opt.step(separate_params, g)  # per-array path
    for a, b in zip(flat_params, separate_params, strict=True):
        np.testing.assert_array_equal(a, b)
    for sa, sb in zip(flat_opt.state, separate_opt.state, strict=True):
        assert sa.keys() == sb.keys()
        for key in sa:
            np.testing.assert_array_equal(sa[key], sb[key])


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_switching_paths_between_steps_keeps_one_state(make_opt):
    rng = np.random.default_rng(1)
    start = random_arrays(rng)
    grads = [random_arrays(rng) for _ in range(3)]
    always_flat, mixed = pack(start)[1], pack(start)[1]
    opt_flat, opt_mixed = make_opt(), make_opt()
    for i, g in enumerate(grads):
        opt_flat.step(always_flat, pack(g)[1])
        opt_mixed.step(mixed, pack(g)[1] if i != 1 else g)  # step 2 runs array by array
    for a, b in zip(always_flat, mixed, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_state_views_share_memory_with_the_flat_buffer(make_opt):
    opt = make_opt()
    params = pack(random_arrays(np.random.default_rng(2)))[1]
    opt.step(params, [np.ones_like(p) for p in params])
    for key, flat in opt._flat_state.items():
        for st in opt.state:
            assert np.shares_memory(st[key], flat)


# ---------------------------------------------------------------- dtype, state, behaviour


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
@pytest.mark.parametrize("flat", [True, False])
def test_float32_params_stay_float32(make_opt, flat):
    rng = np.random.default_rng(3)
    start = random_arrays(rng, np.float32)
    grads = [random_arrays(rng, np.float32) for _ in range(3)]
    params = pack(start)[1] if flat else [a.copy() for a in start]
    reference = [a.astype(np.float64) for a in start]
    opt, opt64 = make_opt(), make_opt()
    for g in grads:
        opt.step(params, pack(g)[1] if flat else g)
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
