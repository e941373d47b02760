"""The CUDA backend: compiles a Schedule into a straight-line function over CuPy arrays.

Placement: values computed from shapes alone (Shape, Size, Rank, small integer constants,
integer arithmetic on those) stay on the host as NumPy arrays, because kernels take them as
launch parameters; everything else lives on the device. A host value used by a device op is
uploaded once per run, a device value needed on the host is downloaded once.

Integer errors found inside kernels (an index out of range, integer division by zero) set a
device flag with the failing op's id; a plan that contains such ops reads the flag at the
end of each run and raises InvalidArgumentError naming the op.
"""
import functools
import os

import numpy as np

from tf0.engine import errors

from .cuda_ops import BINDERS, HOST_OPS, is_small_host_constant
from .plan import _to_user, _to_user_copy, data_inputs, emit_call, finish
from .state import PlanContext

_ERROR_MESSAGES = {
    "GatherV2": "indices contain a value outside [0, params.shape[axis])",
    "GatherGrad": "indices contain a value outside [0, params.shape[axis])",
    "SparseSoftmaxCrossEntropyWithLogits": "Received a label value outside the valid range "
                                           "[0, num_classes)",
    "FloorDiv": "Integer division by zero", "FloorMod": "Integer division by zero",
    "Pow": "Integers to negative integer powers are not allowed",
}


@functools.lru_cache(maxsize=None)
def available():
    """True when CuPy imports and sees a CUDA device (and TF0_DEVICE does not say cpu)."""
    if os.environ.get("TF0_DEVICE", "").lower() == "cpu":
        return False
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver, no device: the NumPy backend runs instead
        return False


class CudaDevice:
    """Per-session device state: the error flag and the ops that may set it."""

    def __init__(self):
        from tf0.kernels import device, loader
        loader.start()
        self.cupy = device.cupy()
        self.error_flag = self.cupy.zeros((1,), dtype=np.int32)
        self.error_ops = []

    def check_errors(self):
        """Raise InvalidArgumentError for the op that set the error flag, and clear it."""
        code = int(self.error_flag.get()[0])
        if code:
            cuda = self.cupy.cuda
            cuda.runtime.memsetAsync(self.error_flag.data.ptr, 0, 4, cuda.get_current_stream().ptr)
            op = self.error_ops[code - 1]
            raise errors.InvalidArgumentError(
                op.node_def, op, _ERROR_MESSAGES.get(op.type, "invalid integer input"))


class CudaPlanContext(PlanContext):
    """PlanContext plus what CUDA binders need: error ids and constant uploads."""

    def __init__(self, state, fresh, device):
        super().__init__(state, fresh)
        self.device = device
        self.error_flag = device.error_flag
        self.uses_error_flag = False

    def op_id(self, op):
        self.uses_error_flag = True
        if op not in self.device.error_ops:
            self.device.error_ops.append(op)
        return self.device.error_ops.index(op) + 1

    def upload(self, array):
        return self.device.cupy.asarray(np.asarray(array, order="C"))


def _download(x):
    return x.get()


def _fetch(x):
    value = x.get()
    return value[()] if value.ndim == 0 else value


def placement(schedule):
    """The set of tensors that live on the host."""
    host = set(schedule.feeds)
    for op in schedule.ops:
        ins = data_inputs(op)
        on_host = op.type in HOST_OPS or is_small_host_constant(op) or (
            op.type not in ("Placeholder", "Const") and ins and all(t in host for t in ins)
            and op.outputs and all(not t.dtype.is_floating for t in op.outputs)
            and not op.op_def.stateful and op.op_def.numpy is not None)
        if on_host:
            host.update(op.outputs)
    return host


def compile_cuda(schedule, state, device, tracer=None):
    """run(feed_arrays) -> fetched NumPy values, launching tf0 kernels for device ops. A
    Tracer times each op on the host clock (launch time; kernels run asynchronously)."""
    cupy = device.cupy
    ctx = CudaPlanContext(state, schedule.fresh, device)
    host_ctx = PlanContext(state, schedule.fresh)
    host = placement(schedule)
    env = {"_copy": _to_user_copy, "_user": _to_user, "_fetch": _fetch, "_download": _download,
           "_upload": cupy.asarray, "_check": device.check_errors}
    lines = ["def run(feeds):"]
    if schedule.feeds:
        lines.append("    " + ", ".join(f"v{schedule.slots[t]}" for t in schedule.feeds)
                     + ", = feeds")
    forms = {schedule.slots[t]: {"v"} for t in schedule.feeds}

    def want(tensor, form):
        """Name of `tensor` in `form` ('v' host, 'd' device), converting once if needed."""
        slot = schedule.slots[tensor]
        have = forms.setdefault(slot, set())
        if form not in have:
            conv = "_upload" if form == "d" else "_download"
            other = "v" if form == "d" else "d"
            lines.append(f"    {form}{slot} = {conv}({other}{slot})")
            have.add(form)
        return f"{form}{slot}"

    line_to_op = {}
    for step, op in enumerate(schedule.ops):
        fn_name = f"f{step}"
        on_host = all(t in host for t in op.outputs) and op.outputs
        if on_host or (op.type in HOST_OPS):
            env[fn_name] = op.op_def.numpy(op, host_ctx)
            args = [want(t, "v") for t in data_inputs(op)]
            form = "v"
        else:
            try:
                bind, host_inputs = BINDERS[op.type]
            except KeyError:
                raise errors.UnimplementedError(
                    op.node_def, op, f"Op type {op.type} has no CUDA kernel\n\t [[{op.describe()}]]"
                ) from None
            env[fn_name] = bind(op, ctx)
            if tracer is not None:
                env[fn_name] = tracer.wrap(op, env[fn_name])
            args = [want(t, "v" if i in host_inputs else "d")
                    for i, t in enumerate(data_inputs(op))]
            form = "d"
        outs = [f"{form}{schedule.slots[t]}" for t in op.outputs]
        for t in op.outputs:
            forms[schedule.slots[t]] = {form}
        emit_call(lines, fn_name, ", ".join(args), outs)
        line_to_op[len(lines)] = op
        for slot in schedule.last_use.get(step, ()):
            names = [f"{f}{slot}" for f in sorted(forms.get(slot, ()))]
            if names:
                lines.append("    del " + ", ".join(names))
                forms[slot] = set()
    if ctx.uses_error_flag:
        lines.append("    _check()")
    fetched = []
    for tensor_slot in schedule.fetch_slots:
        if tensor_slot is None:
            fetched.append("None")
            continue
        have = forms.get(tensor_slot, set())
        tensor = schedule.tensors[tensor_slot]
        if "d" in have:
            fetched.append(f"_fetch(d{tensor_slot})")
        else:
            wrap = "_user" if tensor in schedule.fresh else "_copy"
            fetched.append(f"{wrap}(v{tensor_slot})")
    run, filename = finish(lines, fetched, env, "cuda-plan")
    return run, filename, line_to_op
