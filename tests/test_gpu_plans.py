"""CUDA plans on a real GPU: results bit-identical for 1 to 8 streams and for direct launch
and CUDA-graph replay, concurrent runs from 8 threads, out-of-memory recovery, capture
fallback, device-array feeds and fetches, trace contents. Skipped without a GPU."""
import threading

import numpy as np
import pytest

import tf0 as tf
from tf0.session import cuda_backend

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not cuda_backend.available(), reason="needs a CUDA GPU")]
CPU = tf.ConfigProto(device_count={"GPU": 0})


def _config(num_streams=4, cuda_graphs=True):
    return tf.ConfigProto(gpu_options=tf.GPUOptions(num_streams=num_streams,
                                                    cuda_graphs=cuda_graphs))


def _seed_network(n=64, d=1000, h=100):
    tf.reset_default_graph()
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, d])
    y = tf.placeholder(tf.float32, [None, d])
    w1 = tf.Variable(rng.standard_normal((d, h)).astype(np.float32) * 0.03)
    w2 = tf.Variable(rng.standard_normal((h, d)).astype(np.float32) * 0.03)
    hidden = tf.nn.relu(tf.matmul(x, w1))
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(hidden, w2) - y) ** 2, axis=1))
    g1, g2 = tf.gradients(loss, [w1, w2])
    train = tf.train.MomentumOptimizer(1e-3, 0.9).minimize(loss)
    batches = [(rng.standard_normal((n, d)).astype(np.float32),
                rng.standard_normal((n, d)).astype(np.float32)) for _ in range(6)]
    return x, y, [loss, g1, g2], train, batches


def _train(config):
    x, y, fetches, train, batches = _seed_network()
    out, launches = [], []
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for bx, by in batches:
            meta = tf.RunMetadata()
            out.append(sess.run(fetches + [train], {x: bx, y: by}, run_metadata=meta)[:3])
            launches.append(meta.launch)
        out.append(sess.run(tf.trainable_variables()))
    return out, launches


def test_training_is_bit_identical_for_every_stream_count_and_launch_mode():
    reference, _ = _train(_config(1, cuda_graphs=False))
    cpu, _ = _train(CPU)
    for got_step, cpu_step in zip(reference, cpu):
        for g, c in zip(got_step, cpu_step):
            np.testing.assert_allclose(g, c, rtol=2e-4, atol=2e-5)
    for streams in (1, 2, 4, 8):
        for graphs in (False, True):
            got, launches = _train(_config(streams, graphs))
            if graphs:
                assert launches[:4] == ["direct", "capture", "capture", "replay"], launches
            for got_step, ref_step in zip(got, reference):
                for g, r in zip(got_step, ref_step):
                    assert np.asarray(g).tobytes() == np.asarray(r).tobytes(), \
                        f"{streams} streams, graphs={graphs}"


def _branches(size, count=16):
    tf.reset_default_graph()
    a = tf.placeholder(tf.float32, [count, size, size])
    outs = [tf.nn.relu(tf.matmul(a[i], a[i])) for i in range(count)]
    return a, outs


def test_independent_branches_agree_on_every_stream_count():
    a, outs = _branches(128)
    value = np.random.default_rng(1).standard_normal((16, 128, 128)).astype(np.float32)
    want = [np.maximum(value[i].astype(np.float64) @ value[i], 0) for i in range(16)]
    results = []
    for streams in (1, 8):
        with tf.Session(config=_config(streams)) as sess:
            for _ in range(4):
                results.append(sess.run(outs, {a: value}))
    for got in results:
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-3)
    for got in results[1:]:
        assert all(g.tobytes() == r.tobytes() for g, r in zip(got, results[0]))


def test_concurrent_runs_from_eight_threads():
    x = tf.placeholder(tf.float32, [256])
    v = tf.Variable(np.linspace(0, 1, 256).astype(np.float32))
    y = tf.reduce_sum(tf.exp(x * 0.01) * v)
    errors = []
    with tf.Session(config=_config()) as sess:
        sess.run(v.initializer)

        def work(seed):
            rng = np.random.default_rng(seed)
            for _ in range(30):
                value = rng.standard_normal(256).astype(np.float32)
                want = np.sum(np.exp(value.astype(np.float64) * 0.01) * np.linspace(0, 1, 256))
                got = sess.run(y, {x: value})
                if abs(got - want) > 1e-4 * abs(want) + 1e-4:
                    errors.append((seed, got, want))
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[:3]


