"""The CUDA backend: compiles a Schedule into a straight-line function over CuPy arrays.

Placement: values computed from shapes alone (Shape, Size, Rank, small integer constants,
integer arithmetic on those) stay on the host as NumPy arrays, because kernels take them as
launch parameters; everything else lives on the device. A host value used by a device op is
uploaded once per run (once per process when it does not depend on a feed: such values are
fixed for given feed shapes), a device value needed on the host is downloaded once. Shape,
Size and Rank read a device value's shape, never its data.

Integer errors found inside kernels (an index out of range, integer division by zero) set a
device flag with the failing op's id; a plan that contains such ops reads the flag at the
end of each run and raises InvalidArgumentError naming the op.
"""
import functools
import os
import time

import numpy as np

from tf0.engine import errors
from tf0.engine.op_def import results
from tf0.engine.graph import cond_path, data_inputs

from .cuda_ops import AS_PLACED, BINDERS, HOST_OPS, LIST_OPS, is_host_constant
from .plan import BranchConditions, branch_checked, emit_call, finish
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
    """Per-session device state: the error flag and the ops that may set it, the GPU options
    and the session's own non-blocking streams (made on first use)."""

    def __init__(self, gpu_options):
        from tf0.kernels import device, loader
        loader.start()
        self.cupy = device.cupy()
        self.error_flag = self.cupy.zeros((1,), dtype=np.int32)
        self.error_ops = []
        self.num_streams = gpu_options.num_streams
        self.cuda_graphs = gpu_options.cuda_graphs
        self._streams = []
        self._last_caller, self._handoff = None, None

    def follow(self, caller):
        """Order the stream `caller` after the session's previous run when that run came
        from another stream (another thread's, say): runs launch on their caller's stream,
        and each reads what the runs before it wrote. Nothing to do on the same stream."""
        last = self._last_caller
        if last is not caller and last is not None and last.ptr != caller.ptr:
            if self._handoff is None:
                self._handoff = self.cupy.cuda.Event(disable_timing=True)
            self._handoff.record(last)
            caller.wait_event(self._handoff)
        self._last_caller = caller

    def streams(self, count):
        """The session's first `count` streams."""
        while len(self._streams) < count:
            self._streams.append(self.cupy.cuda.Stream(non_blocking=True))
        return self._streams[:count]

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
    """PlanContext plus what CUDA binders need: error ids, constant uploads, the buffers a
    captured plan writes variables into and, for a CUDA graph, random-op run counters in
    device memory (`counters`, a RandomCounters shared with the plans of its loops)."""

    def __init__(self, state, schedule, device, counters=None, tracer=None, bodies=None,
                 capturing=False):
        super().__init__(state, schedule, tracer, bodies)
        self.device = device
        self.capturing = capturing  # binding a plan that is captured as a CUDA graph
        self.host = None  # the plan's placement (set by compile_body)
        self.lanes = None  # the plan's StreamPlan (set by compile_body)
        self.relu_products = set()  # MatMul ops that apply a fused relu (set by compile_body)
        self.error_flag = device.error_flag
        self.uses_error_flag = False
        self.counters = counters

    def binary_error_id(self, op, code):
        """The error id for a binary kernel running `code` on `op`'s dtype: 0 (no flag to
        check after the run) unless the kernel can fail, i.e. integer division, modulo or a
        negative integer power."""
        if code in ("floordiv", "floormod", "pow") and op.outputs[0].dtype.is_integer:
            return self.op_id(op)
        return 0

    def op_id(self, op):
        self.uses_error_flag = True
        if op not in self.device.error_ops:
            self.device.error_ops.append(op)
        return self.device.error_ops.index(op) + 1

    def upload(self, array):
        return self.device.cupy.asarray(np.asarray(array, order="C"))

    def device_counter(self, op):
        """(the device uint64 random op `op` reads its run counter from, draw() giving the
        index of each draw within the run), or None when the counter is a launch argument
        (direct launch)."""
        if self.counters is None:
            return None
        return self.counters.slot(self.random_counter(op))

    def loop_host_feeds(self, op, with_records=True):
        from .cuda_loops import loop_host_feeds
        return loop_host_feeds(op, self.host, with_records)

    def subplan(self, fetches, feeds, frame, optional=(), host_fetches=(), host_feeds=None):
        """A loop body's plan on this device (one stream, direct launch). A value fed in the
        other form than the plan keeps that feed in is converted first (normally only a
        loop variable's first value, see cuda_loops)."""
        from .plan import Schedule
        from .streams import single_stream
        schedule = Schedule(fetches, feeds, frame, optional)
        host = placement(schedule, host_feeds=host_feeds)
        ctx = CudaPlanContext(self._state, schedule, self.device, self.counters,
                              tracer=self.tracer, bodies=self.bodies, capturing=self.capturing)
        body, filename, line_to_op, _ = compile_body(
            schedule, ctx, host, single_stream(schedule), tracer=self.tracer,
            static_feeds=self.capturing)
        self.bodies.append((filename, line_to_op))
        self.uses_error_flag = self.uses_error_flag or ctx.uses_error_flag
        used = {t for op in schedule.ops for t in data_inputs(op)} | set(schedule.fetches)
        to_host = [i for i, t in enumerate(schedule.feeds) if t in host and t in used]
        to_device = [i for i, t in enumerate(schedule.feeds) if t not in host and t in used]
        device_array = self.device.cupy.ndarray
        as_output = self.as_output

        def run(values):
            values = list(values)
            for i in to_host:
                if isinstance(values[i], device_array):
                    values[i] = values[i].get()
            for i in to_device:
                values[i] = as_output(values[i])
            out = body(values)
            if host_fetches:
                out = [v.get() if i in host_fetches and isinstance(v, device_array) else v
                       for i, v in enumerate(out)]
            return out
        return run

    def as_output(self, value):
        # host arrays go to the device; device arrays and host objects (lists) stay. Under
        # capture, through the constant cache: a graph may not copy from pageable memory,
        # and a capture's host values are the same on every replay.
        is_host_array = isinstance(value, (np.ndarray, np.generic)) \
            and not isinstance(value, self.device.cupy.ndarray)
        if not is_host_array:
            return value
        if self.capturing and np.size(value) <= 4096:
            from tf0.kernels.device import constant
            return constant(value)
        return self.device.cupy.asarray(value)

    def stack(self, rows, dtype, row_shape):
        if not rows:
            return self.as_output(super().stack(rows, dtype, row_shape))
        from tf0.kernels import launch_array
        return launch_array.stack([self.as_output(r) for r in rows], 0)

    def concat(self, pieces, dtype, row_shape):
        if not pieces:
            return self.as_output(super().concat(pieces, dtype, row_shape))
        from tf0.kernels import launch_array
        return launch_array.concat([self.as_output(p) for p in pieces], 0)

    def zeros(self, shape, dtype):
        return self.device.cupy.zeros(shape, dtype.np)

    def add(self, a, b):
        from . import cuda_ops
        return cuda_ops.E.binary("add", self.as_output(a), self.as_output(b), self.error_flag, 0)

    def write_target(self, var_op):
        """A function giving the buffer the variable's new value must be written into, or
        None to allocate one (only a CUDA-graph capture fixes the buffer)."""
        state = self._state
        return lambda: state.targets.get(var_op)


