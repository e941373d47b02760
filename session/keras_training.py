"""The training side of a keras Model (TF1 graph mode): compile adds the loss, metric and
training ops once (on first use, so a Sequential model may be built by its first data);
fit, evaluate and predict feed batches of NumPy arrays or of a tf.data Dataset's elements
to them through the keras session. Model (keras_model.py) takes it as a base."""
import time

import numpy as np

from tf0.engine import dtypes
from tf0.ops import keras_base, keras_losses
from tf0.ops.keras_base import flat
from tf0.ops.core import OPS
from tf0.ops.sources import placeholder

from . import keras_backend
from .keras_callbacks import History, epoch_logs


class Training:
    """compile, fit, evaluate, predict and the *_on_batch calls of a built model (its
    inputs, outputs, losses, updates and trainable_weights)."""

    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                **kwargs):
        """Choose the optimizer (a name or a tf.train optimizer), the loss (a name or a
        function of (y_true, y_pred)) and the metrics; the ops are made on first use."""
        if isinstance(loss, (list, dict)):
            raise NotImplementedError("tf0's keras models train one output with one loss")
        self.optimizer = keras_losses.get_optimizer(optimizer)
        self._optimizer_name = optimizer if isinstance(optimizer, str) else None
        self.loss = keras_losses.get_loss(loss)
        self._metric_names = list(metrics or [])
        self._training = None

    def _training_ops(self):
        if self._training is not None:
            return self._training
        if self.optimizer is None:
            raise RuntimeError("You must compile your model before using it.")
        if len(self.outputs) != 1:
            raise NotImplementedError("tf0's keras models train one output")
        output = self.outputs[0]
        with output.graph.as_default(), output.graph.name_scope("training/"):
            target = placeholder(dtypes.float32, None, name=f"{output.op.name}_target")
            weights = placeholder(dtypes.float32, [None], name="sample_weights")
            per_example = self.loss(_shaped_like(target, output, self.loss), output)
            per_example = OPS.reduce_mean(per_example, axis=list(range(
                1, per_example.shape.ndims))) if per_example.shape.ndims > 1 else per_example
            nonzero = OPS.reduce_mean(OPS.cast(OPS.not_equal(weights, 0.0), dtypes.float32))
            loss = OPS.reduce_mean(per_example * weights) / OPS.maximum(nonzero, 1e-7)
            for extra in self.losses:
                loss = loss + extra
            metrics = []
            for identifier in self._metric_names:
                name, fn = keras_losses.get_metric(identifier, self.loss, output)
                metrics.append((name, OPS.reduce_mean(fn(_shaped_like(target, output, fn),
                                                         output))))
            step = self.optimizer.minimize(loss, var_list=self.trainable_weights)
        self._training = {"target": target, "weights": weights, "loss": loss,
                          "metrics": metrics, "step": step}
        return self._training

    def _feeds(self, xs, y=None, weights=None, training=False):
        feeds = {t: np.asarray(a, t.dtype.np) for t, a in zip(self.inputs, xs)}
        feeds[keras_base.learning_phase(self.outputs[0].graph)] = training
        if y is not None:
            ops = self._training
            feeds[ops["target"]] = np.asarray(y, np.float32)
            feeds[ops["weights"]] = np.ones(len(y), np.float32) if weights is None else weights
        return feeds

    def _run_batch(self, xs, y, weights, train):
        ops = self._training_ops()
        fetches = [ops["loss"]] + [m for _, m in ops["metrics"]]
        extra = [ops["step"], *self.updates] if train else []
        values = keras_backend.get_session(self.outputs[0].graph).run(fetches + extra,
                                                 self._feeds(xs, y, weights, train))
        return dict(zip(["loss"] + [n for n, _ in ops["metrics"]], values[:len(fetches)]))

    def _prepare(self, x, y=None):
        xs = _arrays(x, self.inputs)
        self._build_on(xs)
        if len(xs) != len(self.inputs):
            raise ValueError(f"The model has {len(self.inputs)} inputs, got {len(xs)} arrays")
        y = None if y is None else np.asarray(y)
        for a in xs + ([y] if y is not None else []):
            if len(a) != len(xs[0]):
                raise ValueError(f"Input arrays should have the same number of samples as "
                                 f"target arrays. Found {len(xs[0])} input samples and "
                                 f"{len(a)} target samples.")
        return xs, y

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, **kwargs):
        """Train on NumPy arrays (or a Dataset of (x, y) batches, steps_per_epoch of them
        per epoch, or until it ends); returns the History of the epochs' mean loss and
        metrics."""
        from .data import Dataset
        batch_size = batch_size or 32
        if validation_data is not None and not isinstance(validation_data, Dataset):
            vx, vy = self._prepare(validation_data[0], validation_data[1])
            validation_data = (vx, vy, np.asarray(validation_data[2], np.float32)
                               if len(validation_data) == 3 else None)
        if isinstance(x, Dataset):
            batches, samples = self._dataset_batches(x, steps_per_epoch), None
        else:
            xs, y = self._prepare(x, y)
            weights = _sample_weights(y, sample_weight, class_weight)
            if validation_data is None and validation_split:
                cut = int(len(y) * (1.0 - validation_split))
                validation_data = ([a[cut:] for a in xs], y[cut:], weights[cut:])
                xs, y, weights = [a[:cut] for a in xs], y[:cut], weights[:cut]
            batches, samples = _array_batches(xs, y, weights, batch_size, shuffle), len(y)
        history = History()
        callbacks = list(callbacks or []) + [history]  # last: it sees what they log
        self._start(callbacks, epochs, batch_size, samples)
        for epoch in range(initial_epoch, epochs):
            started = time.time()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            sums, count = {}, 0
            for batch, (bx, by, bw) in enumerate(batches()):
                for cb in callbacks:
                    cb.on_batch_begin(batch, {"batch": batch, "size": len(by)})
                logs = self._run_batch(bx, by, bw, True)
                for key, value in logs.items():
                    sums[key] = sums.get(key, 0.0) + value * len(by)
                count += len(by)
                for cb in callbacks:
                    cb.on_batch_end(batch, dict(logs, batch=batch, size=len(by)))
            logs = epoch_logs(sums, count)
            if validation_data is not None:
                logs.update({f"val_{k}": v for k, v in
                             self._evaluate_logs(validation_data, batch_size).items()})
            self._end_epoch(callbacks, epoch, epochs, logs, verbose, started)
            if self.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end()
        return history

    def _dataset_batches(self, dataset, steps, labelled=True):
        """A function giving one pass of (input arrays, targets or None, None) batches of a
        Dataset of (x, y) (or x) elements: `steps` of them, or until the data ends."""
        from tf0.engine import errors
        from tf0.engine.graph import get_default_graph
        graph = self.outputs[0].graph if self.outputs else get_default_graph()
        with graph.as_default():
            iterator = dataset.make_initializable_iterator()
            element = iterator.get_next()

        def one_pass():
            session = keras_backend.get_session(graph)
            session.run(iterator.initializer)
            taken = 0
            while steps is None or taken < steps:
                try:
                    value = session.run(element)
                except errors.OutOfRangeError:
                    return
                x, y = value if labelled else (value, None)
                xs, y = self._prepare(x, y)
                taken += 1
                yield xs, (y if labelled else np.zeros(len(xs[0]))), None
        return one_pass

    def _start(self, callbacks, epochs, batch_size, samples):
        self.stop_training = False
        for cb in callbacks:
            cb.set_model(self)
            cb.set_params({"epochs": epochs, "batch_size": batch_size, "samples": samples,
                           "metrics": ["loss"] + self._metric_names})
            cb.on_train_begin()

    def _end_epoch(self, callbacks, epoch, epochs, logs, verbose, started):
        if verbose:
            shown = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
            print(f"Epoch {epoch + 1}/{epochs}\n - {time.time() - started:.0f}s - {shown}")
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)

    def _evaluate_logs(self, data, batch_size, steps=None):
        """Mean loss and metrics over (input arrays, targets, sample weights or None), or
        over a Dataset of (x, y) batches."""
        from .data import Dataset
        if isinstance(data, Dataset):
            batches = self._dataset_batches(data, steps)
        else:
            batches = _array_batches(*data, batch_size, shuffle=False)
        sums, count = {}, 0
        for xs, y, weights in batches():
            for key, value in self._run_batch(xs, y, weights, False).items():
                sums[key] = sums.get(key, 0.0) + value * len(y)
            count += len(y)
        return epoch_logs(sums, count)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, **kwargs):
        """The mean loss over (x, y) or a Dataset of (x, y) batches (and the metrics:
        [loss, *metrics])."""
        from .data import Dataset
        if not isinstance(x, Dataset):
            xs, y = self._prepare(x, y)
            x = (xs, y, None if sample_weight is None else
                 np.asarray(sample_weight, np.float32))
        logs = self._evaluate_logs(x, batch_size or 32, steps)
        values = [logs["loss"]] + [logs[n] for n, _ in self._training_ops()["metrics"]]
        return values if len(values) > 1 else values[0]

    def predict(self, x, batch_size=None, verbose=0, steps=None, **kwargs):
        """The model's outputs for each row of x (or of a Dataset's batches), in batches
        (a list for several outputs)."""
        from .data import Dataset
        if isinstance(x, Dataset):
            batches = self._dataset_batches(x, steps, labelled=False)
        else:
            xs, _ = self._prepare(x)
            batches = _array_batches(xs, np.zeros(len(xs[0])), None, batch_size or 32,
                                     shuffle=False)
        session = keras_backend.get_session(self.outputs[0].graph)
        parts = [session.run(self.outputs, self._feeds(bx)) for bx, _, _ in batches()]
        if not parts:
            raise ValueError("predict needs at least one sample")
        joined = [np.concatenate(p) for p in zip(*parts)]
        return joined if len(joined) > 1 else joined[0]

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        xs, y = self._prepare(x, y)
        self._training_ops()
        logs = self._run_batch(xs, y, _sample_weights(y, sample_weight, class_weight), True)
        return _scalars(logs)

    def test_on_batch(self, x, y, sample_weight=None):
        xs, y = self._prepare(x, y)
        self._training_ops()
        return _scalars(self._run_batch(xs, y, sample_weight, False))

    def predict_on_batch(self, x):
        xs, _ = self._prepare(x)
        out = keras_backend.get_session(self.outputs[0].graph).run(self.outputs, self._feeds(xs))
        return out if len(out) > 1 else out[0]



