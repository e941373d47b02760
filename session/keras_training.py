"""The training side of a keras Model (TF1 graph mode): compile adds the loss, metric and
training ops once (on first use, so a Sequential model may be built by its first data);
fit, evaluate and predict feed batches of NumPy arrays, of a tf.data Dataset's elements or
of a generator or keras Sequence to them through the keras session. Model
(keras_model.py) takes it as a base.

A model with several outputs trains the sum of their (weighted) losses and logs each
output's loss and metrics under its layer's name ("dense_1_loss", "dense_1_acc").
Epoch means follow TF1's keras: metrics are means over the samples; the loss too, except
over a Dataset's batches (fit and evaluate) and a generator's in evaluation, where it is
the mean of the batches' losses; each output's own loss is always the batches' mean."""
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
        function of (y_true, y_pred); for several outputs one for all, a list or a dict
        by output name), their loss_weights and the metrics (a list for every output, or
        per output); the ops are made on first use."""
        self.optimizer = keras_losses.get_optimizer(optimizer)
        self._optimizer_name = optimizer if isinstance(optimizer, str) else None
        get = keras_losses.get_loss
        self.loss = {k: get(v) for k, v in loss.items()} if isinstance(loss, dict) else \
            [get(v) for v in loss] if isinstance(loss, (list, tuple)) else get(loss)
        self._loss_weights = loss_weights
        self._metric_spec = metrics
        self._metric_names = list(metrics) if isinstance(metrics, (list, tuple)) else []
        self._training = None

    @property
    def output_names(self):
        """The names of the layers that make the model's outputs."""
        names = []
        for i, output in enumerate(self.outputs):
            try:
                names.append(keras_base.made_by(output)[0].name)
            except (AttributeError, KeyError, TypeError):
                names.append(f"output_{i + 1}")
        return names

    @property
    def metrics_names(self):
        """The names of what evaluate and the *_on_batch calls return, in order."""
        return list(self._training_ops()["names"])

    def _per_output(self, spec, what, default):
        """One entry of a compile argument per output: the same for all, from a list of
        one per output, or from a dict by output name (TF1's errors otherwise)."""
        names = self.output_names
        if spec is None:
            return [default] * len(names)
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(names))
            if unknown:
                raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only "
                                 f"expected following keys: {names}")
            return [spec.get(name, default) for name in names]
        if isinstance(spec, (list, tuple)):
            if len(spec) != len(names):
                raise ValueError(f"When passing a list as {what}, it should have one entry "
                                 f"per model outputs. The model has {len(names)} outputs, but "
                                 f"you passed {what}={list(spec)}")
            return list(spec)
        return [spec] * len(names)

    def _training_ops(self):
        if self._training is not None:
            return self._training
        if self.optimizer is None:
            raise RuntimeError("You must compile your model before using it.")
        outputs, names = self.outputs, self.output_names
        several = len(outputs) > 1
        losses = self._per_output(self.loss, "loss", None)
        if any(fn is None for fn in losses):
            raise ValueError(f"Output {names[losses.index(None)]} is missing from loss "
                             f"dictionary. tf0 trains every output.")
        factors = self._per_output(self._loss_weights, "loss_weights", 1.0)
        spec = self._metric_spec
        if isinstance(spec, (list, tuple)) and not (several and len(spec) == len(outputs) and
                                                    all(isinstance(m, (list, tuple))
                                                        for m in spec)):
            spec = [list(spec)] * len(outputs)  # a flat list: every output's metrics
        per_output_metrics = [flat(m) if m else [] for m in
                              self._per_output(spec, "metrics", [])]
        graph = outputs[0].graph
        with graph.as_default(), graph.name_scope("training/"):
            targets = [placeholder(dtypes.float32, None, name=f"{o.op.name}_target")
                       for o in outputs]
            weights = placeholder(dtypes.float32, [None], name="sample_weights")
            nonzero = OPS.reduce_mean(OPS.cast(OPS.not_equal(weights, 0.0), dtypes.float32))
            total, logs = None, []
            for name, output, target, fn, factor in zip(names, outputs, targets, losses,
                                                        factors):
                per_example = fn(_shaped_like(target, output, fn), output)
                if per_example.shape.ndims > 1:
                    per_example = OPS.reduce_mean(per_example, axis=list(range(
                        1, per_example.shape.ndims)))
                loss = OPS.reduce_mean(per_example * weights) / OPS.maximum(nonzero, 1e-7)
                if several:
                    logs.append((f"{name}_loss", loss))
                weighted = loss if factor == 1.0 else loss * float(factor)
                total = weighted if total is None else total + weighted
            for extra in self.losses:
                total = total + extra
            for name, output, target, fn, identifiers in zip(names, outputs, targets, losses,
                                                             per_output_metrics):
                for identifier in identifiers:
                    metric, metric_fn = keras_losses.get_metric(identifier, fn, output)
                    logs.append((f"{name}_{metric}" if several else metric, OPS.reduce_mean(
                        metric_fn(_shaped_like(target, output, metric_fn), output))))
            step = self.optimizer.minimize(total, var_list=self.trainable_weights)
        # TF1 averages each output's loss over the batches of an epoch, not the samples
        self._training = {"targets": targets, "weights": weights, "loss": total,
                          "logs": logs, "step": step, "names": ["loss"] + [n for n, _ in logs],
                          "by_step": {f"{n}_loss" for n in names} if several else set()}
        return self._training

    def _feeds(self, xs, ys=None, weights=None, training=False):
        feeds = {t: np.asarray(a, t.dtype.np) for t, a in zip(self.inputs, xs)}
        feeds[keras_base.learning_phase(self.outputs[0].graph)] = training
        if ys is not None:
            ops = self._training
            feeds.update({t: np.asarray(y, np.float32) for t, y in zip(ops["targets"], ys)})
            feeds[ops["weights"]] = np.ones(len(xs[0]), np.float32) if weights is None \
                else weights
        return feeds

    def _run_batch(self, xs, ys, weights, train):
        ops = self._training_ops()
        fetches = [ops["loss"]] + [t for _, t in ops["logs"]]
        extra = [ops["step"], *self.updates] if train else []
        values = keras_backend.get_session(self.outputs[0].graph).run(fetches + extra,
                                                 self._feeds(xs, ys, weights, train))
        return dict(zip(ops["names"], values[:len(fetches)]))

    def _means(self, loss_by_step):
        """_EpochMeans of this model's logs (known once its first batch has built it):
        the loss by step where loss_by_step."""
        def by_step():
            keys = self._training_ops()["by_step"]
            return keys | {"loss"} if loss_by_step else keys
        return _EpochMeans(by_step)

    def _prepare(self, x, y=None):
        """(input arrays, target arrays (one per output) or None), checked."""
        xs = _arrays(x, self.inputs)
        self._build_on(xs)
        if len(xs) != len(self.inputs):
            raise ValueError(f"The model has {len(self.inputs)} inputs, got {len(xs)} arrays")
        ys = None if y is None else self._targets(y)
        for a in xs + (ys or []):
            if len(a) != len(xs[0]):
                raise ValueError(f"Input arrays should have the same number of samples as "
                                 f"target arrays. Found {len(xs[0])} input samples and "
                                 f"{len(a)} target samples.")
        return xs, ys

    def _targets(self, y):
        names = self.output_names
        if isinstance(y, dict):
            missing = [n for n in names if n not in y]
            if missing:
                raise ValueError(f"No data provided for {missing[0]!r}. Need data for each "
                                 f"key in: {names}")
            return [np.asarray(y[n]) for n in names]
        if len(names) == 1:
            return [np.asarray(y)]
        if not isinstance(y, (list, tuple)) or len(y) != len(names):
            given = len(y) if isinstance(y, (list, tuple)) else 1
            raise ValueError(f"Error when checking model target: the list of Numpy arrays "
                             f"that you are passing to your model is not the size the model "
                             f"expected. Expected to see {len(names)} array(s), but instead "
                             f"got {given}.")
        return [np.asarray(a) for a in y]

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
            xs, ys = self._prepare(x, y)
            weights = _sample_weights(ys, sample_weight, class_weight)
            samples = len(xs[0])
            if validation is None and validation_split:
                cut = int(samples * (1.0 - validation_split))
                validation = (_array_batches([a[cut:] for a in xs], [a[cut:] for a in ys],
                                             weights[cut:], batch_size, shuffle=False), False)
                xs, ys, weights = [a[:cut] for a in xs], [a[:cut] for a in ys], weights[:cut]
                samples = cut
            batches = _array_batches(xs, ys, weights, batch_size, shuffle)
        history = History()
        callbacks = list(callbacks or []) + [history]  # last: it sees what they log
        self._start(callbacks, epochs, batch_size, samples)
        for epoch in range(initial_epoch, epochs):
            started = time.time()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            means = self._means(per_step_loss)
            for batch, (bx, by, bw) in enumerate(batches()):
                size = len(bx[0])
                for cb in callbacks:
                    cb.on_batch_begin(batch, {"batch": batch, "size": size})
                logs = self._run_batch(bx, by, bw, True)
                means.add(logs, size)
                for cb in callbacks:
                    cb.on_batch_end(batch, dict(logs, batch=batch, size=size))
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
                xs, ys = self._prepare(x, y)
                taken += 1
                yield xs, ys, None
        return one_pass

    def _start(self, callbacks, epochs, batch_size, samples):
        self.stop_training = False
        for cb in callbacks:
            cb.set_model(self)
            names = self._training_ops()["names"] if self.outputs else \
                ["loss"] + self._metric_names  # a Sequential model its data will build
            cb.set_params({"epochs": epochs, "batch_size": batch_size, "samples": samples,
                           "metrics": list(names)})
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
                xs, ys = self._prepare(item[0], item[1] if labelled and len(item) > 1 else None)
                weights = item[2] if labelled and len(item) > 2 else None
                yield xs, ys, (_sample_weights(ys, weights, class_weight)
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
        xs, ys = self._prepare(data[0], data[1])
        weights = np.asarray(data[2], np.float32) if len(data) > 2 and data[2] is not None \
            else None
        return _array_batches(xs, ys, weights, batch_size, shuffle=False), False

    def _evaluate_logs(self, batches, per_step_loss):
        """Mean loss and metrics over one pass of `batches`."""
        means = self._means(per_step_loss)
        for xs, ys, weights in batches():
            means.add(self._run_batch(xs, ys, weights, False), len(xs[0]))
        return means.logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, **kwargs):
        """The mean loss over (x, y), a Dataset of (x, y) batches or `steps` batches of a
        generator or Sequence (and the metrics: [loss, *metrics])."""
        from .data import Dataset
        data = x if isinstance(x, Dataset) or is_batch_generator(x) else (x, y, sample_weight)
        logs = self._evaluate_logs(*self._evaluation_batches(data, batch_size or 32, steps))
        values = [logs[n] for n in self._training_ops()["names"]]
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
            batches = _array_batches(xs, None, None, batch_size or 32, shuffle=False)
        session = keras_backend.get_session(self.outputs[0].graph)
        parts = [session.run(self.outputs, self._feeds(bx)) for bx, _, _ in batches()]
        if not parts:
            raise ValueError("predict needs at least one sample")
        joined = [np.concatenate(p) for p in zip(*parts)]
        return joined if len(joined) > 1 else joined[0]

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        xs, ys = self._prepare(x, y)
        logs = self._run_batch(xs, ys, _sample_weights(ys, sample_weight, class_weight), True)
        return _scalars(logs)

    def test_on_batch(self, x, y, sample_weight=None):
        xs, ys = self._prepare(x, y)
        return _scalars(self._run_batch(xs, ys, sample_weight, False))

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


