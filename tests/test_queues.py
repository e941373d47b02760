"""Queues, queue runners, input producers and batchers (TF1's queue-based input pipelines),
checked against the rows fed in and TF1's documented protocol."""
import threading
import time

import numpy as np
import pytest

import tf0 as tf


def _drain(sess, fetches, lib=tf):
    """Every value of `fetches` until OutOfRangeError, with the graph's queue runners running
    under a coordinator that is joined at the end (lib: tf0, or TF1 itself)."""
    coord = lib.train.Coordinator()
    threads = lib.train.start_queue_runners(sess, coord)
    got = []
    try:
        while True:
            got.append(sess.run(fetches))
    except lib.errors.OutOfRangeError:
        pass
    finally:
        coord.request_stop()
    coord.join(threads, stop_grace_period_secs=10)
    return got


def _in_thread(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except Exception as e:  # noqa: BLE001 - handed to the test
            box["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def test_fifo_order_capacity_waits_and_close():
    q = tf.FIFOQueue(2, [tf.int32, tf.float32], shapes=[[], [2]])
    i, x = tf.placeholder(tf.int32, []), tf.placeholder(tf.float32, [2])
    enq = q.enqueue([i, x])
    one, two, size, closed = q.dequeue(), q.dequeue_many(2), q.size(), q.is_closed()
    with tf.Session() as sess:
        sess.run(enq, {i: 0, x: [0, 0]})
        sess.run(enq, {i: 1, x: [1, 1]})
        t, box = _in_thread(lambda: sess.run(enq, {i: 2, x: [2, 2]}))  # full: waits
        time.sleep(0.2)
        assert t.is_alive() and sess.run(size) == 2
        first = sess.run(one)
        t.join(5)
        assert not t.is_alive() and "error" not in box
        assert first[0] == 0 and np.array_equal(first[1], [0, 0])
        rows = sess.run(two)
        np.testing.assert_array_equal(rows[0], [1, 2])
        np.testing.assert_array_equal(rows[1], [[1, 1], [2, 2]])
        sess.run(q.close())
        assert sess.run(closed)
        with pytest.raises(tf.errors.OutOfRangeError, match="closed and has insufficient"):
            sess.run(one)
        with pytest.raises(tf.errors.CancelledError, match="is closed"):
            sess.run(enq, {i: 3, x: [3, 3]})


def test_a_waiting_dequeue_wakes_on_enqueue_from_another_thread_and_fails_on_close():
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    v = tf.placeholder(tf.float32, [])
    enq, deq, close = q.enqueue(v), q.dequeue_many(2), q.close()
    with tf.Session() as sess:
        t, box = _in_thread(lambda: sess.run(deq))
        sess.run(enq, {v: 1.5})
        time.sleep(0.1)
        assert t.is_alive()  # one row of the two it waits for
        sess.run(enq, {v: 2.5})
        t.join(5)
        np.testing.assert_array_equal(box["value"], [1.5, 2.5])
        t, box = _in_thread(lambda: sess.run(deq))
        sess.run(enq, {v: 3.0})
        time.sleep(0.1)
        sess.run(close)
        t.join(5)
        assert isinstance(box["error"], tf.errors.OutOfRangeError)
        assert sess.run(q.dequeue_up_to(5)).tolist() == [3.0]  # what was left


def test_closing_the_session_cancels_waiting_runs():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    sess = tf.Session()
    t, box = _in_thread(lambda: sess.run(q.dequeue()))
    time.sleep(0.1)
    sess.close()
    t.join(5)
    assert isinstance(box["error"], tf.errors.CancelledError)


def test_cancel_pending_enqueues_wakes_a_full_queues_producer():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    enq = q.enqueue(7)
    with tf.Session() as sess:
        sess.run(enq)
        t, box = _in_thread(lambda: sess.run(enq))
        time.sleep(0.1)
        sess.run(q.close())  # without cancelling, the waiting enqueue goes on waiting
        time.sleep(0.1)
        assert t.is_alive()
        sess.run(q.close(cancel_pending_enqueues=True))
        t.join(5)
        assert isinstance(box["error"], tf.errors.CancelledError)


def test_each_session_has_its_own_rows():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    enq, size = q.enqueue_many([[1, 2, 3]]), q.size()
    with tf.Session() as a, tf.Session() as b:
        a.run(enq)
        assert a.run(size) == 3 and b.run(size) == 0


def test_random_shuffle_queue_keeps_min_after_dequeue_and_is_seeded():
    def drawn():
        tf.reset_default_graph()
        q = tf.RandomShuffleQueue(20, 5, tf.int32, shapes=[[]], seed=4)
        enq, deq = q.enqueue_many([np.arange(12, dtype=np.int32)]), q.dequeue()
        with tf.Session() as sess:
            sess.run(enq)
            out = [int(sess.run(deq)) for _ in range(7)]  # 12 - 7 = 5 are kept back
            t, box = _in_thread(lambda: sess.run(deq))
            time.sleep(0.1)
            assert t.is_alive()
            sess.run(q.close())
            t.join(5)
            out.append(int(box["value"]))
            out += [int(v) for v in sess.run(q.dequeue_many(4))]
            return out
    first, second = drawn(), drawn()
    assert sorted(first) == list(range(12)) and first != list(range(12))
    assert first == second


def test_padding_queue_pads_to_the_longest_row():
    q = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    v = tf.placeholder(tf.int32, [None])
    enq, deq = q.enqueue([v]), q.dequeue_many(3)
    with tf.Session() as sess:
        for row in ([1], [2, 3, 4], [5, 6]):
            sess.run(enq, {v: row})
        np.testing.assert_array_equal(sess.run(deq), [[1, 0, 0], [2, 3, 4], [5, 6, 0]])


def test_wrong_rows_are_refused_with_clear_errors():
    q = tf.FIFOQueue(3, [tf.float32], shapes=[[2]])
    with pytest.raises(ValueError, match="rows of shape"):
        q.enqueue([tf.zeros([3])])
    with pytest.raises(ValueError, match="requested dtype float32"):
        q.enqueue([tf.constant([1, 2])])
    with pytest.raises(ValueError, match="takes 1 components"):
        q.enqueue([1.0, 2.0])
    v = tf.placeholder(tf.float32, [None])
    enq = q.enqueue([v])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Shape mismatch"):
            sess.run(enq, {v: [1.0, 2.0, 3.0]})
        assert sess.run(q.size()) == 0


def test_queue_ops_inside_a_loop_are_refused():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[]])
    out = tf.while_loop(lambda i, s: i < 2, lambda i, s: (i + 1, s + q.dequeue()), [0, 0.0])
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1.0, 2.0]]))
        with pytest.raises(tf.errors.UnimplementedError, match="only as an op of a Session"):
            sess.run(out)


