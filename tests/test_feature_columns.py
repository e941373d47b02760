"""Feature columns against values worked out here, and the canned estimators learning simple
rules from numeric, vocabulary and identity features (on NumPy and on the null GPU)."""
import numpy as np
import pytest

import tf0 as tf

fc = tf.feature_column
RNG = np.random.default_rng(111)


def _run(fetch):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetch)


def test_dense_columns_side_by_side_in_name_order():
    features = {"b": np.array([[1.0], [-3.0]], np.float32),
                "a": np.array([["x"], ["zz"]], object),
                "c": np.array([[1, 3], [0, -1]], np.int64)}
    layer = fc.input_layer(features, [
        fc.numeric_column("b", normalizer_fn=lambda v: v * 2.0),
        fc.indicator_column(fc.categorical_column_with_vocabulary_list("a", ["x", "y"])),
        fc.indicator_column(fc.categorical_column_with_identity("c", 4)),
        fc.bucketized_column(fc.numeric_column("b"), [0.0, 2.0])])
    # order: a_indicator, b, b_bucketized, c_indicator; "zz" and -1 are missing ids
    np.testing.assert_array_equal(_run(layer), [[1, 0, 2, 0, 1, 0, 0, 1, 0, 1],
                                                [0, 0, -6, 1, 0, 0, 1, 0, 0, 0]])


def test_embedding_combiners_and_linear_model_by_hand():
    ids = np.array([[1, 2], [0, -1]], np.int64)
    column = fc.categorical_column_with_identity("ids", 3)
    mean = fc.input_layer({"ids": ids}, [fc.embedding_column(column, 2)])
    table = tf.get_default_graph().get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0]
    linear = fc.linear_model({"ids": ids, "v": np.array([[2.0], [1.0]], np.float32)},
                             [column, fc.numeric_column("v")], units=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = sess.run(table)
        got = sess.run(mean)
        for v in tf.global_variables():
            if "linear_model" in v.op.name:
                v.load(np.arange(1, 1 + np.prod(v.shape.as_list()), dtype=np.float32)
                       .reshape(v.shape.as_list()), sess)
        lin = sess.run(linear)
    np.testing.assert_allclose(got, [(w[1] + w[2]) / 2, w[0]], rtol=1e-6)
    # ids weights [1, 2, 3]: row 0 sums 2 + 3, row 1 takes 1; v weight 1; bias 1
    np.testing.assert_allclose(lin, [[5 + 2 + 1], [1 + 1 + 1]])


def test_bad_columns_are_refused():
    with pytest.raises(ValueError, match="dense column"):
        fc.input_layer({"a": [[1]]}, [fc.categorical_column_with_identity("a", 2)])
    with pytest.raises(ValueError, match="Duplicate keys"):
        fc.categorical_column_with_vocabulary_list("a", ["x", "x"])
    with pytest.raises(ValueError, match="sorted"):
        fc.bucketized_column(fc.numeric_column("a"), [2.0, 1.0])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="ids must be in"):
            sess.run(fc.input_layer({"a": np.array([[5]])}, [
                fc.indicator_column(fc.categorical_column_with_identity("a", 3))]))


def _data(n=480):
    x = RNG.standard_normal(n).astype(np.float32)
    color = RNG.choice(["red", "green", "blue"], n).astype(object)
    size = RNG.integers(0, 4, n)
    label = ((x > 0) ^ (color == "red")).astype(np.int64)
    return {"x": x, "color": color, "size": size}, label


def _columns():
    color = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"])
    return [fc.numeric_column("x"), fc.indicator_column(color),
            fc.embedding_column(fc.categorical_column_with_identity("size", 4), 2)]


FEATURES, LABELS = _data()


def _classifier(model_dir, steps=250):
    est = tf.estimator.DNNClassifier([12], _columns(), model_dir=str(model_dir),
                                     optimizer="Adam",
                                     config=tf.estimator.RunConfig(tf_random_seed=2))
    est.train(tf.estimator.inputs.numpy_input_fn(FEATURES, LABELS, batch_size=40,
                                                 num_epochs=None, shuffle=True), steps=steps)
    return est


