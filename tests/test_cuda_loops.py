"""Loops on the CUDA backend's plan logic, over the null device of fake_cuda.py against the
NumPy backend: host-side loop control (no download per iteration), whole loops captured
into CUDA graphs and replayed, and the loops that cannot be captured saying why."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf

CPU = tf.ConfigProto(device_count={"GPU": 0})
GRAPHS = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=True))
DIRECT = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=False))


@pytest.fixture
def null_gpu(monkeypatch):
    return fake_cuda.install(monkeypatch)


def _lstm_model(sequence_length=None):
    """A GRU over LSTM stack trained by Adam: (x placeholder, loss, train op)."""
    tf.reset_default_graph()
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float64, [4, 6, 3])
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(5),
                                        tf.nn.rnn_cell.GRUCell(4)])
    out, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=sequence_length, dtype=tf.float64)
    loss = tf.reduce_mean(tf.square(out - 0.25))
    return x, loss, tf.train.AdamOptimizer(0.05).minimize(loss)


def _launches_matching_numpy(fetches, feed_dicts):
    """(how each run went, the last run's launch_reason) of running `fetches` with each
    feed dict in one graph-mode session on the null device, every result checked bit for
    bit against the NumPy backend."""
    with tf.Session(config=CPU) as cpu:
        want = [cpu.run(fetches, feeds) for feeds in feed_dicts]
    meta, launches = tf.RunMetadata(), []
    with tf.Session(config=GRAPHS) as sess:
        for feeds, w in zip(feed_dicts, want):
            got = sess.run(fetches, feeds, run_metadata=meta)
            launches.append(meta.launch)
            for g, w_ in zip(got, w):
                np.testing.assert_array_equal(g, w_)
    return launches, meta.launch_reason


def _train(config, steps, sequence_length=None):
    """Losses and final variables of `steps` training steps, with the last run's metadata."""
    x, loss, train = _lstm_model(sequence_length)
    rng = np.random.default_rng(0)
    feeds = [rng.standard_normal((4, 6, 3)) for _ in range(steps)]
    meta = tf.RunMetadata()
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train], {x: f}, run_metadata=meta)[0] for f in feeds]
        weights = sess.run(tf.trainable_variables())
    return losses, weights, meta


@pytest.mark.parametrize("lengths", [None, [6, 2, 5, 0]], ids=["full", "sequence_length"])
def test_rnn_training_is_captured_whole_and_matches_numpy(null_gpu, lengths):
    want_losses, want_weights, _ = _train(CPU, 5, lengths)
    losses, weights, meta = _train(GRAPHS, 5, lengths)
    assert meta.launch == "replay", meta.launch_reason
    assert null_gpu.replays == 4  # run 1 warms up, run 2 captures, runs 2-5 launch
    # the null device's kernels write C-ordered outputs where NumPy keeps some transposes as
    # views, so a sum may add in another order: the last bit may differ, no more
    np.testing.assert_allclose(losses, want_losses, rtol=1e-14, atol=0)
    for got, want in zip(weights, want_weights):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_a_loop_counted_on_the_host_downloads_nothing_per_iteration(null_gpu, monkeypatch):
    downloads = []
    get = fake_cuda.DeviceArray.get
    monkeypatch.setattr(fake_cuda.DeviceArray, "get",
                        lambda self, *a, **k: downloads.append(self.shape) or get(self, *a, **k))
    x, loss, _ = _lstm_model()
    xv = np.random.default_rng(1).standard_normal((4, 6, 3))
    with tf.Session(config=DIRECT) as sess:
        sess.run(tf.global_variables_initializer())
        downloads.clear()
        got = sess.run(loss, {x: xv})
    assert downloads == [()]  # the fetched loss alone
    with tf.Session(config=CPU) as cpu:
        cpu.run(tf.global_variables_initializer())
        assert got == cpu.run(loss, {x: xv})


def test_map_fn_scan_and_nested_loops_replay_with_fresh_feeds(null_gpu):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float64, [5, 3])
    mapped = tf.map_fn(lambda r: tf.sin(r) * r, x)
    scanned = tf.scan(lambda a, r: tf.tanh(a * r) + r, x, reverse=True)
    nested = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.while_loop(
        lambda j, z: j < i, lambda j, z: (j + 1, tf.cos(z) * x + z), [0, y])[1]), [0, x])[1]
    fetches = [mapped, scanned, nested] + tf.gradients(
        tf.reduce_sum(mapped) + tf.reduce_sum(scanned * scanned) + tf.reduce_sum(nested), x)
    rng = np.random.default_rng(2)
    launches, reason = _launches_matching_numpy(
        fetches, [{x: rng.standard_normal((5, 3))} for _ in range(4)])
    assert launches[-1] == "replay", reason


