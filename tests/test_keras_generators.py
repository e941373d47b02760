"""tf.keras on generators and keras Sequences (fit_generator, evaluate_generator,
predict_generator, and fit/evaluate/predict taking them), and TF1's epoch means: losses
and metrics over the samples, except the loss over a Dataset's batches and over a
generator's in evaluation, which is the mean of the batches' losses. References are the
model's weights run through NumPy in float64."""
import numpy as np
import pytest

import tf0 as tf

K = tf.keras
RNG = np.random.default_rng(13)
X = RNG.standard_normal((35, 3)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
SIZES = [10, 10, 10, 5]  # batches of 10 rows: the last one short


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default():
        yield


class Batches(K.utils.Sequence):
    """Batches of 10 rows of (x, y[, w]); notes which it hands out and each epoch's end."""

    def __init__(self, x, y=None, w=None):
        self.x, self.y, self.w = x, y, w
        self.taken, self.ends = [], 0

    def __len__(self):
        return -(-len(self.x) // 10)

    def __getitem__(self, i):
        self.taken.append(i)
        rows = slice(10 * i, 10 * i + 10)
        if self.y is None:
            return self.x[rows]
        return (self.x[rows], self.y[rows]) if self.w is None else \
            (self.x[rows], self.y[rows], self.w[rows])

    def on_epoch_end(self):
        self.ends += 1


def _model(learning_rate=0.0):
    model = K.Sequential([K.layers.Dense(2, activation="softmax", input_shape=(3,))])
    model.compile(K.optimizers.SGD(learning_rate), "sparse_categorical_crossentropy",
                  ["accuracy"])
    return model


def _numpy_batches(model, weights=None):
    """(cross-entropy and correct predictions per batch of 10) from the model's weights;
    with sample weights, keras's weighted loss: mean(loss * w) / mean(w != 0)."""
    kernel, bias = (w.astype(np.float64) for w in model.get_weights())
    logits = X.astype(np.float64) @ kernel + bias
    log_probs = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1,
                                keepdims=True)) - logits.max(1, keepdims=True)
    losses = -log_probs[np.arange(len(Y)), Y]
    weights = np.ones(len(Y)) if weights is None else weights
    losses = losses * weights
    right = (logits.argmax(1) == Y).astype(np.float64)
    cuts = np.cumsum([0] + SIZES)
    return ([losses[a:b].mean() / (weights[a:b] != 0).mean()
             for a, b in zip(cuts[:-1], cuts[1:])],
            [right[a:b].mean() for a, b in zip(cuts[:-1], cuts[1:])])


def test_epoch_means_follow_tf1_for_arrays_datasets_and_generators():
    model = _model()  # a rate of 0: every pass sees the same weights
    losses, rights = _numpy_batches(model)
    by_sample = np.dot(losses, SIZES) / 35
    by_step = np.mean(losses)
    accuracy = np.dot(rights, SIZES) / 35
    data = tf.data.Dataset.from_tensor_slices((X, Y)).batch(10)
    assert model.evaluate(X, Y, batch_size=10, verbose=0) == pytest.approx(
        [by_sample, accuracy], rel=1e-5)
    assert model.evaluate(data, verbose=0) == pytest.approx([by_step, accuracy], rel=1e-5)
    assert model.evaluate_generator(Batches(X, Y)) == pytest.approx([by_step, accuracy],
                                                                    rel=1e-5)
    fitted = model.fit_generator(Batches(X, Y), shuffle=False, verbose=0,
                                 validation_data=Batches(X, Y)).history
    assert fitted["loss"] == pytest.approx([by_sample], rel=1e-5)
    assert fitted["val_loss"] == pytest.approx([by_step], rel=1e-5)
    assert fitted["acc"] == fitted["val_acc"] == pytest.approx([accuracy], rel=1e-5)
    on_data = model.fit(data, verbose=0, validation_data=(X, Y)).history
    assert on_data["loss"] == pytest.approx([by_step], rel=1e-5)
    assert on_data["val_loss"] == pytest.approx([by_sample], rel=1e-5)


def test_a_sequence_trains_as_its_batches_do_and_ends_each_epoch():
    tf.set_random_seed(1)
    model = _model(0.3)
    start = model.get_weights()
    seq = Batches(X, Y)
    history = model.fit(seq, epochs=3, shuffle=False, verbose=0)
    assert seq.taken == [0, 1, 2, 3] * 3 and seq.ends == 3
    trained = model.get_weights()
    model.set_weights(start)
    again = model.fit(X, Y, batch_size=10, epochs=3, shuffle=False, verbose=0)
    for a, b in zip(trained, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert history.history["loss"] == pytest.approx(again.history["loss"], rel=1e-6)
    np.random.seed(0)
    shuffled = Batches(X, Y)
    model.fit(shuffled, epochs=4, verbose=0)  # shuffle=True: a fresh order every epoch
    orders = [shuffled.taken[4 * e:4 * e + 4] for e in range(4)]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert any(o != [0, 1, 2, 3] for o in orders)


def test_a_generator_gives_its_steps_and_no_more():
    pulled = []

    def endless():
        while True:
            for i in range(4):
                pulled.append(i)
                yield X[10 * i:10 * i + 10], Y[10 * i:10 * i + 10]
    model = _model(0.1)
    batches = endless()
    history = model.fit_generator(batches, steps_per_epoch=3, epochs=2, verbose=0)
    assert pulled == [0, 1, 2, 3, 0, 1] and len(history.history["loss"]) == 2
    with pytest.raises(ValueError, match="`steps_per_epoch` argument"):
        model.fit_generator(endless(), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`steps` argument"):
        model.evaluate_generator(endless())
    with pytest.raises(ValueError, match="`steps` argument"):
        model.predict(endless())
    with pytest.raises(ValueError, match="`validation_steps` argument"):
        model.fit(Batches(X, Y), validation_data=endless(), verbose=0)
    short = model.fit_generator(iter([(X[:10], Y[:10])]), steps_per_epoch=5, verbose=0)
    assert len(short.history["loss"]) == 1  # a generator that ends early ends the epoch


def test_predictions_and_sample_weights_from_generators():
    model = _model()
    want = model.predict(X)
    np.testing.assert_allclose(model.predict_generator(Batches(X)), want, rtol=1e-6)
    np.testing.assert_allclose(model.predict_generator(Batches(X, Y), steps=2), want[:20],
                               rtol=1e-6)
    np.testing.assert_allclose(model.predict((X[i:i + 7] for i in range(0, 35, 7)),
                                             steps=5), want, rtol=1e-6)
    weights = np.linspace(0.0, 2.0, 35)
    losses, _ = _numpy_batches(model, weights)
    got = model.evaluate_generator(Batches(X, Y, weights.astype(np.float32)))
    assert got[0] == pytest.approx(np.mean(losses), rel=1e-5)
    # class weights apply to a generator's batches as to arrays
    before = model.get_weights()
    model.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    model.fit_generator(Batches(X, Y), class_weight={0: 0.0, 1: 3.0}, shuffle=False,
                        verbose=0)
    on_generator = model.get_weights()
    model.set_weights(before)
    model.fit(X, Y, batch_size=10, class_weight={0: 0.0, 1: 3.0}, shuffle=False, verbose=0)
    for a, b in zip(on_generator, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
