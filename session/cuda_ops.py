"""How each op type runs on the CUDA backend: BINDERS[op_type] = (bind, host_inputs).

`bind(op, ctx)` returns a callable taking the op's data inputs and returning its outputs,
like OpDef.numpy; inputs listed in `host_inputs` arrive as NumPy arrays (shapes, sizes,
scalars that decide launch geometry), all others as C-contiguous CuPy arrays. Every
computation is a tf0 kernel (tf0.kernels.launch_*); nothing falls back to the host.

HOST_OPS are computed from shapes alone and run on the host by design (their values are
launch parameters, not data).
"""
import numpy as np

from tf0.engine import errors
from tf0.engine.graph import constant_value
from tf0.kernels import (launch_array as A, launch_elementwise as E, launch_matmul as M,
                         launch_nn as N, launch_optimizer as OPT, launch_random as RND,
                         launch_reduce as R)
from tf0.ops.data_ops import next_element, start_iterator
from tf0.ops.train_ops import UPDATES

HOST_OPS = frozenset({"Shape", "Size", "Rank", "ReducedShape", "IsVariableInitialized",
                      "TensorListLength", "TensorListLengths"})
BINDERS = {}


class _InputsFrom:
    """host_inputs value meaning: every input from index `first` on arrives on the host."""

    def __init__(self, first):
        self.first = first

    def __contains__(self, index):
        return index >= self.first


ALL_INPUTS, AFTER_FIRST = _InputsFrom(0), _InputsFrom(1)
# host_inputs value meaning: each input arrives in the form the plan keeps it in, host values
# as host values (loops: a counter computed on the host stays there, with no download)
AS_PLACED = object()


def binds(*op_types, host_inputs=()):
    def register(fn):
        for t in op_types:
            BINDERS[t] = (fn, host_inputs if isinstance(host_inputs, _InputsFrom)
                          or host_inputs is AS_PLACED else frozenset(host_inputs))
        return fn
    return register


def _code(op):
    """The op code of an elementwise OpDef ("binary:add" -> "add")."""
    return op.op_def.kernels[0].split(":", 1)[1]


def _shape_arg(value):
    return tuple(int(d) for d in np.reshape(value, [-1]))


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


# ---- elementwise --------------------------------------------------------------------------
@binds("Neg", "Abs", "Sign", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Exp", "Log", "Log1p",
       "Sin", "Cos", "Tanh", "Sigmoid", "Softplus", "Elu", "Floor", "Ceil", "Round", "Relu",
       "Relu6", "LeakyRelu", "LogicalNot", "Erf", "Erfc", "Tan", "Asin", "Acos", "Atan", "Sinh",
       "Cosh", "Asinh", "Acosh", "Atanh", "Expm1", "Lgamma", "Digamma", "Erfinv", "Ndtri",
       "Invert")
def _unary(op, ctx):
    code, alpha = _code(op), op.attrs.get("alpha", 0.0)
    return lambda x: E.unary(code, x, alpha)


@binds("Add", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Maximum", "Minimum",
       "SquaredDifference", "Pow", "ReluGrad", "Relu6Grad", "LeakyReluGrad", "Atan2", "Zeta",
       "BitwiseAnd", "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift")
def _binary(op, ctx):
    code, alpha, err = _code(op), op.attrs.get("alpha", 0.0), ctx.error_flag
    op_id = ctx.binary_error_id(op, code)
    return lambda a, b: E.binary(code, a, b, err, op_id, alpha)


@binds("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
       "LogicalOr", "LogicalXor")
def _compare(op, ctx):
    code = _code(op)
    return lambda a, b: E.compare(code, a, b)


@binds("Select")
def _select(op, ctx):
    return E.select


@binds("Cast")
def _cast(op, ctx):
    dtype = op.attrs["DstT"].np
    return lambda x: E.cast(x, dtype)


@binds("AddN")
def _add_n(op, ctx):
    err = ctx.error_flag

    def add_n(*xs):
        out = xs[0] if len(xs) > 1 else E.copy(xs[0])
        for x in xs[1:]:
            out = E.binary("add", out, x, err, 0)  # a fixed, left-to-right order
        return out
    return add_n


@binds("Fill", host_inputs=(0,))
def _fill(op, ctx):
    # the value stays on the device (it may be computed there): a broadcasting copy
    return lambda dims, value: A.broadcast_to(value.reshape(()), _shape_arg(dims))


@binds("ZerosLike", "OnesLike")
def _fill_like(op, ctx):
    dtype, value = op.outputs[0].dtype.np, 0 if op.type == "ZerosLike" else 1
    return lambda x: E.fill(x.shape, dtype, value)


