"""tf.summary and FileWriter, checked with readers written here from the formats' specs
(protocol buffers, TFRecord framing with CRC-32C) and NumPy; tests/test_against_tf1.py
also compares the bytes with TensorFlow's and reads tf0's files with TensorFlow's reader."""
import struct

import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _crc32c_bitwise(data):
    """CRC-32C bit by bit (reflected polynomial 0x82F63B78), independent of session/events."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 * (crc & 1))
    return crc ^ 0xFFFFFFFF


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _message(data):
    """{field: [values]} of a protocol buffer; varints as ints, the rest as bytes."""
    out, pos = {}, 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        else:
            size = {1: 8, 5: 4}[wire]
            value, pos = data[pos:pos + size], pos + size
        out.setdefault(field, []).append(value)
    return out


def _varint(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if byte < 0x80:
            return result, pos


def _records(path):
    data, pos, out = path.read_bytes(), 0, []
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        (length_crc,) = struct.unpack_from("<I", data, pos + 8)
        assert length_crc == _masked(_crc32c_bitwise(data[pos:pos + 8]))
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack_from("<I", data, pos + 12 + length)
        assert body_crc == _masked(_crc32c_bitwise(body))
        out.append(body)
        pos += 16 + length
    return out


def _values(summary):
    """[(tag, fields of the Value)] of a serialized Summary."""
    return [(_message(v)[1][0].decode(), _message(v)) for v in _message(summary).get(1, [])]


def test_crc32c_has_the_standard_check_value():
    from tf0.session.events import crc32c
    assert crc32c(b"123456789") == 0xE3069283 == _crc32c_bitwise(b"123456789")


def test_scalar_and_histogram_summaries_hold_their_values():
    x = tf.placeholder(tf.float64, [None])
    tf.summary.scalar("loss", tf.reduce_sum(x))
    with tf.name_scope("layer"):
        tf.summary.histogram("weights", x)
    tf.summary.scalar("hidden", x[0], collections=[])  # in no collection
    merged = tf.summary.merge_all()
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.standard_normal(1000) * 5, [0.0, -0.0, 1e-15, 7e25]])
    with tf.Session() as sess:
        summary = sess.run(merged, {x: v})
    (tag0, scalar), (tag1, histo) = _values(summary)
    assert (tag0, tag1) == ("loss", "layer/weights")
    assert struct.unpack("<f", scalar[2][0])[0] == np.float32(np.sum(v))
    h = _message(histo[5][0])
    low, high, num, total, squares = (struct.unpack("<d", h[k][0])[0] for k in (1, 2, 3, 4, 5))
    assert (low, high, num) == (v.min(), v.max(), len(v))
    assert total == pytest.approx(np.sum(v), rel=1e-12)
    assert squares == pytest.approx(np.sum(v * v), rel=1e-12)
    limits = np.frombuffer(h[6][0], "<f8")
    counts = np.frombuffer(h[7][0], "<f8")
    assert counts.sum() == len(v) and np.all(np.diff(limits) > 0)
    # every value lies in the bucket that counts it: [previous limit, limit)
    edges = np.concatenate([[-np.inf], limits])
    for lo, hi, n in zip(edges[:-1], edges[1:], counts):
        assert np.sum((v >= lo) & (v < hi)) == n


def _decode_png(data):
    """uint8 [h, w, c] of a PNG whose rows are all unfiltered (the PNG spec: signature,
    chunks of length, type, data, CRC-32; IHDR, then zlib-compressed scanlines)."""
    import zlib
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == \
            zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {0: 1, 2: 3, 6: 4}[color]
    assert depth == 8
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()  # filter type 0
    return rows[:, 1:].reshape(height, width, channels)


def _tf1_normalized(image):
    """TF1's float-to-uint8 rule for image summaries, written from its documentation."""
    finite = np.isfinite(image)
    low, high = image[finite].min(), image[finite].max()
    if low < 0:
        scale, offset = 127.0 / max(-low, high), 128.0
    else:
        scale, offset = 255.0 / high, 0.0
    out = (np.where(finite, image, 0) * scale + offset).astype(np.uint8)
    out[~finite.all(-1)] = [255, 0, 0, 255][:image.shape[-1]]
    return out


