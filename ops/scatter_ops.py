"""Sparse updates of variables (tf.scatter_add and friends), written with scatter_nd and
the variable assigns: no kernels of their own. Rows are indexed along the variable's first
dimension (scatter_*) or by index tuples (scatter_nd_*). Duplicate indices add up for add
and sub; for update the last one in index order wins (TF1 leaves that order undefined;
here it is fixed, so runs agree bit for bit)."""
from tf0.engine.graph import name_scope

from . import math_ops
from .array_composites import _flat_index, scatter_nd
from .array_ops import expand_dims, shape
from .core import OPS, convert_to_tensor
from .scan_ops import last_of_each
from .variables import Variable


def _check(ref, what):
    if not isinstance(ref, Variable):
        raise TypeError(f"{what} needs a Variable, got {type(ref).__name__}")


def _rows(indices):
    """scatter_* indices (any shape) as scatter_nd index tuples of depth 1."""
    return expand_dims(convert_to_tensor(indices), -1)


def _scattered(current, index_tuples, updates):
    """Zeros like `current` (a variable's value) with `updates` added at index_tuples
    [..., K]."""
    index_tuples = convert_to_tensor(index_tuples)
    return scatter_nd(index_tuples, convert_to_tensor(updates, dtype=current.dtype),
                      math_ops.cast(shape(current), index_tuples.dtype))


def scatter_add(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i], ...] += updates[i, ...] (duplicates add up); the updated value."""
    _check(ref, "scatter_add")
    with name_scope(name, "ScatterAdd"):
        return ref.assign_add(_scattered(ref._current(), _rows(indices), updates))


def scatter_sub(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i], ...] -= updates[i, ...] (duplicates add up); the updated value."""
    _check(ref, "scatter_sub")
    with name_scope(name, "ScatterSub"):
        return ref.assign_sub(_scattered(ref._current(), _rows(indices), updates))


def scatter_nd_add(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i]] += updates[i] for index tuples indices [..., K]; the updated value."""
    _check(ref, "scatter_nd_add")
    with name_scope(name, "ScatterNdAdd"):
        return ref.assign_add(_scattered(ref._current(), convert_to_tensor(indices), updates))


def scatter_nd_sub(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i]] -= updates[i] for index tuples indices [..., K]; the updated value."""
    _check(ref, "scatter_nd_sub")
    with name_scope(name, "ScatterNdSub"):
        return ref.assign_sub(_scattered(ref._current(), convert_to_tensor(indices), updates))


def _update(ref, index_tuples, updates):
    """ref with the rows (or elements) at index_tuples replaced by updates, the last
    update winning for a duplicate."""
    index_tuples = convert_to_tensor(index_tuples)
    updates = convert_to_tensor(updates, dtype=ref.dtype)
    depth = index_tuples.shape.dims[-1] if index_tuples.shape.ndims else None
    if depth is None or updates.shape.ndims is None:
        raise ValueError("scatter updates need indices whose last dimension is known and "
                         "updates of known rank")
    current = ref._current()
    # row-major positions in ref; out-of-range tuples (-1) are reported by scatter_nd below
    keys = OPS.reshape(_flat_index(index_tuples, shape(current)[:depth], "scatter_update"),
                       [-1])
    last = OPS.reshape(last_of_each(keys), shape(index_tuples)[:-1])
    keep = math_ops.cast(last, ref.dtype)
    while keep.shape.ndims < updates.shape.ndims:
        keep = expand_dims(keep, -1)
    written = _scattered(current, index_tuples, updates * keep)
    touched = _scattered(current, index_tuples, OPS.ones_like(updates) * keep)
    return ref.assign(math_ops.where(touched > 0, written, current))


def scatter_update(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i], ...] = updates[i, ...]; the updated value."""
    _check(ref, "scatter_update")
    with name_scope(name, "ScatterUpdate"):
        return _update(ref, _rows(indices), updates)


def scatter_nd_update(ref, indices, updates, use_locking=None, name=None):
    """ref[indices[i]] = updates[i] for index tuples indices [..., K]; the updated value."""
    _check(ref, "scatter_nd_update")
    with name_scope(name, "ScatterNdUpdate"):
        return _update(ref, indices, updates)
