"""Forward values of ops with non-obvious semantics, against references written
independently of tf0's implementation (float64 formulas, Python's own arithmetic, loops)."""
import math

import numpy as np
import pytest

import tf0 as tf


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


def test_softmax_family_against_float64_formulas():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 7)) * 30  # large values: stability matters
    labels = rng.dirichlet(np.ones(7), size=5)
    sparse = rng.integers(0, 7, size=5)
    x = tf.constant(logits.astype(np.float32))
    out = _run([tf.nn.softmax(x), tf.nn.log_softmax(x),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels.astype(np.float32),
                                                           logits=x),
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse, logits=x)])
    for row in range(5):
        m = max(logits[row])
        lse = m + math.log(sum(math.exp(v - m) for v in logits[row]))
        for j in range(7):
            assert math.isclose(out[0][row, j], math.exp(logits[row, j] - lse), rel_tol=1e-5,
                                abs_tol=1e-30)
            assert math.isclose(out[1][row, j], logits[row, j] - lse, rel_tol=1e-5, abs_tol=1e-4)
        xent = -sum(labels[row, j] * (logits[row, j] - lse) for j in range(7))
        assert math.isclose(out[2][row], xent, rel_tol=1e-5)
        assert math.isclose(out[3][row], lse - logits[row, sparse[row]], rel_tol=1e-5,
                            abs_tol=1e-4)


