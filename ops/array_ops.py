"""Shape and layout ops: reshape, transpose, expand_dims/squeeze, concat, stack/unstack,
split, tile, pad, broadcast_to, shape/size/rank (indexing is in index_ops.py)."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.op_def import results
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import Tensor, constant_value, shape_from_tensor
from tf0.engine.shapes import TensorShape, broadcast_shapes

from .core import (OPS, convert_same_dtype, convert_to_tensor, defop, fixed,
                   make_op, normalize_axes)


def _static_int_list(value, what):
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise TypeError(f"{what} must be known when the graph is built")
        value = v
    return [int(v) for v in np.reshape(value, [-1])]


class RunTimeParts:
    """The tensors an op's integer attrs (an index, tile multiples) read at run time, named
    "$k" in the attr by order of appearance; they become the op's inputs after its data."""

    def __init__(self):
        self.tensors = []

    def part(self, value):
        """An int, None, or "$k" for a scalar integer tensor whose value is not known when
        the graph is built."""
        if value is None:
            return None
        if isinstance(value, Tensor):
            known = constant_value(value)
            if known is None:
                if not value.dtype.is_integer or not value.shape.is_compatible_with([]):
                    raise TypeError(f"A tensor used as an index or a size must be a scalar "
                                    f"integer, got {value.dtype.name}{value.shape}")
                self.tensors.append(value)
                return f"${len(self.tensors) - 1}"
            value = known
        if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0 or \
                not np.issubdtype(np.asarray(value).dtype, np.integer):
            raise TypeError(f"Unsupported index {value!r}: use ints, slices, None or ...")
        return int(value)


