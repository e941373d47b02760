"""tf.data.experimental's transformations and mixing datasets."""
import numpy as np

import tf0 as tf


def _drain(dataset, limit=1000):
    nxt = dataset.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        try:
            for _ in range(limit):
                out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            pass
    return out


def test_transformations_for_apply():
    a = tf.data.Dataset.from_tensor_slices(np.arange(5, dtype=np.int64))
    exp = tf.data.experimental
    batches = _drain(a.apply(exp.map_and_batch(lambda x: x * 2, 2)))
    assert [b.tolist() for b in batches] == [[0, 2], [4, 6], [8]]
    twice = _drain(a.apply(exp.shuffle_and_repeat(5, count=2, seed=1)))
    assert sorted(twice) == sorted(list(range(5)) * 2) and twice != list(range(5)) * 2
    assert _drain(a.apply(exp.enumerate_dataset(3)))[:2] == [(3, 0), (4, 1)]
    assert _drain(tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).apply(
        exp.unbatch())) == [1, 2, 3, 4]
    assert _drain(a.apply(exp.prefetch_to_device("/gpu:0"))) == list(range(5))
    assert _drain(exp.Counter(10, 5), limit=3) == [10, 15, 20]
    with tf.Session() as sess:
        assert sess.run(exp.get_single_element(a.batch(5))).tolist() == list(range(5))


def test_sampling_and_choosing_datasets():
    a = tf.data.Dataset.from_tensor_slices(np.arange(50, dtype=np.int64))
    b = tf.data.Dataset.from_tensor_slices(np.arange(1000, 1010, dtype=np.int64))
    mixed = _drain(tf.data.experimental.sample_from_datasets([a, b], [0.8, 0.2], seed=4))
    assert sorted(mixed) == list(range(50)) + list(range(1000, 1010))  # every element once
    assert [v for v in mixed if v < 1000] == list(range(50))  # each keeps its order
    again = _drain(tf.data.experimental.sample_from_datasets([a, b], [0.8, 0.2], seed=4))
    assert again == mixed
    choice = tf.data.Dataset.from_tensor_slices(np.array([1, 0, 0, 1, 1], np.int64))
    assert _drain(tf.data.experimental.choose_from_datasets([a, b], choice)) == \
        [1000, 0, 1, 1001, 1002]
    assert tf.data.get_output_types(a) is tf.int64
    assert tf.data.get_output_shapes(a.batch(3)).as_list() == [None]