class RandomCounters:
    """The run counters a CUDA graph's random ops read from device memory, one uint64 slot
    per op (`block`). A graph is captured once and replayed, so each draw reads its slot
    plus its index among the op's draws in the run (a launch argument): an op outside loops
    draws once per run, one in a loop once per iteration. Before each run, `advance(counts)`
    gives every slot its first counter and moves the session's on by that op's draws."""

    def __init__(self, cupy, capacity):
        self.block = cupy.zeros((max(capacity, 1),), np.uint64)
        self.next_runs = []  # per slot: its op's random_counter
        self.draws = []      # per slot: draws made so far in the run being launched

    def slot(self, next_run):
        k = len(self.next_runs)
        if k == len(self.block):
            raise RuntimeError("more random ops in the plan than counter slots")
        self.next_runs.append(next_run)
        self.draws.append(0)
        draws = self.draws

        def draw():
            draws[k] += 1
            return draws[k] - 1
        return self.block[k:k + 1], draw

    def used(self):
        """The slots handed out so far, as a device array."""
        return self.block[:len(self.next_runs)]

    def start(self):
        """Count the draws of a run about to be launched from the host (warm-up, capture)."""
        self.draws[:] = [0] * len(self.draws)

    def peek(self):
        """The next run's first counter of every slot, advancing nothing (see advance)."""
        return np.array([next_run(0) for next_run in self.next_runs], np.uint64)

    def advance(self, counts):
        """Advance each slot's session counter by its op's draws in a run; returns the
        first counter of every slot for that run."""
        return np.array([next_run(n) for next_run, n in zip(self.next_runs, counts)],
                        np.uint64)