def int_parts(value, what):
    """The entries of a list of ints or scalar tensors, or of a 1-D integer tensor (as
    tensors where its value is not known when the graph is built)."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is not None:
            return [int(v) for v in np.reshape(known, [-1])]
        if value.shape.ndims != 1 or value.shape.dims[0] is None:
            raise TypeError(f"{what} must be a 1-D tensor of known length, got {value.shape}")
        return [value[i] for i in range(value.shape.dims[0])]
    return list(value)


def run_time_value(part, values):
    """An int, None, or the value of the run-time part "$k" (values[k], a host integer)."""
    return int(values[int(part[1:])]) if isinstance(part, str) else part


def _shape_tensor(shape):
    """A 1-D int32 shape tensor from a list/tuple/TensorShape/Tensor."""
    if isinstance(shape, Tensor):
        return shape
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        return stack([convert_to_tensor(d, dtype=dtypes.int32) for d in shape])
    return OPS.constant(np.array(shape, dtype=np.int32).reshape([-1]))


def _dims_tensor(x):
    """shape(x) as a constant when static, so gradients stay foldable."""
    if x.shape.is_fully_defined():
        return OPS.constant(np.array(x.shape.dims, np.int32))
    return shape(x)


# ---- reshape family -------------------------------------------------------------------------
def _reshape_infer(op):
    x, target = op.inputs
    new = shape_from_tensor(target)
    if new.dims is None:
        return [(new, x.dtype)]
    dims = list(new.dims)
    wild = [i for i, d in enumerate(dims) if d is None]
    raw = constant_value(target)
    if raw is not None and list(raw).count(-1) > 1:
        raise ValueError("Reshape: only one dimension may be -1")
    total = x.shape.num_elements()
    if total is not None and len(wild) == 1 and raw is not None:
        known = int(np.prod([d for d in dims if d is not None]))
        if known == 0 or total % known:
            raise ValueError(f"Cannot reshape a tensor with {total} elements to shape {list(raw)}")
        dims[wild[0]] = total // known
    elif total is not None and not wild and int(np.prod(dims)) != total:
        raise ValueError(f"Cannot reshape a tensor with {total} elements to shape {dims}")
    return [(TensorShape(dims), x.dtype)]


def _reshape_numpy(x, shape):
    try:
        return np.reshape(x, tuple(int(d) for d in shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Input to reshape is a tensor with {np.size(x)} values, but the "
                        f"requested shape is {list(shape)}") from None


def _reshape_bind(op, ctx):
    """With a static target shape and input size, reshape to a shape fixed now."""
    target = op.outputs[0].shape
    if not (target.is_fully_defined() and op.inputs[0].shape.is_fully_defined()):
        return _reshape_numpy
    shape = tuple(target.dims)
    return lambda x, _: np.reshape(x, shape)


def _like_input_grad(op, dy):
    return [reshape(dy, _dims_tensor(op.inputs[0]))] + [None] * (len(op.inputs) - 1)


defop("Reshape", _reshape_infer, _reshape_bind, grad=_like_input_grad,
      fresh_output=False)


def reshape(tensor, shape, name=None):
    """Same elements, new shape; one dim may be -1 (inferred)."""
    return make_op("Reshape", [convert_to_tensor(tensor), _shape_tensor(shape)],
                   name=name or "Reshape")


def _expand_infer(op):
    x, axis = op.inputs[0], op.attrs["axis"]
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)]
    rank = x.shape.ndims + 1
    if not -rank <= axis < rank:
        raise ValueError(f"expand_dims axis {axis} out of range for rank {x.shape.ndims}")
    dims = list(x.shape.dims)
    dims.insert(axis % rank, 1)
    return [(TensorShape(dims), x.dtype)]


def _expand_bind(op, ctx):
    axis = op.attrs["axis"]
    return lambda x: np.expand_dims(x, axis)


defop("ExpandDims", _expand_infer, _expand_bind, grad=_like_input_grad, fresh_output=False)


def expand_dims(input, axis=None, name=None, dim=None):
    axis = dim if axis is None else axis
    return make_op("ExpandDims", [convert_to_tensor(input)],
                   {"axis": _static_int_list(axis, "expand_dims axis")[0]},
                   name=name or "ExpandDims")


def _squeeze_infer(op):
    x, axes = op.inputs[0], op.attrs["axis"]
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)]
    if axes is None:
        if any(d is None for d in x.shape.dims):
            return [(TensorShape(None), x.dtype)]
        return [(TensorShape([d for d in x.shape.dims if d != 1]), x.dtype)]
    resolved = normalize_axes(axes, x.shape.ndims, "squeeze")
    for a in resolved:
        if x.shape.dims[a] not in (None, 1):
            raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got "
                             f"{x.shape.dims[a]}")
    return [(TensorShape([d for i, d in enumerate(x.shape.dims) if i not in resolved]),
             x.dtype)]


def _squeeze_bind(op, ctx):
    axes = op.attrs["axis"]

    def squeeze_np(x):
        try:
            return np.squeeze(x, axis=axes)
        except ValueError as e:
            raise errors.InvalidArgumentError(None, None, f"squeeze: {e}") from None
    return squeeze_np


defop("Squeeze", _squeeze_infer, _squeeze_bind, grad=_like_input_grad, fresh_output=False)


def squeeze(input, axis=None, name=None, squeeze_dims=None):
    axis = squeeze_dims if axis is None else axis
    axes = None if axis is None else tuple(_static_int_list(axis, "squeeze axis"))
    return make_op("Squeeze", [convert_to_tensor(input)], {"axis": axes}, name=name or "Squeeze")


def _transpose_infer(op):
    x, perm = op.inputs[0], op.attrs["perm"]
    if x.shape.ndims is None:
        return [(TensorShape(None if perm is None else [None] * len(perm)), x.dtype)]
    perm = perm if perm is not None else tuple(range(x.shape.ndims))[::-1]
    if sorted(perm) != list(range(x.shape.ndims)):
        raise ValueError(f"transpose perm {list(perm)} is not a permutation of "
                         f"{x.shape.ndims} dims")
    return [(TensorShape([x.shape.dims[p] for p in perm]), x.dtype)]


def _transpose_bind(op, ctx):
    perm = op.attrs["perm"]
    return lambda x: np.transpose(x, perm)


def _transpose_grad(op, dy):
    perm = op.attrs["perm"]
    if perm is None:
        return [transpose(dy)]
    return [transpose(dy, [int(i) for i in np.argsort(perm)])]


defop("Transpose", _transpose_infer, _transpose_bind, grad=_transpose_grad,
      kernels=("strided_copy",), fresh_output=False)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute dimensions; perm None reverses them."""
    perm = None if perm is None else tuple(_static_int_list(perm, "transpose perm"))
    return make_op("Transpose", [convert_to_tensor(a)], {"perm": perm}, name=name)


