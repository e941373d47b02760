"""Optimizers against their update formulas written in NumPy; layers, losses, global step."""
import numpy as np
import pytest

import tf0 as tf


def _quadratic_problem(dtype=np.float64):
    """loss = sum(w * c) + 0.5 * sum(w**2 * d): gradient c + w * d, known in closed form."""
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2)).astype(dtype)
    c = rng.standard_normal((3, 2)).astype(dtype)
    d = rng.uniform(0.5, 2, (3, 2)).astype(dtype)
    w = tf.Variable(w0, name="w")
    loss = tf.reduce_sum(w * c) + 0.5 * tf.reduce_sum(w * w * d)
    return w, loss, w0, lambda wv: c + wv * d


def _run_steps(optimizer, n=3):
    w, loss, w0, grad = _quadratic_problem()
    train = optimizer.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = []
        for _ in range(n):
            sess.run(train)
            values.append(sess.run(w))
    return w0, grad, values


def test_gradient_descent():
    w0, grad, got = _run_steps(tf.train.GradientDescentOptimizer(0.1))
    w = w0
    for g in got:
        w = w - 0.1 * grad(w)
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum(nesterov):
    w0, grad, got = _run_steps(tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=nesterov))
    w, acc = w0, np.zeros_like(w0)
    for g in got:
        gr = grad(w)
        acc = 0.9 * acc + gr
        w = w - 0.1 * (gr + 0.9 * acc if nesterov else acc)
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_adam():
    w0, grad, got = _run_steps(tf.train.AdamOptimizer(0.01, 0.9, 0.999, 1e-8), n=4)
    w, m, v = w0, np.zeros_like(w0), np.zeros_like(w0)
    b1p, b2p = np.float32(0.9), np.float32(0.999)  # float32 variables, as in TF1
    for g in got:
        gr = grad(w)
        m = 0.9 * m + 0.1 * gr
        v = 0.999 * v + 0.001 * gr * gr
        lr_t = 0.01 * np.sqrt(1 - np.float64(b2p)) / (1 - np.float64(b1p))
        w = w - lr_t * m / (np.sqrt(v) + 1e-8)
        b1p, b2p = b1p * np.float32(0.9), b2p * np.float32(0.999)
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_rmsprop():
    w0, grad, got = _run_steps(tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5,
                                                         epsilon=1e-10))
    w, ms, mom = w0, np.ones_like(w0), np.zeros_like(w0)
    for g in got:
        gr = grad(w)
        ms = 0.9 * ms + 0.1 * gr * gr
        mom = 0.5 * mom + 0.01 * gr / np.sqrt(ms + 1e-10)
        w = w - mom
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_centered_rmsprop():
    w0, grad, got = _run_steps(tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                         epsilon=1e-6, centered=True))
    w, ms, mg, mom = w0, np.ones_like(w0), np.zeros_like(w0), np.zeros_like(w0)
    for g in got:
        gr = grad(w)
        ms = 0.8 * ms + 0.2 * gr * gr
        mg = 0.8 * mg + 0.2 * gr
        mom = 0.5 * mom + 0.01 * gr / np.sqrt(ms - mg * mg + 1e-6)
        w = w - mom
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_adagrad():
    w0, grad, got = _run_steps(tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.1))
    w, acc = w0, np.full_like(w0, 0.1)
    for g in got:
        gr = grad(w)
        acc = acc + gr * gr
        w = w - 0.1 * gr / np.sqrt(acc)
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_adadelta():
    w0, grad, got = _run_steps(tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6))
    w, acc, acc_up = w0, np.zeros_like(w0), np.zeros_like(w0)
    for g in got:
        gr = grad(w)
        acc = 0.9 * acc + 0.1 * gr * gr
        update = np.sqrt(acc_up + 1e-6) / np.sqrt(acc + 1e-6) * gr
        acc_up = 0.9 * acc_up + 0.1 * update * update
        w = w - update
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_slots_are_non_trainable_globals_with_tf1_names():
    w, loss, _, _ = _quadratic_problem()
    opt = tf.train.AdamOptimizer()
    opt.minimize(loss)
    names = {v.op.name for v in tf.global_variables()}
    assert {"w/Adam", "w/Adam_1", "beta1_power", "beta2_power"} <= names
    assert [v.op.name for v in tf.trainable_variables()] == ["w"]
    assert opt.get_slot(w, "m").op.name == "w/Adam"


def test_global_step_and_exponential_decay():
    step = tf.train.get_or_create_global_step()
    assert tf.train.get_or_create_global_step() is step and step.dtype is tf.int64
    lr = tf.train.exponential_decay(0.1, step, decay_steps=10, decay_rate=0.5)
    lr_stair = tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True)
    w, loss, _, _ = _quadratic_problem()
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(15):
            sess.run(train)
        assert sess.run(step) == 15
        np.testing.assert_allclose(sess.run(lr), 0.1 * 0.5 ** 1.5, rtol=1e-6)
        np.testing.assert_allclose(sess.run(lr_stair), 0.1 * 0.5, rtol=1e-6)


