"""Indices and sizes known only at run time, as TF1 allows them: x[t] and x[a:b] with
integer tensors, tf.slice with tensor begin and size, tf.tile with tensor multiples —
values against NumPy, gradients against central differences, errors at run time."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences


def test_a_loop_reading_row_t_of_a_tensor_and_its_gradient():
    # h_t = tanh(h_{t-1} * w + x[t]): the TF1 idiom of indexing with the loop counter
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((5, 3)), rng.standard_normal(3)
    x, w = tf.placeholder(tf.float64, [5, 3]), tf.placeholder(tf.float64, [3])
    _, h = tf.while_loop(lambda t, h: t < 5, lambda t, h: (t + 1, tf.tanh(h * w + x[t])),
                         [0, tf.zeros([3], tf.float64)])
    loss = tf.reduce_sum(h * h)
    grads = tf.gradients(loss, [x, w])

    def f(xv, wv):
        h = np.zeros(3)
        for t in range(5):
            h = np.tanh(h * wv + xv[t])
        return np.sum(h * h)
    with tf.Session() as sess:
        value, gx, gw = sess.run([loss, *grads], {x: xv, w: wv})
    assert value == pytest.approx(f(xv, wv), rel=1e-13)
    np.testing.assert_allclose(gx, central_differences(lambda v: f(v, wv), xv), rtol=1e-6)
    np.testing.assert_allclose(gw, central_differences(lambda v: f(xv, v), wv), rtol=1e-6)


def test_run_time_slices_follow_python_rules():
    x = tf.placeholder(tf.float64, [6, 4])
    a, b, s = (tf.placeholder(tf.int32, []) for _ in range(3))
    pieces = [x[a:b], x[a:], x[:, b::s], x[::s, a], x[a, ::-1]]
    xv = np.arange(24.0).reshape(6, 4)
    with tf.Session() as sess:
        for av, bv, sv in [(1, 3, 1), (-2, 10, 2), (2, -1, -1), (0, 0, 3), (3, 1, -2)]:
            got = sess.run(pieces, {x: xv, a: av, b: bv, s: sv})
            want = [xv[av:bv], xv[av:], xv[:, bv::sv], xv[::sv, av], xv[av, ::-1]]
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w)


def test_tf_slice_and_tile_with_tensor_arguments():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 5))
    x = tf.placeholder(tf.float64, [None, 5])
    start = tf.placeholder(tf.int32, [2])
    window = tf.slice(x, start, [2, -1])
    assert window.shape.as_list() == [2, None]
    vector = tf.constant(rng.standard_normal(5))
    tiled = tf.tile(tf.expand_dims(vector, 0), [tf.shape(x)[0], 1])  # one copy per row
    assert tiled.shape.as_list() == [None, 5]
    loss = tf.reduce_sum(tf.sin(window)) + tf.reduce_sum(tiled * x)
    grad = tf.gradients(loss, x)[0]

    def f(v, begin):
        return np.sum(np.sin(v[begin[0]:begin[0] + 2, begin[1]:])) + \
            np.sum(vector_value * v)
    with tf.Session() as sess:
        vector_value = sess.run(vector)
        for begin in ([0, 0], [2, 3], [1, 4]):
            got_window, got_tiled, got_grad = sess.run([window, tiled, grad],
                                                       {x: xv, start: begin})
            np.testing.assert_array_equal(got_window, xv[begin[0]:begin[0] + 2, begin[1]:])
            np.testing.assert_array_equal(got_tiled, np.tile(vector_value, (4, 1)))
            np.testing.assert_allclose(got_grad, central_differences(
                lambda v, begin=begin: f(v, begin), xv), rtol=1e-6)


def test_bad_run_time_indices_are_errors_that_name_the_op():
    x = tf.placeholder(tf.float64, [3, 2])
    t = tf.placeholder(tf.int32, [])
    row = x[t]
    tiled = tf.tile(x, [t, 1], name="tiled")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(row, {x: np.eye(3, 2), t: -1}), [0.0, 0.0])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"out of bounds(.|\n)*node strided_slice \(type StridedSlice"):
            sess.run(row, {x: np.eye(3, 2), t: 3})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"non-negative(.|\n)*node tiled \(type Tile"):
            sess.run(tiled, {x: np.eye(3, 2), t: -1})
    with pytest.raises(TypeError, match="scalar integer"):
        x[tf.placeholder(tf.float32, [])]
    with pytest.raises(TypeError, match="scalar integer"):
        x[tf.placeholder(tf.int32, [2])]
    with pytest.raises(TypeError, match="known length"):
        tf.slice(x, tf.placeholder(tf.int32, [None]), [1, 1])


def test_run_time_indices_in_a_loop_are_captured_on_the_null_device(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [6, 3])
    n = tf.placeholder(tf.int32, [])  # keys the graph: one per bound
    total = tf.while_loop(lambda t, s: t < n,
                          lambda t, s: (t + 1, s + tf.exp(x[t, 1:]) * x[t:t + 2, 0][-1]),
                          [0, tf.zeros([2], tf.float64)])[1]
    tiled = tf.tile(x[:n], [2, n])
    fetches = [total, tiled, tf.gradients(tf.reduce_sum(total) + tf.reduce_sum(tiled), x)[0]]
    rng = np.random.default_rng(2)
    runs = [(bound, rng.standard_normal((6, 3))) for bound in (2, 2, 2, 5, 5, 5)]
    with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as cpu:
        want = [cpu.run(fetches, {x: v, n: b}) for b, v in runs]
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        got = [sess.run(fetches, {x: v, n: b}, run_metadata=meta) for b, v in runs]
    assert meta.launch == "replay", meta.launch_reason
    for g_run, w_run in zip(got, want):
        for g, w in zip(g_run, w_run):
            np.testing.assert_array_equal(g, w)


def test_an_exported_graph_with_run_time_indices_loads_and_runs(tmp_path):
    x = tf.placeholder(tf.float64, [None, 3])
    t = tf.placeholder(tf.int32, [])
    y = x[t, 1:] * tf.slice(x, [t, 0], [1, 2])[0] + tf.reduce_sum(
        tf.tile(x[:t], [2, t]))
    xv = np.arange(12.0).reshape(4, 3) / 5
    with tf.Session() as sess:
        want = sess.run(y, {x: xv, t: 2})
        tf.saved_model.save(sess, str(tmp_path), inputs={"x": x, "t": t}, outputs={"y": y})
    with tf.Graph().as_default():
        got = tf.saved_model.load(str(tmp_path))(x=xv, t=2)["y"]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(want, xv[2, 1:] * xv[2, :2] + 2 * 2 * np.sum(xv[:2]),
                               rtol=1e-14)


def test_a_run_time_slice_window_must_fit():
    x = tf.placeholder(tf.float64, [3, 4])
    begin = tf.placeholder(tf.int32, [2])
    window = tf.slice(x, begin, [2, -1])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(window, {x: np.eye(3, 4), begin: [1, 2]}),
                                      np.eye(3, 4)[1:3, 2:])
        for bad in ([2, 0], [-1, 0], [0, 5]):  # past the end, negative, past the width
            with pytest.raises(tf.errors.InvalidArgumentError, match="tf.slice of"):
                sess.run(window, {x: np.eye(3, 4), begin: bad})