def _array_batches(xs, ys, weights, batch_size, shuffle):
    """A function giving one pass of (input arrays, target arrays or None, weights or None)
    batches, the rows in a fresh random order each pass if shuffle."""
    def one_pass():
        count = len(xs[0])
        order = np.random.permutation(count) if shuffle else np.arange(count)
        for start in range(0, count, batch_size):
            rows = order[start:start + batch_size]
            yield ([a[rows] for a in xs], None if ys is None else [a[rows] for a in ys],
                   None if weights is None else weights[rows])
    return one_pass


def _sample_weights(ys, sample_weight, class_weight):
    """One weight per sample: sample_weight (or ones) times the class weights of the
    single output's targets."""
    weights = np.ones(len(ys[0]), np.float32) if sample_weight is None else \
        np.asarray(sample_weight, np.float32)
    if class_weight:
        if len(ys) > 1:
            raise NotImplementedError("tf0's keras takes class_weight for one output only")
        y = ys[0]
        classes = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(-1)
        weights = weights * np.array([class_weight.get(int(c), 1.0) for c in classes],
                                     np.float32)
    return weights


def _scalars(logs):
    values = list(logs.values())
    return [float(v) for v in values] if len(values) > 1 else float(values[0])


class _EpochMeans:
    """Epoch means of batch logs: each value weighted by its batch's samples, except the
    ones named in by_step() (asked at the first batch), which are means over the batches
    (TF1's rules)."""

    def __init__(self, by_step):
        self.by_step = by_step
        self.sums, self.count, self.steps = {}, 0, {}

    def add(self, logs, size):
        if callable(self.by_step):
            self.by_step = self.by_step()
        for key, value in logs.items():
            self.sums[key] = self.sums.get(key, 0.0) + value * size
            if key in self.by_step:
                self.steps.setdefault(key, []).append(float(value))
        self.count += size

    def logs(self):
        logs = epoch_logs(self.sums, self.count)
        logs.update({key: float(np.mean(values)) for key, values in self.steps.items()})
        return logs
