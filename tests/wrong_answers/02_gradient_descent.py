"""Chapter 2 (gradient descent): one classic wrong answer per exercise and concept check.

Each value replaces the whole source of that exercise's solution cell; the exercise's
``_hidden`` test cell must then fail (score 0) with a message that names the mistake.
"""

WRONG = {
    # Sums the squared errors instead of averaging them: J is m times too large.
    "ex1_mse_loss": '''def mse_loss(w, b, x, y):
    errors = w * x + b - y
    return float(np.sum(errors ** 2))
''',
    # Error written as y - y_hat without compensating: both gradients have the wrong sign.
    "ex2_mse_gradients": '''def mse_gradients(w, b, x, y):
    errors = y - (w * x + b)
    return float(2 * np.mean(errors * x)), float(2 * np.mean(errors))
''',
    # Gradient ascent: adds the gradient, so every step goes uphill.
    "ex3_batch_gd": '''def gd_step(w, b, x, y, lr):
    dw, db = mse_gradients(w, b, x, y)
    return w + lr * dw, b + lr * db


def batch_gd(w, b, x, y, lr, n_epochs):
    losses = [mse_loss(w, b, x, y)]
    for _ in range(n_epochs):
        w, b = gd_step(w, b, x, y, lr)
        losses.append(mse_loss(w, b, x, y))
    return w, b, np.array(losses)
''',
    # Divides by the raw standard deviation: a constant column becomes 0 / 0 = nan.
    "ex4_standardize": '''def standardize(X):
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    return (X - mean) / std, mean, std
''',
    # Never shuffles: visits the examples in the order 0, 1, ..., m - 1 every epoch.
    "ex5_sgd_epoch": '''def sgd_epoch(w, b, x, y, lr, rng):
    for i in range(len(x)):
        w, b = gd_step(w, b, x[i:i + 1], y[i:i + 1], lr)
    return w, b
''',
    # Drops the last, smaller batch of every epoch when batch_size does not divide m.
    "ex6_minibatch_gd": '''def minibatch_gd(w, b, x, y, lr, n_epochs, batch_size, rng):
    m = len(x)
    path = [(w, b)]
    for _ in range(n_epochs):
        order = rng.permutation(m)
        for start in range(0, m - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            w, b = gd_step(w, b, x[batch], y[batch], lr)
            path.append((w, b))
    return w, b, np.array(path)
''',
    # Off by one: counts steps from 1, so eta_0 is already c1 / (1 + c2).
    "ex7_inverse_time_lr": '''def inverse_time_lr(t, c1, c2):
    return c1 / (t + 1 + c2)
''',
    # No bias: only the weights are trained, b stays 0.
    "ex8_logistic_regression": '''def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def logistic_regression_fit(X, y, lr, n_epochs):
    m, n = X.shape
    w, b = np.zeros(n), 0.0
    losses = []
    for epoch in range(n_epochs + 1):
        p = np.clip(sigmoid(X @ w), 1e-12, 1 - 1e-12)
        losses.append(float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))))
        if epoch < n_epochs:
            w = w - lr * (X.T @ (p - y)) / m
    return w, b, np.array(losses)
''',
    # (c) overshoots, so it looks like divergence; but |1 - 6 * 0.3| = 0.8 < 1 shrinks w.
    "cc1_diverging_rate": 'cc1_diverging_rate = "c"\n',
    # The sample standard deviation (m - 1): sqrt(20 / 3) instead of sqrt(5).
    "cc2_standardized_value": "cc2_standardized_value = (10 - 5) / np.sqrt(20 / 3)\n",
    # Counts the full batches only (floor instead of ceil) and forgets the starting row.
    "cc3_path_rows": "cc3_path_rows = 75\n",
}
