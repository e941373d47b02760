"""Saving a keras model whole (tf0's format, not HDF5): model.save(path) writes a folder
with model.json (the layers, each by class and the arguments it was made with; how a
functional model wires them; the compile settings given by name) and the weights as a
tf0 checkpoint; keras.models.load_model(path) builds the model again in the default graph
and restores them. model.to_json() and model_from_json() carry the architecture alone.

Arguments are saved as JSON: numbers, strings, lists, None, keras-named activations and
l1/l2 regularizers, and layers (of wrappers). A Lambda's function, an initializer object
or a subclassed model cannot be saved: save says which."""
import json
import os

import numpy as np

from tf0.ops import keras_base, keras_losses
from tf0.ops.keras_layers import InputLayer

from .saved_model import read_spec

FORMAT = "tf0-keras-model-1"


def _layer_classes(custom_objects):
    """{name: class} of tf0's keras layers, and the program's own from custom_objects (as
    keras, a custom layer is not found by its name alone)."""
    classes, stack = {}, [keras_base.KerasLayer]
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("tf0."):
            classes.setdefault(cls.__name__, cls)
        stack += cls.__subclasses__()
    classes.update(custom_objects or {})
    return classes


# ---- to JSON -----------------------------------------------------------------------------------
def _value(value, where):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_value(v, where) for v in value]
    if isinstance(value, dict):
        return {"dict": {str(k): _value(v, where) for k, v in value.items()}}
    if isinstance(value, keras_base.KerasLayer):
        return {"layer": layer_spec(value, nested=True)}
    if isinstance(value, keras_base.L1L2):
        return {"l1_l2": [value.l1, value.l2]}
    name = keras_base.activation_name(value) if callable(value) else None
    if name is not None:
        return name
    raise TypeError(f"{where} = {value!r} cannot be saved: give it by keras's name (a Lambda's "
                    f"function, initializer objects and other Python objects are not saved)")


def layer_spec(layer, nested=False):
    """{"class", "args", "kwargs"} of a layer; a top-level layer keeps its name (a wrapped
    one is named by its wrapper again)."""
    if "_made_with" not in layer.__dict__:
        raise TypeError(f"{layer.name} ({type(layer).__name__}) cannot be saved")
    args, kwargs = layer._made_with
    if not nested:
        kwargs = dict(kwargs, name=layer.name)
    where = f"{layer.name} ({type(layer).__name__})"
    return {"class": type(layer).__name__, "args": _value(list(args), where),
            "kwargs": {k: _value(v, f"{where} {k}") for k, v in kwargs.items()}}


def model_spec(model):
    """The architecture of a Sequential or functional model as a dict."""
    from .keras_model import Model, Sequential
    if isinstance(model, Sequential):
        first = model._stack[0] if model._stack else None
        shape = [d for d in model.inputs[0].shape.as_list()] if model.inputs else None
        return {"class": "Sequential", "name": model.name,
                "layers": [layer_spec(layer) for layer in model._stack],
                "batch_input_shape": shape if first is not None and
                first.batch_input_shape is None else None,
                "input_dtype": model.inputs[0].dtype.name if model.inputs else None}
    if type(model).call is not Model.call or model.inputs is None:
        raise NotImplementedError("A subclassed model cannot be saved whole: save_weights "
                                  "and build it again in code")
    names, calls = {}, {}
    for t in model.inputs:
        names[id(t)] = f"{keras_base.made_by(t)[0].name}:0:0"
    nodes = []
    for layer, reads, outs in model._nodes:
        k = calls[layer.name] = calls.get(layer.name, -1) + 1
        for i, t in enumerate(outs):
            names[id(t)] = f"{layer.name}:{k}:{i}"
        nodes.append({"layer": layer.name, "inputs": [names[id(t)] for t in reads]})
    return {"class": "Model", "name": model.name,
            "layers": [layer_spec(layer) for layer in model.layers],
            "inputs": [names[id(t)] for t in model.inputs], "nodes": nodes,
            "outputs": [names[id(t)] for t in model.outputs]}