def test_threads_on_their_own_streams_see_every_write():
    # Replays launch on the caller's stream; each thread here has its own, and every
    # increment must land exactly once (the runs are ordered as the session lock orders
    # them, by an event whenever the stream changes).
    import cupy
    v = tf.Variable(np.zeros(1000, np.float32))
    step = tf.assign_add(v, tf.ones([1000]))
    total = tf.reduce_sum(v)
    seen = []
    with tf.Session(config=_config()) as sess:
        sess.run(v.initializer)

        def work():
            with cupy.cuda.Stream(non_blocking=True):
                for _ in range(25):
                    sess.run(step)
                    seen.append(float(sess.run(total)))
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        np.testing.assert_array_equal(sess.run(v), np.full(1000, 100.0))
    assert all(s % 1000 == 0 and 1000 <= s <= 100000 for s in seen)


@pytest.mark.parametrize("on_device", [False, True], ids=["host", "device"])
def test_fetches_of_a_replay_are_fresh_and_keep_their_dtypes(on_device):
    x = tf.placeholder(tf.float32, [3, 5])
    fetches = [x * 2.0, tf.cast(x, tf.int64), tf.reduce_sum(tf.cast(x, tf.float64)), x > 0,
               tf.cast(x, tf.int32)[:, 1:2], tf.reduce_max(x)]
    options = tf.RunOptions(fetch_device_arrays=on_device)
    kept = []
    rng = np.random.default_rng(8)
    with tf.Session(config=_config()) as sess:
        meta = tf.RunMetadata()
        for _ in range(6):
            value = (rng.standard_normal((3, 5)) * 10).astype(np.float32)
            got = sess.run(fetches, {x: value}, options=options, run_metadata=meta)
            got = [g.get() if on_device else g for g in got]
            want = [value * 2, value.astype(np.int64), value.astype(np.float64).sum(),
                    value > 0, value.astype(np.int32)[:, 1:2], value.max()]
            kept.append((got, want))
        assert meta.launch == "replay"
    for got, want in kept:  # no later replay wrote into what an earlier one returned
        for g, w in zip(got, want):
            assert np.asarray(g).dtype == np.asarray(w).dtype
            np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("on_device", [False, True], ids=["host", "device"])
def test_a_replay_reuses_dropped_fetches_and_never_overwrites_held_ones(on_device):
    """With real CuPy and pinned memory: results the loop drops come back as the same
    objects; whatever refers to a result's memory keeps its values: the array, a slice of
    it, an array made over its memory pointer (device), a DLPack or
    __cuda_array_interface__ consumer's array (device), a NumPy view (host)."""
    import weakref
    import cupy as cp
    x = tf.placeholder(tf.float32, [64])
    fetches = [x * 2.0, x + 1.0]
    options = tf.RunOptions(fetch_device_arrays=on_device)

    def run(k):
        return sess.run(fetches, {x: np.full(64, k, np.float32)}, options=options)

    def read(h):
        """float32 values of a result or of whatever holds it."""
        if isinstance(h, memoryview):
            return np.frombuffer(h, np.float32)
        return (cp.asnumpy(h) if on_device else np.asarray(h)).view(np.float32).ravel()

    holders = [lambda a: a, lambda a: a[3:]]
    if on_device:
        holders += [lambda a: cp.ndarray(a.shape, a.dtype, memptr=a.data),
                    lambda a: cp.from_dlpack(a),
                    lambda a: cp.asarray(_CudaArrayInterface(a))]
    else:
        holders += [lambda a: a.view(np.int32), memoryview]
    with tf.Session(config=_config()) as sess:
        for k in range(3):
            run(k)
        got = run(3)
        first = weakref.ref(got[0])
        del got
        got = run(4)
        assert got[0] is first()  # dropped, handed out again
        np.testing.assert_array_equal(read(got[0]), np.full(64, 8.0))
        held = []
        for i, hold in enumerate(holders):
            k = 10 + i
            got = run(k)
            held.append((hold(got[0]), 2.0 * k))
            del got
            for later in range(20, 24):  # the step after next reuses every free block
                np.testing.assert_array_equal(read(run(later)[1]), np.full(64, later + 1.0))
        for h, value in held:
            assert (read(h) == np.float32(value)).all(), value