# ---- concat / stack / split -----------------------------------------------------------------
def _concat_infer(op):
    axis = op.attrs["axis"]
    known = [t.shape for t in op.inputs if t.shape.ndims is not None]
    dt = op.inputs[0].dtype
    if any(t.dtype is not dt for t in op.inputs):
        raise ValueError("ConcatV2 inputs must share one dtype")
    if not known:
        return [(TensorShape(None), dt)]
    rank = known[0].ndims
    if rank == 0:
        raise ValueError("Can't concatenate scalars (use tf.stack instead)")
    a = normalize_axes(axis, rank, "concat")[0]
    dims = [None] * rank
    total = 0
    for s in known:
        if s.ndims != rank:
            raise ValueError(f"Shape {s} must have rank {rank} to concatenate")
        for i, d in enumerate(s.dims):
            if i == a:
                continue
            if d is not None and dims[i] is not None and d != dims[i]:
                raise ValueError(f"Dimension {i} in both shapes must be equal: {dims[i]} vs {d}")
            dims[i] = d if dims[i] is None else dims[i]
    sizes = [t.shape.dims[a] if t.shape.ndims is not None else None for t in op.inputs]
    total = None if any(s is None for s in sizes) else sum(sizes)
    dims[a] = total
    return [(TensorShape(dims), dt)]


def _concat_bind(op, ctx):
    axis = op.attrs["axis"]
    return lambda *xs: np.concatenate(xs, axis=axis)


def _concat_grad(op, dy):
    pieces = make_op("SplitLike", [dy] + list(op.inputs), {"axis": op.attrs["axis"]},
                     name="SplitLike")
    return list(pieces) if isinstance(pieces, tuple) else [pieces]


defop("ConcatV2", _concat_infer, _concat_bind, grad=_concat_grad, kernels=("strided_copy",))


def concat(values, axis, name="concat"):
    values = convert_same_dtype(list(values), "ConcatV2")
    if len(values) == 1:
        return OPS.identity(values[0], name=name)
    return make_op("ConcatV2", values, {"axis": _static_int_list(axis, "concat axis")[0]},
                   name=name)


def _split_like_infer(op):
    dy = op.inputs[0]
    return [(t.shape, dy.dtype) for t in op.inputs[1:]]


def _split_like_bind(op, ctx):
    axis = op.attrs["axis"]

    def split_like(dy, *xs):
        bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return tuple(np.split(dy, bounds, axis=axis))
    return split_like


def _split_like_grad(op, *dys):
    dys = [d if d is not None else OPS.zeros_like(o) for d, o in zip(dys, op.outputs)]
    return [concat(dys, op.attrs["axis"])] + [None] * (len(op.inputs) - 1)


defop("SplitLike", _split_like_infer, _split_like_bind, grad=_split_like_grad,
      kernels=("strided_copy",), fresh_output=False)


def _pack_infer(op):
    axis = op.attrs["axis"]
    shape = TensorShape(None)
    for t in op.inputs:
        if t.dtype is not op.inputs[0].dtype:
            raise ValueError("Pack inputs must share one dtype")
        shape = shape.merge_with(t.shape)
    if shape.ndims is None:
        return [(TensorShape(None), op.inputs[0].dtype)]
    dims = list(shape.dims)
    a = normalize_axes(axis, len(dims) + 1, "stack")[0]
    dims.insert(a, len(op.inputs))
    return [(TensorShape(dims), op.inputs[0].dtype)]


def _pack_bind(op, ctx):
    axis = op.attrs["axis"]
    return lambda *xs: np.stack(xs, axis=axis)


defop("Pack", _pack_infer, _pack_bind, grad=lambda op, dy: unstack(dy, len(op.inputs),
                                                                   op.attrs["axis"]),
      kernels=("strided_copy",))


def stack(values, axis=0, name="stack"):
    values = convert_same_dtype(list(values), "Pack")
    return make_op("Pack", values, {"axis": int(axis)}, name=name)


def _unpack_infer(op):
    x, num, axis = op.inputs[0], op.attrs["num"], op.attrs["axis"]
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)] * num
    dims = list(x.shape.dims)
    a = normalize_axes(axis, len(dims), "unstack")[0]
    if dims[a] is not None and dims[a] != num:
        raise ValueError(f"unstack: dimension {a} has size {dims[a]}, not {num}")
    del dims[a]
    return [(TensorShape(dims), x.dtype)] * num


