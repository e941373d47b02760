"""tf.train.Supervisor and SessionManager: a managed session restores from its logdir, runs
the queue runners, saves checkpoints on a timer, and stops cleanly at the end of the input;
make_template shares variables between calls."""
import time

import numpy as np
import pytest

import tf0 as tf


def _model():
    x = tf.train.limit_epochs(tf.constant(np.arange(8, dtype=np.float32)), num_epochs=30)
    batch = tf.train.batch([x], 1, enqueue_many=True, capacity=8)[0]
    w = tf.Variable(0.0, name="w")
    step = tf.train.get_or_create_global_step()
    loss = tf.square(w - batch)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)
    return w, step, train


def test_managed_session_trains_saves_and_resumes(tmp_path):
    w, step, train = _model()
    sv = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0.05,
                             save_summaries_secs=0)
    ran = 0
    with sv.managed_session() as sess:
        while not sv.should_stop():
            sess.run(train)
            ran += 1
            if ran == 100:
                time.sleep(0.2)  # a timed checkpoint or two
    assert ran == 240  # 30 epochs of 8, then the input's end stops the loop cleanly
    saved = tf.train.latest_checkpoint(str(tmp_path))
    assert saved is not None
    (events,) = tmp_path.glob("events.out.tfevents.*")  # the chief's writer has the graph
    graphs = [e.graph_def for e in tf.train.summary_iterator(str(events)) if e.graph_def]
    assert len(graphs) == 1 and train.name.encode() in graphs[0]
    tf.reset_default_graph()
    w, step, train = _model()
    sv = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0)
    with sv.managed_session() as sess:
        resumed = sess.run(step)
        assert resumed >= 100  # restored, not initialized again
        sv.request_stop()
    assert sv.should_stop()


def test_session_manager_restores_or_initializes(tmp_path):
    w = tf.Variable(3.0, name="w")
    saver = tf.train.Saver()
    manager = tf.train.SessionManager()
    sess = manager.prepare_session(init_op=tf.global_variables_initializer(), saver=saver,
                                   checkpoint_dir=str(tmp_path))
    assert sess.run(w) == 3.0
    sess.run(w.assign(7.0))
    saver.save(sess, str(tmp_path / "m"))
    sess, restored = manager.recover_session(saver=saver, checkpoint_dir=str(tmp_path))
    assert restored and sess.run(w) == 7.0
    with pytest.raises(RuntimeError, match="not initialized"):
        tf.train.SessionManager().prepare_session(saver=saver,
                                                  checkpoint_dir=str(tmp_path / "none"))


def test_an_error_in_the_managed_block_is_raised_after_stopping(tmp_path):
    tf.Variable(1.0)
    sv = tf.train.Supervisor(logdir=None)
    with pytest.raises(ZeroDivisionError):
        with sv.managed_session():
            1 / 0


def test_make_template_shares_variables():
    def scale(x, factor):
        w = tf.get_variable("w", [2], initializer=tf.ones_initializer())
        return x * w * factor
    first = tf.make_template("scale", scale, factor=2.0)
    second = tf.make_template("scale", scale, factor=3.0)
    a, b, c = first(tf.constant([1.0, 2.0])), first(tf.constant([3.0, 4.0])), \
        second(tf.constant([1.0, 1.0]))
    assert [v.op.name for v in tf.global_variables()] == ["scale/w", "scale_1/w"]
    assert [v.op.name for v in first.variables] == ["scale/w"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.global_variables()[0].assign([2.0, 1.0]))
        got = sess.run([a, b, c])
    np.testing.assert_array_equal(got[0], [4.0, 4.0])
    np.testing.assert_array_equal(got[1], [12.0, 8.0])
    np.testing.assert_array_equal(got[2], [3.0, 3.0])
