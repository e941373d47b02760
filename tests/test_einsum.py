"""tf.einsum and tf.tensordot against np.einsum / np.tensordot in float64, with gradients
against central differences, static shapes, and misuse errors; tf.reverse, tf.eye and
tf.linalg's names."""
import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences

CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("abc,cd->dba", [(2, 3, 4), (4, 5)]),
    ("ij,kj", [(3, 4), (5, 4)]),  # implicit output: "ik"
    ("bi,bij->bj", [(3, 4), (3, 4, 2)]),
    ("ij,jk->i", [(3, 4), (4, 5)]),  # k summed after the product
]


@pytest.mark.parametrize("equation,shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_values_shapes_and_gradients(equation, shapes):
    rng = np.random.default_rng(len(equation))
    values = [rng.standard_normal(s) for s in shapes]
    phs = [tf.placeholder(tf.float64, s) for s in shapes]
    out = tf.einsum(equation, *phs)
    weights = rng.standard_normal(np.einsum(equation, *values).shape)
    grads = tf.gradients(tf.reduce_sum(out * weights), phs)
    with tf.Session() as sess:
        got, *got_grads = sess.run([out, *grads], dict(zip(phs, values)))
    want = np.einsum(equation, *values)
    assert out.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    for k, g in enumerate(got_grads):
        def f(v, k=k):
            return np.sum(np.einsum(equation, *values[:k], v, *values[k + 1:]) * weights)
        np.testing.assert_allclose(g, central_differences(f, values[k]), rtol=1e-6, atol=1e-8)


def test_einsum_with_unknown_dims_and_tensordot():
    rng = np.random.default_rng(0)
    av, bv = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    a, b = tf.placeholder(tf.float64, [None, 3, 4]), tf.placeholder(tf.float64, [4, None, 5])
    attention = tf.einsum("bij,jkl->bikl", a, b)
    dots = [tf.tensordot(a, b, [[1, 2], [1, 0]]), tf.tensordot(a, b, 1),
            tf.tensordot(a, b, [2, 0])]
    assert attention.shape.as_list() == [None, 3, None, 5]
    with tf.Session() as sess:
        got = sess.run([attention, *dots], {a: av, b: bv})
    np.testing.assert_allclose(got[0], np.einsum("bij,jkl->bikl", av, bv), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.tensordot(av, bv, [[1, 2], [1, 0]]), rtol=1e-12)
    np.testing.assert_allclose(got[2], np.tensordot(av, bv, 1), rtol=1e-12)
    np.testing.assert_allclose(got[3], np.tensordot(av, bv, [2, 0]), rtol=1e-12)


def test_einsum_misuse():
    x = tf.zeros([3, 3])
    with pytest.raises(ValueError, match="diagonals"):
        tf.einsum("ii->i", x)
    with pytest.raises(ValueError, match=r"'\.\.\.'"):
        tf.einsum("...i->i", x)
    with pytest.raises(ValueError, match="names 2 operands"):
        tf.einsum("ij,jk->ik", x)
    with pytest.raises(ValueError, match="rank 2"):
        tf.einsum("ijk->i", x)


def test_reverse_eye_and_matrix_transpose():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((2, 3, 4))
    x = tf.placeholder(tf.float64, [2, 3, 4])
    n = tf.placeholder(tf.int32, [])
    flipped = tf.reverse(x, [0, -1])
    grad = tf.gradients(tf.reduce_sum(flipped * np.arange(24.0).reshape(2, 3, 4)), x)[0]
    swapped = tf.linalg.transpose(x)
    with tf.Session() as sess:
        got = sess.run([flipped, grad, swapped, tf.matrix_transpose(x), tf.eye(2, 3),
                        tf.eye(n, dtype=tf.int32), tf.eye(2, batch_shape=[3])], {x: xv, n: 3})
    np.testing.assert_array_equal(got[0], xv[::-1, :, ::-1])
    np.testing.assert_array_equal(got[1], np.arange(24.0).reshape(2, 3, 4)[::-1, :, ::-1])
    np.testing.assert_array_equal(got[2], xv.transpose(0, 2, 1))
    np.testing.assert_array_equal(got[3], xv.transpose(0, 2, 1))
    np.testing.assert_array_equal(got[4], np.eye(2, 3))
    np.testing.assert_array_equal(got[5], np.eye(3, dtype=np.int32))
    np.testing.assert_array_equal(got[6], np.broadcast_to(np.eye(2), (3, 2, 2)))
    assert tf.linalg.einsum is tf.einsum and tf.linalg.matmul is tf.matmul
