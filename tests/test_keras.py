"""tf.keras in graph mode: models learn, their losses and metrics equal NumPy formulas,
dropout and batch normalization follow the learning phase, weights save and load,
callbacks act, functional, Sequential and subclassed models agree, and a fit on the null
GPU equals the NumPy backend's."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf

K = tf.keras
RNG = np.random.default_rng(77)


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default():
        yield


def _xor_data(n=256):
    x = RNG.standard_normal((n, 4)).astype(np.float32)
    return x, ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(np.int64)


def test_a_sequential_classifier_learns_and_reports():
    x, y = _xor_data()
    model = K.Sequential([K.layers.Dense(32, activation="relu", input_shape=(4,)),
                          K.layers.Dense(2, activation="softmax")])
    model.compile(K.optimizers.Adam(0.02), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=40, batch_size=32, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}
    assert history.epoch == list(range(40))
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9
    probs = model.predict(x, batch_size=50)
    assert probs.shape == (256, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert accuracy == pytest.approx(np.mean(probs.argmax(axis=1) == y))
    assert [w.name for w in model.weights] == ["dense/kernel:0", "dense/bias:0",
                                               "dense_1/kernel:0", "dense_1/bias:0"]
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 226" in lines and "Trainable params: 226" in lines


LOSS_CASES = [
    ("mean_squared_error", lambda t, p: np.mean((p - t) ** 2, -1)),
    ("mean_absolute_error", lambda t, p: np.mean(np.abs(p - t), -1)),
    ("binary_crossentropy", lambda t, p: np.mean(
        -(t * np.log(np.clip(p, 1e-7, 1 - 1e-7)) +
          (1 - t) * np.log(1 - np.clip(p, 1e-7, 1 - 1e-7))), -1)),
    ("categorical_crossentropy", lambda t, p: -np.sum(
        t * np.log(np.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7)), -1)),
    ("hinge", lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1)),
    ("kullback_leibler_divergence", lambda t, p: np.sum(
        np.clip(t, 1e-7, 1) * np.log(np.clip(t, 1e-7, 1) / np.clip(p, 1e-7, 1)), -1)),
    ("poisson", lambda t, p: np.mean(p - t * np.log(p + 1e-7), -1)),
    ("logcosh", lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
]


@pytest.mark.parametrize("name,reference", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_losses_equal_their_formulas(name, reference):
    truth = RNG.uniform(0, 1, (5, 3))
    truth[0] = [1.0, 0.0, 0.0]
    pred = RNG.uniform(0.01, 1, (5, 3))
    pred[1, 0] = 1.0  # exercises the clipping
    with tf.Session() as sess:
        got = sess.run(K.losses.get(name)(tf.constant(truth), tf.constant(pred)))
    np.testing.assert_allclose(got, reference(truth, pred), rtol=1e-6)


def test_sparse_crossentropy_and_accuracies_pick_the_right_classes():
    pred = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]], np.float32)
    ids = np.array([1, 2, 2])
    with tf.Session() as sess:
        loss, sparse_acc, cat_acc, bin_acc = sess.run([
            K.losses.sparse_categorical_crossentropy(tf.constant(ids), tf.constant(pred)),
            K.metrics.sparse_categorical_accuracy(tf.constant(ids), tf.constant(pred)),
            K.metrics.categorical_accuracy(tf.constant(np.eye(3)[ids]), tf.constant(pred)),
            K.metrics.binary_accuracy(tf.constant([[1.0], [0.0]]),
                                      tf.constant([[0.7], [0.6]]))])
    np.testing.assert_allclose(loss, -np.log(pred[np.arange(3), ids]), rtol=1e-6)
    assert sparse_acc.tolist() == cat_acc.tolist() == [1.0, 0.0, 1.0]
    assert bin_acc.tolist() == [1.0, 0.0]
    assert K.utils.to_categorical([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_dropout_and_batch_norm_follow_the_learning_phase():
    x = RNG.standard_normal((64, 5)).astype(np.float32) * 3 + 2
    model = K.Sequential([K.layers.BatchNormalization(input_shape=(5,), momentum=0.5),
                          K.layers.Dropout(0.5), K.layers.Dense(1)])
    model.compile("sgd", "mse")
    first = model.predict(x)
    np.testing.assert_array_equal(model.predict(x), first)  # no dropout when predicting
    moving_mean = model.layers[0].weights[2]
    assert moving_mean.name == "batch_normalization/moving_mean:0"
    before = K.backend.get_value(moving_mean)
    model.train_on_batch(x, np.zeros((64, 1)))
    after = K.backend.get_value(moving_mean)
    np.testing.assert_allclose(after, before * 0.5 + x.mean(axis=0) * 0.5, rtol=1e-5)
    sess = K.backend.get_session()
    phase = K.backend.learning_phase()
    trained = sess.run(model.outputs[0], {model.inputs[0]: x, phase: True})
    assert np.mean(trained == sess.run(model.outputs[0], {model.inputs[0]: x})) < 0.5


def test_functional_models_share_layers_and_take_several_inputs():
    words = K.Input(shape=(3,), dtype="int32", name="words")
    numbers = K.Input(shape=(2,))
    embedded = K.layers.Flatten()(K.layers.Embedding(10, 4)(words))
    shared = K.layers.Dense(5, activation="tanh", name="shared")
    doubled = K.layers.Lambda(lambda t: t * 2.0)(numbers)
    merged = K.layers.concatenate([embedded, shared(numbers), shared(doubled)])
    out = K.layers.Dense(1, activation="sigmoid")(merged)
    model = K.Model([words, numbers], out)
    assert [layer.name for layer in model.layers] == [  # deepest first, as keras
        "words", "input_1", "embedding", "lambda", "flatten", "shared", "concatenate",
        "dense"]
    assert model.get_layer("shared").count_params() == 15
    assert len(model.weights) == 5  # embeddings, shared kernel and bias, dense's two
    ids = RNG.integers(0, 10, (40, 3))
    values = RNG.standard_normal((40, 2)).astype(np.float32)
    labels = (ids[:, 0] > 4).astype(np.float32)
    model.compile(K.optimizers.Adam(0.05), "binary_crossentropy", metrics=["acc"])
    model.fit([ids, values], labels, epochs=40, verbose=0)
    assert model.evaluate([ids, values], labels, verbose=0)[1] > 0.8
    new_words, new_numbers = K.Input(shape=(3,), dtype="int32"), K.Input(shape=(2,))
    again = model([new_words, new_numbers])  # the same layers (and weights) again
    np.testing.assert_allclose(
        K.backend.get_session().run(again, {new_words: ids, new_numbers: values}),
        model.predict([ids, values]), rtol=1e-6)
    with pytest.raises(ValueError, match="not made by keras layers"):
        K.Model(numbers, K.layers.Dense(1)(numbers * 2.0))


def test_weights_save_load_and_set(tmp_path):
    model = K.Sequential([K.layers.Dense(3, input_shape=(2,)), K.layers.Dense(1)])
    saved = model.get_weights()
    model.save_weights(str(tmp_path / "ckpt"))
    model.set_weights([np.zeros_like(w) for w in saved])
    assert not any(w.any() for w in model.get_weights())
    model.load_weights(str(tmp_path / "ckpt"))
    for a, b in zip(model.get_weights(), saved):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="not compatible"):
        model.set_weights([np.zeros((3, 3))] + saved[1:])
    with pytest.raises(ValueError, match="with 4 weights"):
        model.set_weights(saved[:2])
    with pytest.raises(NotImplementedError, match="HDF5"):
        model.save_weights(str(tmp_path / "w.h5"))
    with pytest.raises(NotImplementedError, match="HDF5"):
        model.save(str(tmp_path / "m.h5"))
    first = model.layers[0]
    first.set_weights([np.full((2, 3), 0.5), np.arange(3.0)])
    assert first.get_weights()[1].tolist() == [0.0, 1.0, 2.0]


def test_keras_layers_in_a_tf1_program():
    x = tf.placeholder(tf.float32, [None, 3])
    dense = K.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    out = K.layers.Dropout(0.5)(dense(x))  # the learning phase defaults to inference
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {x: [[1.0, 2.0, 3.0]]}).tolist() == [[6.0, 6.0]]
    assert [v.name for v in tf.trainable_variables()] == ["dense/kernel:0", "dense/bias:0"]


def test_callbacks_stop_restore_and_checkpoint(tmp_path):
    x, y = _xor_data(64)
    model = K.Sequential([K.layers.Dense(1, input_shape=(4,))])
    model.compile(K.optimizers.SGD(0.5), "mse")
    seen = []
    best = []

    class Recorder(K.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            best.append((logs["loss"], self.model.get_weights()))
    history = model.fit(x, y, epochs=50, verbose=0, shuffle=False, batch_size=64, callbacks=[
        K.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True),
        K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e)),
        K.callbacks.ModelCheckpoint(str(tmp_path / "w-{epoch}"), monitor="loss",
                                    save_best_only=True), Recorder()])
    assert len(history.epoch) < 50 and seen == history.epoch  # a too-big step diverges
    losses = history.history["loss"]
    winner = int(np.argmin(losses))
    for a, b in zip(model.get_weights(), best[winner][1]):
        np.testing.assert_array_equal(a, b)
    assert (tmp_path / f"w-{winner + 1}.safetensors").exists()


def test_a_subclassed_model_builds_on_its_data():
    class TwoLayers(K.Model):
        def __init__(self):
            super().__init__()
            self.hidden = K.layers.Dense(8, activation="relu")
            self.out = K.layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(tf.nn.relu(self.hidden(inputs)) * 1.0)  # raw ops too
    x = RNG.standard_normal((32, 3)).astype(np.float32)
    y = x @ np.array([1.0, -2.0, 0.5], np.float32)
    model = TwoLayers()
    model.compile(K.optimizers.Adam(0.05), "mse")
    history = model.fit(x, y, epochs=60, verbose=0, batch_size=32)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert model.name == "two_layers" and len(model.layers) == 2
    assert model.predict(x).shape == (32, 1)


def test_sample_and_class_weights_weight_the_loss():
    model = K.Sequential([K.layers.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 1), np.float32), np.array([[1.0], [2.0], [3.0], [4.0]])
    weighted = model.test_on_batch(x, y, sample_weight=np.array([1.0, 0.0, 0.0, 3.0]))
    # keras: mean(loss * w) / mean(w != 0)
    assert weighted == pytest.approx((1 + 3 * 16) / 4 / 0.5)


def test_fit_evaluate_and_predict_on_datasets():
    x, y = _xor_data(96)
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model = K.Sequential([K.layers.Dense(16, activation="relu"),  # built on the first batch
                          K.layers.Dense(2, activation="softmax")])
    model.compile(K.optimizers.Adam(0.05), "sparse_categorical_crossentropy", ["acc"])
    seen = []
    history = model.fit(data, epochs=20, verbose=0, validation_data=data, callbacks=[
        K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(logs["size"]))])
    assert seen[:3] == [32, 32, 32] and len(seen) == 60
    assert history.history["acc"][-1] > 0.8
    loss, accuracy = model.evaluate(data, verbose=0)
    assert [loss, accuracy] == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    np.testing.assert_allclose(model.predict(tf.data.Dataset.from_tensor_slices(x).batch(10)),
                               model.predict(x), rtol=1e-6)
    assert model.predict(data.map(lambda a, b: a), steps=1).shape == (32, 2)


def _fit_small_cnn(config=None):
    tf.set_random_seed(4)
    images = np.random.default_rng(5).standard_normal((24, 6, 6, 1)).astype(np.float32)
    labels = (images.mean(axis=(1, 2, 3)) > 0).astype(np.int64)
    model = K.Sequential([
        K.layers.Conv2D(4, 3, activation="relu", padding="same", input_shape=(6, 6, 1)),
        K.layers.MaxPooling2D(), K.layers.Flatten(), K.layers.Dense(2, activation="softmax")])
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    if config is not None:
        K.backend.set_session(tf.Session(config=config))
    return model.fit(images, labels, epochs=3, shuffle=False, verbose=0).history["loss"]


def test_a_fit_on_the_null_gpu_equals_numpy(monkeypatch):
    want = _fit_small_cnn(tf.ConfigProto(device_count={"GPU": 0}))
    fake_cuda.install(monkeypatch)
    with tf.Graph().as_default():
        np.testing.assert_allclose(_fit_small_cnn(), want, rtol=1e-5)


def _hard_sigmoid(z):
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)


def _lstm_reference(x, kernel, recurrent, bias, h, c):
    """keras's LSTM over x [batch, time, features] in float64: gates i, f, c, o."""
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4, axis=1)
        c = _hard_sigmoid(f) * c + _hard_sigmoid(i) * np.tanh(g)
        h = _hard_sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), h, c


