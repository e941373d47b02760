"""Queue-based input pipelines through tf0 and TensorFlow's compat.v1, compared record by
record: the readers' keys and values, decode_csv, batching in order, padding, and the
errors of closed queues (skipped without TensorFlow)."""
import numpy as np

import tf0
from test_queues import _drain as drain
from tf1_reference import tf1


def _drain(build):
    """[values of each run until OutOfRangeError] of build(lib) in each library."""
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            fetches = build(lib)
            with lib.Session(graph=graph) as sess:
                sess.run([lib.global_variables_initializer(),
                          lib.local_variables_initializer()])
                results.append(drain(sess, fetches, lib))
    return results


def _same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            x, y = np.asarray(x), np.asarray(y)
            assert x.shape == y.shape and x.dtype == y.dtype, (x, y)
            assert x.tolist() == y.tolist()


def test_csv_lines_in_order_through_readers_and_batches(tmp_path):
    for k in range(2):
        (tmp_path / f"{k}.csv").write_text(
            "id,score,name\n" + "".join(f'{k}{r},{r * 0.25},"n,{r}"\n' for r in range(5)) +
            ",,\n")
    names = [str(tmp_path / f"{k}.csv") for k in range(2)]

    def build(tf):
        files = tf.train.string_input_producer(names, num_epochs=1, shuffle=False)
        key, line = tf.TextLineReader(skip_header_lines=1).read(files)
        cols = tf.decode_csv(line, [[-1], [0.5], ["none"]])
        return tf.train.batch([key] + cols, 4, allow_smaller_final_batch=True)
    _same(*_drain(build))


def test_tfrecord_fixed_length_and_whole_file_readers_match(tmp_path):
    path = tmp_path / "r.tfrecord"
    with tf0.python_io.TFRecordWriter(str(path)) as writer:
        for r in (b"a", b"", b"ccc" * 50):
            writer.write(r)
    raw = tmp_path / "raw.bin"
    raw.write_bytes(b"HEAD" + bytes(range(23)) + b"FOOT")

    def build(tf):
        def queue(p):
            return tf.train.string_input_producer([str(p)], num_epochs=1, shuffle=False)
        rec = tf.TFRecordReader().read(queue(path))
        fixed = tf.FixedLengthRecordReader(5, header_bytes=4, footer_bytes=4,
                                           hop_bytes=3).read(queue(raw))
        whole = tf.WholeFileReader().read(queue(raw))
        return [tf.train.batch(list(rec), 1), tf.train.batch(list(fixed), 1),
                tf.train.batch(list(whole), 1)]
    ours, theirs = _drain(build)
    assert len(ours) == len(theirs) == 1  # the whole file: one record, then out of range
    (ours_rec, ours_fixed, ours_whole), (their_rec, their_fixed, their_whole) = ours[0], theirs[0]
    _same([ours_rec, ours_fixed, ours_whole], [their_rec, their_fixed, their_whole])


def test_padding_queue_up_to_and_closed_queue_errors_match():
    def program(tf):
        q = tf.PaddingFIFOQueue(6, [tf.int32, tf.string], shapes=[[None], []])
        v = tf.placeholder(tf.int32, [None])
        s = tf.placeholder(tf.string, [])
        enq, deq, rest = q.enqueue([v, s]), q.dequeue_many(2), q.dequeue_up_to(5)
        out = []
        with tf.Session() as sess:
            for row, tag in (([1], b"a"), ([2, 3, 4], b"b"), ([5, 6], b"c")):
                sess.run(enq, {v: row, s: tag})
            out.append(sess.run(deq))
            sess.run(q.close())
            out.append(sess.run(rest))
            for fetch, feed in ((deq, None), (enq, {v: [1], s: b"d"})):
                try:
                    sess.run(fetch, feed)
                except tf.errors.OpError as e:
                    out.append(type(e).__name__)
        return out
    ours, theirs = [], []
    for lib, into in ((tf0, ours), (tf1, theirs)):
        with lib.Graph().as_default():
            into.extend(program(lib))
    assert ours[2:] == theirs[2:] == ["OutOfRangeError", "CancelledError"]
    _same(ours[:2], theirs[:2])
