"""tf.edit_distance: Levenshtein distances between the sequences of two SparseTensors,
against a brute-force recursion, with TF1's shape, normalization and error rules (and
against TF1 itself in test_against_tf1_extras.py)."""
import functools
import itertools

import numpy as np
import pytest

import tf0 as tf
from tf0.ops.edit_distance import levenshtein

RNG = np.random.default_rng(37)


def _brute(a, b):
    """The edit distance by its definition's recursion."""
    @functools.lru_cache(maxsize=None)
    def d(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))
    return d(len(a), len(b))


def test_levenshtein_is_the_recursion():
    for n, m in itertools.product(range(5), repeat=2):
        for _ in range(5):
            a, b = tuple(RNG.integers(0, 3, n)), tuple(RNG.integers(0, 3, m))
            assert levenshtein(a, b) == _brute(a, b)


def _sparse(rows, shape):
    """A SparseTensor of [batch, time] sequences `rows` (lists), and its dense shape."""
    indices = [[b, t] for b, row in enumerate(rows) for t in range(len(row))]
    values = [v for row in rows for v in row]
    return tf.SparseTensor(np.array(indices, np.int64).reshape(-1, 2),
                           np.array(values, np.int64), shape)


def test_distances_shapes_and_normalization():
    hyps = [[1, 2, 3], [], [4], [2, 2]]
    truths = [[1, 3], [5, 6], [], [], [7]]
    hyp, truth = _sparse(hyps, [4, 3]), _sparse(truths, [5, 2])
    with tf.Session() as sess:
        raw, normalized = sess.run([tf.edit_distance(hyp, truth, normalize=False),
                                    tf.edit_distance(hyp, truth)])
    padded = hyps + [[]]
    want = [_brute(tuple(h), tuple(t)) for h, t in zip(padded, truths)]
    np.testing.assert_array_equal(raw, want)  # over the larger batch: 5 rows
    np.testing.assert_array_equal(normalized, [want[0] / 2, want[1] / 2, np.inf, np.inf,
                                               want[4] / 1])
    strings = tf.SparseTensor([[0, 0], [0, 1]], ["a", "b"], [1, 2])
    with tf.Session() as sess:
        assert sess.run(tf.edit_distance(strings, tf.SparseTensor([[0, 0]], ["b"], [1, 1]),
                                         normalize=False)).tolist() == [1.0]
    with pytest.raises(ValueError, match="does not match truth_shape"):
        tf.edit_distance(tf.SparseTensor([[0, 0, 0]], np.int64([1]), [1, 1, 1]),
                         _sparse([[1]], [1, 1]))
    with pytest.raises(TypeError, match="does not match type"):
        tf.edit_distance(tf.SparseTensor([[0, 0]], [1.0], [1, 1]), _sparse([[1]], [1, 1]))