def _gru_reference(x, kernel, recurrent, bias, h):
    outputs = []
    for t in range(x.shape[1]):
        xz, xr, xh = np.split(x[:, t] @ kernel + bias, 3, axis=1)
        uz, ur, uh = np.split(recurrent, 3, axis=1)
        z, r = _hard_sigmoid(xz + h @ uz), _hard_sigmoid(xr + h @ ur)
        h = z * h + (1 - z) * np.tanh(xh + (r * h) @ uh)
        outputs.append(h)
    return np.stack(outputs, 1)


def test_recurrent_layers_follow_keras_equations():
    x = RNG.standard_normal((3, 4, 2))
    inputs = K.Input(shape=(4, 2), dtype="float64")
    lstm = K.layers.LSTM(3, return_sequences=True, return_state=True)
    gru = K.layers.GRU(2, go_backwards=True)
    simple = K.layers.SimpleRNN(2, activation="relu")
    start_h, start_c = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    seq, h, c = lstm(inputs, initial_state=[tf.constant(start_h), tf.constant(start_c)])
    backwards, plain = gru(inputs), simple(inputs)
    bias = K.backend.get_value(lstm.bias)
    assert bias.tolist() == [0.0] * 3 + [1.0] * 3 + [0.0] * 6  # unit_forget_bias
    assert [w.name for w in lstm.weights] == ["lstm/lstm_cell/kernel:0",
                                              "lstm/lstm_cell/recurrent_kernel:0",
                                              "lstm/lstm_cell/bias:0"]
    for layer in (lstm, gru, simple):
        layer.set_weights([RNG.standard_normal(w.shape.as_list()) for w in layer.weights])
    got = K.backend.get_session().run([seq, h, c, backwards, plain], {inputs: x})
    lk, lr, lb = lstm.get_weights()
    want_seq, want_h, want_c = _lstm_reference(x, lk, lr, lb, start_h, start_c)
    for a, b in zip(got[:3], (want_seq, want_h, want_c)):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    gk, gr, gb = gru.get_weights()
    np.testing.assert_allclose(got[3], _gru_reference(x[:, ::-1], gk, gr, gb,
                                                      np.zeros((3, 2)))[:, -1], rtol=1e-10)
    sk, sr, sb = simple.get_weights()
    h = np.zeros((3, 2))
    for t in range(4):
        h = np.maximum(x[:, t] @ sk + h @ sr + sb, 0)
    np.testing.assert_allclose(got[4], h, rtol=1e-10)
    with pytest.raises(NotImplementedError, match="stateful"):
        K.layers.LSTM(2, stateful=True)


