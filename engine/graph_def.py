"""Graphs as data: TF1's GraphDef (Graph.as_graph_def) and tf.import_graph_def, in tf0's
JSON form, and the node and attribute encoding that meta graphs and SavedModels share.

A GraphDef's bytes (SerializeToString) are JSON, not TF1's protobuf:
{"format": "tf0-graph-def-1",
 "nodes": [{"name", "type", "inputs": [tensor names], "control_inputs": [op names],
            "attrs": {name: encoded value}}, ...]          (in creation order)
 "arrays": {key: {"dtype", "shape", "data": base64} | {"shape", "items": [...]}}}
An attribute is encoded as JSON where it is one; a dtype, shape, slice or tuple as a small
object; an array (a constant's value) by its key in "arrays".
"""
import base64
import json

import numpy as np

from . import dtypes, errors
from .graph import Graph, Tensor, get_default_graph
from .shapes import TensorShape

FORMAT = "tf0-graph-def-1"
# Attributes that name graph elements: a tf.cond branch's predicates, a loop body's frame.
_COND, _FRAME = "_cond", "_frame"
_LOOP_TYPES = ("While", "WhileGrad")


def encode_attr(value, arrays, key):
    """A JSON-able form of an attribute value; arrays go to `arrays` under `key` (the
    inverse of decode_attr)."""
    if isinstance(value, dtypes.DType):
        return {"dtype": value.name}
    if isinstance(value, TensorShape):
        return {"shape": None if value.dims is None else list(value.dims)}
    if isinstance(value, np.ndarray):
        arrays[key] = value
        return {"weight": key}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode_attr(v, arrays, f"{key}/{i}") for i, v in enumerate(value)]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"attribute {key} of type {type(value).__name__} cannot be exported")


def decode_attr(value, arrays):
    if isinstance(value, dict):
        if "dtype" in value:
            return dtypes.as_dtype(value["dtype"])
        if "shape" in value:
            return TensorShape(value["shape"])
        if "weight" in value:
            arr = arrays[value["weight"]]
            arr.setflags(write=False)
            return arr
        if "slice" in value:
            return slice(*value["slice"])
        if "ellipsis" in value:
            return Ellipsis
        if "tuple" in value:
            return tuple(decode_attr(v, arrays) for v in value["tuple"])
    return value


def array_json(value):
    """An array as JSON: numbers as base64 bytes, strings item by item."""
    value = np.asarray(value)
    if value.dtype.kind in "biuf":
        return {"dtype": value.dtype.str, "shape": list(value.shape),
                "data": base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()}
    items = [{"bytes": base64.b64encode(v).decode()} if isinstance(v, bytes) else {"str": str(v)}
             for v in value.reshape(-1).tolist()]
    return {"shape": list(value.shape), "items": items}


def array_value(spec):
    """The array of array_json's form."""
    if "data" in spec:
        raw = base64.b64decode(spec["data"])
        return np.frombuffer(raw, np.dtype(spec["dtype"])).reshape(spec["shape"]).copy()
    items = [base64.b64decode(i["bytes"]) if "bytes" in i else i["str"] for i in spec["items"]]
    out = np.empty(len(items), object)
    out[:] = items
    return out.reshape(spec["shape"])


def graph_nodes(ops):
    """(nodes, arrays): the node records of `ops` in their order, and the arrays their
    attributes hold. TypeError names an op whose attributes are Python objects."""
    arrays, nodes = {}, []
    for op in ops:
        try:
            attrs = {k: encode_attr(v, arrays, f"{op.name}/{k}") for k, v in op.attrs.items()}
        except TypeError as e:
            raise TypeError(f"op '{op.name}' ({op.type}) cannot be exported: {e}") from None
        nodes.append({"name": op.name, "type": op.type, "inputs": [t.name for t in op.inputs],
                      "control_inputs": [c.name for c in op.control_inputs], "attrs": attrs})
    return nodes, arrays


def create_nodes(graph, nodes, arrays, prefix="", input_map=None):
    """Create node records in `graph`, in their order: each under prefix + its name, with
    its inputs (tensor names, or the tensors input_map gives for them) and control inputs
    (op names), its attributes decoded, in its loop body's frame."""
    input_map = input_map or {}

    def tensor(name):
        mapped = input_map.get(name)
        return mapped if mapped is not None else graph.as_graph_element(prefix + name)

    for node in nodes:
        attrs = {k: decode_attr(v, arrays) for k, v in node["attrs"].items()}
        if prefix and _COND in attrs:
            attrs[_COND] = tuple((tensor(pred).name, branch) for pred, branch in attrs[_COND])
        inputs = [tensor(t) for t in node["inputs"]]
        control = [graph.get_operation_by_name(prefix + c)
                   for c in node.get("control_inputs", ())]
        with graph.while_frame(attrs.get(_FRAME, ())):
            graph.create_op(node["type"], inputs, attrs, name=prefix + node["name"] + "/",
                            control_inputs=control)


class NodeDef:
    """One node of a GraphDef, with TF1's field names: name, op, input (tensor names, ":0"
    left out, "^name" for a control input), attr (decoded values), device."""

    def __init__(self, record, arrays):
        self._record, self._arrays, self.device = record, arrays, ""

    @property
    def name(self):
        return self._record["name"]

    @property
    def op(self):
        return self._record["type"]

    @property
    def input(self):
        data = [t[:-2] if t.endswith(":0") else t for t in self._record["inputs"]]
        return data + ["^" + c for c in self._record.get("control_inputs", ())]

    @property
    def attr(self):
        return {k: decode_attr(v, self._arrays) for k, v in self._record["attrs"].items()}

    def __repr__(self):
        return f"NodeDef(name={self.name!r}, op={self.op!r}, input={self.input})"


