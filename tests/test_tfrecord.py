"""TFRecord files, tf.train.Example messages, parse_single_example / parse_example and
decode_raw: round trips, checksums, errors, a tf.data pipeline, and the CUDA backend's
host binding on the null device."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _example(k):
    return tf.train.Example(features=tf.train.Features(feature={
        "image": tf.train.Feature(float_list=tf.train.FloatList(value=[k, k + 0.5, -k, 1e-3])),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[k - 2])),
        "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[f"item-{k}"]))}))


SPEC = {"image": tf.FixedLenFeature([2, 2], tf.float32),
        "label": tf.FixedLenFeature([], tf.int64),
        "name": tf.FixedLenFeature([], tf.string),
        "weight": tf.FixedLenFeature([1], tf.float32, default_value=[0.25])}


def _want(k):
    return {"image": np.array([[k, k + 0.5], [-k, 1e-3]], np.float32), "label": k - 2,
            "name": f"item-{k}".encode(), "weight": np.array([0.25], np.float32)}


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_records_round_trip_and_checksums_are_checked(tmp_path, compression):
    path = tmp_path / "data.tfrecord"
    records = [b"", b"a", bytes(range(256)) * 3, "text"]
    options = tf.python_io.TFRecordOptions(compression)
    with tf.python_io.TFRecordWriter(str(path), options) as writer:
        for r in records:
            writer.write(r)
    got = list(tf.python_io.tf_record_iterator(str(path), options))
    assert got == [b"", b"a", bytes(range(256)) * 3, b"text"]
    if not compression:
        data = bytearray(path.read_bytes())
        data[30] ^= 1  # inside the third record's data
        path.write_bytes(bytes(data))
        with pytest.raises(tf.errors.DataLossError, match="corrupted record"):
            list(tf.python_io.tf_record_iterator(str(path)))
        path.write_bytes(bytes(data[:-2]))
        with pytest.raises(tf.errors.DataLossError):
            list(tf.python_io.tf_record_iterator(str(path)))
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.io.tf_record_iterator(str(tmp_path / "missing")))


def test_examples_serialize_and_parse_back():
    ex = _example(3)
    data = ex.SerializeToString()
    back = tf.train.Example.FromString(data)
    assert back == ex and back.SerializeToString() == data
    feature = back.features.feature
    assert feature["label"].int64_list.value == [1]
    assert feature["name"].bytes_list.value == [b"item-3"]
    assert feature["image"].WhichOneof("kind") == "float_list"
    assert feature["image"].int64_list.value == []  # an unset list reads as empty
    big = tf.train.Int64List(value=[-(2 ** 63), 2 ** 63 - 1, -1, 0])
    assert tf.train.Int64List.FromString(big.SerializeToString()).value == big.value
    with pytest.raises(ValueError, match="Example"):
        tf.train.Example.FromString(b"\x0a\xff\xff")


def test_parse_single_example_and_parse_example():
    serialized = [_example(k).SerializeToString() for k in range(4)]
    one = tf.parse_single_example(tf.constant(serialized[1]), SPEC)
    batch = tf.io.parse_example(tf.constant(serialized), SPEC)
    with tf.Session() as sess:
        got_one, got_batch = sess.run([one, batch])
    for key, value in _want(1).items():
        np.testing.assert_array_equal(got_one[key], value)
    for key in SPEC:
        np.testing.assert_array_equal(got_batch[key], [_want(k)[key] for k in range(4)])
    assert got_batch["image"].dtype == np.float32 and got_batch["label"].dtype == np.int64


def test_parse_errors_name_the_feature():
    data = tf.constant(_example(0).SerializeToString())
    cases = [({"absent": tf.FixedLenFeature([], tf.float32)}, "absent.*required"),
             ({"image": tf.FixedLenFeature([3], tf.float32)}, "Number of float values"),
             ({"label": tf.FixedLenFeature([], tf.float32)}, "Data types don't match")]
    with tf.Session() as sess:
        for spec, message in cases:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(tf.parse_single_example(data, spec))
        with pytest.raises(tf.errors.InvalidArgumentError, match="parse example"):
            sess.run(tf.parse_single_example(tf.constant(b"\x0a\x09oops"), SPEC))
    with pytest.raises(ValueError, match="float32, int64 or string"):
        tf.parse_single_example(data, {"label": tf.VarLenFeature(tf.int32)})


def test_var_len_features_parse_to_sparse_tensors():
    def example(values):
        feature = {} if values is None else {
            "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=values))}
        return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()
    lists = [[b"a", b"b", b"c"], None, [b"d"], []]
    spec = {"tags": tf.VarLenFeature(tf.string)}
    batch = tf.parse_example(tf.constant([example(v) for v in lists]), spec)["tags"]
    one = tf.parse_single_example(tf.constant(example(lists[0])), spec)["tags"]
    with tf.Session() as sess:
        got, got_one = sess.run([batch, one])
    np.testing.assert_array_equal(got.indices, [[0, 0], [0, 1], [0, 2], [2, 0]])
    assert list(got.values) == [b"a", b"b", b"c", b"d"]
    np.testing.assert_array_equal(got.dense_shape, [4, 3])
    np.testing.assert_array_equal(got_one.indices, [[0], [1], [2]])
    np.testing.assert_array_equal(got_one.dense_shape, [3])


def test_a_tfrecord_pipeline_feeds_training_batches(tmp_path):
    paths = []
    for part in range(2):
        paths.append(str(tmp_path / f"part-{part}.tfrecord"))
        with tf.python_io.TFRecordWriter(paths[-1]) as writer:
            for k in range(part * 5, part * 5 + 5):
                writer.write(_example(k).SerializeToString())
    files = tf.constant(paths)
    dataset = tf.data.TFRecordDataset(files).map(
        lambda s: tf.parse_single_example(s, SPEC)).batch(4)
    element = dataset.make_one_shot_iterator().get_next()
    loss = tf.reduce_sum(element["image"]) + tf.cast(tf.reduce_sum(element["label"]), tf.float32)
    got = []
    with tf.Session() as sess:
        while True:
            try:
                got.append(sess.run(loss))
            except tf.errors.OutOfRangeError:
                break
    want = [sum(_want(k)["image"].sum() + _want(k)["label"] for k in ks)
            for ks in (range(0, 4), range(4, 8), range(8, 10))]
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_decode_raw():
    values = np.array([[1.5, -2.0, 3.25], [0.0, 7.0, -1.0]], np.float32)
    ints = np.array([1, -2, 300], np.int64)
    out = tf.decode_raw(tf.constant([v.tobytes() for v in values]), tf.float32)
    big = tf.io.decode_raw(tf.constant(ints.astype(">i8").tobytes()), tf.int64,
                           little_endian=False)
    with tf.Session() as sess:
        got = sess.run([out, big])
        np.testing.assert_array_equal(got[0], values)
        np.testing.assert_array_equal(got[1], ints)
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
            sess.run(tf.decode_raw(tf.constant([b"abcd", b"abcdefgh"]), tf.int32))


def test_parsing_on_the_cuda_backend_runs_on_the_host(monkeypatch):
    fake_cuda.install(monkeypatch)
    serialized = tf.placeholder_with_default(
        tf.constant([_example(k).SerializeToString() for k in range(3)]), [3])
    parsed = tf.parse_example(serialized, {**SPEC, "image_values": tf.VarLenFeature(tf.float32)})
    scaled = parsed["image"] * 2.0
    sparse = parsed["image_values"]
    with tf.Session() as sess:
        for _ in range(3):
            got = sess.run([scaled, parsed["name"], tf.sparse_tensor_to_dense(sparse)])
    np.testing.assert_array_equal(got[0], [2 * _want(k)["image"] for k in range(3)])
    assert list(got[1]) == [_want(k)["name"] for k in range(3)]
    np.testing.assert_array_equal(got[2], np.zeros((3, 0)))  # no such feature: empty lists
