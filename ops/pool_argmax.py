"""tf.nn.max_pool_with_argmax: max pooling's output (MaxPool, with its gradient) and, by a
host op, where each maximum came from: the flat index ((y * width + x) * channels + c) of
the input element (with ((b * height + y) * width + x) * channels + c when
include_batch_in_index), the first maximum of a window in row-major order on ties as
TF1's kernel takes it and as tf0's pooling gradient sends it."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope

from .conv_ops import _pool_infer, first_max_positions, geometry, max_pool, pool_attrs
from .core import convert_to_tensor, defop, make_op


def _argmax_bind(op, ctx):
    include_batch, dtype = op.attrs["include_batch_in_index"], op.attrs["Targmax"].np

    def argmax(x):
        n, height, width, channels = x.shape
        g = geometry(op, x.shape, op.attrs["ksize"])
        first = first_max_positions(x, g).astype(np.int64)
        rows = np.arange(g["oh"])[None, :, None, None] * g["sh"] - g["ph"] + \
            first // g["kw"] * g["dh"]
        cols = np.arange(g["ow"])[None, None, :, None] * g["sw"] - g["pw"] + \
            first % g["kw"] * g["dw"]
        index = (rows * width + cols) * channels + np.arange(channels)
        if include_batch:
            index = index + np.arange(n)[:, None, None, None] * (height * width * channels)
        return index.astype(dtype)
    return argmax


def _argmax_infer(op):
    return [(shape, op.attrs["Targmax"]) for shape, _ in _pool_infer(op)]


defop("MaxPoolArgmax", _argmax_infer, _argmax_bind, grad=NO_GRADIENT)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         Targmax=None, name=None, output_dtype=None,  # noqa: N803
                         include_batch_in_index=False):
    """(max pooling of input [batch, height, width, channels], the flat index of each
    maximum in the input) as TF1 gives them; Targmax (or output_dtype) int64 by default."""
    if data_format != "NHWC":
        raise ValueError(f"max_pool_with_argmax takes NHWC input, got {data_format!r}")
    index_dtype = dtypes.as_dtype(Targmax or output_dtype or dtypes.int64)
    with name_scope(name, "MaxPoolWithArgmax"):
        x = convert_to_tensor(input)
        attrs = {**pool_attrs(ksize, strides, padding, data_format), "Targmax": index_dtype,
                 "include_batch_in_index": bool(include_batch_in_index)}
        return max_pool(x, ksize, strides, padding), make_op("MaxPoolArgmax", [x], attrs)
