"""User-defined gradients: tf.RegisterGradient with Graph.gradient_override_map, and
tf.custom_gradient, against hand-derived gradients and central differences."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences


def _run(fetches, feed=None, config=None):
    with tf.Session(config=config) as sess:
        return sess.run(fetches, feed)


def test_an_override_map_gives_round_a_straight_through_gradient():
    @tf.RegisterGradient("StraightThrough-test")
    def _straight_through(op, grad):
        return grad

    x = tf.placeholder(tf.float64, [4])
    w = np.array([1.0, -2.0, 3.0, 0.5])
    with tf.get_default_graph().gradient_override_map({"Round": "StraightThrough-test"}):
        rounded = tf.round(x)
    plain = tf.round(x * 1.0)  # built outside the map: Round's own gradient (none)
    got = _run([rounded, tf.gradients(tf.reduce_sum(rounded * w), x)[0],
                tf.gradients(tf.reduce_sum(plain * w), x, unconnected_gradients="zero")[0]],
               {x: [0.4, 1.6, -2.2, 3.5]})
    np.testing.assert_array_equal(got[0], [0.0, 2.0, -2.0, 4.0])
    np.testing.assert_array_equal(got[1], w)
    np.testing.assert_array_equal(got[2], np.zeros(4))
    with pytest.raises(KeyError, match="two gradient"):
        tf.RegisterGradient("StraightThrough-test")(lambda op, grad: grad)


def test_an_override_with_no_registered_function_is_named():
    x = tf.placeholder(tf.float32, [2])
    with tf.get_default_graph().gradient_override_map({"Exp": "Nowhere-test"}):
        y = tf.exp(x)
    with pytest.raises(LookupError, match="Nowhere-test"):
        tf.gradients(y, x)


def _log1pexp_np(v):
    return np.logaddexp(0.0, v)


@tf.custom_gradient
def _log1pexp(x):
    e = tf.exp(x)

    def grad(dy):
        return dy * (1.0 - 1.0 / (1.0 + e))  # finite where e overflows
    return tf.log(1.0 + e), grad


def test_custom_gradient_replaces_the_derivative_of_its_ops():
    x = tf.placeholder(tf.float64, [5])
    y = _log1pexp(x)
    g = tf.gradients(tf.reduce_sum(y * y), x)[0]
    v = np.array([-3.0, -0.5, 0.0, 0.7, 2.5])
    got = _run([y, g], {x: v})
    np.testing.assert_allclose(got[0], _log1pexp_np(v), rtol=1e-12)
    np.testing.assert_allclose(got[1], central_differences(
        lambda u: np.sum(_log1pexp_np(u) ** 2), v), rtol=1e-6)
    slope = tf.gradients(tf.reduce_sum(_log1pexp(x)), x)[0]
    big = _run(slope, {x: np.full(5, 800.0)})
    np.testing.assert_array_equal(big, np.ones(5))  # d log1pexp / dx -> 1, not NaN


def test_custom_gradient_with_several_inputs_and_outputs():
    @tf.custom_gradient
    def scaled(a, b):
        def grad(d_sum, d_diff):
            return [d_sum * 2.0 + d_diff, d_sum * 3.0 - d_diff]  # deliberately not the truth
        return [a + b, a - b], grad

    a, b = tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [3])
    s, d = scaled(a, b)
    ga, gb = tf.gradients(tf.reduce_sum(s * 2.0) + tf.reduce_sum(d * 5.0), [a, b])
    av, bv = np.array([1.0, 2.0, 3.0], np.float32), np.array([0.5, -1.0, 4.0], np.float32)
    got = _run([s, d, ga, gb], {a: av, b: bv})
    np.testing.assert_array_equal(got[0], av + bv)
    np.testing.assert_array_equal(got[1], av - bv)
    np.testing.assert_array_equal(got[2], np.full(3, 2.0 * 2 + 5.0))  # from grad, by hand
    np.testing.assert_array_equal(got[3], np.full(3, 2.0 * 3 - 5.0))


def test_custom_gradient_refuses_a_wrong_number_of_gradients():
    @tf.custom_gradient
    def twice(t):
        return t * 2.0, lambda dy: [dy, dy]

    x = tf.placeholder(tf.float32, [2])
    with pytest.raises(ValueError, match="2 gradients for 1 inputs"):
        tf.gradients(twice(x), x)


def test_custom_gradient_in_a_captured_cuda_plan_matches_numpy(monkeypatch):
    fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float64, [4])
    w = tf.Variable(np.array([0.5, -1.0, 2.0, 1.5]))
    loss = tf.reduce_sum(_log1pexp(x * w))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    v = np.array([0.3, -1.2, 0.8, 2.0])
    results = {}
    for name, config in (("numpy", tf.ConfigProto(device_count={"GPU": 0})), ("gpu", None)):
        with tf.Session(config=config) as sess:
            sess.run(w.initializer)
            meta = tf.RunMetadata()
            losses = [sess.run([loss, step], {x: v}, run_metadata=meta)[0] for _ in range(4)]
            results[name] = losses, sess.run(w)
    assert meta.launch == "replay"
    np.testing.assert_allclose(results["gpu"][0], results["numpy"][0], rtol=1e-12)
    np.testing.assert_allclose(results["gpu"][1], results["numpy"][1], rtol=1e-12)
    assert not np.allclose(results["numpy"][1], [0.5, -1.0, 2.0, 1.5])  # it trained


def test_hessians_of_a_quadratic_form_plus_a_nonlinearity():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((2, 3, 2, 3))
    sym = (a + a.transpose(2, 3, 0, 1)) / 2  # a symmetric form over 2x3 matrices
    x = tf.placeholder(tf.float64, [2, 3])
    z = tf.placeholder(tf.float64, [4])
    quad = 0.5 * tf.reduce_sum(x * tf.reshape(tf.matmul(tf.constant(sym.reshape(6, 6)),
                                                       tf.reshape(x, [6, 1])), [2, 3]))
    y = quad + tf.reduce_sum(tf.exp(x)) + tf.reduce_sum(z * z * z)
    hx, hz = tf.hessians(y, [x, z])
    xv, zv = rng.standard_normal((2, 3)), rng.standard_normal(4)
    got = _run([hx, hz], {x: xv, z: zv})
    want_x = sym + np.diag(np.exp(xv).reshape(-1)).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(got[0], want_x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[1], np.diag(6 * zv), rtol=1e-12)
    with pytest.raises(ValueError, match="known shape"):
        tf.hessians(y, tf.placeholder(tf.float64, [None]))
