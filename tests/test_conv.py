"""Convolution and pooling against loops written out in NumPy (float64): every padding,
stride and dilation case, both data formats, max pooling's tie rule, average pooling's
counts at the borders, the layers, and a small CNN that learns. (Gradients of every op,
to second order where defined, are checked by the op table against central differences.)"""
import itertools

import numpy as np
import pytest

import tf0 as tf
from tf0.ops.conv_ops import output_size


def _naive(x, window, stride, dilation, padding, combine):
    """combine(values, positions) over each window's real positions, NHWC."""
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (dh, dw) = window, stride, dilation
    oh, ph = output_size(h, kh, sh, dh, padding)
    ow, pw = output_size(w, kw, sw, dw, padding)
    rows = []
    for a in range(oh):
        cols = []
        for b in range(ow):
            taps = [(i, j, a * sh - ph + i * dh, b * sw - pw + j * dw)
                    for i in range(kh) for j in range(kw)]
            taps = [t for t in taps if 0 <= t[2] < h and 0 <= t[3] < w]
            cols.append(combine(taps))
        rows.append(np.stack(cols, 1))
    return np.stack(rows, 1)


def _conv_naive(x, w, stride, dilation, padding):
    return _naive(x, w.shape[:2], stride, dilation, padding,
                  lambda taps: sum(x[:, r, q] @ w[i, j] for i, j, r, q in taps))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride,dilation", [((1, 1), (1, 1)), ((2, 3), (1, 1)),
                                             ((1, 1), (2, 3)), ((3, 3), (1, 1))])
def test_conv2d_matches_the_definition(padding, stride, dilation):
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((2, 7, 8, 3)), rng.standard_normal((3, 2, 3, 4))
    y = tf.nn.conv2d(xv, wv, [1, *stride, 1], padding, dilations=[1, *dilation, 1])
    nchw = tf.nn.conv2d(xv.transpose(0, 3, 1, 2), wv, [1, 1, *stride], padding,
                        data_format="NCHW", dilations=[1, 1, *dilation])
    with tf.Session() as sess:
        got, got_nchw = sess.run([y, nchw])
    want = _conv_naive(xv, wv, stride, dilation, padding)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_nchw, want.transpose(0, 3, 1, 2), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pooling_matches_the_definition(padding):
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((2, 7, 6, 3))
    window, stride = (3, 2), (2, 2)
    mx = tf.nn.max_pool(xv, [1, *window, 1], [1, *stride, 1], padding)
    av = tf.nn.avg_pool(xv, [1, *window, 1], [1, *stride, 1], padding)
    with tf.Session() as sess:
        got_max, got_avg = sess.run([mx, av])
    np.testing.assert_array_equal(got_max, _naive(
        xv, window, stride, (1, 1), padding,
        lambda taps: np.max([xv[:, r, q] for _, _, r, q in taps], axis=0)))
    np.testing.assert_allclose(got_avg, _naive(
        xv, window, stride, (1, 1), padding,
        lambda taps: np.mean([xv[:, r, q] for _, _, r, q in taps], axis=0)), rtol=1e-12)


def test_max_pool_sends_the_gradient_to_the_first_maximum():
    x = tf.constant(np.array([[3.0, 3.0, 1.0], [3.0, 0.0, 2.0], [1.0, 2.0, 2.0]])
                    .reshape(1, 3, 3, 1))
    pooled = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    grad = tf.gradients(tf.reduce_sum(pooled * [[[[1.0], [10.0]], [[100.0], [1000.0]]]]),
                        x)[0]
    with tf.Session() as sess:
        got = sess.run(grad)[0, :, :, 0]
    # windows (row-major): top-left max 3 first at (0,0); top-right max 3 at (0,1);
    # bottom-left max 3 at (1,0); bottom-right max 2 first at (1,2)
    np.testing.assert_array_equal(got, [[1.0, 10.0, 0.0], [100.0, 0.0, 1000.0],
                                        [0.0, 0.0, 0.0]])


def test_average_pooling_divides_by_the_real_positions():
    x = tf.ones([1, 3, 3, 1])
    pooled = tf.nn.avg_pool(x * tf.reshape(tf.range(1.0, 10.0), [1, 3, 3, 1]),
                            [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    with tf.Session() as sess:
        got = sess.run(pooled)[0, :, :, 0]
    np.testing.assert_allclose(got, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2], [(7 + 8) / 2, 9.0]])


