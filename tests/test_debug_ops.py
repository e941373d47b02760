"""tf.Print, tf.print, tf.check_numerics and the tf.assert_* family: what they write, what
they pass on, when they raise; the same on the null device (values shown are downloads)."""
import sys

import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _programs():
    x = tf.placeholder(tf.float64, [None])
    shown = tf.Print(x * x, [x, tf.reduce_sum(x)], "x, sum: ", summarize=2, first_n=2)
    grad = tf.gradients(tf.reduce_sum(shown), x)[0]
    printed = tf.print("x =", x, "end", summarize=5, sep="|", end="!\n",
                       output_stream=sys.stdout)
    checked = tf.check_numerics(tf.log(x), "log of x")
    checked_grad = tf.gradients(tf.reduce_sum(checked), x)[0]
    return x, shown, grad, printed, checked, checked_grad


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_print_and_check_numerics(device, capsys, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    x, shown, grad, printed, checked, checked_grad = _programs()
    xv = np.array([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        for _ in range(3):
            value, g = sess.run([shown, grad], {x: xv})
            np.testing.assert_array_equal(value, xv * xv)
            np.testing.assert_array_equal(g, 2 * xv)  # Print passes its gradient through
        sess.run(printed, {x: xv})
        np.testing.assert_array_equal(sess.run(checked, {x: xv}), np.log(xv))
        np.testing.assert_array_equal(sess.run(checked_grad, {x: xv}), 1 / xv)
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had Inf"):
            sess.run(checked, {x: [1.0, 0.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Tensor had NaN") as info:
            sess.run(checked, {x: [-1.0]})
    assert str(info.value).count("type CheckNumerics") == 1  # named once
    out, err = capsys.readouterr()
    assert err.count("x, sum: [1. 2....][6.]\n") == 2  # first_n=2 of three runs
    assert out == "x =|[1. 2. 3.]|end!\n"


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_add_check_numerics_ops_checks_every_float_tensor(device, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float32, [2], name="x")
    count = tf.size(x)  # int32: not checked
    ratio = tf.div(1.0, x, name="ratio")
    root = tf.sqrt(ratio - 1.0, name="root")
    graph = tf.get_default_graph()
    floats = {t.name for op in graph.get_operations() for t in op.outputs
              if t.dtype == tf.float32}
    check = tf.add_check_numerics_ops()
    checked = {op.inputs[0].name for op in graph.get_operations() if op.type == "CheckNumerics"}
    assert checked == floats and {"x:0", "ratio:0", "root:0"} <= checked
    assert count.name not in checked
    with tf.Session() as sess:
        got, _, n = sess.run([root, check, count], {x: [0.25, 0.5]})
        np.testing.assert_allclose(got, np.sqrt([3.0, 1.0]), rtol=1e-6)
        assert n == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="ratio:0 : Tensor had Inf"):
            sess.run(check, {x: [0.0, 1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="root:0 : Tensor had NaN"):
            sess.run(check, {x: [2.0, 1.0]})
    with tf.Graph().as_default():
        y = tf.cond(tf.constant(True), lambda: tf.constant(1.0) * 2.0, lambda: tf.constant(0.0))
        with pytest.raises(ValueError, match="tf.cond and tf.while_loop"):
            tf.add_check_numerics_ops()
    assert y is not None


def test_assertions_pass_or_raise_with_their_message():
    x = tf.placeholder(tf.float32, [None])
    y = tf.placeholder(tf.float32, [None])
    checks = {
        "equal": (tf.assert_equal(x, y), [1.0, 2.0], [1.0, 2.0], [1.0, 2.5]),
        "none_equal": (tf.assert_none_equal(x, y), [1.0], [2.0], [1.0]),
        "less": (tf.assert_less(x, y), [1.0], [2.0], [1.0]),
        "less_equal": (tf.assert_less_equal(x, y), [2.0], [2.0], [1.5]),
        "greater": (tf.assert_greater(x, y), [3.0], [2.0], [3.0]),
        "greater_equal": (tf.assert_greater_equal(x, y), [2.0], [2.0], [2.5]),
    }
    signs = {
        "positive": (tf.assert_positive(x), [1.0], [0.0]),
        "negative": (tf.assert_negative(x), [-1.0], [0.0]),
        "non_negative": (tf.assert_non_negative(x, message="need x >= 0"), [0.0], [-1.0]),
        "non_positive": (tf.assert_non_positive(x), [0.0], [1.0]),
    }
    with tf.Session() as sess:
        for name, (check, xv, good, bad) in checks.items():
            sess.run(check, {x: xv, y: good})
            with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
                sess.run(check, {x: xv, y: bad})
        for name, (check, good, bad) in signs.items():
            sess.run(check, {x: good})
            with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold") as info:
                sess.run(check, {x: bad})
        assert "need x >= 0" not in str(info.value)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"need x >= 0.*did not hold"):
            sess.run(signs["non_negative"][0], {x: [-2.0]})
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.assert_rank(tf.zeros([3]), 2)
    with pytest.raises(TypeError, match="must be of type int32"):
        tf.assert_type(tf.zeros([3]), tf.int32)
    assert tf.debugging.assert_equal is tf.assert_equal


def test_an_assertion_gates_the_values_that_depend_on_it():
    x = tf.placeholder(tf.float32, [None])
    with tf.control_dependencies([tf.debugging.assert_non_negative(x)]):
        root = tf.sqrt(x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(root, {x: [4.0]}), [2.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="assert"):
            sess.run(root, {x: [-4.0]})