@binds("Range", host_inputs=(0, 1, 2))
def _range(op, ctx):
    dtype = op.outputs[0].dtype.np
    return lambda start, limit, delta: E.arange(len(np.arange(start, limit, delta)), start,
                                                delta, dtype)


@binds("Const")
def _const(op, ctx):
    value = ctx.upload(op.attrs["value"])
    return lambda: value


@binds("Identity", "StopGradient", "PlaceholderWithDefault")
def _identity(op, ctx):
    return lambda x: x


@binds("IdentityN")
def _identity_n(op, ctx):
    return lambda *xs: xs


@binds("CondMerge", host_inputs=(0,))
def _cond_merge(op, ctx):
    return lambda pred, if_true, if_false: if_true if pred else if_false


# Ops run by the host over Python objects (their implementation takes any ctx): tf.while_loop
# ops run their bodies' plans; TensorArray ops handle lists of device arrays.
LOOP_OPS = frozenset({"While", "WhileGrad"})
# ops whose output size depends on the values of their inputs (a download decides it)
SIZED_BY_VALUES = frozenset({"Where"})
LIST_OPS = frozenset({"TensorListReserve", "TensorListFromTensor", "TensorListZerosLike",
                      "TensorListFromValues", "TensorListScatter", "TensorListClear",
                      "TensorListAddN", "TensorListGather", "TensorListStack",
                      "TensorListDense", "TensorListConcat", "TensorListSplit"})


@binds("NoOp")
def _no_op(op, ctx):
    return lambda: None


# ---- matmul and reductions ------------------------------------------------------------------
@binds("MatMul")
def _matmul(op, ctx):
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    sharing = ctx.lanes.sharing.get(op, 1)  # products on parallel streams at the same time
    relu = op in ctx.relu_products
    return lambda a, b: M.matmul(a, b, ta, tb, sharing, relu)


_REDUCE = {"Sum": "sum", "Mean": "sum", "Prod": "prod", "Max": "max", "Min": "min",
           "Any": "max", "All": "min"}


@binds(*_REDUCE)
def _reduce(op, ctx):
    kind, mean = _REDUCE[op.type], op.type == "Mean"
    axes, keep = op.attrs["axes"], op.attrs["keep_dims"]

    def reduce_gpu(x):
        ax = None if axes is None else tuple(a % x.ndim for a in axes) if x.ndim else ()
        return R.reduce(kind, x, ax, keep, mean)
    return reduce_gpu


@binds("ArgMax", "ArgMin")
def _arg_reduce(op, ctx):
    axis, is_min = op.attrs["axis"], op.type == "ArgMin"
    dtype = op.attrs["output_type"].np

    def arg_gpu(x):
        out = R.arg_reduce(is_min, x, axis % x.ndim)
        return out if dtype == np.int64 else E.cast(out, dtype)
    return arg_gpu


@binds("SumTo", host_inputs=(1,))
def _sum_to(op, ctx):
    def sum_to_gpu(g, shape):
        shape = _shape_arg(shape)
        lead = g.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                          if d == 1 and g.shape[lead + i] != 1)
        return (R.reduce("sum", g, axes, keepdims=True) if axes else g).reshape(shape)
    return sum_to_gpu


# ---- nn -----------------------------------------------------------------------------------
@binds("Softmax", "LogSoftmax")
def _softmax(op, ctx):
    axis, log = op.attrs["axis"], op.type == "LogSoftmax"

    def softmax_gpu(x):
        a = axis % x.ndim
        if a == x.ndim - 1:
            return N.softmax(x, log)
        perm = [i for i in range(x.ndim) if i != a] + [a]
        back = [int(i) for i in np.argsort(perm)]
        return A.transpose(N.softmax(A.transpose(x, perm), log), back)
    return softmax_gpu


@binds("SoftmaxCrossEntropyWithLogits")
def _xent(op, ctx):
    def xent_gpu(logits, labels):
        if labels.shape != logits.shape:
            labels = A.broadcast_to(labels, logits.shape)
        return N.softmax_xent(logits, labels)
    return xent_gpu


