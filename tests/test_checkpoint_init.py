"""tf.train.init_from_checkpoint: a model fine-tuned from another's checkpoint starts from
its values (scope to scope, one name to one name, to a Variable object, from and to the
root); a bad map raises and changes no initializer; the checkpoint is read when the
initializers run, on both backends."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf

RNG = np.random.default_rng(12)
W, B, E = (RNG.standard_normal(s).astype(np.float32) for s in ((4, 3), (3,), (5, 2)))


def _pretrained(path):
    with tf.Graph().as_default():
        with tf.variable_scope("encoder"):
            tf.get_variable("w", initializer=W)
            tf.get_variable("b", initializer=B)
        tf.Variable(E, name="embedding")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return tf.train.Saver().save(sess, str(path / "pre"))


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_fine_tuning_starts_from_the_checkpoint(tmp_path, monkeypatch, device):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    prefix = _pretrained(tmp_path)
    with tf.Graph().as_default():
        with tf.variable_scope("model/enc"):
            w = tf.get_variable("w", [4, 3])
            b = tf.get_variable("b", [3])
        emb = tf.Variable(tf.zeros([5, 2]), name="emb")
        table = tf.Variable(tf.zeros([5, 2]), name="table")
        head = tf.get_variable("head", [3, 1], initializer=tf.ones_initializer())
        tf.train.init_from_checkpoint(str(tmp_path), {"encoder/": "model/enc/",
                                                      "embedding": "emb"})
        tf.train.init_from_checkpoint(prefix, {"embedding": table})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([w, b, emb, table, head])
    for g, want in zip(got, [W, B, E, E, np.ones((3, 1))]):
        np.testing.assert_array_equal(g, want)


def test_root_to_scope_and_bad_maps(tmp_path):
    prefix = _pretrained(tmp_path)
    with tf.Graph().as_default():
        with tf.variable_scope("copy"):
            tf.get_variable("embedding", [5, 2])
            with tf.variable_scope("encoder"):
                w = tf.get_variable("w", [4, 3])
                tf.get_variable("b", [3])
        before = w.initializer
        for bad, match in (({"missing": "copy/encoder/w"}, "not found"),
                           ({"encoder/w": "copy/embedding"}, "doesn't match"),
                           ({"encoder/w": "copy/"}, "scope maps to a scope"),
                           ({"/": "nowhere/"}, "No variable"),
                           ({"encoder/": "copy/encoder/", "encoder/b": "copy/embedding"},
                            "doesn't match")):  # the good entry changes nothing either
            with pytest.raises(ValueError, match=match):
                tf.train.init_from_checkpoint(prefix, bad)
        assert w.initializer is before
        with pytest.raises(tf.errors.NotFoundError):
            tf.train.init_from_checkpoint(str(tmp_path / "none"), {"/": "copy/"})
        tf.train.init_from_checkpoint(prefix, {"/": "copy/"})
        assert w.initializer is not before
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(w), W)
            np.testing.assert_array_equal(sess.run("copy/embedding:0"), E)