def test_batch_over_slice_input_producer_sees_every_row_once_per_epoch():
    data = np.arange(22, dtype=np.float32).reshape(11, 2)
    labels = np.arange(11, dtype=np.int64)
    x, y = tf.train.slice_input_producer([data, labels], num_epochs=3, seed=2)
    xb, yb = tf.train.batch([x * 2, y], batch_size=4, allow_smaller_final_batch=True)
    assert xb.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        got = _drain(sess, [xb, yb])
    ys = np.concatenate([b[1] for b in got])
    assert sorted(ys.tolist()) == sorted(list(range(11)) * 3)
    for xs, ys_ in got:
        np.testing.assert_array_equal(xs, data[ys_] * 2)
    assert [len(b[1]) for b in got] == [4] * 8 + [1]


def test_batch_without_smaller_final_batch_drops_the_rest_and_keeps_static_shape():
    [v] = tf.train.slice_input_producer([np.arange(10)], num_epochs=1, shuffle=False)
    b = tf.train.batch(v, batch_size=4)
    assert b.shape.as_list() == [4]
    with tf.Session() as sess:
        got = _drain(sess, b)
    assert [row.tolist() for row in got] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_shuffle_batch_mixes_and_batch_join_reads_every_producer():
    rows = tf.train.range_input_producer(30, num_epochs=1, shuffle=False).dequeue()
    mixed = tf.train.shuffle_batch([rows], 6, capacity=20, min_after_dequeue=8, seed=5,
                                   allow_smaller_final_batch=True)
    with tf.Session() as sess:
        got = np.concatenate([b[0] for b in _drain(sess, mixed)])
    assert sorted(got.tolist()) == list(range(30)) and got.tolist() != list(range(30))
    tf.reset_default_graph()
    a = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue() + 100
    joined = tf.train.batch_join([[a], [b]], 2, allow_smaller_final_batch=True)
    with tf.Session() as sess:
        got = np.concatenate([j[0] for j in _drain(sess, joined)])
    assert sorted(got.tolist()) == [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]


def test_batch_with_dynamic_pad_and_dict_input():
    lengths = tf.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue() + 1
    out = tf.train.batch({"seq": tf.range(lengths), "n": lengths}, 2, dynamic_pad=True,
                         shapes=[[], [None]])
    with tf.Session() as sess:
        got = _drain(sess, out)
    np.testing.assert_array_equal(got[0]["seq"], [[0, 0], [0, 1]])
    np.testing.assert_array_equal(got[1]["seq"], [[0, 1, 2, 0], [0, 1, 2, 3]])
    np.testing.assert_array_equal(got[1]["n"], [3, 4])
    with pytest.raises(ValueError, match="fully defined"):
        tf.train.batch([tf.range(lengths)], 2)


