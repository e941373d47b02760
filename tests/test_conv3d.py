"""3-D convolution and pooling against float64 loops written here, their gradients
against central differences, conv3d_transpose as conv3d's adjoint, the 3-D layers, and a
training step on the null GPU (the CUDA path of the 2-D kernels they are built from)."""
import itertools

import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences

RNG = np.random.default_rng(33)


def _geometry(size, kernel, stride, dilation, padding):
    """(out, pad_before) along one axis by TF1's rule."""
    span = (kernel - 1) * dilation + 1
    if padding == "VALID":
        return -(-(size - span + 1) // stride), 0
    out = -(-size // stride)
    return out, max(0, (out - 1) * stride + span - size) // 2


def _taps(position, kernel, stride, dilation, before, size):
    """(tap, input index) of the real positions an output position's window reads."""
    return [(k, position * stride - before + k * dilation) for k in range(kernel)
            if 0 <= position * stride - before + k * dilation < size]


def conv3d_reference(x, w, strides, padding, dilations=(1, 1, 1)):
    n, *sizes, _ = x.shape
    geo = [_geometry(s, k, st, d, padding)
           for s, k, st, d in zip(sizes, w.shape[:3], strides, dilations)]
    y = np.zeros((n, *[g[0] for g in geo], w.shape[4]))
    for out in itertools.product(*[range(g[0]) for g in geo]):
        reads = [_taps(o, k, st, d, g[1], s) for o, k, st, d, g, s in
                 zip(out, w.shape[:3], strides, dilations, geo, sizes)]
        for (i, a), (j, b), (k, c) in itertools.product(*reads):
            y[(slice(None), *out)] += x[:, a, b, c] @ w[i, j, k]
    return y


def pool3d_reference(x, ksize, strides, padding, reduce):
    n, *sizes, ch = x.shape
    geo = [_geometry(s, k, st, 1, padding) for s, k, st in zip(sizes, ksize, strides)]
    y = np.zeros((n, *[g[0] for g in geo], ch))
    for out in itertools.product(*[range(g[0]) for g in geo]):
        reads = [_taps(o, k, st, 1, g[1], s) for o, k, st, g, s in
                 zip(out, ksize, strides, geo, sizes)]
        window = np.stack([x[:, a, b, c] for (_, a), (_, b), (_, c) in
                           itertools.product(*reads)])
        y[(slice(None), *out)] = reduce(window, axis=0)
    return y


CASES = [((1, 1, 1), "VALID", (1, 1, 1)), ((2, 2, 1), "SAME", (1, 1, 1)),
         ((1, 3, 2), "VALID", (1, 1, 1)), ((1, 1, 1), "SAME", (2, 1, 2))]


@pytest.mark.parametrize("strides,padding,dilations", CASES)
def test_conv3d_and_its_gradients(strides, padding, dilations):
    xv, wv = RNG.standard_normal((1, 5, 3, 5, 2)), RNG.standard_normal((3, 2, 3, 2, 2))
    x, w = tf.placeholder(tf.float64, xv.shape), tf.placeholder(tf.float64, wv.shape)
    y = tf.nn.conv3d(x, w, [1, *strides, 1], padding, dilations=[1, *dilations, 1])
    probe = RNG.standard_normal(y.shape.as_list())
    dx, dw = tf.gradients(tf.reduce_sum(y * probe), [x, w])
    with tf.Session() as sess:
        got, gx, gw = sess.run([y, dx, dw], {x: xv, w: wv})
    want = conv3d_reference(xv, wv, strides, padding, dilations)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gx, central_differences(
        lambda v: np.sum(conv3d_reference(v, wv, strides, padding, dilations) * probe), xv),
        rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gw, central_differences(
        lambda v: np.sum(conv3d_reference(xv, v, strides, padding, dilations) * probe), wv),
        rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("ksize,strides,padding", [((2, 2, 2), (2, 2, 2), "VALID"),
                                                   ((3, 2, 2), (2, 1, 2), "SAME"),
                                                   ((1, 3, 3), (1, 2, 2), "SAME")])
def test_pools_and_their_gradients(ksize, strides, padding):
    xv = RNG.standard_normal((1, 5, 4, 5, 2))
    x = tf.placeholder(tf.float64, xv.shape)
    outs = [tf.nn.max_pool3d(x, [1, *ksize, 1], [1, *strides, 1], padding),
            tf.nn.avg_pool3d(x, [1, *ksize, 1], [1, *strides, 1], padding)]
    probes = [RNG.standard_normal(o.shape.as_list()) for o in outs]
    grads = [tf.gradients(tf.reduce_sum(o * p), x)[0] for o, p in zip(outs, probes)]
    with tf.Session() as sess:
        got = sess.run(outs + grads, {x: xv})
    for value, reduce, probe, grad in zip(got[:2], (np.max, np.mean), probes, got[2:]):
        np.testing.assert_allclose(value, pool3d_reference(xv, ksize, strides, padding, reduce),
                                   rtol=1e-12)
        np.testing.assert_allclose(grad, central_differences(
            lambda v: np.sum(pool3d_reference(v, ksize, strides, padding, reduce) * probe),
            xv), rtol=1e-6, atol=1e-6)


def test_max_pool3d_sends_a_tied_windows_gradient_to_its_first_maximum():
    x = tf.constant(np.zeros((1, 2, 2, 2, 1)))
    grad = tf.gradients(tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"), x)[0]
    with tf.Session() as sess:
        value = sess.run(grad).reshape(-1)
    assert value.tolist() == [1.0] + [0.0] * 7  # (depth, row, column) order


def test_conv3d_transpose_is_the_adjoint_of_conv3d():
    # <conv3d(a, w), b> == <a, conv3d_transpose(b, w)> for every a, b.
    wv = RNG.standard_normal((2, 3, 2, 2, 4))  # [d, h, w, out of the transpose, in]
    av, bv = RNG.standard_normal((2, 5, 6, 4, 2)), RNG.standard_normal((2, 3, 3, 4, 4))
    a, b = tf.constant(av), tf.constant(bv)
    forward = tf.nn.conv3d(a, wv, [1, 2, 2, 1, 1], "SAME")
    back = tf.nn.conv3d_transpose(b, wv, [2, 5, 6, 4, 2], [1, 2, 2, 1, 1], "SAME")
    with tf.Session() as sess:
        fwd, bwd = sess.run([forward, back])
    assert back.shape.as_list() == [2, 5, 6, 4, 2]
    np.testing.assert_allclose(np.sum(fwd * bv), np.sum(av * bwd), rtol=1e-12)


def test_bad_arguments_are_refused():
    x = tf.zeros([1, 4, 4, 4, 1])
    with pytest.raises(ValueError, match="NDHWC"):
        tf.nn.conv3d(x, tf.zeros([1, 1, 1, 1, 1]), [1, 1, 1, 1, 1], "SAME",
                     data_format="NCDHW")
    with pytest.raises(ValueError, match="not both"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 1, 1]), [1, 2, 1, 1, 1], "SAME",
                     dilations=[1, 1, 2, 1, 1])
    with pytest.raises(ValueError, match="batch and channel"):
        tf.nn.max_pool3d(x, [2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="known depth"):
        tf.nn.avg_pool3d(tf.placeholder(tf.float32, [1, None, 4, 4, 1]), [1, 2, 2, 2, 1],
                         [1, 1, 1, 1, 1], "VALID")


def _small_3d_network(x):
    h = tf.layers.conv3d(x, 4, 3, padding="same", activation=tf.nn.relu, name="c1")
    h = tf.layers.max_pooling3d(h, 2, 2)
    h = tf.layers.conv3d_transpose(h, 2, 2, strides=2, name="up")
    h = tf.layers.average_pooling3d(h, [1, 2, 2], [1, 2, 2], padding="same")
    return tf.reduce_mean(tf.square(h - 0.5))


def test_layers_make_tf1s_variables_and_train(monkeypatch):
    xv = RNG.standard_normal((2, 4, 6, 6, 1)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        x = tf.placeholder(tf.float32, [None, 4, 6, 6, 1])
        loss = _small_3d_network(x)
        step = tf.train.AdamOptimizer(0.01).minimize(loss)
        assert [(v.op.name, v.shape.as_list()) for v in tf.trainable_variables()] == [
            ("c1/kernel", [3, 3, 3, 1, 4]), ("c1/bias", [4]),
            ("up/kernel", [2, 2, 2, 2, 4]), ("up/bias", [2])]
        init = tf.global_variables_initializer()

        def train(config=None):
            with tf.Session(config=config) as sess:
                sess.run(init)
                return [sess.run([loss, step], {x: xv})[0] for _ in range(20)]
        want = train(tf.ConfigProto(device_count={"GPU": 0}))
        assert want[-1] < 0.5 * want[0]
        fake_cuda.install(monkeypatch)
        np.testing.assert_allclose(train(), want, rtol=1e-5)
