"""The training side of a keras Model (TF1 graph mode): compile adds the loss, metric and
training ops once (on first use, so a Sequential model may be built by its first data);
fit, evaluate and predict feed batches of NumPy arrays, of a tf.data Dataset's elements or
of a generator or keras Sequence to them through the keras session. Model
(keras_model.py) takes it as a base.

Epoch means follow TF1's keras: metrics are means over the samples; the loss too, except
over a Dataset's batches (fit and evaluate) and a generator's in evaluation, where it is
the mean of the batches' losses."""
import time

import numpy as np

from tf0.engine import dtypes
from tf0.ops import keras_base, keras_losses
from tf0.ops.keras_base import flat
from tf0.ops.core import OPS
from tf0.ops.sources import placeholder

from . import keras_backend
from .keras_callbacks import History, epoch_logs
from .keras_utils import Sequence, is_batch_generator


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
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            **kwargs):
        """Train on NumPy arrays, a Dataset of (x, y) batches, or a generator or keras
        Sequence of (x, y) or (x, y, sample_weight) batches: steps_per_epoch of them per
        epoch (a Sequence's len() by default), or until a Dataset ends. Returns the History
        of the epochs' mean loss and metrics."""
        from .data import Dataset
        batch_size = batch_size or 32
        validation = None
        if validation_data is not None:
            validation = self._evaluation_batches(validation_data, batch_size,
                                                  validation_steps, "validation_steps")
        per_step_loss = isinstance(x, Dataset)
        if per_step_loss:
            batches, samples = self._dataset_batches(x, steps_per_epoch), None
        elif is_batch_generator(x):
            batches = self._generator_batches(x, steps_per_epoch, "steps_per_epoch",
                                              shuffle=shuffle, class_weight=class_weight)
            samples = None
        else:
            xs, y = self._prepare(x, y)
            weights = _sample_weights(y, sample_weight, class_weight)
            if validation is None and validation_split:
                cut = int(len(y) * (1.0 - validation_split))
                validation = (_array_batches([a[cut:] for a in xs], y[cut:], weights[cut:],
                                             batch_size, shuffle=False), False)
                xs, y, weights = [a[:cut] for a in xs], y[:cut], weights[:cut]
            batches, samples = _array_batches(xs, y, weights, batch_size, shuffle), len(y)
        history = History()
        callbacks = list(callbacks or []) + [history]  # last: it sees what they log
        self._start(callbacks, epochs, batch_size, samples)
        for epoch in range(initial_epoch, epochs):
            started = time.time()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            means = _EpochMeans(per_step_loss)
            for batch, (bx, by, bw) in enumerate(batches()):
                for cb in callbacks:
                    cb.on_batch_begin(batch, {"batch": batch, "size": len(by)})
                logs = self._run_batch(bx, by, bw, True)
                means.add(logs, len(by))
                for cb in callbacks:
                    cb.on_batch_end(batch, dict(logs, batch=batch, size=len(by)))
            logs = means.logs()
            if validation is not None:
                logs.update({f"val_{k}": v for k, v in self._evaluate_logs(*validation).items()})
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

    def _generator_batches(self, data, steps, steps_name, labelled=True, shuffle=False,
                           class_weight=None):
        """A function giving one pass of (input arrays, targets, weights) batches of a keras
        Sequence (`steps` of its batches, or all; in a fresh random order if shuffle;
        on_epoch_end after the pass) or of a generator (`steps` items, TF1's ValueError
        without them). Items are x, (x,), (x, y) or (x, y, sample_weight)."""
        if isinstance(data, Sequence):
            count = len(data) if steps is None else steps

            def items():
                order = np.random.permutation(len(data)) if shuffle else np.arange(len(data))
                for index in order[:count]:
                    yield data[int(index)]
                data.on_epoch_end()
        elif steps is None:
            raise ValueError(f"Please specify the number of steps via the `{steps_name}` "
                             f"argument.")
        else:
            def items():  # the range first: no item is taken beyond the last step
                for _, item in zip(range(steps), data):
                    yield item

        def one_pass():
            for item in items():
                item = item if isinstance(item, tuple) else (item,)
                xs, y = self._prepare(item[0], item[1] if labelled and len(item) > 1 else None)
                if not labelled:
                    yield xs, np.zeros(len(xs[0])), None
                    continue
                weights = item[2] if len(item) > 2 else None
                yield xs, y, (_sample_weights(y, weights, class_weight)
                              if weights is not None or class_weight else None)
        return one_pass

    def _evaluation_batches(self, data, batch_size, steps, steps_name="steps"):
        """(one pass of batches, whether the loss is the mean of the batches' losses) to
        evaluate on: a Dataset of (x, y) batches, a generator or Sequence, or an
        (x, y[, sample_weight]) tuple of arrays."""
        from .data import Dataset
        if isinstance(data, Dataset):
            return self._dataset_batches(data, steps), True
        if is_batch_generator(data):
            return self._generator_batches(data, steps, steps_name), True
        xs, y = self._prepare(data[0], data[1])
        weights = np.asarray(data[2], np.float32) if len(data) > 2 and data[2] is not None \
            else None
        return _array_batches(xs, y, weights, batch_size, shuffle=False), False

    def _evaluate_logs(self, batches, per_step_loss):
        """Mean loss and metrics over one pass of `batches`."""
        means = _EpochMeans(per_step_loss)
        for xs, y, weights in batches():
            means.add(self._run_batch(xs, y, weights, False), len(y))
        return means.logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, **kwargs):
        """The mean loss over (x, y), a Dataset of (x, y) batches or `steps` batches of a
        generator or Sequence (and the metrics: [loss, *metrics])."""
        from .data import Dataset
        data = x if isinstance(x, Dataset) or is_batch_generator(x) else (x, y, sample_weight)
        logs = self._evaluate_logs(*self._evaluation_batches(data, batch_size or 32, steps))
        values = [logs["loss"]] + [logs[n] for n, _ in self._training_ops()["metrics"]]
        return values if len(values) > 1 else values[0]

    def predict(self, x, batch_size=None, verbose=0, steps=None, **kwargs):
        """The model's outputs for each row of x (or of a Dataset's batches, or of `steps`
        batches of a generator or Sequence), in batches (a list for several outputs)."""
        from .data import Dataset
        if isinstance(x, Dataset):
            batches = self._dataset_batches(x, steps, labelled=False)
        elif is_batch_generator(x):
            batches = self._generator_batches(x, steps, "steps", labelled=False)
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

    # TF1's generator entry points; batches are read on the calling thread, so
    # max_queue_size, workers and use_multiprocessing change nothing
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, class_weight=class_weight,
                        shuffle=shuffle, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        return self.evaluate(generator, steps=steps, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        return self.predict(generator, steps=steps, verbose=verbose)



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


class _EpochMeans:
    """Epoch means of batch logs: each value weighted by its batch's samples, except the
    loss where `per_step_loss`, which is then the mean of the batches' losses (TF1)."""

    def __init__(self, per_step_loss):
        self.per_step_loss = per_step_loss
        self.sums, self.count, self.losses = {}, 0, []

    def add(self, logs, size):
        for key, value in logs.items():
            self.sums[key] = self.sums.get(key, 0.0) + value * size
        self.count += size
        self.losses.append(float(logs["loss"]))

    def logs(self):
        logs = epoch_logs(self.sums, self.count)
        if self.per_step_loss and self.losses:
            logs["loss"] = float(np.mean(self.losses))
        return logs