def _evaluate(est):
    return est.evaluate(tf.estimator.inputs.numpy_input_fn(FEATURES, LABELS, batch_size=120,
                                                           shuffle=False))


def test_dnn_classifier_learns_and_reports_tf1s_metrics(tmp_path):
    est = _classifier(tmp_path)
    result = _evaluate(est)
    first = next(est.predict(tf.estimator.inputs.numpy_input_fn(
        {k: v[:1] for k, v in FEATURES.items()}, batch_size=1, shuffle=False)))
    label = LABELS[0]
    assert result["accuracy"] > 0.95 and result["auc"] > 0.95
    assert {"average_loss", "loss", "precision", "recall", "label/mean", "prediction/mean",
            "accuracy_baseline", "auc_precision_recall", "global_step"} <= set(result)
    assert first["class_ids"][0] == label and first["classes"][0] == str(label).encode()
    np.testing.assert_allclose(first["probabilities"].sum(), 1.0, rtol=1e-6)


def test_dnn_classifier_on_the_null_gpu_evaluates_a_checkpoint_as_numpy_does(tmp_path,
                                                                             monkeypatch):
    import fake_cuda
    est = _classifier(tmp_path, steps=60)
    want = _evaluate(est)
    fake_cuda.install(monkeypatch)  # string features, lookups and metrics on the CUDA path
    got = _evaluate(est)
    for key in ("accuracy", "average_loss", "auc", "loss"):
        assert got[key] == pytest.approx(want[key], rel=1e-5, abs=1e-6), key
    est.train(tf.estimator.inputs.numpy_input_fn(FEATURES, LABELS, batch_size=40,
                                                 num_epochs=None, shuffle=True), steps=5)
    assert est.get_variable_value("global_step") == 65


