"""tf.contrib's parts in tf0: layers.fully_connected and layers.conv2d (TF1 contrib's
defaults, variable names and numbering, regularizers), rnn's cells and static_rnn (the
nn.rnn_cell classes), framework's global step; and tf.train.NewCheckpointReader. Values
against NumPy."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(8)
X = RNG.standard_normal((4, 5)).astype(np.float32)
IMAGES = RNG.standard_normal((2, 5, 6, 3)).astype(np.float32)


def _conv_same(x, w):
    """NHWC stride-1 SAME convolution in float64."""
    kh, kw = w.shape[:2]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(x, [[0, 0], [top, kh - 1 - top], [left, kw - 1 - left], [0, 0]])
    out = np.zeros(x.shape[:3] + (w.shape[3],))
    for i in range(kh):
        for j in range(kw):
            out += padded[:, i:i + x.shape[1], j:j + x.shape[2]] @ w[i, j]
    return out


def test_fully_connected_defaults_names_and_values():
    x = tf.constant(X)
    first = tf.contrib.layers.fully_connected(x, 3)  # relu, Xavier weights, zero biases
    second = tf.contrib.layers.fully_connected(
        x, 2, activation_fn=None, weights_initializer=tf.constant_initializer(0.1),
        biases_initializer=tf.constant_initializer(0.2),
        weights_regularizer=tf.contrib.layers.l2_regularizer(0.5))
    head = tf.contrib.layers.fully_connected(tf.reshape(x, [2, 2, 5]), 4, scope="head",
                                             biases_initializer=None)
    assert [v.op.name for v in tf.global_variables()] == [
        "fully_connected/weights", "fully_connected/biases", "fully_connected_1/weights",
        "fully_connected_1/biases", "head/weights"]
    reg = tf.losses.get_regularization_losses()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_first, got_second, got_head, (w, b), w_head, got_reg = sess.run(
            [first, second, head, tf.global_variables()[:2], tf.global_variables()[4], reg])
    assert (b == 0).all() and np.abs(w).max() <= np.sqrt(6 / 8) + 1e-6  # Xavier bound
    np.testing.assert_allclose(got_first, np.maximum(X @ w, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_second, X.astype(np.float64).sum(1, keepdims=True) * 0.1
                               + 0.2 + np.zeros((1, 2)), rtol=1e-5)
    np.testing.assert_allclose(got_head, np.maximum(X.reshape(2, 2, 5) @ w_head, 0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_reg, [0.5 * 0.5 * 0.01 * 10], rtol=1e-5)


def test_conv2d_defaults_names_and_values():
    images = tf.constant(IMAGES)
    conv = tf.contrib.layers.conv2d(images, 4, 3, weights_initializer=tf.ones_initializer())
    valid = tf.contrib.layers.conv2d(conv, 2, [1, 2], stride=2, padding="VALID",
                                     activation_fn=tf.tanh,
                                     weights_initializer=tf.constant_initializer(0.5))
    assert [v.op.name for v in tf.global_variables()] == [
        "Conv/weights", "Conv/biases", "Conv_1/weights", "Conv_1/biases"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_valid = sess.run([conv, valid])
    want = np.maximum(_conv_same(IMAGES.astype(np.float64), np.ones((3, 3, 3, 4))), 0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    pairs = want[:, ::2, 0:5:2] + want[:, ::2, 1:6:2]  # 1x2 windows, stride 2
    np.testing.assert_allclose(got_valid, np.tanh(0.5 * pairs.sum(-1, keepdims=True)
                                                  * np.ones((1, 1, 1, 2))),
                               rtol=1e-5, atol=1e-5)
    with pytest.raises(NotImplementedError):
        tf.contrib.layers.conv2d(images, 2, 3, rate=2)


def test_rnn_and_framework_are_the_same_objects():
    assert tf.contrib.rnn.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    step = tf.contrib.framework.get_or_create_global_step()
    assert step is tf.train.get_global_step()


def test_checkpoint_reader_lists_and_reads_a_checkpoint(tmp_path):
    v = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="v")
    n = tf.Variable(np.int64(7), name="scope/n")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "ck"), global_step=1)
    for where in (prefix, str(tmp_path)):
        reader = tf.train.NewCheckpointReader(where)
        assert reader.get_variable_to_shape_map() == {"v": [2, 3], "scope/n": []}
        assert reader.get_variable_to_dtype_map() == {"v": tf.float32, "scope/n": tf.int64}
        assert reader.has_tensor("v") and not reader.has_tensor("w")
        np.testing.assert_array_equal(reader.get_tensor("v"), np.arange(6).reshape(2, 3))
        assert reader.get_tensor("scope/n") == 7
        with pytest.raises(tf.errors.NotFoundError):
            reader.get_tensor("w")
    assert v is not None and n is not None
