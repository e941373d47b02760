"""tf.keras through tf0 and TF1's graph-mode keras (tf_keras under compat.v1): from the
same starting weights, the same fits give the same histories, evaluations, predictions
and weights; models name and order their layers and weights alike (skipped without
TensorFlow and tf_keras)."""
import numpy as np
import pytest

import tf0
from tf1_reference import tf1

pytest.importorskip("tf_keras")
RNG = np.random.default_rng(91)


def _run(program):
    """[program(lib) in a fresh graph of each library] for tf0, TF1."""
    results = []
    for lib in (tf0, tf1):
        with lib.Graph().as_default():
            results.append(program(lib, np.random.default_rng(5)))
        lib.keras.backend.clear_session()
    return results


def _start(model, rng):
    model.set_weights([rng.standard_normal(w.shape.as_list()).astype(np.float32) * 0.4
                       for w in model.weights])


def _assert_same(ours, theirs, atol=2e-5):
    for key in ours:
        a, b = ours[key], theirs[key]
        if isinstance(a, dict):
            assert sorted(a) == sorted(b), key
            for name in a:
                np.testing.assert_allclose(a[name], b[name], rtol=2e-4, atol=atol,
                                           err_msg=f"{key}/{name}")
        elif isinstance(a, (list, np.ndarray)) and np.asarray(a).dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=2e-4, atol=atol, err_msg=key)
        else:
            assert a == b, key


