"""tf.py_func / tf.numpy_function: values, several outputs, errors naming the op, and on
the null device the downloads and uploads around it (its plan stays out of CUDA graphs)."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _graph():
    x = tf.placeholder(tf.float64, [None])
    ranked = tf.py_func(lambda v: np.argsort(np.argsort(v)).astype(np.int64), [x], tf.int64)
    doubled, count = tf.py_func(lambda v: (v * 2, np.int32(v.size)), [x],
                                [tf.float64, tf.int32])
    total = tf.reduce_sum(doubled) + tf.cast(count, tf.float64) + tf.reduce_sum(
        tf.cast(ranked, tf.float64))
    return x, ranked, doubled, count, total


def test_values_and_several_outputs():
    x, ranked, doubled, count, total = _graph()
    v = np.array([0.5, -2.0, 3.0, 1.0])
    with tf.Session() as sess:
        got = sess.run([ranked, doubled, count, total], {x: v})
    np.testing.assert_array_equal(got[0], [1, 0, 3, 2])
    np.testing.assert_array_equal(got[1], v * 2)
    assert got[2] == 4 and got[2].dtype == np.int32
    assert got[3] == np.sum(v * 2) + 4 + 6
    assert tf.gradients(tf.reduce_sum(doubled), x) == [None]  # no gradient, as in TF1


def test_errors_name_the_op():
    x = tf.placeholder(tf.float64, [None])
    broken = tf.py_func(lambda v: v[10], [x], tf.float64, name="picky")
    wrong_count = tf.numpy_function(lambda v: (v, v), [x], [tf.float64])
    wrong_kind = tf.py_func(lambda v: v * 1.5, [x], tf.int32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="IndexError.*picky"):
            sess.run(broken, {x: [1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="returned 2 values"):
            sess.run(wrong_count, {x: [1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="returned float64"):
            sess.run(wrong_kind, {x: [1.0]})


def test_on_the_null_device(monkeypatch):
    fake_cuda.install(monkeypatch)
    x, ranked, doubled, count, total = _graph()
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        for _ in range(3):
            got = sess.run(total, {x: np.array([2.0, 1.0])}, run_metadata=meta)
    assert got == 6.0 + 2 + 1
    assert meta.launch == "direct" and "PyFunc" in meta.launch_reason
