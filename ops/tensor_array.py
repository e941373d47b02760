"""tf.TensorArray: a list of tensors written and read by index, inside loops or not.

Its value (the `flow` tensor, dtype variant) is a TensorList: a tuple of element arrays,
None where nothing was written. Every op is functional (a write makes a new list sharing
the other elements), so TensorArrays are ordinary loop variables and captures of
tf.while_loop. Gradients are lists too: the gradient of a list holds the gradient of each
element, None where it is zero; reading or stacking a gradient list fills zeros in.
"""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import constant_value, name_scope
from tf0.engine.shapes import TensorShape, as_shape

from .core import convert_to_tensor, defop, make_op
from .sources import no_op


class TensorList:
    """The value of a TensorArray: `items` (arrays, None where not written) and whether
    writes past the end grow it (`dynamic`)."""
    __slots__ = ("items", "dynamic")

    def __init__(self, items, dynamic):
        self.items, self.dynamic = tuple(items), dynamic


def _indices(value, single):
    return [int(value)] if single else [int(i) for i in np.ravel(value)]


def _list_infer(op):
    return [(TensorShape([]), dtypes.variant)]


# ---- making lists -----------------------------------------------------------------------------
def _reserve_bind(op, ctx):
    dynamic = op.attrs["dynamic_size"]
    return lambda size: TensorList((None,) * int(size), dynamic)


defop("TensorListReserve", _list_infer, _reserve_bind, grad=NO_GRADIENT, fresh_output=False)


def _from_tensor_bind(op, ctx):
    return lambda x: TensorList([x[i] for i in range(len(x))], op.attrs["dynamic_size"])


def _from_tensor_grad(op, d):
    x = op.inputs[0]
    return [_dense(d, convert_to_tensor(0), x, "all")]


defop("TensorListFromTensor", _list_infer, _from_tensor_bind, grad=_from_tensor_grad,
      fresh_output=False)


def _zeros_like_bind(op, ctx):
    return lambda tl: TensorList((None,) * len(tl.items), tl.dynamic)


defop("TensorListZerosLike", _list_infer, _zeros_like_bind, grad=NO_GRADIENT,
      fresh_output=False)


def _from_values_bind(op, ctx):
    """A gradient list: the length of list `tl`, `values` at `indices` (summed where an
    index repeats), None elsewhere."""
    single = op.attrs["single"]

    def place(tl, indices, values):
        idx = _indices(indices, single)
        items = [None] * max(len(tl.items), max(idx, default=-1) + 1)
        for k, i in enumerate(idx):
            row = values if single else values[k]
            items[i] = row if items[i] is None else ctx.add(items[i], row)
        return TensorList(items, tl.dynamic)
    return place


def _from_values_grad(op, d):
    _, indices, values = op.inputs
    mode = "single" if op.attrs["single"] else "indices"
    return [None, None, _dense(d, indices, values, mode)]


defop("TensorListFromValues", _list_infer, _from_values_bind, grad=_from_values_grad,
      fresh_output=False)


# ---- writing ----------------------------------------------------------------------------------
def _scatter_bind(op, ctx):
    single, check = op.attrs["single"], op.attrs["check_written"]

    def scatter(tl, indices, values):
        idx = _indices(indices, single)
        if not single and len(values) != len(idx):
            raise errors.InvalidArgumentError(
                op.node_def, op, f"TensorArray scatter of {len(values)} rows to {len(idx)} "
                                 f"indices\n\t [[{op.describe()}]]")
        items = list(tl.items)
        for k, i in enumerate(idx):
            if i < 0 or (i >= len(items) and not tl.dynamic):
                raise errors.InvalidArgumentError(
                    op.node_def, op, f"Tried to write to index {i} but array is not resizeable "
                                     f"and size is: {len(items)}\n\t [[{op.describe()}]]")
            items.extend([None] * (i + 1 - len(items)))
            if check and items[i] is not None:
                raise errors.InvalidArgumentError(
                    op.node_def, op, f"Could not write to TensorArray index {i} because it has "
                                     f"already been written to.\n\t [[{op.describe()}]]")
            items[i] = values if single else values[k]
        return TensorList(items, tl.dynamic)
    return scatter


