"""tf.estimator's DNNLinearCombinedClassifier and Regressor (wide and deep): the logits of
the two parts add, each part's optimizer (TF1's defaults: Adagrad 0.001 for the DNN, Ftrl
at min(0.005, 1/sqrt(columns)) for the linear part) trains its own variables, the global
step moves once per step. References: one step worked out in NumPy from the weights."""
import numpy as np
import pytest

import tf0 as tf

fc = tf.feature_column
RNG = np.random.default_rng(29)
N = 64
X = RNG.uniform(-1, 1, N).astype(np.float32)
Z = RNG.uniform(-1, 1, N).astype(np.float32)
Y = (2 * X - Z + 0.5).astype(np.float32)


def _input(features, labels, epochs=1, batch=N, shuffle=False):
    return tf.estimator.inputs.numpy_input_fn(features, labels, batch_size=batch,
                                              num_epochs=epochs, shuffle=shuffle)


def test_one_step_of_each_part_follows_tf1s_default_optimizers(tmp_path):
    # the linear part alone: Ftrl at min(0.005, 1/sqrt(1)) from zero weights and
    # accumulators of 0.1; the summed squared error's gradient is -2 sum(y * x), -2 sum(y)
    wide = tf.estimator.DNNLinearCombinedRegressor(
        model_dir=str(tmp_path / "wide"), linear_feature_columns=[fc.numeric_column("x")])
    wide.train(_input({"x": X}, Y), steps=1)
    for name, grad in (("linear/linear_model/x/weights", -2 * np.dot(Y, X)),
                       ("linear/linear_model/bias_weights", -2 * Y.sum())):
        want = -0.005 * grad / np.sqrt(0.1 + grad * grad)
        assert wide.get_variable_value(name).item() == pytest.approx(want, rel=1e-5)
    assert wide.get_variable_value("global_step") == 1
    # the DNN part alone, from known weights: Adagrad at 0.001 (accumulators of 0.1)
    start = tf.estimator.DNNRegressor([3], [fc.numeric_column("x"), fc.numeric_column("z")],
                                      model_dir=str(tmp_path / "start"),
                                      optimizer=lambda: tf.train.GradientDescentOptimizer(0.0))
    start.train(_input({"x": X, "z": Z}, Y), steps=1)
    deep = tf.estimator.DNNLinearCombinedRegressor(
        model_dir=str(tmp_path / "deep"),
        dnn_feature_columns=[fc.numeric_column("x"), fc.numeric_column("z")],
        dnn_hidden_units=[3], warm_start_from=tf.estimator.WarmStartSettings(
            str(tmp_path / "start"), vars_to_warm_start="dnn/.*"))
    deep.train(_input({"x": X, "z": Z}, Y), steps=1)
    names = ["dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/bias", "dnn/logits/kernel",
             "dnn/logits/bias"]
    w0, b0, w1, b1 = (start.get_variable_value(n).astype(np.float64) for n in names)
    inputs = np.stack([X, Z], 1).astype(np.float64)
    pre = inputs @ w0 + b0
    hidden = np.maximum(pre, 0)
    dpred = 2 * (hidden @ w1 + b1 - Y[:, None])
    dpre = (dpred @ w1.T) * (pre > 0)
    grads = [inputs.T @ dpre, dpre.sum(0), hidden.T @ dpred, dpred.sum(0)]
    for name, value, grad in zip(names, (w0, b0, w1, b1), grads):
        want = value - 0.001 * grad / np.sqrt(0.1 + grad * grad)
        np.testing.assert_allclose(deep.get_variable_value(name), want, rtol=1e-5,
                                   atol=1e-7, err_msg=name)


def test_predictions_add_the_two_parts_and_each_optimizer_keeps_to_its_own(tmp_path):
    est = tf.estimator.DNNLinearCombinedRegressor(
        model_dir=str(tmp_path), linear_feature_columns=[fc.numeric_column("x")],
        dnn_feature_columns=[fc.numeric_column("z")], dnn_hidden_units=[4, 2],
        linear_optimizer=lambda: tf.train.GradientDescentOptimizer(0.001))
    est.train(_input({"x": X, "z": Z}, Y, epochs=None, batch=16, shuffle=True), steps=30)
    names = set(est.get_variable_names())
    assert est.get_variable_value("global_step") == 30  # one increment per step
    assert "dnn/hiddenlayer_0/kernel/Adagrad" in names  # the DNN's optimizer's slots
    assert not any(n.startswith("linear") and "Adagrad" in n for n in names)
    value = {n: est.get_variable_value(n).astype(np.float64) for n in names}
    hidden = np.maximum(Z[:, None] @ value["dnn/hiddenlayer_0/kernel"]
                        + value["dnn/hiddenlayer_0/bias"], 0)
    hidden = np.maximum(hidden @ value["dnn/hiddenlayer_1/kernel"]
                        + value["dnn/hiddenlayer_1/bias"], 0)
    want = hidden @ value["dnn/logits/kernel"] + value["dnn/logits/bias"] \
        + X[:, None] * value["linear/linear_model/x/weights"] \
        + value["linear/linear_model/bias_weights"]
    got = np.stack([p["predictions"] for p in est.predict(_input({"x": X, "z": Z}, None))])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_wide_and_deep_classifier_learns_crossed_and_dense_features(tmp_path):
    n = 600
    color = RNG.choice(["red", "green", "blue"], n).astype(object)
    size = RNG.integers(0, 3, n)
    x = RNG.standard_normal(n).astype(np.float32)
    label = (((color == "red") ^ (size == 1)) | (x > 1.2)).astype(np.int64)
    features = {"color": color, "size": size, "x": x}
    colors = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"])
    sizes = fc.categorical_column_with_identity("size", 3)
    est = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=str(tmp_path), linear_feature_columns=[fc.crossed_column(
            [colors, sizes], hash_bucket_size=50)],
        linear_optimizer=lambda: tf.train.FtrlOptimizer(0.1),
        dnn_feature_columns=[fc.numeric_column("x"), fc.embedding_column(colors, 2)],
        dnn_hidden_units=[8], dnn_optimizer=lambda: tf.train.AdagradOptimizer(0.1),
        config=tf.estimator.RunConfig(tf_random_seed=1))
    est.train(_input(features, label, epochs=None, batch=50, shuffle=True), steps=400)
    result = est.evaluate(_input(features, label, batch=200))
    assert result["accuracy"] > 0.9 and result["global_step"] == 400, result
    with pytest.raises(ValueError, match="Either linear_feature_columns or dnn_feature"):
        tf.estimator.DNNLinearCombinedClassifier(model_dir=str(tmp_path / "none"))
    with pytest.raises(ValueError, match="dnn_hidden_units must be defined"):
        tf.estimator.DNNLinearCombinedClassifier(dnn_feature_columns=[fc.numeric_column("x")])
