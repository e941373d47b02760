"""A portable model format: the pruned graph as JSON plus weights as safetensors.

save(sess, export_dir, inputs={"x": x}, outputs={"y": y}) writes
  export_dir/graph.json         ops, attributes, shapes, dtypes and the signature
  export_dir/weights.safetensors  every constant and the current value of every variable
load(export_dir) rebuilds the graph in a fresh process, without the code that built it,
and returns a callable: load(d)(x=array) -> {"y": array}. docs/saved_model.md describes
the format.
"""
import json
import os

import numpy as np

from tf0.engine import errors
from tf0.engine.graph import Graph, frame_of
from tf0.engine.graph_def import create_nodes, encode_attr
from tf0.ops.while_ops import body_fetches

from . import safetensors
from .cuda_ops import LOOP_OPS
from .plan import _topological
from .session import Session

FORMAT = "tf0-saved-model-1"
_VARIABLE_READS = ("VariableV2", "ReadVariable")


def save(sess, export_dir, inputs, outputs):
    """Export the subgraph from `inputs` to `outputs` (dicts of name -> Tensor), with the
    variables' current values frozen in as constants."""
    inputs = {k: sess.graph.as_graph_element(v, allow_operation=False) for k, v in inputs.items()}
    outputs = {k: sess.graph.as_graph_element(v, allow_operation=False) for k, v in outputs.items()}
    fed = set(inputs.values())
    ops = _with_loop_bodies(_topological([t.op for t in outputs.values()], fed))
    frozen = [op for op in ops if op.type in _VARIABLE_READS]
    # A read inside a loop body cannot be fetched; its variable's value is what it reads.
    reads = [op.inputs[0] if frame_of(op) else op.outputs[0] for op in frozen]
    values = dict(zip(frozen, sess.run(reads))) if frozen else {}
    weights, nodes = {}, []
    for t in inputs.values():  # every input becomes a placeholder of the exported graph
        nodes.append({"name": f"input/{t.op.name}/{t.value_index}" if t.op.type != "Placeholder"
                      else t.op.name, "type": "Placeholder", "inputs": [],
                      "attrs": {"dtype": {"dtype": t.dtype.name},
                                "shape": {"shape": None if t.shape.dims is None
                                          else list(t.shape.dims)}}})
    renamed = {t: f"{n['name']}:0" for t, n in zip(inputs.values(), nodes)}
    for op in ops:
        if op.type == "Placeholder":
            raise errors.InvalidArgumentError(None, op, f"output depends on placeholder "
                                                        f"{op.name}, which is not an input")
        if op.type in _VARIABLE_READS:
            node = {"name": op.name, "type": "Const", "inputs": [],
                    "attrs": {"value": encode_attr(np.asarray(values[op]), weights, op.name),
                              "dtype": {"dtype": op.outputs[0].dtype.name}}}
            if frame_of(op):  # a read inside a loop body stays in it
                node["attrs"]["_frame"] = encode_attr(frame_of(op), weights, "")
        else:
            if op.op_def.stateful and op.type not in ("RandomUniform", "RandomStandardNormal",
                                                      "TruncatedNormal", "RandomUniformInt",
                                                      *LOOP_OPS):
                raise errors.InvalidArgumentError(None, op, f"cannot export stateful op "
                                                            f"{op.name} ({op.type})")
            node = {"name": op.name, "type": op.type,
                    "inputs": [renamed.get(t, t.name) for t in op.inputs],
                    "attrs": {k: encode_attr(v, weights, f"{op.name}/{k}")
                              for k, v in op.attrs.items()}}
        node["outputs"] = [{"dtype": t.dtype.name,
                            "shape": None if t.shape.dims is None else list(t.shape.dims)}
                           for t in op.outputs]
        nodes.append(node)
    graph = {"format": FORMAT, "nodes": nodes,
             "signature": {"inputs": {k: renamed[t] for k, t in inputs.items()},
                           "outputs": {k: renamed.get(t, t.name) for k, t in outputs.items()}}}
    os.makedirs(export_dir, exist_ok=True)
    safetensors.write(os.path.join(export_dir, "weights.safetensors"), weights,
                      {"format": FORMAT})
    tmp = os.path.join(export_dir, "graph.json.tmp")
    with open(tmp, "w") as f:
        json.dump(graph, f, indent=1)
    os.replace(tmp, os.path.join(export_dir, "graph.json"))
    return export_dir


def _with_loop_bodies(ops):
    """`ops` with the ops of each loop's body plans (nested ones too) just before the loop
    op, which refers to them by name."""
    out = []
    for op in ops:
        if op.type in LOOP_OPS:
            frame = tuple(op.attrs["frame"])
            roots = [t.op for t in body_fetches(op) if frame_of(t.op) == frame]
            out.extend(_with_loop_bodies(_topological(roots, set(), frame)))
        out.append(op)
    return out


class Signature:
    """A loaded model: call it with the inputs as keyword arguments."""

    def __init__(self, graph, inputs, outputs, config=None, session=None):
        self.graph = graph
        self.inputs, self.outputs = inputs, outputs
        self._session = session if session is not None else Session(graph=graph, config=config)

    def __call__(self, **feeds):
        missing = set(self.inputs) - set(feeds)
        if missing:
            raise errors.InvalidArgumentError(None, None, f"missing inputs: {sorted(missing)}")
        unknown = set(feeds) - set(self.inputs)
        if unknown:
            raise errors.InvalidArgumentError(None, None, f"unknown inputs: {sorted(unknown)}")
        return self._session.run(self.outputs, {self.inputs[k]: v for k, v in feeds.items()})


def read_spec(path, fmt, missing):
    """The JSON object at path, of format `fmt`: NotFoundError (`missing`) without the
    file, DataLossError for anything but a JSON object of that format."""
    try:
        with open(path) as f:
            spec = json.load(f)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, missing) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{path} is not valid JSON: {e}") from None
    if not isinstance(spec, dict) or spec.get("format") != fmt:
        raise errors.DataLossError(None, None, f"{path}: not a {fmt} file")
    return spec


def load(export_dir, config=None):
    """Rebuild an exported model; returns a Signature."""
    spec = read_spec(os.path.join(export_dir, "graph.json"), FORMAT,
                     f"No saved model at {export_dir}")
    weights, _ = safetensors.read(os.path.join(export_dir, "weights.safetensors"))
    graph = Graph()
    with graph.as_default():
        create_nodes(graph, spec["nodes"], weights)
    sig, tensor = spec["signature"], graph.as_graph_element
    return Signature(graph, {k: tensor(v) for k, v in sig["inputs"].items()},
                     {k: tensor(v) for k, v in sig["outputs"].items()}, config)
