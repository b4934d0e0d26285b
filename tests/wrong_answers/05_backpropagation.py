"""Classic wrong answers for chapter 5 (backpropagation), one per exercise and concept check.

Each value replaces the whole solution cell of its exercise; the exercise's hidden test
must then score 0 (see tests/test_chapters.py).
"""

WRONG = {
    # The multiply node hands each input the upstream gradient times that same input,
    # instead of times the *other* input.
    "ex1_graph_nodes": '''class Multiply:
    """Multiply node: forward z = x * y."""

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        dx = dout * self.x
        dy = dout * self.y
        return dx, dy


class Add:
    """Add node: forward z = x + y."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout


def apple_graph(price, count, tax):
    mul_apple, mul_tax = Multiply(), Multiply()
    subtotal = mul_apple.forward(price, count)
    total = mul_tax.forward(subtotal, tax)
    d_subtotal, d_tax = mul_tax.backward(1.0)
    d_price, d_count = mul_apple.backward(d_subtotal)
    return total, d_price, d_count, d_tax
''',
    # The square node returns its local gradient 2t and forgets to multiply by dout.
    "ex2_square_of_sum": '''class Square:
    """Square node: forward z = t ** 2."""

    def __init__(self):
        self.t = None

    def forward(self, t):
        self.t = t
        return t ** 2

    def backward(self, dout):
        return 2 * self.t


def square_of_sum(x, y):
    add, square = Add(), Square()
    t = add.forward(x, y)
    z = square.forward(t)
    dt = square.backward(1.0)
    dz_dx, dz_dy = add.backward(dt)
    return z, dz_dx, dz_dy
''',
    # db averaged over the batch: the 1/m of the mean loss is then applied twice.
    "ex3_affine_backward": '''def affine_backward(dZ, A_prev, W):
    dA_prev = dZ @ W
    dW = dZ.T @ A_prev
    db = np.mean(dZ, axis=0)
    return dA_prev, dW, db
''',
    # sigmoid'(z) = s (1 - s) applied to the pre-activation Z instead of s = sigmoid(Z).
    "ex4_activation_backward": '''def relu_backward(dA, Z):
    return dA * (Z > 0)


def sigmoid_backward(dA, Z):
    return dA * Z * (1 - Z)
''',
    # P - Y without the 1/m of the mean loss.
    "ex5_softmax_ce_backward": '''def softmax_cross_entropy_backward(logits, y):
    P = softmax(logits)
    Y = np.eye(logits.shape[1])[y]
    return P - Y
''',
    # The activation's derivative between layers is skipped: dZ[l-1] = dA[l-1].
    "ex6_backward_propagation": '''def backward_propagation(y, params, caches, activations):
    grads = {}
    L = len(caches)
    dZ = softmax_cross_entropy_backward(caches[-1]["Z"], y)
    for l in range(L, 0, -1):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = affine_backward(
            dZ, caches[l - 1]["A_prev"], params[f"W{l}"])
        dZ = dA_prev
    return grads
''',
    # x restored by arithmetic (+eps, -2 eps, +eps) instead of writing back the saved value:
    # in floating point this leaves most elements a few ulps away from where they were.
    "ex7_gradient_check": '''def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        f_plus = f(x)
        x[idx] -= 2 * eps
        f_minus = f(x)
        x[idx] += eps
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check(f, params, grads, eps=1e-5):
    worst = 0.0
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: f(params), value, eps)
        analytic = grads["d" + name]
        scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
        worst = max(worst, float(np.max(np.abs(analytic - numeric) / scale)))
    return worst
''',
    # Gradient ascent: the update adds lr * dp instead of subtracting it.
    "ex8_train_mlp": '''def train_mlp(X, y, params, activations, *, lr, epochs, batch_size, rng=0):
    rng = np.random.default_rng(rng)
    params = {key: value.copy() for key, value in params.items()}
    m = len(X)
    history = []
    for _ in range(epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            logits, caches = forward_propagation(X[batch], params, activations)
            total += softmax_cross_entropy(logits, y[batch]) * len(batch)
            grads = backward_propagation(y[batch], params, caches, activations)
            for key in params:
                params[key] = params[key] + lr * grads["d" + key]
        history.append(total / m)
    return params, history
''',
    # Concept checks: the classic slips.
    # dL/dx taken as dout times x itself (5 * 3) instead of the other input (5 * -2).
    "cc1_multiply_grad": "cc1_multiply_grad = 15\n",
    # The biases forgotten: only the weights counted.
    "cc2_n_params": "cc2_n_params = 784 * 128 + 128 * 64 + 64 * 10\n",
    # The bound on sigma' read as a bound on the whole gradient.
    "cc3_sigmoid_bound": "cc3_sigmoid_bound = True\n",
}
