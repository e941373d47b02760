"""Sparse variable updates (scatter_add, scatter_sub, scatter_update and the scatter_nd_
forms) against NumPy, on the NumPy backend and in captured plans on the null device."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _numpy_update(base, rows, values):
    out = base.copy()
    for r, v in zip(rows, values):  # in index order: the last duplicate wins
        out[r] = v
    return out


def _program(dtype):
    rng = np.random.default_rng(5)
    base = (rng.standard_normal((5, 3)) * 10).astype(dtype)
    v = tf.Variable(base)
    rows = np.array([3, 0, 3, 4, 0, 3])
    vals = (rng.standard_normal((6, 3)) * 10).astype(dtype)
    cells = np.array([[1, 2], [4, 0], [1, 2]])
    cell_vals = np.array([7, 8, 9], dtype)
    steps = [tf.scatter_add(v, rows, vals), tf.scatter_sub(v, rows[:2], vals[:2]),
             tf.scatter_update(v, rows, vals), tf.scatter_nd_add(v, cells, cell_vals),
             tf.scatter_nd_update(v, cells, cell_vals), tf.scatter_nd_sub(v, cells[:1],
                                                                          cell_vals[:1])]
    want, x = [], base.copy()
    np.add.at(x, rows, vals)
    want.append(x.copy())
    np.subtract.at(x, rows[:2], vals[:2])
    want.append(x.copy())
    x = _numpy_update(x, rows, vals)
    want.append(x.copy())
    np.add.at(x, tuple(cells.T), cell_vals)
    want.append(x.copy())
    x = _numpy_update(x, [tuple(c) for c in cells], cell_vals)
    want.append(x.copy())
    x[1, 2] -= cell_vals[0]
    want.append(x.copy())
    return v, steps, want


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_scatter_updates_match_numpy_in_sequence(dtype):
    v, steps, want = _program(dtype)
    with tf.Session() as sess:
        sess.run(v.initializer)
        for step, w in zip(steps, want):
            got = sess.run(step)
            np.testing.assert_allclose(got, w, rtol=1e-6)
            assert got.dtype == dtype
        np.testing.assert_allclose(sess.run(v), want[-1], rtol=1e-6)


def test_scatter_updates_in_captured_plans_match_numpy(monkeypatch):
    fake_cuda.install(monkeypatch)
    v, steps, want = _program(np.float64)
    with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as sess:
        sess.run(v.initializer)
        reference = [[sess.run(s) for s in steps] for _ in range(6)]
    with tf.Session() as sess:
        sess.run(v.initializer)
        meta = tf.RunMetadata()
        got = [[sess.run(s, run_metadata=meta) for s in steps] for _ in range(6)]
    assert meta.launch == "replay"
    for g_run, r_run in zip(got, reference):
        for g, r in zip(g_run, r_run):
            np.testing.assert_array_equal(g, r)


def test_scatter_errors():
    v = tf.Variable(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="Variable"):
        tf.scatter_add(tf.constant(np.zeros((3, 2))), [0], [[1.0, 1.0]])
    bad = tf.scatter_update(v, [5], [[1.0, 1.0]])
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(bad)
        np.testing.assert_array_equal(sess.run(v), np.zeros((3, 2)))  # nothing changed