def _unpack_bind(op, ctx):
    axis = op.attrs["axis"]
    return lambda x: results(np.moveaxis(x, axis, 0))


def _unpack_grad(op, *dys):
    dys = [d if d is not None else OPS.zeros_like(o) for d, o in zip(dys, op.outputs)]
    return [stack(dys, op.attrs["axis"])]


defop("Unpack", _unpack_infer, _unpack_bind, grad=_unpack_grad, kernels=("strided_copy",),
      fresh_output=False)


def unstack(value, num=None, axis=0, name="unstack"):
    x = convert_to_tensor(value)
    if num is None:
        if x.shape.ndims is None or x.shape.dims[axis] is None:
            raise ValueError(f"Cannot infer num from shape {x.shape}")
        num = x.shape.dims[axis]
    outs = make_op("Unpack", [x], {"num": int(num), "axis": int(axis)}, name=name)
    if isinstance(outs, Tensor):
        return [outs]
    return list(outs) if isinstance(outs, tuple) else []


def _splitv_infer(op):
    x, sizes, axis = op.inputs[0], op.attrs["sizes"], op.attrs["axis"]
    if x.shape.ndims is None:
        return [(TensorShape(None), x.dtype)] * len(sizes)
    a = normalize_axes(axis, x.shape.ndims, "split")[0]
    total = x.shape.dims[a]
    sizes = list(sizes)
    if -1 in sizes:
        rest = sum(s for s in sizes if s != -1)
        sizes[sizes.index(-1)] = None if total is None else total - rest
    elif total is not None and sum(sizes) != total:
        raise ValueError(f"split sizes {sizes} do not add up to dimension {a} ({total})")
    out = []
    for s in sizes:
        dims = list(x.shape.dims)
        dims[a] = s
        out.append((TensorShape(dims), x.dtype))
    return out


def _splitv_bind(op, ctx):
    sizes, axis = list(op.attrs["sizes"]), op.attrs["axis"]

    def split_np(x):
        s = list(sizes)
        if -1 in s:
            s[s.index(-1)] = x.shape[axis] - (sum(s) + 1)
        if sum(s) != x.shape[axis] or min(s) < 0:
            raise errors.InvalidArgumentError(None, None, f"split sizes {sizes} do not match "
                                                          f"dimension size {x.shape[axis]}")
        return results(np.split(x, np.cumsum(s)[:-1], axis=axis))
    return split_np


defop("SplitV", _splitv_infer, _splitv_bind, grad=_split_like_grad, kernels=("strided_copy",),
      fresh_output=False)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split along `axis` into n equal parts or parts of the given sizes."""
    x = convert_to_tensor(value)
    axis = _static_int_list(axis, "split axis")[0]
    if isinstance(num_or_size_splits, int) or np.ndim(num_or_size_splits) == 0 and \
            not isinstance(num_or_size_splits, Tensor):
        n = int(num_or_size_splits)
        dim = x.shape.dims[axis] if x.shape.ndims is not None else None
        if dim is None and n != 1:  # (one part is the whole, whatever its size)
            raise ValueError("split into equal parts needs a known dimension size")
        if dim is not None and dim % n:
            raise ValueError(f"Dimension {axis} of size {dim} is not divisible by {n}")
        sizes = [-1] if dim is None else [dim // n] * n
    else:
        sizes = _static_int_list(num_or_size_splits, "split sizes")
    outs = make_op("SplitV", [x], {"sizes": tuple(sizes), "axis": axis}, name=name)
    return [outs] if isinstance(outs, Tensor) else list(outs)


# ---- tile / pad / broadcast -----------------------------------------------------------------
def _tile_infer(op):
    x, mult = op.inputs[0], op.attrs["multiples"]
    if x.shape.ndims is None:
        return [(TensorShape([None] * len(mult)), x.dtype)]
    if len(mult) != x.shape.ndims:
        raise ValueError(f"tile multiples {list(mult)} must have one entry per dim of {x.shape}")
    return [(TensorShape([None if d is None or isinstance(m, str) else d * m
                          for d, m in zip(x.shape.dims, mult)]), x.dtype)]


def multiples_of(op, run_time):
    """A Tile or TileGrad op's multiples, run-time ones filled in from `run_time`."""
    mult = [run_time_value(m, run_time) for m in op.attrs["multiples"]]
    if any(m < 0 for m in mult):
        raise errors.InvalidArgumentError(op.node_def, op, f"tile multiples {mult} must be "
                                                           f"non-negative")
    return mult


