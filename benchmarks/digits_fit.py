"""Fit a small MLP on scikit-learn's handwritten digits; print test accuracy and wall time.

The model: Dense(64, 512)-ReLU-Dense(512, 10), softmax cross-entropy, Adam (lr 1e-3),
batch 16, 30 epochs, float64, on an 80/20 ``train_test_split`` with a fixed seed.
Targets: test accuracy >= 97% in under 30 s.

Usage::

    .venv/bin/python benchmarks/digits_fit.py
"""

from __future__ import annotations

import time

# this script's folder is on sys.path when it runs as a script
from mlp_epoch import CpuLoad, blas_threads, report_cpu_load

from dlcore.data import load_digits, train_test_split
from dlcore.layers import Dense, ReLU, Sequential
from dlcore.optimizers import Adam
from dlcore.training import accuracy, fit

SEED = 0


def main() -> None:
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, rng=SEED)
    model = Sequential(Dense(64, 512, rng=SEED + 1), ReLU(), Dense(512, 10, rng=SEED + 2))
    print(f"digits: {len(X_train)} training and {len(X_test)} test images; MLP 64-512-10, "
          f"Adam, batch 16, 30 epochs; {blas_threads()} BLAS threads")

    load = CpuLoad()
    start = time.perf_counter()
    history = fit(model, X_train, y_train, optimizer=Adam(lr=1e-3), epochs=30, batch_size=16,
                  rng=SEED, validation=(X_test, y_test), progress=False)
    seconds = time.perf_counter() - start
    other = load.other_percent()

    test_acc = accuracy(model, X_test, y_test)
    print(f"final training loss {history['loss'][-1]:.4f}, test loss {history['val_loss'][-1]:.4f}")
    print(f"test accuracy {100 * test_acc:.2f}% (target >= 97%)")
    print(f"wall time {seconds:.2f} s (target < 30 s)")
    report_cpu_load(other, blas_threads())


if __name__ == "__main__":
    main()
