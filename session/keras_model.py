"""tf.keras.Model and Sequential (TF1 graph mode): a model is the layers between its Input
placeholders and its outputs, built into the default graph (a functional model at once, a
Sequential one when its first layer knows its input shape or on its first data, a
subclass on its first data); its weights, summary and saving. Training: keras_training.py."""
import numpy as np

from tf0.engine.graph import postorder
from tf0.ops import keras_base
from tf0.ops.keras_base import flat
from tf0.ops.keras_layers import Input, InputLayer

from . import keras_backend
from .keras_training import Training


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


class Model(Training, keras_base.KerasLayer):
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
            self._set_graph(flat(inputs), flat(outputs))

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
        mapped = dict(zip(map(id, self.inputs), flat(inputs)))
        for layer, sources, outs in self._nodes:
            args = [mapped[id(t)] for t in sources]
            made = layer(args if len(args) > 1 else args[0])
            mapped.update(zip(map(id, outs), flat(made)))
        result = [mapped[id(t)] for t in self.outputs]
        return result if len(result) > 1 else result[0]

    def _build_on(self, arrays):
        """Build a subclassed or input-less model on the shapes of the first data."""
        if self.inputs is not None:
            return
        inputs = [Input(shape=np.shape(a)[1:], dtype=_dtype_of(a)) for a in arrays]
        outputs = type(self).call(self, inputs if len(inputs) > 1 else inputs[0])
        self._set_graph(inputs, flat(outputs))

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
        self._saver().save(keras_backend.get_session(self.outputs[0].graph), str(filepath),
                           write_meta_graph=False)

    def load_weights(self, filepath, by_name=False):
        self._saver().restore(keras_backend.get_session(self.outputs[0].graph), str(filepath))

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
