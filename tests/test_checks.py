"""grading.checks: every failure names the exercise and, where it can, the mistake."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore
from grading import checks
from grading.checks import CheckFailure


def fails(match: str):
    return pytest.raises(CheckFailure, match=match)


def test_passing_checks_are_silent():
    checks.assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), exercise="ex")
    checks.assert_close(0.5, 0.5, exercise="ex")
    checks.assert_close(np.float64(0.5), 0.5, exercise="ex")
    checks.assert_equal(np.array([0, 1]), [0, 1], exercise="ex")
    checks.assert_shape(np.zeros((2, 3)), (2, 3), exercise="ex")


def test_failure_is_an_assertion_error_naming_the_exercise():
    with pytest.raises(AssertionError, match=r"^\[ex7_relu\]"):
        checks.assert_close(np.ones(2), np.zeros(2), exercise="ex7_relu")


def test_first_wrong_index_and_values():
    expected = np.arange(6.0).reshape(2, 3)
    actual = expected.copy()
    actual[1, 2] = 9.0
    with fails(r"wrong at 1 of 6 positions; first at index \(1, 2\): got 9, expected 5"):
        checks.assert_close(actual, expected, exercise="ex")


@pytest.mark.parametrize("actual, expected, match", [
    (None, np.ones(2), "None: did you forget `return`"),
    ([1.0, 2.0], np.ones(2), "is a list, expected a NumPy array"),
    (np.ones((2, 1)), np.ones(2), r"shape \(2, 1\), expected \(2,\).*extra or missing axis"),
    (np.ones((3, 2)), np.ones((2, 3)), r"shape \(3, 2\).*transposed"),
    (np.ones(2, np.float64), np.ones(2, np.float32), "dtype float64, expected float32"),
    (np.array([1.0, np.nan]), np.ones(2), r"contains nan .*index \(1,\)"),
    (np.ones(3), 1.0, "expected a single number: did you forget to take the mean"),
    ("0.5", 0.5, "expected a number"),
])
def test_type_shape_and_dtype_problems(actual, expected, match):
    with fails(match):
        checks.assert_close(actual, expected, exercise="ex")


def test_recognises_a_flipped_sign():
    with fails("sign is flipped"):
        checks.assert_close(-np.arange(1.0, 4.0), np.arange(1.0, 4.0), exercise="ex")


def test_recognises_a_missing_one_over_m():
    grad = np.array([0.5, -1.0, 2.0])
    with fails("8 times too large: did you forget to divide by m = 8"):
        checks.assert_close(grad * 8, grad, exercise="ex", batch_size=8)
    with fails("8 times too small"):
        checks.assert_close(grad / 8, grad, exercise="ex", batch_size=8)


def test_recognises_a_transposed_square_matrix():
    w = np.arange(4.0).reshape(2, 2)
    with fails("transpose"):
        checks.assert_close(w.T, w, exercise="ex")


def test_recognises_a_listed_mistake():
    x = np.arange(6.0).reshape(2, 3)
    with fails("Likely cause: summed over axis 0 instead of axis 1"):
        checks.assert_close(x.sum(0), x.sum(1), exercise="ex",
                            mistakes={"summed over axis 0 instead of axis 1": x.sum(0)})


def test_call_reports_a_stub():
    def stub(x):
        raise NotImplementedError()

    with fails("stub is not implemented yet"):
        checks.call(stub, 1, exercise="ex")


def test_call_reports_an_exception_with_argument_shapes():
    def broken(x, w):
        return x @ w

    with fails(r"broken\(array of shape \(2, 3\), dtype float64, array of shape \(2, 3\).*"
               r"raised ValueError"):
        checks.call(broken, np.ones((2, 3)), np.ones((2, 3)), exercise="ex")


def test_call_reports_an_input_changed_in_place():
    def mutates(w, lr):
        w -= lr
        return w

    with fails("changed its argument 'w' in place"):
        checks.call(mutates, np.ones(3), 0.1, exercise="ex")
    assert checks.call(lambda w: w - 1, np.ones(2), exercise="ex").tolist() == [0.0, 0.0]


def test_assert_equal_reports_first_difference():
    with fails(r"differs at 1 of 4 positions; first at index \(2,\): got 1, expected 0"):
        checks.assert_equal(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1]), exercise="ex")
    with fails("is 3, expected 4"):
        checks.assert_equal(3, 4, exercise="ex")


def test_assert_independent_flags_the_reference_library():
    from dlcore.activations import sigmoid as reference_sigmoid

    def via_module(z):
        return dlcore.activations.sigmoid(z)

    def via_name(z):
        return reference_sigmoid(z)

    def own(z):
        return 1 / (1 + np.exp(-z))

    for answer in (via_module, via_name):
        with fails("scores 0 while it calls the reference library"):
            checks.assert_independent(answer, exercise="ex")
    checks.assert_independent(own, exercise="ex")


def test_assert_independent_follows_helper_functions():
    namespace = {"dlcore": dlcore}
    exec("def helper(z):\n    return dlcore.relu(z)\n"
         "def answer(z):\n    return helper(z) + 0", namespace)
    with fails("uses dlcore"):
        checks.assert_independent(namespace["answer"], exercise="ex")


def test_rng_is_fresh_unless_seeded(monkeypatch):
    monkeypatch.delenv("DLCOURSE_SEED", raising=False)
    assert checks.rng(3).integers(1000) == checks.rng(3).integers(1000)
    monkeypatch.setenv("DLCOURSE_SEED", "11")
    assert checks.rng().integers(10**9) == np.random.default_rng(11).integers(10**9)


def test_call_names_the_unfinished_helper():
    def step(z):
        raise NotImplementedError()

    def predict(x):
        return step(x)

    with fails("predict calls step, which is not implemented yet"):
        checks.call(predict, 1.0, exercise="ex")


def test_assert_raises():
    def gate(name):
        if name not in ("and", "or"):
            raise ValueError(f"unknown gate {name!r}")
        return name

    assert "unknown gate" in str(checks.assert_raises(gate, "xor", exercise="ex"))
    with fails("returned normally; expected it to raise ValueError"):
        checks.assert_raises(gate, "and", exercise="ex")
    with fails("does not mention 'valid names'"):
        checks.assert_raises(gate, "xor", exercise="ex", match="valid names")
    with fails("raised KeyError: 'x'; expected ValueError"):
        checks.assert_raises(lambda: {}["x"], exercise="ex")


def test_a_single_wrong_number_gets_no_made_up_factor():
    with pytest.raises(CheckFailure) as info:
        checks.assert_close(-1.741, 2.5, exercise="ex")
    assert "constant factor" not in str(info.value)
    with fails("constant factor of 2"):
        checks.assert_close(np.array([2.0, 4.0]), np.array([1.0, 2.0]), exercise="ex")


def test_assert_independent_checks_classes():
    class Own:
        def backward(self, dout):
            return dout * 2

    class Inherited(dlcore.graph.Multiply):
        pass

    class Delegating:
        def backward(self, dout):
            return dlcore.graph.Multiply().backward(dout)

    checks.assert_independent(Own, exercise="ex")
    with fails("inherits from dlcore.graph.Multiply"):
        checks.assert_independent(Inherited, exercise="ex")
    with fails("uses dlcore"):
        checks.assert_independent(Delegating, exercise="ex")


def test_assert_equal_names_a_listed_mistake():
    cm = np.array([[2, 0], [1, 1]])
    with fails("Likely cause: rows and columns swapped"):
        checks.assert_equal(cm.T, cm, exercise="ex", mistakes={"rows and columns swapped": cm.T})
    with fails("is 3, expected 4. Likely cause: counted from 1"):
        checks.assert_equal(3, 4, exercise="ex", mistakes={"counted from 1": 3})


def test_a_listed_mistake_may_hold_nan():
    shifted = np.array([np.nan, 1.0, 2.0])
    with fails("Likely cause: shifted by one"):
        checks.assert_close(shifted, np.array([1.0, 2.0, 3.0]), exercise="ex",
                            mistakes={"shifted by one": shifted})


def _answer(source: str, name: str = "answer"):
    namespace = {"np": np}
    exec(source, namespace)  # a student's cell
    return namespace[name]


@pytest.mark.parametrize("source", [
    "def answer(z):\n    import dlcore.activations\n    return dlcore.activations.sigmoid(z)",
    "def answer(z):\n    from dlcore import sigmoid as s\n    return s(z)",
    "def answer(z):\n    return __import__('dl' + 'core').sigmoid(z)",
    "def answer(z):\n    import importlib\n    return importlib.import_module('dlcore').sigmoid(z)",
    "def answer(z):\n    import scipy.special\n    return scipy.special.expit(z)",
])
def test_assert_independent_sees_imports_inside_the_function(source):
    answer = _answer(source)
    with pytest.raises(CheckFailure, match=r"\[ex\] answer (imports|uses)"):
        checks.assert_independent(answer, exercise="ex")


def test_assert_independent_sees_what_ran_however_it_was_reached():
    # the library is reached through an object the parser cannot follow
    answer = _answer("def answer(z):\n    return HELPERS['f'](z)")
    answer.__globals__["HELPERS"] = {"f": dlcore.sigmoid}
    z = np.array([0.0, 1.0])
    checks.call(answer, z, exercise="ex")  # the visible test runs it first
    with pytest.raises(CheckFailure, match=r"answer ran dlcore\.activations\.sigmoid"):
        checks.assert_independent(answer, exercise="ex")
    later = _answer("def answer(z):\n    return HELPERS['f'](z)")
    later.__globals__["HELPERS"] = {"f": dlcore.sigmoid}
    checks.assert_independent(later, exercise="ex")  # nothing to see before it runs
    with pytest.raises(CheckFailure, match="ran dlcore"):
        checks.call(later, z, exercise="ex")  # the hidden test runs it after the check


def test_assert_independent_passes_numpy_only_answers_that_run():
    answer = _answer("def answer(z):\n    return 1 / (1 + np.exp(-z))")
    checks.call(answer, np.array([0.0]), exercise="ex")
    checks.assert_independent(answer, exercise="ex")
    checks.call(answer, np.array([1.0]), exercise="ex")


def test_importing_checks_loads_no_instructor_tooling():
    import subprocess
    import sys

    code = ("import sys, grading.checks; print(sorted(m for m in sys.modules if m.startswith("
            "('nbgrader', 'nbconvert', 'nbclient', 'jupyter_client', 'grading.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "['grading.checks']"
