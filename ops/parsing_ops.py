"""Parsing serialized data: tf.parse_single_example / tf.parse_example with FixedLenFeature
(dense) and VarLenFeature (SparseTensor), and tf.decode_raw. Both run on the host (their
inputs are byte strings); on the GPU their outputs are uploaded."""
import collections

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.op_def import results
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape, as_shape

from .core import convert_to_tensor, defop, make_op
from .example_proto import Example
from .sparse_ops import SparseTensor

FixedLenFeature = collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
FixedLenFeature.__new__.__defaults__ = (None,)
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])

_LISTS = {dtypes.float32: "float_list", dtypes.int64: "int64_list", dtypes.string: "bytes_list"}
_TF_NAMES = {dtypes.float32: "float", dtypes.int64: "int64", dtypes.string: "string"}


def _parse_infer(op):
    batch = op.inputs[0].shape
    rank = None if batch.ndims is None else batch.ndims + 1
    sparse = [spec for dtype in op.attrs["sparse_dtypes"]
              for spec in ((TensorShape([None, rank]), dtypes.int64),
                           (TensorShape([None]), dtype), (TensorShape([rank]), dtypes.int64))]
    return [(batch.concatenate(shape), dtype)
            for shape, dtype in zip(op.attrs["shapes"], op.attrs["dtypes"])] + sparse


def _values(op, feature, key, dtype):
    """The values list of feature `key` (None when absent), its kind checked."""
    if key not in feature or feature[key].WhichOneof("kind") is None:
        return None
    kind = feature[key].WhichOneof("kind")
    if kind != _LISTS[dtype]:
        raise errors.InvalidArgumentError(
            op.node_def, op, f"Key: {key}. Data types don't match. Expected type: "
                             f"{_TF_NAMES[dtype]}, got {kind}")
    return getattr(feature[key], kind).value


def _parse_bind(op, ctx):
    keys, kinds = op.attrs["keys"], op.attrs["dtypes"]
    shapes, defaults = op.attrs["shapes"], op.attrs["defaults"]
    sparse_keys, sparse_kinds = op.attrs["sparse_keys"], op.attrs["sparse_dtypes"]

    def parse_one(serialized):
        try:
            feature = Example.FromString(serialized).features.feature
        except ValueError as e:
            raise errors.InvalidArgumentError(op.node_def, op, f"Could not parse example "
                                                               f"input: {e}") from None
        out = []
        for key, dtype, shape, default in zip(keys, kinds, shapes, defaults):
            dims = shape.as_list()
            values = _values(op, feature, key, dtype)
            if values is None:
                if default is None:
                    raise errors.InvalidArgumentError(
                        op.node_def, op, f"Feature: {key} (data type: {_TF_NAMES[dtype]}) is "
                                         f"required but could not be found.")
                out.append(default)
                continue
            if len(values) != int(np.prod(dims)):
                raise errors.InvalidArgumentError(
                    op.node_def, op, f"Key: {key}. Number of {_TF_NAMES[dtype]} values != "
                                     f"expected. Values size: {len(values)} but output "
                                     f"shape: {dims}")
            out.append(np.array(values, dtype=dtype.np).reshape(dims))
        for key, dtype in zip(sparse_keys, sparse_kinds):
            out.append(_values(op, feature, key, dtype) or [])
        return out

    def parse(serialized):
        batch = np.asarray(serialized, dtype=object)
        rows = [parse_one(s) for s in batch.reshape(-1)]
        dense = [np.array([r[k] for r in rows], dtype=d.np).reshape(
            batch.shape + tuple(s.as_list())) for k, (d, s) in enumerate(zip(kinds, shapes))]
        for k, dtype in enumerate(sparse_kinds, len(kinds)):
            lists = [r[k] for r in rows]  # the values of example b, at positions 0, 1, ...
            where = [np.unravel_index(b, batch.shape) + (j,)
                     for b, values in enumerate(lists) for j in range(len(values))]
            longest = max((len(v) for v in lists), default=0)
            dense += [np.array(where, np.int64).reshape(-1, batch.ndim + 1),
                      np.array([v for values in lists for v in values], dtype=dtype.np),
                      np.array(batch.shape + (longest,), np.int64)]
        return results(dense)
    return parse


