"""Variables: initialization, assignment, scopes, get_variable and initializers."""
import numpy as np
import pytest

import tf0 as tf


def test_variable_lifecycle():
    v = tf.Variable([1.0, 2.0], name="v")
    assert v.name == "v:0" and v.op.name == "v" and v.dtype is tf.float32
    assert v.initializer.name == "v/Assign" and v.value().op.name == "v/read"
    assert v.shape.as_list() == [2]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as info:
            sess.run(v + 1)
        assert "v" in str(info.value)
        assert not sess.run(v.is_initialized())
        sess.run(tf.global_variables_initializer())
        assert sess.run(v.is_initialized())
        np.testing.assert_allclose(sess.run(v.assign([3.0, 4.0])), [3, 4])
        np.testing.assert_allclose(sess.run(v.assign_add([1.0, 1.0])), [4, 5])
        np.testing.assert_allclose(sess.run(tf.assign_sub(v, [2.0, 2.0])), [2, 3])
        np.testing.assert_allclose(sess.run(tf.assign(v, [7.0, 8.0])), [7, 8])
        np.testing.assert_allclose(v.eval(sess), [7, 8])
        v.load([9.0, 10.0], sess)
        np.testing.assert_allclose(sess.run(v), [9, 10])
        with pytest.raises(ValueError):
            v.load([1.0, 2.0, 3.0], sess)
    with tf.Session() as other:  # values live in a session
        with pytest.raises(tf.errors.FailedPreconditionError):
            other.run(v)


def test_variable_from_initializer_and_tensor():
    tf.set_random_seed(5)
    w = tf.Variable(tf.random_normal([3, 4], stddev=0.1), name="w")
    u = tf.Variable(lambda: tf.ones([2]) * 3)
    dependent = tf.Variable(w.initialized_value() * 2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv, dv = sess.run([w, dependent])
        np.testing.assert_allclose(dv, 2 * wv)
        np.testing.assert_allclose(sess.run(u), [3, 3])
        w_before = sess.run(w)
        np.testing.assert_array_equal(sess.run(w), w_before)  # reads do not redraw


def test_assign_checks_shape_and_dtype():
    v = tf.Variable(tf.zeros([2, 2]))
    with pytest.raises(ValueError):
        v.assign(tf.zeros([3]))
    with pytest.raises(ValueError):
        v.assign(tf.zeros([2, 2], tf.int32))
    p = tf.placeholder(tf.float32)
    assign = v.assign(p)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(assign, {p: np.zeros(3)})
        np.testing.assert_allclose(sess.run(v), np.zeros((2, 2)))
    free = tf.Variable([1.0], validate_shape=False)
    grow = tf.assign(free, [1.0, 2.0, 3.0], validate_shape=False)
    with tf.Session() as sess:
        sess.run(free.initializer)
        np.testing.assert_allclose(sess.run(grow), [1, 2, 3])


def test_variable_scope_and_get_variable():
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer(0.5))
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    assert w.name == "layer/w:0" and b.name == "layer/b:0"
    with pytest.raises(ValueError):
        with tf.variable_scope("layer"):
            tf.get_variable("w", [3, 2])
    with tf.variable_scope("layer", reuse=True):
        assert tf.get_variable("w", [3, 2]) is w
        with pytest.raises(ValueError):
            tf.get_variable("missing", [1])
    with tf.variable_scope("layer") as scope:
        scope.reuse_variables()
        assert tf.get_variable("b") is b
    with tf.variable_scope("layer", reuse=tf.AUTO_REUSE):
        assert tf.get_variable("w", [3, 2]) is w
        c = tf.get_variable("c", [1])
    assert c.name == "layer/c:0"
    with tf.variable_scope("layer", reuse=True):
        with pytest.raises(ValueError):
            tf.get_variable("w", [4, 2])
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner"):
            d = tf.get_variable("d", [1])
            x = tf.constant(1.0, name="x")
    assert d.name == "outer/inner/d:0" and x.name.startswith("outer/inner/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(w), np.full((3, 2), 0.5))
        np.testing.assert_allclose(sess.run(b), [0, 0])


def test_default_initializer_is_glorot_uniform():
    w = tf.get_variable("w", [40, 60])
    with tf.Session() as sess:
        sess.run(w.initializer)
        wv = sess.run(w)
    limit = np.sqrt(6.0 / (40 + 60))
    assert np.all(np.abs(wv) <= limit) and wv.std() > limit / 3


@pytest.mark.parametrize("init,check", [
    (tf.zeros_initializer(), lambda a: np.all(a == 0)),
    (tf.ones_initializer(), lambda a: np.all(a == 1)),
    (tf.constant_initializer(2.5), lambda a: np.all(a == 2.5)),
    (tf.random_normal_initializer(1.0, 0.5, seed=1),
     lambda a: abs(a.mean() - 1) < 0.05 and abs(a.std() - 0.5) < 0.05),
    (tf.truncated_normal_initializer(0.0, 1.0, seed=1),
     lambda a: np.all(np.abs(a) < 2) and 0.8 < a.std() < 0.95),
    (tf.random_uniform_initializer(-3, 3, seed=1),
     lambda a: a.min() >= -3 and a.max() < 3 and abs(a.std() - np.sqrt(3)) < 0.1),
    (tf.glorot_uniform_initializer(seed=1),
     lambda a: np.abs(a).max() <= np.sqrt(6 / 600) and abs(a.std() - np.sqrt(2 / 600)) < 0.003),
    (tf.glorot_normal_initializer(seed=1), lambda a: abs(a.std() - np.sqrt(2 / 600)) < 0.003),
])
def test_initializers(init, check):
    v = tf.get_variable("v", [300, 300], initializer=init)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert check(sess.run(v))


def test_variables_in_expressions_and_gradients():
    v = tf.Variable(3.0)
    y = v * v + 2 * v
    (g,) = tf.gradients(y, [v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g) == 8.0
        assert sess.run(y, {v: 1.0}) == 3.0  # feeding a Variable overrides its reads


def test_variables_initializer_subset():
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a]))
        assert sess.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(b)


