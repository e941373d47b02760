"""tf.train's checkpoint utilities and the smaller hooks."""
import threading

import numpy as np
import pytest

import tf0 as tf


def test_checkpoint_state_utilities(tmp_path):
    tf.Variable([1.0, 2.0], name="w")
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver(max_to_keep=10)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)
        second = saver.save(sess, str(tmp_path / "m"), global_step=2)
        assert tf.train.global_step(sess, step) == 0
    assert len(tf.train.get_checkpoint_mtimes([first, second, str(tmp_path / "none")])) == 2
    tf.train.update_checkpoint_state(str(tmp_path), first)
    assert tf.train.latest_checkpoint(str(tmp_path)) == first
    np.testing.assert_array_equal(tf.train.load_checkpoint(str(tmp_path)).get_tensor("w"),
                                  [1.0, 2.0])
    tf.train.remove_checkpoint(first)
    assert not tf.train.checkpoint_exists(first) and tf.train.checkpoint_exists(second)
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), "graph.pb")
    with tf.Graph().as_default():
        graph_def = tf.GraphDef()
        with tf.gfile.GFile(path, "rb") as f:
            graph_def.ParseFromString(f.read())  # the written graph reads back
        tf.import_graph_def(graph_def, name="")
        assert tf.get_default_graph().get_operation_by_name("w").type == "VariableV2"


def test_checkpoints_iterator_yields_new_ones(tmp_path):
    tf.Variable(1.0)
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    def write_two():
        saver.save(sess, str(tmp_path / "m"), global_step=1)
        threading.Event().wait(0.3)
        saver.save(sess, str(tmp_path / "m"), global_step=2)
    thread = threading.Thread(target=write_two)
    thread.start()
    seen = list(tf.train.checkpoints_iterator(str(tmp_path), timeout=1.0))
    thread.join()
    sess.close()
    assert [p.rsplit("-", 1)[1] for p in seen] == ["1", "2"]


def test_global_step_checks():
    step = tf.train.get_or_create_global_step()
    tf.train.assert_global_step(step)
    with pytest.raises(TypeError, match="integer"):
        tf.train.assert_global_step(tf.Variable(0.0))


def test_final_ops_feed_fn_and_listener_hooks(tmp_path):
    x = tf.placeholder(tf.float32, [])
    total = tf.Variable(0.0)
    step = tf.train.get_or_create_global_step()
    train = tf.group(total.assign_add(x), step.assign_add(1))
    final = tf.train.FinalOpsHook(total * 10.0)
    values = iter([1.0, 2.0, 3.0])
    feeding = tf.train.FeedFnHook(lambda: {x: next(values)})

    class Stopper(tf.train.CheckpointSaverListener):
        saves = []

        def after_save(self, session, global_step_value):
            self.saves.append(global_step_value)
            return global_step_value >= 2

    saver_hook = tf.train.CheckpointSaverHook(str(tmp_path), save_steps=2,
                                              listeners=[Stopper()])
    with tf.train.MonitoredSession(hooks=[final, feeding, saver_hook]) as sess:
        while not sess.should_stop():
            sess.run(train)
    assert Stopper.saves == [0, 2] and final.final_ops_values == pytest.approx(30.0)
