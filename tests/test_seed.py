"""The seed document's two programs, checked against hand-written NumPy."""
import numpy as np

import tf0 as tf


def test_seed_numpy_graph_values_and_gradients():
    np.random.seed(0)
    N, D = 3, 4
    xv, yv, zv = (np.random.randn(N, D) for _ in range(3))
    x, y, z = (tf.placeholder(tf.float64, (N, D)) for _ in range(3))
    a = x * y
    b = a + z
    c = tf.reduce_sum(b)
    grad_x, grad_y, grad_z = tf.gradients(c, [x, y, z])
    with tf.Session() as sess:
        out = sess.run({"c": c, "gx": grad_x, "gy": grad_y, "gz": grad_z},
                       feed_dict={x: xv, y: yv, z: zv})
    # the seed's hand-written backward pass
    grad_b = 1.0 * np.ones((N, D))
    grad_a = grad_b.copy()
    np.testing.assert_allclose(out["c"], np.sum(xv * yv + zv), rtol=1e-12)
    np.testing.assert_allclose(out["gx"], grad_a * yv, rtol=1e-12)
    np.testing.assert_allclose(out["gy"], grad_a * xv, rtol=1e-12)
    np.testing.assert_allclose(out["gz"], grad_b, rtol=1e-12)


def _seed_network(N, D, H, dtype):
    x = tf.placeholder(dtype, shape=(N, D))
    y = tf.placeholder(dtype, shape=(N, D))
    w1 = tf.placeholder(dtype, shape=(D, H))
    w2 = tf.placeholder(dtype, shape=(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return (x, y, w1, w2), (loss, grad_w1, grad_w2)


def _reference(xv, yv, w1v, w2v):
    """The seed network's loss and gradients, by hand, in float64."""
    pre = xv @ w1v
    h = np.maximum(pre, 0)
    diff = h @ w2v - yv
    loss = np.mean(np.sum(diff ** 2, axis=1))
    g_pred = 2 * diff / xv.shape[0]
    g_w2 = h.T @ g_pred
    g_h = g_pred @ w2v.T
    g_w1 = xv.T @ (g_h * (pre > 0))
    return loss, g_w1, g_w2


def test_seed_network_matches_float64_reference():
    N, D, H = 64, 1000, 100
    (x, y, w1, w2), fetches = _seed_network(N, D, H, tf.float32)
    rng = np.random.default_rng(0)
    values = {x: rng.standard_normal((N, D)), w1: rng.standard_normal((D, H)),
              w2: rng.standard_normal((H, D)), y: rng.standard_normal((N, D))}
    with tf.Session() as sess:
        loss_val, grad_w1_val, grad_w2_val = sess.run(list(fetches), feed_dict=values)
    ref = _reference(*(values[k].astype(np.float32).astype(np.float64) for k in (x, y, w1, w2)))
    assert isinstance(loss_val, np.float32)
    assert grad_w1_val.dtype == np.float32 and grad_w1_val.shape == (D, H)
    for got, want in zip((loss_val, grad_w1_val, grad_w2_val), ref):
        err = np.linalg.norm(np.asarray(got, np.float64) - want) / np.linalg.norm(want)
        assert err < 1e-5


def test_seed_network_trains_with_variables_assign_and_group():
    """The seed's network trained by plain gradient steps built from assign and group."""
    N, D, H = 16, 20, 10
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((N, D)).astype(np.float32)
    yv = rng.standard_normal((N, D)).astype(np.float32)
    x = tf.placeholder(tf.float32, (N, D))
    y = tf.placeholder(tf.float32, (N, D))
    w1 = tf.Variable(rng.standard_normal((D, H)).astype(np.float32) * 0.3)
    w2 = tf.Variable(rng.standard_normal((H, D)).astype(np.float32) * 0.3)
    h = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
    g1, g2 = tf.gradients(loss, [w1, w2])
    lr = 1e-2
    step = tf.group(w1.assign(w1 - lr * g1), w2.assign(w2 - lr * g2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w1_0, w2_0 = sess.run([w1, w2])
        first = sess.run(loss, {x: xv, y: yv})
        sess.run(step, {x: xv, y: yv})
        # one step by hand from the same weights
        _, gw1, gw2 = _reference(xv.astype(np.float64), yv.astype(np.float64),
                                 w1_0.astype(np.float64), w2_0.astype(np.float64))
        np.testing.assert_allclose(sess.run(w1), w1_0 - lr * gw1, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(sess.run(w2), w2_0 - lr * gw2, rtol=1e-4, atol=1e-5)
        for _ in range(50):
            sess.run(step, {x: xv, y: yv})
        last = sess.run(loss, {x: xv, y: yv})
    assert last < 0.5 * first
