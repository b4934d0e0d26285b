"""Chapter 8 (capstone: handwritten digits): one classic wrong answer per exercise
and per concept check.

Each value replaces the whole source of that exercise's solution cell; the exercise's
``_hidden`` test cell must then fail (score 0) with a message that names the mistake.
"""

WRONG = {
    # A ReLU after every Dense layer, the output layer included: the logits cannot be negative.
    "ex1_build_model": '''def build_model(layer_sizes, rng=None, dtype=np.float64):
    gen = np.random.default_rng(rng)
    layers = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        layers += [Dense(n_in, n_out, rng=gen, dtype=dtype), ReLU()]
    return Sequential(*layers)
''',
    # Softmax applied before softmax_cross_entropy, which applies it again.
    "ex2_evaluate": '''def evaluate(model, X, y):
    probs = softmax(model.predict(X))
    loss = softmax_cross_entropy(probs, y)
    return loss, float(np.mean(probs.argmax(axis=1) == y))
''',
    # Early stopping that remembers the best epoch but never puts its parameters back.
    "ex3_train": '''def train(model, X, y, *, epochs, batch_size, lr, val_fraction=0.1, patience=5, rng=None):
    gen = np.random.default_rng(rng)
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=val_fraction, rng=gen)
    optimizer = Adam(lr=lr)
    history = {"loss": [], "val_loss": [], "val_accuracy": [], "best_epoch": 0}
    best_loss, waited = np.inf, 0
    for epoch in range(epochs):
        total = 0.0
        for Xb, yb in minibatches(X_tr, y_tr, batch_size, rng=gen):
            logits = model.forward(Xb)
            total += softmax_cross_entropy(logits, yb) * len(Xb)
            model.backward(softmax_cross_entropy_grad(logits, yb), input_grad=False)
            optimizer.step(model.params(), model.grads())
        history["loss"].append(total / len(X_tr))
        val_loss, val_accuracy = evaluate(model, X_val, y_val)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        if val_loss < best_loss:
            best_loss, waited = val_loss, 0
            history["best_epoch"] = epoch
        else:
            waited += 1
            if waited >= patience:
                break
    return history
''',
    # Data leakage: the recipe also trains on the notebook's test set. On the notebook's own
    # split that memorises the test images; the hidden test's unseen splits (labels renamed)
    # turn the leaked images into wrong labels.
    "ex4_train_digits": '''def train_digits(X_train, y_train, rng=None):
    gen = np.random.default_rng(rng)
    model = build_model([64, 256, 10], rng=gen)
    X_all, y_all = np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])
    history = train(model, X_all, y_all, epochs=40, batch_size=16, lr=1e-3,
                    val_fraction=0.1, patience=10, rng=gen)
    return model, history
''',
    # Fancy-indexed += counts a repeated (true, predicted) pair only once.
    "ex5_confusion_matrix": '''def confusion_matrix(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    C[y_true, y_pred] += 1
    return C
''',
    # Sorted by increasing confidence: the least confident mistakes come first.
    "ex6_most_confident_mistakes": '''def most_confident_mistakes(probs, y_true, k):
    wrong = np.flatnonzero(probs.argmax(axis=1) != y_true)
    order = np.argsort(probs.max(axis=1)[wrong], kind="stable")
    return wrong[order][:k]
''',
    # A parameter count without the biases: 64 * 256 + 256 * 10.
    "cc1_parameters": "cc1_parameters = 64 * 256 + 256 * 10\n",
    # log10 instead of the natural logarithm.
    "cc2_untrained_loss": "cc2_untrained_loss = 1.0\n",
    # The precision (divided by the column sum) instead of the recall.
    "cc3_recall": "cc3_recall = 45 / 48\n",
}