def test_dense_layer_names_and_values():
    x = tf.placeholder(tf.float64, [None, 3])
    y1 = tf.layers.dense(x, 4, activation=tf.nn.relu)
    y2 = tf.layers.dense(y1, 2)
    named = tf.layers.dense(x, 5, name="fc")
    assert [v.name for v in tf.trainable_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0",
        "fc/kernel:0", "fc/bias:0"]
    xv = np.random.default_rng(1).standard_normal((5, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k1, b1, k2, b2, out = sess.run(tf.trainable_variables()[:4] + [y2], {x: xv})
    np.testing.assert_allclose(out, np.maximum(xv @ k1 + b1, 0) @ k2 + b2, rtol=1e-12)
    assert named.shape.as_list() == [None, 5]


def test_dense_layer_object_reuses_its_variables():
    layer = tf.layers.Dense(3)
    a = layer(tf.zeros([2, 4]))
    b = layer(tf.ones([5, 4]))
    assert len(tf.trainable_variables()) == 2 and a.shape.as_list() == [2, 3]
    assert b.shape.as_list() == [5, 3]


def test_dropout():
    x = tf.ones([1000, 100])
    train_flag = tf.placeholder(tf.bool, [])
    y = tf.layers.dropout(x, rate=0.3, training=train_flag, seed=1)
    z = tf.nn.dropout(x, keep_prob=0.5, seed=2)
    with tf.Session() as sess:
        on, off, zz = sess.run([y, y, z], {train_flag: True})
        np.testing.assert_array_equal(sess.run(y, {train_flag: False}), np.ones((1000, 100)))
    kept = on != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(on[kept], 1 / 0.7, rtol=1e-6)
    assert set(np.unique(zz)) == {0.0, 2.0}
    assert tf.layers.flatten(tf.zeros([2, 3, 4])).shape.as_list() == [2, 12]


def test_dropout_with_a_fed_keep_prob_as_in_tf1():
    x = tf.ones([1000, 100], tf.float64)
    keep_prob = tf.placeholder(tf.float64, [])
    rate = tf.placeholder(tf.float64, [])
    kept_by_prob, kept_by_rate = tf.nn.dropout(x, keep_prob, seed=3), tf.nn.dropout(x, rate=rate)
    with tf.Session() as sess:
        for keep in (0.25, 0.8):
            a, b = sess.run([kept_by_prob, kept_by_rate], {keep_prob: keep, rate: 1 - keep})
            for value in (a, b):
                assert abs((value != 0).mean() - keep) < 0.01
                np.testing.assert_allclose(value[value != 0], 1 / keep, rtol=1e-12)
        everything = sess.run(kept_by_prob, {keep_prob: 1.0})
    np.testing.assert_array_equal(everything, np.ones((1000, 100)))
    with pytest.raises(ValueError, match="scalar"):
        tf.nn.dropout(x, tf.placeholder(tf.float64, [2]))


def test_losses_match_numpy():
    rng = np.random.default_rng(2)
    labels = rng.standard_normal((4, 3))
    preds = rng.standard_normal((4, 3))
    logits = rng.standard_normal((4, 5))
    sparse = np.array([0, 4, 2, 1])
    onehot = np.eye(5)[sparse]
    binary = rng.integers(0, 2, (4, 5)).astype(np.float64)
    sig = 1 / (1 + np.exp(-logits))
    with tf.Session() as sess:
        got = sess.run([
            tf.losses.mean_squared_error(labels, preds),
            tf.losses.absolute_difference(labels, preds),
            tf.losses.softmax_cross_entropy(onehot, logits),
            tf.losses.sparse_softmax_cross_entropy(sparse, logits),
            tf.losses.sigmoid_cross_entropy(binary, logits),
            tf.losses.mean_squared_error(labels, preds, weights=np.array([[1.0], [0], [2], [0]])),
            tf.losses.huber_loss(labels, preds, delta=0.5),
            tf.losses.log_loss(binary, sig)])
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    w = np.array([[1.0], [0], [2], [0]]) * np.ones((4, 3))
    want = [np.mean((labels - preds) ** 2), np.mean(np.abs(labels - preds)),
            -np.mean(np.sum(onehot * log_p, 1)), -np.mean(log_p[np.arange(4), sparse]),
            -np.mean(binary * np.log(sig) + (1 - binary) * np.log(1 - sig)),
            np.sum(w * (labels - preds) ** 2) / np.count_nonzero(w)]
    e = np.abs(preds - labels)
    want.append(np.mean(np.where(e <= 0.5, 0.5 * e ** 2, 0.5 * (e - 0.25))))
    want.append(-np.mean(binary * np.log(sig + 1e-7) + (1 - binary) * np.log(1 - sig + 1e-7)))
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert len(tf.get_collection(tf.GraphKeys.LOSSES)) == 8


def test_mean_pairwise_squared_error_is_the_mean_over_pairs():
    rng = np.random.default_rng(6)
    labels, preds = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    weights = np.array([[2.0], [0.0], [1.0]])
    with tf.Session() as sess:
        got = sess.run(tf.losses.mean_pairwise_squared_error(labels, preds, weights))
    d = (preds - labels).astype(np.float32).astype(np.float64)
    # each example: the mean over its ordered pairs i != j of (d_i - d_j)^2, weighted
    per_example = [np.mean([(row[i] - row[j]) ** 2 for i in range(4) for j in range(4)
                            if i != j]) for row in d]
    assert got == pytest.approx(np.dot(weights[:, 0], per_example), rel=1e-5)


def test_seed_network_trained_with_optimizer_and_layers():
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((64, 20)).astype(np.float32)
    yv = (xv @ rng.standard_normal((20, 5))).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 20])
    y = tf.placeholder(tf.float32, [None, 5])
    pred = tf.layers.dense(tf.layers.dense(x, 32, activation=tf.nn.relu), 5)
    loss = tf.losses.mean_squared_error(y, pred)
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xv, y: yv})
        for _ in range(200):
            sess.run(train, {x: xv, y: yv})
        assert sess.run(loss, {x: xv, y: yv}) < 0.05 * first


