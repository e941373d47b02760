"""tf.estimator with a custom model_fn: training resumes from model_dir, evaluation and
prediction read its checkpoints, a SavedModel export serves the same predictions, and the
errors TF1 raises."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(101)
X = RNG.standard_normal((256, 4)).astype(np.float32)
Y = (X[:, 0] - X[:, 2] > 0).astype(np.int64)


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(features["x"], params["hidden"], activation=tf.nn.tanh)
    logits = tf.layers.dense(hidden, 2)
    classes = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"class": classes,
                                                             "logits": logits})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, eval_metric_ops={"accuracy": tf.metrics.accuracy(labels, classes)})
    train = tf.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)


def _input(x, y=None, epochs=1, shuffle=False, batch=64):
    return tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=batch, num_epochs=epochs,
                                              shuffle=shuffle)


def _estimator(model_dir, **config):
    return tf.estimator.Estimator(model_fn, model_dir=str(model_dir), params={"hidden": 8},
                                  config=tf.estimator.RunConfig(tf_random_seed=3, **config))


def test_train_evaluate_predict_and_resume(tmp_path):
    est = _estimator(tmp_path, save_checkpoints_steps=40)
    est.train(_input(X, Y, epochs=None, shuffle=True), steps=100)
    assert est.get_variable_value("global_step") == 100
    result = est.evaluate(_input(X, Y))
    assert result["global_step"] == 100 and result["accuracy"] > 0.9
    # the evaluation by hand, from the checkpointed weights
    w0, b0 = est.get_variable_value("dense/kernel"), est.get_variable_value("dense/bias")
    w1, b1 = est.get_variable_value("dense_1/kernel"), est.get_variable_value("dense_1/bias")
    logits = np.tanh(X @ w0 + b0) @ w1 + b1
    assert result["accuracy"] == pytest.approx(np.mean(logits.argmax(1) == Y), abs=1e-6)
    predictions = list(est.predict(_input(X[:7], batch=3)))
    assert len(predictions) == 7
    np.testing.assert_allclose(np.stack([p["logits"] for p in predictions]), logits[:7],
                               rtol=1e-5, atol=1e-5)
    est.train(_input(X, Y, epochs=None, shuffle=True), max_steps=130)  # resumes
    assert est.get_variable_value("global_step") == 130
    est.train(_input(X, Y, epochs=None, shuffle=True), max_steps=120)  # nothing to do
    assert est.get_variable_value("global_step") == 130
    est.train(_input(X, Y, epochs=1, batch=64))  # until the data ends: 4 batches
    assert est.get_variable_value("global_step") == 134
    assert (tmp_path / "eval").is_dir()


def test_export_serves_the_predictions(tmp_path):
    est = _estimator(tmp_path)
    est.train(_input(X, Y, epochs=None, shuffle=True), steps=20)
    receiver = tf.estimator.export.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 4])})
    path = est.export_saved_model(str(tmp_path / "export"), receiver)
    assert isinstance(path, bytes)
    served = tf.saved_model.load(path.decode())(x=X[:5])
    want = [p["logits"] for p in est.predict(_input(X[:5]))]
    np.testing.assert_allclose(served["logits"], np.stack(want), rtol=1e-5)


def test_train_and_evaluate_and_run_config():
    config = tf.estimator.RunConfig(save_checkpoints_steps=10)
    assert config.save_checkpoints_secs is None
    assert config.replace(save_checkpoints_secs=30).save_checkpoints_steps is None
    with pytest.raises(ValueError, match="both"):
        tf.estimator.RunConfig(save_checkpoints_steps=1, save_checkpoints_secs=1)


def test_train_and_evaluate_runs_both(tmp_path):
    est = _estimator(tmp_path)
    result, exports = tf.estimator.train_and_evaluate(
        est, tf.estimator.TrainSpec(_input(X, Y, epochs=None, shuffle=True), max_steps=30),
        tf.estimator.EvalSpec(_input(X, Y), steps=None))
    assert result["global_step"] == 30 and exports == []


def test_estimator_errors(tmp_path):
    est = _estimator(tmp_path)
    with pytest.raises(ValueError, match="Could not find trained model"):
        est.evaluate(_input(X, Y))
    with pytest.raises(ValueError, match="both steps and max_steps"):
        est.train(_input(X, Y), steps=1, max_steps=2)
    with pytest.raises(ValueError, match="shuffle must be provided"):
        tf.estimator.inputs.numpy_input_fn({"x": X})
    with pytest.raises(ValueError, match="Missing train_op"):
        tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=tf.constant(1.0))
    with pytest.raises(ValueError, match="different values"):
        tf.estimator.Estimator(model_fn, model_dir=str(tmp_path / "a"),
                               config=tf.estimator.RunConfig(model_dir=str(tmp_path / "b")))


def test_warm_start_from_another_models_checkpoint(tmp_path):
    first = _estimator(tmp_path / "first")
    first.train(_input(X, Y, epochs=None, shuffle=True), steps=30)
    second = tf.estimator.Estimator(
        model_fn, model_dir=str(tmp_path / "second"), params={"hidden": 8},
        warm_start_from=tf.estimator.WarmStartSettings(str(tmp_path / "first"),
                                                       vars_to_warm_start="dense_1/.*"))
    second.train(_input(X, Y), steps=1)
    # its first step started from first's output layer, not a fresh one; the hidden layer
    # (not warm-started) is freshly initialized
    moved = second.get_variable_value("dense_1/bias") - first.get_variable_value("dense_1/bias")
    assert np.abs(moved).max() < 0.2
    assert not np.allclose(second.get_variable_value("dense/kernel"),
                           first.get_variable_value("dense/kernel"))


def test_warm_start_function_and_loss_reductions(tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        tf.train.Saver().save(sess, str(tmp_path / "ckpt"))
    tf.reset_default_graph()
    renamed = tf.Variable([0.0, 0.0], name="renamed")
    tf.train.warm_start(str(tmp_path / "ckpt"), ".*", var_name_to_prev_var_name={
        "renamed": "w"})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(renamed), [1.0, 2.0])
    with pytest.raises(NotImplementedError, match="batch_norm"):
        tf.estimator.DNNClassifier([4], [tf.feature_column.numeric_column("x")],
                                   batch_norm=True)
    with pytest.raises(ValueError, match="loss_reduction"):
        tf.estimator.DNNRegressor([4], [tf.feature_column.numeric_column("x")],
                                  loss_reduction="sideways")


def test_a_mean_loss_reduction_reports_the_average_loss(tmp_path):
    x = RNG.standard_normal(120).astype(np.float32)
    est = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("x")],
                                       model_dir=str(tmp_path),
                                       loss_reduction=tf.losses.Reduction.MEAN)
    fn = tf.estimator.inputs.numpy_input_fn({"x": x}, 2 * x, batch_size=40, shuffle=False)
    est.train(fn, steps=2)
    result = est.evaluate(fn)
    assert result["loss"] == pytest.approx(result["average_loss"], rel=1e-5)
