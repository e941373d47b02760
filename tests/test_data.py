"""tf.data: sources, transformations, iterators and their end."""
import numpy as np
import pytest

import tf0 as tf


def _drain(next_element, feed=None, sess=None, limit=10_000):
    out = []
    own = sess is None
    sess = sess or tf.Session()
    try:
        for _ in range(limit):
            out.append(sess.run(next_element, feed))
    except tf.errors.OutOfRangeError:
        pass
    finally:
        if own:
            sess.close()
    return out


def test_from_tensor_slices_tuple_and_dict():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = np.arange(5)
    a, b = tf.data.Dataset.from_tensor_slices((x, y)).make_one_shot_iterator().get_next()
    assert a.shape.as_list() == [2] and b.dtype is tf.int64
    got = _drain([a, b])
    assert len(got) == 5
    np.testing.assert_array_equal(np.stack([g[0] for g in got]), x)
    d = tf.data.Dataset.from_tensor_slices({"img": x, "label": y}).batch(2)
    el = d.make_one_shot_iterator().get_next()
    assert set(el) == {"img", "label"} and el["img"].shape.as_list() == [None, 2]
    batches = _drain(el)
    assert [len(b["label"]) for b in batches] == [2, 2, 1]


def test_batch_remainder_take_skip_repeat_range():
    d = tf.data.Dataset.range(10).skip(2).take(7).batch(3, drop_remainder=True).repeat(2)
    el = d.make_one_shot_iterator().get_next()
    assert el.shape.as_list() == [3]
    got = _drain(el)
    assert [list(g) for g in got] == [[2, 3, 4], [5, 6, 7]] * 2


def test_shuffle_is_a_seeded_permutation_reshuffled_each_epoch():
    d = tf.data.Dataset.range(20).shuffle(20, seed=5).repeat(2)
    got = [int(v) for v in _drain(d.make_one_shot_iterator().get_next())]
    first, second = got[:20], got[20:]
    assert sorted(first) == list(range(20)) and sorted(second) == list(range(20))
    assert first != list(range(20)) and first != second
    again = [int(v) for v in _drain(d.make_one_shot_iterator().get_next())]
    assert again == got  # same seed, same order
    fixed = tf.data.Dataset.range(20).shuffle(20, seed=5, reshuffle_each_iteration=False)
    twice = [int(v) for v in _drain(fixed.repeat(2).make_one_shot_iterator().get_next())]
    assert twice[:20] == twice[20:]


def test_small_shuffle_buffer_keeps_every_element_once():
    got = [int(v) for v in _drain(tf.data.Dataset.range(100).shuffle(4, seed=1)
                                  .make_one_shot_iterator().get_next())]
    assert sorted(got) == list(range(100)) and got != list(range(100))


def test_map_and_filter_are_traced_graph_functions():
    calls = []

    def square_and_label(x):
        calls.append(x)
        return tf.cast(x, tf.float32) ** 2, tf.equal(x % 3, 0)

    d = tf.data.Dataset.range(8).map(square_and_label).filter(lambda sq, flag: flag)
    sq, flag = d.make_one_shot_iterator().get_next()
    assert sq.dtype is tf.float32 and flag.dtype is tf.bool
    got = _drain(sq)
    assert [float(v) for v in got] == [0.0, 9.0, 36.0]
    assert len(calls) == 1 and isinstance(calls[0], tf.Tensor)  # traced once


def test_from_generator_and_prefetch():
    def gen():
        for i in range(6):
            yield np.full(2, i, np.float32), i

    d = tf.data.Dataset.from_generator(gen, (tf.float32, tf.int32), ([2], [])).prefetch(3)
    a, b = d.make_one_shot_iterator().get_next()
    got = _drain([a, b])
    assert [int(g[1]) for g in got] == list(range(6))
    np.testing.assert_array_equal(got[3][0], [3, 3])


def test_initializable_iterator_takes_placeholder_values_and_restarts():
    data = tf.placeholder(tf.float32, [None])
    it = tf.data.Dataset.from_tensor_slices(data).batch(2).make_initializable_iterator()
    el = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(el)
        sess.run(it.initializer, {data: [1, 2, 3]})
        assert [list(b) for b in _drain(el, sess=sess)] == [[1, 2], [3]]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(el)
        sess.run(it.initializer, {data: [7, 8]})
        np.testing.assert_array_equal(sess.run(el), [7, 8])


def test_random_tensors_in_a_dataset_are_drawn_at_initialization():
    r = tf.random_uniform([4], seed=3)
    it = tf.data.Dataset.from_tensor_slices(r).make_initializable_iterator()
    el = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        first = [float(v) for v in _drain(el, sess=sess)]
        sess.run(it.initializer)
        second = [float(v) for v in _drain(el, sess=sess)]
    assert len(first) == 4 and first != second


def test_reinitializable_iterator_switches_datasets():
    train = tf.data.Dataset.range(3)
    val = tf.data.Dataset.range(10, 12)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    el = it.get_next()
    with tf.Session() as sess:
        sess.run(it.make_initializer(train))
        assert [int(v) for v in _drain(el, sess=sess)] == [0, 1, 2]
        sess.run(it.make_initializer(val))
        assert [int(v) for v in _drain(el, sess=sess)] == [10, 11]


def test_get_next_feeds_a_model():
    x = np.random.default_rng(0).standard_normal((32, 3)).astype(np.float32)
    batch = tf.data.Dataset.from_tensor_slices(x).batch(8).make_one_shot_iterator().get_next()
    total = tf.reduce_sum(batch * 2.0, axis=1)
    got = np.concatenate(_drain(total))
    np.testing.assert_allclose(got, (x * 2).sum(1), rtol=1e-6)