def _scatter_grad(op, d):
    _, indices, values = op.inputs
    mode = "single" if op.attrs["single"] else "indices"
    cleared = make_op("TensorListClear", [d, indices], {"single": op.attrs["single"]})
    return [cleared, None, _dense(d, indices, values, mode)]


defop("TensorListScatter", _list_infer, _scatter_bind, grad=_scatter_grad, fresh_output=False)


def _clear_bind(op, ctx):
    single = op.attrs["single"]

    def clear(tl, indices):
        items = list(tl.items)
        for i in _indices(indices, single):
            if 0 <= i < len(items):
                items[i] = None
        return TensorList(items, tl.dynamic)
    return clear


defop("TensorListClear", _list_infer, _clear_bind,
      grad=lambda op, d: [make_op("TensorListClear", [d, op.inputs[1]],
                                  {"single": op.attrs["single"]}), None],
      fresh_output=False)


def _add_n_bind(op, ctx):
    def add_n(*lists):
        n = max(len(tl.items) for tl in lists)
        items = [None] * n
        for tl in lists:
            for i, item in enumerate(tl.items):
                if item is not None:
                    items[i] = item if items[i] is None else ctx.add(items[i], item)
        return TensorList(items, lists[0].dynamic)
    return add_n


defop("TensorListAddN", _list_infer, _add_n_bind, grad=lambda op, d: [d] * len(op.inputs),
      fresh_output=False)


# ---- reading ----------------------------------------------------------------------------------
def _gather_infer(op):
    element = op.attrs["element_shape"]
    if op.attrs["single"]:
        return [(element, op.attrs["element_dtype"])]
    count = op.inputs[1].shape[0] if op.inputs[1].shape.ndims == 1 else None
    return [(TensorShape([count]).concatenate(element), op.attrs["element_dtype"])]


def _reader(op, ctx, single, stacked=True):
    """read(tl, indices): the elements at `indices` (one, stacked, or a list when not
    `stacked`), an error for an element never written."""
    dtype, shape = op.attrs["element_dtype"], op.attrs["element_shape"]

    def item(tl, i):
        value = tl.items[i] if 0 <= i < len(tl.items) else None
        if value is None:
            raise errors.InvalidArgumentError(
                op.node_def, op, f"Could not read from TensorArray index {i} because it has "
                                 f"not yet been written to (size {len(tl.items)}).\n\t "
                                 f"[[{op.describe()}]]")
        return value

    def read(tl, indices):
        rows = [item(tl, i) for i in _indices(indices, single)]
        if single or not stacked:
            return rows[0] if single else rows
        return ctx.stack(rows, dtype, shape)
    return read


def _gather_bind(op, ctx):
    return _reader(op, ctx, op.attrs["single"])


def _gather_grad(op, dy):
    tl, indices = op.inputs
    return [make_op("TensorListFromValues", [tl, indices, dy], {"single": op.attrs["single"]}),
            None]


defop("TensorListGather", _gather_infer, _gather_bind, grad=_gather_grad, fresh_output=False)


def _stack_infer(op):
    return [(TensorShape([op.attrs["size"]]).concatenate(op.attrs["element_shape"]),
             op.attrs["element_dtype"])]


def _stack_bind(op, ctx):
    read = _reader(op, ctx, False)
    return lambda tl: read(tl, np.arange(len(tl.items)))


def _stack_grad(op, dy):
    return [make_op("TensorListFromTensor", [dy], {"dynamic_size": False})]


defop("TensorListStack", _stack_infer, _stack_bind, grad=_stack_grad, fresh_output=False)


def _dense_infer(op):
    like = op.inputs[2]
    return [(like.shape, like.dtype)]


def _dense_bind(op, ctx):
    """Values of a gradient list: at `indices` (or every index of `like`'s rows), zeros
    where the list holds None. `like` gives the dtype and shapes."""
    mode, dtype = op.attrs["mode"], op.inputs[2].dtype

    def dense(tl, indices, like):
        def row(i, shape):
            value = tl.items[i] if 0 <= i < len(tl.items) else None
            return ctx.zeros(shape, dtype) if value is None else value
        if mode == "single":
            return row(int(indices), like.shape)
        if mode == "pieces":  # `indices` holds the pieces' lengths along like's first axis
            pieces = [row(i, (int(n), *like.shape[1:])) for i, n in enumerate(np.ravel(indices))]
            return ctx.concat(pieces, dtype, op.inputs[2].shape[1:])
        idx = range(len(like)) if mode == "all" else _indices(indices, False)
        rows = [row(i, like.shape[1:]) for i in idx]
        return ctx.stack(rows, dtype, op.inputs[2].shape[1:]) if rows else ctx.zeros(
            like.shape, dtype)
    return dense