def test_host_feeds_of_every_dtype_staged_in_one_block_match_numpy():
    """A replay's host feeds (float32, int32, a float32 scalar, bool, int64, uint8) share one
    device block and one copy; a float64 device feed at a new address each run is copied
    after it. Every run sees its own values."""
    import cupy as cp
    x = tf.placeholder(tf.float32, [3, 5])
    labels = tf.placeholder(tf.int32, [3])
    scale = tf.placeholder(tf.float32, [])
    mask = tf.placeholder(tf.bool, [5])
    big = tf.placeholder(tf.int64, [2])
    moved = tf.placeholder(tf.float64, [2])
    pixels = tf.placeholder(tf.uint8, [7])
    out = [tf.reduce_sum(x * scale, axis=1) + tf.cast(labels, tf.float32),
           tf.where(mask, tf.reduce_max(x, axis=0), -x[0]), moved * 2.0 + tf.cast(big, tf.float64),
           tf.cast(pixels[::-1], tf.int32)]
    rng = np.random.default_rng(4)
    with tf.Session(config=_config()) as sess:
        meta = tf.RunMetadata()
        for k in range(6):
            xv = rng.standard_normal((3, 5)).astype(np.float32)
            lv = rng.integers(-9, 9, 3).astype(np.int32)
            mv, bv = rng.random(5) > 0.5, rng.integers(-2**40, 2**40, 2)
            dv, pv = rng.standard_normal(2), rng.integers(0, 256, 7).astype(np.uint8)
            got = sess.run(out, {x: xv, labels: lv, scale: np.float32(k), mask: mv, big: bv,
                                 moved: cp.asarray(dv), pixels: pv}, run_metadata=meta)
            np.testing.assert_allclose(got[0], (xv.astype(np.float64) * k).sum(1) + lv,
                                       rtol=1e-6, atol=1e-5)
            np.testing.assert_array_equal(got[1], np.where(mv, xv.max(0), -xv[0]))
            np.testing.assert_array_equal(got[2], dv * 2.0 + bv)
            np.testing.assert_array_equal(got[3], pv[::-1])
        assert meta.launch == "replay"


class _CudaArrayInterface:
    """Only a __cuda_array_interface__ that refers to the array it was made from."""

    def __init__(self, array):
        self.array = array
        self.__cuda_array_interface__ = array.__cuda_array_interface__


def test_out_of_memory_names_the_op_and_leaves_the_session_usable():
    n = tf.placeholder(tf.int32, [])
    huge = tf.fill(tf.stack([n, n]), 1.0, name="huge_fill")
    small = tf.reduce_sum(tf.ones([4]))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.ResourceExhaustedError) as info:
            sess.run(tf.reduce_sum(huge), {n: 1 << 20})  # 4 TiB of float32
        assert "huge_fill" in str(info.value) and "bytes" in str(info.value)
        assert sess.run(small) == 4.0


def test_random_ops_replayed_from_a_graph_match_the_cpu():
    tf.set_random_seed(5)
    x = tf.placeholder(tf.float32, [1000])
    uniform = tf.nn.dropout(x, keep_prob=0.5)
    normal = tf.random_normal([999], dtype=tf.float64)
    ints = tf.random_uniform([77], 0, 1000, dtype=tf.int64)
    results = {}
    for name, config in (("cpu", CPU), ("gpu", _config())):
        with tf.Session(config=config) as sess:
            meta = tf.RunMetadata()
            results[name] = [sess.run([uniform, normal, ints], {x: np.ones(1000, np.float32)},
                                      run_metadata=meta) for _ in range(5)]
    assert meta.launch == "replay"
    for (gu, gn, gi), (cu, cn, ci) in zip(results["gpu"], results["cpu"]):
        assert gu.tobytes() == cu.tobytes() and gi.tobytes() == ci.tobytes()
        np.testing.assert_allclose(gn, cn, rtol=1e-12, atol=1e-12)


def test_plans_that_cannot_be_captured_say_why_and_still_run():
    x = tf.placeholder(tf.float32, [5])
    limit = tf.placeholder(tf.float32, [])  # a float: a launch parameter never keyed by value
    counted = tf.range(limit) * 2.0
    positive = tf.boolean_mask(x, x > 0)  # its size depends on device values
    cases = [(counted, {limit: 5.0}, np.arange(5) * 2.0, "launch parameter"),
             (positive, {x: np.array([1, -1, 2, -2, 3], np.float32)}, [1, 2, 3], "depends on")]
    with tf.Session(config=_config()) as sess:
        for fetch, feeds, want, why in cases:
            meta = tf.RunMetadata()
            for _ in range(3):
                np.testing.assert_array_equal(sess.run(fetch, feeds, run_metadata=meta), want)
            assert meta.launch == "direct" and why in meta.launch_reason


def test_device_array_feeds_and_fetches_stay_on_the_device():
    import cupy
    x = tf.placeholder(tf.float32, [64, 32])
    v = tf.Variable(np.ones((32, 8), np.float32))
    y = tf.matmul(x, v)
    options = tf.RunOptions(fetch_device_arrays=True)
    with tf.Session(config=_config()) as sess:
        sess.run(v.initializer)
        for k in range(4):
            value = cupy.random.standard_normal((64, 32), dtype=cupy.float32)
            got, var = sess.run([y, v], {x: value}, options=options)
            assert isinstance(got, cupy.ndarray) and isinstance(var, cupy.ndarray)
            np.testing.assert_allclose(got.get(), value.get() @ np.ones((32, 8)), rtol=1e-5,
                                       atol=1e-5)
            var[...] = 0  # the caller's copy: the session's variable is untouched
        np.testing.assert_array_equal(sess.run(v), np.ones((32, 8)))
        fed = cupy.zeros((64, 32), cupy.float32)  # one array: the graph reads it in place
        for k in range(5):
            fed.fill(k)  # on the current stream, so ordered before the run
            got = sess.run(y, {x: fed}, options=options)
            np.testing.assert_array_equal(got.get(), np.full((64, 8), 32.0 * k))
        try:
            import torch
        except ImportError:
            return
        t = torch.ones((64, 32), device="cuda")
        np.testing.assert_allclose(sess.run(y, {x: t}), np.full((64, 8), 32.0))