def _tile_bind(op, ctx):
    return lambda x, *run_time: np.tile(x, multiples_of(op, run_time))


defop("Tile", _tile_infer, _tile_bind,
      grad=lambda op, dy: [make_op("TileGrad", [dy, *op.inputs], {"multiples": op.attrs[
          "multiples"]}, name="TileGrad")] + [None] * len(op.inputs[1:]),
      kernels=("strided_copy",))


def _tile_grad_bind(op, ctx):
    def tile_grad_np(dy, x, *run_time):
        mult = multiples_of(op, run_time)
        split = [v for m, d in zip(mult, x.shape) for v in (m, d)]
        return dy.reshape(split).sum(axis=tuple(range(0, 2 * len(mult), 2)), dtype=dy.dtype)
    return tile_grad_np


defop("TileGrad", lambda op: [(op.inputs[1].shape, op.inputs[0].dtype)], _tile_grad_bind,
      grad=lambda op, ddy: [make_op("Tile", [ddy, *op.inputs[2:]],
                                    {"multiples": op.attrs["multiples"]}, name="Tile"),
                            None] + [None] * len(op.inputs[2:]),
      kernels=("reduce_cols", "reduce_chunks", "strided_copy"))


def tile(input, multiples, name=None):
    """tf.tile: multiples a list of ints or scalar tensors (`[tf.shape(x)[0], 1]`), or a 1-D
    integer tensor of static length."""
    parts = RunTimeParts()
    mult = tuple(parts.part(m) for m in int_parts(multiples, "tile multiples"))
    return make_op("Tile", [convert_to_tensor(input), *parts.tensors], {"multiples": mult},
                   name=name or "Tile")


def _pad_infer(op):
    x, pads = op.inputs[0], op.attrs["paddings"]
    if x.shape.ndims is None:
        return [(TensorShape([None] * len(pads)), x.dtype)]
    if len(pads) != x.shape.ndims:
        raise ValueError(f"paddings must have one [before, after] pair per dim of {x.shape}")
    return [(TensorShape([None if d is None else d + a + b
                          for d, (a, b) in zip(x.shape.dims, pads)]), x.dtype)]


def _pad_bind(op, ctx):
    pads, mode, value = op.attrs["paddings"], op.attrs["mode"], op.attrs["constant_values"]
    if mode == "constant":
        return lambda x: np.pad(x, pads, mode="constant", constant_values=value)
    return lambda x: np.pad(x, pads, mode=mode)


def _pad_grad(op, dy):
    index = tuple(slice(a, None if b == 0 else -b) for a, b in op.attrs["paddings"])
    return [make_op("StridedSlice", [dy], {"index": index}, name="StridedSlice")]


def _mirror_pad_grad(op, dy):
    """Each padded axis folds back onto the input: a matmul by the 0/1 matrix [n + pads, n]
    that sends every output position to the input position it copies."""
    x, mode = op.inputs[0], op.attrs["mode"]
    grad = dy
    for axis, (before, after) in enumerate(op.attrs["paddings"]):
        if not before and not after:
            continue
        n = x.shape.dims[axis] if x.shape.ndims is not None else None
        if n is None:
            raise ValueError(f"the gradient of a {mode} pad needs the size of axis {axis} "
                             f"of {x.name} known when the graph is built")
        source = np.pad(np.arange(n), (before, after), mode=mode)
        fold = np.zeros((len(source), n), dy.dtype.np)
        fold[np.arange(len(source)), source] = 1
        rank = x.shape.ndims
        folded = OPS.tensordot(grad, fold, axes=[[axis], [0]])  # the axis comes out last
        grad = transpose(folded, [*range(axis), rank - 1, *range(axis, rank - 1)])
    return [grad]