def test_image_summaries_hold_pngs_of_the_first_images():
    rng = np.random.default_rng(4)
    floats = rng.uniform(-2, 3, (3, 4, 5, 3)).astype(np.float32)
    floats[1] = np.abs(floats[1])  # all positive: scaled to 255
    floats[0, 1, 2, 1] = np.nan
    gray = rng.integers(0, 256, (2, 3, 2, 1)).astype(np.uint8)
    x = tf.placeholder(tf.float32, [None, 4, 5, 3])
    u = tf.placeholder(tf.uint8, [None, 3, 2, 1])
    tf.summary.image("pics", x, max_outputs=2)
    tf.summary.image("gray", u, max_outputs=1)
    with tf.Session() as sess:
        summary = sess.run(tf.summary.merge_all(), {x: floats, u: gray})
    values = _values(summary)
    assert [tag for tag, _ in values] == ["pics/image/0", "pics/image/1", "gray/image"]
    for (_, fields), want in zip(values, [_tf1_normalized(floats[0].astype(np.float64)),
                                          _tf1_normalized(floats[1].astype(np.float64)),
                                          gray[0]]):
        img = _message(fields[4][0])
        assert (img[1][0], img[2][0], img[3][0]) == want.shape
        got = _decode_png(img[4][0])
        assert np.abs(got.astype(int) - want).max() <= 1  # float32 rounding at .5
    assert (_decode_png(_message(values[0][1][4][0])[4][0])[1, 2] == [255, 0, 0]).all()
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-D"):
        with tf.Session() as sess:
            sess.run(tf.summary.image("bad", tf.zeros([2, 3, 4, 2])))


def test_file_writer_writes_framed_events_in_order(tmp_path):
    x = tf.placeholder(tf.float32, [])
    summary = tf.summary.scalar("x", x)
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path / "logs")) as writer:
        assert writer.get_logdir() == str(tmp_path / "logs")
        for step in range(3):
            writer.add_summary(sess.run(summary, {x: step * 1.5}), global_step=step * 100)
    (path,) = (tmp_path / "logs").iterdir()
    assert path.name.startswith("events.out.tfevents.")
    events = [_message(r) for r in _records(path)]
    assert events[0][3] == [b"brain.Event:2"]
    assert [e.get(2, [0])[0] for e in events[1:]] == [0, 100, 200]
    for step, e in enumerate(events[1:]):
        ((tag, value),) = _values(e[5][0])
        assert tag == "x" and struct.unpack("<f", value[2][0])[0] == step * 1.5
    with pytest.raises(ValueError, match="closed"):
        writer.add_summary(b"")
    with pytest.raises(TypeError, match="bytes"):
        tf.summary.FileWriter(str(tmp_path / "other")).add_summary("text")


