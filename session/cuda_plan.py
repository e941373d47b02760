"""A CUDA execution plan: direct launch, CUDA-graph capture and replay.

Direct launch runs the plan's generated body op by op on the caller's current stream. With
CUDA graphs (the default), the first run of each key — the feed shapes, and the values of
the keyed feeds (session/capture.py) — launches directly (it compiles what is missing and
warms the caches), the second is captured as a CUDA graph on the session's streams and
every later run replays it: the feeds it copies in go into one block of device memory
(session/input_block.py), host values through one pinned buffer in one copy; after each
replay one kernel packs its fetches into one block (session/fetch_block.py): a device
block, or one downloaded into a pinned buffer, whose slices the user gets (fresh, or one of
the last runs' when the user holds nothing of it). A device-array feed whose memory was
the same in the run before the capture is read by the graph in place (no copy); the graph
then also keys on that address, and a feed that moves later is copied from then on (one
more capture).

A graph points at fixed memory, so:
- intermediates come from a memory pool private to the graph, reused by liveness during the
  capture in stream order (values read across streams are kept to the end, StreamPlan.kept);
- a graph is keyed by the feed shapes, the keyed feeds' values and the identity of every
  variable array it reads;
- variables keep TF1's out-of-place semantics by ping-pong: each written variable has two
  buffers, the graph reads the current one and writes the other; the run commits the other
  only when it succeeds, so a failed run changes no variable.
"""
import operator

import numpy as np

from tf0.kernels import launch_elementwise as E
from tf0.engine import dtypes
from tf0.ops.data_ops import next_element
from tf0.ops.queue_ops import RUN

from .capture import capture_blocker, keyed_feeds
from .cuda_backend import CudaPlanContext, CudaTracer, RandomCounters, compile_body, placement
from .cuda_ops import RANDOM_OPS
from .fetch_block import PINNED_FETCH_BYTES, FetchBlock, packable
from .input_block import InputBlock
from .plan import Schedule, _to_user, _to_user_copy
from .streams import (WRITERS, assign_streams, host_read_feeds, single_stream,
                      variables_touched)

MAX_GRAPHS = 4  # graphs kept per plan (feed shapes x variable buffers), least recent dropped
MAX_KEYED_VALUES = 16  # values of the keyed feeds a plan captures graphs for


def variables_of(schedule):
    """(read, written): the variables (VariableV2 ops) whose arrays the plan reads, and the
    ones it writes, each in first-use order."""
    read, written = [], []
    for op in schedule.ops:
        touched = variables_touched(op)
        read.extend(v for v in touched if v not in read)
        if op.type in WRITERS:
            written.extend(v for v in touched if v not in written)
    return read, written


def write_buffers(pairs, variable, current, cupy):
    """The buffer a graph writes `variable` into: of its two buffers, the one that does not
    hold the current value `current`. `pairs` maps a variable to its two buffers."""
    pair = pairs.get(variable)
    if pair is None or pair[0].shape != current.shape or pair[0].dtype != current.dtype:
        pair = pairs[variable] = [current, cupy.empty(current.shape, current.dtype)]
    return pair[1] if current is pair[0] else pair[0]


class _Graph:
    """One captured graph: its key, what it reads and writes, and the memory it points at."""
    __slots__ = ("shapes", "variables", "inputs", "bound", "copied", "counters_pinned",
                 "staged", "staging", "graph", "pool", "refs", "raw", "fetches", "writes",
                 "draws")

    def matches(self, shapes, variables, addresses):
        """Same key, and every feed the graph reads in place at the same address (same_key
        written out: this runs before every replay)."""
        return self.shapes == shapes and all(map(operator.is_, self.variables, variables)) \
            and (not self.bound or all(addresses.get(i) == address
                                       for i, address in self.bound.items()))

    def same_key(self, shapes, variables):
        return self.shapes == shapes and all(map(operator.is_, self.variables, variables))


