"""uint8, tf0's storage type for images and bytes: fed, fetched, held as a constant, moved by
the layout ops and gathers, cast to and from every dtype, converted by
tf.image.convert_image_dtype as TF1 does; any other op refuses it at graph construction and
leaves the graph as it was. References: NumPy, and TF1's documented conversion rules."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(11)
IMAGE = RNG.integers(0, 256, (2, 5, 6, 3)).astype(np.uint8)


def test_feeds_fetches_and_constants_keep_uint8():
    x = tf.placeholder(tf.uint8, [None, 3])
    c = tf.constant(np.array([[7, 8, 9]], np.uint8))
    assert x.dtype is tf.uint8 and c.dtype is tf.uint8
    both = tf.concat([x, c], 0)
    with tf.Session() as sess:
        got = sess.run(both, {x: [[1, 2, 255]]})
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, [[1, 2, 255], [7, 8, 9]])
        with pytest.raises(TypeError, match="fractional"):
            sess.run(both, {x: np.array([[1.5, 2.0, 3.0]])})
        with pytest.raises(TypeError, match="out of range"):
            sess.run(tf.identity(tf.placeholder_with_default(np.uint8(3), [])),
                     {"PlaceholderWithDefault:0": 300})


def test_layout_ops_and_gathers_move_uint8_as_numpy_does():
    x = tf.placeholder(tf.uint8, IMAGE.shape)
    outs = {
        "transpose": (tf.transpose(x, [0, 3, 1, 2]), IMAGE.transpose(0, 3, 1, 2)),
        "reverse slice": (x[:, ::-1, 1:5], IMAGE[:, ::-1, 1:5]),
        "slice": (tf.slice(x, [1, 0, 2, 0], [1, 3, 2, 3]), IMAGE[1:2, 0:3, 2:4]),
        "reshape": (tf.reshape(x, [2, -1]), IMAGE.reshape(2, -1)),
        "expand, squeeze": (tf.squeeze(tf.expand_dims(x, 0), [0]), IMAGE),
        "stack of unstack": (tf.stack(tf.unstack(x, axis=1)[::-1], axis=1), IMAGE[:, ::-1]),
        "split, concat": (tf.concat(tf.split(x, [2, 4], axis=2)[::-1], 2),
                          np.concatenate([IMAGE[:, :, 2:], IMAGE[:, :, :2]], 2)),
        "tile": (tf.tile(x[:1, :2], [2, 1, 1, 2]), np.tile(IMAGE[:1, :2], [2, 1, 1, 2])),
        "broadcast_to": (tf.broadcast_to(x[:1, :1], [3, 1, 6, 3]),
                         np.broadcast_to(IMAGE[:1, :1], [3, 1, 6, 3])),
        "gather": (tf.gather(x, [4, 0, 4], axis=1), IMAGE[:, [4, 0, 4]]),
        "reflect pad": (tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], mode="REFLECT"),
                        np.pad(IMAGE, [[0, 0], [1, 2], [2, 1], [0, 0]], mode="reflect")),
        "flip": (tf.image.flip_left_right(x), IMAGE[:, :, ::-1]),
    }
    with tf.Session() as sess:
        got = sess.run({k: t for k, (t, _) in outs.items()}, {x: IMAGE})
    for name, (_, want) in outs.items():
        assert got[name].dtype == np.uint8, name
        np.testing.assert_array_equal(got[name], want, err_msg=name)


@pytest.mark.parametrize("other", [tf.float32, tf.float64, tf.int32, tf.int64, tf.bool])
def test_casts_to_and_from_every_dtype(other):
    values = np.array([0, 1, 2, 127, 128, 200, 255], np.uint8)
    u = tf.constant(values)
    back_from = {tf.bool: np.array([0, 1, 1, 0], bool)}.get(
        other, np.array([0, 3, 254, 255], other.np))
    with tf.Session() as sess:
        there, back = sess.run([tf.cast(u, other), tf.cast(tf.constant(back_from), tf.uint8)])
    np.testing.assert_array_equal(there, values.astype(other.np))
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, back_from.astype(np.uint8))


def test_float_to_uint8_truncates_toward_zero():
    f = tf.constant(np.array([0.0, 0.4, 0.99, 1.0, 254.7, 255.0], np.float32))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.cast(f, tf.uint8)), [0, 0, 0, 1, 254, 255])


def test_convert_image_dtype_follows_tf1():
    u = tf.constant(np.array([0, 1, 127, 128, 254, 255], np.uint8))
    f = tf.constant(np.array([0.0, 0.2, 0.5, 0.999, 1.0, -0.5, 1.5], np.float32))
    big = tf.constant(np.array([0, 2 ** 31 - 1, 2 ** 24 + 5], np.int32))
    conv = tf.image.convert_image_dtype
    with tf.Session() as sess:
        to_float, to_u8, saturated, to_i32, down, same = sess.run([
            conv(u, tf.float32), conv(f, tf.uint8), conv(f, tf.uint8, saturate=True),
            conv(u, tf.int32), conv(big, tf.uint8), conv(u, tf.uint8)])
    # integer -> float: divided by the integer's max
    np.testing.assert_allclose(to_float, np.array([0, 1, 127, 128, 254, 255]) / 255.0,
                               rtol=1e-7)
    # float -> integer: times max + 0.5, truncated (values in [0, 1] only, unless saturated)
    np.testing.assert_array_equal(to_u8[:5], [0, 51, 127, 255, 255])
    np.testing.assert_array_equal(saturated, [0, 51, 127, 255, 255, 0, 255])
    # integer -> wider integer: times the ratio of the ranges (2^31 / 2^8); narrower: divided
    np.testing.assert_array_equal(to_i32, np.array([0, 1, 127, 128, 254, 255]) * 2 ** 23)
    np.testing.assert_array_equal(down, [0, 255, 2])
    np.testing.assert_array_equal(same, [0, 1, 127, 128, 254, 255])
    with pytest.raises(TypeError, match="bool"):
        conv(u, tf.bool)


@pytest.mark.parametrize("op_type,build", [
    ("Add", lambda u: u + u), ("Sum", lambda u: tf.reduce_sum(u)),
    ("Maximum", lambda u: tf.maximum(u, u)), ("Neg", lambda u: -u),
    ("MatMul", lambda u: tf.matmul(tf.reshape(u, [1, 2]), tf.reshape(u, [2, 1])))],
    ids=["add", "reduce_sum", "maximum", "neg", "matmul"])
def test_other_ops_refuse_uint8_and_leave_the_graph_without_them(op_type, build):
    u = tf.constant(np.array([1, 2], np.uint8))
    graph = tf.get_default_graph()
    with pytest.raises(TypeError, match=f"{op_type} op .* uint8.*cast it first"):
        build(u)
    assert op_type not in {op.type for op in graph.get_operations()}


def test_padding_filling_and_zeros_like_make_uint8():
    u = tf.constant(np.array([[1, 2], [3, 4]], np.uint8))
    outs = [tf.pad(u, [[1, 0], [0, 2]], constant_values=9), tf.fill([2, 3], np.uint8(7)),
            tf.zeros_like(u), tf.ones_like(u)]
    with tf.Session() as sess:
        padded, filled, zeros, ones = sess.run(outs)
    assert all(a.dtype == np.uint8 for a in (padded, filled, zeros, ones))
    np.testing.assert_array_equal(padded, np.pad([[1, 2], [3, 4]], [[1, 0], [0, 2]],
                                                 constant_values=9))
    np.testing.assert_array_equal(filled, np.full((2, 3), 7))
    np.testing.assert_array_equal(zeros + 1, ones)


def test_datasets_of_uint8_images_feed_a_float_network():
    data = tf.data.Dataset.from_tensor_slices(IMAGE).batch(2)
    images = data.make_one_shot_iterator().get_next()
    assert images.dtype is tf.uint8
    mean = tf.reduce_mean(tf.image.convert_image_dtype(images, tf.float32), axis=[1, 2, 3])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(mean), IMAGE.mean(axis=(1, 2, 3)) / 255.0,
                                   rtol=1e-5)


def test_a_saved_model_takes_uint8_images_and_keeps_uint8_constants(tmp_path):
    with tf.Graph().as_default():
        images = tf.placeholder(tf.uint8, [None, 5, 6, 3])
        offset = tf.constant(np.array([1, 2, 3], np.uint8))
        scaled = tf.image.convert_image_dtype(images, tf.float32)
        out = tf.reduce_mean(scaled, axis=[1, 2]) + tf.cast(offset, tf.float32)
        with tf.Session() as sess:
            tf.saved_model.save(sess, str(tmp_path / "m"), inputs={"images": images},
                                outputs={"out": out})
    model = tf.saved_model.load(str(tmp_path / "m"))
    got = model(images=IMAGE)["out"]
    np.testing.assert_allclose(got, IMAGE.mean(axis=(1, 2)) / 255.0 + [1, 2, 3], rtol=1e-5)


def test_comparisons_select_and_random_flips_take_uint8():
    x = tf.placeholder(tf.uint8, IMAGE.shape)
    bright = x > 128
    clipped = tf.where(bright, tf.fill(IMAGE.shape, np.uint8(128)), x)
    flipped = tf.image.random_flip_left_right(x[0], seed=3)
    with tf.Session() as sess:
        got_bright, got_clipped, got_flip, equal = sess.run(
            [bright, clipped, flipped, tf.equal(x, tf.reverse(x, [0]))], {x: IMAGE})
    np.testing.assert_array_equal(got_bright, IMAGE > 128)
    np.testing.assert_array_equal(got_clipped, np.minimum(IMAGE, 128))
    assert got_flip.dtype == np.uint8
    assert (got_flip == IMAGE[0]).all() or (got_flip == IMAGE[0][:, ::-1]).all()
    np.testing.assert_array_equal(equal, IMAGE == IMAGE[::-1])
