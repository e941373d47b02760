"""tf.random.stateless_uniform, stateless_normal and stateless_truncated_normal: the same
numbers for the same seed in every run and graph, different ones for other seeds, and TF's
own numbers bit for bit (uniforms, integers, float64 normals) or within an ulp (float32
normals): TF1's values are stored in data/tf1_stateless.json (data/make_tf1_stateless.py
writes them)."""
import json
import os

import numpy as np
import pytest

import tf0 as tf

# (kind, shape, seed, dtype, minval, maxval)
CASES = [("uniform", [5, 3], [7, -3], "float32", 0, None),
         ("uniform", [7], [0, 0], "float64", -2.0, 3.0),
         ("uniform", [9], [2**31 - 1, 12345], "int32", -5, 100),
         ("uniform", [4], [-9, 2**40], "int64", -5, 10**12),
         ("normal", [64], [3, 4], "float32", None, None),
         ("normal", [9], [-9, 2**40], "float64", None, None),
         ("truncated_normal", [2000], [5, 6], "float32", None, None),
         ("truncated_normal", [501], [-4, 2**40], "float64", None, None)]


def draw(lib, kind, shape, seed, dtype, minval, maxval):
    seed = lib.constant(seed, lib.int64)
    if kind != "uniform":
        return getattr(lib.random, f"stateless_{kind}")(shape, seed, dtype=getattr(lib, dtype))
    return lib.random.stateless_uniform(shape, seed, minval=minval, maxval=maxval,
                                        dtype=getattr(lib, dtype))


def test_values_are_tf1s():
    with open(os.path.join(os.path.dirname(__file__), "data", "tf1_stateless.json")) as f:
        want = json.load(f)["bits"]
    with tf.Session() as sess:
        got = sess.run([draw(tf, *case) for case in CASES])
    for case, value, bits in zip(CASES, got, want):
        width = f"u{value.itemsize}"
        expected = np.array(bits, dtype=width).view(value.dtype).reshape(value.shape)
        if case[0] != "uniform" and case[3] == "float32":
            np.testing.assert_allclose(value, expected, rtol=2.5e-7, atol=2.5e-7)
        else:
            assert value.tobytes() == expected.tobytes(), case


def test_the_seed_alone_decides():
    seed = tf.placeholder(tf.int32, [2])
    u = tf.random.stateless_uniform([1000], seed)
    n = tf.random.stateless_normal([1000], seed, mean=2.0, stddev=3.0)
    with tf.Session() as sess:
        first = sess.run([u, n], {seed: [1, 2]})
        again = sess.run([u, n], {seed: [1, 2]})
        other = sess.run([u, n], {seed: [2, 1]})
    with tf.Session() as sess:  # another session, the same numbers
        fresh = sess.run([u, n], {seed: [1, 2]})
    for a, b, c in zip(first, again, fresh):
        assert a.tobytes() == b.tobytes() == c.tobytes()
    assert not np.array_equal(first[0], other[0])
    assert 0 <= first[0].min() and first[0].max() < 1 and abs(first[0].mean() - 0.5) < 0.05
    assert abs(first[1].mean() - 2.0) < 0.3 and abs(first[1].std() - 3.0) < 0.3
    with tf.Session() as sess:
        cut = sess.run(tf.random.stateless_truncated_normal([5000], [3, 3], mean=1.0))
    # within two standard deviations; the standard normal cut there has variance 0.774
    assert np.abs(cut - 1.0).max() < 2.0 and abs(cut.var() - 0.774) < 0.03
    with pytest.raises(ValueError, match="maxval"):
        tf.random.stateless_uniform([2], [1, 2], dtype=tf.int32)
    with pytest.raises(ValueError, match=r"shape \[2\] integer"):
        tf.random.stateless_uniform([2], [1.0, 2.0])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="minval < maxval"):
        sess.run(tf.random.stateless_uniform([2], [1, 2], minval=5, maxval=5, dtype=tf.int64))
