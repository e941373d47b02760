"""tf.nn.rnn_cell and dynamic_rnn / static_rnn / bidirectional_dynamic_rnn against the
cells' equations written in NumPy (float64), gradients against central differences.
(tests/test_against_tf1.py compares the same against TF1 itself when it is installed.)"""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from tf0.session import cuda_backend
from numeric import central_differences

cells = tf.nn.rnn_cell


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_numpy(kernel, bias, forget_bias=1.0):
    def step(x, state):
        c, h = state
        i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
        c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * _sigmoid(o)
        return h, (c, h)
    return step


def _gru_numpy(gate_kernel, gate_bias, cand_kernel, cand_bias):
    def step(x, h):
        r, u = np.split(_sigmoid(np.concatenate([x, h], 1) @ gate_kernel + gate_bias), 2, 1)
        c = np.tanh(np.concatenate([x, r * h], 1) @ cand_kernel + cand_bias)
        h = u * h + (1 - u) * c
        return h, h
    return step


def _run_numpy(step, xs, state, lengths):
    """dynamic_rnn in NumPy: zero outputs and a frozen state past each length."""
    outputs = []
    for t in range(xs.shape[1]):
        out, new = step(xs[:, t], state)
        done = (t >= lengths)[:, None]
        outputs.append(np.where(done, 0.0, out))
        state = tuple(np.where(done, s, n) for s, n in zip(state, new)) \
            if isinstance(state, tuple) else np.where(done, state, new)
    return np.stack(outputs, 1), state


def _load_weights(sess, seed):
    rng = np.random.default_rng(seed)
    values = []
    for v in tf.trainable_variables():
        value = rng.standard_normal([int(d) for d in v.shape]) * 0.5
        v.load(value, sess)
        values.append(value)
    return values


