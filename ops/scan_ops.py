"""Cumulative sums and products (tf.cumsum, tf.cumprod), the coordinates of true elements
(tf.where with one argument) with tf.boolean_mask built on them, and sorting (tf.sort,
tf.argsort)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from .array_ops import _static_int_list, concat, reshape, shape
from .core import OPS, convert_to_tensor, defop, make_op, normalize_axes, same_as_input
from .index_ops import gather


def cumulative_np(op_name, x, axis, exclusive, reverse):
    """NumPy's cumsum or cumprod of x along `axis`, exclusive and/or from the end."""
    x = np.asarray(x)
    if not x.shape[axis]:
        return x.copy()
    if reverse:
        x = np.flip(x, axis)
    out = (np.cumsum if op_name == "sum" else np.cumprod)(x, axis=axis, dtype=x.dtype)
    if exclusive:
        first = np.full_like(np.take(out, [0], axis=axis), 0 if op_name == "sum" else 1)
        out = np.concatenate([first, np.delete(out, -1, axis=axis)], axis=axis)
    return np.flip(out, axis) if reverse else out


def _scan_infer(op):
    x = op.inputs[0]
    if x.dtype.is_bool:
        raise ValueError(f"{op.type} needs numbers, got bool")
    if x.shape.ndims == 0:
        raise ValueError(f"{op.type} needs a tensor of rank 1 or more")
    if x.shape.ndims is not None:
        normalize_axes(op.attrs["axis"], x.shape.ndims, op.type)
    return same_as_input(op)


def _scan_bind(op, ctx):
    a = op.attrs
    name = "sum" if op.type == "Cumsum" else "prod"
    return lambda x: cumulative_np(name, x, a["axis"] % np.ndim(x), a["exclusive"],
                                   a["reverse"])


def _cumsum_grad(op, dy):
    a = op.attrs
    return [cumsum(dy, a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])]


