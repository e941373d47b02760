"""TF1's readers over files written here byte by byte, decode_csv and read_file."""
import numpy as np
import pytest

import tf0 as tf
from test_queues import _drain


def _filename_queue(paths):
    return tf.train.string_input_producer([str(p) for p in paths], num_epochs=1,
                                         shuffle=False)


def test_tfrecord_reader_keys_are_byte_offsets(tmp_path):
    path = tmp_path / "a.tfrecord"
    records = [b"first", b"", b"x" * 300]
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        for r in records:
            writer.write(r)
    key, value = tf.TFRecordReader().read(_filename_queue([path]))
    with tf.Session() as sess:
        got = _drain(sess, [key, value])
    assert [v for _, v in got] == records
    offsets = np.cumsum([0] + [16 + len(r) for r in records[:-1]])
    assert [k for k, _ in got] == [f"{path}:{o}".encode() for o in offsets]


def test_text_line_reader_skips_headers_and_line_ends_across_files(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"h1\nalpha\r\nbeta\n")
    (tmp_path / "b.csv").write_bytes(b"h2\ngamma")  # no newline at the end
    reader = tf.TextLineReader(skip_header_lines=1)
    key, value = reader.read(_filename_queue([tmp_path / "a.csv", tmp_path / "b.csv"]))
    counts = [reader.num_records_produced(), reader.num_work_units_completed()]
    with tf.Session() as sess:
        got = _drain(sess, [key, value])
        produced, completed = sess.run(counts)
        sess.run(reader.reset())
        assert sess.run(counts) == [0, 0]
    assert [v for _, v in got] == [b"alpha", b"beta", b"gamma"]
    assert [k.rsplit(b":", 1)[1] for k, _ in got] == [b"2", b"3", b"2"]
    assert produced == 3 and completed == 2


def test_fixed_length_reader_with_header_footer_and_hop(tmp_path):
    path = tmp_path / "r.bin"
    path.write_bytes(b"HDR" + bytes(range(10)) + b"FT")
    plain = tf.FixedLengthRecordReader(4, header_bytes=3, footer_bytes=2)
    hopping = tf.FixedLengthRecordReader(4, header_bytes=3, footer_bytes=2, hop_bytes=3)
    a = plain.read_up_to(_filename_queue([path]), 10)
    b = hopping.read_up_to(_filename_queue([path]), 10)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        (keys_a, values_a), (_, values_b) = sess.run(a), sess.run(b)
        coord.request_stop()
        coord.join(threads)
    assert values_a.tolist() == [bytes(range(0, 4)), bytes(range(4, 8))]
    assert keys_a.tolist() == [f"{path}:0".encode(), f"{path}:1".encode()]
    assert values_b.tolist() == [bytes(range(0, 4)), bytes(range(3, 7)), bytes(range(6, 10))]


def test_whole_file_reader_and_read_file(tmp_path):
    for name, body in (("a", b"one"), ("b", b"\x00\xff two")):
        (tmp_path / name).write_bytes(body)
    key, value = tf.WholeFileReader().read(_filename_queue([tmp_path / "a", tmp_path / "b"]))
    contents = tf.read_file(str(tmp_path / "b"))
    with tf.Session() as sess:
        assert sess.run(contents) == b"\x00\xff two"
        got = _drain(sess, [key, value])
        with pytest.raises(tf.errors.NotFoundError, match="No such file"):
            sess.run(tf.read_file(str(tmp_path / "missing")))
    assert got == [[str(tmp_path / "a").encode(), b"one"], [str(tmp_path / "b").encode(),
                                                            b"\x00\xff two"]]


def test_a_missing_file_names_the_reader(tmp_path):
    _, value = tf.TextLineReader().read(_filename_queue([tmp_path / "nope.txt"]))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(tf.errors.NotFoundError, match="nope.txt") as err:
            sess.run(value)
        assert err.value.op is value.op
        coord.request_stop()
        coord.join(threads)


def test_readers_refuse_queues_that_do_not_hold_file_names():
    with pytest.raises(TypeError, match="file names"):
        tf.TextLineReader().read(tf.FIFOQueue(2, tf.int32))


def test_decode_csv_types_defaults_quotes_and_columns():
    lines = tf.constant([b'1,2.5,"a,b",x', b',, ,y', b'7,-1e3,"say ""hi""",z'])
    a, b, c, d = tf.decode_csv(lines, [[0], [0.5], [""], tf.constant([], tf.string)])
    picked = tf.decode_csv(lines, [[0], [""]], select_cols=[0, 3])
    nan = tf.decode_csv(tf.constant(["NA,3"]), [tf.constant([0.25], tf.float64),
                                               tf.constant([0], tf.int64)],
                        na_value="NA")
    with tf.Session() as sess:
        va, vb, vc, vd = sess.run([a, b, c, d])
        vp, vn = sess.run([picked, nan])
    assert va.dtype == np.int32 and vb.dtype == np.float32
    assert va.tolist() == [1, 0, 7] and vb.tolist() == [2.5, 0.5, -1000.0]
    assert vc.tolist() == [b"a,b", b" ", b'say "hi"'] and vd.tolist() == [b"x", b"y", b"z"]
    assert vp[0].tolist() == [1, 0, 7] and vp[1].tolist() == [b"x", b"y", b"z"]
    assert vn[0].dtype == np.float64 and vn[0].tolist() == [0.25] and vn[1].tolist() == [3]


@pytest.mark.parametrize("line, message", [
    ("1,2", "Expect 3 fields but have 2"),
    ("1,,3", "Field 1 is required"),
    ("1,x,3", "Field 1 in record"),
])
def test_decode_csv_errors_name_the_field(line, message):
    out = tf.decode_csv(tf.constant([line]), [[0], tf.constant([], tf.int32), [0]])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            sess.run(out)