def test_limit_epochs_and_producer_arguments():
    t = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=2)
    with tf.Session() as sess:
        assert sess.run(t).tolist() == [1, 2] and sess.run(t).tolist() == [1, 2]
        with pytest.raises(tf.errors.OutOfRangeError, match="2 epochs"):
            sess.run(t)
    with tf.Session() as sess:
        assert sess.run(t).tolist() == [1, 2]  # a new session counts again
    with pytest.raises(ValueError, match="non-null"):
        tf.train.string_input_producer(tf.constant([], tf.string))
    with pytest.raises(ValueError, match="num_epochs"):
        tf.train.limit_epochs(tf.constant(1), 0)


def test_stopping_the_coordinator_frees_producers_waiting_on_a_full_queue():
    rows = tf.train.range_input_producer(1000, capacity=4).dequeue()
    batch = tf.train.batch([rows], 2, capacity=3)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        sess.run(batch)
        time.sleep(0.2)  # both queues fill up and their producers wait
        coord.request_stop()
        start = time.monotonic()
        coord.join(threads, stop_grace_period_secs=10)
        assert time.monotonic() - start < 5
        assert not any(t.is_alive() for t in threads)


def test_a_producer_error_reaches_the_coordinator():
    bad = tf.py_func(lambda: np.float32(1) / 0 if False else (_ for _ in ()).throw(
        ValueError("broken input")), [], tf.float32)
    q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(tf.reshape(bad, []))]))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(tf.errors.InvalidArgumentError, match="broken input"):
            coord.join(threads, stop_grace_period_secs=10)


def test_monitored_training_session_runs_the_queue_runners_until_the_input_ends(tmp_path):
    data = np.random.default_rng(0).standard_normal((40, 3)).astype(np.float32)
    target = data @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    x, y = tf.train.slice_input_producer([data, target], num_epochs=30, seed=1)
    xb, yb = tf.train.batch([x, y], 8)
    w = tf.Variable(tf.zeros([3, 1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) - yb))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
    steps = 0
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path)) as sess:
        while not sess.should_stop():
            sess.run(train)
            steps += 1
    assert steps == 40 * 30 // 8
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
        np.testing.assert_allclose(sess.run(w).ravel(), [1.0, -2.0, 0.5], atol=1e-3)


def test_a_csv_queue_pipeline_trains_the_same_on_the_null_gpu(monkeypatch, tmp_path):
    """Readers, decode_csv, a batching queue and a training step on the CUDA backend (over
    the null device of fake_cuda): the same weights as on NumPy."""
    import fake_cuda
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((24, 2))
    path = tmp_path / "data.csv"
    path.write_text("".join(f"{a:.6f},{b:.6f},{2 * a - b:.6f}\n" for a, b in rows))

    def train():
        tf.reset_default_graph()
        files = tf.train.string_input_producer([str(path)], num_epochs=4, shuffle=False)
        _, line = tf.TextLineReader().read(files)
        a, b, y = tf.decode_csv(line, [[0.0], [0.0], [0.0]])
        xb, yb = tf.train.batch([tf.stack([a, b]), y], 6)
        w = tf.Variable(tf.zeros([2]))
        loss = tf.reduce_mean(tf.square(tf.reduce_sum(xb * w, 1) - yb))
        step = tf.train.GradientDescentOptimizer(0.2).minimize(loss)
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            steps = len(_drain(sess, step))
            return steps, sess.run(w), sess.backend
    steps, ref, backend = train()
    assert steps == 24 * 4 // 6
    fake_cuda.install(monkeypatch)
    steps_gpu, got, backend = train()
    assert backend == "cuda" and steps_gpu == steps
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ref, [2.0, -1.0], atol=0.05)


def queue_fed_training(config=None):
    """(weights, launch of each step) after 8 steps of a model fed by dequeue_many."""
    data = np.random.default_rng(4).standard_normal((32, 3)).astype(np.float32)
    tf.reset_default_graph()
    q = tf.FIFOQueue(64, [tf.float32], shapes=[[3]])
    fill = q.enqueue_many([data])
    xb = q.dequeue_many(4)
    w = tf.Variable(tf.ones([3]))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(tf.square(xb * w - 1.0)))
    launches = []
    with tf.Session(config=config) as sess:
        sess.run([tf.global_variables_initializer(), fill])
        for _ in range(8):
            meta = tf.RunMetadata()
            sess.run(step, options=tf.RunOptions(), run_metadata=meta)
            launches.append(meta.launch)
        return sess.run(w), launches


def test_a_dequeued_training_step_is_captured_and_replayed_on_the_null_gpu(monkeypatch):
    """The rows a dequeue took enter the step's CUDA graph like feeds: after two warm-up
    runs each step replays, and the weights match NumPy's."""
    import fake_cuda
    ref, _ = queue_fed_training()
    fake_cuda.install(monkeypatch)
    got, launches = queue_fed_training()
    assert launches[3:] == ["replay"] * 5, launches
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