@binds("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent(op, ctx):
    op_id, err = ctx.op_id(op), ctx.error_flag
    return lambda logits, labels: N.sparse_softmax_xent(logits, labels, err, op_id)


@binds("BiasAdd")
def _bias_add(op, ctx):
    ch, err = op.attrs["channel_axis"], ctx.error_flag

    def bias_add_gpu(x, b):
        shape = [1] * x.ndim
        shape[ch] = b.shape[0]
        return E.binary("add", x, b.reshape(shape), err, 0)
    return bias_add_gpu


# ---- random -------------------------------------------------------------------------------
RANDOM_OPS = frozenset({"RandomUniform", "RandomStandardNormal", "TruncatedNormal",
                        "RandomUniformInt"})


@binds(*RANDOM_OPS, host_inputs=(0,))
def _random(op, ctx):
    a = op.attrs
    key, dtype = (a["seed"], a["seed2"]), a["dtype"].np
    if op.type == "RandomUniformInt":
        def draw(shape, run, run_at):
            return RND.uniform_int(shape, dtype, key, run, a["minval"], a["maxval"], run_at)
    else:
        kind = op.op_def.kernels[0]

        def draw(shape, run, run_at):
            return RND.draw(kind, shape, dtype, key, run, run_at)
    counter = ctx.device_counter(op)
    if counter is not None:  # a CUDA graph: the run counter is read from device memory
        at, index = counter
        return lambda shape: draw(_shape_arg(shape), index(), at)
    next_run = ctx.random_counter(op)
    return lambda shape: draw(_shape_arg(shape), next_run(), None)


# ---- state --------------------------------------------------------------------------------
@binds("VariableV2")
def _variable(op, ctx):
    return ctx.reader(op)


@binds("ReadVariable")
def _read(op, ctx):
    return ctx.reader(op.inputs[0].op)


@binds("Assign")
def _assign(op, ctx):
    var_op = op.inputs[0].op
    write, target = ctx.writer(var_op), ctx.write_target(var_op)
    expected = op.inputs[0].shape
    check = op.attrs.get("validate_shape", True)
    must_copy = not ctx.is_fresh(op.inputs[1])

    def assign_gpu(value):
        if check and not expected.is_compatible_with(value.shape):
            raise _invalid(f"Assign requires shapes of both tensors to match. lhs shape= "
                           f"{expected} rhs shape= {list(value.shape)}")
        dst = target()
        if dst is not None or must_copy:
            value = E.copy(value, out=dst)
        write(value)
        return value
    return assign_gpu


@binds("AssignAdd", "AssignSub")
def _update(op, ctx):
    var_op = op.inputs[0].op
    read, write, target = ctx.reader(var_op), ctx.writer(var_op), ctx.write_target(var_op)
    code, err = _code(op), ctx.error_flag

    def update_gpu(delta):
        current = read()
        if E.broadcast_shape(current.shape, delta.shape) != current.shape:
            raise _invalid(f"Assign requires shapes of both tensors to match: variable "
                           f"{list(current.shape)}, update {list(delta.shape)}")
        new = E.binary(code, current, delta, err, 0, out=target())
        write(new)
        return new
    return update_gpu


@binds(*UPDATES)
def _apply_update(op, ctx):
    n_refs, kernel = op.attrs["n_refs"], op.op_def.kernels[0]
    refs = [t.op for t in op.inputs[:n_refs]]
    reads, writes = [ctx.reader(r) for r in refs], [ctx.writer(r) for r in refs]
    targets = [ctx.write_target(r) for r in refs]
    nesterov = op.attrs.get("use_nesterov")

    def apply_gpu(grad, *scalars):
        state = [read() for read in reads]
        if grad.shape != state[0].shape:
            raise _invalid(f"{op.type}: gradient shape {grad.shape} does not match variable "
                           f"shape {state[0].shape}")
        scalars = [s if s.dtype == state[0].dtype else E.cast(s, state[0].dtype)
                   for s in scalars]
        new = OPT.apply(kernel, state, grad, scalars, nesterov, [t() for t in targets])
        for write, value in zip(writes, new):
            write(value)
        return new[0]
    return apply_gpu


# ---- tf.data: elements are staged into device memory ahead of use -------------------------
def stager(dataset, captured):
    """Start a dataset's iterator whose elements are staged into device memory."""
    import cupyx
    from tf0.kernels.device import cupy
    from .staging import DeviceStager
    return DeviceStager(dataset.iterate(captured), cupy(), cupyx.empty_pinned)


@binds("MakeIterator", host_inputs=ALL_INPUTS)
def _make_iterator(op, ctx):
    return lambda *captured: start_iterator(op, ctx.resources, captured, stager)


@binds("IteratorGetNext", host_inputs=ALL_INPUTS)
def _get_next(op, ctx):
    return lambda *captured: next_element(op, ctx.resources, captured, stager)


def is_host_constant(op):
    """Constants that stay on the host: integer/bool ones up to 4096 elements (shapes, axes,
    indices used as launch parameters; device consumers get one cached upload) and strings
    (which never live on the device)."""
    value = constant_value(op.outputs[0]) if op.type == "Const" else None
    return value is not None and (value.dtype.kind == "O" or
                                  value.dtype.kind in "biu" and value.size <= 4096)


# Binders of their own files, registered here so that BINDERS is complete on import.
from . import cuda_conv_ops, cuda_host_ops, cuda_layout_ops  # noqa: E402,F401