def test_summary_errors():
    x = tf.placeholder(tf.float32, [None])
    vector = tf.summary.scalar("vector", x)
    histo = tf.summary.histogram("h", x)
    first = tf.summary.scalar("a", x[0])
    twice = tf.summary.merge([first, first])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not the same shape"):
            sess.run(vector, {x: [1.0, 2.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram"):
            sess.run(histo, {x: [1.0, np.nan]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Infinity"):
            sess.run(histo, {x: [np.inf]})
        assert twice.op.name == "Merge/MergeSummary"
        with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag a"):
            sess.run(twice, {x: [1.0, 2.0]})
    with pytest.raises(TypeError, match="real number"):
        tf.summary.scalar("flag", tf.constant(True))
    with tf.Graph().as_default():
        assert tf.summary.merge_all() is None


def test_summaries_beside_a_training_step_on_the_null_device(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [4, 3])
    w = tf.Variable(np.ones((3, 2)))
    loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    merged = tf.summary.merge_all()
    step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    xv = np.random.default_rng(3).standard_normal((4, 3))

    def run(config):
        meta = tf.RunMetadata()
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            out = [sess.run([merged, step], {x: xv}, run_metadata=meta)[0] for _ in range(3)]
        return out, meta
    want, _ = run(tf.ConfigProto(device_count={"GPU": 0}))
    got, meta = run(None)
    assert got == want
    assert meta.launch == "direct" and "needs the device value" in meta.launch_reason


def test_text_and_tensor_summaries_hold_their_values():
    from tf0.ops import proto_wire as pb
    note = tf.summary.text("note", tf.constant(["hello", "world"]))
    table = tf.summary.tensor_summary("table", tf.constant([[1, 2]], tf.int32))
    with tf.Session() as sess:
        text_bytes, table_bytes = sess.run([note, table])

    def value_fields(summary):
        (value,) = [v for f, _, v in pb.fields(summary) if f == 1]
        return {f: v for f, _, v in pb.fields(value)}
    text_value = value_fields(text_bytes)
    assert text_value[1] == b"note"
    strings = [v for f, _, v in pb.fields(text_value[8]) if f == 8]
    assert strings == [b"hello", b"world"]
    assert b"text" in text_value[9]  # the text plugin's metadata
    tensor = {f: v for f, _, v in pb.fields(value_fields(table_bytes)[8])}
    assert np.frombuffer(tensor[4], "<i4").tolist() == [1, 2]
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("bad", tf.constant([1.0]))


def test_summaries_built_by_hand_and_read_back_with_summary_iterator(tmp_path):
    # the event bytes checked field by field above; here the reader on top of them
    x = tf.placeholder(tf.float32, [])
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(tf.summary.scalar("loss", x), {x: 0.5}), global_step=3)
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="acc", simple_value=0.75),
                                             tf.Summary.Value(tag="lr", simple_value=0.1)]),
                           global_step=4)
    (path,) = tmp_path.iterdir()
    events = list(tf.train.summary_iterator(str(path)))
    assert events[0].file_version == "brain.Event:2" and events[0].summary is None
    assert [e.step for e in events[1:]] == [3, 4]
    assert [(v.tag, v.simple_value) for e in events[1:] for v in e.summary.value] == [
        ("loss", 0.5), ("acc", 0.75), ("lr", pytest.approx(0.1))]
    assert all(e.wall_time > 1e9 for e in events)
    again = tf.Summary.FromString(tf.Summary(events[2].summary.value).SerializeToString())
    assert [(v.tag, v.simple_value) for v in again.value] == [
        (v.tag, v.simple_value) for v in events[2].summary.value]


def test_file_writer_writes_the_graph_as_tf1s_graph_def(tmp_path):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    halves = tf.split(x, [1, 2], axis=1, name="halves")
    w = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    with tf.control_dependencies([halves[0]]):
        tf.matmul(halves[1], w, name="y")
    graph = tf.get_default_graph()
    with tf.summary.FileWriter(str(tmp_path / "a"), graph) as writer:
        writer.add_graph(graph_def=graph.as_graph_def(), global_step=7)
    (path,) = (tmp_path / "a").iterdir()
    events = [_message(r) for r in _records(path)]
    assert [sorted(e) for e in events] == [[1, 3], [1, 4], [1, 2, 4]] and events[2][2] == [7]
    for graph_def, shapes in ((events[1][4][0], True), (events[2][4][0], False)):
        nodes = [_message(n) for n in _message(graph_def)[1]]
        assert [n[1][0].decode() for n in nodes] == [op.name for op in graph.get_operations()]
        assert [n[2][0].decode() for n in nodes] == [op.type for op in graph.get_operations()]
        by_name = {n[1][0].decode(): n for n in nodes}
        # inputs: output 0 by its op's name, others as name:k, control inputs as ^name
        assert [i.decode() for i in by_name["y"][3]] == ["halves:1", "w", "^halves"]
        attrs = {name: {_message(a)[1][0].decode(): _message(_message(a)[2][0])
                        for a in n.get(5, [])} for name, n in by_name.items()}
        assert attrs["x"]["dtype"][6] == [1]  # DT_FLOAT
        dims = [_message(d)[1][0] for d in _message(attrs["x"]["shape"][7][0])[2]]
        assert dims == [(1 << 64) - 1, 3]  # -1 (unknown) as a two's complement varint
        tensor = _message(attrs["w"]["value"][8][0])
        assert np.frombuffer(tensor[4][0], "<f4").tolist() == list(range(6))
        assert ("_output_shapes" in attrs["y"]) == shapes
    with pytest.raises(ValueError, match="one of the two"):
        tf.summary.FileWriter(str(tmp_path / "b")).add_graph()
