"""Chapter 7 (generalisation and regularisation): one classic wrong answer per exercise and
per concept check.

Each value replaces the whole source of that exercise's solution cell; the exercise's
``_hidden`` test cell must then fail (score 0) with a message that names the mistake.
"""

WRONG = {
    # The 1/2 of the penalty is forgotten (the gradient is right, the penalty twice too big).
    "ex1_l2_penalty": '''def l2_penalty(weights, lam):
    return float(lam * sum(float(np.sum(W ** 2)) for W in weights))


def l2_penalty_grad(weights, lam):
    return [lam * W for W in weights]
''',
    # The decay is not multiplied by the learning rate: p - lr * g - lam * p.
    "ex2_sgd_step_l2": '''def sgd_step_l2(params, grads, lr, lam):
    return [p - lr * g - lam * p for p, g in zip(params, grads)]
''',
    # Plain dropout: the kept units are not scaled by 1 / (1 - p), so the expectation shrinks.
    "ex3_dropout": '''def dropout_forward(A, p, rng, training):
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be in [0, 1), got {p}")
    if not training:
        return A, None
    mask = (rng.random(A.shape) >= p).astype(A.dtype)
    return A * mask, mask


def dropout_backward(dout, mask):
    return dout * mask
''',
    # Normalises with the unbiased batch variance (ddof=1) instead of the biased one.
    "ex4_batchnorm_forward": '''def batchnorm_forward(X, gamma, beta, running_mean, running_var, training, momentum=0.1,
                      eps=1e-5):
    if not training:
        x_hat = (X - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None, running_mean, running_var
    m = X.shape[0]
    if m < 2:
        raise ValueError(f"X needs at least 2 rows, got {X.shape}")
    mu = X.mean(axis=0)
    var = X.var(axis=0, ddof=1)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (X - mu) * inv_std
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var
    return gamma * x_hat + beta, (x_hat, gamma, inv_std), new_mean, new_var
''',
    # The batch mean and variance treated as constants: only the direct path through x_hat.
    "ex5_batchnorm_backward": '''def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
''',
    # The saved "best" parameters are the live arrays themselves, so restoring does nothing.
    "ex6_early_stopping": '''def train_with_early_stopping(params, train_epoch, val_loss, max_epochs, patience):
    history = {"val_loss": [], "best_epoch": 0}
    best_loss, best_values, waited = np.inf, list(params), 0
    for epoch in range(max_epochs):
        train_epoch()
        loss = float(val_loss())
        history["val_loss"].append(loss)
        if loss < best_loss:
            best_loss, waited = loss, 0
            best_values = list(params)
            history["best_epoch"] = epoch
        else:
            waited += 1
            if waited >= patience:
                break
    for p, best in zip(params, best_values):
        p[...] = best
    return history
''',
    # Scores every setting on the notebook's test set instead of the validation set.
    "ex7_random_search": '''def random_search(train_model, X_train, y_train, X_val, y_val, n_trials, rng):
    gen = np.random.default_rng(rng)
    trials = []
    for _ in range(n_trials):
        setting = {"lr": float(10 ** gen.uniform(-4, -1)),
                   "weight_decay": float(10 ** gen.uniform(-5, -1)),
                   "dropout": float(gen.uniform(0.0, 0.6))}
        model = train_model(X_train, y_train, **setting)
        predicted = model.predict(X_test).argmax(axis=1)
        trials.append({**setting, "val_accuracy": float(np.mean(predicted == y_test))})
    best = max(trials, key=lambda trial: trial["val_accuracy"])
    return best, trials
''',
    # 1 / p instead of 1 / (1 - p).
    "cc1_dropout_scale": "cc1_dropout_scale = 5.0\n",
    # The test batch's own statistics.
    "cc2_bn_test_statistics": 'cc2_bn_test_statistics = "a"\n',
    # The run whose losses stay high together underfits; it does not overfit.
    "cc3_overfitting": 'cc3_overfitting = "A"\n',
}
