"""TF1 ops built from other ops (gather_nd, scatter_nd, meshgrid, linspace, the diagonal
family, is_nan and friends, count_nonzero, selu, saturate_cast, conv1d and 1-D layers,
categorical draws, learning-rate schedules), against NumPy in float64 and central
differences."""
import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_nan_inf_finite_and_count_nonzero():
    v = np.array([[1.0, np.nan, -np.inf], [0.0, np.inf, -2.0]])
    x = tf.constant(v)
    got = _run([tf.is_nan(x), tf.is_inf(x), tf.is_finite(x), tf.count_nonzero(x),
                tf.count_nonzero(x, axis=1, keepdims=True),
                tf.math.count_nonzero(tf.constant([True, False, True]))])
    want = [np.isnan(v), np.isinf(v), np.isfinite(v), np.count_nonzero(v),
            np.count_nonzero(v, axis=1)[:, None], 2]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    assert got[3].dtype == np.int64


def test_gather_nd_and_scatter_nd_with_gradients():
    rng = np.random.default_rng(0)
    pv = rng.standard_normal((4, 3, 2))
    idx = np.array([[[3, 1], [0, 2]], [[3, 1], [1, 0]]])  # [2, 2, 2]: rows of [3, 2]
    p = tf.placeholder(tf.float64, [None, 3, 2])
    picked = tf.gather_nd(p, idx)
    points = tf.gather_nd(p, [[0, 0, 1], [3, 2, 0]])
    assert picked.shape.as_list() == [2, 2, 2]
    updates = tf.placeholder(tf.float64, [3, 2])
    scattered = tf.scatter_nd([[1, 0], [3, 2], [1, 0]], updates, [4, 3, 2])
    loss = tf.reduce_sum(tf.sin(picked)) + tf.reduce_sum(points * [2.0, 3.0]) + \
        tf.reduce_sum(scattered * tf.constant(pv))
    grads = tf.gradients(loss, [p, updates])
    uv = rng.standard_normal((3, 2))
    got = _run([picked, points, scattered, *grads], {p: pv, updates: uv})
    want_scatter = np.zeros((4, 3, 2))
    np.add.at(want_scatter, (np.array([1, 3, 1]), np.array([0, 2, 0])), uv)
    np.testing.assert_array_equal(got[0], pv[idx[..., 0], idx[..., 1]])
    np.testing.assert_array_equal(got[1], [pv[0, 0, 1], pv[3, 2, 0]])
    np.testing.assert_array_equal(got[2], want_scatter)

    def f(pv_, uv_):
        s = np.zeros((4, 3, 2))
        np.add.at(s, (np.array([1, 3, 1]), np.array([0, 2, 0])), uv_)
        return np.sum(np.sin(pv_[idx[..., 0], idx[..., 1]])) + pv_[0, 0, 1] * 2 + \
            pv_[3, 2, 0] * 3 + np.sum(s * pv)
    np.testing.assert_allclose(got[3], central_differences(lambda v: f(v, uv), pv), rtol=1e-6)
    np.testing.assert_allclose(got[4], central_differences(lambda v: f(pv, v), uv), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
        _run(tf.gather_nd(p, [[0, 3]]), {p: pv})  # 3 is past the 3 rows of axis 1


def test_meshgrid_and_linspace():
    a, b, c = np.arange(3.0), np.arange(4.0) * 10, np.array([7.0, 8.0])
    xy = tf.meshgrid(a, b)
    ij = tf.meshgrid(a, b, c, indexing="ij")
    num = tf.placeholder(tf.int32, [])
    spaced = tf.linspace(-1.0, 2.0, num)
    got = _run([xy, ij])
    for g, w in zip(got[0] + got[1], np.meshgrid(a, b) + np.meshgrid(a, b, c, indexing="ij")):
        np.testing.assert_array_equal(g, w)
    with tf.Session() as sess:
        for n in (1, 2, 5, 7):
            got_space = sess.run(spaced, {num: n})
            step = np.float32(3.0) / np.float32(max(n - 1, 1))
            np.testing.assert_array_equal(got_space, np.float32(-1.0) + np.arange(
                n, dtype=np.float32) * step)
    x = tf.constant(a)
    grad = _run(tf.gradients(tf.reduce_sum(tf.meshgrid(x, tf.constant(b))[0]), x)[0])
    np.testing.assert_array_equal(grad, np.full(3, 4.0))  # each x appears in 4 rows


def test_diagonals_and_trace():
    rng = np.random.default_rng(1)
    v, m, batch = rng.standard_normal(3), rng.standard_normal((3, 5)), rng.standard_normal(
        (2, 4, 4))
    got = _run([tf.diag(v), tf.diag_part(tf.constant(m[:, :3])), tf.matrix_diag(batch[:, 0]),
                tf.matrix_diag_part(m), tf.matrix_diag_part(batch), tf.trace(batch),
                tf.linalg.diag_part(tf.constant(m.T))])
    want = [np.diag(v), np.diag(m[:, :3]), np.stack([np.diag(r) for r in batch[:, 0]]),
            np.diag(m), np.stack([np.diag(b) for b in batch]), np.trace(batch, axis1=1, axis2=2),
            np.diag(m.T)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-15)
    assert [s.tolist() for s in _run(tf.shape_n([tf.zeros([2, 3]), tf.ones([4])]))] == \
        [[2, 3], [4]]


def test_selu_xw_plus_b_and_saturate_cast():
    rng = np.random.default_rng(2)
    xv, wv, bv = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    x = tf.placeholder(tf.float64, [4, 3])
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def selu_np(v):
        return scale * np.where(v > 0, v, alpha * (np.exp(v) - 1))
    y = tf.nn.selu(x)
    got = _run([y, tf.gradients(tf.reduce_sum(y * y), x)[0], tf.nn.xw_plus_b(x, wv, bv)],
               {x: xv})
    np.testing.assert_allclose(got[0], selu_np(xv), rtol=1e-14)
    np.testing.assert_allclose(got[1], central_differences(lambda v: np.sum(selu_np(v) ** 2),
                                                           xv), rtol=1e-6)
    np.testing.assert_allclose(got[2], xv @ wv + bv, rtol=1e-14)
    big = tf.constant(np.array([3e9, -3e9, 12.7, np.inf], np.float32))
    np.testing.assert_array_equal(_run(tf.saturate_cast(big, tf.int32)),
                                  [2147483520, -2147483648, 12, 2147483520])


def _conv1d_np(x, w, stride, dilation, padding):
    """NWC x [n, width, cin], w [k, cin, cout], by loops (TF's SAME padding rule)."""
    n, width, _ = x.shape
    k = w.shape[0]
    span = (k - 1) * dilation + 1
    if padding == "VALID":
        out_w, pad = (width - span) // stride + 1, 0
    else:
        out_w = -(-width // stride)
        pad = max((out_w - 1) * stride + span - width, 0) // 2
    out = np.zeros((n, out_w, w.shape[2]))
    for o in range(out_w):
        for j in range(k):
            pos = o * stride + j * dilation - pad
            if 0 <= pos < width:
                out[:, o] += x[:, pos] @ w[j]
    return out


@pytest.mark.parametrize("stride,dilation,padding", [(1, 1, "SAME"), (2, 1, "VALID"),
                                                     (1, 2, "SAME"), (3, 1, "SAME")])
def test_conv1d_matches_loops_with_gradients(stride, dilation, padding):
    rng = np.random.default_rng(stride * 10 + dilation)
    xv, wv = rng.standard_normal((2, 9, 3)), rng.standard_normal((3, 3, 4))
    x, w = tf.placeholder(tf.float64, [2, 9, 3]), tf.placeholder(tf.float64, [3, 3, 4])
    y = tf.nn.conv1d(x, w, stride, padding, dilations=dilation)
    y_ncw = tf.nn.conv1d(tf.transpose(x, [0, 2, 1]), w, stride, padding, data_format="NCW",
                         dilations=dilation)
    loss = tf.reduce_sum(tf.sin(y))
    got = _run([y, y_ncw, *tf.gradients(loss, [x, w])], {x: xv, w: wv})
    want = _conv1d_np(xv, wv, stride, dilation, padding)
    np.testing.assert_allclose(got[0], want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[1], want.transpose(0, 2, 1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[2], central_differences(
        lambda v: np.sum(np.sin(_conv1d_np(v, wv, stride, dilation, padding))), xv), rtol=1e-6)
    np.testing.assert_allclose(got[3], central_differences(
        lambda v: np.sum(np.sin(_conv1d_np(xv, v, stride, dilation, padding))), wv), rtol=1e-6)


def test_one_dimensional_layers():
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((2, 8, 3))
    x = tf.placeholder(tf.float64, [None, 8, 3])
    y = tf.layers.conv1d(x, 4, 3, padding="same", activation=tf.nn.relu)
    pooled = tf.layers.max_pooling1d(x, 2, 2)
    averaged = tf.layers.average_pooling1d(tf.transpose(x, [0, 2, 1]), 3, 1,
                                           data_format="channels_first")
    assert [v.name for v in tf.trainable_variables()] == ["conv1d/kernel:0", "conv1d/bias:0"]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
        got, got_pooled, got_avg = sess.run([y, pooled, averaged], {x: xv})
    np.testing.assert_allclose(got, np.maximum(_conv1d_np(xv, kernel, 1, 1, "SAME") + bias, 0),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got_pooled, xv.reshape(2, 4, 2, 3).max(axis=2))
    windows = np.stack([xv[:, i:i + 3].mean(axis=1) for i in range(6)], axis=2)
    np.testing.assert_allclose(got_avg, windows, rtol=1e-14)


def test_categorical_draws_follow_softmax():
    with np.errstate(divide="ignore"):  # log(0) = -inf: a class never drawn
        logits = np.log(np.array([[0.1, 0.6, 0.3, 0.0], [0.25, 0.25, 0.25, 0.25]]))
    draws = tf.random.categorical(tf.constant(logits), 20000, seed=5)
    assert draws.dtype == tf.int64 and draws.shape.as_list() == [2, 20000]
    got = _run(draws)
    for row, p in zip(got, np.exp(logits)):
        freq = np.bincount(row, minlength=4) / len(row)
        np.testing.assert_allclose(freq, p, atol=0.012)  # about 4 standard deviations
        assert freq[p == 0].sum() == 0  # a -inf logit is never drawn
    again = _run(tf.multinomial(tf.constant(logits, tf.float32), 3, output_dtype=tf.int32))
    assert again.dtype == np.int32 and again.shape == (2, 3)


def test_learning_rate_schedules():
    step = tf.placeholder(tf.int64, [])
    schedules = [
        tf.train.piecewise_constant(step, [10, 20], [1.0, 0.5, 0.1]),
        tf.train.polynomial_decay(0.1, step, 20, 0.01, power=2.0),
        tf.train.polynomial_decay(0.1, step, 20, 0.01, cycle=True),
        tf.train.inverse_time_decay(0.1, step, 10, 0.5, staircase=True),
        tf.train.natural_exp_decay(0.1, step, 10, 0.5),
        tf.train.cosine_decay(0.1, step, 20, alpha=0.1),
    ]

    def want(s):
        cycle_steps = 20 * max(np.ceil(s / 20), 1)
        return [1.0 if s <= 10 else 0.5 if s <= 20 else 0.1,
                (0.1 - 0.01) * (1 - min(s, 20) / 20) ** 2 + 0.01,
                (0.1 - 0.01) * (1 - s / cycle_steps) + 0.01,
                0.1 / (1 + 0.5 * np.floor(s / 10)),
                0.1 * np.exp(-0.5 * s / 10),
                0.1 * (0.9 * 0.5 * (1 + np.cos(np.pi * min(s, 20) / 20)) + 0.1)]
    with tf.Session() as sess:
        for s in (0, 5, 10, 11, 20, 21, 35, 60):
            np.testing.assert_allclose(sess.run(schedules, {step: s}), want(s), rtol=2e-6)
    with pytest.raises(ValueError, match="one more value"):
        tf.train.piecewise_constant(step, [1, 2], [1.0, 2.0])


def test_segment_sums_and_means_with_gradients():
    rng = np.random.default_rng(4)
    dv = rng.standard_normal((5, 3))
    data = tf.placeholder(tf.float64, [5, 3])
    ids = np.array([2, 0, -1, 2, 0])  # -1: dropped, as TF1 drops negative ids
    summed = tf.unsorted_segment_sum(data, ids, 4)
    mean = tf.unsorted_segment_mean(data, ids, 4)
    sorted_sum = tf.segment_sum(data, [0, 0, 1, 3, 3])
    by_cells = tf.unsorted_segment_sum(data, [[0, 1, 0], [1, 1, 1], [0, 0, 0], [1, 0, 1],
                                              [0, 0, 1]], 2)
    loss = tf.reduce_sum(tf.sin(summed)) + tf.reduce_sum(mean ** 2)
    got = _run([summed, mean, sorted_sum, by_cells, tf.gradients(loss, data)[0]], {data: dv})

    def seg_sum(v, seg, n):
        out = np.zeros((n,) + v.shape[seg.ndim:])
        for index in np.ndindex(seg.shape):
            if seg[index] >= 0:
                out[seg[index]] += v[index]
        return out
    counts = np.maximum(np.bincount(ids[ids >= 0], minlength=4), 1)[:, None]
    np.testing.assert_allclose(got[0], seg_sum(dv, ids, 4), rtol=1e-15)
    np.testing.assert_allclose(got[1], seg_sum(dv, ids, 4) / counts, rtol=1e-15)
    np.testing.assert_allclose(got[2], seg_sum(dv, np.array([0, 0, 1, 3, 3]), 4), rtol=1e-15)
    cells = np.array([[0, 1, 0], [1, 1, 1], [0, 0, 0], [1, 0, 1], [0, 0, 1]])
    np.testing.assert_allclose(got[3], seg_sum(dv, cells, 2), rtol=1e-15)
    np.testing.assert_allclose(got[4], central_differences(
        lambda v: np.sum(np.sin(seg_sum(v, ids, 4))) + np.sum((seg_sum(v, ids, 4) / counts)
                                                            ** 2), dv), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
        _run(tf.unsorted_segment_sum(data, [0, 1, 2, 3, 4], 4), {data: dv})


def test_variance_std_weighted_cross_entropy_and_erf():
    rng = np.random.default_rng(5)
    xv, zv = rng.standard_normal((4, 3)) * 3, rng.random((4, 3))
    x = tf.placeholder(tf.float64, [4, 3])
    loss = tf.nn.weighted_cross_entropy_with_logits(labels=zv, logits=x, pos_weight=2.5)
    erf = tf.erf(x / 3)
    got = _run([tf.math.reduce_variance(x, 0), tf.math.reduce_std(x, 1, keepdims=True), loss,
                tf.gradients(tf.reduce_sum(loss), x)[0], erf, tf.math.erfc(x / 3),
                tf.gradients(tf.reduce_sum(erf), x)[0]], {x: xv})

    def wxent(v):
        p = 1 / (1 + np.exp(-v))
        return -(2.5 * zv * np.log(p) + (1 - zv) * np.log(1 - p))
    np.testing.assert_allclose(got[0], np.var(xv, 0), rtol=1e-13)
    np.testing.assert_allclose(got[1], np.std(xv, 1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(got[2], wxent(xv), rtol=1e-12)
    np.testing.assert_allclose(got[3], central_differences(lambda v: np.sum(wxent(v)), xv),
                               rtol=1e-6)
    np.testing.assert_allclose(got[4] + got[5], np.ones((4, 3)), rtol=1e-15)
    np.testing.assert_allclose(got[6], 2 / np.sqrt(np.pi) * np.exp(-(xv / 3) ** 2) / 3,
                               rtol=1e-14)
    table = [-2.0, -0.5, 0.0, 1.0, 2.0]  # erf at these points, from published tables
    np.testing.assert_allclose(_run(tf.erf(tf.constant(table, tf.float64))),
                               [-0.9953222650189527, -0.5204998778130465, 0.0,
                                0.8427007929497149, 0.9953222650189527], rtol=1e-15)
