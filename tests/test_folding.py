"""Constant folding: pure ops of constants are computed once when a plan is built and
loaded by every run (TF1's constant folding), on both backends."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from tf0.session.plan import FOLD_LIMIT, Schedule


def _seed_like():
    x = tf.placeholder(tf.float64, [4, 3])
    w = tf.Variable(np.ones((3, 2)))
    loss = tf.reduce_mean(tf.reduce_sum(tf.square(tf.matmul(x, w) - 1.0), axis=1))
    return x, w, loss, tf.gradients(loss, w)[0]


def test_gradient_constants_are_folded_and_values_unchanged():
    x, w, loss, grad = _seed_like()
    schedule = Schedule([loss, grad], [x])
    folded_types = {t.op.type for t in schedule.folded}
    assert {"RealDiv", "BroadcastTo"} <= folded_types  # d mean / d sum, broadcast
    assert not any(t.op.type in ("MatMul", "ReadVariable") for t in schedule.folded)
    xv = np.random.default_rng(0).standard_normal((4, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_loss, got_grad = sess.run([loss, grad], {x: xv})
    residual = xv @ np.ones((3, 2)) - 1.0
    np.testing.assert_allclose(got_loss, np.mean(np.sum(residual ** 2, 1)), rtol=1e-14)
    np.testing.assert_allclose(got_grad, xv.T @ (2 * residual / 4), rtol=1e-14)


def test_what_is_not_folded():
    big = tf.zeros([FOLD_LIMIT + 1]) + 1.0   # too large to keep as a constant
    noise = tf.random_uniform([3]) * 2.0      # random: new values every run
    v = tf.Variable(1.0)
    with tf.control_dependencies([tf.assign_add(v, 1.0)]):
        ordered = tf.constant(2.0) * 3.0      # waits for an assignment
    small = tf.constant([1.0, 2.0]) * 3.0
    schedule = Schedule([big, noise, ordered, small], [])
    assert small in schedule.folded
    assert not {big, noise, ordered} & set(schedule.folded)


def test_folded_values_are_shared_safely_and_errors_still_name_their_op():
    doubled = tf.constant(np.arange(3.0)) * 2.0
    bad = tf.gather(tf.constant([1.0, 2.0]), tf.constant([5]), name="bad_gather")
    with tf.Session() as sess:
        first = sess.run(doubled)
        first[0] = 99.0  # the user's copy
        np.testing.assert_array_equal(sess.run(doubled), [0.0, 2.0, 4.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="bad_gather"):
            sess.run(bad)


def test_folded_ops_launch_no_kernels_on_the_null_device(monkeypatch):
    runtime = fake_cuda.install(monkeypatch)
    x, w, loss, grad = _seed_like()
    xv = np.random.default_rng(1).standard_normal((4, 3))
    with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as cpu:
        cpu.run(tf.global_variables_initializer())
        want = cpu.run([loss, grad], {x: xv})
    config = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=False))
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        runtime.launches.clear()
        got = sess.run([loss, grad], {x: xv})
    launched = {name for name, _ in runtime.launches}
    assert not {"RealDiv", "BroadcastTo"} & launched and "MatMul" in launched
    for g, w_ in zip(got, want):
        np.testing.assert_array_equal(g, w_)