# ---- from JSON ---------------------------------------------------------------------------------
def _restore(value, classes):
    if isinstance(value, list):
        return [_restore(v, classes) for v in value]
    if isinstance(value, dict):
        if "layer" in value:
            return build_layer(value["layer"], classes)
        if "l1_l2" in value:
            return keras_base.L1L2(*value["l1_l2"])
        if "dict" in value:
            return {k: _restore(v, classes) for k, v in value["dict"].items()}
    return value


def build_layer(spec, classes):
    cls = classes.get(spec["class"])
    if cls is None:
        raise ValueError(f"Unknown layer: {spec['class']} (pass custom_objects)")
    return cls(*_restore(spec["args"], classes),
               **{k: _restore(v, classes) for k, v in spec["kwargs"].items()})


def build_model(spec, custom_objects=None):
    """A model of model_spec's form, built in the default graph."""
    from .keras_model import Model, Sequential
    classes = _layer_classes(custom_objects)
    if spec["class"] == "Sequential":
        model = Sequential(name=spec["name"])
        if spec.get("batch_input_shape"):
            model.add(InputLayer(batch_input_shape=spec["batch_input_shape"],
                                 dtype=spec.get("input_dtype")))
        for layer in spec["layers"]:
            model.add(build_layer(layer, classes))
        return model
    layers = {s["kwargs"]["name"]: s for s in spec["layers"]}
    made, tensors = {}, {}
    for name in spec["inputs"]:
        layer_name = name.split(":")[0]
        made[layer_name] = build_layer(layers[layer_name], classes)
        tensors[name] = made[layer_name].output
    calls = {}
    for node in spec["nodes"]:
        name = node["layer"]
        if name not in made:
            made[name] = build_layer(layers[name], classes)
        reads = [tensors[t] for t in node["inputs"]]
        outs = made[name](reads if len(reads) > 1 else reads[0])
        k = calls[name] = calls.get(name, -1) + 1
        for i, t in enumerate(outs if isinstance(outs, list) else [outs]):
            tensors[f"{name}:{k}:{i}"] = t
    return Model([tensors[t] for t in spec["inputs"]], [tensors[t] for t in spec["outputs"]],
                 name=spec["name"])


def compile_spec(model):
    """The compile settings given by name (an optimizer object is not saved)."""
    if model.optimizer is None:
        return None
    loss = next((n for n, f in keras_losses._LOSSES.items() if f is model.loss), None)
    return {"optimizer": getattr(model, "_optimizer_name", None), "loss": loss,
            "metrics": [m for m in model._metric_names if isinstance(m, str)]}


def save_model(model, filepath):
    if str(filepath).endswith((".h5", ".hdf5", ".keras")):
        raise NotImplementedError("tf0 saves keras models in its own format (a folder of "
                                  "JSON and a checkpoint), not HDF5: give a path without .h5")
    spec = {"format": FORMAT, "model": model_spec(model), "compile": compile_spec(model)}
    os.makedirs(filepath, exist_ok=True)
    with open(os.path.join(filepath, "model.json"), "w") as f:
        json.dump(spec, f, indent=1)
    model.save_weights(os.path.join(filepath, "weights"))


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 (keras's name)
    """The model save wrote at filepath, in the default graph, its weights restored (and
    compiled as it was, if it was compiled by names)."""
    spec = read_spec(os.path.join(filepath, "model.json"), FORMAT,
                     f"No tf0 keras model at {filepath}")
    model = build_model(spec["model"], custom_objects)
    settings = spec.get("compile")
    if compile and settings and settings["optimizer"] and settings["loss"]:
        model.compile(settings["optimizer"], settings["loss"], settings["metrics"])
    model.load_weights(os.path.join(filepath, "weights"))
    return model


def model_from_json(json_string, custom_objects=None):
    return build_model(json.loads(json_string), custom_objects)