defop("ParseExample", _parse_infer, _parse_bind, grad=NO_GRADIENT)


def _features(features):
    keys, kinds, shapes, defaults, sparse_keys, sparse_kinds = [], [], [], [], [], []
    for key in sorted(features):
        spec = features[key]
        dtype = dtypes.as_dtype(spec.dtype)
        if dtype not in _LISTS:
            raise ValueError(f"feature {key}: dtype must be float32, int64 or string, got "
                             f"{dtype.name}")
        if isinstance(spec, VarLenFeature):
            sparse_keys.append(key)
            sparse_kinds.append(dtype)
            continue
        shape = as_shape(spec.shape)
        if not shape.is_fully_defined():
            raise ValueError(f"FixedLenFeature {key} needs a fully defined shape, got {shape}")
        default = None if spec.default_value is None else \
            np.broadcast_to(np.asarray(spec.default_value, dtype.np), shape.as_list()).copy()
        keys.append(key)
        kinds.append(dtype)
        shapes.append(shape)
        defaults.append(default)
    return keys, kinds, shapes, defaults, sparse_keys, sparse_kinds


def parse_example(serialized, features, name=None, example_names=None):
    """{key: tensor [batch..., shape...]} from a string tensor of serialized Examples and
    {key: FixedLenFeature}; a VarLenFeature key gives a SparseTensor with indices
    (batch position..., value position) and dense_shape (batch..., longest list)."""
    keys, kinds, shapes, defaults, sparse_keys, sparse_kinds = _features(features)
    outs = make_op("ParseExample", [convert_to_tensor(serialized, dtype=dtypes.string)],
                   {"keys": tuple(keys), "dtypes": tuple(kinds), "shapes": tuple(shapes),
                    "defaults": tuple(defaults), "sparse_keys": tuple(sparse_keys),
                    "sparse_dtypes": tuple(sparse_kinds)}, name=name or "ParseExample")
    outs = outs if isinstance(outs, tuple) else (outs,)
    parsed = dict(zip(keys, outs))
    for k, key in enumerate(sparse_keys):
        parsed[key] = SparseTensor(*outs[len(keys) + 3 * k:len(keys) + 3 * k + 3])
    return parsed


def parse_single_example(serialized, features, name=None, example_names=None):
    """{key: tensor [shape...] or SparseTensor} from one serialized Example (a scalar
    string tensor)."""
    serialized = convert_to_tensor(serialized, dtype=dtypes.string)
    if serialized.shape.ndims not in (None, 0):
        raise ValueError(f"parse_single_example takes a scalar, got shape {serialized.shape}")
    return parse_example(serialized, features, name=name or "ParseSingleExample")


def _decode_raw_infer(op):
    return [(op.inputs[0].shape.concatenate(TensorShape([None])), op.attrs["out_type"])]


def _decode_raw_bind(op, ctx):
    dtype = np.dtype(op.attrs["out_type"].np).newbyteorder(
        "<" if op.attrs["little_endian"] else ">")

    def decode(data):
        data = np.asarray(data, dtype=object)
        rows = [np.frombuffer(bytes(b), dtype=dtype) for b in data.reshape(-1)]
        if len({len(r) for r in rows}) > 1:
            raise errors.InvalidArgumentError(op.node_def, op, "DecodeRaw requires input "
                                                               "strings to all be the same size")
        width = len(rows[0]) if rows else 0
        return np.array(rows, dtype=dtype.newbyteorder("=")).reshape(data.shape + (width,))
    return decode


defop("DecodeRaw", _decode_raw_infer, _decode_raw_bind, grad=NO_GRADIENT)


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None,
               bytes=None):  # noqa: A002 (TF1's argument name)
    """The bytes of each string as a vector of out_type values (uint8, int32, int64,
    float32 or float64; all strings one size)."""
    data = input_bytes if input_bytes is not None else bytes
    return make_op("DecodeRaw", [convert_to_tensor(data, dtype=dtypes.string)],
                   {"out_type": dtypes.as_dtype(out_type), "little_endian": bool(little_endian)},
                   name=name or "DecodeRaw")
