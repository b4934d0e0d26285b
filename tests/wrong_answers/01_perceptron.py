"""Chapter 1 (perceptron): one classic wrong answer per exercise and concept check.

Each value replaces the whole source of that answer cell (a list: each source in turn);
its hidden test must then score 0 (see tests/test_chapters.py).
"""

WRONG = {
    # Forgets the bias: z = w·x instead of w·x + b.
    "ex1_weighted_sum": (
        "def weighted_sum(x, w, b):\n"
        "    return x @ w\n"
    ),
    # The threshold on the wrong side: step(0) = 1 ("z >= 0" instead of "z > 0").
    "ex2_step": (
        "def step(z):\n"
        "    return (z >= 0).astype(z.dtype)\n"
    ),
    # OR with its boundary through (0, 1) and (1, 0): z = 0 there, and step(0) = 0.
    "ex3_gate_weights": (
        "def gate_weights(name):\n"
        "    if name == 'and':\n"
        "        return np.array([1.0, 1.0]), -1.5\n"
        "    if name == 'or':\n"
        "        return np.array([1.0, 1.0]), -1.0\n"
        "    if name == 'nand':\n"
        "        return np.array([-1.0, -1.0]), 1.5\n"
        "    raise ValueError(f'unknown gate {name!r}')\n"
    ),
    # Labels -1/+1 from np.sign instead of 0/1 from the step.
    "ex4_perceptron_predict": (
        "def perceptron_predict(X, w, b):\n"
        "    return np.sign(X @ w + b).astype(int)\n"
    ),
    # Updates the caller's weights in place (w += ...) instead of returning a new array.
    "ex5_perceptron_update": (
        "def perceptron_update(w, b, x, y, lr):\n"
        "    y_hat = 1.0 if x @ w + b > 0 else 0.0\n"
        "    w += lr * (y - y_hat) * x\n"
        "    b += lr * (y - y_hat)\n"
        "    return w, b\n"
    ),
    # The update with the sign flipped: w - lr (y - y_hat) x moves away from the answer.
    "ex6_train_perceptron": (
        "def train_perceptron(X, y, lr=0.1, n_epochs=10, rng=None):\n"
        "    rng = np.random.default_rng(rng)\n"
        "    w = rng.normal(0.0, 0.01, size=X.shape[1])\n"
        "    b = float(rng.normal(0.0, 0.01))\n"
        "    errors = []\n"
        "    for _ in range(n_epochs):\n"
        "        mistakes = 0\n"
        "        for x_i, y_i in zip(X, y):\n"
        "            error = y_i - (1.0 if x_i @ w + b > 0 else 0.0)\n"
        "            if error != 0:\n"
        "                mistakes += 1\n"
        "                w = w - lr * error * x_i\n"
        "                b = b - lr * error\n"
        "        errors.append(mistakes)\n"
        "        if mistakes == 0:\n"
        "            break\n"
        "    return w, b, errors\n"
    ),
    "ex7_xor_two_layer": [
        # Wired wrong: OR in the output unit, so NAND(x) OR OR(x) is always 1.
        (
            "def xor_two_layer(X):\n"
            "    h1 = perceptron_predict(X, *gate_weights('nand'))\n"
            "    h2 = perceptron_predict(X, *gate_weights('or'))\n"
            "    H = np.column_stack([h1, h2])\n"
            "    return perceptron_predict(H, *gate_weights('or'))\n"
        ),
        # No network at all: XOR written down as "the two inputs differ". Right answers,
        # no perceptron, so the wiring check must fail it.
        (
            "def xor_two_layer(X):\n"
            "    return (X[:, 0] != X[:, 1]).astype(int)\n"
        ),
    ],
    # The distance without dividing by ||w||: |b| = 10.
    "cc1_boundary_distance": "cc1_boundary_distance = 10.0\n",
    # The bias left out of the update: z grows by eta * ||x||**2 = 1 only, to 0.9.
    "cc2_z_after_update": "cc2_z_after_update = 0.9\n",
    # NOR mistaken for the inseparable one.
    "cc3_not_separable": 'cc3_not_separable = "a"\n',
}
