"""Weight and activity regularizers on layers, the regularization-loss collection, more
tf.losses, and tf.contrib.layers' initializers; against NumPy."""
import numpy as np
import pytest

import tf0 as tf


def test_layer_regularizers_feed_the_regularization_losses():
    x = tf.placeholder(tf.float64, [None, 3])
    h = tf.layers.dense(x, 4, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
                        bias_regularizer=tf.contrib.layers.l1_regularizer(0.5),
                        bias_initializer=tf.constant_initializer(-1.0),
                        activity_regularizer=lambda out: 0.01 * tf.reduce_sum(out ** 2))
    y = tf.layers.conv1d(tf.expand_dims(h, 1), 2, 1,
                         kernel_regularizer=tf.contrib.layers.l1_l2_regularizer(0.2, 0.3))
    tf.layers.dense(x, 2, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.0))  # None
    assert len(tf.losses.get_regularization_losses()) == 4
    data_loss = tf.losses.mean_squared_error(tf.zeros_like(y), y)
    total = tf.losses.get_total_loss()
    xv = np.random.default_rng(0).standard_normal((5, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias, conv_kernel = sess.run(tf.trainable_variables()[:3])
        got_reg, got_data, got_total, hv = sess.run(
            [tf.losses.get_regularization_loss(), data_loss, total, h], {x: xv})
    want = (0.1 * np.sum(kernel ** 2) / 2 + 0.5 * np.sum(np.abs(bias)) + 0.01 * np.sum(hv ** 2) / 5
            + 0.2 * np.sum(np.abs(conv_kernel)) + 0.3 * np.sum(conv_kernel ** 2) / 2)
    np.testing.assert_allclose(got_reg, want, rtol=1e-12)
    np.testing.assert_allclose(got_total, got_data + got_reg, rtol=1e-12)
    with pytest.raises(TypeError, match="kernel_regulariser"):
        tf.layers.dense(x, 2, kernel_regulariser=None)
    with pytest.raises(ValueError, match="non-negative"):
        tf.contrib.layers.l2_regularizer(-1.0)


def test_apply_regularization_and_an_empty_regularization_loss():
    assert tf.Session().run(tf.losses.get_regularization_loss()) == 0.0
    w = [tf.constant([1.0, -2.0]), tf.constant([[3.0]])]
    penalty = tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(2.0), w)
    assert tf.Session().run(penalty) == 12.0
    assert tf.losses.get_regularization_losses() == [penalty]


def test_cosine_distance_and_hinge_loss():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    labels, logits = rng.integers(0, 2, (4, 3)).astype(np.float64), rng.standard_normal((4, 3))
    got = tf.Session().run([tf.losses.cosine_distance(a, b, axis=1),
                            tf.losses.hinge_loss(labels, logits)])
    np.testing.assert_allclose(got[0], np.mean(1 - np.sum(a * b, axis=1)), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.mean(np.maximum(0, 1 - (2 * labels - 1) * logits)),
                               rtol=1e-12)


@pytest.mark.parametrize("uniform", [True, False])
def test_contrib_initializers_have_their_variance(uniform):
    shape = [400, 600]
    xavier = tf.contrib.layers.xavier_initializer(uniform=uniform, seed=1)(shape)
    he = tf.contrib.layers.variance_scaling_initializer(2.0, "FAN_IN", uniform, seed=2)(shape)
    xv, hv = tf.Session().run([xavier, he])
    want_x, want_h = 1.0 / 500, 2.0 / 400
    if not uniform:  # a normal of variance 1.3 f / n truncated at 2 sigma keeps 0.774 of it
        want_x, want_h = want_x * 1.3 * 0.7737, want_h * 1.3 * 0.7737
    np.testing.assert_allclose(np.var(xv), want_x, rtol=0.02)
    np.testing.assert_allclose(np.var(hv), want_h, rtol=0.02)