class CudaPlan:
    """run(feeds) -> fetched values (NumPy, or CuPy arrays with fetch_device_arrays).

    launch: how the last run went ("direct", "capture", "replay"); reason: why the plan is
    not captured ("" when it is)."""

    def __init__(self, schedule, state, device, trace=False, fetch_device_arrays=False):
        self.state, self.device, self.cupy = state, device, device.cupy
        self.fetch_device = fetch_device_arrays
        host = placement(schedule)
        self.fresh = [s is not None and schedule.tensors[s] in schedule.fresh
                      for s in schedule.fetch_slots]
        self.tracer = CudaTracer(self.cupy) if trace else None
        ctx = CudaPlanContext(state, schedule, device, tracer=self.tracer)
        self.lanes = assign_streams(schedule, host, device.num_streams) if trace \
            else single_stream(schedule)
        self.body, filename, line_to_op, self.forms = compile_body(
            schedule, ctx, host, self.lanes, tracer=self.tracer)
        self.bodies = [(filename, line_to_op), *ctx.bodies]  # where a line names its op
        self.uses_error_flag = ctx.uses_error_flag
        self.host_feeds = host_read_feeds(schedule, host)
        self.launch = None
        self._events = [self.cupy.cuda.Event(disable_timing=True) for _ in range(2)]
        # Iterators run on the host before each run, and dequeues took their rows before it
        # (queue_ops.PRE_RUN): their elements enter the graph like feeds (strings, which
        # never go to the device, keep their iterator or dequeue in the plan, which then
        # runs directly).
        self.prologue = [op for op in schedule.ops
                         if op.type in ("IteratorGetNext", "QueueDequeue")
                         and not any(t.dtype is dtypes.string for t in op.outputs)]
        graph_schedule, self.keyed = schedule, []
        if not device.cuda_graphs:
            self.reason = "CUDA graphs are off (GPUOptions(cuda_graphs=False) or " \
                          "TF0_CUDA_GRAPHS=0)"
        elif trace:
            self.reason = "traced runs launch op by op"
        elif any(op.type == "MakeIterator" for op in schedule.ops):
            self.reason = "the plan starts a dataset iterator"
        else:
            if self.prologue:
                elements = [t for op in self.prologue for t in op.outputs]
                graph_schedule = Schedule(schedule.fetches, list(schedule.feeds) + elements)
            self.keyed = keyed_feeds(graph_schedule)
            graph_host = placement(graph_schedule, host_feeds=[
                graph_schedule.feeds[i] for i in self.keyed])
            self.reason = capture_blocker(graph_schedule, graph_host)
        if self.reason is None:
            self.graph_lanes = assign_streams(graph_schedule, graph_host, device.num_streams)
            # a slot per random op the graph may run, loop bodies included
            slots = sum(op.type in RANDOM_OPS
                        for op in graph_schedule.ops[0].graph.get_operations())
            self.counters = RandomCounters(self.cupy, slots) if slots else None
            gctx = CudaPlanContext(state, graph_schedule, device, self.counters, capturing=True)
            self.graph_body, filename, line_to_op, self.graph_forms = compile_body(
                graph_schedule, gctx, graph_host, self.graph_lanes, static_feeds=True)
            self.bodies += [(filename, line_to_op), *gctx.bodies]  # loop plans' too
            self.uses_error_flag = self.uses_error_flag or gctx.uses_error_flag
            self.read_vars, self.written_vars = variables_of(graph_schedule)
            self.written_set = frozenset(self.written_vars)
            self.graphs, self.warm, self.pairs = [], set(), {}
            self.addresses, self.moved = {}, set()  # of device-array feeds (see _capture)
            self.values_seen = set()  # of the keyed feeds

    # ---- running ---------------------------------------------------------------------------
    def run(self, feeds):
        caller = self.cupy.cuda.get_current_stream()
        self.device.follow(caller)
        if self.host_feeds:  # fed device arrays that the plan reads on the host
            feeds = list(feeds)
            for i in self.host_feeds:
                if hasattr(feeds[i], "get") and type(feeds[i]) is not np.ndarray:
                    feeds[i] = feeds[i].get()
        if self.reason is not None:
            return self._direct(feeds)
        inputs = feeds
        if self.prologue:
            elements = self._next_elements()
            if elements is None:  # an iterator not started yet: the plan starts it
                return self._direct(feeds)
            inputs = list(feeds) + elements
        shapes = tuple([(f.shape, f.dtype) for f in inputs])  # arrays or NumPy scalars
        if self.keyed:
            inputs, shapes = self._keyed(inputs, shapes)
            if shapes is None:
                return self._warm_up(inputs)
        previous, self.addresses = self.addresses, self._feed_addresses(feeds)
        variables = tuple(map(self.state.values.get, self.read_vars))
        graphs = self.graphs
        if graphs and graphs[-1].matches(shapes, variables, self.addresses):
            self.launch = "replay"  # the graph replayed last, most often
            return self._replay(graphs[-1], inputs, caller)
        if shapes not in self.warm:
            values = self._warm_up(inputs)
            self.warm.add(shapes)
            return values
        if not self.state.values.keys() >= self.written_set:
            return self._warm_up(inputs)  # a graph writes variables into buffers it keeps
        entry = next((g for g in graphs if g.matches(shapes, variables, self.addresses)), None)
        if entry is None:
            self._forget_moved_feeds(shapes, variables)
            bind = {i: a for i, a in self.addresses.items()
                    if previous.get(i) == a and i not in self.moved}
            try:
                entry = self._capture(shapes, variables, inputs, bind)
            except Exception as exc:
                return self._after_failed_capture(exc, inputs)
            self.launch = "capture"
            self.graphs.append(entry)
            if len(self.graphs) > MAX_GRAPHS:
                self.graphs.pop(0)
        else:
            self.launch = "replay"
            self.graphs.remove(entry)  # most recently used last
            self.graphs.append(entry)
        return self._replay(entry, inputs, caller)

    def _keyed(self, inputs, shapes):
        """(inputs with the keyed feeds as host arrays, the graph key: shapes and those
        values), or (inputs, None) when this run is not to be captured: a keyed value too
        large to key by, or one of more than MAX_KEYED_VALUES seen (the plan then stops
        capturing and says why)."""
        inputs = list(inputs)
        values = []
        for i in self.keyed:
            value = inputs[i]
            value = inputs[i] = value.get() if hasattr(value, "get") and \
                type(value) is not np.ndarray else np.asarray(value)
            if value.size > 4096:
                return inputs, None
            values.append(value.tobytes())
        self.values_seen.add(tuple(values))
        if len(self.values_seen) > MAX_KEYED_VALUES:
            self.reason = f"the fed values that decide its launches took more than " \
                          f"{MAX_KEYED_VALUES} values"
            return inputs, None
        return inputs, shapes + tuple(values)

    def _next_elements(self):
        """The next element of every iterator the plan reads (device arrays staged by the
        iterator's thread) and the rows its dequeues took (host arrays), flat; None when an
        iterator has not been started."""
        from . import cuda_ops
        resources = self.state.resources
        if any(op.type == "IteratorGetNext" and op.attrs["iterator"] not in resources
               for op in self.prologue):
            return None
        elements = []
        for op in self.prologue:
            value = RUN.taken[op] if op.type == "QueueDequeue" else \
                next_element(op, resources, None, cuda_ops.stager)
            elements.extend(value if len(op.outputs) > 1 else [value])
        return elements

    def _warm_up(self, inputs):
        """A direct run of the graph body for a new input shape: it compiles and loads the
        kernels the capture will launch and fills the caches of launch metadata and
        constants, so that the capture itself copies nothing from the host."""
        cupy = self.cupy
        args = [x if i in self.keyed else cupy.asarray(x)
                if type(x) is np.ndarray or np.isscalar(x) else x for i, x in enumerate(inputs)]
        counters = self.counters
        if counters is None:
            return self._launch(self.graph_body, self.graph_lanes, self.graph_forms, args)
        if counters.next_runs:
            counters.used().set(counters.peek())
        counters.start()
        try:
            return self._launch(self.graph_body, self.graph_lanes, self.graph_forms, args)
        finally:  # the session's counters move on by the draws made, as op by op
            counters.advance(counters.draws)

    def _direct(self, feeds):
        return self._launch(self.body, self.lanes, self.forms, feeds)

    def _launch(self, body, lanes, forms, args):
        """Run `body` op by op: on the caller's stream, or forked over the plan's streams."""
        self.launch = "direct"
        if len(lanes.used) == 1:
            if self.tracer is not None:
                self.tracer.start()
            return self._finish(body(args), forms, None)
        s0, caller = self.device.streams(1)[0], self.cupy.cuda.get_current_stream()
        with s0:
            self._enter(caller, s0)
            try:
                self._spread(s0, lanes)
                if self.tracer is not None:
                    self.tracer.start()
                try:
                    raw = body(args)
                finally:
                    self._gather(s0, lanes)
                return self._finish(raw, forms, None)
            finally:
                self._exit(caller, s0)

    def _after_failed_capture(self, exc, inputs):
        """A capture failed: launch directly. If that fails too the error was the user's
        (reported as usual, capture is tried again next run); else the plan stays direct."""
        if self.state.pending:
            self.state.pending.clear()
        values = self._warm_up(inputs)
        self.reason = f"capture failed: {type(exc).__name__}: {exc}"
        return values

    def _enter(self, caller, s0):
        """Order stream 0 after the work already queued on the caller's stream."""
        self._events[0].record(caller)
        s0.wait_event(self._events[0])

    def _exit(self, caller, s0):
        """Order the caller's later work after the plan's."""
        self._events[1].record(s0)
        caller.wait_event(self._events[1])

    def _spread(self, s0, lanes):
        """Order the plan's other streams after what stream 0 has queued so far."""
        if len(lanes.used) > 1:
            streams = self.device.streams(max(lanes.used) + 1)
            fork = s0.record(self.cupy.cuda.Event(disable_timing=True))
            for s in lanes.used[1:]:
                streams[s].wait_event(fork)

    def _gather(self, s0, lanes):
        """Order stream 0 after the plan's other streams and make it current again."""
        streams = self.device.streams(max(lanes.used) + 1)
        for s in lanes.used[1:]:
            s0.wait_event(streams[s].record(self.cupy.cuda.Event(disable_timing=True)))
        s0.use()

    def _feed_addresses(self, feeds):
        """{feed index: device address} of the fed device arrays the graph may read in
        place (keyed feeds are host values; dataset elements are not feeds: their
        staging buffers are the iterator's)."""
        device_array = self.cupy.ndarray
        return {i: x.data.ptr for i, x in enumerate(feeds)
                if type(x) is device_array and i not in self.keyed and x.size}

    def _forget_moved_feeds(self, shapes, variables):
        """Drop the graphs of this key that read a feed in place at another address, and
        copy those feeds from now on."""
        for g in [g for g in self.graphs if g.same_key(shapes, variables)]:
            moved = {i for i, a in g.bound.items() if self.addresses.get(i) != a}
            if moved:
                self.moved |= moved
                self.graphs.remove(g)

    def _capture(self, shapes, variables, feeds, bind):
        """Capture the graph body as a CUDA graph; the feeds indexed in `bind` are read in
        place (the graph keeps them alive), the others through input buffers of its own."""
        from tf0.kernels.device import keeping
        cupy = self.cupy
        entry = _Graph()
        entry.shapes, entry.variables, entry.bound = shapes, variables, bind
        # the feeds a replay copies in (the others are keyed, read in place or empty)
        copied = [i for i, feed in enumerate(feeds)
                  if i not in self.keyed and i not in bind and np.size(feed)]
        entry.copied = InputBlock(feeds, copied, cupy) if copied else None
        entry.inputs = [entry.copied.arrays[i] if i in copied
                        else feed if i in self.keyed or i in bind
                        else cupy.empty(np.shape(feed), feed.dtype)
                        for i, feed in enumerate(feeds)]
        entry.counters_pinned = None
        entry.staged, entry.staging = cupy.cuda.Event(disable_timing=True), False
        state, pool, refs = self.state, cupy.cuda.MemoryPool(), []
        current = dict(zip(self.read_vars, variables))
        s0, caller = self.device.streams(1)[0], cupy.cuda.get_current_stream()
        with s0:
            self._enter(caller, s0)  # the replay orders itself again; this is for the capture
            state.targets = {v: write_buffers(self.pairs, v, current[v], cupy)
                             for v in self.written_vars}
            try:
                with cupy.cuda.using_allocator(pool.malloc), keeping(refs):
                    s0.begin_capture()
                    raw = None
                    try:
                        self._spread(s0, self.graph_lanes)
                        if self.counters is not None:
                            self.counters.start()
                        raw = self.graph_body(entry.inputs)
                    finally:
                        try:
                            self._gather(s0, self.graph_lanes)
                        finally:
                            graph = s0.end_capture()
            finally:
                state.targets = {}
        entry.graph, entry.pool, entry.refs, entry.raw = graph, pool, refs, raw
        entry.fetches = self._pack(raw)
        entry.writes = dict(state.pending or {})
        entry.draws = list(self.counters.draws) if self.counters is not None else []
        if state.pending:
            state.pending.clear()
        return entry

    def _pack(self, raw):
        """The FetchBlock that hands out the graph's device fetches (None if there are none
        or, for host fetches, more than PINNED_FETCH_BYTES)."""
        indices = packable(raw, self.graph_forms, self.cupy.ndarray)
        if not indices or not self.fetch_device and \
                sum(raw[k].nbytes for k in indices) > PINNED_FETCH_BYTES:
            return None
        return FetchBlock(raw, indices)

    def _replay(self, entry, feeds, stream):
        """Launch a captured graph on the caller's `stream`: work the caller queued before
        this run comes first and work it queues later comes after, with no events."""
        if entry.copied or self.counters is not None:
            self._stage(entry, feeds, stream)
        entry.graph.launch(stream)
        if self.state.pending is not None:
            self.state.pending.update(entry.writes)
        return self._finish(entry.raw, self.graph_forms, entry)

    def _stage(self, entry, feeds, stream):
        """Copy the feeds, and the random ops' run counters, into the graph's input buffers
        on `stream` (host values via pinned memory, reused once the previous copies are
        done)."""
        if entry.staging:
            entry.staged.synchronize()  # the pinned buffers are free again
        staging = entry.copied is not None and entry.copied.stage(feeds, stream, self._pinned)
        if self.counters is not None:
            first = self.counters.advance(entry.draws)
            if entry.counters_pinned is None:
                entry.counters_pinned = self._pinned(first.shape, first.dtype)
            np.copyto(entry.counters_pinned, first)
            self.counters.used().set(entry.counters_pinned, stream=stream)
            staging = True
        if staging:
            entry.staged.record(stream)
        entry.staging = staging

    def _finish(self, raw, forms, entry):
        """Check the kernel error flag, then turn raw values into what the user gets: for a
        replayed graph, device values come from its FetchBlock in one copy, to the device
        or into a pinned buffer (fresh, or the last run's when the user holds nothing of
        it), with one wait for all."""
        if self.uses_error_flag:
            self.device.check_errors()
        packed, waiting = {}, False
        block = entry.fetches if entry is not None else None
        if block is not None:
            if self.fetch_device:
                packed = block.to_device(self.cupy)
                if len(packed) == len(raw):  # every fetch is in the block (in fetch order)
                    return tuple(packed.values())
            else:
                packed = block.to_host(self.cupy, self._pinned)
                waiting = True
        out, device_array = [], self.cupy.ndarray
        for k, (x, form) in enumerate(zip(raw, forms)):
            on_host = not isinstance(x, device_array)
            if k in packed:
                out.append(packed[k])
            elif form is None:
                out.append(None)
            elif self.fetch_device:
                out.append(self._device_fetch(x, on_host, self.fresh[k] and entry is None))
            elif on_host:  # a graph returns the same host arrays every run: copies
                out.append(_to_user(x) if self.fresh[k] and entry is None else _to_user_copy(x))
            elif entry is None or x.nbytes > PINNED_FETCH_BYTES:
                out.append(_to_user(x.get()))
            else:
                out.append(x.get(out=self._pinned(x.shape, x.dtype), blocking=False))
                waiting = True
        if waiting:
            self.cupy.cuda.get_current_stream().synchronize()
            out = [_to_user(x) for x in out]
        return tuple(out)

    def _pinned(self, shape, dtype):
        """A NumPy array in page-locked host memory (fast, truly asynchronous copies)."""
        import cupyx
        return cupyx.empty_pinned(shape, dtype)

    def _device_fetch(self, x, on_host, owned):
        """A fetch as a device array the user owns: host values are uploaded, values the
        plan or the session keeps (variables, graph buffers) are copied."""
        if on_host:
            return self.cupy.asarray(np.asarray(x))
        return x if owned else E.copy(x)