def test_lstm_and_gru_match_their_equations_with_sequence_lengths():
    rng = np.random.default_rng(0)
    xv, lengths = rng.standard_normal((3, 6, 4)), np.array([6, 1, 4])
    x, seq = tf.placeholder(tf.float64, [None, 6, 4]), tf.placeholder(tf.int32, [None])
    lstm_out, lstm_state = tf.nn.dynamic_rnn(cells.BasicLSTMCell(5, forget_bias=0.7), x,
                                             sequence_length=seq, dtype=tf.float64,
                                             scope="lstm")
    gru_out, gru_state = tf.nn.dynamic_rnn(cells.GRUCell(3), x, sequence_length=seq,
                                           dtype=tf.float64, scope="gru")
    assert isinstance(lstm_state, cells.LSTMStateTuple)
    assert lstm_out.shape.as_list() == [None, 6, 5] and gru_state.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias, *gru_weights = _load_weights(sess, 1)
        got = sess.run([lstm_out, lstm_state, gru_out, gru_state], {x: xv, seq: lengths})
    zeros5, zeros3 = np.zeros((3, 5)), np.zeros((3, 3))
    want_out, want_state = _run_numpy(_lstm_numpy(kernel, bias, 0.7), xv, (zeros5, zeros5),
                                      lengths)
    np.testing.assert_allclose(got[0], want_out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got[1].c, want_state[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got[1].h, want_state[1], rtol=1e-12, atol=1e-14)
    want_out, want_state = _run_numpy(_gru_numpy(*gru_weights), xv, zeros3, lengths)
    np.testing.assert_allclose(got[2], want_out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got[3], want_state, rtol=1e-12, atol=1e-14)


def test_dynamic_rnn_gradients_matchcentral_differences():
    rng = np.random.default_rng(2)
    xv = rng.standard_normal((2, 4, 3))
    kernel_v, bias_v = rng.standard_normal((3 + 2, 8)) * 0.5, rng.standard_normal(8) * 0.1
    x = tf.placeholder(tf.float64, [2, 4, 3])
    cell = cells.BasicLSTMCell(2)
    out, state = tf.nn.dynamic_rnn(cell, x, sequence_length=[4, 2], dtype=tf.float64)
    loss = tf.reduce_sum(out * out) + tf.reduce_sum(tf.sin(state.c))
    grads = tf.gradients(loss, [x] + cell.trainable_weights)

    def f(xv, kernel_v, bias_v):
        zeros = np.zeros((2, 2))
        o, (c, _) = _run_numpy(_lstm_numpy(kernel_v, bias_v), xv, (zeros, zeros),
                               np.array([4, 2]))
        return np.sum(o * o) + np.sum(np.sin(c))
    with tf.Session() as sess:
        # the cell's variables are fed directly: feeding a Variable overrides its reads
        feed = {x: xv, cell.trainable_weights[0]: kernel_v, cell.trainable_weights[1]: bias_v}
        value, *got = sess.run([loss, *grads], feed)
    assert value == pytest.approx(f(xv, kernel_v, bias_v), rel=1e-12)
    want = [central_differences(lambda v: f(v, kernel_v, bias_v), xv),
            central_differences(lambda v: f(xv, v, bias_v), kernel_v),
            central_differences(lambda v: f(xv, kernel_v, v), bias_v)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_multi_cell_static_rnn_and_time_major_agree_with_dynamic_rnn():
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((2, 3, 4))
    x = tf.placeholder(tf.float64, [2, 3, 4])
    stacked = cells.MultiRNNCell([cells.BasicRNNCell(3), cells.LSTMCell(2, num_proj=1)])
    out, state = tf.nn.dynamic_rnn(stacked, x, dtype=tf.float64)
    tm_out, tm_state = tf.nn.dynamic_rnn(stacked, tf.transpose(x, [1, 0, 2]), dtype=tf.float64,
                                         time_major=True)
    static_out, static_state = tf.nn.static_rnn(stacked, tf.unstack(x, axis=1),
                                                dtype=tf.float64)
    assert len(tf.trainable_variables()) == 5  # one set of weights, shared by the three
    assert state[1].h.shape.as_list() == [2, 1] and state[1].c.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([out, tm_out, static_out, state, tm_state, static_state], {x: xv})
    np.testing.assert_allclose(got[1], got[0].transpose(1, 0, 2), rtol=1e-12)
    np.testing.assert_allclose(np.stack(got[2], 1), got[0], rtol=1e-12)
    for a, b, c in zip(_flat(got[3]), _flat(got[4]), _flat(got[5])):
        np.testing.assert_allclose(a, b, rtol=1e-12)
        np.testing.assert_allclose(a, c, rtol=1e-12)


def _flat(value):
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _flat(v)]
    return [value]


def test_reverse_sequence_and_the_bidirectional_rnn():
    rng = np.random.default_rng(4)
    xv, lengths = rng.standard_normal((3, 5, 2)), np.array([5, 2, 0])
    x, seq = tf.placeholder(tf.float64, [None, 5, 2]), tf.placeholder(tf.int64, [None])
    rev = tf.reverse_sequence(x, seq, seq_axis=1, batch_axis=0)
    rev_tm = tf.reverse_sequence(tf.transpose(x, [1, 0, 2]), seq, seq_axis=0, batch_axis=1)
    grad = tf.gradients(tf.reduce_sum(rev * np.arange(10.0).reshape(5, 2)), x)[0]
    fw_cell, bw_cell = cells.GRUCell(2), cells.GRUCell(2)
    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(fw_cell, bw_cell, x, sequence_length=seq,
                                                  dtype=tf.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_rev, got_tm, got_grad = sess.run([rev, rev_tm, grad], {x: xv, seq: lengths})
        fw_v, bw_v = sess.run([fw, bw], {x: xv, seq: lengths})
        bw_weights = [sess.run(v) for v in bw_cell.trainable_weights]
    want = xv.copy()
    weights = np.broadcast_to(np.arange(10.0).reshape(5, 2), xv.shape).copy()
    for b, n in enumerate(lengths):
        want[b, :n] = xv[b, :n][::-1]
        weights[b, :n] = weights[b, :n][::-1]
    np.testing.assert_array_equal(got_rev, want)
    np.testing.assert_array_equal(got_tm, want.transpose(1, 0, 2))
    np.testing.assert_array_equal(got_grad, weights)
    # the backward direction: the GRU over each reversed sequence, outputs reversed back
    out, _ = _run_numpy(_gru_numpy(*bw_weights), want, np.zeros((3, 2)), lengths)
    for b, n in enumerate(lengths):
        out[b, :n] = out[b, :n][::-1]
    np.testing.assert_allclose(bw_v, out, rtol=1e-12, atol=1e-14)
    assert np.all(fw_v[2] == 0) and np.all(bw_v[2] == 0)  # length 0: no outputs


def test_an_lstm_learns_to_sum_a_sequence():
    rng = np.random.default_rng(5)
    xv = rng.uniform(-1, 1, (64, 6, 1)).astype(np.float32)
    yv = xv.sum(axis=(1, 2))[:, None] / 3
    x, y = tf.placeholder(tf.float32, [None, 6, 1]), tf.placeholder(tf.float32, [None, 1])
    _, state = tf.nn.dynamic_rnn(cells.LSTMCell(8), x, dtype=tf.float32)
    loss = tf.reduce_mean(tf.square(tf.layers.dense(state.h, 1) - y))
    train = tf.train.AdamOptimizer(0.02).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start = sess.run(loss, {x: xv, y: yv})
        for _ in range(150):
            sess.run(train, {x: xv, y: yv})
        assert sess.run(loss, {x: xv, y: yv}) < start / 10


def test_dropout_wrapper_and_clear_errors():
    x = tf.placeholder(tf.float32, [4, 3, 2])
    kept = cells.DropoutWrapper(cells.GRUCell(2), input_keep_prob=1.0, output_keep_prob=1.0)
    plain_out, _ = tf.nn.dynamic_rnn(kept, x, dtype=tf.float32, scope="kept")
    dropped = cells.DropoutWrapper(cells.GRUCell(2), output_keep_prob=0.5, seed=3)
    drop_out, _ = tf.nn.dynamic_rnn(dropped, x, dtype=tf.float32, scope="dropped")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xv = np.ones((4, 3, 2), np.float32)
        values = sess.run(drop_out, {x: xv})
        assert np.any(values == 0) and np.any(values != 0)
        assert sess.run(plain_out, {x: xv}).shape == (4, 3, 2)
    with pytest.raises(ValueError, match="initial_state or a dtype"):
        tf.nn.dynamic_rnn(cells.GRUCell(2), x)
    with pytest.raises(ValueError, match="state_is_tuple"):
        cells.BasicLSTMCell(2, state_is_tuple=False)
    with pytest.raises(ValueError, match="known last"):
        tf.nn.dynamic_rnn(cells.GRUCell(2), tf.placeholder(tf.float32, [2, 3, None]),
                          dtype=tf.float32)


def test_an_lstm_on_the_null_device_matches_numpy(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [2, 4, 3])
    out, state = tf.nn.dynamic_rnn(cells.BasicLSTMCell(3), x, sequence_length=[4, 1],
                                   dtype=tf.float64)
    grads = tf.gradients(tf.reduce_sum(out) + tf.reduce_sum(state.h), [x] +
                         tf.trainable_variables())
    xv = np.random.default_rng(6).standard_normal((2, 4, 3))
    results = []
    for config in (tf.ConfigProto(device_count={"GPU": 0}), None):
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            _load_weights(sess, 7)
            results.append(sess.run([out, state, *grads], {x: xv}))
    for a, b in zip(_flat(results[0]), _flat(results[1])):
        np.testing.assert_array_equal(a, b)


@pytest.mark.gpu
@pytest.mark.skipif(not cuda_backend.available(), reason="needs a CUDA GPU")
def test_lstm_and_gru_on_the_gpu_match_the_numpy_backend():
    x = tf.placeholder(tf.float64, [5, 7, 3])
    fetches = []
    for name, cell in (("lstm", cells.LSTMCell(4, use_peepholes=True, num_proj=2)),
                       ("gru", cells.GRUCell(3))):
        out, state = tf.nn.dynamic_rnn(cell, x, sequence_length=[7, 3, 0, 5, 1],
                                       dtype=tf.float64, scope=name)
        fetches += [out, *_flat(state)]
    fetches += tf.gradients(tf.add_n([tf.reduce_sum(f * f) for f in fetches]),
                            [x] + tf.trainable_variables())
    xv = np.random.default_rng(9).standard_normal((5, 7, 3))
    results = []
    for config in (None, None, tf.ConfigProto(device_count={"GPU": 0})):
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            _load_weights(sess, 10)
            results.append(sess.run(fetches, {x: xv}))
    for first, second, ref in zip(*results):
        np.testing.assert_array_equal(first, second)  # bit-identical runs
        np.testing.assert_allclose(first, ref, rtol=1e-9, atol=1e-11)


def test_sequence_mask_matches_its_definition():
    lengths = tf.placeholder(tf.int64, [None])
    default, wide = tf.sequence_mask(lengths), tf.sequence_mask(lengths, 5, dtype=tf.float32)
    nested = tf.sequence_mask([[1, 3], [0, 2]], 4)
    with tf.Session() as sess:
        got = sess.run([default, wide, nested], {lengths: [2, 0, 3]})
    np.testing.assert_array_equal(got[0], np.arange(3)[None, :] < np.array([2, 0, 3])[:, None])
    np.testing.assert_array_equal(got[1], (np.arange(5)[None, :] < np.array([[2], [0], [3]]))
                                  .astype(np.float32))
    np.testing.assert_array_equal(got[2], np.arange(4) < np.array([[1, 3], [0, 2]])[..., None])
    assert got[1].dtype == np.float32 and wide.shape.as_list() == [None, 5]