def test_failed_training_step_changes_nothing():
    w, loss, w0, _ = _quadratic_problem()
    bad = tf.placeholder(tf.int32, [None])
    # the gradient of this gather fails for an index out of range
    loss = loss + tf.reduce_sum(tf.gather(tf.reshape(w, [-1]), bad))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(tf.global_variables())
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(train, {bad: [7]})
        for b, a in zip(before, sess.run(tf.global_variables())):
            np.testing.assert_array_equal(a, b)


def test_batch_normalization_layer():
    rng = np.random.default_rng(5)
    xv = (rng.standard_normal((8, 3)) * [1.0, 4.0, 0.5] + [0.0, 2.0, -1.0]).astype(np.float64)
    x = tf.placeholder(tf.float64, [None, 3])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, momentum=0.9, training=training)
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["batch_normalization/beta:0", "batch_normalization/gamma:0",
                     "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert [v.name for v in tf.trainable_variables()] == ["batch_normalization/gamma:0",
                                                          "batch_normalization/beta:0"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, _ = sess.run([y, updates], {x: xv, training: True})
        mean, var = xv.mean(0), xv.var(0)
        np.testing.assert_allclose(out, (xv - mean) / np.sqrt(var + 1e-3), rtol=1e-10)
        moving_mean, moving_var = sess.run(tf.global_variables()[2:])
        np.testing.assert_allclose(moving_mean, 0.1 * mean, rtol=1e-10)
        np.testing.assert_allclose(moving_var, 0.9 + 0.1 * var, rtol=1e-10)
        inference = sess.run(y, {x: xv, training: False})
        np.testing.assert_allclose(inference, (xv - moving_mean) / np.sqrt(moving_var + 1e-3),
                                   rtol=1e-10)
        sess.run(updates, {x: xv, training: False})  # not training: the averages stay
        np.testing.assert_allclose(sess.run(tf.global_variables()[2]), moving_mean)


@pytest.mark.parametrize("l1,l2,shrink,power", [(0.0, 0.0, 0.0, -0.5), (0.05, 0.1, 0.0, -0.5),
                                                (0.02, 0.0, 0.3, -0.7)])
def test_ftrl(l1, l2, shrink, power):
    w0, grad, got = _run_steps(tf.train.FtrlOptimizer(
        0.5, learning_rate_power=power, initial_accumulator_value=0.2,
        l1_regularization_strength=l1, l2_regularization_strength=l2,
        l2_shrinkage_regularization_strength=shrink), n=4)
    w, n, z = w0, np.full_like(w0, 0.2), np.zeros_like(w0)
    for g in got:  # McMahan et al.'s per-coordinate FTRL-Proximal, in TF1's parametrization
        gr = grad(w)
        n_new = n + gr * gr
        z = z + gr + 2 * shrink * w - (n_new ** -power - n ** -power) / 0.5 * w
        n = n_new
        w = np.where(np.abs(z) > l1, -(z - np.sign(z) * l1) / (n ** -power / 0.5 + 2 * l2), 0.0)
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-14)


def test_proximal_gradient_descent_and_adagrad():
    l1, l2 = 0.05, 0.2
    w0, grad, got = _run_steps(tf.train.ProximalGradientDescentOptimizer(0.1, l1, l2))
    w = w0
    for g in got:
        v = w - 0.1 * grad(w)
        w = np.sign(v) * np.maximum(np.abs(v) - 0.1 * l1, 0) / (1 + 0.1 * l2)
        np.testing.assert_allclose(g, w, rtol=1e-12)
    w0, grad, got = _run_steps(tf.train.ProximalAdagradOptimizer(0.3, 0.2, l1, l2))
    w, acc = w0, np.full_like(w0, 0.2)
    for g in got:
        gr = grad(w)
        acc = acc + gr * gr
        rate = 0.3 / np.sqrt(acc)
        v = w - rate * gr
        w = np.sign(v) * np.maximum(np.abs(v) - rate * l1, 0) / (1 + rate * l2)
        np.testing.assert_allclose(g, w, rtol=1e-12)
    with pytest.raises(ValueError, match="learning_rate_power"):
        tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5)
