"""Chapter 3: one classic wrong answer per exercise and concept check; each must score 0.

``tests/test_chapters.py`` grades the solution with one of these answers in place of the
exercise's solution cell and requires ``<exercise>_hidden`` to score 0.
"""

WRONG = {
    # W[l] stored the other way round: (n[l-1], n[l]) instead of (n[l], n[l-1]).
    "ex1_layer_shapes": '''
def layer_shapes(layer_dims):
    shapes = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = (layer_dims[l - 1], layer_dims[l])
        shapes[f"b{l}"] = (layer_dims[l],)
    return shapes
''',
    "ex2_initialize_parameters": [
        # The variance 2/n_in passed to rng.normal as if it were the standard deviation.
        '''
def initialize_parameters(layer_dims, rng, init="he"):
    if init not in ("he", "xavier", "small", "zeros"):
        raise ValueError(f"unknown init {init!r}")
    params = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        if init == "zeros":
            params[f"W{l}"] = np.zeros((n_out, n_in))
        else:
            std = {"he": 2.0 / n_in, "xavier": 2.0 / (n_in + n_out), "small": 0.01}[init]
            params[f"W{l}"] = rng.normal(0.0, std, size=(n_out, n_in))
        params[f"b{l}"] = np.zeros(n_out)
    return params
''',
        # Uniform weights with the rule's standard deviation: U(-a, a) has std a / sqrt(3).
        # The mean and the spread are right; the distribution is not normal.
        '''
def initialize_parameters(layer_dims, rng, init="he"):
    spreads = {"he": lambda n_in, n_out: np.sqrt(2.0 / n_in),
               "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
               "small": lambda n_in, n_out: 0.01, "zeros": lambda n_in, n_out: 0.0}
    if init not in spreads:
        raise ValueError(f"unknown init {init!r}")
    params = {}
    for l, (n_in, n_out) in enumerate(zip(layer_dims, layer_dims[1:]), start=1):
        a = np.sqrt(3.0) * spreads[init](n_in, n_out)
        W = rng.uniform(-a, a, size=(n_out, n_in)) if a > 0 else np.zeros((n_out, n_in))
        params[f"W{l}"], params[f"b{l}"] = W, np.zeros(n_out)
    return params
''',
    ],
    # The textbook softmax without subtracting the maximum: inf / inf = nan for large logits.
    "ex3_activations": '''
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0)


def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)


def softmax(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
''',
    # sigma'(z) = s (1 - s) applied to z itself instead of to s = sigmoid(z).
    "ex4_activation_derivatives": '''
def sigmoid_grad(z):
    return z * (1 - z)


def tanh_grad(z):
    return 1 - np.tanh(z) ** 2


def relu_grad(z):
    return (z > 0).astype(z.dtype)


def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)
''',
    # The number of classes guessed from the labels instead of taken from n_classes.
    "ex5_one_hot": '''
def one_hot(y, n_classes):
    return np.eye(y.max() + 1)[y]
''',
    # Examples as columns: (n_out, m) instead of the course's batch-first (m, n_out).
    "ex6_dense_forward": '''
def dense_forward(A_prev, W, b):
    return W @ A_prev.T + b[:, None]
''',
    # The weighted input Z, not the activation A, handed on to the next layer.
    "ex7_forward_propagation": '''
def forward_propagation(X, params, activations):
    functions = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
                 "softmax": softmax, "identity": lambda Z: Z}
    L = len(params) // 2
    if len(activations) != L or any(name not in functions for name in activations):
        raise ValueError("bad activations")
    A, caches = X, []
    for l, name in enumerate(activations, start=1):
        Z = dense_forward(A, params[f"W{l}"], params[f"b{l}"])
        A_next = functions[name](Z)
        caches.append({"A_prev": A, "Z": Z, "A": A_next})
        A = Z
    return A_next, caches
''',
    # The weights collapsed correctly, but the earlier biases forgotten.
    "ex8_collapse_linear": '''
def collapse_linear(Ws, bs):
    W = Ws[0]
    for W_l in Ws[1:]:
        W = W_l @ W
    return W, bs[-1]
''',
    # The transposed shape (n[l-1], n[l]): columns and rows swapped.
    "cc1_w2_shape": "cc1_w2_shape = (8, 3)\n",
    # The weights only, without the 58 biases.
    "cc2_n_params": "cc2_n_params = 2720\n",
    # "It can recover" holds for later layers, whose inputs change; not for the first one.
    "cc3_dead_relu": "cc3_dead_relu = True\n",
}
