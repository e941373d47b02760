"""tf.cond: values and gradients of both branches against NumPy and finite differences,
only the chosen branch runs (side effects, errors), nesting, structures, misuse errors,
export, and the CUDA backend's plan logic on the null device."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf


def _central_difference(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_values_and_gradients_of_both_branches():
    x = tf.placeholder(tf.float64, [])
    y = tf.cond(x > 0, lambda: tf.exp(x) * x, lambda: tf.sin(x) - x)
    g, = tf.gradients(y, x)
    gg, = tf.gradients(g, x)
    def f(v):
        return np.exp(v) * v if v > 0 else np.sin(v) - v
    with tf.Session() as sess:
        for v in (1.3, -0.7):
            got = sess.run([y, g, gg], {x: v})
            np.testing.assert_allclose(got[0], f(v), rtol=1e-12)
            np.testing.assert_allclose(got[1], _central_difference(f, v), rtol=1e-7)
            np.testing.assert_allclose(got[2], _central_difference(
                lambda u: _central_difference(f, u, 1e-5), v, 1e-4), rtol=1e-4)


def test_only_the_chosen_branch_runs():
    v = tf.Variable(10.0)
    up = tf.placeholder(tf.bool, [])
    step = tf.cond(up, lambda: tf.assign_add(v, 1.0), lambda: tf.assign_sub(v, 1.0))
    params = tf.constant([1.0, 2.0, 3.0])
    i = tf.placeholder(tf.int32, [])
    # gathering at i >= 3 would fail: the guard keeps that branch from running
    safe = tf.cond(i < 3, lambda: tf.gather(params, i), lambda: tf.constant(-1.0))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(step, {up: True}) == 11.0
        assert sess.run(step, {up: False}) == 10.0
        assert sess.run(step, {up: False}) == 9.0
        assert sess.run(v) == 9.0
        assert sess.run(safe, {i: 1}) == 2.0
        assert sess.run(safe, {i: 7}) == -1.0


def test_gradient_of_a_value_used_only_in_the_other_branch_is_zero():
    x = tf.placeholder(tf.float32, [3])
    w = tf.placeholder(tf.float32, [3])
    pred = tf.placeholder(tf.bool, [])
    y = tf.reduce_sum(tf.cond(pred, lambda: x * 2.0, lambda: w * w))
    gx, gw = tf.gradients(y, [x, w])
    xv, wv = np.arange(3, dtype=np.float32), np.array([1.0, -2.0, 0.5], np.float32)
    with tf.Session() as sess:
        gxv, gwv = sess.run([gx, gw], {x: xv, w: wv, pred: True})
        np.testing.assert_array_equal(gxv, [2, 2, 2])
        np.testing.assert_array_equal(gwv, [0, 0, 0])
        gxv, gwv = sess.run([gx, gw], {x: xv, w: wv, pred: False})
        np.testing.assert_array_equal(gxv, [0, 0, 0])
        np.testing.assert_array_equal(gwv, 2 * wv)


def test_nested_conds_and_structures():
    x = tf.placeholder(tf.float64, [])
    out = tf.cond(x > 0,
                  lambda: {"a": x + 1.0, "b": tf.cond(x > 10, lambda: x * 3.0, lambda: x * 2.0)},
                  lambda: {"a": x - 1.0, "b": tf.constant(0.0, tf.float64)})
    grad, = tf.gradients(out["b"], x)
    single = tf.cond(x > 0, lambda: [x], lambda: [x * 2.0])
    strict = tf.cond(x > 0, lambda: [x], lambda: [x * 2.0], strict=True)
    with tf.Session() as sess:
        for v, a, b, gb in ((20.0, 21.0, 60.0, 3.0), (5.0, 6.0, 10.0, 2.0),
                            (-1.0, -2.0, 0.0, 0.0)):
            got = sess.run([out, grad], {x: v})
            assert got[0] == {"a": a, "b": b} and got[1] == gb
        assert isinstance(single, tf.Tensor) and isinstance(strict, list)
        assert sess.run(single, {x: -2.0}) == -4.0


def test_branches_returning_ops_give_an_op_and_python_values_become_constants():
    v = tf.Variable(0.0)
    pred = tf.placeholder(tf.bool, [])
    op = tf.cond(pred, lambda: tf.assign(v, 5.0).op, lambda: tf.no_op())
    value = tf.cond(pred, lambda: 1.5, lambda: 2.5)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(op, {pred: False})
        assert sess.run(v) == 0.0
        sess.run(op, {pred: True})
        assert sess.run(v) == 5.0
        assert sess.run(value, {pred: False}) == 2.5


def test_misuse_is_reported():
    x = tf.placeholder(tf.float32, [])
    inside = []

    def true_fn():
        inside.append(tf.exp(x, name="inner"))
        return inside[0]
    y = tf.cond(x > 0, true_fn, lambda: x)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="inside a tf.cond branch"):
            sess.run(inside[0] + 1.0, {x: 1.0})
        # as in TF1, a branch's own tensor can be fetched when that branch runs
        assert sess.run(inside[0], {x: 0.0 + 1.0}) == pytest.approx(np.exp(1.0))
        with pytest.raises(tf.errors.InvalidArgumentError, match="did not run"):
            sess.run(inside[0], {x: -1.0})
        assert sess.run(y, {x: -3.0}) == -3.0
    with pytest.raises(ValueError, match="different structures"):
        tf.cond(x > 0, lambda: (x, x), lambda: x)
    with pytest.raises(ValueError, match="float32 and int32"):
        tf.cond(x > 0, lambda: x, lambda: tf.constant(1))
    with pytest.raises(ValueError, match="scalar"):
        tf.cond(tf.constant([True, False]), lambda: x, lambda: x)


def test_a_training_flag_switches_dropout_and_training_still_works():
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [8, 4])
    training = tf.placeholder_with_default(False, [])
    w = tf.Variable(np.ones((4, 1), np.float32))
    h = tf.cond(training, lambda: tf.nn.dropout(x, keep_prob=0.5), lambda: x)
    loss = tf.reduce_mean(tf.square(tf.matmul(h, w) - 1.0))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    data = np.full((8, 4), 0.5, np.float32)
    with tf.Session() as sess:
        sess.run(w.initializer)
        before = sess.run(loss, {x: data})
        assert before == pytest.approx(1.0)  # (4 * 0.5 - 1)^2, dropout off
        for _ in range(30):
            sess.run(train, {x: data, training: True})
        assert sess.run(loss, {x: data}) < before


def test_an_exported_model_keeps_its_cond(tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)
    with tf.Session() as sess:
        path = tf.saved_model.save(sess, str(tmp_path / "m"), inputs={"x": x},
                                   outputs={"y": y})
    tf.reset_default_graph()
    model = tf.saved_model.load(path)
    np.testing.assert_array_equal(model(x=np.array([1.0, 2.0], np.float32))["y"], [2.0, 4.0])
    np.testing.assert_array_equal(model(x=np.array([-1.0, -2.0], np.float32))["y"], [1.0, 2.0])


def test_cond_on_the_cuda_backend_runs_the_chosen_branch(monkeypatch):
    runtime = fake_cuda.install(monkeypatch)
    x = tf.placeholder(tf.float32, [3])
    y = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.exp(x), lambda: tf.sin(x))
    g, = tf.gradients(tf.reduce_sum(y), x)
    config = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=True))
    with tf.Session(config=config) as sess:
        meta = tf.RunMetadata()
        for v in (np.ones(3, np.float32), -np.ones(3, np.float32)):
            launched = len(runtime.launches)
            got, grad = sess.run([y, g], {x: v}, run_metadata=meta)
            kinds = {name for name, _ in runtime.launches[launched:]}
            want = np.exp(v) if v.sum() > 0 else np.sin(v)
            np.testing.assert_allclose(got, want, rtol=1e-6)
            np.testing.assert_allclose(grad, np.exp(v) if v.sum() > 0 else np.cos(v), rtol=1e-6)
            assert ("Exp" in kinds) == (v.sum() > 0) and ("Sin" in kinds) == (v.sum() < 0)
        assert meta.launch == "direct" and "tf.cond" in meta.launch_reason


def test_a_branch_that_clears_control_dependencies_still_waits_for_its_predicate():
    x = tf.placeholder(tf.float32, [])

    def true_fn():
        with tf.control_dependencies(None):
            return tf.exp(x)
    y = tf.cond(x > 0, true_fn, lambda: -x)
    with tf.Session() as sess:
        assert sess.run(y, {x: 1.0}) == pytest.approx(np.exp(1.0))
        assert sess.run(y, {x: -2.0}) == 2.0
