"""TF1's GraphDef protocol buffer, as TensorBoard reads it from an event file's graph_def
field (FileWriter's graph): each node's name, op type, inputs ("name" for output 0,
"name:k", "^name" for a control input), device, and the attributes an AttrValue can hold
(dtypes, shapes, numbers, strings, constant tensors and lists of them), with
"_output_shapes" as TF1 adds them for TensorBoard. Attributes that are Python objects (a
py_func's function, a dataset) are left out: the graph is for viewing, not for running.

Fields: GraphDef node (1); NodeDef name (1), op (2), input (3), device (4), attr (5, a map
of key (1) to AttrValue (2)); AttrValue list (1), s (2), i (3), f (4), b (5), type (6),
shape (7), tensor (8); ListValue the same numbers, packed where numeric; TensorShapeProto
dim (2: size (1)) or unknown_rank (3)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.shapes import TensorShape
from tf0.ops import proto_wire as pb
from tf0.ops.summary_ops import tensor_message


def shape_message(shape):
    """A TensorShapeProto: unknown dimensions are -1, an unknown rank is flagged."""
    if shape.dims is None:
        return pb.int_field(3, 1)
    return b"".join(pb.bytes_field(2, pb.int_field(1, -1 if d is None else d))
                    for d in shape.dims)


def _list_message(values):
    """A ListValue of ints, floats, strings, dtypes or shapes, or None for other lists."""
    if not values:
        return b""
    if all(isinstance(v, dtypes.DType) for v in values):
        if all(v.name in pb.DATA_TYPE for v in values):
            return pb.packed_varints_field(6, [pb.DATA_TYPE[v.name] for v in values])
        return None
    if all(isinstance(v, TensorShape) for v in values):
        return b"".join(pb.bytes_field(7, shape_message(v)) for v in values)
    if all(isinstance(v, (str, bytes)) for v in values):
        return b"".join(pb.bytes_field(2, v) for v in values)
    if all(isinstance(v, (bool, np.bool_)) for v in values):
        return pb.packed_varints_field(5, [int(v) for v in values])
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return pb.packed_varints_field(3, values)
    if all(isinstance(v, (int, float, np.number)) for v in values):
        return pb.packed_floats_field(4, [float(v) for v in values])
    return None


def attr_message(value):
    """An AttrValue for `value`, or None when protobuf has no form for it."""
    if isinstance(value, (bool, np.bool_)):
        return pb.int_field(5, int(value))
    if isinstance(value, (int, np.integer)):
        return pb.int_field(3, value)
    if isinstance(value, (float, np.floating)):
        return pb.float_field(4, float(value))
    if isinstance(value, (str, bytes)):
        return pb.bytes_field(2, value)
    if isinstance(value, dtypes.DType):
        return pb.int_field(6, pb.DATA_TYPE[value.name]) if value.name in pb.DATA_TYPE \
            else None
    if isinstance(value, TensorShape):
        return pb.bytes_field(7, shape_message(value))
    if isinstance(value, np.ndarray):
        if value.dtype == object and not all(isinstance(s, (str, bytes)) for s in value.flat):
            return None  # Python objects, not strings
        try:
            dtype = dtypes.string if value.dtype.kind in "OSU" else dtypes.as_dtype(value.dtype)
        except TypeError:
            return None
        return pb.bytes_field(8, tensor_message(value, dtype)) \
            if dtype.name in pb.DATA_TYPE else None
    if isinstance(value, (list, tuple)):
        items = _list_message(list(value))
        return None if items is None else pb.bytes_field(1, items)
    return None


def node_message(name, op_type, inputs, device, attrs):
    """A NodeDef; `inputs` in TF1's form, `attrs` Python values (the ones protobuf cannot
    hold are left out), in sorted order as TF1 writes its map."""
    out = pb.bytes_field(1, name) + pb.bytes_field(2, op_type)
    out += b"".join(pb.bytes_field(3, i) for i in inputs)
    if device:
        out += pb.bytes_field(4, device)
    for key in sorted(attrs):
        value = attr_message(attrs[key])
        if value is not None:
            out += pb.bytes_field(5, pb.bytes_field(1, key) + pb.bytes_field(2, value))
    return out


def _input_name(tensor):
    return tensor.op.name if tensor.value_index == 0 else tensor.name


def graph_message(graph=None, graph_def=None):
    """The serialized GraphDef of a tf0 Graph (with each node's output shapes) or of a
    tf0 GraphDef (Graph.as_graph_def)."""
    nodes = []
    if graph is not None:
        for op in graph.get_operations():
            attrs = dict(op.attrs)
            attrs["_output_shapes"] = [t.shape for t in op.outputs]
            inputs = [_input_name(t) for t in op.inputs] + \
                ["^" + c.name for c in op.control_inputs]
            nodes.append(node_message(op.name, op.type, inputs, op.device, attrs))
    else:
        for node in graph_def.node:
            nodes.append(node_message(node.name, node.op, node.input, node.device, node.attr))
    return b"".join(pb.bytes_field(1, n) for n in nodes)
