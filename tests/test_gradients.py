"""tf.gradients semantics beyond the per-op table: summing over consumers, None for
unconnected inputs, integer tensors, grad_ys, stop_gradients, higher derivatives."""
import numpy as np
import pytest

import tf0 as tf


def _run(*fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(list(fetches), feed)


def test_gradients_sum_over_consumers():
    x = tf.placeholder(tf.float64, [3])
    y = tf.reduce_sum(x * x + tf.sin(x) + 3 * x)
    (g,) = tf.gradients(y, x)
    xv = np.array([0.1, -0.7, 2.0])
    np.testing.assert_allclose(_run(g, feed={x: xv})[0], 2 * xv + np.cos(xv) + 3)


def test_unconnected_and_integer_inputs():
    x = tf.placeholder(tf.float32, [2])
    z = tf.placeholder(tf.float32, [2])
    i = tf.placeholder(tf.int32, [2])
    y = tf.reduce_sum(x * tf.cast(i, tf.float32))
    gx, gz, gi = tf.gradients(y, [x, z, i])
    assert gz is None and gi is None
    _, gz0 = tf.gradients(y, [x, z], unconnected_gradients="zero")
    out = _run(gx, gz0, feed={x: [1, 2], i: [3, 4]})
    np.testing.assert_allclose(out[0], [3, 4])
    np.testing.assert_allclose(out[1], [0, 0])
    with pytest.raises(ValueError):
        tf.gradients(y, [x], unconnected_gradients="bogus")


def test_grad_ys_and_several_ys():
    x = tf.placeholder(tf.float64, [2])
    y1, y2 = x * 2, x * x
    g = tf.gradients([y1, y2], x, grad_ys=[tf.constant([1.0, 10.0], tf.float64), None])[0]
    np.testing.assert_allclose(_run(g, feed={x: [3.0, 4.0]})[0], [2 + 6, 20 + 8])


def test_stop_gradient_op_and_argument():
    x = tf.placeholder(tf.float64, [])
    a = x * x
    y = a * x
    (g_stop_op,) = tf.gradients(tf.stop_gradient(a) * x, x)
    (g_stop_arg,) = tf.gradients(y, x, stop_gradients=[a])
    (g_full,) = tf.gradients(y, x)
    out = _run(g_stop_op, g_stop_arg, g_full, feed={x: 3.0})
    assert out[0] == 9.0 and out[1] == 9.0 and out[2] == 27.0


def test_third_derivative():
    x = tf.placeholder(tf.float64, [])
    y = x ** 4 + tf.exp(x)
    g1 = tf.gradients(y, x)[0]
    g2 = tf.gradients(g1, x)[0]
    g3 = tf.gradients(g2, x)[0]
    xv = 1.3
    out = _run(g1, g2, g3, feed={x: xv})
    np.testing.assert_allclose(out, [4 * xv ** 3 + np.exp(xv), 12 * xv ** 2 + np.exp(xv),
                                     24 * xv + np.exp(xv)], rtol=1e-12)


def test_gradient_op_names_live_under_gradients_scope():
    x = tf.placeholder(tf.float32, [2])
    (g,) = tf.gradients(tf.reduce_sum(tf.square(x)), x)
    assert g.op.name.startswith("gradients/")
    (g2,) = tf.gradients(tf.reduce_sum(x), x)
    assert g2.op.name.startswith("gradients_1/")


def test_missing_gradient_rule_raises_lookup_error(monkeypatch):
    from tf0.engine.op_def import REGISTRY
    monkeypatch.setattr(REGISTRY["MirrorPad"], "grad", None)  # every real op has a rule
    x = tf.placeholder(tf.float32, [3, 3])
    y = tf.pad(x, [[1, 1], [1, 1]], mode="REFLECT")
    with pytest.raises(LookupError, match="No gradient defined for operation"):
        tf.gradients(tf.reduce_sum(y), x)
    g = tf.get_default_graph()
    with g.gradient_override_map({"Square": "NoSuchGradient"}):
        z = tf.square(x)
    with pytest.raises(LookupError, match="NoSuchGradient"):
        tf.gradients(z, x)


def test_gradient_of_gather_accumulates_repeated_indices():
    params = tf.placeholder(tf.float64, [4, 2])
    picked = tf.gather(params, [1, 1, 3, 1])
    (g,) = tf.gradients(tf.reduce_sum(picked), params)
    np.testing.assert_allclose(_run(g, feed={params: np.ones((4, 2))})[0],
                               [[0, 0], [3, 3], [0, 0], [1, 1]])


def test_gradient_wrt_intermediate_tensor():
    x = tf.placeholder(tf.float64, [2])
    h = x * 3
    y = tf.reduce_sum(h * h)
    gh, gx = tf.gradients(y, [h, x])
    out = _run(gh, gx, feed={x: [1.0, 2.0]})
    np.testing.assert_allclose(out[0], [6, 12])
    np.testing.assert_allclose(out[1], [18, 36])