def _download(x):
    return x.get()


def placement(schedule, feeds_on_device=False, host_feeds=None):
    """The set of tensors that live on the host. Feeds arrive on the host (NumPy), or on the
    device when a CUDA graph's input buffers hold them; `host_feeds`, when given, names the
    feeds that arrive on the host (a loop body's, see cuda_loops)."""
    if host_feeds is not None:
        host = set(host_feeds) & set(schedule.feeds)
    else:
        host = set() if feeds_on_device else set(schedule.feeds)
    for op in schedule.ops:
        ins = data_inputs(op)
        # (TensorArray lists always hold device arrays, so their ops never run as host code)
        on_host = op.type in HOST_OPS or is_host_constant(op) or (
            op.type not in ("Placeholder", "Const") and op.type not in LIST_OPS
            and ins and all(t in host for t in ins)
            and op.outputs and all(not t.dtype.is_floating for t in op.outputs)
            and not op.op_def.stateful and op.op_def.numpy is not None)
        if on_host:
            host.update(op.outputs)
    return host


def relu_epilogues(schedule, host):
    """{Relu op: the MatMul op fused with it}: Relus whose input a MatMul of the plan makes
    for that Relu alone (read by no other op, not fetched, not fed, not folded): the product
    applies relu as it stores its outputs and the Relu passes them on."""
    readers = {}
    for op in schedule.ops:
        for t in data_inputs(op):
            readers[t] = readers.get(t, 0) + 1
    unfused = set(schedule.fetches) | set(schedule.feeds)
    fused = {}
    for op in schedule.ops:
        if op.type != "Relu" or computed_on_host(op, host) or is_folded(schedule, op):
            continue
        (x,) = data_inputs(op)
        if x.op.type == "MatMul" and readers[x] == 1 and x not in unfused \
                and not is_folded(schedule, x.op):
            fused[op] = x.op
    return fused


def is_folded(schedule, op):
    """True when the plan loads `op`'s outputs as constants (Schedule.folded)."""
    return bool(op.outputs) and op.outputs[0] in schedule.folded


def computed_on_host(op, host):
    """True when every output of `op` lives on the host (its NumPy implementation runs)."""
    return bool(op.outputs) and all(t in host for t in op.outputs)


def fed_on_host(schedule, host):
    """Host tensors whose values depend on a feed (feeds included)."""
    fed = set(schedule.feeds)
    for op in schedule.ops:
        if op.type not in HOST_OPS and any(t in fed for t in data_inputs(op)):
            fed.update(t for t in op.outputs if t in host)
    return fed


def _passes_on(x):
    """A Relu fused into the product that made x (relu_epilogues)."""
    return x


