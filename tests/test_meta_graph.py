"""tf.train.export_meta_graph / import_meta_graph and the .meta Saver.save writes: a trained
model rebuilt in a fresh graph from the file alone, restored from its checkpoint, gives the
same outputs and trains on to the same values (bit for bit, NumPy backend); loops and conds
come back; graphs that cannot be exported say which op; a bad file changes nothing."""
import json
import os

import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(4)
X = RNG.standard_normal((16, 5)).astype(np.float32)
Y = RNG.integers(0, 3, 16).astype(np.int32)


def _build():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(h, 3, name="logits")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step, name="train")
    tf.add_to_collection("train_op", train)
    tf.add_to_collection("loss", loss)
    return loss, train


def test_a_checkpoint_and_its_meta_graph_rebuild_the_model_in_a_fresh_graph(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    with tf.Graph().as_default():
        loss, train = _build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {"x:0": X, "y:0": Y})
            saved = tf.train.Saver().save(sess, prefix, global_step=3)
            for _ in range(2):  # the original trains on: the reference
                sess.run(train, {"x:0": X, "y:0": Y})
            want = sess.run([loss] + tf.global_variables(), {"x:0": X, "y:0": Y})
    assert os.path.exists(saved + ".meta")
    with tf.Graph().as_default() as graph:  # no code of the model from here on
        saver = tf.train.import_meta_graph(saved + ".meta")
        train = graph.get_collection("train_op")[0]
        loss = graph.get_collection("loss")[0]
        assert [v.name for v in tf.trainable_variables()] == [
            "hidden/kernel:0", "hidden/bias:0", "logits/kernel:0", "logits/bias:0"]
        with tf.Session() as sess:
            saver.restore(sess, saved)
            assert sess.run(tf.train.get_global_step()) == 3
            for _ in range(2):
                sess.run(train, {"x:0": X, "y:0": Y})
            got = sess.run([loss] + tf.global_variables(), {"x:0": X, "y:0": Y})
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.asarray(g).tobytes() == np.asarray(w).tobytes()


def test_loops_conds_and_constants_come_back():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        flag = tf.placeholder(tf.bool, [], name="flag")
        _, total = tf.while_loop(lambda i, acc: i < 4, lambda i, acc: (i + 1, acc * 1.5 + x),
                                 [tf.constant(0), tf.zeros([3])])
        chosen = tf.cond(flag, lambda: total * 2.0, lambda: tf.sin(total))
        grad = tf.gradients(tf.reduce_sum(chosen), x)[0]
        out = tf.identity(chosen + tf.constant(np.arange(3, dtype=np.float32)), name="out")
        tf.identity(grad, name="grad")
        meta = tf.train.export_meta_graph()
        feeds = [{"x:0": np.array([1, -2, 0.5], np.float32), "flag:0": f} for f in (True, False)]
        with tf.Session() as sess:
            want = [sess.run(["out:0", "grad:0"], f) for f in feeds]
    meta = json.loads(json.dumps(meta))  # through JSON, as a file holds it
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(meta) is None  # no variables: no Saver
        with tf.Session() as sess:
            got = [sess.run(["out:0", "grad:0"], f) for f in feeds]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g[0], w[0])
        np.testing.assert_array_equal(g[1], w[1])
    assert out is not None


def test_graphs_that_cannot_be_exported_name_the_op_and_checkpoints_still_save(tmp_path,
                                                                              caplog):
    caplog.set_level("INFO", logger="tf0")
    with tf.Graph().as_default():
        v = tf.Variable(2.0, name="v")
        tf.py_func(lambda a: a * 2, [v.value()], tf.float32, name="doubler")
        with pytest.raises(TypeError, match="doubler"):
            tf.train.export_meta_graph()
        with tf.Session() as sess:
            sess.run(v.initializer)
            saver = tf.train.Saver()
            first = saver.save(sess, str(tmp_path / "m"), global_step=1)
            second = saver.save(sess, str(tmp_path / "m"), global_step=2)
    assert os.path.exists(first + ".safetensors") and os.path.exists(second + ".safetensors")
    assert not os.path.exists(first + ".meta") and not os.path.exists(second + ".meta")
    assert sum("no meta graph" in r.getMessage() for r in caplog.records) == 1


def test_bad_meta_graphs_raise_and_add_nothing(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="w")
        good = tf.train.export_meta_graph()
    broken = dict(good, nodes=good["nodes"] + [{"name": "bad", "type": "Add",
                                                  "inputs": ["w:0", "missing:0"],
                                                  "control_inputs": [], "attrs": {}}])
    garbled = tmp_path / "garbled.meta"
    garbled.write_text("{not json")
    with tf.Graph().as_default() as graph:
        for bad, error in ((broken, tf.errors.DataLossError),
                           (str(garbled), tf.errors.DataLossError),
                           (str(tmp_path / "none.meta"), tf.errors.NotFoundError),
                           ({"format": "other"}, tf.errors.DataLossError)):
            with pytest.raises(error):
                tf.train.import_meta_graph(bad)
            assert graph.get_operations() == [] and graph.get_all_collection_keys() == []
        tf.train.import_meta_graph(good)
        with pytest.raises(ValueError, match="already has ops named"):
            tf.train.import_meta_graph(good)


def test_old_meta_files_go_with_their_checkpoints(tmp_path):
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        with tf.Session() as sess:
            sess.run(v.initializer)
            saver = tf.train.Saver(max_to_keep=2)
            paths = [saver.save(sess, str(tmp_path / "m"), global_step=k) for k in range(4)]
    kept = sorted(os.listdir(tmp_path))
    assert kept == sorted(["checkpoint"] + [os.path.basename(p) + ext for p in paths[2:]
                                            for ext in (".safetensors", ".meta")])