def test_an_lstm_learns_the_sign_of_a_sequence_sum():
    x = RNG.standard_normal((128, 6, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = K.Sequential([K.layers.LSTM(8, input_shape=(6, 1)),
                          K.layers.Dense(1, activation="sigmoid")])
    model.compile(K.optimizers.Adam(0.02), "binary_crossentropy", ["accuracy"])
    history = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
    assert history.history["acc"][-1] > 0.9


def test_backend_math_takes_keras_arguments():
    B = K.backend
    x = RNG.standard_normal((3, 4))
    t = tf.constant(x)
    probs = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    onehot = np.eye(4)[[0, 3, 1]]
    got = B.get_session().run([
        B.mean(t, axis=1, keepdims=True), B.sum(t), B.max(t, 0), B.min(t, -1),
        B.relu(t, alpha=0.1, max_value=0.5), B.clip(t, -0.2, 0.2), B.softmax(t),
        B.categorical_crossentropy(tf.constant(onehot), t, from_logits=True),
        B.sparse_categorical_crossentropy(tf.constant([0, 3, 1]), tf.constant(probs)),
        B.binary_crossentropy(tf.constant(onehot), t, from_logits=True),
        B.batch_flatten(tf.zeros([2, 3, 4]))])
    assert B.get_value(B.variable([[1.0, 2.0]])).tolist() == [[1.0, 2.0]]
    np.testing.assert_allclose(got[0], x.mean(1, keepdims=True))
    np.testing.assert_allclose(got[1], x.sum())
    np.testing.assert_allclose(got[2], x.max(0))
    np.testing.assert_allclose(got[3], x.min(-1))
    np.testing.assert_allclose(got[4], np.minimum(np.where(x >= 0, x, 0.1 * x), 0.5))
    np.testing.assert_allclose(got[5], np.clip(x, -0.2, 0.2))
    np.testing.assert_allclose(got[6], probs, rtol=1e-12)
    np.testing.assert_allclose(got[7], -np.log(probs[np.arange(3), [0, 3, 1]]), rtol=1e-10)
    np.testing.assert_allclose(got[8], got[7], rtol=1e-6)
    np.testing.assert_allclose(got[9], np.maximum(x, 0) - x * onehot +
                               np.log1p(np.exp(-np.abs(x))), rtol=1e-10)
    assert got[10].shape == (2, 12)


def test_shape_and_merge_layers_equal_numpy():
    L = K.layers
    image = RNG.standard_normal((2, 3, 4, 2))
    steps = RNG.standard_normal((2, 5, 3))
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    fetch = [L.LeakyReLU(0.2)(tf.constant(image)), L.ELU(0.5)(tf.constant(image)),
             L.ZeroPadding2D(((1, 0), (2, 1)))(tf.constant(image)),
             L.Cropping2D(((1, 0), (1, 2)))(tf.constant(image)),
             L.UpSampling2D((2, 3))(tf.constant(image)), L.UpSampling1D(2)(tf.constant(steps)),
             L.RepeatVector(4)(tf.constant(a)), L.Permute((2, 1))(tf.constant(steps)),
             L.Subtract()([tf.constant(a), tf.constant(b)]),
             L.Average()([tf.constant(a), tf.constant(b)]),
             L.Maximum()([tf.constant(a), tf.constant(b)]),
             L.GaussianNoise(5.0)(tf.constant(a))]
    got = K.backend.get_session().run(fetch)
    want = [np.maximum(image, 0.2 * image), np.where(image > 0, image, 0.5 * np.expm1(image)),
            np.pad(image, [(0, 0), (1, 0), (2, 1), (0, 0)]), image[:, 1:, 1:-2],
            image.repeat(2, axis=1).repeat(3, axis=2), steps.repeat(2, axis=1),
            np.repeat(a[:, None], 4, axis=1), steps.transpose(0, 2, 1), a - b, (a + b) / 2,
            np.maximum(a, b), a]  # no noise outside training
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-12, err_msg=str(k))


def test_wrappers_apply_their_layer_per_step_and_both_ways():
    L = K.layers
    x = RNG.standard_normal((2, 4, 3))
    inputs = K.Input(shape=(4, 3), dtype="float64")
    per_step = L.TimeDistributed(L.Dense(2))
    both_ways = L.Bidirectional(L.SimpleRNN(2, return_sequences=True))
    outs = [per_step(inputs), both_ways(inputs)]
    assert [w.name for w in per_step.weights] == ["time_distributed/kernel:0",
                                                  "time_distributed/bias:0"]
    for layer in (per_step, both_ways):
        layer.set_weights([RNG.standard_normal(w.shape.as_list()) for w in layer.weights])
    stepped, joined = K.backend.get_session().run(outs, {inputs: x})
    kernel, bias = per_step.get_weights()
    np.testing.assert_allclose(stepped, x @ kernel + bias, rtol=1e-12)

    def simple(weights, sequence):
        k, r, b = weights
        h, out = np.zeros((2, 2)), []
        for t in range(sequence.shape[1]):
            h = np.tanh(sequence[:, t] @ k + h @ r + b)
            out.append(h)
        return np.stack(out, 1)
    weights = both_ways.get_weights()
    forward = simple(weights[:3], x)
    backward = simple(weights[3:], x[:, ::-1])[:, ::-1]  # back in time order
    np.testing.assert_allclose(joined, np.concatenate([forward, backward], -1), rtol=1e-10)
    assert [w.name for w in both_ways.weights][::3] == [
        "bidirectional/forward_simple_rnn/simple_rnn_cell/kernel:0",
        "bidirectional/backward_simple_rnn/simple_rnn_cell/kernel:0"]


class Scale(K.layers.Layer):
    """A custom layer: one learned factor per feature."""

    def __init__(self, start=1.0, **kwargs):
        super().__init__(**kwargs)
        self.start = start

    def build(self, input_shape):
        self.factor = self.add_weight("factor", [input_shape.dims[-1]],
                                      initializer=tf.constant_initializer(self.start))

    def call(self, inputs):
        return inputs * self.factor


def test_a_whole_model_saves_and_loads_in_a_new_graph(tmp_path):
    x = RNG.standard_normal((24, 5, 3)).astype(np.float32)
    y = RNG.integers(0, 2, 24)
    inputs = K.Input(shape=(5, 3))
    seq = K.layers.Bidirectional(K.layers.LSTM(4, return_sequences=True))(inputs)
    steps = K.layers.TimeDistributed(K.layers.Dense(2, activation=tf.nn.relu))(seq)
    joined = K.layers.concatenate([K.layers.Flatten()(steps),
                                   K.layers.GlobalAveragePooling1D()(inputs)])
    out = K.layers.Dense(2, activation="softmax",
                         kernel_regularizer=K.regularizers.l2(0.01))(Scale(0.5)(joined))
    model = K.Model(inputs, out)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "model")
    model.save(path)
    want, want_eval = model.predict(x), model.evaluate(x, y, verbose=0)
    names = [w.name for w in model.weights]
    with tf.Graph().as_default():
        loaded = K.models.load_model(path, custom_objects={"Scale": Scale})
        np.testing.assert_allclose(loaded.predict(x), want, rtol=1e-6)
        assert [w.name for w in loaded.weights] == names
        assert loaded.evaluate(x, y, verbose=0) == pytest.approx(want_eval, rel=1e-6)
        assert len(loaded.losses) == 1  # the regularizer came back too
        loaded.fit(x, y, epochs=1, verbose=0)  # compiled as it was
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Unknown layer: Scale"):
            K.models.load_model(path)


