"""roll, matrix_band_part, space_to_depth / depth_to_space, the activations swish, softsign,
crelu and log_sigmoid, zero_fraction, xlogy / xdivy, truncatediv, reduce_euclidean_norm,
polyval, confusion_matrix, random_shuffle, random_crop and tf.train.Coordinator, against
NumPy in float64, central differences and hand-derived values."""
import threading

import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _grad(build, value):
    """(value, d sum(build(x)**2) / dx) for a float64 placeholder x fed `value`."""
    x = tf.placeholder(tf.float64, value.shape)
    y = build(x)
    return _run([y, tf.gradients(tf.reduce_sum(y * y), x)[0]], {x: value})


def test_roll_matches_numpy_with_its_gradient():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((2, 3, 5))
    for shift, axis in ((2, 2), (-1, 0), ([1, -7], [2, 1]), ([1, 1], [2, 2]), (0, 1), (5, 2)):
        got, grad = _grad(lambda x: tf.roll(x, shift, axis), v)
        np.testing.assert_array_equal(got, np.roll(v, shift, axis))
        np.testing.assert_allclose(grad, 2 * v)  # a permutation: d sum(y^2) / dx = 2x
    with pytest.raises(ValueError, match="2 shifts for 1 axes"):
        tf.roll(tf.constant(v), [1, 2], 0)
    with pytest.raises(ValueError, match="known length"):
        tf.roll(tf.placeholder(tf.float32, [None, 3]), 1, 0)


def test_matrix_band_part_keeps_the_band_and_zeros_the_rest():
    rng = np.random.default_rng(1)
    v = rng.standard_normal((2, 4, 5))
    v[0, 3, 0] = np.inf  # outside every band below: must become 0, not NaN
    i, j = np.arange(4)[:, None], np.arange(5)[None, :]
    for lower, upper in ((0, 0), (1, 2), (-1, 0), (0, -1), (-1, -1), (2, 1)):
        keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
        want = np.where(keep, v, 0.0)
        got = _run(tf.matrix_band_part(tf.constant(v), lower, upper))
        np.testing.assert_array_equal(got, want)
    w = v.copy()
    w[0, 3, 0] = 0.5
    _, grad = _grad(lambda x: tf.linalg.band_part(x, 1, 0), w)
    keep = (i - j <= 1) & (j - i <= 0)
    np.testing.assert_allclose(grad, np.where(keep, 2 * w, 0.0))


