"""dropout and recurrent_dropout of tf.keras's recurrent layers: while training, inputs
and previous outputs are masked with masks drawn once per batch and kept for every time
step (kept entries scaled by 1 / (1 - rate)); at inference the layers compute what they
compute without dropout."""
import numpy as np
import pytest

import tf0 as tf

K = tf.keras
RNG = np.random.default_rng(17)


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default():
        yield


def _linear_rnn(rate, recurrent_rate, kernel, recurrent, steps=6):
    """A linear SimpleRNN with the given kernels: (its outputs in training and in
    inference for inputs of ones and an initial state of ones)."""
    layer = K.layers.SimpleRNN(4, activation="linear", use_bias=False, dropout=rate,
                               recurrent_dropout=recurrent_rate, return_sequences=True)
    inputs = tf.placeholder(tf.float32, [None, steps, 4])
    start = tf.placeholder(tf.float32, [None, 4])
    out = layer(inputs, initial_state=[start])
    sess = K.backend.get_session()
    sess.run(tf.global_variables_initializer())
    K.backend.set_value(layer.kernel, kernel)
    K.backend.set_value(layer.recurrent_kernel, recurrent)
    feed = {inputs: np.ones((200, steps, 4), np.float32), start: np.ones((200, 4), np.float32)}
    return (sess.run(out, {**feed, K.backend.learning_phase(): True}), sess.run(out, feed))


def test_input_dropout_keeps_one_mask_for_every_step():
    # identity kernel, no recurrence: each output is the masked input
    training, inference = _linear_rnn(0.5, 0.0, np.eye(4, dtype=np.float32),
                                      np.zeros((4, 4), np.float32))
    np.testing.assert_array_equal(inference, np.ones_like(inference))
    assert set(np.unique(training)) == {0.0, 2.0}
    np.testing.assert_array_equal(training, np.repeat(training[:, :1], 6, axis=1))
    assert 0.4 < (training == 0).mean() < 0.6


def test_recurrent_dropout_masks_the_previous_output_the_same_way_each_step():
    # no input, identity recurrence from a state of ones: h_t = m^t elementwise
    training, inference = _linear_rnn(0.0, 0.25, np.zeros((4, 4), np.float32),
                                      np.eye(4, dtype=np.float32))
    np.testing.assert_array_equal(inference, np.ones_like(inference))
    mask = training[:, 0]
    assert set(np.unique(mask)) == {0.0, np.float32(1 / 0.75)}
    powers = mask[:, None, :] ** np.arange(1, 7)[None, :, None]
    np.testing.assert_allclose(training, powers, rtol=1e-5)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_gated_layers_with_dropout_infer_as_without_and_still_learn(kind):
    tf.set_random_seed(3)
    x = RNG.standard_normal((96, 7, 3)).astype(np.float32)
    y = (x[:, :, 0].sum(1) > 0).astype(np.int64)
    layer = getattr(K.layers, kind)
    plain = K.Sequential([layer(8, input_shape=(7, 3)), K.layers.Dense(2, activation="softmax")])
    dropped = K.Sequential([layer(8, dropout=0.2, recurrent_dropout=0.2, input_shape=(7, 3)),
                            K.layers.Dense(2, activation="softmax")])
    dropped.set_weights(plain.get_weights())
    np.testing.assert_allclose(dropped.predict(x), plain.predict(x), rtol=1e-5, atol=1e-6)
    dropped.compile(K.optimizers.Adam(0.02), "sparse_categorical_crossentropy", ["acc"])
    history = dropped.fit(x, y, batch_size=32, epochs=30, verbose=0).history
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert dropped.evaluate(x, y, verbose=0)[1] > 0.8