def test_linear_and_dnn_regressors_and_a_vocabulary_of_labels(tmp_path):
    x = RNG.uniform(-2, 2, 400).astype(np.float32)
    y = 3 * x + 1
    # the loss sums over the batch (TF1's canned reduction): a small rate for plain SGD
    linear = tf.estimator.LinearRegressor(
        [fc.numeric_column("x")], model_dir=str(tmp_path / "lin"),
        optimizer=lambda: tf.train.GradientDescentOptimizer(0.005))
    linear.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=40,
                                                    num_epochs=None, shuffle=True), steps=200)
    assert linear.get_variable_value("linear/linear_model/x/weights")[0, 0] == \
        pytest.approx(3.0, abs=0.05)
    dnn = tf.estimator.DNNRegressor([8], [fc.numeric_column("x")],
                                    model_dir=str(tmp_path / "dnn"))
    dnn.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=40, num_epochs=None,
                                                 shuffle=True), steps=20)
    assert "average_loss" in dnn.evaluate(tf.estimator.inputs.numpy_input_fn(
        {"x": x}, y, batch_size=100, shuffle=False))
    words = np.where(x > 0, "up", "down").astype(object)
    named = tf.estimator.LinearClassifier([fc.numeric_column("x")], n_classes=2,
                                          label_vocabulary=["down", "up"],
                                          model_dir=str(tmp_path / "named"))
    named.train(tf.estimator.inputs.numpy_input_fn({"x": x}, words, batch_size=40,
                                                   num_epochs=None, shuffle=True), steps=100)
    guess = next(named.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": np.array([1.5], np.float32)}, batch_size=1, shuffle=False)))
    assert guess["classes"][0] == b"up"


def _xor_data(n=400):
    """Two string features whose XOR is the label: a linear model needs their cross."""
    a = RNG.choice(["north", "south"], n).astype(object)
    b = RNG.choice(["wet", "dry", ""], n).astype(object)  # "" is a value of its own here
    return {"a": a, "b": b}, ((a == "north") ^ (b == "wet")).astype(np.int64)


def _linear_accuracy(columns, model_dir, features, labels):
    est = tf.estimator.LinearClassifier(columns, model_dir=str(model_dir),
                                        optimizer=lambda: tf.train.AdagradOptimizer(0.5))
    est.train(tf.estimator.inputs.numpy_input_fn(features, labels, batch_size=40,
                                                 num_epochs=None, shuffle=True), steps=150)
    return est, est.evaluate(tf.estimator.inputs.numpy_input_fn(
        features, labels, batch_size=100, shuffle=False))["accuracy"]


def test_a_crossed_column_lets_a_linear_model_learn_xor(tmp_path, monkeypatch):
    import fake_cuda
    features, labels = _xor_data()
    a = fc.categorical_column_with_hash_bucket("a", 10)
    b = fc.categorical_column_with_vocabulary_list("b", ["wet", "dry"], num_oov_buckets=1)
    _, plain = _linear_accuracy([a, b], tmp_path / "plain", features, labels)
    est, crossed = _linear_accuracy([a, b, fc.crossed_column(["a", b], 50)],
                                    tmp_path / "crossed", features, labels)
    assert plain < 0.85 and crossed == 1.0
    want = est.evaluate(tf.estimator.inputs.numpy_input_fn(features, labels, batch_size=100,
                                                           shuffle=False))
    fake_cuda.install(monkeypatch)  # hashing and crossing on the CUDA path's host ops
    got = est.evaluate(tf.estimator.inputs.numpy_input_fn(features, labels, batch_size=100,
                                                          shuffle=False))
    assert got["loss"] == pytest.approx(want["loss"], rel=1e-5)


def _tagged_examples(tf_module):
    """Serialized tf.Examples with 0 to 3 tags, a zone id list and a 2-vector x."""
    rows = [(["red", "blue"], [3], [0.5, 1.0]), ([], [0, 2], [2.0, -1.0]),
            (["green", "red", "pink"], [], [0.0, 0.25])]
    train = tf_module.train
    return [train.Example(features=train.Features(feature={
        "tags": train.Feature(bytes_list=train.BytesList(value=[t.encode() for t in tags])),
        "zone": train.Feature(int64_list=train.Int64List(value=zones)),
        "x": train.Feature(float_list=train.FloatList(value=x))})).SerializeToString()
        for tags, zones, x in rows]


def _sparse_columns(fc):
    tags = fc.categorical_column_with_vocabulary_list("tags", ["red", "green", "blue"],
                                                      num_oov_buckets=1)
    zone = fc.categorical_column_with_identity("zone", 4)
    return [fc.numeric_column("x", shape=[2]), fc.indicator_column(tags),
            fc.indicator_column(zone),
            fc.indicator_column(fc.crossed_column([tags, zone], 5))]


def test_parsed_sparse_features_feed_categorical_columns():
    columns = _sparse_columns(fc)
    spec = fc.make_parse_example_spec(columns)
    assert spec == {"x": tf.FixedLenFeature([2], tf.float32, None),
                    "tags": tf.VarLenFeature(tf.string), "zone": tf.VarLenFeature(tf.int64)}
    parsed = tf.parse_example(_tagged_examples(tf), spec)
    assert isinstance(parsed["tags"], tf.SparseTensor)
    dense = fc.input_layer(parsed, columns)
    padded = {"x": parsed["x"], "tags": tf.constant([["red", "blue", ""], ["", "", ""],
                                                     ["green", "red", "pink"]]),
              "zone": tf.constant([[3, -1], [0, 2], [-1, -1]], tf.int64)}
    with tf.Session() as sess:
        got, from_padded = sess.run([dense, fc.input_layer(padded, columns)])
    # name order: tags_X_zone (5), tags (3 + 1 bucket), x (2), zone (4)
    np.testing.assert_array_equal(got, from_padded)
    np.testing.assert_array_equal(got[:, 5:9], [[1, 0, 1, 0], [0, 0, 0, 0], [1, 1, 0, 1]])
    np.testing.assert_array_equal(got[:, 11:], [[0, 0, 0, 1], [1, 0, 1, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(got[:, 9:11], [[0.5, 1.0], [2.0, -1.0], [0.0, 0.25]])
    assert got[:, :5].sum(axis=1).tolist() == [2, 0, 0]  # 2 tags x 1 zone, none, none
    with pytest.raises(ValueError, match="different parse_spec for key zone"):
        fc.make_parse_example_spec(columns + [fc.crossed_column(["zone", "tags"], 3)])
    with pytest.raises(ValueError, match="SparseTensor is not supported"):
        fc.input_layer({"x": parsed["tags"]}, [fc.numeric_column("x")])
