"""Feature crosses (TF1's SparseCross): per example, every combination of one feature from
each input, the sparse inputs first and then the dense ones (as TF1 orders them), the last
varying fastest. Crossed as strings ("a_X_b"; ints
by their digits) or hashed: FingerprintCat64 from hash_key over each feature's fingerprint
(an int feature is its own), modulo num_buckets (2^63 - 1 when 0). Runs on the host."""
import itertools

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op
from .sparse_ops import SparseTensor
from .string_hash import fingerprint64, fingerprint_cat64

DEFAULT_HASH_KEY = 0xDECAFCAFFE
_INT64_MAX = (1 << 63) - 1


def _crosser(attrs):
    """(features of one example per input, lists) -> its crosses, a list."""
    if not attrs["hashed"]:
        def text(value):
            return value if isinstance(value, bytes) else str(int(value)).encode()
        return lambda rows: [b"_X_".join(text(v) for v in combo)
                             for combo in itertools.product(*rows)]
    modulus = attrs["num_buckets"] or _INT64_MAX
    key = attrs["hash_key"]

    def fingerprint(value):
        return fingerprint64(value) if isinstance(value, bytes) else int(value) & (2**64 - 1)

    def crosses(rows):
        prints = [[fingerprint(v) for v in row] for row in rows]
        out = []
        for combo in itertools.product(*prints):
            result = key
            for value in combo:
                result = fingerprint_cat64(result, value)
            out.append(result % modulus)
        return out
    return crosses


def _rows_of(attrs, arrays, op):
    """Per input, per example, the list of its features; the batch size. An input's kind:
    "sparse" (indices, values, dense_shape), "dense" ([batch, k], every value a feature) or
    "padded" ([batch, k] ids or a densified SparseTensor, the markers -1 and "" missing: a
    sparse input). Sparse inputs come
    first, then dense ones, each in the order given: TF1's order of features in a cross."""
    rows, batch, at = [], None, 0
    for kind in attrs["kinds"]:
        if kind == "sparse":
            indices, values, shape = arrays[at:at + 3]
            at += 3
            size = int(shape[0])
            per_row = [[] for _ in range(size)]
            for (row, _), value in zip(np.asarray(indices).tolist(), np.asarray(values)):
                per_row[row].append(value)
        else:
            matrix = np.asarray(arrays[at])
            at += 1
            size = matrix.shape[0]
            per_row = [[v for v in r if v != -1 and v != b""] if kind == "padded" else r
                       for r in matrix.tolist()]
        if batch is not None and size != batch:
            raise errors.InvalidArgumentError(
                None, op, f"Expected batch size {batch}, got {size}")
        batch = size
        rows.append((kind == "dense", per_row))
    return [per_row for _, per_row in sorted(rows, key=lambda r: r[0])], batch


def _sparse_cross_bind(op, ctx):
    crosses, hashed = _crosser(op.attrs), op.attrs["hashed"]

    def run(*arrays):
        rows, batch = _rows_of(op.attrs, arrays, op)
        indices, values = [], []
        for example in range(batch):
            out = crosses([per_input[example] for per_input in rows])
            indices += [(example, j) for j in range(len(out))]
            values += out
        width = max((j + 1 for _, j in indices), default=0)
        out = np.empty(len(values), np.int64 if hashed else object)
        out[:] = values
        return (np.asarray(indices, np.int64).reshape(-1, 2), out,
                np.asarray([batch, width], np.int64))
    return run


def _dense_cross_bind(op, ctx):
    crosses = _crosser(op.attrs)

    def run(*arrays):
        rows, batch = _rows_of(op.attrs, arrays, op)
        width = int(np.prod([np.shape(a)[1] for a in arrays]))
        out = np.full((batch, width), -1, np.int64)
        for example in range(batch):
            found = crosses([per_input[example] for per_input in rows])
            out[example, :len(found)] = found
        return out
    return run


def _sparse_cross_infer(op):
    values = dtypes.int64 if op.attrs["hashed"] else dtypes.string
    return [(TensorShape([None, 2]), dtypes.int64), (TensorShape([None]), values),
            (TensorShape([2]), dtypes.int64)]


def _dense_cross_infer(op):
    widths = [x.shape.dims[1] if x.shape.ndims == 2 else None for x in op.inputs]
    batch = op.inputs[0].shape.dims[0] if op.inputs[0].shape.ndims == 2 else None
    width = None if None in widths else int(np.prod(widths))
    return [(TensorShape([batch, width]), dtypes.int64)]


# SparseCross(per input: indices, values, dense_shape of a 2-D SparseTensor, or a [batch, k]
# tensor; attrs["kinds"] says which) -> the crosses' indices, values, dense_shape.
defop("SparseCross", _sparse_cross_infer, _sparse_cross_bind, grad=NO_GRADIENT)
# DenseCross(per input a [batch, k] tensor, "dense" or "padded" by attrs["kinds"]) ->
# [batch, prod k] int64: each example's hashed crosses first, -1 after them.
defop("DenseCross", _dense_cross_infer, _dense_cross_bind, grad=NO_GRADIENT)


def _cross(inputs, hashed, num_buckets, hash_key, name):
    flat, kinds = [], []
    for x in inputs:
        if isinstance(x, SparseTensor):
            flat += [x.indices, x.values, x.dense_shape]
            kinds.append("sparse")
            values = x.values
        else:
            values = convert_to_tensor(x)
            if values.shape.ndims not in (None, 2):
                raise ValueError(f"Inputs must be 2-D, got {values.shape} for {values.name}")
            flat.append(values)
            kinds.append("dense")
        if values.dtype is not dtypes.string and not values.dtype.is_integer:
            raise TypeError(f"Inputs must be string or integer tensors, got {values.dtype.name} "
                            f"for {values.name}")
    indices, values, shape = make_op("SparseCross", flat, {
        "kinds": tuple(kinds), "hashed": hashed, "num_buckets": int(num_buckets),
        "hash_key": int(hash_key) if hash_key is not None else DEFAULT_HASH_KEY},
        name=name or "SparseCross")
    return SparseTensor(indices, values, shape)


def sparse_cross(inputs, name=None):
    """The string crosses ("a_X_b_X_c") of 2-D SparseTensors and tensors, a SparseTensor."""
    return _cross(inputs, False, 0, None, name)


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The hashed crosses of 2-D SparseTensors and tensors: an int64 SparseTensor."""
    if int(num_buckets) < 0:
        raise ValueError(f"num_buckets must be >= 0, got {num_buckets}")
    return _cross(inputs, True, num_buckets, hash_key, name)


def dense_cross_ids(matrices, kinds, num_buckets, hash_key, name=None):
    """[batch, k_i] raw features (kind "dense") or categorical ids and densified sparse
    features ("padded", -1 and "" missing) ->
    [batch, prod k_i] int64 hashed cross ids, -1 past each example's crosses
    (crossed_column's ids)."""
    return make_op("DenseCross", list(matrices), {
        "kinds": tuple(kinds), "hashed": True, "num_buckets": int(num_buckets),
        "hash_key": int(hash_key)}, name=name or "DenseCross")
