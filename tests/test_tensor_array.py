"""tf.TensorArray: writes, reads, stacking, scatter/gather, errors, dynamic size, and loops
that build or read arrays, with gradients against central differences; the CUDA plan
path on the null device."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences


def test_write_read_stack_gather_scatter_and_size():
    rows = np.arange(12.0).reshape(4, 3)
    ta = tf.TensorArray(tf.float64, size=4)
    for i in range(4):
        ta = ta.write(i, rows[i])
    assert ta.element_shape.as_list() == [3]
    stacked, second, picked = ta.stack(), ta.read(2), ta.gather([3, 0, 3])
    assert stacked.shape.as_list() == [4, 3] and picked.shape.as_list() == [3, 3]
    scattered = tf.TensorArray(tf.float64, size=4).scatter([2, 0, 3, 1], rows).stack()
    unstacked = tf.TensorArray(tf.float64, size=4).unstack(rows * 2).read(1)
    with tf.Session() as sess:
        got = sess.run([stacked, second, picked, scattered, unstacked, ta.size()])
    np.testing.assert_array_equal(got[0], rows)
    np.testing.assert_array_equal(got[1], rows[2])
    np.testing.assert_array_equal(got[2], rows[[3, 0, 3]])
    np.testing.assert_array_equal(got[3], rows[[1, 3, 0, 2]])
    np.testing.assert_array_equal(got[4], rows[1] * 2)
    assert got[5] == 4


def test_misuse_is_an_error_that_names_the_op():
    ta = tf.TensorArray(tf.float32, size=2)
    twice = ta.write(0, 1.0).write(0, 2.0).stack()
    unread = ta.write(0, 1.0).stack()
    past_end = ta.write(2, 1.0).stack()
    grown = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, 5.0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="already been written"):
            sess.run(twice)
        with pytest.raises(tf.errors.InvalidArgumentError, match="index 1 because it has not"):
            sess.run(unread)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable"):
            sess.run(past_end)
        assert sess.run([grown.size(), grown.read(3)]) == [4, 5.0]
    with pytest.raises(ValueError, match="shape"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [1.0])
    with pytest.raises(TypeError, match="cannot be fetched"):
        tf.Session().run(ta.flow)


def test_a_loop_writing_an_array_and_reading_another_has_exact_gradients():
    # h_t = tanh(h_{t-1} W + x_t): x_t read from one TensorArray, h_t written to another.
    steps = 5
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((steps, 3)), rng.standard_normal((3, 3)) * 0.5
    x, w = tf.placeholder(tf.float64, [steps, 3]), tf.placeholder(tf.float64, [3, 3])
    inputs = tf.TensorArray(tf.float64, size=steps).unstack(x)

    def body(t, h, outputs):
        h = tf.tanh(tf.matmul(h, w) + tf.expand_dims(inputs.read(t), 0))
        return t + 1, h, outputs.write(t, h[0])
    _, h, outputs = tf.while_loop(lambda t, h, o: t < steps, body,
                                  [0, tf.zeros([1, 3], tf.float64),
                                   tf.TensorArray(tf.float64, size=steps)])
    assert isinstance(outputs, tf.TensorArray) and outputs.element_shape.as_list() == [3]
    ys = outputs.stack()
    loss = tf.reduce_sum(ys * ys) + tf.reduce_sum(tf.sin(h))
    grads = tf.gradients(loss, [x, w])

    def f(xv, wv):
        h, total = np.zeros((1, 3)), 0.0
        for t in range(steps):
            h = np.tanh(h @ wv + xv[t][None])
            total += np.sum(h * h)
        return total + np.sum(np.sin(h))
    with tf.Session() as sess:
        value, gx, gw = sess.run([loss, *grads], {x: xv, w: wv})
    assert value == pytest.approx(f(xv, wv), rel=1e-12)
    np.testing.assert_allclose(gx, central_differences(lambda v: f(v, wv), xv), rtol=1e-6)
    np.testing.assert_allclose(gw, central_differences(lambda v: f(xv, v), wv), rtol=1e-6)


def test_a_growing_array_in_a_data_dependent_loop():
    # Collatz steps of n, written to a dynamic-size array: its length is known at run time.
    n = tf.placeholder(tf.int32, [])

    def body(v, seq):
        nxt = tf.where(v % 2 > 0, 3 * v + 1, v // 2)
        return nxt, seq.write(seq.size(), nxt)
    _, seq = tf.while_loop(lambda v, s: v > 1, body,
                           [n, tf.TensorArray(tf.int32, size=0, dynamic_size=True)])
    with tf.Session() as sess:
        got = sess.run(seq.stack(), {n: 6})
    want, v = [], 6
    while v > 1:
        v = 3 * v + 1 if v % 2 else v // 2
        want.append(v)
    np.testing.assert_array_equal(got, want)


def test_gradients_through_reads_gathers_and_scatters_outside_loops():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 2))
    x = tf.placeholder(tf.float64, [4, 2])
    ta = tf.TensorArray(tf.float64, size=4).unstack(x)
    mixed = tf.TensorArray(tf.float64, size=4).scatter([3, 1, 0, 2], ta.gather([0, 0, 2, 3]))
    loss = tf.reduce_sum(ta.read(1) * 3.0) + tf.reduce_sum(tf.exp(mixed.stack()) * [1.0, 2.0])
    grad = tf.gradients(loss, x)[0]

    def f(v):
        rows = v[[0, 0, 2, 3]]
        mixed_v = np.zeros_like(rows)
        mixed_v[[3, 1, 0, 2]] = rows
        return np.sum(v[1] * 3.0) + np.sum(np.exp(mixed_v) * [1.0, 2.0])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad, {x: xv}), central_differences(f, xv),
                                   rtol=1e-7)


def test_arrays_in_loops_on_the_null_device(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [4, 3])
    inputs = tf.TensorArray(tf.float64, size=4).unstack(x)
    _, out = tf.while_loop(
        lambda t, o: t < 4, lambda t, o: (t + 1, o.write(t, tf.sin(inputs.read(t)) * 2.0)),
        [0, tf.TensorArray(tf.float64, size=4)])
    fetches = [out.stack(), tf.gradients(tf.reduce_sum(out.stack() ** 2), x)[0]]
    xv = np.random.default_rng(2).standard_normal((4, 3))
    with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as cpu:
        want = cpu.run(fetches, {x: xv})
    with tf.Session() as sess:
        meta = tf.RunMetadata()
        got = sess.run(fetches, {x: xv}, run_metadata=meta)
    assert meta.launch == "direct"
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_allclose(want[0], np.sin(xv) * 2.0, rtol=1e-15)


def test_integer_arrays_hold_device_values_on_the_null_device(monkeypatch):
    # An int array written with values computed on the host and on the device, read back
    # by host code (the loop condition) and by a device op.
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float32, [5, 3])
    best = tf.argmax(x, axis=1, output_type=tf.int32)  # a device value

    def body(t, ta):
        value = tf.gather(best, t) + t  # device
        return t + 1, ta.write(t, value)
    _, ta = tf.while_loop(lambda t, ta: t < 5, body,
                          [0, tf.TensorArray(tf.int32, size=5)])
    total = tf.while_loop(lambda i, s: i < ta.read(4), lambda i, s: (i + 1, s + ta.read(i % 5)),
                          [0, 0])[1]
    rng = np.random.default_rng(3)
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        for _ in range(3):  # the second loop's bound is a device value: never captured
            xv = rng.standard_normal((5, 3)).astype(np.float32)
            got_stack, got_total = sess.run([ta.stack(), total], {x: xv}, run_metadata=meta)
            want = np.argmax(xv, 1) + np.arange(5)
            np.testing.assert_array_equal(got_stack, want)
            assert got_total == sum(want[i % 5] for i in range(want[4]))
    assert meta.launch == "direct" and "decides on the device" in meta.launch_reason


def test_array_ops_are_never_placed_as_host_code():
    # Even an all-integer array built from constants keeps its elements on the device:
    # a read then gives a device array wherever the elements came from.
    from tf0.session.cuda_backend import placement
    from tf0.session.plan import Schedule
    read = tf.TensorArray(tf.int32, size=2).write(0, 3).write(1, 4).read(1)
    schedule = Schedule([read], [])
    host = placement(schedule)
    assert [op.type for op in schedule.ops
            if op.type.startswith("TensorList") and op.outputs[0] in host] == []


def test_an_exported_loop_with_arrays_loads_and_runs(tmp_path):
    x = tf.placeholder(tf.float64, [None, 2])
    inputs = tf.TensorArray(tf.float64, size=tf.shape(x)[0]).unstack(x)
    _, out = tf.while_loop(
        lambda t, o: t < tf.shape(x)[0], lambda t, o: (t + 1, o.write(t, inputs.read(t) * 3.0)),
        [0, tf.TensorArray(tf.float64, size=tf.shape(x)[0])])
    y = out.stack()
    grad = tf.gradients(tf.reduce_sum(tf.sin(y)), x)[0]
    xv = np.array([[1.0, 2.0], [-0.5, 0.25], [0.0, 3.0]])
    with tf.Session() as sess:
        want = sess.run([y, grad], {x: xv})
        tf.saved_model.save(sess, str(tmp_path), inputs={"x": x}, outputs={"y": y, "g": grad})
    with tf.Graph().as_default():
        got = tf.saved_model.load(str(tmp_path))(x=xv)
    np.testing.assert_array_equal(got["y"], want[0])
    np.testing.assert_array_equal(got["g"], want[1])
    np.testing.assert_allclose(want[1], 3.0 * np.cos(3.0 * xv), rtol=1e-14)


def test_second_derivatives_through_array_ops():
    xv = np.array([[0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]])
    x = tf.placeholder(tf.float64, [3, 2])
    ta = tf.TensorArray(tf.float64, size=3).unstack(x)
    moved = tf.TensorArray(tf.float64, size=3).scatter([2, 0, 1], ta.gather([1, 2, 0]))
    loss = tf.reduce_sum(tf.sin(moved.read(0)) * moved.stack()[1]) + tf.reduce_sum(
        tf.exp(ta.read(2)))
    grad = tf.gradients(loss, x)[0]
    second = tf.gradients(tf.reduce_sum(grad * grad), x)[0]

    def grad_np(v):  # moved = rows [2, 0, 1] of v; loss = sum(sin(v[2]) * v[0]) + sum(exp(v[2]))
        g = np.zeros_like(v)
        g[2] = np.cos(v[2]) * v[0] + np.exp(v[2])
        g[0] = np.sin(v[2])
        return g
    with tf.Session() as sess:
        got_grad, got_second = sess.run([grad, second], {x: xv})
    np.testing.assert_allclose(got_grad, grad_np(xv), rtol=1e-12)
    np.testing.assert_allclose(got_second, central_differences(
        lambda v: np.sum(grad_np(v) ** 2), xv), rtol=1e-6)


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_split_and_concat_with_gradients(device, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    xv = np.arange(12.0).reshape(6, 2) / 7
    x = tf.placeholder(tf.float64, [6, 2])
    pieces = tf.TensorArray(tf.float64, size=3).split(x, [1, 3, 2])
    middle, joined = pieces.read(1), pieces.concat()
    again = tf.TensorArray(tf.float64, size=2).write(0, x[:2] * 2.0).write(1, x[4:]).concat()
    loss = tf.reduce_sum(tf.sin(middle)) + tf.reduce_sum(joined ** 2) + tf.reduce_sum(again)
    grad = tf.gradients(loss, x)[0]
    with tf.Session() as sess:
        got = sess.run([middle, joined, again, grad], {x: xv})
    np.testing.assert_array_equal(got[0], xv[1:4])
    np.testing.assert_array_equal(got[1], xv)
    np.testing.assert_array_equal(got[2], np.concatenate([xv[:2] * 2.0, xv[4:]]))
    want = 2 * xv
    want[1:4] += np.cos(xv[1:4])
    want[:2] += 2.0
    want[4:] += 1.0
    np.testing.assert_allclose(got[3], want, rtol=1e-14)
    with pytest.raises(tf.errors.InvalidArgumentError, match="do not add up"):
        with tf.Session() as sess:
            sess.run(tf.TensorArray(tf.float64, size=2).split(x, [1, 2]).concat(), {x: xv})
