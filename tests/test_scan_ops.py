"""tf.cumsum, tf.cumprod, the one-argument tf.where and tf.boolean_mask against NumPy and
central differences; on the null device, where's data-dependent size keeps its plan out
of CUDA graphs."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences


def _np_scan(fn, v, axis, exclusive, reverse):
    if reverse:
        v = np.flip(v, axis)
    out = fn(v, axis=axis)
    if exclusive:
        out = np.delete(np.concatenate([np.take(out, [0], axis) * 0 + (fn is np.cumprod),
                                        out], axis), -1, axis)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_and_cumprod_with_gradients(axis, exclusive, reverse):
    rng = np.random.default_rng(abs(axis) * 4 + exclusive * 2 + reverse)
    xv = rng.uniform(0.5, 1.5, (3, 4, 2)) * rng.choice([-1, 1], (3, 4, 2))
    x = tf.placeholder(tf.float64, [3, 4, 2])
    s = tf.cumsum(x, axis, exclusive=exclusive, reverse=reverse)
    p = tf.cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    loss = tf.reduce_sum(tf.sin(s)) + tf.reduce_sum(p * p)
    with tf.Session() as sess:
        got_s, got_p, grad = sess.run([s, p, tf.gradients(loss, x)[0]], {x: xv})

    def f(v):
        return np.sum(np.sin(_np_scan(np.cumsum, v, axis, exclusive, reverse))) + \
            np.sum(_np_scan(np.cumprod, v, axis, exclusive, reverse) ** 2)
    np.testing.assert_allclose(got_s, _np_scan(np.cumsum, xv, axis, exclusive, reverse),
                               rtol=1e-14)
    np.testing.assert_allclose(got_p, _np_scan(np.cumprod, xv, axis, exclusive, reverse),
                               rtol=1e-14)
    np.testing.assert_allclose(grad, central_differences(f, xv), rtol=1e-6)


def test_integer_scans_and_bad_input():
    v = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    with tf.Session() as sess:
        s, p = sess.run([tf.cumsum(v, 1), tf.cumprod(tf.constant(v, tf.int64), 0)])
    np.testing.assert_array_equal(s, np.cumsum(v, 1))
    assert s.dtype == np.int32 and p.dtype == np.int64
    np.testing.assert_array_equal(p, np.cumprod(v, 0))
    with pytest.raises(ValueError, match="bool"):
        tf.cumsum(tf.constant([True, False]))
    with pytest.raises(ValueError, match="rank 1"):
        tf.cumsum(tf.constant(1.0))


def test_where_gives_the_coordinates_of_true_elements():
    rng = np.random.default_rng(0)
    cond = tf.placeholder(tf.bool, None)
    numbers = tf.placeholder(tf.float32, [None, 3])
    coords, nonzero = tf.where(cond), tf.where(numbers)
    assert nonzero.shape.as_list() == [None, 2] and nonzero.dtype == tf.int64
    with tf.Session() as sess:
        for shape in [(7,), (3, 4), (2, 3, 5), (0, 2), ()]:
            v = rng.random(shape) > 0.5
            got = sess.run(coords, {cond: v})
            np.testing.assert_array_equal(got, np.argwhere(v))
            assert got.dtype == np.int64 and got.shape == (np.count_nonzero(v), len(shape))
        nv = np.array([[0, 1.5, 0], [-2, 0, 0]], np.float32)
        np.testing.assert_array_equal(sess.run(nonzero, {numbers: nv}), np.argwhere(nv))


def test_boolean_mask_and_its_gradient():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 3, 2))
    x = tf.placeholder(tf.float64, [4, 3, 2])
    rows = tf.placeholder(tf.bool, [4])
    cells = tf.placeholder(tf.bool, [3, 2])
    by_rows = tf.boolean_mask(x, rows)
    by_cells = tf.boolean_mask(x, cells, axis=1)
    assert by_rows.shape.as_list() == [None, 3, 2] and by_cells.shape.as_list() == [4, None]
    loss = tf.reduce_sum(tf.sin(by_rows)) + tf.reduce_sum(by_cells ** 2)
    rv, cv = np.array([True, False, True, True]), np.array([[1, 0], [0, 0], [1, 1]], bool)
    with tf.Session() as sess:
        a, b, grad = sess.run([by_rows, by_cells, tf.gradients(loss, x)[0]],
                              {x: xv, rows: rv, cells: cv})
    np.testing.assert_array_equal(a, xv[rv])
    np.testing.assert_array_equal(b, xv[:, cv])
    np.testing.assert_allclose(grad, central_differences(
        lambda v: np.sum(np.sin(v[rv])) + np.sum(v[:, cv] ** 2), xv), rtol=1e-6)


def test_where_on_the_null_device_runs_but_is_not_captured(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [5])
    picked = tf.boolean_mask(tf.cumsum(x), x > 0)
    running = tf.cumsum(x, exclusive=True) * 2.0
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        for v in (np.array([1.0, -2, 3, -4, 5]), np.array([-1.0, 2, 2, 2, -9])) * 3:
            got = sess.run(picked, {x: v}, run_metadata=meta)
            np.testing.assert_array_equal(got, np.cumsum(v)[v > 0])
        assert meta.launch == "direct" and "depends on device values" in meta.launch_reason
        for _ in range(3):
            got = sess.run(running, {x: np.arange(5.0)}, run_metadata=meta)
        assert meta.launch == "replay"
        np.testing.assert_array_equal(got, [0.0, 0.0, 2.0, 6.0, 12.0])
