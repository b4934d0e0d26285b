"""Data sets and batching: digits, MNIST from IDX files, toy logic gates, splits, minibatches.

``load_digits`` works offline (scikit-learn ships the images). ``load_mnist`` reads the
original IDX files from a folder the user downloaded them to.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from dlcore._validate import as_labels, check_real, check_same_rows, check_whole

__all__ = ["load_digits", "load_mnist", "one_hot", "train_test_split", "minibatches", "logic_gate"]

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049
_SPLIT_PREFIX = {"train": "train", "test": "t10k"}

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "xor": [0, 1, 1, 0],
}


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits that scikit-learn ships, scaled to [0, 1].

    ``X = pixels / 16`` (the raw pixels are counts 0..16), one flattened image per row.

    Returns
    -------
    X : ndarray of float64, shape (1797, 64)
        Values in [0, 1].
    y : ndarray of int64, shape (1797,)
        Digit labels 0..9.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((1797, 64), dtype('float64'), (1797,), dtype('int64'))
    >>> float(X.min()), float(X.max()), sorted(set(y.tolist())) == list(range(10))
    (0.0, 1.0, True)
    """
    from sklearn.datasets import load_digits as sklearn_load_digits  # slow import: load lazily

    digits = sklearn_load_digits()
    return digits.data.astype(np.float64) / 16.0, digits.target.astype(np.int64)


