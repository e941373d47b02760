"""tf.SparseTensor: a value given by its nonzero entries, as three dense tensors (indices
[N, rank] int64, values [N], dense_shape [rank] int64). Session.run fetches one as a
tf.SparseTensorValue and feeds a sparse_placeholder from one. The ops here densify, with
scatter_nd (duplicate indices add up), and use the dense kernels."""
import collections

import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import constant_value, name_scope, shape_from_tensor
from tf0.engine.shapes import TensorShape, as_shape

from . import math_ops
from .array_composites import scatter_nd
from .core import OPS, convert_to_tensor, defop, make_op
from .reduce_ops import REDUCE_BUILDERS
from .sources import placeholder, placeholder_with_default

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])


class SparseTensor:
    """SparseTensor(indices, values, dense_shape)."""

    def __init__(self, indices, values, dense_shape):
        with name_scope(None, "SparseTensor"):
            self.indices = convert_to_tensor(indices, dtype=dtypes.int64)
            self.values = convert_to_tensor(values)
            self.dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64)
        self._known_shape = None  # a sparse_placeholder's declared shape

    @classmethod
    def from_value(cls, value):
        return value if isinstance(value, SparseTensor) else cls(*value)

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def graph(self):
        return self.values.graph

    @property
    def op(self):
        return self.values.op

    @property
    def shape(self):
        if self._known_shape is not None:
            return self._known_shape
        known = constant_value(self.dense_shape)
        if known is not None:
            return TensorShape([int(d) for d in known])
        rank = self.dense_shape.shape.dims[0] if self.dense_shape.shape.ndims else None
        return TensorShape(None if rank is None else [None] * rank)

    def get_shape(self):
        return self.shape

    def components(self):
        """(indices, values, dense_shape): what a fetch or a feed of it stands for."""
        return self.indices, self.values, self.dense_shape

    def eval(self, feed_dict=None, session=None):
        from tf0.engine.graph import get_default_session
        return (session or get_default_session()).run(self, feed_dict)

    def __repr__(self):
        return (f"SparseTensor(indices={self.indices!r}, values={self.values!r}, "
                f"dense_shape={self.dense_shape!r})")


def sparse_placeholder(dtype, shape=None, name=None):
    """A SparseTensor of placeholders, fed with a SparseTensorValue (or a triple)."""
    shape = as_shape(shape) if shape is not None else TensorShape(None)
    rank = shape.ndims
    with name_scope(name, "SparseTensor"):
        values = placeholder(dtype, [None], name="values")
        indices = placeholder(dtypes.int64, [None, rank], name="indices")
        if shape.is_fully_defined():
            dense_shape = placeholder_with_default(np.array(shape.as_list(), np.int64), [rank],
                                                   name="shape")
        else:
            dense_shape = placeholder(dtypes.int64, [rank], name="shape")
    sparse = SparseTensor(indices, values, dense_shape)
    sparse._known_shape = shape
    return sparse


def _strings_to_dense_bind(op, ctx):
    default = op.attrs["default"]

    def to_dense(indices, values, dense_shape):
        out = np.full(tuple(int(d) for d in dense_shape), default, object)
        for index, value in zip(np.asarray(indices).tolist(), np.asarray(values, object)):
            out[tuple(index)] = value
        return out
    return to_dense


# SparseStringsToDense(indices, values, dense_shape): the string values at their indices,
# attrs["default"] elsewhere; on the host, where strings live.
defop("SparseStringsToDense", lambda op: [(shape_from_tensor(op.inputs[2]), dtypes.string)],
      _strings_to_dense_bind, grad=NO_GRADIENT)


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None):
    """The dense tensor of dense_shape: the values at their indices, default_value
    elsewhere."""
    sp = SparseTensor.from_value(sp_input)
    if sp.values.dtype is dtypes.string:
        default = b"" if default_value in (0, None) else default_value
        return make_op("SparseStringsToDense", [sp.indices, sp.values, sp.dense_shape],
                       {"default": default.encode() if isinstance(default, str) else default},
                       name=name or "SparseToDense")
    with name_scope(name, "SparseToDense"):
        dense = scatter_nd(sp.indices, sp.values, sp.dense_shape)
        if default_value == 0 or default_value is None:
            return dense
        present = scatter_nd(sp.indices, OPS.ones_like(sp.values), sp.dense_shape)
        default = math_ops.cast(convert_to_tensor(default_value), sp.dtype)
        return math_ops.where(present > 0, dense, default * OPS.ones_like(dense))


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None,
                      name=None):
    """reduce_sum of the densified value."""
    axis = reduction_axes if axis is None else axis
    return REDUCE_BUILDERS["reduce_sum"](sparse_tensor_to_dense(sp_input), axis=axis,
                                         keepdims=bool(keepdims or keep_dims), name=name)


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """matmul of the densified sp_a with dense b (gradients reach sp_a's values and b)."""
    return math_ops.matmul(sparse_tensor_to_dense(sp_a), b, transpose_a=adjoint_a,
                           transpose_b=adjoint_b, name=name)