def test_conv_layers_names_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    p = tf.layers.max_pooling2d(h, 2, 2)
    q = tf.layers.average_pooling2d(p, 2, 1, padding="same")
    first = tf.layers.Conv2D(2, (1, 2), strides=2, name="strided")
    s = first(q)
    assert [v.name for v in tf.trainable_variables()] == [
        "conv2d/kernel:0", "conv2d/bias:0", "strided/kernel:0", "strided/bias:0"]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 3, 4]
    assert h.shape.as_list() == [None, 8, 8, 4] and p.shape.as_list() == [None, 4, 4, 4]
    assert q.shape.as_list() == [None, 4, 4, 4] and s.shape.as_list() == [None, 2, 2, 2]
    with pytest.raises(ValueError, match="channels"):
        tf.nn.conv2d(tf.zeros([1, 4, 4, 3]), tf.zeros([2, 2, 2, 1]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="padding"):
        tf.nn.max_pool(tf.zeros([1, 4, 4, 3]), [1, 2, 2, 1], [1, 2, 2, 1], "FULL")


def test_a_small_cnn_learns_to_find_a_bright_corner():
    rng = np.random.default_rng(2)
    images = rng.uniform(0, 0.2, (64, 8, 8, 1)).astype(np.float32)
    labels = rng.integers(0, 4, 64)
    for k, corner in enumerate(labels):  # a bright 3x3 patch in one of four corners
        r, c = divmod(int(corner), 2)
        images[k, r * 5:r * 5 + 3, c * 5:c * 5 + 3] += 1.0
    x, y = tf.placeholder(tf.float32, [None, 8, 8, 1]), tf.placeholder(tf.int64, [None])
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 4)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(60):
            sess.run(train, {x: images, y: labels})
        assert sess.run(accuracy, {x: images, y: labels}) == 1.0


def _separable_reference(x, depthwise, pointwise, bias):
    """VALID, stride 1: each input channel convolved with its multiplier filters, then
    mixed by the 1x1 pointwise kernel."""
    kh, kw, channels, mult = depthwise.shape
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    deep = np.zeros((x.shape[0], oh, ow, channels * mult))
    for a in range(kh):
        for b in range(kw):
            window = x[:, a:a + oh, b:b + ow, :, None] * depthwise[a, b]
            deep += window.reshape(*window.shape[:3], -1)
    return deep @ pointwise[0, 0] + bias


def test_separable_conv_layers_equal_a_float64_reference():
    rng = np.random.default_rng(21)
    x = rng.standard_normal((2, 6, 5, 3))
    init = tf.random_normal_initializer(seed=2)
    out = tf.layers.separable_conv2d(tf.constant(x), 4, (3, 2), depth_multiplier=2,
                                     depthwise_initializer=init, pointwise_initializer=init,
                                     bias_initializer=init, name="sep")
    line = tf.layers.separable_conv1d(tf.constant(x[:, 0]), 2, 2, name="line")
    names = [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]
    assert names[:3] == [("sep/depthwise_kernel", [3, 2, 3, 2]),
                         ("sep/pointwise_kernel", [1, 1, 6, 4]), ("sep/bias", [4])]
    assert names[3:5] == [("line/depthwise_kernel", [2, 3, 1]),
                          ("line/pointwise_kernel", [1, 3, 2])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, dw, pw, b, got_line, ldw, lpw = sess.run(
            [out, *tf.global_variables()[:3], line, *tf.global_variables()[3:5]])
    np.testing.assert_allclose(got, _separable_reference(x, dw, pw, b), rtol=1e-10)
    np.testing.assert_allclose(got_line, _separable_reference(
        x[:, :1], ldw[None], lpw[None], 0.0)[:, 0], rtol=1e-10)


def test_conv1d_transpose_scatters_each_input_through_the_filter():
    # VALID, stride 2: output position 2i + k gets x[i] . w[k] (brute force), NCW the same
    rng = np.random.default_rng(19)
    x = rng.standard_normal((2, 4, 3))
    w = rng.standard_normal((3, 5, 3))  # [width, out, in]
    want = np.zeros((2, 2 * 3 + 3, 5))
    for b, i, k in itertools.product(range(2), range(4), range(3)):
        want[b, 2 * i + k] += w[k] @ x[b, i]
    nwc = tf.nn.conv1d_transpose(tf.constant(x), tf.constant(w), [2, 9, 5], 2, "VALID")
    ncw = tf.nn.conv1d_transpose(tf.constant(x.transpose(0, 2, 1)), tf.constant(w),
                                 [2, 5, 9], 2, "VALID", data_format="NCW")
    with tf.Session() as sess:
        got, got_ncw = sess.run([nwc, ncw])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_ncw, want.transpose(0, 2, 1), rtol=1e-12, atol=1e-12)


def test_max_pool_with_argmax_points_at_each_maximum():
    rng = np.random.default_rng(23)
    x = rng.integers(0, 3, (2, 5, 6, 3)).astype(np.float64)  # many ties: the first wins
    for padding, include_batch in (("SAME", False), ("VALID", True)):
        out, argmax = tf.nn.max_pool_with_argmax(x, [1, 3, 2, 1], [1, 2, 2, 1], padding,
                                                 include_batch_in_index=include_batch)
        with tf.Session() as sess:
            got, where = sess.run([out, argmax])
        assert where.dtype == np.int64 and where.shape == got.shape
        flat = x.reshape(-1) if include_batch else x.reshape(2, -1)
        for b, i, j, c in itertools.product(*map(range, got.shape)):
            k = where[b, i, j, c]
            assert (flat[k] if include_batch else flat[b, k]) == got[b, i, j, c]
            # the first maximum, row-major, among the window's real positions
            top = i * 2 - (1 if padding == "SAME" else 0)
            rows = [r for r in range(top, top + 3) if 0 <= r < 5]
            cols = [q for q in range(j * 2, j * 2 + 2) if q < 6]
            first = next((r, q) for r in rows for q in cols if x[b, r, q, c] == got[b, i, j, c])
            index = (first[0] * 6 + first[1]) * 3 + c + (b * 90 if include_batch else 0)
            assert k == index