def _space_to_depth_np(x, bs):
    b, h, w, c = x.shape
    out = np.empty((b, h // bs, w // bs, bs * bs * c))
    for y in range(h // bs):
        for z in range(w // bs):
            block = x[:, y * bs:(y + 1) * bs, z * bs:(z + 1) * bs, :]  # [b, bs, bs, c]
            out[:, y, z, :] = block.reshape(b, -1)  # row-major: block row, column, channel
    return out


def test_space_to_depth_and_back():
    rng = np.random.default_rng(2)
    v = rng.standard_normal((2, 4, 6, 3))
    to_depth = _run(tf.space_to_depth(tf.constant(v), 2))
    np.testing.assert_array_equal(to_depth, _space_to_depth_np(v, 2))
    back = _run(tf.depth_to_space(tf.constant(to_depth), 2))
    np.testing.assert_array_equal(back, v)
    got, grad = _grad(lambda x: tf.nn.depth_to_space(tf.nn.space_to_depth(x, 2), 2), v)
    np.testing.assert_array_equal(got, v)
    np.testing.assert_allclose(grad, 2 * v)
    with pytest.raises(ValueError, match="multiples of block_size"):
        tf.space_to_depth(tf.constant(v), 4)
    with pytest.raises(ValueError, match="NHWC"):
        tf.space_to_depth(tf.constant(v), 2, data_format="NCHW")


def test_activations_and_zero_fraction():
    rng = np.random.default_rng(3)
    v = rng.standard_normal((3, 4)) * 3
    v[0, 0] = 0.0
    sig = 1 / (1 + np.exp(-v))
    cases = [(tf.nn.swish, v * sig), (tf.nn.softsign, v / (1 + np.abs(v))),
             (tf.nn.crelu, np.concatenate([np.maximum(v, 0), np.maximum(-v, 0)], -1)),
             (tf.math.log_sigmoid, np.log(sig))]
    for build, want in cases:
        got, grad = _grad(build, v)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)

        def f(u, build=build):
            return np.sum(_run(build(tf.constant(u))) ** 2)
        np.testing.assert_allclose(grad, central_differences(f, v), rtol=1e-5, atol=1e-6)
    big = _run(tf.math.log_sigmoid(tf.constant([-800.0, 800.0])))
    np.testing.assert_allclose(big, [-800.0, 0.0])  # no overflow either way
    frac = _run(tf.nn.zero_fraction(tf.constant([[0, 1, 0, 2]], tf.int32)))
    assert frac == 0.5 and frac.dtype == np.float32


def test_xlogy_xdivy_are_zero_where_x_is_zero_with_finite_gradients():
    x = np.array([0.0, 0.0, 2.0, -1.5, 0.0])
    y = np.array([0.0, np.nan, 3.0, 0.5, 4.0])
    xs, ys = tf.constant(x), tf.placeholder(tf.float64, [5])
    logy, divy = tf.math.xlogy(xs, ys), tf.math.xdivy(xs, ys)
    got = _run([logy, divy] + tf.gradients(tf.reduce_sum(logy + divy), ys), {ys: y})
    np.testing.assert_allclose(got[0], [0, 0, 2 * np.log(3), -1.5 * np.log(0.5), 0])
    np.testing.assert_allclose(got[1], [0, 0, 2 / 3, -3.0, 0])
    # d/dy (x log y + x / y) = x / y - x / y^2, and 0 where x == 0
    np.testing.assert_allclose(got[2], [0, 0, 2 / 3 - 2 / 9, -3.0 + 6.0, 0])


def test_truncatediv_rounds_toward_zero():
    a = np.array([7, -7, 7, -7, 6, -6, 0, 1])
    b = np.array([2, 2, -2, -2, 3, 3, 5, -3])
    want = np.trunc(a / b).astype(np.int64)
    for dtype in (np.int32, np.int64):
        got = _run(tf.truncatediv(tf.constant(a.astype(dtype)), tf.constant(b.astype(dtype))))
        np.testing.assert_array_equal(got, want)
        assert got.dtype == dtype
    got = _run(tf.math.truncatediv(tf.constant([7.5, -7.5]), tf.constant([2.0, 2.0])))
    np.testing.assert_array_equal(got, [3.0, -3.0])


def test_euclidean_norm_and_polyval():
    rng = np.random.default_rng(4)
    v = rng.standard_normal((3, 4))
    got = _run([tf.math.reduce_euclidean_norm(tf.constant(v)),
                tf.math.reduce_euclidean_norm(tf.constant(v), 1, keepdims=True)])
    np.testing.assert_allclose(got[0], np.sqrt(np.sum(v * v)))
    np.testing.assert_allclose(got[1], np.sqrt(np.sum(v * v, 1, keepdims=True)))
    coeffs = [2.0, -1.0, 0.5, 3.0]
    np.testing.assert_allclose(_run(tf.math.polyval(coeffs, tf.constant(v))),
                               np.polyval(coeffs, v), rtol=1e-12)
    np.testing.assert_array_equal(_run(tf.math.polyval([], tf.constant(v))), np.zeros((3, 4)))


def test_confusion_matrix_counts_and_weights():
    labels = np.array([0, 1, 2, 2, 1, 0, 2])
    preds = np.array([0, 2, 2, 1, 1, 0, 2])
    weights = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.5])
    want = np.zeros((4, 4), np.int64)
    want_w = np.zeros((4, 4))
    for l, p, w in zip(labels, preds, weights):
        want[l, p] += 1
        want_w[l, p] += w
    got = _run([tf.confusion_matrix(labels, preds, num_classes=4),
                tf.math.confusion_matrix(tf.constant(labels), tf.constant(preds), 4,
                                         weights=weights, dtype=tf.float64)])
    np.testing.assert_array_equal(got[0], want)
    assert got[0].dtype == np.int32
    np.testing.assert_allclose(got[1], want_w)
    with pytest.raises(ValueError, match="num_classes"):
        tf.confusion_matrix(labels, preds)


def test_random_shuffle_and_crop_are_permutations_and_windows():
    tf.set_random_seed(7)
    v = np.arange(40.0).reshape(10, 4)
    shuffled = tf.random_shuffle(tf.constant(v), seed=3)
    image = np.arange(5 * 6 * 2.0).reshape(5, 6, 2)
    crop = tf.image.random_crop(tf.constant(image), [3, 4, 2], seed=5)
    with tf.Session() as sess:
        runs = [sess.run([shuffled, crop]) for _ in range(6)]
    orders = set()
    for rows, window in runs:
        assert sorted(rows[:, 0]) == list(v[:, 0])  # the same rows, whole
        np.testing.assert_array_equal(rows[:, 1:] - rows[:, :1], np.tile([1, 2, 3], (10, 1)))
        orders.add(tuple(rows[:, 0]))
        top, left = int(window[0, 0, 0]) // 12, int(window[0, 0, 0]) % 12 // 2
        np.testing.assert_array_equal(window, image[top:top + 3, left:left + 4])
    assert len(orders) > 1  # a fresh permutation each run
    with tf.Session() as sess:  # the same seeds give the same sequence in a new session
        again = [sess.run([shuffled, crop]) for _ in range(6)]
    for (a, b), (c, d) in zip(runs, again):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_coordinator_stops_threads_and_reraises_the_first_error():
    coord = tf.train.Coordinator()
    ticks = []

    def worker(k):
        with coord.stop_on_exception():
            while not coord.should_stop():
                ticks.append(k)
                if len(ticks) > 20 and k == 1:
                    raise ValueError("worker 1 failed")
                coord.wait_for_stop(0.001)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    with pytest.raises(ValueError, match="worker 1 failed"):
        coord.join(threads, stop_grace_period_secs=5)
    assert coord.joined and coord.should_stop() and not any(t.is_alive() for t in threads)
    coord.clear_stop()
    assert not coord.should_stop()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "end of data"))  # a clean stop
    coord.join([])
    coord.raise_requested_exception()  # nothing recorded
    with tf.Session() as sess:  # a graph without queue runners starts no thread
        assert tf.train.start_queue_runners(sess, coord=coord) == []
    with pytest.raises(ValueError, match="no default session"):
        tf.train.start_queue_runners(coord=coord)


