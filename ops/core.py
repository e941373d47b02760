"""Helpers every op family uses: building ops, converting values, common inference rules."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import OPERATORS, Tensor, get_default_graph
from tf0.engine.op_def import OpDef, register
from tf0.engine.shapes import as_shape, broadcast_shapes

_conversion_functions = []  # (type, fn(value, dtype, name) -> Tensor)


def register_tensor_conversion_function(base_type, conversion_func):
    """Let objects of `base_type` (e.g. Variable) be used wherever a Tensor is expected."""
    _conversion_functions.append((base_type, conversion_func))


def string_array(value):
    """A NumPy object array of bytes (str encoded as UTF-8), as TF1 holds strings."""
    raw = np.array(value, dtype=object)
    flat = [v.encode() if isinstance(v, str) else v for v in raw.reshape(-1)]
    if not all(isinstance(v, (bytes, np.bytes_)) for v in flat):
        raise TypeError(f"Cannot convert {value!r} to a string tensor")
    out = np.empty(raw.shape, dtype=object)
    out.reshape(-1)[:] = [bytes(v) for v in flat]
    return out


def _checked_array(value, dtype):
    """`value` as a NumPy array of `dtype`; TypeError when Python numbers would lose value."""
    if dtype is dtypes.string:
        return string_array(value)
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and dtype.is_integer and not np.all(np.isfinite(arr)):
            raise TypeError(f"Cannot convert non-finite values to {dtype.name}")
        return arr.astype(dtype.np, copy=True)
    raw = np.asarray(value)
    if raw.dtype.kind == "O" or raw.dtype.kind in "US":
        raise TypeError(f"Cannot convert {value!r} to a {dtype.name} tensor")
    if (dtype.is_integer or dtype.is_bool) and raw.size:  # [] is float64 to NumPy: any dtype
        if raw.dtype.kind == "f" or (dtype.is_bool and raw.dtype.kind != "b"):
            raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                            f"'{type(value).__name__}' instead.")
    arr = raw.astype(dtype.np)
    if dtype.is_integer and raw.size and not np.array_equal(arr, raw):
        raise TypeError(f"Value {value!r} does not fit in {dtype.name}")
    return arr


def _is_tensor_like(value):
    return isinstance(value, Tensor) or any(isinstance(value, b) for b, _ in _conversion_functions)


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """A Tensor for `value` (Tensor, Variable, NumPy array, Python number or nested list)."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype is not dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {value.dtype.name}: {value}")
        return value
    for base, fn in _conversion_functions:
        if isinstance(value, base):
            return fn(value, dtype=dtype, name=name)
    if isinstance(value, (list, tuple)) and any(_is_tensor_like(v) for v in value):
        return OPERATORS["stack"](list(value), name=name)
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, dtype=preferred_dtype, name=name)
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=dtype, name=name)


def convert_same_dtype(values, op_name):
    """Convert values to tensors of one dtype, taking it from the first Tensor among them."""
    base = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    if base is None:
        for v in values:
            for b, fn in _conversion_functions:
                if isinstance(v, b):
                    base = fn(v, dtype=None, name=None).dtype
                    break
            if base is not None:
                break
    out = [convert_to_tensor(v, preferred_dtype=base) for v in values]
    for t in out[1:]:
        if t.dtype is not out[0].dtype:
            raise TypeError(f"Input '{t.name}' of '{op_name}' Op has type {t.dtype.name} that "
                            f"does not match type {out[0].dtype.name} of argument "
                            f"'{out[0].name}'.")
    return out


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A Const op holding `value` (a NumPy copy made now), optionally reshaped/filled to shape."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.infer_dtype(value)
    arr = _checked_array(value, dtype)
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if arr.shape != shape:
            if verify_shape:
                raise TypeError(f"Expected Tensor's shape: {shape}, got {arr.shape}.")
            if arr.size == 1:
                arr = np.full(shape, arr.reshape(()), dtype=dtype.np)
            elif arr.size == int(np.prod(shape)):
                arr = arr.reshape(shape)
            else:
                raise TypeError(f"Eager/graph constant of {arr.size} elements cannot be "
                                f"reshaped to {shape}")
    arr.setflags(write=False)
    return make_op("Const", [], {"value": arr, "dtype": dtype}, name)


def make_op(op_type, inputs, attrs=None, name=None, graph=None):
    """Create an op; return its only output, its outputs tuple, or the op if it has none."""
    if graph is None:
        graph = inputs[0].graph if inputs else get_default_graph()
    op = graph.create_op(op_type, inputs, attrs, name=name)
    if len(op.outputs) == 1:
        return op.outputs[0]
    return op.outputs if op.outputs else op


def defop(op_type, infer, numpy=None, grad=None, kernels=(), **flags):
    """Register an OpDef; returns it so families can refer to it."""
    return register(OpDef(op_type, infer, numpy, grad, kernels, **flags))


def fixed(fn):
    """A numpy binder for ops whose implementation needs no attrs."""
    return lambda op, ctx: fn


# ---- common inference rules ----------------------------------------------------------------
def same_as_input(op):
    x = op.inputs[0]
    return [(x.shape, x.dtype)]


def broadcast_binary(op):
    a, b = op.inputs
    return [(broadcast_shapes(a.shape, b.shape), a.dtype)]


def broadcast_to_bool(op):
    a, b = op.inputs
    return [(broadcast_shapes(a.shape, b.shape), dtypes.bool_)]


def require_float(op, where=None):
    for t in op.inputs:
        if not t.dtype.is_floating:
            raise ValueError(f"{op.type} needs a float input, got {t.dtype.name} "
                             f"({where or t.name})")


def normalize_axes(axis, rank, op_name):
    """Axis (None/int/list, negatives allowed) -> sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(rank))
    axes = [int(a) for a in np.reshape(axis, [-1])]
    out = []
    for a in axes:
        if not -rank <= a < max(rank, 1):
            raise ValueError(f"{op_name}: axis {a} out of range for rank {rank}")
        out.append(a % rank if rank else 0)
    return tuple(sorted(set(out)))


class _OpsTable:
    """Late-bound access to the public op builders of every family, so gradient rules of
    one family can use ops of another without import cycles."""

    def __getattr__(self, name):
        import tf0.ops as ops
        return getattr(ops, name)


OPS = _OpsTable()
