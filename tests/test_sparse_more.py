"""SparseTensor ops against dense NumPy computations made here."""
import numpy as np
import pytest

import tf0 as tf

IDX = np.array([[0, 3], [1, 0], [0, 1], [2, 2], [1, 4]])
VALS = np.array([1.0, -2.0, 3.0, 0.5, 4.0])


def _dense(indices, values, shape):
    out = np.zeros(shape)
    for i, v in zip(indices, values):
        out[tuple(i)] += v
    return out


def test_sparse_ops_agree_with_their_dense_values():
    values = tf.constant(VALS)
    a = tf.SparseTensor(IDX, values, [3, 5])
    b = tf.SparseTensor([[0, 1], [2, 4]], tf.constant([10.0, -1.0], tf.float64), [3, 5])
    results = {"reorder": tf.sparse_reorder(a), "transpose": tf.sparse_transpose(a),
               "reshape": tf.sparse_reshape(a, [-1, 3]), "add": tf.sparse_add(a, b),
               "softmax": tf.sparse_softmax(tf.sparse_reorder(a)),
               "concat": tf.sparse_concat(0, [a, b])}
    grad = tf.gradients(tf.reduce_sum(results["concat"].values ** 2), values)[0]
    with tf.Session() as sess:
        got = sess.run({k: (v.indices, v.values, v.dense_shape) for k, v in results.items()})
        g = sess.run(grad)
    dense_a = _dense(IDX, VALS, (3, 5))
    order = np.lexsort(IDX.T[::-1])
    np.testing.assert_array_equal(got["reorder"][0], IDX[order])
    np.testing.assert_array_equal(_dense(*got["transpose"]), dense_a.T)
    np.testing.assert_array_equal(_dense(*got["reshape"]), dense_a.reshape(-1, 3))
    np.testing.assert_array_equal(_dense(*got["add"]), dense_a + _dense([[0, 1], [2, 4]],
                                                                        [10.0, -1.0], (3, 5)))
    soft = _dense(*got["softmax"])
    for row in range(3):  # softmax over each row's present entries
        present = dense_a[row] != 0
        e = np.exp(dense_a[row][present])
        np.testing.assert_allclose(soft[row][present], e / e.sum())
    assert got["concat"][2].tolist() == [6, 5]
    np.testing.assert_allclose(g, 2 * VALS)  # tf0 differentiates sparse_concat


def test_fill_empty_rows_indicator_and_segment_means():
    sp = tf.SparseTensor([[1, 0], [1, 2]], tf.constant([5, 6]), [3, 3])
    filled, empty = tf.sparse_fill_empty_rows(sp, -1)
    indicator = tf.sparse_to_indicator(tf.SparseTensor([[0, 0], [1, 1]], tf.constant(
        [2, 0], tf.int64), [2, 2]), 3)
    mean = tf.sparse_segment_mean(tf.constant([[1.0], [2.0], [4.0]]), [0, 1, 2], [0, 0, 2])
    with tf.Session() as sess:
        (idx, vals, _), rows_empty, ind, m = sess.run(
            [(filled.indices, filled.values, filled.dense_shape), empty, indicator, mean])
    assert idx.tolist() == [[0, 0], [1, 0], [1, 2], [2, 0]] and vals.tolist() == [-1, 5, 6, -1]
    assert rows_empty.tolist() == [True, False, True]
    assert ind.tolist() == [[False, False, True], [True, False, False]]
    np.testing.assert_allclose(m, [[1.5], [0.0], [4.0]])


def test_sparse_slice_and_split_cut_the_dense_tensor():
    rng = np.random.default_rng(12)
    dense = np.where(rng.random((5, 7)) < 0.4, rng.standard_normal((5, 7)), 0.0)
    sp = tf.sparse.from_dense(dense)
    pieces = [tf.sparse.slice(sp, [1, 2], [3, 4]), tf.sparse.slice(sp, [4, 5], [9, 9])]
    parts = tf.sparse.split(sp_input=sp, num_split=3, axis=1)
    with tf.Session() as sess:
        cut, corner, *split = sess.run([tf.sparse.to_dense(p) for p in pieces + parts])
    np.testing.assert_array_equal(cut, dense[1:4, 2:6])
    np.testing.assert_array_equal(corner, dense[4:, 5:])
    assert [s.shape[1] for s in split] == [3, 2, 2]  # 7 into 3: the first one longer
    np.testing.assert_array_equal(np.concatenate(split, axis=1), dense)
    with pytest.raises(ValueError, match="keyword arguments"):
        tf.sparse.split(sp, 2, 1)