def test_architectures_go_to_json_and_back_and_what_cannot_be_saved():
    model = K.Sequential([K.layers.Conv1D(3, 2, input_shape=(6, 2)), K.layers.MaxPooling1D(),
                          K.layers.Flatten(), K.layers.Dense(1)])
    text, params = model.to_json(), model.count_params()
    with tf.Graph().as_default():
        again = K.models.model_from_json(text)
        assert [layer.name for layer in again.layers] == ["conv1d", "max_pooling1d",
                                                          "flatten", "dense"]
        assert again.count_params() == params
    inputs = K.Input(shape=(2,))
    with pytest.raises(TypeError, match="lambda"):
        K.Model(inputs, K.layers.Lambda(lambda t: t * 2)(inputs)).to_json()

    class Sub(K.Model):
        def call(self, inputs):
            return inputs
    with pytest.raises(NotImplementedError, match="subclassed"):
        Sub().to_json()


def test_loading_reports_missing_and_corrupt_models(tmp_path):
    with pytest.raises(tf.errors.NotFoundError):
        K.models.load_model(str(tmp_path / "none"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "model.json").write_text("{not json")
    with pytest.raises(tf.errors.DataLossError):
        K.models.load_model(str(tmp_path / "bad"))


def test_learning_rate_callbacks_set_the_optimizers_rate(tmp_path):
    x, y = _xor_data(64)
    model = K.Sequential([K.layers.Dense(1, input_shape=(4,))])
    model.compile(K.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[
        K.callbacks.LearningRateScheduler(lambda epoch, rate: rate * 0.5),
        K.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        K.callbacks.TensorBoard(str(tmp_path / "tb"))])
    np.testing.assert_allclose(history.history["lr"], [0.05, 0.025, 0.0125, 0.00625])
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0].split(",") == ["epoch", "loss", "lr"] and len(rows) == 5
    assert float(rows[4].split(",")[1]) == pytest.approx(history.history["loss"][3])
    (events,) = (tmp_path / "tb").iterdir()
    graph, *read = list(tf.train.summary_iterator(str(events)))[1:]
    assert graph.HasField("graph_def") and b"dense/kernel" in graph.graph_def  # write_graph
    assert [e.step for e in read] == [0, 1, 2, 3]
    assert [[v.tag for v in e.summary.value] for e in read] == [["loss", "lr"]] * 4
    np.testing.assert_allclose([e.summary.value[0].simple_value for e in read],
                               history.history["loss"], rtol=1e-6)

    plateau = K.Sequential([K.layers.Dense(1, input_shape=(4,))])
    plateau.compile("sgd", "mse")
    rates = plateau.fit(x, y, epochs=6, verbose=0, callbacks=[
        K.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=1, min_delta=10.0,
                                      min_lr=0.003)]).history["lr"]
    # each epoch logs the rate it ran with; no epoch improves by 10, so every one after
    # the first halves it, down to min_lr
    assert rates == pytest.approx([0.01, 0.01, 0.005, 0.003, 0.003, 0.003], rel=1e-6)
    plain = K.Sequential([K.layers.Dense(1, input_shape=(4,))])
    plain.compile(tf.train.GradientDescentOptimizer(0.1), "mse")
    with pytest.raises(ValueError, match="keras optimizers only"):
        plain.fit(x, y, verbose=0, callbacks=[K.callbacks.LearningRateScheduler(lambda e: 0.1)])


