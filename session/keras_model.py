"""tf.keras.Model and Sequential (TF1 graph mode): a model is the layers between its Input
placeholders and its output, built into the default graph; compile adds the loss, metric
and training ops once; fit, evaluate and predict feed NumPy batches (or a tf.data Dataset's
elements) to them through the keras session (keras_backend.get_session)."""
import time

import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph, postorder
from tf0.ops import keras_base, keras_losses
from tf0.ops.core import OPS
from tf0.ops.keras_layers import Input, InputLayer
from tf0.ops.sources import placeholder

from . import keras_backend
from .keras_callbacks import Callback, History, epoch_logs


def _flat(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _nodes_between(inputs, outputs):
    """The layer calls from `inputs` to `outputs`, each after the calls it reads from:
    [(layer, input tensors, output tensors)]."""
    stop = set(inputs)

    def sources(tensor):
        made = keras_base.made_by(tensor)
        if made is None:
            raise ValueError(f"{tensor.name} was not made by keras layers from the model's "
                             f"inputs")
        return [] if tensor in stop or isinstance(made[0], InputLayer) else made[1]
    order, seen = [], set()
    for tensor in postorder(outputs, sources):
        layer, reads = keras_base.made_by(tensor)
        if tensor in stop or isinstance(layer, InputLayer):
            continue
        outs = _outputs_of(layer, reads)
        if id(outs[0]) not in seen:
            seen.add(id(outs[0]))
            order.append((layer, reads, outs))
    return order


def _depths(inputs, outputs, nodes):
    """{id(layer): its greatest distance in calls from the outputs} (keras orders a model's
    layers by it, deepest first, then in the order found)."""
    tensor_depth = {id(t): 0 for t in outputs}
    layer_depth = {}
    for layer, reads, outs in reversed(nodes):
        node = max(tensor_depth.get(id(t), 0) for t in outs)
        layer_depth[id(layer)] = max(layer_depth.get(id(layer), 0), node)
        for t in reads:
            tensor_depth[id(t)] = max(tensor_depth.get(id(t), 0), node + 1)
    for t in inputs:
        layer = keras_base.made_by(t)[0]
        layer_depth[id(layer)] = tensor_depth.get(id(t), 0)
    return layer_depth


def _outputs_of(layer, sources):
    for ins, outs in layer.inbound_nodes:
        if len(ins) == len(sources) and all(a is b for a, b in zip(ins, sources)):
            return outs
    raise ValueError(f"no call of {layer.name} on these inputs")


class Model(keras_base.KerasLayer):
    """Model(inputs, outputs): the functional model of keras Input tensors and the tensors
    layers made from them. Subclasses may instead make layers in __init__ and use them in
    call(inputs); they are built on their first inputs."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        default = {Model: "model", Sequential: "sequential"}.get(
            type(self), keras_base.snake_case(type(self).__name__))
        super().__init__(name=name or keras_base.unique_name(default), **kwargs)
        self._layers, self.stop_training, self._training = [], False, None
        self.optimizer = self.loss = None
        self.inputs = self.outputs = None
        if inputs is not None:
            self._set_graph(_flat(inputs), _flat(outputs))

    _opens_scope = False

    def __setattr__(self, name, value):
        if isinstance(value, keras_base.KerasLayer) and name not in ("model",) and \
                hasattr(self, "_layers") and value not in self._layers:
            self._layers.append(value)
        super().__setattr__(name, value)

    def _set_graph(self, inputs, outputs):
        self.inputs, self.outputs = inputs, outputs
        if type(self).call is Model.call:  # a subclass's layers are its attributes
            self._nodes = _nodes_between(inputs, outputs)
            found = [keras_base.made_by(t)[0] for t in inputs] + [n[0] for n in self._nodes]
            depth = _depths(inputs, outputs, self._nodes)
            for layer in sorted(dict.fromkeys(found), key=lambda layer: -depth[id(layer)]):
                if layer not in self._layers:
                    self._layers.append(layer)
        self.built = True

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}")

    def _unique(self, attr):
        out = []
        for layer in self.layers:
            for item in getattr(layer, attr):
                if not any(item is o for o in out):
                    out.append(item)
        return out

    @property
    def trainable_weights(self):
        return self._unique("trainable_weights") if self.trainable else []

    @property
    def non_trainable_weights(self):
        return self._unique("non_trainable_weights") + \
            ([] if self.trainable else self._unique("trainable_weights"))

    @property
    def weights(self):
        return self._unique("weights")

    @property
    def losses(self):
        return self._unique("losses")

    @losses.setter
    def losses(self, value):
        pass

    @property
    def updates(self):
        return self._unique("updates")

    @updates.setter
    def updates(self, value):
        pass

    def call(self, inputs, training=None):
        """The model on new inputs: each layer call again, on what it reads now."""
        if self.inputs is None:
            raise ValueError("A subclassed Model defines call(inputs)")
        mapped = dict(zip(map(id, self.inputs), _flat(inputs)))
        for layer, sources, outs in self._nodes:
            args = [mapped[id(t)] for t in sources]
            made = layer(args if len(args) > 1 else args[0])
            mapped.update(zip(map(id, outs), _flat(made)))
        result = [mapped[id(t)] for t in self.outputs]
        return result if len(result) > 1 else result[0]

    def _build_on(self, arrays):
        """Build a subclassed or input-less model on the shapes of the first data."""
        if self.inputs is not None:
            return
        inputs = [Input(shape=np.shape(a)[1:], dtype=_dtype_of(a)) for a in arrays]
        outputs = type(self).call(self, inputs if len(inputs) > 1 else inputs[0])
        self._set_graph(inputs, _flat(outputs))

    # ---- training -----------------------------------------------------------------------
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
        with get_default_graph().name_scope("training/"):
            output = self.outputs[0]
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
        feeds[keras_base.learning_phase()] = training
        if y is not None:
            ops = self._training
            feeds[ops["target"]] = np.asarray(y, np.float32)
            feeds[ops["weights"]] = np.ones(len(y), np.float32) if weights is None else weights
        return feeds

    def _run_batch(self, xs, y, weights, train):
        ops = self._training_ops()
        fetches = [ops["loss"]] + [m for _, m in ops["metrics"]]
        extra = [ops["step"], *self.updates] if train else []
        values = keras_backend.get_session().run(fetches + extra,
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
        callbacks = [history] + list(callbacks or [])
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
        iterator = dataset.make_initializable_iterator()
        element = iterator.get_next()

        def one_pass():
            session = keras_backend.get_session()
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
        session = keras_backend.get_session()
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
        out = keras_backend.get_session().run(self.outputs, self._feeds(xs))
        return out if len(out) > 1 else out[0]

    # ---- weights ------------------------------------------------------------------------
    def get_weights(self):
        return keras_backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        if len(weights) != len(self.weights):
            raise ValueError(f"You called `set_weights(weights)` on a model with "
                             f"{len(self.weights)} weights, but the given list has "
                             f"{len(weights)} arrays")
        keras_backend.batch_set_value(list(zip(self.weights, weights)))

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """The weights as a tf0 checkpoint at filepath (HDF5 is not written)."""
        if str(filepath).endswith((".h5", ".hdf5", ".keras")) or save_format == "h5":
            raise NotImplementedError("tf0 saves keras weights as a checkpoint, not HDF5: "
                                      "give a path without .h5")
        self._saver().save(keras_backend.get_session(), str(filepath),
                           write_meta_graph=False)

    def load_weights(self, filepath, by_name=False):
        self._saver().restore(keras_backend.get_session(), str(filepath))

    def _saver(self):
        """One Saver of the model's weights (made again when they change)."""
        from .saver import Saver
        weights = self.weights
        if getattr(self, "_weights_saver", (None, None))[0] != weights:
            self._weights_saver = (weights, Saver(var_list=weights, max_to_keep=None))
        return self._weights_saver[1]

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        """The whole model in a folder (tf0's format: keras_saving.py); load_model reads
        it back."""
        from .keras_saving import save_model
        save_model(self, filepath)

    def get_config(self):
        from .keras_saving import model_spec
        return model_spec(self)

    def to_json(self, **kwargs):
        import json
        from .keras_saving import model_spec
        return json.dumps(model_spec(self), **kwargs)

    def count_params(self):
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    def summary(self, line_length=65, print_fn=print):
        """Each layer's name, type, output shape and weight count, and the totals."""
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for layer in self.layers:
            shape = tuple(layer.inbound_nodes[0][1][0].shape.as_list()) \
                if layer.inbound_nodes and layer.inbound_nodes[0][1][0].shape.ndims \
                is not None else "multiple"
            rows.append((f"{layer.name} ({type(layer).__name__})", str(shape),
                         str(layer.count_params())))
        print_fn(f'Model: "{self.name}"')
        print_fn("_" * line_length)
        for row in rows:
            print_fn(f"{row[0]:<28} {row[1]:<25} {row[2]}")
        trainable = int(sum(np.prod(w.shape.as_list()) for w in self.trainable_weights))
        print_fn("=" * line_length)
        print_fn(f"Total params: {self.count_params():,}")
        print_fn(f"Trainable params: {trainable:,}")
        print_fn(f"Non-trainable params: {self.count_params() - trainable:,}")
        print_fn("_" * line_length)


class Sequential(Model):
    """A stack of layers, each reading the one before; built when the first layer knows
    its input shape (input_shape=...), else on the first data."""

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    def add(self, layer):
        if not isinstance(layer, keras_base.KerasLayer):
            raise TypeError(f"The added layer must be an instance of class Layer. Found: "
                            f"{layer}")
        if isinstance(layer, InputLayer):
            self._set_graph([layer.output], [layer.output])
            return
        self._stack.append(layer)
        if self.inputs is not None:
            self._set_graph(self.inputs, [layer(self.outputs[0])])
        elif layer.batch_input_shape is not None and len(self._stack) == 1:
            start = Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype,
                          name=f"{layer.name}_input")
            self._set_graph([start], [layer(start)])
        self._training = None

    def _build_on(self, arrays):
        if self.inputs is not None:
            return
        if len(arrays) != 1:
            raise ValueError("A Sequential model takes one input array")
        if not self._stack:
            raise ValueError("The Sequential model has no layers")
        out = start = Input(shape=np.shape(arrays[0])[1:], dtype=_dtype_of(arrays[0]),
                            name=f"{self._stack[0].name}_input")
        for layer in self._stack:
            out = layer(out)
        self._set_graph([start], [out])

    def pop(self):
        raise NotImplementedError("tf0's Sequential models do not remove layers")


# ---- data helpers --------------------------------------------------------------------------
def _dtype_of(array):
    array = np.asarray(array)
    return "int32" if array.dtype.kind in "iu" else "float32"


def _arrays(x, inputs):
    if isinstance(x, dict):
        return [np.asarray(x[t.op.name]) for t in inputs]
    return [np.asarray(a) for a in _flat(x)]


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


__all__ = ["Model", "Sequential", "Callback"]