def _cumprod_grad(op, dy):
    # TF1's rule: exact where x has no zeros
    x, a = op.inputs[0], op.attrs
    y = cumprod(x, a["axis"], exclusive=a["exclusive"], reverse=a["reverse"])
    return [cumsum(y * dy, a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"]) / x]


defop("Cumsum", _scan_infer, _scan_bind, grad=_cumsum_grad,
      kernels=("scan_lines_sum", "scan_chunks_sum"))
defop("Cumprod", _scan_infer, _scan_bind, grad=_cumprod_grad,
      kernels=("scan_lines_prod", "scan_chunks_prod"))


def _scan(op_type, x, axis, exclusive, reverse, name):
    return make_op(op_type, [convert_to_tensor(x)],
                   {"axis": _static_int_list(axis, f"{op_type} axis")[0],
                    "exclusive": bool(exclusive), "reverse": bool(reverse)},
                   name=name or op_type)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumsum: running sums along `axis` (exclusive: of the elements before; reverse:
    from the end)."""
    return _scan("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumprod: running products along `axis`."""
    return _scan("Cumprod", x, axis, exclusive, reverse, name)


def _where_infer(op):
    x = op.inputs[0]
    return [(TensorShape([None, x.shape.ndims]), dtypes.int64)]


defop("Where", _where_infer, lambda op, ctx: lambda c: np.argwhere(c).astype(np.int64),
      grad=NO_GRADIENT, kernels=("scan_lines_sum", "where_coords"))


def where_true(condition, name=None):
    """The one-argument tf.where: int64 [count, rank], the coordinates of condition's true
    elements in row-major order (count is known only at run time)."""
    c = convert_to_tensor(condition)
    if not c.dtype.is_bool:
        c = OPS.not_equal(c, OPS.zeros_like(c))
    return make_op("Where", [c], name=name or "Where")


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """tf.boolean_mask: the slices of `tensor` where `mask` is true, mask covering dims
    [axis, axis + rank(mask)) of tensor (axis 0 by default), flattened into one."""
    with name_scope(name):
        tensor, mask = convert_to_tensor(tensor), convert_to_tensor(mask, dtype=dtypes.bool_)
        k = mask.shape.ndims
        if k is None or k == 0:
            raise ValueError("boolean_mask needs a mask of known, non-zero rank")
        axis = 0 if axis is None else int(axis)
        dims = tensor.shape.dims if tensor.shape.ndims is not None else None
        if dims is not None and None not in dims[:axis] + dims[axis + k:]:
            flat = reshape(tensor, [*dims[:axis], -1, *dims[axis + k:]])
        else:
            dims = shape(tensor)
            flat = reshape(tensor, concat([dims[:axis], [-1], dims[axis + k:]], 0))
        picked = reshape(where_true(reshape(mask, [-1])), [-1])
        return gather(flat, picked, axis=axis)


# ---- sorting -----------------------------------------------------------------------------------
def _sort_infer(op):
    x = op.inputs[0]
    if x.dtype.is_bool or x.shape.ndims == 0:
        raise ValueError(f"sort needs numbers of rank 1 or more, got {x.dtype.name}{x.shape}")
    return [(x.shape, dtypes.int32)]


def _sort_bind(op, ctx):
    descending = op.attrs["descending"]

    def sort_indices_np(x):
        # a stable sort of keys in descending order: ~x for integers (no overflow), -x else
        keys = (~x if x.dtype.kind in "iu" else -x) if descending else x
        return np.argsort(keys, axis=-1, kind="stable").astype(np.int32)
    return sort_indices_np


defop("SortIndices", _sort_infer, _sort_bind, grad=NO_GRADIENT,
      kernels=("sort_init", "sort_step", "sort_take"))


def _along_last_axis(fn, values, axis):
    """fn applied to values with `axis` moved last, and the result moved back."""
    rank = values.shape.ndims
    if rank is None or rank == 0:
        raise ValueError(f"sorting needs a tensor of known rank 1 or more, got {values.shape}")
    axis %= rank
    if axis == rank - 1:
        return fn(values)
    perm = [d for d in range(rank) if d != axis] + [axis]
    back = [perm.index(d) for d in range(rank)]
    return OPS.transpose(fn(OPS.transpose(values, perm)), back)


def _direction(direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"direction must be ASCENDING or DESCENDING, got {direction!r}")
    return direction == "DESCENDING"


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """tf.argsort: int32 indices that sort `values` along `axis` (always stable here)."""
    descending = _direction(direction)
    with name_scope(name, "argsort"):
        values = convert_to_tensor(values)
        return _along_last_axis(lambda v: make_op("SortIndices", [v],
                                                  {"descending": descending}), values, axis)


def last_of_each(flat_keys):
    """bool [n]: whether each of the keys [n] is the last with its value (stable sort, then a
    comparison of neighbours, taken back to the original order)."""
    order = argsort(flat_keys)
    ordered = gather(flat_keys, order)
    last_sorted = concat([OPS.not_equal(ordered[1:], ordered[:-1]),
                          OPS.constant(np.array([True]))], 0)
    return gather(last_sorted, argsort(order))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """tf.sort: `values` sorted along `axis`; the gradient goes back to the positions the
    values came from."""
    descending = _direction(direction)
    with name_scope(name, "sort"):
        values = convert_to_tensor(values)

        def sorted_last(v):
            if v.shape.dims[-1] == 0:
                return v  # nothing to order
            order = make_op("SortIndices", [v], {"descending": descending})
            n = shape(v)[-1]
            rows = reshape(v, [-1])
            offsets = OPS.expand_dims(OPS.range_(OPS.size(v) // OPS.maximum(n, 1)) * n, -1)
            flat = reshape(reshape(order, [-1, n]) + offsets, [-1])
            return reshape(gather(rows, flat), shape(v))
        return _along_last_axis(sorted_last, values, axis)