def test_dense_models_fit_alike():
    x = RNG.standard_normal((96, 6)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)

    def program(tf, rng):
        K = tf.keras
        seq = K.Sequential([K.layers.Dense(12, activation="relu", input_shape=(6,)),
                            K.layers.Dense(8, activation="tanh"),
                            K.layers.Dense(3, activation="softmax")])
        _start(seq, rng)
        seq.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy", ["accuracy"])
        fitted = seq.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        inp = K.Input(shape=(6,))
        hidden = K.layers.Dense(4, activation="sigmoid", name="hid")(inp)
        merged = K.layers.concatenate([hidden, K.layers.Dense(4)(inp)])
        model = K.Model(inp, K.layers.Dense(1, activation="sigmoid")(merged))
        _start(model, rng)
        model.compile(K.optimizers.Adam(0.01), "binary_crossentropy", metrics=["acc", "mse"])
        second = model.fit(x, y.astype(np.float32), batch_size=32, epochs=2, shuffle=False,
                           verbose=0, validation_data=(x[:20], y[:20].astype(np.float32)))
        return {"seq": fitted.history, "model": second.history,
                "evaluate": seq.evaluate(x, y, verbose=0), "predict": seq.predict(x[:7]),
                "weights": [w.name for w in seq.weights + model.weights],
                "layers": [layer.name for layer in model.layers], "input": inp.name,
                "params": seq.count_params(), "final": seq.get_weights()[0]}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_a_small_cnn_with_batch_norm_fits_alike():
    images = RNG.standard_normal((32, 8, 8, 2)).astype(np.float32)
    labels = np.eye(3)[RNG.integers(0, 3, 32)].astype(np.float32)

    def program(tf, rng):
        K = tf.keras
        model = K.Sequential([
            K.layers.Conv2D(4, 3, padding="same", input_shape=(8, 8, 2)),
            K.layers.BatchNormalization(momentum=0.9), K.layers.Activation("relu"),
            K.layers.MaxPooling2D(), K.layers.Conv2D(6, 2, strides=2, activation="elu"),
            K.layers.Dropout(0.0), K.layers.GlobalAveragePooling2D(),
            K.layers.Dense(3, activation="softmax")])
        _start(model, rng)
        bn = model.layers[1]
        K.backend.set_value(bn.weights[3], np.ones(4, np.float32))  # moving_variance
        model.compile(K.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
                      "categorical_crossentropy", ["accuracy"])
        fitted = model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return {"history": fitted.history, "predict": model.predict(images[:5]),
                "moving_mean": K.backend.get_value(bn.weights[2]),
                "weights": [w.name for w in model.weights], "params": model.count_params()}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_recurrent_layers_fit_alike():
    x = RNG.standard_normal((16, 5, 3)).astype(np.float32)
    y = RNG.standard_normal((16, 2)).astype(np.float32)

    def program(tf, rng):
        K = tf.keras
        inp = K.Input(shape=(5, 3))
        seq = K.layers.LSTM(4, return_sequences=True)(inp)
        gru = K.layers.GRU(3)(seq)
        rnn, _ = K.layers.SimpleRNN(2, return_state=True, go_backwards=True)(seq)
        lstm, _, cell = K.layers.LSTM(2, return_state=True)(inp)
        model = K.Model(inp, K.layers.Dense(2)(K.layers.concatenate([gru, rnn, lstm, cell])))
        _start(model, rng)
        model.compile(K.optimizers.SGD(0.05), "mse")
        fitted = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return {"history": fitted.history, "predict": model.predict(x[:4]),
                "weights": [w.name for w in model.weights],
                "layers": [layer.name for layer in model.layers]}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_shape_activation_merge_and_wrapper_layers_match():
    images = RNG.standard_normal((2, 4, 5, 3)).astype(np.float32)
    steps = RNG.standard_normal((2, 6, 3)).astype(np.float32)
    vectors = RNG.standard_normal((2, 3)).astype(np.float32)

    def program(tf, rng):
        K, L = tf.keras, tf.keras.layers
        i1, i2, i3 = K.Input(shape=(4, 5, 3)), K.Input(shape=(6, 3)), K.Input(shape=(3,))
        twice = L.Lambda(lambda t: t * 2.0)(i3)
        outs = [L.LeakyReLU(0.2)(i1), L.ReLU(max_value=0.5, negative_slope=0.1,
                                             threshold=0.2)(i1),
                L.ELU(0.7)(i1), L.Softmax(axis=1)(i1), L.ZeroPadding2D(((1, 0), (2, 1)))(i1),
                L.ZeroPadding1D(2)(i2), L.Cropping2D(((1, 1), (0, 2)))(i1),
                L.Cropping1D((1, 2))(i2), L.UpSampling2D((2, 3))(i1), L.UpSampling1D(2)(i2),
                L.RepeatVector(3)(i3), L.Permute((2, 1))(i2), L.Subtract()([i3, twice]),
                L.Average()([i3, twice]), L.Maximum()([i3, twice]), L.Minimum()([i3, twice]),
                L.GaussianNoise(1.0)(i3), L.TimeDistributed(L.Dense(2))(i2),
                L.Bidirectional(L.LSTM(3, return_sequences=True))(i2),
                L.Bidirectional(L.GRU(2), merge_mode="ave")(i2)]
        model = K.Model([i1, i2, i3], outs)
        _start(model, rng)
        predicted = model.predict([images, steps, vectors])
        return {**{f"out{k}": v for k, v in enumerate(predicted)},
                "weights": [w.name for w in model.weights],
                "layers": [layer.name for layer in model.layers]}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_depthwise_and_separable_layers_fit_alike():
    images = RNG.standard_normal((8, 7, 6, 3)).astype(np.float32)
    targets = RNG.standard_normal((8, 1)).astype(np.float32)

    def program(tf, rng):
        K, L = tf.keras, tf.keras.layers
        inputs = K.Input(shape=(7, 6, 3))
        h = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu",
                              depthwise_regularizer=K.regularizers.l2(0.01))(inputs)
        h = L.SeparableConv2D(4, 2, strides=2, activation="tanh",
                              pointwise_regularizer="l2")(h)
        line = L.SeparableConv1D(2, 3)(L.Reshape((7, 18))(inputs))
        out = L.Dense(1)(L.concatenate([L.Flatten()(h), L.Flatten()(line)]))
        model = K.Model(inputs, out)
        _start(model, rng)
        model.compile(K.optimizers.SGD(0.01), "mse")
        fitted = model.fit(images, targets, epochs=2, batch_size=4, shuffle=False, verbose=0)
        return {"history": fitted.history, "predict": model.predict(images[:3]),
                "weights": [w.name for w in model.weights]}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_3d_normalization_and_prelu_layers_fit_alike():
    volumes = RNG.standard_normal((6, 4, 5, 6, 2)).astype(np.float32)
    targets = RNG.standard_normal((6, 3)).astype(np.float32)

    def program(tf, rng):
        K, L = tf.keras, tf.keras.layers
        inputs = K.Input(shape=(4, 5, 6, 2))
        h = L.Conv3D(3, 2, padding="same", activation="relu")(inputs)
        h = L.MaxPooling3D((2, 2, 2), padding="same")(h)
        h = L.Conv3DTranspose(2, 2, strides=(1, 2, 1))(h)
        h = L.AveragePooling3D((1, 2, 2))(h)
        h = L.LayerNormalization()(L.Flatten()(h))
        out = L.PReLU()(L.Dense(3)(h))
        model = K.Model(inputs, out)
        _start(model, rng)
        model.compile(K.optimizers.SGD(0.05), "mse")
        fitted = model.fit(volumes, targets, epochs=2, batch_size=3, shuffle=False,
                           verbose=0)
        return {"history": fitted.history, "predict": model.predict(volumes[:2]),
                "weights": [w.name for w in model.weights]}
    ours, theirs = _run(program)
    # float32 sums in another order (a 3-D convolution tap by tap) drift by about 1e-5
    # per step of training
    _assert_same(ours, theirs, atol=1e-4)