def load_mnist(path: str | Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Read MNIST from its original IDX files in folder ``path``.

    ``X = pixels / 255`` with one flattened 28x28 image per row. The files are
    ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte`` (split "train") and
    ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (split "test"), each either
    raw or gzip-compressed with a ``.gz`` suffix; when both exist the raw file is read.

    Parameters
    ----------
    path : str or Path
        Folder holding the IDX files.
    split : {"train", "test"}, default "train"
        Which half: 60,000 training or 10,000 test images.

    Returns
    -------
    X : ndarray of float32, shape (m, 784)
        Values in [0, 1].
    y : ndarray of int64, shape (m,)
        Digit labels 0..9.

    Raises
    ------
    ValueError
        If ``split`` is not "train" or "test"; if a file has the wrong magic number
        (expected 2051 for images, 2049 for labels), is truncated or too long for the
        counts in its header, or is not valid gzip; or if the image and label files hold
        different numbers of examples.
    FileNotFoundError
        If the folder or one of the two files is missing; the message says where to get them.
    """
    if split not in _SPLIT_PREFIX:
        raise ValueError(f"load_mnist: split must be 'train' or 'test', got {split!r}")
    folder = Path(path)
    prefix = _SPLIT_PREFIX[split]
    images = _read_idx(_find_file(folder, f"{prefix}-images-idx3-ubyte"), _IMAGES_MAGIC)
    labels = _read_idx(_find_file(folder, f"{prefix}-labels-idx1-ubyte"), _LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"load_mnist: the {split} images and labels differ in count: "
            f"{len(images)} images but {len(labels)} labels in {folder}"
        )
    X = images.reshape(len(images), -1).astype(np.float32)
    X /= 255.0
    return X, labels.astype(np.int64)


def _find_file(folder: Path, name: str) -> Path:
    """The raw file ``name`` in ``folder``, else ``name.gz``, else a helpful FileNotFoundError."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    where = f"folder {folder}" if folder.is_dir() else f"folder {folder}, which does not exist"
    raise FileNotFoundError(
        f"load_mnist: found neither {name} nor {name}.gz in {where}. Download the four "
        f"MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) from {MNIST_URL} "
        f"(a mirror of http://yann.lecun.com/exdb/mnist/) into that folder."
    )


def _read_idx(file: Path, magic: int) -> np.ndarray:
    """Read one IDX file of unsigned bytes: big-endian int32 magic, dims, then the data.

    Returns an array of uint8 with the shape given by the header.
    """
    try:
        data = gzip.decompress(file.read_bytes()) if file.suffix == ".gz" else file.read_bytes()
    except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError
        raise ValueError(f"load_mnist: {file} is not a valid gzip file ({err})") from err
    ndim = 3 if magic == _IMAGES_MAGIC else 1
    header_size = 4 * (1 + ndim)
    if len(data) < header_size:
        raise ValueError(
            f"load_mnist: {file} is truncated: expected a header of {header_size} bytes, "
            f"got {len(data)} bytes"
        )
    header = np.frombuffer(data, dtype=">i4", count=1 + ndim)
    if header[0] != magic:
        kind = "images" if magic == _IMAGES_MAGIC else "labels"
        raise ValueError(
            f"load_mnist: {file} has the wrong magic number: expected {magic} (IDX {kind}), "
            f"got {header[0]}"
        )
    shape = tuple(int(d) for d in header[1:])
    expected = header_size + math.prod(shape)
    if len(data) != expected:
        problem = "is truncated" if len(data) < expected else "has trailing data"
        raise ValueError(
            f"load_mnist: {file} {problem}: expected {expected} bytes for shape {shape}, "
            f"got {len(data)} bytes"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


def one_hot(y, n_classes: int) -> np.ndarray:
    """Encode integer labels as rows of a one-hot matrix: ``Y[i, y[i]] = 1``, all else 0.

    Parameters
    ----------
    y : array_like of int, shape (m,)
        Labels in ``0 .. n_classes - 1`` (whole-valued floats are accepted).
    n_classes : int
        Number of classes K, >= 1.

    Returns
    -------
    ndarray of float64, shape (m, K)

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, holds non-integer values or labels outside ``[0, K)``, or
        ``n_classes`` is not a whole number >= 1.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    n_classes = check_whole(n_classes, "n_classes", "one_hot")
    labels = as_labels(y, "y", "one_hot")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"one_hot: labels must be in [0, {n_classes}), got values from "
            f"{labels.min()} to {labels.max()}"
        )
    Y = np.zeros((labels.size, n_classes))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_size: float = 0.2, rng=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split examples at random into a training and a test part, as scikit-learn does.

    ``n_test = ceil(test_size * m)``; a random permutation of ``0 .. m-1`` is drawn from
    ``rng``; its first ``n_test`` entries index the test part, the rest the training part.

    Parameters
    ----------
    X : array_like, shape (m, ...)
        Examples, one per row.
    y : array_like, shape (m, ...)
        Targets, one per row of ``X``.
    test_size : float, default 0.2
        Fraction of examples for the test part, in (0, 1); rounded up to whole examples.
    rng : numpy.random.Generator or int or None
        Source of the permutation (``np.random.default_rng(rng)``).

    Returns
    -------
    X_train : ndarray, shape (m - n_test, ...)
    X_test : ndarray, shape (n_test, ...)
    y_train : ndarray, shape (m - n_test, ...)
    y_test : ndarray, shape (n_test, ...)

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length, ``test_size`` is outside (0, 1), or either part
        would be empty.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=0)
    >>> X_train.shape, X_test.shape, sorted(y_train.tolist() + y_test.tolist()) == list(range(10))
    ((7, 2), (3, 2), True)
    """
    X, y = np.asarray(X), np.asarray(y)
    check_same_rows(X, y, ("X", "y"), "train_test_split")
    test_size = check_real(test_size, "test_size", "train_test_split", high=1.0, low_open=True)
    m = len(X)
    n_test = math.ceil(test_size * m)
    if n_test == 0 or n_test == m:
        raise ValueError(
            f"train_test_split: test_size={test_size} of {m} examples leaves "
            f"{m - n_test} for training and {n_test} for testing; both must be >= 1"
        )
    order = np.random.default_rng(rng).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int, rng=None, shuffle: bool = True
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One pass over the data in minibatches: every example exactly once.

    The order is a random permutation from ``rng`` (or ``0 .. m-1`` when ``shuffle`` is
    False); the batches take it ``batch_size`` at a time, the last one holding the
    ``m mod batch_size`` left over (if any). The arguments are checked at the call, not at
    the first ``next``.

    Parameters
    ----------
    X : ndarray, shape (m, ...)
    y : ndarray, shape (m, ...)
    batch_size : int
        Examples per batch, >= 1.
    rng : numpy.random.Generator or int or None
        Source of the shuffle.
    shuffle : bool, default True
        Visit the examples in a random order.

    Returns
    -------
    iterator of (Xb, yb)
        ``Xb`` of shape ``(b, ...)`` and ``yb`` of shape ``(b, ...)`` with ``b <= batch_size``.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length or ``batch_size`` is not a whole number >= 1.

    Examples
    --------
    >>> X, y = np.arange(5).reshape(5, 1), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(X, y, batch_size=2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    X, y = np.asarray(X), np.asarray(y)
    check_same_rows(X, y, ("X", "y"), "minibatches")
    batch_size = check_whole(batch_size, "batch_size", "minibatches")
    order = np.random.default_rng(rng).permutation(len(X)) if shuffle else None
    return _batches(X, y, batch_size, order)


def _batches(X, y, batch_size, order) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, len(X), batch_size):
        if order is None:  # slices: views, no copies
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            idx = order[start : start + batch_size]
            yield X[idx], y[idx]


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate, for the perceptron chapter.

    Parameters
    ----------
    name : {"and", "or", "nand", "xor"}
        The gate (case does not matter).

    Returns
    -------
    X : ndarray of float64, shape (4, 2)
        The inputs in the order [0, 0], [0, 1], [1, 0], [1, 1].
    y : ndarray of int64, shape (4,)
        The gate's output for each row.

    Raises
    ------
    ValueError
        If ``name`` is not one of the four gates.

    Examples
    --------
    >>> X, y = logic_gate("xor")
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    if not isinstance(name, str) or name.lower() not in _GATES:
        raise ValueError(f"logic_gate: unknown gate {name!r}; valid names are {sorted(_GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array(_GATES[name.lower()], dtype=np.int64)