def test_coordinator_names_threads_that_outlive_the_grace_period():
    coord = tf.train.Coordinator()
    release = threading.Event()
    stuck = threading.Thread(target=release.wait, name="stuck-reader")
    coord.register_thread(stuck)
    stuck.start()
    coord.request_stop()
    with pytest.raises(RuntimeError, match="stuck-reader"):
        coord.join(stop_grace_period_secs=0.05)
    release.set()
    stuck.join()


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_fused_batch_norm_training_and_inference(data_format):
    rng = np.random.default_rng(6)
    v = rng.standard_normal((2, 3, 4, 5)) * 2 + 1
    channels = 5 if data_format == "NHWC" else 3
    axes = (0, 1, 2) if data_format == "NHWC" else (0, 2, 3)
    shape = [1, 1, 1, channels] if data_format == "NHWC" else [1, channels, 1, 1]
    scale, offset = rng.uniform(0.5, 2, channels), rng.standard_normal(channels)
    mean, var = v.mean(axes), v.var(axes)
    n = v.size // channels
    want = (v - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-3) \
        * scale.reshape(shape) + offset.reshape(shape)
    y, m, s = tf.nn.fused_batch_norm(tf.constant(v), scale, offset, data_format=data_format)
    y2, m2, s2 = tf.nn.fused_batch_norm(tf.constant(v), scale, offset, mean=mean * 0.5,
                                        variance=var * 2, is_training=False,
                                        data_format=data_format)
    got = _run([y, m, s, y2, m2, s2])
    np.testing.assert_allclose(got[0], want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[1], mean, rtol=1e-12)
    np.testing.assert_allclose(got[2], var * n / (n - 1), rtol=1e-12)
    want2 = (v - 0.5 * mean.reshape(shape)) / np.sqrt(2 * var.reshape(shape) + 1e-3) \
        * scale.reshape(shape) + offset.reshape(shape)
    np.testing.assert_allclose(got[3], want2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[5], 2 * var, rtol=1e-12)
    _, grad = _grad(lambda x: tf.nn.fused_batch_norm(x, scale, offset,
                                                     data_format=data_format)[0], v)

    def f(u):
        return np.sum(_run(tf.nn.fused_batch_norm(tf.constant(u), scale, offset,
                                                  data_format=data_format)[0]) ** 2)
    np.testing.assert_allclose(grad, central_differences(f, v), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="mean and variance"):
        tf.nn.fused_batch_norm(tf.constant(v), scale, offset, is_training=False)


