"""dlcore.data: digits, IDX reading (files written here), splits, batches, gates."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from dlcore.data import (
    load_digits,
    load_mnist,
    logic_gate,
    minibatches,
    one_hot,
    train_test_split,
)

MNIST_DIR_VARIABLE = "DLCOURSE_MNIST_DIR"  # the folder of the real MNIST IDX files


@pytest.fixture
def real_mnist() -> Path:
    """The folder named by the environment variable DLCOURSE_MNIST_DIR; skip without it."""
    value = os.environ.get(MNIST_DIR_VARIABLE)
    if not value:
        pytest.skip(f"the real MNIST files are not available: set {MNIST_DIR_VARIABLE} to "
                    "the folder holding t10k-images-idx3-ubyte(.gz) and the others")
    folder = Path(value)
    if not folder.is_dir():
        pytest.fail(f"{MNIST_DIR_VARIABLE}={value} is not a folder")
    return folder


# ---------------------------------------------------------------- digits


def test_load_digits():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # pixel counts / 16


# ---------------------------------------------------------------- IDX files


def write_idx(path: Path, magic: int, dims: tuple, payload: bytes, *, gz: bool = False):
    """Write an IDX file: big-endian int32 magic and dims, then the bytes."""
    data = struct.pack(f">{1 + len(dims)}i", magic, *dims) + payload
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def write_split(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray, gz=False):
    write_idx(folder / f"{prefix}-images-idx3-ubyte", 2051, images.shape, images.tobytes(), gz=gz)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte", 2049, labels.shape, labels.tobytes(), gz=gz)


@pytest.fixture
def tiny_mnist():
    """Three 28x28 images with known pixels and labels 7, 0, 9."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    labels = np.array([7, 0, 9], dtype=np.uint8)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(("split", "prefix"), [("train", "train"), ("test", "t10k")])
def test_load_mnist_reads_raw_and_gz(tmp_path, tiny_mnist, gz, split, prefix):
    images, labels = tiny_mnist
    write_split(tmp_path, prefix, images, labels, gz=gz)
    X, y = load_mnist(tmp_path, split=split)
    assert X.shape == (3, 784) and X.dtype == np.float32
    assert y.dtype == np.int64 and y.tolist() == [7, 0, 9]
    np.testing.assert_allclose(X, images.reshape(3, 784) / 255.0, rtol=1e-6)
    assert X[0, 0] == 0.0 and X[0, 1] == 1.0


def test_load_mnist_accepts_a_string_path_and_default_split(tmp_path, tiny_mnist):
    write_split(tmp_path, "train", *tiny_mnist)
    X, _ = load_mnist(str(tmp_path))
    assert X.shape == (3, 784)


def test_load_mnist_prefers_the_raw_file(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels)
    write_split(tmp_path, "t10k", 255 - images, labels[::-1].copy(), gz=True)
    X, y = load_mnist(tmp_path, "test")
    assert y.tolist() == [7, 0, 9]
    np.testing.assert_allclose(X, images.reshape(3, 784) / 255.0, rtol=1e-6)


def test_load_mnist_mixes_raw_and_gz(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, images.shape, images.tobytes())
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, labels.shape, labels.tobytes(), gz=True)
    assert load_mnist(tmp_path, "test")[1].tolist() == [7, 0, 9]


def test_wrong_magic_number_in_images(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", 2049, images.shape, images.tobytes())
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte has the wrong magic number: "
                                         r"expected 2051 \(IDX images\), got 2049"):
        load_mnist(tmp_path, "test")


def test_wrong_magic_number_in_labels(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "train", images, labels, gz=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte", 2051, labels.shape, labels.tobytes(), gz=True)
    with pytest.raises(ValueError, match=r"expected 2049 \(IDX labels\), got 2051"):
        load_mnist(tmp_path, "train")


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_images(tmp_path, tiny_mnist, gz):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels, gz=gz)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, images.shape, images.tobytes()[:-100],
              gz=gz)
    expected = 16 + 3 * 784
    with pytest.raises(ValueError, match=rf"is truncated: expected {expected} bytes for shape "
                                         rf"\(3, 28, 28\), got {expected - 100} bytes"):
        load_mnist(tmp_path, "test")


