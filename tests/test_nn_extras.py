"""tf.nn's 1-D pooling, generic convolution, conv2d backprops, Poisson loss and sparse
embedding lookups against NumPy computations written here."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(61)


def _run(*fetches):
    with tf.Session() as sess:
        return sess.run(list(fetches))


def test_one_dimensional_pooling_and_pool():
    x = RNG.standard_normal((2, 7, 3))
    mx, av, generic = _run(tf.nn.max_pool1d(x, 2, 2, "VALID"), tf.nn.avg_pool1d(x, 3, 1, "VALID"),
                           tf.nn.pool(x, [2], "MAX", "VALID", strides=[2]))
    np.testing.assert_allclose(mx, x[:, :6].reshape(2, 3, 2, 3).max(2))
    np.testing.assert_allclose(av, (x[:, :-2] + x[:, 1:-1] + x[:, 2:]) / 3, rtol=1e-12)
    np.testing.assert_allclose(generic, mx)
    with pytest.raises(ValueError, match="1-D and 2-D"):
        tf.nn.convolution(np.zeros((1, 2, 2, 2, 1)), np.zeros((1, 1, 1, 1, 1)), "SAME")


def test_backprops_are_the_convolution_gradients():
    x = RNG.standard_normal((1, 5, 4, 2))
    w = RNG.standard_normal((3, 3, 2, 3))
    g = RNG.standard_normal((1, 5, 4, 3))
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.conv2d(xt, wt, [1, 1, 1, 1], "SAME")
    want_x, want_w = tf.gradients(y, [xt, wt], grad_ys=tf.constant(g))
    got_x = tf.nn.conv2d_backprop_input([1, 5, 4, 2], wt, tf.constant(g), [1, 1, 1, 1], "SAME")
    got_w = tf.nn.conv2d_backprop_filter(xt, [3, 3, 2, 3], tf.constant(g), [1, 1, 1, 1], "SAME")
    a, b, c, d = _run(got_x, want_x, got_w, want_w)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(c, d, rtol=1e-12)
    # and the filter gradient by hand: sum over positions of input patch times output grad
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
    by_hand = np.einsum("bhwi,bhwo->io", padded[:, 0:5, 0:4], g)
    np.testing.assert_allclose(c[0, 0], by_hand, rtol=1e-12)


def test_log_poisson_loss_with_and_without_stirling():
    targets = np.array([0.0, 1.0, 2.0, 5.0])
    log_input = np.array([0.3, -0.2, 1.1, 1.5])
    plain, full = _run(tf.nn.log_poisson_loss(targets, log_input),
                       tf.nn.log_poisson_loss(targets, log_input, compute_full_loss=True))
    np.testing.assert_allclose(plain, np.exp(log_input) - log_input * targets, rtol=1e-12)
    stirling = np.where(targets > 1, targets * np.log(np.maximum(targets, 1)) - targets +
                        0.5 * np.log(2 * np.pi * np.maximum(targets, 1)), 0.0)
    np.testing.assert_allclose(full, plain + stirling, rtol=1e-12)


def test_sparse_embedding_lookups_combine_rows():
    params = RNG.standard_normal((6, 3))
    ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 0]], tf.constant([1, 4, 5, -1], tf.int64),
                          [5, 2])
    weights = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 0]], tf.constant([1.0, 3.0, 2.0, 1.0],
                                                                           tf.float64), [5, 2])
    mean, sqrtn, default = _run(
        tf.nn.safe_embedding_lookup_sparse(params, ids, weights),
        tf.nn.safe_embedding_lookup_sparse(params, ids, weights, combiner="sqrtn"),
        tf.nn.safe_embedding_lookup_sparse(params, ids, None, default_id=2))
    row0 = params[1] * 1.0 + params[4] * 3.0
    np.testing.assert_allclose(mean[0], row0 / 4.0, rtol=1e-12)
    np.testing.assert_allclose(sqrtn[0], row0 / np.sqrt(10.0), rtol=1e-12)
    np.testing.assert_allclose(mean[2], params[5], rtol=1e-12)
    assert mean.shape == (5, 3) and np.all(mean[[1, 3, 4]] == 0)  # -1 is dropped
    np.testing.assert_allclose(default[[1, 3, 4]], np.tile(params[2], (3, 1)))
    with pytest.raises(ValueError, match="combiner"):
        tf.nn.embedding_lookup_sparse(params, ids, None, combiner="max")
