"""tf.bitwise (TF1): and, or, xor, invert and shifts of int32 and int64 tensors (the unary
and binary kernels' integer cases). Shift amounts are clamped to [0, bits - 1], as TF1
does; right shifts keep the sign (arithmetic); a left shift drops the bits it pushes out,
sign bit included. Not differentiable."""
import numpy as np

from .core import broadcast_binary
from .math_ops import BINARY_BUILDERS, UNARY_BUILDERS, define_binary, define_unary


def _integers_only(op):
    for x in op.inputs:
        if x.dtype.np.kind != "i":
            raise ValueError(f"{op.type} takes int32 or int64 tensors, got {x.dtype.name} "
                             f"({x.name})")
    return broadcast_binary(op) if len(op.inputs) == 2 else [(op.inputs[0].shape,
                                                              op.inputs[0].dtype)]


def _clamped(x, y):
    return np.clip(y, 0, x.dtype.itemsize * 8 - 1).astype(x.dtype)


def _left_shift(x, y):
    x, y = np.asarray(x), np.asarray(y)
    unsigned = np.dtype(f"u{x.dtype.itemsize}")
    return np.left_shift(x.astype(unsigned), _clamped(x, y).astype(unsigned)).astype(x.dtype)


def _right_shift(x, y):
    x = np.asarray(x)
    return np.right_shift(x, _clamped(x, np.asarray(y)))


define_unary([("Invert", "invert", np.invert, None, _integers_only)])
define_binary([
    ("BitwiseAnd", "bitwise_and", np.bitwise_and, None, _integers_only),
    ("BitwiseOr", "bitwise_or", np.bitwise_or, None, _integers_only),
    ("BitwiseXor", "bitwise_xor", np.bitwise_xor, None, _integers_only),
    ("LeftShift", "left_shift", _left_shift, None, _integers_only),
    ("RightShift", "right_shift", _right_shift, None, _integers_only),
])

invert = UNARY_BUILDERS["invert"]
bitwise_and, bitwise_or, bitwise_xor = (BINARY_BUILDERS[n] for n in (
    "bitwise_and", "bitwise_or", "bitwise_xor"))
left_shift, right_shift = BINARY_BUILDERS["left_shift"], BINARY_BUILDERS["right_shift"]
