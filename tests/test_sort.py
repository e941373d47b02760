"""tf.sort and tf.argsort against NumPy's stable sort: ties, infinities, integer extremes,
any axis, both directions, and the gradient of sort."""
import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences


def _np_argsort(v, axis, descending):
    if descending:
        v = ~v if v.dtype.kind in "iu" else -v
    return np.argsort(v, axis=axis, kind="stable")


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort_and_argsort_match_a_stable_sort(dtype, axis, direction):
    rng = np.random.default_rng(7)
    v = rng.integers(-3, 4, (6, 9)).astype(dtype.np)  # many ties
    if dtype.is_floating:
        v[0, :3] = [np.inf, -np.inf, np.inf]
    else:
        v[1, :2] = [np.iinfo(dtype.np).min, np.iinfo(dtype.np).max]
    x = tf.constant(v)
    with tf.Session() as sess:
        order, values = sess.run([tf.argsort(x, axis, direction), tf.sort(x, axis, direction)])
    want = _np_argsort(v, axis, direction == "DESCENDING")
    assert order.dtype == np.int32
    np.testing.assert_array_equal(order, want)
    np.testing.assert_array_equal(values, np.take_along_axis(v, want, axis))


def test_the_gradient_of_sort_goes_back_to_where_values_came_from():
    rng = np.random.default_rng(8)
    v = rng.standard_normal((4, 5))
    weights = rng.standard_normal((4, 5))
    x = tf.placeholder(tf.float64, [4, 5])
    loss = tf.reduce_sum(tf.sort(x, axis=1, direction="DESCENDING") * weights)
    grad = tf.Session().run(tf.gradients(loss, x)[0], {x: v})
    np.testing.assert_allclose(grad, central_differences(
        lambda u: np.sum(-np.sort(-u, axis=1) * weights), v), rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="direction"):
        tf.sort(tf.constant([1.0]), direction="UP")
    with pytest.raises(ValueError, match="rank 1"):
        tf.argsort(tf.constant(1.0))
    empty = tf.Session().run(tf.sort(tf.zeros([3, 0])))
    assert empty.shape == (3, 0)
