"""CUDA bindings of the ops the host runs over downloads or Python objects: run-time checks
and printing, tf.while_loop (its bodies' plans) and TensorArray lists (of device arrays).
Their implementations take any plan context, so most bind to the op's own."""
from .cuda_ops import AFTER_FIRST, ALL_INPUTS, AS_PLACED, binds


@binds("Assert", "ScalarSummary", "HistogramSummary", "MergeSummary", host_inputs=ALL_INPUTS)
def _on_downloads(op, ctx):
    return op.op_def.numpy(op, ctx)


@binds("PyFunc", host_inputs=ALL_INPUTS)
def _py_func(op, ctx):
    """The function on downloaded inputs; its outputs go to the device."""
    call = op.op_def.numpy(op, ctx)

    def run(*values):
        out = call(*values)
        return tuple(ctx.upload(v) for v in out) if isinstance(out, tuple) else ctx.upload(out)
    return run


@binds("ParseExample", "DecodeRaw", host_inputs=ALL_INPUTS)
def _parse_on_host(op, ctx):
    """Byte strings parsed on the host; numeric results go to the device, strings stay."""
    parse = op.op_def.numpy(op, ctx)

    def run(*values):
        out = parse(*values)
        up = [v if v.dtype == object else ctx.upload(v)
              for v in (out if isinstance(out, tuple) else (out,))]
        return tuple(up) if isinstance(out, tuple) else up[0]
    return run


@binds("CheckNumerics")
def _check_numerics(op, ctx):
    check = op.op_def.numpy(op, ctx)

    def check_device(x):
        check(x.get())
        return x
    return check_device


@binds("Print", host_inputs=AFTER_FIRST)
def _print(op, ctx):
    """Prints host copies of its data; tf.Print's first input goes on as the device value
    it is (tf.print's first input is data too, downloaded here)."""
    show = op.op_def.numpy(op, ctx)
    if op.attrs["passes_input"]:
        return show
    return lambda first=None, *rest: show(*([] if first is None else [first.get()]), *rest)


@binds("While", "WhileGrad", host_inputs=AS_PLACED)
@binds("TensorListReserve", host_inputs=(0,))
@binds("TensorListFromValues", "TensorListScatter", "TensorListClear", "TensorListGather",
       "TensorListDense", host_inputs=(1,))
@binds("LoopVar", "TensorListFromTensor", "TensorListZerosLike", "TensorListAddN",
       "TensorListStack", "TensorListConcat")
@binds("TensorListSplit", host_inputs=(1,))
def _host_driven(op, ctx):
    return op.op_def.numpy(op, ctx)