def test_local_response_normalization_and_atrous_conv2d():
    rng = np.random.default_rng(7)
    v = rng.standard_normal((2, 3, 4, 6))
    padded = np.pad(v * v, [(0, 0), (0, 0), (0, 0), (2, 2)])
    window = sum(padded[..., k:k + 6] for k in range(5))
    want = v / (1.5 + 0.3 * window) ** 0.75
    got, grad = _grad(lambda x: tf.nn.lrn(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75), v)
    np.testing.assert_allclose(got, want, rtol=1e-12)

    def f(u):
        return np.sum(_run(tf.nn.local_response_normalization(tf.constant(u), 2, 1.5, 0.3,
                                                              0.75)) ** 2)
    np.testing.assert_allclose(grad, central_differences(f, v), rtol=1e-5, atol=1e-7)
    w = rng.standard_normal((3, 3, 6, 2))
    got = _run([tf.nn.atrous_conv2d(tf.constant(v), tf.constant(w), 2, "SAME"),
                tf.nn.conv2d(tf.constant(v), tf.constant(w), [1, 1, 1, 1], "SAME",
                             dilations=[1, 2, 2, 1])])
    np.testing.assert_array_equal(got[0], got[1])


def test_bincount_matches_numpy():
    rng = np.random.default_rng(8)
    x = tf.placeholder(tf.int32, [None])
    w = tf.placeholder(tf.float64, [None])
    counts = [tf.bincount(x), tf.bincount(x, minlength=12), tf.math.bincount(x, maxlength=3),
              tf.bincount(x, weights=w)]
    with tf.Session() as sess:
        for v in (rng.integers(0, 9, 50), np.array([], np.int64), np.array([4])):
            weights = rng.standard_normal(len(v))
            got = sess.run(counts, {x: v, w: weights})
            np.testing.assert_array_equal(got[0], np.bincount(v))
            np.testing.assert_array_equal(got[1], np.bincount(v, minlength=12))
            length = min(v.max() + 1, 3) if len(v) else 0  # min(max + 1, maxlength)
            np.testing.assert_array_equal(got[2], np.bincount(v[v < 3], minlength=length))
            np.testing.assert_allclose(got[3], np.bincount(v, weights) if len(v) else [])
            assert got[0].dtype == np.int32
        with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
            sess.run(counts[0], {x: [1, -2]})


def _depthwise_np(x, w, stride):
    """VALID depthwise convolution by definition: out[n, i, j, c * M + m] = sum over the
    window of x[n, i*s + a, j*s + b, c] * w[a, b, c, m]."""
    kh, kw, channels, mult = w.shape
    oh, ow = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, channels * mult))
    for i in range(oh):
        for j in range(ow):
            window = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.einsum("nabc,abcm->ncm", window, w).reshape(x.shape[0], -1)
    return out


def test_depthwise_and_separable_convolutions():
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((2, 6, 7, 3)), rng.standard_normal((3, 2, 3, 2))
    p = rng.standard_normal((1, 1, 6, 4))
    got = _run([tf.nn.depthwise_conv2d(tf.constant(x), tf.constant(w), [1, 2, 2, 1], "VALID"),
                tf.nn.separable_conv2d(tf.constant(x), tf.constant(w), tf.constant(p),
                                       [1, 1, 1, 1], "VALID")])
    np.testing.assert_allclose(got[0], _depthwise_np(x, w, 2), rtol=1e-12, atol=1e-12)
    pointwise = np.einsum("nhwc,co->nhwo", _depthwise_np(x, w, 1), p[0, 0])
    np.testing.assert_allclose(got[1], pointwise, rtol=1e-12, atol=1e-12)
    _, grad = _grad(lambda t: tf.nn.depthwise_conv2d(t, tf.constant(w), [1, 1, 1, 1], "SAME"), x)

    def f(u):
        return np.sum(_run(tf.nn.depthwise_conv2d(tf.constant(u), tf.constant(w), [1, 1, 1, 1],
                                                  "SAME")) ** 2)
    np.testing.assert_allclose(grad, central_differences(f, x), rtol=1e-5, atol=1e-6)