def test_terminate_on_nan_stops_a_diverging_fit():
    x = np.ones((8, 1), np.float32) * 1e19
    model = K.Sequential([K.layers.Dense(1, input_shape=(1,))])
    model.compile(K.optimizers.SGD(1e10), "mse")
    history = model.fit(x, x, epochs=5, batch_size=4, verbose=0,
                        callbacks=[K.callbacks.TerminateOnNaN()])
    assert len(history.epoch) == 1


def test_a_model_trains_in_its_own_graph_whatever_the_default():
    graph = tf.Graph()
    with graph.as_default():
        model = K.Sequential([K.layers.Dense(1, input_shape=(2,))])
        model.compile("sgd", "mse")
    x = np.ones((4, 2), np.float32)
    with tf.Graph().as_default():  # another default graph
        model.fit(x, np.zeros((4, 1)), verbose=0)
        assert model.predict(x).shape == (4, 1)
    assert model.outputs[0].graph is graph and not tf.get_default_graph().get_operations()


def test_layer_normalization_and_prelu_equal_numpy():
    x = RNG.standard_normal((3, 4, 5))
    inputs = K.Input(shape=(4, 5), dtype="float64")
    norm_last, norm_both = K.layers.LayerNormalization(), K.layers.LayerNormalization([1, 2])
    prelu = K.layers.PReLU(shared_axes=[1])
    outs = [norm_last(inputs), norm_both(inputs), prelu(inputs)]
    for layer in (norm_last, norm_both, prelu):
        layer.set_weights([RNG.standard_normal(w.shape.as_list()) for w in layer.weights])
    got = K.backend.get_session().run(outs, {inputs: x})
    gamma, beta = norm_last.get_weights()
    z = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(got[0], z * gamma + beta, rtol=1e-10)
    gamma, beta = norm_both.get_weights()
    z = (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(got[1], z * gamma + beta, rtol=1e-10)
    (alpha,) = prelu.get_weights()
    assert alpha.shape == (1, 5)
    np.testing.assert_allclose(got[2], np.where(x > 0, x, alpha * x), rtol=1e-12)