class GraphDef:
    """A graph's nodes in creation order: what Graph.as_graph_def gives and
    tf.import_graph_def takes. SerializeToString / ParseFromString use tf0's JSON form
    (module docstring), not TF1's protobuf."""

    def __init__(self, nodes=(), arrays=None):
        self._nodes, self._arrays = list(nodes), dict(arrays or {})

    @property
    def node(self):
        return [NodeDef(n, self._arrays) for n in self._nodes]

    def records(self):
        """(node records, arrays) for building from."""
        return self._nodes, self._arrays

    def SerializeToString(self):  # noqa: N802 (TF1's name)
        return json.dumps({"format": FORMAT, "nodes": self._nodes,
                           "arrays": {k: array_json(v) for k, v in self._arrays.items()}}
                          ).encode()

    def ParseFromString(self, data):  # noqa: N802
        """Replace the contents with the serialized GraphDef `data` (bytes); DataLossError
        for anything else, leaving the contents as they were."""
        try:
            spec = json.loads(data)
            if not isinstance(spec, dict) or spec.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} GraphDef")
            arrays = {k: array_value(v) for k, v in spec["arrays"].items()}
            nodes = spec["nodes"]
            for n in nodes:
                if not (isinstance(n["name"], str) and isinstance(n["type"], str)
                        and isinstance(n["inputs"], list) and isinstance(n["attrs"], dict)):
                    raise ValueError(f"malformed node {n!r:.80}")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            raise errors.DataLossError(None, None, f"cannot parse a GraphDef: {e}") from None
        self._nodes, self._arrays = nodes, arrays
        return len(data)

    def MergeFromString(self, data):  # noqa: N802
        other = GraphDef()
        size = other.ParseFromString(data)
        self.MergeFrom(other)
        return size

    def MergeFrom(self, other):  # noqa: N802
        self._nodes += other._nodes
        self._arrays.update(other._arrays)

    def CopyFrom(self, other):  # noqa: N802
        self._nodes, self._arrays = list(other._nodes), dict(other._arrays)

    def ByteSize(self):  # noqa: N802
        return len(self.SerializeToString())

    def __eq__(self, other):
        return isinstance(other, GraphDef) and \
            self.SerializeToString() == other.SerializeToString()

    def __str__(self):
        return "\n".join(repr(n) for n in self.node)


def as_graph_def(graph):
    """The GraphDef of every op of `graph` (Graph.as_graph_def)."""
    return GraphDef(*graph_nodes(graph.get_operations()))


def _tensor_name(name):
    return name if ":" in name else name + ":0"


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Add the nodes of graph_def to the default graph under the scope `name` ("import",
    made unique; "" for none). input_map: {tensor name in graph_def: Tensor} used in place
    of those tensors. Returns the graph elements return_elements names ("op" an Operation,
    "op:1" a Tensor), or None. Nothing is added when an error is raised."""
    if not isinstance(graph_def, GraphDef):
        raise TypeError(f"graph_def must be a GraphDef, got {type(graph_def).__name__}")
    nodes, arrays = graph_def.records()
    input_map = {_tensor_name(k): v for k, v in (input_map or {}).items()}
    for key, value in input_map.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"input_map[{key!r}] must be a Tensor, got {type(value).__name__}")
    names = {n["name"] for n in nodes}
    scope = "import" if name is None else name
    if scope and any(n["type"] in _LOOP_TYPES for n in nodes):
        raise NotImplementedError("tf0 imports a graph holding tf.while_loop only at the "
                                  "root (import_graph_def(..., name=''))")
    try:  # in a scratch graph first, so that a bad GraphDef adds nothing
        with Graph().as_default() as scratch:
            create_nodes(scratch, nodes, arrays)
            unknown = []
            for key, value in input_map.items():
                try:
                    replaced = scratch.get_tensor_by_name(key)
                except (KeyError, ValueError):
                    unknown.append(key)
                    continue
                if value.dtype is not replaced.dtype or \
                        not value.shape.is_compatible_with(replaced.shape):
                    raise ValueError(f"input_map[{key!r}] is {value.dtype.name} "
                                     f"{value.shape}, where the graph has "
                                     f"{replaced.dtype.name} {replaced.shape}")
            if unknown:
                raise ValueError(f"Attempted to map inputs that were not found in graph_def: "
                                 f"{unknown}")
            for element in return_elements or ():
                if element.split(":")[0] not in names:
                    raise ValueError(f"Requested return_element {element!r} not found in "
                                     f"graph_def.")
                scratch.as_graph_element(element)
    except (KeyError, TypeError) as e:
        raise ValueError(f"cannot import the GraphDef: {e}") from None
    graph = get_default_graph()
    with graph.name_scope(scope) as prefix:
        taken = {prefix + n for n in names} & {op.name for op in graph.get_operations()}
        if taken:
            raise ValueError(f"the graph already has ops named {sorted(taken)[:5]}: import "
                             f"under another name")
        create_nodes(graph, nodes, arrays, prefix, input_map)
        if return_elements is None:
            return None
        return [graph.as_graph_element(prefix + e) for e in return_elements]
