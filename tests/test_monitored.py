"""tf.train.MonitoredTrainingSession and its hooks: stopping, checkpoints written and
restored on TF1's schedule, summaries, logging, NaN detection, hook fetches and feeds, and
the clean end of a dataset loop."""
import logging
import os
import re

import numpy as np
import pytest

import tf0 as tf


def _model():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(np.ones((2, 1), np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    return x, w, loss, step, train


def _saved_steps(folder):
    return sorted(int(m.group(1)) for name in os.listdir(folder)
                  if (m := re.match(r"model\.ckpt-(\d+)\.safetensors$", name)))


def test_training_stops_saves_and_resumes(tmp_path):
    x, w, loss, step, train = _model()
    tf.summary.scalar("loss", loss)
    batch = np.random.default_rng(0).random((4, 2)).astype(np.float32)
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=str(tmp_path), save_checkpoint_steps=10, save_summaries_steps=5,
            hooks=[tf.train.StopAtStepHook(last_step=25)]) as sess:
        runs = 0
        while not sess.should_stop():
            sess.run(train, {x: batch})
            runs += 1
        with pytest.raises(RuntimeError, match="should_stop"):
            sess.run(train, {x: batch})
    assert runs == 25
    assert _saved_steps(tmp_path) == [0, 10, 20, 25]
    # a second session restores step 25 and w, and runs 5 more steps (no summaries: they
    # would need x fed in the runs below that read step and w alone)
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=str(tmp_path), save_summaries_steps=None,
            hooks=[tf.train.StopAtStepHook(num_steps=5)]) as sess:
        assert sess.run(step) == 25
        first = sess.run(w)
        while not sess.should_stop():
            sess.run(train, {x: batch})
    assert tf.train.load_variable(str(tmp_path), "global_step") == 30
    np.testing.assert_array_equal(
        tf.train.load_variable(str(tmp_path / "model.ckpt-25"), "w"), first)
    events = [n for n in os.listdir(tmp_path) if n.startswith("events.out.tfevents")]
    assert events  # summaries every 5 steps


def test_hooks_see_their_fetches_and_feeds_and_can_stop():
    x, w, loss, step, train = _model()
    scale = tf.placeholder_with_default(1.0, [])
    scaled = loss * scale
    seen = []

    class Probe(tf.train.SessionRunHook):
        def before_run(self, run_context):
            assert run_context.original_args.fetches is train
            return tf.train.SessionRunArgs({"scaled": scaled, "step": step},
                                           feed_dict={scale: 10.0})

        def after_run(self, run_context, run_values):
            seen.append((int(run_values.results["step"]), float(run_values.results["scaled"])))
            if len(seen) == 3:
                run_context.request_stop()
    batch = np.ones((2, 2), np.float32)
    with tf.train.MonitoredTrainingSession(hooks=[Probe()]) as sess:
        while not sess.should_stop():
            assert sess.run(train, {x: batch}) is None
    assert [s for s, _ in seen] == [0, 1, 2]  # read in the same run as the step
    np.testing.assert_allclose(seen[0][1], 10.0, rtol=1e-6)  # (2 - 1)^2 * 10
    with tf.train.MonitoredTrainingSession(hooks=[Probe()]) as sess:
        with pytest.raises(RuntimeError, match="fed by a SessionRunHook and user"):
            sess.run(train, {x: batch, scale: 2.0})


def test_logging_and_nan_hooks():
    x, w, loss, step, train = _model()
    messages = []

    class Keep(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())
    keep, old = Keep(), tf.logging.get_verbosity()
    logging.getLogger("tf0").addHandler(keep)
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        hooks = [tf.train.LoggingTensorHook({"step": step}, every_n_iter=2),
                 tf.train.StopAtStepHook(last_step=5)]
        with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:
            while not sess.should_stop():
                sess.run(train, {x: np.ones((2, 2), np.float32)})
    finally:
        logging.getLogger("tf0").removeHandler(keep)
        tf.logging.set_verbosity(old)
    assert messages == ["step = 0", "step = 2", "step = 4"]
    with tf.train.MonitoredTrainingSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
        with pytest.raises(tf.train.NanLossDuringTrainingError):
            sess.run(train, {x: np.full((2, 2), np.nan, np.float32)})


def test_a_dataset_loop_ends_cleanly_when_the_input_runs_out(tmp_path):
    data = tf.data.Dataset.from_tensor_slices(np.arange(10, dtype=np.float32)).batch(3)
    values = data.make_one_shot_iterator().get_next()
    total = tf.Variable(0.0)
    add = tf.assign_add(total, tf.reduce_sum(values))
    tf.train.get_or_create_global_step()
    sums = []
    with tf.train.SingularMonitoredSession(checkpoint_dir=str(tmp_path)) as sess:
        while not sess.should_stop():
            sums.append(sess.run(add))
        raise AssertionError("not reached: the iterator runs out first")
    assert sums == [3.0, 15.0, 36.0, 45.0]
    assert tf.get_default_graph().finalized  # as TF1 leaves it