def compile_body(schedule, ctx, host, lanes, tracer=None, static_feeds=False):
    """body(feeds) -> one raw value per fetch: a CuPy array, a host array, or None.

    Returns (body, filename, line_to_op, forms); forms[i] is "d" (device), "v" (host) or
    None (an Operation) for fetch i. `lanes` is a StreamPlan: with several streams the body
    expects the caller to make stream 0 current, fork the others from it before and join
    them after. Feeds in `host` arrive as host values, the others as device arrays (graph
    capture). Host values that do not depend on feeds are uploaded through a process-wide
    cache; with `static_feeds` (a loop body under capture, whose host feeds take the same
    values on every replay) host values that do are too.
    """
    from tf0.kernels import device as dev
    cupy = ctx.device.cupy
    ctx.host, ctx.lanes = host, lanes
    fused = relu_epilogues(schedule, host)
    ctx.relu_products = set(fused.values())
    host_ctx = PlanContext(ctx._state, schedule)
    fed = set() if static_feeds else fed_on_host(schedule, host)
    env = {"_download": _download, "_upload": cupy.asarray, "_constant": dev.constant}
    multi = len(lanes.used) > 1
    if multi:
        def upload_and_wait(value):  # a feed upload may be read on any stream
            arr = cupy.asarray(value)
            cupy.cuda.get_current_stream().synchronize()
            return arr
        env["_upload"] = upload_and_wait
        streams = ctx.device.streams(max(lanes.used) + 1)
        env.update({f"_s{s}": streams[s] for s in lanes.used})
        env.update({f"_e{k}": cupy.cuda.Event(disable_timing=True)
                    for k in range(lanes.event_count)})
    lines = ["def body(feeds):"]
    feed_forms = {schedule.slots[t]: "v" if t in host else "d" for t in schedule.feeds}
    if schedule.feeds:
        lines.append("    " + ", ".join(f"{feed_forms[slot]}{slot}" for slot in feed_forms)
                     + ", = feeds")
    forms = {slot: {form} for slot, form in feed_forms.items()}

    def want(tensor, form):
        """Name of `tensor` in `form` ('v' host, 'd' device), converting once if needed."""
        slot = schedule.slots[tensor]
        have = forms.setdefault(slot, set())
        if tensor.dtype.is_host_object and have:  # a list or a loop's record, as is
            return f"{next(iter(have))}{slot}"
        if form not in have:
            if form == "d":
                conv = "_upload" if tensor in fed else "_constant"
                src = f"v{slot}"
            elif tensor.op.type == "Const" or tensor in schedule.folded:  # known: no download
                env[f"_k{slot}"] = schedule.folded.get(tensor, tensor.op.attrs.get("value"))
                conv, src = "", f"_k{slot}"
            else:
                conv, src = "_download", f"d{slot}"
            value = f"{conv}({src})" if conv else src
            if conv and cond_path(tensor.op):
                value = f"None if {src} is None else {value}"  # its branch may not have run
            lines.append(f"    {form}{slot} = {value}")
            have.add(form)
        return f"{form}{slot}"

    def either(tensor):
        """Name of `tensor` in any form it has (Shape, Size and Rank read only the shape)."""
        have = forms.get(schedule.slots[tensor], set())
        return f"{'d' if 'd' in have else 'v'}{schedule.slots[tensor]}"

    line_to_op = {}
    branches = BranchConditions(lines, lambda t: want(t, "v"))
    current = 0
    for step, op in enumerate(schedule.ops):
        fn_name = f"f{step}"
        stream = lanes.streams[step]
        if is_folded(schedule, op):  # its value is known: loaded, not computed
            form = "v" if computed_on_host(op, host) else "d"
            values = [schedule.folded[t] if form == "v" else ctx.upload(schedule.folded[t])
                      for t in op.outputs]
            value = results(values)
            env[fn_name] = lambda value=value: value
            args = []
        elif computed_on_host(op, host) or op.type in HOST_OPS:
            env[fn_name] = op.op_def.numpy(op, host_ctx)
            if tracer is not None:
                env[fn_name] = tracer.wrap(op, env[fn_name])
            args = [either(t) if op.type in HOST_OPS else want(t, "v") for t in data_inputs(op)]
            form = "v"
        else:
            try:
                bind, host_inputs = BINDERS[op.type]
            except KeyError:
                raise errors.UnimplementedError(
                    op.node_def, op, f"Op type {op.type} has no CUDA kernel\n\t [[{op.describe()}]]"
                ) from None
            env[fn_name] = _passes_on if op in fused else bind(op, ctx)
            if tracer is not None:
                env[fn_name] = tracer.wrap(op, env[fn_name], stream)
            if multi and stream is not None:  # first, so that uploads go to the op's stream
                if stream != current:
                    lines.append(f"    _s{stream}.use()")
                    current = stream
                lines.extend(f"    _s{stream}.wait_event(_e{e})" for e in lanes.waits[step])
            placed = host_inputs is AS_PLACED
            args = [want(t, "v" if (t in host if placed else i in host_inputs) else "d")
                    for i, t in enumerate(data_inputs(op))]
            form = "d"
        outs = [f"{form}{schedule.slots[t]}" for t in op.outputs]
        for t in op.outputs:
            forms[schedule.slots[t]] = {form}
        line_to_op[emit_call(lines, fn_name, ", ".join(args), outs, branches.of(op))] = op
        if multi and lanes.records[step] is not None:
            lines.append(f"    _e{lanes.records[step]}.record(_s{stream})")
        for slot in schedule.last_use.get(step, ()):
            names = [f"{f}{slot}" for f in sorted(forms.get(slot, ()))]
            if names and slot not in lanes.kept:
                lines.append("    del " + ", ".join(names))
                forms[slot] = set()
    if multi and current != 0:
        lines.append("    _s0.use()")
    fetched, fetch_forms = [], []
    for fetch, slot in zip(schedule.fetches, schedule.fetch_slots):
        have = forms.get(slot, set()) if slot is not None else set()
        # a value the host computed is fetched as that, not as its upload (a loop's counter)
        form = None if slot is None else "v" if fetch in host and "v" in have \
            else "d" if "d" in have else "v"
        fetch_forms.append(form)
        fetched.append("None" if form is None else branch_checked(schedule, slot, env, form))
    body, filename = finish(lines, fetched, env, "cuda-plan")
    return body, filename, line_to_op, fetch_forms