def test_tensor_arrays_in_and_around_loops_replay_and_match_numpy(null_gpu):
    # TF1's loop idiom: read rows from one TensorArray, write states to another, stack them;
    # plus scatter, gather, split and concat outside the loop, all with gradients.
    tf.reset_default_graph()
    x = tf.placeholder(tf.float64, [6, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    inputs = tf.TensorArray(tf.float64, size=6).unstack(x)

    def body(t, h, outputs):
        h = tf.tanh(tf.matmul(h, w) + tf.expand_dims(inputs.read(t), 0))
        return t + 1, h, outputs.write(t, h[0])
    _, h, outputs = tf.while_loop(lambda t, h, o: t < 6, body,
                                  [0, tf.zeros([1, 3], tf.float64),
                                   tf.TensorArray(tf.float64, size=6)])
    states = outputs.stack()
    mixed = tf.TensorArray(tf.float64, size=4).scatter([3, 1, 0, 2], outputs.gather([5, 0, 2, 2]))
    pieces = tf.TensorArray(tf.float64, size=3).split(states, [1, 3, 2])
    loss = tf.reduce_sum(states ** 2) + tf.reduce_sum(tf.sin(mixed.stack())) \
        + tf.reduce_sum(pieces.read(1) * pieces.concat()[:3]) + tf.reduce_sum(h)
    fetches = [loss, states, *tf.gradients(loss, [x, w])]
    rng = np.random.default_rng(5)
    launches, reason = _launches_matching_numpy(fetches, [
        {x: rng.standard_normal((6, 3)), w: rng.standard_normal((3, 3)) * 0.5}
        for _ in range(4)])
    assert launches[-1] == "replay", reason


def test_dropout_inside_a_recurrent_network_replays_the_numbers_numpy_draws(null_gpu):
    # a random op inside a loop draws once per iteration: a captured graph reads its run
    # counter from device memory plus the draw's index, as op by op would count
    tf.reset_default_graph()
    tf.set_random_seed(11)
    x = tf.placeholder(tf.float64, [3, 5, 2])
    keep = tf.placeholder_with_default(tf.constant(0.6, tf.float64), [])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(4), output_keep_prob=keep,
                                         state_keep_prob=keep)
    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    noise = tf.random_normal([2], dtype=tf.float64)  # one draw per run, outside the loop
    loss = tf.reduce_sum(out ** 2) + tf.reduce_sum(noise)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    rng = np.random.default_rng(6)
    feeds = [rng.standard_normal((3, 5, 2)) for _ in range(5)]

    def run(config):
        meta = tf.RunMetadata()
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([loss, train], {x: f}, run_metadata=meta)[0] for f in feeds]
            return losses, sess.run(tf.trainable_variables()), meta
    want, want_vars, _ = run(CPU)
    got, got_vars, meta = run(GRAPHS)
    assert meta.launch == "replay", meta.launch_reason
    np.testing.assert_array_equal(got, want)
    for g, w in zip(got_vars, want_vars):
        np.testing.assert_array_equal(g, w)


def _device_condition():
    x = tf.placeholder(tf.float32, [3])
    y = tf.while_loop(lambda i, y: tf.reduce_sum(y) < 20.0, lambda i, y: (i + 1, y * 2.0),
                      [0, x])[1]
    return y, {x: np.ones(3, np.float32)}, np.full(3, 8.0, np.float32)


def test_a_loop_bounded_by_a_fed_integer_gets_a_graph_per_bound(null_gpu):
    n = tf.placeholder(tf.int32, [])
    x = tf.placeholder(tf.float64, [3])
    y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.sin(y) + x), [0, x])[1]
    grad = tf.gradients(tf.reduce_sum(y), x)[0]
    rng = np.random.default_rng(4)
    launches, _ = _launches_matching_numpy([y, grad], [
        {n: bound, x: rng.standard_normal(3)} for bound in (3, 3, 3, 5, 5, 3, 5, 0, 0, 0)])
    assert launches == ["direct", "capture", "replay", "direct", "capture", "replay",
                        "replay", "direct", "capture", "replay"]


def _variable_in_body():
    v = tf.Variable(np.zeros(3, np.float32))
    x = tf.placeholder(tf.float32, [3])
    y = tf.while_loop(lambda i, y: i < 2, lambda i, y: (
        i + 1, y + v.read_value()), [0, x])[1]
    return y, {x: np.ones(3, np.float32)}, np.ones(3, np.float32)


@pytest.mark.parametrize("build,reason", [
    (_device_condition, "decides on the device whether to go on"),
    (_variable_in_body, "uses a variable inside a loop"),
], ids=["device_condition", "variable"])
def test_loops_that_cannot_be_captured_say_why_and_still_run(null_gpu, build, reason):
    tf.reset_default_graph()
    fetch, feed, want = build()
    meta = tf.RunMetadata()
    with tf.Session(config=GRAPHS) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(fetch, feed, run_metadata=meta), want)
    assert meta.launch == "direct" and reason in meta.launch_reason, meta.launch_reason


def test_a_tf_cond_on_the_counter_and_a_growing_array_in_a_captured_loop(null_gpu):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float64, [3])
    n = tf.placeholder(tf.int32, [])

    def body(i, y, ta):
        y = tf.cond(i % 2 > 0, lambda: tf.sin(y) * x, lambda: y + x * 0.5)
        return i + 1, y, ta.write(ta.size(), y * 2.0)
    _, y, ta = tf.while_loop(lambda i, y, ta: i < n, body,
                             [0, x, tf.TensorArray(tf.float64, size=0, dynamic_size=True)])
    fetches = [y, ta.stack(), tf.gradients(tf.reduce_sum(ta.stack()) + tf.reduce_sum(y), x)[0]]
    rng = np.random.default_rng(9)
    launches, _ = _launches_matching_numpy(fetches, [
        {x: rng.standard_normal(3), n: bound} for bound in (4, 4, 4, 5, 5, 5, 4)])
    assert launches == ["direct", "capture", "replay", "direct", "capture", "replay", "replay"]