def test_variables_set_between_replays_are_seen():
    v = tf.Variable(np.zeros(3, np.float32))
    out = v * 2.0 + 1.0
    saver = tf.train.Saver()
    with tf.Session(config=_config()) as sess:
        sess.run(v.initializer)
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(out), [1, 1, 1])
        v.load(np.array([1, 2, 3], np.float32), sess)
        np.testing.assert_array_equal(sess.run(out), [3, 5, 7])
        import tempfile
        path = saver.save(sess, tempfile.mkdtemp() + "/m")
        v.load(np.zeros(3, np.float32), sess)
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(out), [3, 5, 7])


def test_a_failed_replay_changes_no_variable():
    v = tf.Variable(np.zeros(4, np.float32))
    idx = tf.placeholder(tf.int32, [2])
    step = tf.assign_add(v, tf.ones([4]))
    picked = tf.gather(v, idx)
    with tf.Session(config=_config()) as sess:
        sess.run(v.initializer)
        meta = tf.RunMetadata()
        for _ in range(4):
            sess.run([step, picked], {idx: [0, 1]}, run_metadata=meta)
        assert meta.launch == "replay"
        before = sess.run(v)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run([step, picked], {idx: [0, 9]})
        np.testing.assert_array_equal(sess.run(v), before)
        sess.run([step, picked], {idx: [0, 1]})
        np.testing.assert_array_equal(sess.run(v), before + 1)


def test_trace_gives_gpu_times_per_stream():
    a, outs = _branches(64, count=4)
    value = np.ones((4, 64, 64), np.float32)
    with tf.Session(config=_config(num_streams=4)) as sess:
        meta = tf.RunMetadata()
        sess.run(outs, {a: value}, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=meta)
    gpu = [s for s in meta.step_stats if s["device"].startswith("gpu:")]
    assert len({s["device"] for s in gpu}) == 4
    assert all(s["duration_us"] > 0 and s["start_us"] >= 0 for s in gpu)
    assert {s["op"] for s in gpu} >= {"MatMul", "Relu"}


def _recurrent_training(config, steps=5):
    """Losses and weights of an LSTM/GRU stack with dropout in its cells (random draws
    inside the loop), a fed training switch (a keyed tf.cond) and Adam, float64."""
    tf.reset_default_graph()
    tf.set_random_seed(21)
    x = tf.placeholder(tf.float64, [4, 7, 3])
    training = tf.placeholder(tf.bool, [])
    keep = tf.cond(training, lambda: tf.constant(0.7, tf.float64),
                   lambda: tf.constant(1.0, tf.float64))
    cells = [tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(5),
                                           output_keep_prob=keep),
             tf.nn.rnn_cell.GRUCell(4)]
    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(cells), x, dtype=tf.float64)
    loss = tf.reduce_mean(tf.square(out - 0.25))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    rng = np.random.default_rng(5)
    feeds = [{x: rng.standard_normal((4, 7, 3)), training: k % 3 != 2} for k in range(steps)]
    meta, losses, launches = tf.RunMetadata(), [], []
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for f in feeds:
            losses.append(sess.run([loss, train], f, run_metadata=meta)[0])
            launches.append(meta.launch)
        return losses, sess.run(tf.trainable_variables()), launches


def test_a_recurrent_network_is_captured_whole_and_matches_numpy():
    want_losses, want_weights, _ = _recurrent_training(CPU, 12)
    got_losses, got_weights, launches = _recurrent_training(_config(), 12)
    assert launches.count("replay") >= 4, launches  # per switch value, two weight buffers
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-9)
    for g, w in zip(got_weights, want_weights):
        np.testing.assert_allclose(g, w, rtol=1e-8, atol=1e-12)
    again_losses, _, _ = _recurrent_training(_config(), 12)
    assert np.asarray(again_losses).tobytes() == np.asarray(got_losses).tobytes()



def test_a_queue_fed_training_step_replays_and_matches_numpy():
    """The rows a dequeue took enter the step's CUDA graph like feeds (a prologue)."""
    from test_queues import queue_fed_training
    want, _ = queue_fed_training(CPU)
    got, launches = queue_fed_training(_config())
    assert launches[3:] == ["replay"] * 5, launches
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
