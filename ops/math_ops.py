"""Elementwise math with NumPy broadcasting, cast, where, add_n and matmul."""
import math

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import Tensor, constant_value, name_scope
from tf0.engine.shapes import TensorShape, broadcast_shapes

from .core import (OPS, broadcast_binary, broadcast_to_bool, convert_same_dtype,
                   convert_to_tensor, defop, fixed, make_op, same_as_input)


def sum_to(grad, like):
    """Reduce a broadcast gradient back to the shape of `like` (no-op when shapes agree)."""
    if grad is None:
        return None
    gs, ls = grad.shape, like.shape
    if gs.is_fully_defined() and ls.is_fully_defined() and gs.dims == ls.dims:
        return grad
    target = OPS.constant(np.array(ls.dims, np.int32)) if ls.is_fully_defined() \
        else OPS.shape(like)
    return make_op("SumTo", [grad, target], name="SumTo")


# ---- unary ops ------------------------------------------------------------------------------
def float_only(op):
    x = op.inputs[0]
    if not x.dtype.is_floating:
        raise ValueError(f"{op.type} requires a float tensor, got {x.dtype.name} ({x.name})")
    return [(x.shape, x.dtype)]


def numeric(op):
    x = op.inputs[0]
    if x.dtype.is_bool:
        raise ValueError(f"{op.type} does not accept bool tensors ({x.name})")
    return [(x.shape, x.dtype)]


def _sigmoid(x):
    # exp(-|x|) never overflows; both branches agree on the sign of x.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _softplus(x):
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def _erf(x):
    # NumPy has no erf: the standard library's, element by element, in double precision
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype, copy=False)