def test_a_variable_used_under_control_dependencies_is_read_after_them():
    # TF1's reference variables are read when their consumer runs: an update the consumer
    # waits for is seen (the idiom `with control_dependencies([update]): tf.identity(v)`)
    v = tf.Variable(np.zeros(3))
    bump = tf.assign_add(v, np.ones(3))
    with tf.control_dependencies([bump]):
        after = [tf.identity(v), v * 2.0, v[0], tf.convert_to_tensor(v) + 0.0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(after)
        np.testing.assert_array_equal(got[0], np.ones(3))
        np.testing.assert_array_equal(got[1], np.full(3, 2.0))
        assert got[2] == 1.0
        np.testing.assert_array_equal(got[3], np.ones(3))
        np.testing.assert_array_equal(sess.run(v), np.ones(3))  # one bump for all four


def test_orthogonal_identity_and_unit_scaling_initializers():
    q = tf.get_variable("q", [6, 4], initializer=tf.orthogonal_initializer(gain=2.0))
    wide = tf.get_variable("w", [2, 3, 5], initializer=tf.initializers.orthogonal())
    u = tf.get_variable("u", [50, 40], initializer=tf.uniform_unit_scaling_initializer(1.5))
    eye = tf.get_variable("eye", [2, 3], initializer=tf.initializers.identity(3.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        qv, wv, uv, ev = sess.run([q, wide, u, eye])
    np.testing.assert_allclose(qv.T @ qv, 4 * np.eye(4), atol=1e-5)  # orthogonal columns
    flat = wv.reshape(6, 5)  # six rows in five dimensions: the columns are orthonormal
    np.testing.assert_allclose(flat.T @ flat, np.eye(5), atol=1e-5)
    assert np.abs(uv).max() <= 1.5 * np.sqrt(3 / 50) + 1e-6 and uv.std() > 0.1
    np.testing.assert_array_equal(ev, [[3, 0, 0], [0, 3, 0]])
