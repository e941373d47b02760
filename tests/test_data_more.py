"""tf.data's zip, concatenate, padded_batch, unbatch, flat_map, interleave, cache,
enumerate, apply, shard and list_files, element by element against lists built in
Python."""
import numpy as np
import pytest

import tf0 as tf

D = tf.data.Dataset


def _all(dataset):
    """Every element of a one-shot iterator over `dataset`, as nested NumPy values."""
    nxt = dataset.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out


def test_zip_concatenate_enumerate_and_apply():
    a = D.range(4)
    b = D.from_tensor_slices({"x": np.arange(10.0, 13.0), "y": np.array([1, 2, 3])})
    zipped = _all(D.zip((a, b)))
    assert [(int(i), float(e["x"]), int(e["y"])) for i, e in zipped] == \
        [(0, 10.0, 1), (1, 11.0, 2), (2, 12.0, 3)]
    assert [int(v) for v in _all(a.concatenate(D.range(7, 9)))] == [0, 1, 2, 3, 7, 8]
    with pytest.raises(TypeError, match="same element types"):
        a.concatenate(D.from_tensor_slices(np.ones(2, np.float32)))
    pairs = _all(D.from_tensor_slices(np.array([5.0, 6.0])).enumerate(start=3))
    assert [(int(i), float(v)) for i, v in pairs] == [(3, 5.0), (4, 6.0)]
    assert [int(v) for v in _all(a.apply(lambda d: d.skip(1).take(2)))] == [1, 2]


def test_padded_batch_pads_to_the_longest_or_to_a_fixed_size():
    rows = [np.arange(n, dtype=np.int32) + 1 for n in (2, 4, 1, 3, 2)]
    source = D.from_generator(lambda: iter(rows), tf.int32, [None])
    got = _all(source.padded_batch(2, padded_shapes=[None]))
    want = [[[1, 2, 0, 0], [1, 2, 3, 4]], [[1, 0, 0], [1, 2, 3]], [[1, 2]]]
    assert [g.tolist() for g in got] == want
    fixed = _all(source.padded_batch(3, padded_shapes=[5], padding_values=-1,
                                     drop_remainder=True))
    assert [g.tolist() for g in fixed] == [[[1, 2, -1, -1, -1], [1, 2, 3, 4, -1],
                                            [1, -1, -1, -1, -1]]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not fit"):
        _all(source.padded_batch(2, padded_shapes=[3]))


def test_unbatch_flat_map_and_interleave():
    batched = D.from_tensor_slices(np.arange(12).reshape(3, 2, 2)).unbatch()
    assert [v.tolist() for v in _all(batched)] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9],
                                                   [10, 11]]
    # each element becomes a dataset built from its value
    flat = D.range(1, 4).flat_map(lambda n: D.from_tensor_slices(tf.range(n) * 10 + n))
    assert [int(v) for v in _all(flat)] == [1, 2, 12, 3, 13, 23]
    # TF1's documented interleave order
    mixed = D.range(1, 6).interleave(lambda x: D.from_tensors(x).repeat(6), cycle_length=2,
                                     block_length=4)
    assert [int(v) for v in _all(mixed)] == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3,
                                             4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5]
    with pytest.raises(TypeError, match="returning a Dataset"):
        D.range(3).flat_map(lambda n: n + 1)


def test_cache_computes_the_first_pass_only():
    calls = []

    def source():
        calls.append(1)
        yield from (np.float32(v) for v in (1.5, 2.5))
    cached = D.from_generator(source, tf.float32, []).cache().repeat(3)
    assert [float(v) for v in _all(cached)] == [1.5, 2.5] * 3
    assert len(calls) == 1


def test_shard_keeps_every_nth_element():
    data = tf.data.Dataset.range(10)
    assert _all(data.shard(3, 1)) == [1, 4, 7]
    assert sorted(sum((_all(data.shard(4, k)) for k in range(4)), [])) == list(range(10))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be in"):
        data.shard(2, 2)


def test_list_files_matches_patterns_shuffled_or_in_order(tmp_path):
    for name in ("b.rec", "a.rec", "c.rec", "skip.txt"):
        (tmp_path / name).write_text(name)
    pattern = str(tmp_path / "*.rec")
    ordered = _all(tf.data.Dataset.list_files(pattern, shuffle=False))
    assert ordered == [str(tmp_path / n).encode() for n in ("a.rec", "b.rec", "c.rec")]
    shuffled = tf.data.Dataset.list_files([pattern], seed=3)
    it = shuffled.make_initializable_iterator()
    passes = []
    with tf.Session() as sess:
        for _ in range(6):
            sess.run(it.initializer)
            passes.append(tuple(sess.run(it.get_next()) for _ in range(3)))
    assert all(sorted(p) == ordered for p in passes) and len(set(passes)) > 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="No files matched"):
        _all(tf.data.Dataset.list_files(str(tmp_path / "*.none")))