def _erfc(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(x).astype(x.dtype, copy=False)


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


# type, builder name, numpy, gradient(x, y, dy) built from ops, inference, kernel
_UNARY = [
    ("Neg", "negative", np.negative, lambda x, y, dy: -dy, numeric),
    ("Abs", "abs", np.abs, lambda x, y, dy: dy * OPS.sign(x), numeric),
    ("Sign", "sign", np.sign, lambda x, y, dy: OPS.zeros_like(x), numeric),
    ("Square", "square", np.square, lambda x, y, dy: dy * (2 * x), numeric),
    ("Sqrt", "sqrt", np.sqrt, lambda x, y, dy: dy / (2 * y), float_only),
    ("Rsqrt", "rsqrt", lambda x: (1 / np.sqrt(x)).astype(x.dtype, copy=False),
     lambda x, y, dy: dy * (-0.5 * y * y * y), float_only),
    ("Reciprocal", "reciprocal", np.reciprocal, lambda x, y, dy: -dy * y * y, float_only),
    ("Exp", "exp", np.exp, lambda x, y, dy: dy * y, float_only),
    ("Log", "log", np.log, lambda x, y, dy: dy / x, float_only),
    ("Log1p", "log1p", np.log1p, lambda x, y, dy: dy / (1 + x), float_only),
    ("Sin", "sin", np.sin, lambda x, y, dy: dy * OPS.cos(x), float_only),
    ("Cos", "cos", np.cos, lambda x, y, dy: -dy * OPS.sin(x), float_only),
    ("Tanh", "tanh", np.tanh, lambda x, y, dy: dy * (1 - y * y), float_only),
    ("Sigmoid", "sigmoid", _sigmoid, lambda x, y, dy: dy * (y * (1 - y)), float_only),
    ("Softplus", "softplus", _softplus, lambda x, y, dy: dy * OPS.sigmoid(x), float_only),
    ("Elu", "elu", _elu,
     lambda x, y, dy: OPS.where(x > 0, dy, dy * (y + 1)), float_only),
    ("Floor", "floor", np.floor, lambda x, y, dy: OPS.zeros_like(x), float_only),
    ("Ceil", "ceil", np.ceil, lambda x, y, dy: OPS.zeros_like(x), float_only),
    ("Round", "round", np.round, lambda x, y, dy: OPS.zeros_like(x), float_only),
    ("Erf", "erf", _erf, lambda x, y, dy: dy * (2 / math.sqrt(math.pi)) * OPS.exp(-x * x),
     float_only),
    ("Erfc", "erfc", _erfc, lambda x, y, dy: dy * (-2 / math.sqrt(math.pi)) * OPS.exp(-x * x),
     float_only),
]


def _unary_grad(rule):
    return lambda op, dy: [rule(op.inputs[0], op.outputs[0], dy)]


def _unary_builder(op_type, default_name):
    def build(x, name=None):
        return make_op(op_type, [convert_to_tensor(x)], name=name or default_name)
    build.__name__ = default_name
    build.__doc__ = f"Elementwise {default_name}(x); same shape and dtype as x."
    return build


UNARY_BUILDERS = {}


def define_unary(rows):
    """Register the OpDef of each (type, name, numpy, gradient, inference) row, launching
    the unary kernel's op code `name`; a row without a gradient rule is not
    differentiable. Its builder goes into UNARY_BUILDERS."""
    for op_type, name, fn, rule, infer in rows:
        grad = NO_GRADIENT if rule is None else _unary_grad(rule)
        defop(op_type, infer, fixed(fn), grad=grad, kernels=(f"unary:{name}",))
        UNARY_BUILDERS[name] = _unary_builder(op_type, op_type)


define_unary(_UNARY)


# ---- binary ops -----------------------------------------------------------------------------
def _check_int_divisor(y):
    if np.any(y == 0):
        raise errors.InvalidArgumentError(None, None, "Integer division by zero")


def _floordiv(x, y):
    if x.dtype.kind in "iu":
        _check_int_divisor(y)
    return np.floor_divide(x, y)


def _floormod(x, y):
    if x.dtype.kind in "iu":
        _check_int_divisor(y)
    return np.mod(x, y)


def _pow(x, y):
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise errors.InvalidArgumentError(None, None,
                                          "Integers to negative integer powers are not allowed")
    return np.power(x, y)


def _realdiv_infer(op):
    a, b = op.inputs
    if not a.dtype.is_floating:
        raise ValueError(f"RealDiv needs float inputs, got {a.dtype.name}; "
                         "use truediv, which casts integers")
    return broadcast_binary(op)


def _no_bool(op):
    if op.inputs[0].dtype.is_bool:
        raise ValueError(f"{op.type} does not accept bool tensors")
    return broadcast_binary(op)


def _bool_only(op):
    if not all(t.dtype.is_bool for t in op.inputs):
        raise ValueError(f"{op.type} needs bool tensors")
    return broadcast_binary(op)


def _const_exponent(op):
    """The exponent of a Pow op as a Python float when it is a constant scalar, else None."""
    value = constant_value(op.inputs[1])
    if value is None or np.ndim(value) != 0 or not op.inputs[0].dtype.is_floating:
        return None
    return float(value)


def _pow_bind(op, ctx):
    e = _const_exponent(op)
    if e == 2.0:
        return lambda x, y: np.square(x)
    if e is not None:
        return lambda x, y: np.power(x, x.dtype.type(e))  # NumPy's fast paths (0.5, -1, ...)
    return _pow


def _pow_grad(op, dy):
    x, y = op.inputs
    z = op.outputs[0]
    e = _const_exponent(op)
    if e is not None:
        if e == 2.0:
            return [sum_to(dy * (x * 2.0), x), None]
        return [sum_to(dy * (e * OPS.pow(x, e - 1.0)), x), None]
    dx = dy * y * OPS.pow(x, y - 1)
    safe_log = OPS.where(x > 0, OPS.log(OPS.where(x > 0, x, OPS.ones_like(x))), OPS.zeros_like(x))
    return [sum_to(dx, x), sum_to(dy * z * safe_log, y)]


def _select_mask(cond, dy, dtype):
    return dy * OPS.cast(cond, dtype)


# type, builder name, numpy, gradient(x, y, z, dy) -> (dx, dy), inference
_BINARY = [
    ("Add", "add", np.add, lambda x, y, z, g: (g, g), _no_bool),
    ("Sub", "subtract", np.subtract, lambda x, y, z, g: (g, -g), _no_bool),
    ("Mul", "multiply", np.multiply, lambda x, y, z, g: (g * y, x * g), _no_bool),
    ("RealDiv", "realdiv", np.divide,
     lambda x, y, z, g: (g / y, -g * x / (y * y)), _realdiv_infer),
    ("FloorDiv", "floordiv", _floordiv, None, _no_bool),
    ("FloorMod", "floormod", _floormod,
     lambda x, y, z, g: (g, -g * OPS.floordiv(x, y)), _no_bool),
    ("Maximum", "maximum", np.maximum,
     lambda x, y, z, g: (_select_mask(x >= y, g, x.dtype), _select_mask(x < y, g, x.dtype)),
     _no_bool),
    ("Minimum", "minimum", np.minimum,
     lambda x, y, z, g: (_select_mask(x <= y, g, x.dtype), _select_mask(x > y, g, x.dtype)),
     _no_bool),
    ("SquaredDifference", "squared_difference",
     lambda x, y: np.square(np.subtract(x, y)),
     lambda x, y, z, g: ((2 * g) * (x - y), (-2 * g) * (x - y)), _no_bool),
    ("Equal", "equal", np.equal, None, broadcast_to_bool),
    ("NotEqual", "not_equal", np.not_equal, None, broadcast_to_bool),
    ("Less", "less", np.less, None, broadcast_to_bool),
    ("LessEqual", "less_equal", np.less_equal, None, broadcast_to_bool),
    ("Greater", "greater", np.greater, None, broadcast_to_bool),
    ("GreaterEqual", "greater_equal", np.greater_equal, None, broadcast_to_bool),
    ("LogicalAnd", "logical_and", np.logical_and, None, _bool_only),
    ("LogicalOr", "logical_or", np.logical_or, None, _bool_only),
    ("LogicalXor", "logical_xor", np.logical_xor, None, _bool_only),
]


def _binary_grad(rule):
    def grad(op, dz):
        x, y = op.inputs
        gx, gy = rule(x, y, op.outputs[0], dz)
        return [sum_to(gx, x), sum_to(gy, y)]
    return grad


def _binary_builder(op_type, default_name):
    def build(x, y, name=None):
        x, y = convert_same_dtype([x, y], op_type)
        return make_op(op_type, [x, y], name=name or op_type)
    build.__name__ = default_name
    build.__doc__ = f"Elementwise {default_name}(x, y) with NumPy broadcasting."
    return build


BINARY_BUILDERS = {}


def define_binary(rows):
    """Register the OpDef of each (type, name, numpy, gradient, inference) row, launching
    the binary (or, for bool results, compare) kernel's op code `name`; a row without a
    gradient rule is not differentiable. Its builder goes into BINARY_BUILDERS."""
    for op_type, name, fn, rule, infer in rows:
        grad = NO_GRADIENT if rule is None else _binary_grad(rule)
        family = "compare" if infer is broadcast_to_bool or infer is _bool_only else "binary"
        defop(op_type, infer, fixed(fn), grad=grad, kernels=(f"{family}:{name}",))
        BINARY_BUILDERS[name] = _binary_builder(op_type, op_type)


define_binary(_BINARY)

defop("Pow", _no_bool, _pow_bind, grad=_pow_grad, kernels=("binary:pow",))
BINARY_BUILDERS["pow"] = _binary_builder("Pow", "Pow")


def truediv(x, y, name=None):
    """x / y; integers are cast to float64 first (TF1's truediv)."""
    x, y = convert_same_dtype([x, y], "truediv")
    if x.dtype.is_integer:
        x, y = cast(x, dtypes.float64), cast(y, dtypes.float64)
    return make_op("RealDiv", [x, y], name=name or "truediv")


def div(x, y, name=None):
    """TF1's tf.div: floor division for integers, true division for floats."""
    x, y = convert_same_dtype([x, y], "div")
    return make_op("FloorDiv" if x.dtype.is_integer else "RealDiv", [x, y], name=name or "div")


def logical_not(x, name=None):
    return make_op("LogicalNot", [convert_to_tensor(x, dtype=dtypes.bool_)],
                   name=name or "LogicalNot")


def _logical_not_infer(op):
    if not op.inputs[0].dtype.is_bool:
        raise ValueError("LogicalNot needs a bool tensor")
    return same_as_input(op)


defop("LogicalNot", _logical_not_infer, fixed(np.logical_not), grad=NO_GRADIENT,
      kernels=("unary:logical_not",))


# ---- cast, where, add_n, clip ---------------------------------------------------------------
def _cast_bind(op, ctx):
    dtype = op.attrs["DstT"].np
    return lambda x: np.asarray(x).astype(dtype)


def _cast_grad(op, dy):
    src = op.inputs[0].dtype
    return [cast(dy, src) if src.is_floating and op.outputs[0].dtype.is_floating else None]


defop("Cast", lambda op: [(op.inputs[0].shape, op.attrs["DstT"])], _cast_bind,
      grad=_cast_grad, kernels=("cast",))


def cast(x, dtype, name=None):
    """Convert x to `dtype` (floats to ints truncate toward zero, like C)."""
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype is dtype:
        return x
    return make_op("Cast", [x], {"DstT": dtype}, name=name or "Cast")


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


def _select_infer(op):
    c, a, b = op.inputs
    if not c.dtype.is_bool:
        raise ValueError(f"where: condition must be bool, got {c.dtype.name}")
    if a.dtype is not b.dtype:
        raise ValueError(f"where: x and y dtypes differ ({a.dtype.name} vs {b.dtype.name})")
    return [(broadcast_shapes(c.shape, broadcast_shapes(a.shape, b.shape)), a.dtype)]


def _select_grad(op, dy):
    c, a, b = op.inputs
    zeros = OPS.zeros_like(dy)
    return [None, sum_to(where(c, dy, zeros), a), sum_to(where(c, zeros, dy), b)]


defop("Select", _select_infer, fixed(np.where), grad=_select_grad, kernels=("select",))


def where(condition, x=None, y=None, name=None):
    """Elementwise choice: x where condition is true, else y (NumPy broadcasting). With
    condition alone: the coordinates of its true elements (scan_ops.where_true)."""
    if x is None and y is None:
        return OPS.where_true(condition, name=name)
    if x is None or y is None:
        raise ValueError("tf.where takes condition alone, or condition, x and y")
    c = convert_to_tensor(condition, dtype=dtypes.bool_)
    x, y = convert_same_dtype([x, y], "Select")
    return make_op("Select", [c, x, y], name=name or "Select")


def _add_n_infer(op):
    shape = op.inputs[0].shape
    for t in op.inputs[1:]:
        if t.dtype is not op.inputs[0].dtype:
            raise ValueError("add_n inputs must share one dtype")
        shape = shape.merge_with(t.shape)
    return [(shape, op.inputs[0].dtype)]


def _add_n(*xs):
    out = np.add(xs[0], xs[1]) if len(xs) > 1 else np.array(xs[0], copy=True)
    for x in xs[2:]:
        out += x
    return out


defop("AddN", _add_n_infer, fixed(_add_n), grad=lambda op, dy: [dy] * len(op.inputs),
      kernels=("binary:add",))


def add_n(inputs, name=None):
    """Sum of a list of tensors of one shape and dtype (of TensorArray lists, element-wise)."""
    inputs = list(inputs)
    if inputs and isinstance(inputs[0], Tensor) and inputs[0].dtype is dtypes.variant:
        return OPS._add_n_lists(inputs, name=name)
    inputs = convert_same_dtype(inputs, "AddN")
    if not inputs:
        raise ValueError("add_n needs at least one tensor")
    return make_op("AddN", inputs, name=name or "AddN")


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    with name_scope(name, "clip_by_value"):
        t = convert_to_tensor(t)
        return BINARY_BUILDERS["minimum"](BINARY_BUILDERS["maximum"](t, clip_value_min),
                                          clip_value_max)


# ---- matmul ---------------------------------------------------------------------------------
def _matmul_infer(op):
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if a.dtype is not b.dtype or a.dtype.is_bool:
        raise ValueError(f"MatMul needs two numeric tensors of one dtype, got "
                         f"{a.dtype.name} and {b.dtype.name}")
    sa, sb = a.shape, b.shape
    for s, t in ((sa, a), (sb, b)):
        if s.ndims is not None and s.ndims < 2:
            raise ValueError(f"MatMul needs rank >= 2, got shape {s} for {t.name}")
    if sa.ndims is None or sb.ndims is None:
        return [(TensorShape(None), a.dtype)]
    m, ka = (sa.dims[-1], sa.dims[-2]) if ta else (sa.dims[-2], sa.dims[-1])
    kb, n = (sb.dims[-1], sb.dims[-2]) if tb else (sb.dims[-2], sb.dims[-1])
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(f"Dimensions must be equal, but are {ka} and {kb} for MatMul "
                         f"with input shapes {sa}, {sb}")
    batch = broadcast_shapes(TensorShape(sa.dims[:-2]), TensorShape(sb.dims[:-2]))
    return [(batch.concatenate([m, n]), a.dtype)]


def _matmul_bind(op, ctx):
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]

    def matmul_np(a, b):
        return np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b)
    return matmul_np


def _matmul_grad(op, dy):
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if not ta and not tb:
        da, db = matmul(dy, b, transpose_b=True), matmul(a, dy, transpose_a=True)
    elif ta and not tb:
        da, db = matmul(b, dy, transpose_b=True), matmul(a, dy)
    elif not ta and tb:
        da, db = matmul(dy, b), matmul(dy, a, transpose_a=True)
    else:
        da, db = matmul(b, dy, transpose_a=True, transpose_b=True), \
            matmul(dy, a, transpose_a=True, transpose_b=True)
    return [sum_to(da, a), sum_to(db, b)]


defop("MatMul", _matmul_infer, _matmul_bind, grad=_matmul_grad, kernels=("gemm",))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b for rank >= 2; leading dims are batch dims and broadcast."""
    a, b = convert_same_dtype([a, b], "MatMul")
    return make_op("MatMul", [a, b], {"transpose_a": bool(transpose_a or adjoint_a),
                                      "transpose_b": bool(transpose_b or adjoint_b)},
                   name=name or "MatMul")


def scalar_mul(scalar, x, name=None):
    """tf.scalar_mul: scalar * x."""
    return BINARY_BUILDERS["multiply"](scalar, x, name=name)