def _dense_grad(op, dy):
    tl, indices, _ = op.inputs
    if op.attrs["mode"] == "all":
        return [make_op("TensorListFromTensor", [dy], {"dynamic_size": False}), None, None]
    if op.attrs["mode"] == "pieces":
        return [make_op("TensorListSplit", [dy, indices], {"dynamic_size": False}), None, None]
    single = op.attrs["mode"] == "single"
    return [make_op("TensorListFromValues", [tl, indices, dy], {"single": single}), None, None]


defop("TensorListDense", _dense_infer, _dense_bind, grad=_dense_grad, fresh_output=False)


def _dense(tl, indices, like, mode):
    return make_op("TensorListDense", [tl, convert_to_tensor(indices, dtype=dtypes.int32), like],
                   {"mode": mode})


def _length_bind(op, ctx):
    return lambda tl: np.int32(len(tl.items))


defop("TensorListLength", lambda op: [(TensorShape([]), dtypes.int32)], _length_bind,
      grad=NO_GRADIENT)


def _concat_infer(op):
    element = op.attrs["element_shape"]
    return [(TensorShape([None]).concatenate(element[1:]), op.attrs["element_dtype"])]


def _concat_bind(op, ctx):
    read = _reader(op, ctx, False, stacked=False)
    dtype, element = op.attrs["element_dtype"], op.attrs["element_shape"]
    return lambda tl: ctx.concat(read(tl, np.arange(len(tl.items))), dtype, element[1:])


def _concat_grad(op, dy):
    lengths = make_op("TensorListLengths", [op.inputs[0]])
    return [make_op("TensorListSplit", [dy, lengths], {"dynamic_size": False})]


defop("TensorListConcat", _concat_infer, _concat_bind, grad=_concat_grad, fresh_output=False)


def _split_bind(op, ctx):
    def split(value, lengths):
        lengths = [int(n) for n in np.ravel(lengths)]
        if sum(lengths) != len(value) or min(lengths, default=0) < 0:
            raise errors.InvalidArgumentError(
                op.node_def, op, f"TensorArray split lengths {lengths} do not add up to the "
                                 f"{len(value)} rows of the value\n\t [[{op.describe()}]]")
        ends = np.cumsum(lengths)
        return TensorList([value[end - n:end] for n, end in zip(lengths, ends)],
                          op.attrs["dynamic_size"])
    return split


def _split_grad(op, d):
    value, lengths = op.inputs
    return [_dense(d, lengths, value, "pieces"), None]


defop("TensorListSplit", _list_infer, _split_bind, grad=_split_grad, fresh_output=False)


def _lengths_bind(op, ctx):
    return lambda tl: np.array([len(item) for item in tl.items], np.int32)


defop("TensorListLengths", lambda op: [(TensorShape([None]), dtypes.int32)], _lengths_bind,
      grad=NO_GRADIENT)


def zeros_like_list(tl, name=None):
    """The gradient-zero of list `tl` (its length, nothing written)."""
    return make_op("TensorListZerosLike", [tl], name=name or "zeros_like")


def add_n_lists(lists, name=None):
    """Element-wise sum of lists (None adds nothing)."""
    return make_op("TensorListAddN", list(lists), name=name or "AddN")


