"""tf.reverse, tf.eye, tf.matrix_transpose and the tf.linalg names, built from existing ops."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from .array_ops import transpose
from .core import OPS, constant, convert_to_tensor
from .index_ops import strided_slice_getitem
from .math_ops import cast


def reverse(tensor, axis, name=None):
    """tf.reverse: `tensor` with the order of its elements reversed along each of `axis`
    (ints, negatives count from the end; the rank must be static)."""
    x = convert_to_tensor(tensor)
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("tf0's reverse needs a tensor of known rank")
    axes = {int(a) % rank for a in np.ravel(axis)}
    with name_scope(name, "ReverseV2"):
        return strided_slice_getitem(x, tuple(slice(None, None, -1) if i in axes
                                              else slice(None) for i in range(rank)))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """tf.eye: the [num_rows, num_columns] identity matrix (ones on the diagonal), repeated
    over `batch_shape` in front; sizes may be tensors."""
    dtype = dtypes.as_dtype(dtype)
    num_columns = num_rows if num_columns is None else num_columns
    static = [num_rows, num_columns, *(batch_shape or [])]
    with name_scope(name, "eye"):
        if all(isinstance(d, (int, np.integer)) for d in static):
            matrix = np.eye(int(num_rows), int(num_columns), dtype=dtype.np)
            return constant(np.broadcast_to(matrix, (*map(int, batch_shape or []),
                                                     *matrix.shape)).copy(), dtype=dtype)
        if batch_shape:
            raise ValueError("tf0's eye takes a batch_shape only with static sizes")
        rows = OPS.range_(convert_to_tensor(num_rows))
        columns = OPS.range_(convert_to_tensor(num_columns))
        return cast(OPS.equal(OPS.expand_dims(rows, 1), OPS.expand_dims(columns, 0)), dtype)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two dims (the rank must be static)."""
    a = convert_to_tensor(a)
    rank = a.shape.ndims
    if rank is None or rank < 2:
        raise ValueError(f"matrix_transpose needs rank >= 2 of known rank, got {a.shape}")
    return transpose(a, [*range(rank - 2), rank - 1, rank - 2], name=name)


def matvec(a, b, transpose_a=False, name=None):
    """a [..., m, n] times the vectors b [..., n] -> [..., m]."""
    with name_scope(name, "matvec"):
        b = convert_to_tensor(b)
        return OPS.squeeze(OPS.matmul(a, OPS.expand_dims(b, -1), transpose_a=transpose_a), -1)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """(tensor / its norm, the norm with kept dimensions) for tf.norm's `ord` and `axis`."""
    with name_scope(name, "normalize"):
        x = convert_to_tensor(tensor)
        norm = OPS.norm(x, ord=ord, axis=axis, keepdims=True)
        return x / norm, norm