def test_truncated_header(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08")
    with pytest.raises(ValueError, match=r"is truncated: expected a header of 8 bytes, got 3"):
        load_mnist(tmp_path, "test")


def test_trailing_data(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, (3,), labels.tobytes() + b"\x01")
    with pytest.raises(ValueError, match=r"has trailing data: expected 11 bytes .* got 12"):
        load_mnist(tmp_path, "test")


def test_corrupt_gzip(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "t10k", images, labels, gz=True)
    gz = tmp_path / "t10k-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:50])
    with pytest.raises(ValueError, match=r"is not a valid gzip file"):
        load_mnist(tmp_path, "test")


def test_image_and_label_counts_differ(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_split(tmp_path, "train", images, labels[:2])
    with pytest.raises(ValueError, match=r"differ in count: 3 images but 2 labels"):
        load_mnist(tmp_path, "train")


def test_missing_file_says_which_where_and_how_to_get_it(tmp_path, tiny_mnist):
    images, labels = tiny_mnist
    write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, images.shape, images.tobytes())
    with pytest.raises(FileNotFoundError) as err:
        load_mnist(tmp_path, "test")
    message = str(err.value)
    assert "t10k-labels-idx1-ubyte" in message and "t10k-labels-idx1-ubyte.gz" in message
    assert str(tmp_path) in message
    assert "https://" in message and "Download" in message


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere, which does not exist"):
        load_mnist(tmp_path / "nowhere", "train")


def test_bad_split(tmp_path):
    with pytest.raises(ValueError, match=r"split must be 'train' or 'test', got 'valid'"):
        load_mnist(tmp_path, "valid")


def test_real_mnist_test_split(real_mnist):
    X, y = load_mnist(real_mnist, "test")
    assert X.shape == (10_000, 784) and X.dtype == np.float32
    assert y.shape == (10_000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert 0.1 < X.mean() < 0.15  # mostly black background
    counts = np.bincount(y, minlength=10)
    assert counts.size == 10 and counts.sum() == 10_000
    assert counts.min() > 800 and counts.max() < 1200  # roughly 1,000 of each digit


def test_real_mnist_without_training_images_says_so(real_mnist):
    if any(real_mnist.glob("train-images-idx3-ubyte*")):
        pytest.skip(f"{real_mnist} holds the training images too")
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte"):
        load_mnist(real_mnist, "train")


# ---------------------------------------------------------------- one_hot


def test_one_hot():
    Y = one_hot(np.array([1, 0, 3, 1]), 4)
    assert Y.dtype == np.float64 and Y.shape == (4, 4)
    np.testing.assert_array_equal(Y, [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]])
    np.testing.assert_array_equal(one_hot([2.0, 0.0], 3).argmax(axis=1), [2, 0])
    assert one_hot(np.array([], dtype=np.int64), 3).shape == (0, 3)


@pytest.mark.parametrize(
    ("y", "n_classes", "match"),
    [
        ([0, 3], 3, r"labels must be in \[0, 3\), got values from 0 to 3"),
        ([-1, 1], 3, r"labels must be in \[0, 3\), got values from -1 to 1"),
        ([0.5, 1.0], 3, r"y must hold integer labels"),
        ([[0, 1]], 3, r"y must be 1-D, got shape \(1, 2\)"),
        ([0, 1], 0, r"n_classes must be a whole number >= 1, got 0"),
        ([0, 1], 2.0, r"n_classes must be a whole number >= 1"),
    ],
)
def test_one_hot_rejects(y, n_classes, match):
    with pytest.raises(ValueError, match=match):
        one_hot(y, n_classes)


# ---------------------------------------------------------------- train_test_split


def test_train_test_split_sizes_pairs_and_order():
    X = np.arange(30).reshape(10, 3)
    y = np.arange(10) * 10
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=4)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (7, 3, 7, 3)  # ceil(2.5)
    np.testing.assert_array_equal(X_train[:, 0] * 10 // 3, y_train)  # rows stay paired
    np.testing.assert_array_equal(X_test[:, 0] * 10 // 3, y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == y.tolist()
    order = np.random.default_rng(4).permutation(10)  # the documented permutation
    np.testing.assert_array_equal(y_test, y[order[:3]])
    np.testing.assert_array_equal(y_train, y[order[3:]])


def test_train_test_split_default_and_determinism():
    X, y = np.zeros((1797, 2)), np.arange(1797)
    a = train_test_split(X, y, rng=0)
    b = train_test_split(X, y, rng=np.random.default_rng(0))
    c = train_test_split(X, y, rng=1)
    assert len(a[1]) == 360  # ceil(0.2 * 1797) = ceil(359.4)
    np.testing.assert_array_equal(a[3], b[3])
    assert not np.array_equal(a[3], c[3])


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "match"),
    [
        (np.zeros((5, 2)), np.zeros(4), {}, r"same number of rows, got shapes \(5, 2\) and \(4,\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 0.0}, r"test_size must be in \(0.0, 1.0\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": 1.0}, r"test_size must be in \(0.0, 1.0\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_size": "0.2"}, r"test_size must be a finite real"),
        (np.zeros((1, 2)), np.zeros(1), {}, r"leaves 0 for training and 1 for testing"),
    ],
)
def test_train_test_split_rejects(X, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_test_split(X, y, **kwargs)


# ---------------------------------------------------------------- minibatches


def test_minibatches_cover_every_example_once():
    X = np.arange(23 * 2).reshape(23, 2)
    y = np.arange(23)
    batches = list(minibatches(X, y, batch_size=5, rng=0))
    assert [len(yb) for _, yb in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(23))
    assert seen.tolist() != list(range(23))  # shuffled
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0] // 2, yb)  # rows stay paired


def test_minibatches_order_and_determinism():
    X, y = np.zeros((10, 1)), np.arange(10)
    in_order = [yb.tolist() for _, yb in minibatches(X, y, 4, shuffle=False)]
    assert in_order == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    first = [yb.tolist() for _, yb in minibatches(X, y, 4, rng=7)]
    again = [yb.tolist() for _, yb in minibatches(X, y, 4, rng=np.random.default_rng(7))]
    assert first == again
    assert [yb.tolist() for _, yb in minibatches(X, y, 100, rng=0)][0] != list(range(10))
    assert len(list(minibatches(X, y, 100))) == 1


@pytest.mark.parametrize(
    ("y", "batch_size", "match"),
    [
        (np.zeros(3), 2, r"minibatches: X and y must have the same number of rows"),
        (np.zeros(4), 0, r"batch_size must be a whole number >= 1, got 0"),
        (np.zeros(4), 2.0, r"batch_size must be a whole number >= 1"),
    ],
)
def test_minibatches_rejects_at_the_call(y, batch_size, match):
    with pytest.raises(ValueError, match=match):
        minibatches(np.zeros((4, 2)), y, batch_size)  # no iteration needed


# ---------------------------------------------------------------- logic gates


@pytest.mark.parametrize(
    ("name", "truth"),
    [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0]), ("xor", [0, 1, 1, 0])],
)
def test_logic_gate(name, truth):
    X, y = logic_gate(name)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert y.tolist() == truth
    assert logic_gate(name.upper())[1].tolist() == truth


def test_logic_gate_unknown():
    with pytest.raises(ValueError, match=r"unknown gate 'nor'; valid names are \['and', 'nand'"):
        logic_gate("nor")
