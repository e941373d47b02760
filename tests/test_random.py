"""Random ops: the Philox4x32-10 generator against its published test vectors, seeds,
fresh values per run, one draw per run, and the distributions."""
import numpy as np
import pytest

import tf0 as tf
from tf0.ops import philox


@pytest.mark.parametrize("counter,key,expected", [
    # Known-answer vectors published with the Random123 library (Salmon et al., SC11).
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_philox_known_answers(counter, key, expected):
    run = counter[2] | (counter[3] << 32)
    words = philox.philox4x32(np.array([counter[0]], np.uint64), counter[1], run, key)
    assert tuple(int(w[0]) for w in words) == expected


def test_graph_and_op_seeds_make_runs_repeatable():
    def draw():
        tf.reset_default_graph()
        tf.set_random_seed(42)
        a = tf.random_uniform([5])
        b = tf.random_normal([5], seed=7)
        with tf.Session() as sess:
            return sess.run([a, b]), sess.run([a, b])
    first, second = draw(), draw()
    for x, y in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(x, y)
    # a new run of the same session draws new values
    assert not np.array_equal(first[0][0], first[1][0])


def test_unseeded_ops_differ():
    a = tf.random_uniform([8])
    b = tf.random_uniform([8])
    with tf.Session() as sess:
        av, bv = sess.run([a, b])
    assert not np.array_equal(av, bv)


def test_op_seed_alone_is_deterministic_across_graphs():
    vals = []
    for _ in range(2):
        with tf.Graph().as_default():
            r = tf.truncated_normal([6], seed=3)
            with tf.Session() as sess:
                vals.append(sess.run(r))
    np.testing.assert_array_equal(vals[0], vals[1])


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_distributions(dtype):
    n = 200_000
    u = tf.random_uniform([n], -1.0, 3.0, dtype=dtype, seed=11)
    z = tf.random_normal([n], 2.0, 0.5, dtype=dtype, seed=12)
    t = tf.truncated_normal([n], dtype=dtype, seed=13)
    k = tf.random_uniform([n], 3, 7, dtype=tf.int64, seed=14)
    with tf.Session() as sess:
        uv, zv, tv, kv = sess.run([u, z, t, k])
    assert uv.dtype == dtype.np and uv.min() >= -1 and uv.max() < 3
    assert abs(uv.mean() - 1.0) < 0.01 and abs(uv.var() - 16 / 12) < 0.02
    assert abs(zv.mean() - 2.0) < 0.005 and abs(zv.std() - 0.5) < 0.005
    assert np.abs(tv).max() < 2 and abs(tv.std() - 0.8796) < 0.01
    assert set(np.unique(kv)) == {3, 4, 5, 6}
    # Kolmogorov-Smirnov distance of the normal sample from N(2, 0.5)
    from math import erf, sqrt
    s = np.sort(zv[:20000])
    cdf = np.array([0.5 * (1 + erf((v - 2.0) / (0.5 * sqrt(2)))) for v in s])
    assert np.max(np.abs(cdf - np.arange(1, len(s) + 1) / len(s))) < 0.015


def test_random_gamma_follows_chi_square_and_the_moments():
    import math
    g = tf.random_gamma([40000], [0.5, 1.0, 3.0, 40.0, 0.0], dtype=tf.float64, seed=3)
    scaled = tf.random.gamma([20000], 2.0, beta=[1.0, 4.0], seed=1)
    with tf.Session() as sess:
        v, w = sess.run([g, scaled])
        again = sess.run(g)
    alpha = np.array([0.5, 1.0, 3.0, 40.0])
    assert v.shape == (40000, 5) and w.shape == (20000, 2) and w.dtype == np.float32
    assert np.all(np.isnan(v[:, 4]))  # alpha <= 0
    np.testing.assert_allclose(v[:, :4].mean(0), alpha, rtol=0.02)
    np.testing.assert_allclose(v[:, :4].var(0), alpha, rtol=0.05)
    np.testing.assert_allclose(w.mean(0), [2.0, 0.5], rtol=0.03)
    assert not np.array_equal(v[:, :4], again[:, :4])  # each run draws anew
    # 2 Gamma(1/2) is chi-square with one degree of freedom: P(X <= x) = erf(sqrt(x / 2))
    x = np.sort(2 * v[:, 0])
    cdf = np.array([math.erf(math.sqrt(t / 2)) for t in x])
    assert np.max(np.abs(cdf - np.arange(1, len(x) + 1) / len(x))) < 0.01


def test_random_gamma_is_the_same_in_every_session_for_a_seed():
    tf.set_random_seed(5)
    g = tf.random_gamma([3, 2], [[0.5], [7.0]])
    assert g.shape.as_list() == [3, 2, 2, 1]
    with tf.Session() as a, tf.Session() as b:
        np.testing.assert_array_equal(a.run(g), b.run(g))