defop("Pad", _pad_infer, _pad_bind, grad=_pad_grad, kernels=("fill", "strided_copy"))
defop("MirrorPad", _pad_infer, _pad_bind, grad=_mirror_pad_grad, kernels=("mirror_pad",))


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad with [before, after] per dim; modes CONSTANT, REFLECT, SYMMETRIC."""
    pads = np.array(_static_int_list(paddings, "paddings")).reshape(-1, 2)
    mode = mode.upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode {mode}")
    attrs = {"paddings": tuple(tuple(int(v) for v in p) for p in pads),
             "mode": {"CONSTANT": "constant", "REFLECT": "reflect",
                      "SYMMETRIC": "symmetric"}[mode], "constant_values": constant_values}
    return make_op("Pad" if mode == "CONSTANT" else "MirrorPad", [convert_to_tensor(tensor)],
                   attrs, name=name or "Pad")


def _broadcast_to_infer(op):
    x, target = op.inputs
    shape = shape_from_tensor(target)
    try:
        out = broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"Cannot broadcast {x.shape} to {shape}") from None
    if shape.ndims is not None and out.ndims is not None and out.ndims != shape.ndims:
        raise ValueError(f"Cannot broadcast {x.shape} to the lower-rank shape {shape}")
    return [(shape.merge_with(out) if shape.ndims is not None else out, x.dtype)]


def _broadcast_to_np(x, shape):
    try:
        return np.broadcast_to(x, tuple(shape))
    except ValueError:
        raise errors.InvalidArgumentError(None, None, f"Cannot broadcast a tensor of shape "
                                                      f"{np.shape(x)} to {list(shape)}") from None


def _broadcast_to_bind(op, ctx):
    """With static shapes, broadcasting needs no checks: a fixed-shape view."""
    target, x = op.outputs[0].shape, op.inputs[0].shape
    if not (target.is_fully_defined() and x.is_fully_defined()):
        return _broadcast_to_np
    shape = tuple(target.dims)
    return lambda v, _: np.broadcast_to(v, shape)


defop("BroadcastTo", _broadcast_to_infer, _broadcast_to_bind,
      grad=lambda op, dy: [OPS.sum_to(dy, op.inputs[0]), None], kernels=("strided_copy",),
      fresh_output=False)


def broadcast_to(input, shape, name=None):
    return make_op("BroadcastTo", [convert_to_tensor(input), _shape_tensor(shape)],
                   name=name or "BroadcastTo")


def _sum_to_np(g, shape):
    shape = tuple(int(d) for d in shape)
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                      if d == 1 and g.shape[lead + i] != 1)
    if axes:
        g = np.sum(g, axis=axes, dtype=g.dtype, keepdims=True)
    return np.reshape(g, shape)


# SumTo(g, shape): the gradient of broadcasting, sums g down to `shape`.
defop("SumTo", lambda op: [(shape_from_tensor(op.inputs[1]), op.inputs[0].dtype)],
      fixed(_sum_to_np), grad=lambda op, dy: [broadcast_to(dy, shape(op.inputs[0])), None],
      kernels=("reduce_chunks", "reduce_cols"), fresh_output=False)


# ---- shape / size / rank --------------------------------------------------------------------
def _shape_infer(op):
    x = op.inputs[0]
    return [(TensorShape([x.shape.ndims]), op.attrs["out_type"])]


def _shape_bind(op, ctx):
    dtype = op.attrs["out_type"].np
    return lambda x: np.array(np.shape(x), dtype=dtype)


def _size_bind(op, ctx):
    dtype = op.attrs["out_type"].np
    return lambda x: np.array(np.size(x), dtype=dtype)


defop("Shape", _shape_infer, _shape_bind, grad=NO_GRADIENT)
defop("Size", lambda op: [(TensorShape([]), op.attrs["out_type"])], _size_bind,
      grad=NO_GRADIENT)
defop("Rank", lambda op: [(TensorShape([]), dtypes.int32)],
      fixed(lambda x: np.array(np.ndim(x), dtype=np.int32)), grad=NO_GRADIENT)


def shape(input, name=None, out_type=dtypes.int32):
    return make_op("Shape", [convert_to_tensor(input)], {"out_type": dtypes.as_dtype(out_type)},
                   name=name or "Shape")


def size(input, name=None, out_type=dtypes.int32):
    return make_op("Size", [convert_to_tensor(input)], {"out_type": dtypes.as_dtype(out_type)},
                   name=name or "Size")


def rank(input, name=None):
    return make_op("Rank", [convert_to_tensor(input)], name=name or "Rank")