def test_reading_csv_files_into_shuffled_batches(tmp_path):
    paths = []
    for k in range(3):
        paths.append(tmp_path / f"part{k}.csv")
        paths[-1].write_text("id,value\n" + "".join(f"{k * 10 + r},{r / 4}\n"
                                                    for r in range(5)))
    files = tf.train.string_input_producer([str(p) for p in paths], num_epochs=2, seed=3)
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    ids, values = tf.decode_csv(line, [[0], [0.0]])
    id_batch, value_batch = tf.train.shuffle_batch([ids, values], 4, capacity=12,
                                                   min_after_dequeue=4, num_threads=2, seed=1,
                                                   allow_smaller_final_batch=True)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        got = _drain(sess, [id_batch, value_batch])
    seen = np.concatenate([g[0] for g in got])
    assert sorted(seen.tolist()) == sorted([k * 10 + r for k in range(3) for r in range(5)] * 2)
    for i, v in got:
        np.testing.assert_array_equal(v, (i % 10) / 4)


def test_a_cifar10_style_binary_pipeline(tmp_path):
    """Fixed-length records of a label byte and a 3x32x32 image, decoded, sliced and
    batched as TF1's CIFAR-10 example does."""
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 10, 12).astype(np.uint8)
    images = rng.integers(0, 256, (12, 3, 32, 32)).astype(np.uint8)
    records = np.concatenate([labels[:, None], images.reshape(12, -1)], 1)
    for k in range(2):
        (tmp_path / f"data_{k}.bin").write_bytes(records[6 * k:6 * k + 6].tobytes())
    files = _filename_queue([tmp_path / f"data_{k}.bin" for k in range(2)])
    _, value = tf.FixedLengthRecordReader(record_bytes=1 + 3 * 32 * 32).read(files)
    record = tf.decode_raw(value, tf.uint8)
    label = tf.cast(tf.strided_slice(record, [0], [1]), tf.int32)
    label.set_shape([1])  # as the example does: the record's length is a run-time value
    depth_major = tf.reshape(tf.strided_slice(record, [1], [1 + 3 * 32 * 32]), [3, 32, 32])
    image = tf.transpose(depth_major, [1, 2, 0])
    image_batch, label_batch = tf.train.batch([image, label], 4)
    assert image_batch.dtype is tf.uint8 and image_batch.shape.as_list() == [4, 32, 32, 3]
    with tf.Session() as sess:
        got = _drain(sess, [image_batch, label_batch])
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]),
                                  images.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got])[:, 0], labels)


def test_strided_slice_with_masks():
    x = np.arange(60).reshape(3, 4, 5)
    cases = [  # (arguments, the same index in NumPy)
        (([0, 1, 0], [3, 4, 5], [1, 2, 2]), np.s_[0:3, 1:4:2, 0:5:2]),
        (([1, 0, 0], [2, 0, 0], [1, 1, 1], 0, 0b110), np.s_[1:2, 0:, 0:]),
        (([2, 0], [0, 0], [-1, 1], 0b00, 0b11), np.s_[2::-1, 0:]),
        (([1, 0, 3], [2, 0, 4], [1, 1, 1], 0, 0, 0, 0, 0b101), np.s_[1, 0:0, 3]),
        (([0, 0, 1], [0, 0, 2], [1, 1, 1], 0, 0, 0b001, 0b010), np.s_[..., None, 1:2]),
    ]
    with tf.Session() as sess:
        for args, index in cases:
            np.testing.assert_array_equal(sess.run(tf.strided_slice(x, *args)), x[index])


def test_text_line_and_fixed_length_datasets(tmp_path):
    import gzip
    (tmp_path / "a.csv").write_bytes(b"id,v\r\n1,2.5\n3,4.5")
    with gzip.open(tmp_path / "b.csv.gz", "wb") as f:
        f.write(b"id,v\n5,6.5\n")
    (tmp_path / "r.bin").write_bytes(b"HD" + bytes(range(9)) + b"F")

    def parse(line):
        key, value = tf.decode_csv(line, [[0], [0.0]])
        return {"id": key}, value
    lines = tf.data.TextLineDataset([str(tmp_path / "a.csv")]).skip(1).map(parse).batch(5)
    zipped = tf.data.TextLineDataset(str(tmp_path / "b.csv.gz"), compression_type="GZIP")
    records = tf.data.FixedLengthRecordDataset(str(tmp_path / "r.bin"), 3, header_bytes=2,
                                               footer_bytes=1)
    with tf.Session() as sess:
        features, values = sess.run(lines.make_one_shot_iterator().get_next())
        nxt = zipped.make_one_shot_iterator().get_next()
        texts = [sess.run(nxt), sess.run(nxt)]
        nxt = records.make_one_shot_iterator().get_next()
        got = [sess.run(nxt) for _ in range(3)]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)
    assert features["id"].tolist() == [1, 3] and values.tolist() == [2.5, 4.5]
    assert texts == [b"id,v", b"5,6.5"]
    assert got == [bytes(range(0, 3)), bytes(range(3, 6)), bytes(range(6, 9))]


def test_matching_files_feed_a_filename_queue(tmp_path):
    for name in ("b.csv", "a.csv", "skip.txt"):
        (tmp_path / name).write_text(name + "\n")
    names = tf.train.match_filenames_once(str(tmp_path / "*.csv"))
    assert names in tf.local_variables()
    files = tf.train.string_input_producer(names, num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader().read(files)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(tf.matching_files(str(tmp_path / "*.txt"))).tolist() == \
            [str(tmp_path / "skip.txt").encode()]
        got = _drain(sess, line)
    assert got == [b"a.csv", b"b.csv"]