def test_generators_sequences_and_datasets_of_uneven_batches_fit_alike():
    # 45 rows in batches of 10: the last one short, where TF1's epoch means of the loss
    # differ by source (over the samples, or over the batches)
    x = RNG.standard_normal((45, 5)).astype(np.float32)
    y = (x[:, 0] - x[:, 3] > 0).astype(np.int64)

    def program(tf, rng):
        K = tf.keras

        class Batches(K.utils.Sequence):
            def __init__(self, labelled=True):
                self.labelled = labelled

            def __len__(self):
                return 5

            def __getitem__(self, i):
                rows = slice(10 * i, 10 * i + 10)
                return (x[rows], y[rows]) if self.labelled else x[rows]

        def generator():
            while True:
                for i in range(5):
                    yield x[10 * i:10 * i + 10], y[10 * i:10 * i + 10]
        model = K.Sequential([K.layers.Dense(6, activation="tanh", input_shape=(5,)),
                              K.layers.Dense(2, activation="softmax")])
        _start(model, rng)
        model.compile(K.optimizers.SGD(0.2), "sparse_categorical_crossentropy", ["accuracy"])
        fitted = model.fit_generator(Batches(), epochs=2, shuffle=False, verbose=0,
                                     validation_data=Batches())
        data = tf.data.Dataset.from_tensor_slices((x, y)).batch(10)
        on_data = model.fit(data, epochs=1, verbose=0)
        on_generator = model.fit(generator(), steps_per_epoch=4, verbose=0)
        return {"fitted": fitted.history, "on_data": on_data.history,
                "on_generator": on_generator.history,
                "evaluate_generator": model.evaluate_generator(Batches()),
                "evaluate_steps": model.evaluate_generator(generator(), steps=3),
                "evaluate_data": model.evaluate(data, verbose=0),
                "predict": model.predict_generator(Batches(labelled=False)),
                "final": model.get_weights()[0]}
    ours, theirs = _run(program)
    _assert_same(ours, theirs)


def test_models_with_two_outputs_fit_alike():
    # 35 rows in batches of 10: TF1 averages each output's loss over the batches, the
    # total over the samples (over the batches for a Dataset)
    x = RNG.standard_normal((35, 3)).astype(np.float32)
    y1 = x.sum(1, keepdims=True).astype(np.float32)
    y2 = (x[:, 0] > 0).astype(np.int64)

    def program(tf, rng):
        K = tf.keras
        inp = K.Input((3,))
        hidden = K.layers.Dense(4, activation="tanh")(inp)
        model = K.Model(inp, [K.layers.Dense(1, name="reg")(hidden),
                              K.layers.Dense(2, activation="softmax", name="cls")(hidden)])
        _start(model, rng)
        model.compile(K.optimizers.SGD(0.05), ["mse", "sparse_categorical_crossentropy"],
                      loss_weights=[1.0, 0.5], metrics=["acc"])
        # first: TF1's metrics keep what an evaluate before them saw (tf0's do not)
        on_batch = model.train_on_batch(x[:10], [y1[:10], y2[:10]])
        fitted = model.fit(x, [y1, y2], batch_size=10, epochs=2, shuffle=False, verbose=0,
                           validation_data=(x[:20], [y1[:20], y2[:20]]))
        data = tf.data.Dataset.from_tensor_slices((x, (y1, y2))).batch(10)
        out = {"fitted": fitted.history, "names": model.metrics_names,
               "evaluate": model.evaluate(x, [y1, y2], batch_size=10, verbose=0),
               "evaluate_data": model.evaluate(data, verbose=0),
               "on_batch": on_batch}
        out["predict_reg"], out["predict_cls"] = model.predict(x[:5])
        model.compile(K.optimizers.SGD(0.05), {"reg": "mae", "cls": "sparse_categorical_crossentropy"},
                      metrics={"cls": "acc"})
        by_name = model.fit(x, {"reg": y1, "cls": y2}, batch_size=16, shuffle=False, verbose=0)
        out.update(by_name=by_name.history, names_by_name=model.metrics_names,
                   final=model.get_weights()[0])
        return out
    ours, theirs = _run(program)
    _assert_same(ours, theirs)
