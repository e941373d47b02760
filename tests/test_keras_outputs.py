"""tf.keras models with several outputs: the trained loss is the weighted sum of the
outputs' losses, each output's loss and metrics are logged under its layer's name, and the
epoch means follow TF1 (the total and the metrics over the samples, each output's loss over
the batches). References: the model's predictions put through NumPy formulas."""
import numpy as np
import pytest

import tf0 as tf

K = tf.keras
RNG = np.random.default_rng(41)
X = RNG.standard_normal((35, 3)).astype(np.float32)
Y1 = (X @ np.array([[1.0], [-2.0], [0.5]])).astype(np.float32)
Y2 = (X[:, 1] > 0).astype(np.int64)
CUTS = [0, 10, 20, 30, 35]  # batches of 10: the last one short


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default():
        yield


def _model(rate=0.0):
    inp = K.Input((3,))
    hidden = K.layers.Dense(5, activation="tanh")(inp)
    model = K.Model(inp, [K.layers.Dense(1, name="reg")(hidden),
                          K.layers.Dense(2, activation="softmax", name="cls")(hidden)])
    model.compile(K.optimizers.SGD(rate), ["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[2.0, 0.5], metrics=["acc"])
    return model


def test_two_outputs_log_their_losses_and_epoch_means_as_tf1():
    model = _model()  # a rate of 0: every batch sees the same weights
    reg, cls = (p.astype(np.float64) for p in model.predict(X))
    mse = ((reg - Y1) ** 2).mean(1)
    xent = -np.log(cls[np.arange(35), Y2])
    right = (cls.argmax(1) == Y2).astype(np.float64)
    batches = list(zip(CUTS[:-1], CUTS[1:]))
    batch_mse = [mse[a:b].mean() for a, b in batches]
    batch_xent = [xent[a:b].mean() for a, b in batches]
    batch_total = [2.0 * m + 0.5 * c for m, c in zip(batch_mse, batch_xent)]
    sizes = np.diff(CUTS)
    assert model.metrics_names == ["loss", "reg_loss", "cls_loss", "reg_acc", "cls_acc"]
    history = model.fit(X, [Y1, Y2], batch_size=10, shuffle=False, verbose=0).history
    assert history["loss"] == pytest.approx([np.dot(batch_total, sizes) / 35], rel=1e-5)
    assert history["reg_loss"] == pytest.approx([np.mean(batch_mse)], rel=1e-5)
    assert history["cls_loss"] == pytest.approx([np.mean(batch_xent)], rel=1e-5)
    assert history["cls_acc"] == pytest.approx([right.mean()], rel=1e-6)
    data = tf.data.Dataset.from_tensor_slices((X, (Y1, Y2))).batch(10)
    loss, reg_loss, cls_loss, _, cls_acc = model.evaluate(data, verbose=0)
    assert loss == pytest.approx(np.mean(batch_total), rel=1e-5)  # a Dataset: by batch
    assert [reg_loss, cls_loss, cls_acc] == pytest.approx(
        [np.mean(batch_mse), np.mean(batch_xent), right.mean()], rel=1e-5)
    by_name = model.evaluate(X, {"cls": Y2, "reg": Y1}, batch_size=35, verbose=0)
    assert by_name[0] == pytest.approx(2.0 * mse.mean() + 0.5 * xent.mean(), rel=1e-5)


def test_each_output_trains_with_its_weight():
    model = _model(0.05)
    start = model.get_weights()
    model.fit(X, [Y1, Y2], batch_size=35, shuffle=False, verbose=0)
    both = model.get_weights()
    # the same step with the classifier's loss weight at 0 changes the classifier's
    # weights not at all, and the regression's as it did
    model.set_weights(start)
    model.compile(K.optimizers.SGD(0.05), ["mse", "sparse_categorical_crossentropy"],
                  loss_weights={"reg": 2.0, "cls": 0.0})
    model.fit(X, [Y1, Y2], batch_size=35, shuffle=False, verbose=0)
    alone = model.get_weights()
    np.testing.assert_array_equal(alone[4], start[4])  # cls/kernel
    np.testing.assert_allclose(alone[2], both[2], rtol=1e-6)  # reg/kernel
    assert not np.allclose(alone[0], both[0])  # the shared layer sees both losses


def test_several_outputs_refuse_what_does_not_fit_them():
    model = _model()
    with pytest.raises(ValueError, match="one entry per model outputs"):
        model.compile("sgd", ["mse"])
        model.evaluate(X, [Y1, Y2], verbose=0)
    with pytest.raises(ValueError, match="Unknown entries in loss dictionary"):
        model.compile("sgd", {"reg": "mse", "nope": "mse"})
        model.evaluate(X, [Y1, Y2], verbose=0)
    model.compile("sgd", "mse")  # one loss for every output
    with pytest.raises(ValueError, match="Expected to see 2 array"):
        model.fit(X, Y1, verbose=0)
    with pytest.raises(ValueError, match="No data provided for 'cls'"):
        model.fit(X, {"reg": Y1}, verbose=0)
    with pytest.raises(NotImplementedError, match="class_weight for one output"):
        model.fit(X, [Y1, Y1], class_weight={0: 1.0}, verbose=0)
