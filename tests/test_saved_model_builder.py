"""TF1's SavedModel API over tf0's files: a serving program saved with the builder is loaded
by tags in another process and answers as the original; a training graph saved beside it
trains on; the errors TF1 raises."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(91)


def _model():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(h, 3, name="logits")
    return x, logits


def test_builder_and_loader_round_trip_in_a_fresh_process(tmp_path):
    x, logits = _model()
    probs = tf.nn.softmax(logits, name="probs")
    xv = RNG.standard_normal((5, 4)).astype(np.float32)
    export = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(probs, {x: xv})
        sm = tf.saved_model
        builder = sm.builder.SavedModelBuilder(export)
        predict = sm.signature_def_utils.predict_signature_def({"images": x}, {"scores": probs})
        classify = sm.signature_def_utils.build_signature_def(
            {sm.signature_constants.CLASSIFY_INPUTS: sm.utils.build_tensor_info(x)},
            {sm.signature_constants.CLASSIFY_OUTPUT_CLASSES:
             sm.utils.build_tensor_info(tf.argmax(logits, 1))},
            sm.signature_constants.CLASSIFY_METHOD_NAME)
        builder.add_meta_graph_and_variables(
            sess, [sm.tag_constants.SERVING],
            signature_def_map={"predict_images": predict,
                               sm.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
                               classify}, main_op=tf.local_variables_initializer())
        builder.save()
    assert tf.saved_model.contains_saved_model(export)
    np.save(tmp_path / "x.npy", xv)
    code = textwrap.dedent(f"""
        import numpy as np, tf0 as tf
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, ["serve"], {export!r})
            sig = meta.signature_def["predict_images"]
            assert sig.method_name == "tensorflow/serving/predict"
            assert sig.inputs["images"].dtype == tf.float32
            scores = sess.run(sig.outputs["scores"].name,
                              {{sig.inputs["images"].name: np.load({str(tmp_path / 'x.npy')!r})}})
            np.save({str(tmp_path / 'scores.npy')!r}, scores)
    """)
    subprocess.run([sys.executable, "-c", code], check=True)
    np.testing.assert_allclose(np.load(tmp_path / "scores.npy"), want, rtol=1e-6)
    model = tf.saved_model.load(export)  # the default serving signature, callable
    np.testing.assert_array_equal(model(inputs=xv)["classes"], want.argmax(1))


def test_a_training_graph_saved_beside_the_serving_one_trains_on(tmp_path):
    x, logits = _model()
    labels = tf.placeholder(tf.int64, [None], name="labels")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss, name="train")
    xv = RNG.standard_normal((16, 4)).astype(np.float32)
    yv = (xv[:, 0] > 0).astype(np.int64)
    export = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xv, labels: yv})
        builder = tf.saved_model.builder.SavedModelBuilder(export)
        builder.add_meta_graph_and_variables(sess, ["train"])
        builder.add_meta_graph(["serve"], signature_def_map={
            "serving_default": tf.saved_model.predict_signature_def({"x": x}, {"y": logits})})
        builder.save()
        after_one = sess.run(loss, {x: xv, labels: yv})
        sess.run(train, {x: xv, labels: yv})
        want = sess.run(loss, {x: xv, labels: yv})
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["train"], export)
        fetch = sess.graph.get_tensor_by_name
        feeds = {fetch("x:0"): xv, fetch("labels:0"): yv}
        assert sess.run(loss.name, feeds) == pytest.approx(after_one, rel=1e-6)
        sess.run("train", feeds)
        assert sess.run(loss.name, feeds) == pytest.approx(want, rel=1e-6)


def test_builder_and_loader_errors(tmp_path):
    x, logits = _model()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(AssertionError, match="already exists"):
        tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "full"))
    builder = tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "m"))
    with pytest.raises(AssertionError, match="add_meta_graph_and_variables"):
        builder.add_meta_graph(["serve"])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        builder.add_meta_graph_and_variables(sess, ["serve"])
        with pytest.raises(AssertionError, match="already been saved"):
            builder.add_meta_graph_and_variables(sess, ["train"])
    builder.save()
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(RuntimeError, match="could not be found"):
            tf.saved_model.loader.load(sess, ["train"], str(tmp_path / "m"))
        with pytest.raises(tf.errors.NotFoundError):
            tf.saved_model.loader.load(sess, ["serve"], str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="cannot be None or empty"):
        tf.saved_model.predict_signature_def({}, {"y": logits})


def test_simple_save_is_a_serving_saved_model(tmp_path):
    x, logits = _model()
    xv = RNG.standard_normal((3, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(logits, {x: xv})
        tf.saved_model.simple_save(sess, str(tmp_path / "s"), {"x": x}, {"logits": logits})
    np.testing.assert_allclose(tf.saved_model.load(str(tmp_path / "s"))(x=xv)["logits"], want,
                               rtol=1e-6)
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.load(sess, [tf.saved_model.SERVING], str(tmp_path / "s"))
        sig = meta.signature_def[tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        np.testing.assert_allclose(sess.run(sig.outputs["logits"].name,
                                            {sig.inputs["x"].name: xv}), want, rtol=1e-6)