def test_sigmoid_cross_entropy_is_stable_for_large_logits():
    logits = np.array([-1000.0, -20.0, 0.0, 20.0, 1000.0])
    labels = np.array([0.0, 1.0, 0.5, 0.0, 1.0])
    got = _run(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
    want = [0.0, 20.0 + math.log1p(math.exp(-20)), math.log(2), 20 + math.log1p(math.exp(-20)),
            0.0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert np.all(np.isfinite(_run(tf.sigmoid(tf.constant([-1000.0, 1000.0])))))


def test_integer_arithmetic_follows_python():
    a = [7, -7, 7, -7, 0]
    b = [2, 2, -2, -2, 3]
    out = _run([tf.constant(a) // b, tf.constant(a) % b, tf.constant(a) / b])
    assert list(out[0]) == [x // y for x, y in zip(a, b)]
    assert list(out[1]) == [x % y for x, y in zip(a, b)]
    assert out[2].dtype == np.float64 and list(out[2]) == [x / y for x, y in zip(a, b)]
    assert _run(tf.cast(tf.constant([-1.7, 1.7]), tf.int32)).tolist() == [-1, 1]


def test_argmax_picks_first_of_ties():
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    assert _run(tf.argmax(x, axis=1)).tolist() == [1, 0]
    assert _run(tf.argmin(x, axis=1)).tolist() == [0, 2]
    assert _run(tf.argmax(x, axis=1)).dtype == np.int64


def test_array_ops_against_loops():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = tf.constant(x)
    tiled, padded, gathered, hot, sliced = _run([
        tf.tile(t, [1, 2, 1]), tf.pad(t, [[0, 0], [1, 0], [0, 2]], constant_values=0),
        tf.gather(t, [2, 0], axis=1), tf.one_hot([1, 3, -1], 3, on_value=5.0, off_value=-1.0),
        tf.slice(t, [1, 1, 0], [1, 2, 3])])
    for i in range(2):
        for j in range(6):
            for k in range(4):
                assert tiled[i, j, k] == x[i, j % 3, k]
    assert padded.shape == (2, 4, 6) and padded[0, 0].sum() == 0 and padded[1, 1:, :4].tolist() \
        == x[1].tolist()
    assert gathered[:, 0].tolist() == x[:, 2].tolist() and gathered[:, 1].tolist() \
        == x[:, 0].tolist()
    assert hot.tolist() == [[-1, 5, -1], [-1, -1, -1], [-1, -1, -1]]
    assert sliced.tolist() == [[[x[1, j, k] for k in range(3)] for j in (1, 2)]]


def test_split_stack_concat_roundtrip():
    x = np.arange(12.0).reshape(3, 4)
    t = tf.constant(x)
    parts = tf.split(t, [1, -1, 2], axis=1)
    out = _run([tf.concat(parts, 1), tf.stack(tf.unstack(t), 1), parts[1]])
    np.testing.assert_array_equal(out[0], x)
    np.testing.assert_array_equal(out[1], x.T)
    np.testing.assert_array_equal(out[2], x[:, 1:2])


def test_matmul_batched_against_loops():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 4))
    b = rng.standard_normal((4, 5))
    got = _run(tf.matmul(a, b))
    for n in range(2):
        for i in range(3):
            for j in range(5):
                assert math.isclose(got[n, i, j], sum(a[n, i, k] * b[k, j] for k in range(4)),
                                    rel_tol=1e-12)


def test_reductions_with_keepdims_and_negative_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    out = _run([tf.reduce_sum(x, axis=-1), tf.reduce_mean(x, axis=[0, -1], keepdims=True),
                tf.reduce_max(x, axis=(1,)), tf.reduce_prod(x[:, :, 1:3] / 10, axis=None),
                tf.reduce_sum(tf.constant([1, 2, 3], tf.int32))])
    assert out[0].tolist() == [[sum(x[i, j]) for j in range(3)] for i in range(2)]
    assert out[1].shape == (1, 3, 1) and out[1][0, 1, 0] == x[:, 1, :].mean()
    assert out[2].tolist() == [[x[i, 2, k] for k in range(4)] for i in range(2)]
    assert math.isclose(out[3], math.prod((x[:, :, 1:3] / 10).ravel()))
    assert out[4] == 6 and out[4].dtype == np.int32


def test_max_and_min_of_nothing_are_their_identities():
    """TF1: the max of no elements is -inf (a float) or the integer's lowest value, the min
    +inf or the highest, the sum 0, the product 1; any() is False and all() True."""
    empty_f, empty_i = np.zeros((0, 3), np.float32), np.zeros((2, 0), np.int64)
    out = _run([tf.reduce_max(empty_f), tf.reduce_min(empty_f, axis=0),
                tf.reduce_max(empty_i, axis=1), tf.reduce_min(tf.constant(empty_i.T)),
                tf.reduce_sum(empty_i, axis=1), tf.reduce_prod(empty_f, axis=0),
                tf.reduce_any(tf.constant(np.zeros(0, bool))),
                tf.reduce_all(tf.constant(np.zeros(0, bool)))])
    assert out[0] == -np.inf and out[1].tolist() == [np.inf] * 3
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    assert out[2].tolist() == [lo, lo] and out[3] == hi and out[3].dtype == np.int64
    assert out[4].tolist() == [0, 0] and out[5].tolist() == [1.0] * 3
    assert not out[6] and out[7]


def test_inf_and_nan_are_results_not_warnings():
    import warnings
    x = tf.placeholder(tf.float32, [3])
    y = [tf.log(x), 1.0 / x, tf.sqrt(x - 1.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log, inv, root = _run(y, {x: [0.0, 1.0, 4.0]})
    assert log[0] == -np.inf and inv[0] == np.inf and np.isnan(root[0])
    assert root[2] == np.float32(np.sqrt(3.0))


def test_lists_of_tensors_and_variables_convert_by_stacking():
    v = tf.Variable(2.0)
    t = tf.constant(3.0)
    packed = tf.convert_to_tensor([v, t, 4.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(packed).tolist() == [2.0, 3.0, 4.0]
        assert sess.run(tf.reduce_sum([v, v])) == 4.0


def test_zeros_and_ones_take_shape_lists_holding_tensors():
    x = tf.placeholder(tf.float32, [None, 3])
    zeros = tf.zeros([tf.shape(x)[0], 2], tf.int32)
    ones = tf.ones((tf.shape(x)[1],), tf.bool)
    assert zeros.shape.as_list() == [None, 2] and ones.shape.as_list() == [None]
    with tf.Session() as sess:
        z, o = sess.run([zeros, ones], {x: np.zeros((4, 3), np.float32)})
    np.testing.assert_array_equal(z, np.zeros((4, 2), np.int32))
    np.testing.assert_array_equal(o, np.ones(3, bool))


def test_tf_math_names_are_the_top_level_functions():
    # as in TF1, a few live only under tf.math (or tf.nn at the top)
    only_in_math = {"xlogy", "xdivy", "polyval", "reduce_euclidean_norm", "softsign", "top_k",
                    "in_top_k", "divide_no_nan", "multiply_no_nan", "reciprocal_no_nan",
                    "xlog1py", "zero_fraction", "erfinv", "ndtri"}
    names = [n for n in dir(tf.math) if not n.startswith("_") and n not in only_in_math]
    assert len(names) > 50
    assert all(getattr(tf.math, n) is getattr(tf, n) for n in names)
    assert not any(hasattr(tf, n) for n in only_in_math)
    assert tf.math.softsign is tf.nn.softsign and tf.math.top_k is tf.nn.top_k
    assert tf.math.zero_fraction is tf.nn.zero_fraction


def test_the_facade_modules_are_tf0s_own():
    # `from tf0.ops import *` must not leave tf0.ops's submodules in their place
    for name in ("layers", "losses", "linalg", "nn", "train", "data", "debugging", "metrics"):
        assert getattr(tf, name).__name__ == f"tf0.{name}", name
    assert tf.math.__name__ == "tf0.math_names"


def test_empty_lists_make_empty_constants_of_any_dtype():
    for dtype in (tf.int32, tf.int64, tf.bool, tf.uint8, tf.float32, tf.string):
        t = tf.constant([], dtype)
        assert t.dtype is dtype and t.shape.as_list() == [0]
    with tf.Session() as sess:
        assert sess.run(tf.constant([[]], tf.int32)).shape == (1, 0)


def test_string_placeholders_take_bytes_str_and_lists():
    s = tf.placeholder(tf.string, [None])
    joined = tf.decode_csv(s, [[""], [0]])
    with tf.Session() as sess:
        text, num = sess.run(joined, {s: ["a,1", b"b,2"]})
        assert text.tolist() == [b"a", b"b"] and num.tolist() == [1, 2]
        assert sess.run(tf.identity(s), {s: np.array(["x"])}).tolist() == [b"x"]
        with pytest.raises(TypeError, match="string tensor"):
            sess.run(s, {s: [1, 2]})