def _arrays(x, inputs):
    if isinstance(x, dict):
        return [np.asarray(x[t.op.name]) for t in inputs]
    return [np.asarray(a) for a in flat(x)]


def _shaped_like(target, output, fn):
    """The target placeholder as fn reads it: class ids for the sparse functions, else
    output's shape."""
    if "sparse" in getattr(fn, "__name__", ""):
        return target
    return OPS.reshape(target, OPS.shape(output))


def _array_batches(xs, y, weights, batch_size, shuffle):
    """A function giving one pass of (input arrays, targets, weights or None) batches,
    the rows in a fresh random order each pass if shuffle."""
    def one_pass():
        order = np.random.permutation(len(y)) if shuffle else np.arange(len(y))
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            yield ([a[rows] for a in xs], y[rows],
                   None if weights is None else weights[rows])
    return one_pass


def _sample_weights(y, sample_weight, class_weight):
    weights = np.ones(len(y), np.float32) if sample_weight is None else \
        np.asarray(sample_weight, np.float32)
    if class_weight:
        classes = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(-1)
        weights = weights * np.array([class_weight.get(int(c), 1.0) for c in classes],
                                     np.float32)
    return weights


def _scalars(logs):
    values = list(logs.values())
    return [float(v) for v in values] if len(values) > 1 else float(values[0])