# ---- the Python object --------------------------------------------------------------------------
class TensorArray:
    """TF1's tf.TensorArray(dtype, size, dynamic_size=False, element_shape=None, ...):
    write(i, v), read(i), stack(), unstack(x), gather(indices), scatter(indices, x), concat(),
    split(x, lengths), size().
    Each write returns a new TensorArray (use it, as in TF1). Writing an index twice or
    reading one never written is an InvalidArgumentError at run time; elements may be read
    any number of times (clear_after_read is accepted and has no effect). `flow` is the
    tensor that carries it (through tf.while_loop too)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = as_shape(element_shape) if element_shape is not None \
            else TensorShape(None)
        if flow is not None:
            self._flow, self._size = flow, None
            return
        if size is None:
            raise ValueError("TensorArray needs a size (or a flow)")
        with name_scope(name or tensor_array_name, "TensorArray"):
            size = convert_to_tensor(size, dtype=dtypes.int32)
            static = constant_value(size)
            self._size = None if static is None or self._dynamic else int(static)
            self._flow = make_op("TensorListReserve", [size],
                                 {"element_dtype": self._dtype, "dynamic_size": self._dynamic})

    @property
    def flow(self):
        return self._flow

    handle = flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    def _derived(self, flow, element_shape=None, size=None):
        out = TensorArray(self._dtype, dynamic_size=self._dynamic, flow=flow,
                          infer_shape=self._infer_shape,
                          element_shape=element_shape if element_shape is not None
                          else self._element_shape)
        out._size = size if size is not None else self._size
        return out

    def _merged(self, shape):
        if not self._infer_shape:
            return self._element_shape
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Could not write a value of shape {shape} to a TensorArray with "
                             f"elements of shape {self._element_shape}")
        return self._element_shape.merge_with(shape)

    def write(self, index, value, name=None):
        value = convert_to_tensor(value, dtype=self._dtype)
        shape = self._merged(value.shape)
        flow = make_op("TensorListScatter",
                       [self._flow, convert_to_tensor(index, dtype=dtypes.int32), value],
                       {"single": True, "check_written": True}, name=name or "TensorArrayWrite")
        return self._derived(flow, shape)

    def scatter(self, indices, value, name=None):
        value = convert_to_tensor(value, dtype=self._dtype)
        shape = self._merged(value.shape[1:])
        flow = make_op("TensorListScatter",
                       [self._flow, convert_to_tensor(indices, dtype=dtypes.int32), value],
                       {"single": False, "check_written": True},
                       name=name or "TensorArrayScatter")
        return self._derived(flow, shape)

    def unstack(self, value, name=None):
        value = convert_to_tensor(value, dtype=self._dtype)
        if value.shape.ndims == 0:
            raise ValueError("TensorArray.unstack needs a value with a first axis")
        count = value.shape.dims[0] if value.shape.ndims else None
        if self._size is not None and count is not None and count != self._size:
            raise ValueError(f"Could not unstack {count} rows into a TensorArray of size "
                             f"{self._size}")
        flow = make_op("TensorListFromTensor", [value], {"dynamic_size": self._dynamic},
                       name=name or "TensorArrayUnstack")
        return self._derived(flow, self._merged(value.shape[1:]), count)

    def read(self, index, name=None):
        return make_op("TensorListGather",
                       [self._flow, convert_to_tensor(index, dtype=dtypes.int32)],
                       {"single": True, "element_shape": self._element_shape,
                        "element_dtype": self._dtype}, name=name or "TensorArrayRead")

    def gather(self, indices, name=None):
        return make_op("TensorListGather",
                       [self._flow, convert_to_tensor(indices, dtype=dtypes.int32)],
                       {"single": False, "element_shape": self._element_shape,
                        "element_dtype": self._dtype}, name=name or "TensorArrayGather")

    def stack(self, name=None):
        return make_op("TensorListStack", [self._flow],
                       {"element_shape": self._element_shape, "element_dtype": self._dtype,
                        "size": self._size}, name=name or "TensorArrayStack")

    def concat(self, name=None):
        """The elements concatenated along their first axis."""
        return make_op("TensorListConcat", [self._flow],
                       {"element_shape": self._element_shape, "element_dtype": self._dtype},
                       name=name or "TensorArrayConcat")

    def split(self, value, lengths, name=None):
        """A TensorArray of the pieces of `value` along its first axis, of the given lengths
        (their elements may differ in their first dimension)."""
        value = convert_to_tensor(value, dtype=self._dtype)
        flow = make_op("TensorListSplit",
                       [value, convert_to_tensor(lengths, dtype=dtypes.int32)],
                       {"dynamic_size": self._dynamic}, name=name or "TensorArraySplit")
        shape = TensorShape([None]).concatenate(value.shape[1:]) if value.shape.ndims \
            else TensorShape(None)
        out = self._derived(flow, shape)
        out._infer_shape = False  # pieces may differ in their first dimension
        return out

    def size(self, name=None):
        return make_op("TensorListLength", [self._flow], name=name or "TensorArraySize")

    def identity(self):
        return self

    def close(self, name=None):
        return no_op(name=name or "TensorArrayClose")
