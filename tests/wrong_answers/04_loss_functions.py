"""Classic wrong answers for chapter 4, one per exercise and concept check: each must fail its hidden test."""

WRONG = {
    # MSE averaged over the examples only: right for one value per example, wrong for (m, k).
    "ex1_mse": '''def mse(y_hat, y):
    return float(np.sum((y_hat - y) ** 2) / y_hat.shape[0])
''',
    # No clipping: log(0) gives inf, and 0 * log(0) gives nan.
    "ex2_binary_cross_entropy": '''def binary_cross_entropy(p, y):
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
''',
    # np.mean over all m * K entries instead of a sum over classes and a mean over examples.
    "ex3_categorical_cross_entropy": '''def categorical_cross_entropy(probs, y_onehot):
    probs = np.clip(probs, 1e-12, 1 - 1e-12)
    return float(-np.mean(y_onehot * np.log(probs)))
''',
    # The number of correct predictions instead of the fraction.
    "ex4_accuracy": '''def accuracy(scores, y):
    if scores.ndim == 1:
        predicted = (scores > 0.5).astype(int)
    else:
        predicted = np.argmax(scores, axis=1)
    return np.sum(predicted == y)
''',
    # The textbook softmax, then the log: overflows for large logits.
    "ex5_log_softmax": '''def log_softmax(z):
    e = np.exp(z)
    return np.log(e / np.sum(e, axis=-1, keepdims=True))
''',
    # Softmax (shifted, so no overflow), clip, then log: the loss saturates at 27.6.
    "ex6_softmax_cross_entropy": '''def softmax_cross_entropy(logits, y):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    m = logits.shape[0]
    return float(-np.mean(np.log(np.clip(probs[np.arange(m), y], 1e-12, 1 - 1e-12))))
''',
    # The two sigmoid gradients swapped: binary_cross_entropy_grad returns dL/dz = (p - y) / n
    # (the gradient at the sigmoid's input) and sigmoid_bce_grad returns dL/dp.
    "ex7_loss_gradients": '''def mse_grad(y_hat, y):
    return 2 * (y_hat - y) / y_hat.size


def binary_cross_entropy_grad(p, y):
    return (p - y) / p.size


def categorical_cross_entropy_grad(probs, y_onehot):
    q = np.clip(probs.astype(np.float64), 1e-12, 1 - 1e-12)
    return (-y_onehot / q / probs.shape[0]).astype(probs.dtype)


def softmax_cross_entropy_grad(logits, y):
    m = logits.shape[0]
    grad = np.exp(log_softmax(logits))
    grad[np.arange(m), y] -= 1
    return grad / m


def sigmoid_bce_grad(z, y):
    p = 0.5 * (1 + np.tanh(z / 2))
    return (p - y) / (p * (1 - p)) / z.size
''',
    # The squared error multiplied by the variance instead of divided by it.
    "ex8_gaussian_nll": '''def gaussian_nll(mu, log_var, y):
    return float(np.mean(0.5 * (np.log(2 * np.pi) + log_var + (y - mu) ** 2 * np.exp(log_var))))
''',
    # Concept checks: the classic slips.
    # A softmax over labels that are not mutually exclusive.
    "cc1_loss_for_task": 'cc1_loss_for_task = "A"\n',
    # The probability of a uniform guess taken for its loss.
    "cc2_uniform_loss": "cc2_uniform_loss = 0.1\n",
    # sigma(0) itself instead of its slope.
    "cc3_sigmoid_slope": "cc3_sigmoid_slope = 0.5\n",
}