class CudaTracer:
    """Times a run: device ops by CUDA events on their stream, host ops on the host clock.
    collect() (after the run, which it waits for) gives (op, where, start, end) records in
    seconds on the host clock, GPU times placed relative to an origin event."""

    def __init__(self, cupy):
        self.cupy = cupy
        self.host, self.device = [], []
        self.origin = None

    def start(self):
        """Call with the run's first stream current, before anything is launched."""
        self.origin = (self.cupy.cuda.Event(), time.perf_counter())
        self.origin[0].record()

    def wrap(self, op, fn, stream=None):
        cuda = self.cupy.cuda
        if stream is None:
            records = self.host

            def timed_host(*args):
                start = time.perf_counter()
                try:
                    return fn(*args)
                finally:
                    records.append((op, "host", start, time.perf_counter()))
            return timed_host
        device_records, where = self.device, f"gpu:stream {stream}"

        def timed_device(*args):
            begin, end = cuda.Event(), cuda.Event()
            begin.record()
            try:
                return fn(*args)
            finally:
                end.record()
                device_records.append((op, where, begin, end))
        return timed_device

    def collect(self):
        records, self.host = self.host, []
        if self.device:
            origin, at = self.origin
            elapsed = self.cupy.cuda.get_elapsed_time
            for op, where, begin, end in self.device:
                end.synchronize()
                start = at + elapsed(origin, begin) / 1e3
                records.append((op, where, start, start + elapsed(begin, end) / 1e3))
            self.device = []
        return records
