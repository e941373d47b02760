"""A null CUDA device for CPU tests of the CUDA backend's plans (streams, events, capture,
replay, feeds, fetches, variable buffers): the logic above the kernels, not the kernels.

"Device" arrays are NumPy arrays of a subclass with CuPy's get()/set(); every kernel is the
op's NumPy implementation (state, random and optimizer ops keep their CUDA binders over
NumPy stand-ins of their launchers). Like CuPy's arrays they refuse NumPy math outside a
kernel (only shape, size and ndim work), so host code that forgets a download fails here. Streams keep vector clocks, so a test can check that each launch
and each host read is ordered after the launches that made its inputs. A capture records
every launch as a thunk over fixed buffers, and a replay reruns the thunks into the same
buffers, as a CUDA graph would. `install(monkeypatch)` swaps it in for CuPy.
"""
import contextlib
import itertools
import os
import types

import numpy as np
import pytest

from tf0.ops.train_ops import UPDATES

_ids = itertools.count()


class DeviceArray(np.ndarray):
    """A "device" array. `made` is (stream id, launch number) of the launch that wrote it."""

    def __array_finalize__(self, obj):
        self.made = getattr(obj, "made", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # CuPy refuses NumPy math on device arrays; only the null device's kernels may.
        if not RUNTIME.in_kernel:
            raise TypeError(f"NumPy {ufunc.__name__} on a device array outside a kernel "
                            f"(host code must download it first)")
        inputs = [x.view(np.ndarray) if isinstance(x, DeviceArray) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, DeviceArray) else o
                                  for o in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if not RUNTIME.in_kernel and func not in (np.shape, np.size, np.ndim):  # metadata
            raise TypeError(f"NumPy {func.__name__} on a device array outside a kernel "
                            f"(host code must download it first)")
        return super().__array_function__(func, types, args, kwargs)

    @property
    def data(self):
        """CuPy's MemoryPointer, as far as plans read it: the address."""
        return types.SimpleNamespace(ptr=self.ctypes.data)

    @property
    def __cuda_array_interface__(self):
        return {"shape": self.shape, "typestr": self.dtype.str, "version": 3,
                "data": (self.ctypes.data, False), "strides": None}

    def get(self, stream=None, order="C", out=None, blocking=True):
        RUNTIME.refuse_in_capture("a device-to-host copy")
        RUNTIME.check_ordered(self, RUNTIME.current)
        host = np.array(self.view(np.ndarray), copy=True)
        if out is None:
            return host
        np.copyto(out, host)
        return out

    def set(self, arr, stream=None):
        RUNTIME.refuse_in_capture("a host-to-device copy")
        np.copyto(self.view(np.ndarray), arr)
        RUNTIME.mark(self, stream or RUNTIME.current)


def to_device(value):
    # C-contiguous, as every kernel's output is (a view of it is then a view, as on a GPU)
    return np.array(value, copy=True, order="C").view(DeviceArray)


def _upload(value, dtype=None):
    if isinstance(value, DeviceArray):
        return value
    RUNTIME.refuse_in_capture("a host-to-device copy")
    return to_device(value)


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.clock = {}

    def record(self, stream=None):
        self.clock = dict((stream or RUNTIME.current).clock)

    def synchronize(self):
        pass

    done = True  # the null device has finished everything it was given


class Stream:
    def __init__(self, null=False, non_blocking=False):
        self.id = next(_ids)
        self.ptr = self.id + 100
        self.clock = {self.id: 0}

    def use(self):
        RUNTIME.current = self
        return self

    def __enter__(self):
        RUNTIME.stack.append(RUNTIME.current)
        RUNTIME.current = self
        return self

    def __exit__(self, *exc):
        RUNTIME.current = RUNTIME.stack.pop()

    def record(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def wait_event(self, event):
        for s, n in event.clock.items():
            self.clock[s] = max(self.clock.get(s, 0), n)

    def synchronize(self):
        pass

    def begin_capture(self, mode=None):
        assert RUNTIME.thunks is None, "nested capture"
        RUNTIME.thunks = []
        RUNTIME.captures += 1

    def end_capture(self):
        thunks, RUNTIME.thunks = RUNTIME.thunks, None
        return Graph(thunks, dict(self.clock))


class Graph:
    """A captured graph; `clock` is what the capturing stream had waited for by the end of
    the capture, so a stream launching the graph is ordered after all of its launches."""

    def __init__(self, thunks, clock):
        self.thunks, self.clock = thunks, clock

    def launch(self, stream=None):
        RUNTIME.replays += 1
        for thunk in self.thunks:
            thunk()
        stream = stream or RUNTIME.current
        for s, n in self.clock.items():
            stream.clock[s] = max(stream.clock.get(s, 0), n)


class Runtime:
    """Launch log and stream state of the null device."""

    def __init__(self):
        self.caller = Stream()
        self.current = self.caller
        self.stack = []
        self.thunks = None
        self.captures = self.replays = 0
        self.launches = []  # (op type, stream id)
        self.in_kernel = False

    @contextlib.contextmanager
    def kernel(self):
        """NumPy may run on device arrays inside (a kernel's body)."""
        saved, self.in_kernel = self.in_kernel, True
        try:
            yield
        finally:
            self.in_kernel = saved

    def refuse_in_capture(self, what):
        """CUDA refuses synchronous copies from pageable memory while a stream captures."""
        if self.thunks is not None:
            raise RuntimeError(f"{what} is not permitted while a stream is capturing")

    def mark(self, array, stream):
        stream.clock[stream.id] += 1
        array.made = (stream.id, stream.clock[stream.id])

    def check_ordered(self, array, stream):
        made = getattr(array, "made", None)
        if made is not None:
            assert stream.clock.get(made[0], 0) >= made[1], \
                f"stream {stream.id} reads a value of stream {made[0]} before it is ordered"

    def launch(self, name, fn, args, outputs_of):
        """Run a kernel (fn over args) on the current stream, checking its inputs are ready;
        under capture, also keep it as a thunk that recomputes into the same outputs."""
        stream = self.current
        for a in args:
            if isinstance(a, DeviceArray):
                self.check_ordered(a, stream)
        self.launches.append((name, stream.id))
        with np.errstate(all="ignore"), self.kernel():  # inf and NaN are results, as in NumPy
            result = fn(*args)
        outs = outputs_of(result)
        for o in outs:
            self.mark(o, stream)
        if self.thunks is not None:
            def thunk():
                with np.errstate(all="ignore"), self.kernel():
                    news = outputs_of(fn(*args))
                for o, new in zip(outs, news):
                    np.copyto(o.view(np.ndarray), np.asarray(new))
            self.thunks.append(thunk)
        return result


RUNTIME = Runtime()


def _as_outputs(result):
    if result is None:
        return ()
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _numpy_kernel(op, ctx):
    """The op's NumPy implementation as a device kernel with device-array outputs."""
    fn = op.op_def.numpy(op, ctx)

    def on_device(*args):
        result = fn(*args)
        if isinstance(result, (tuple, list)):
            return tuple(to_device(r) for r in result)
        return None if result is None else to_device(result)

    return lambda *args: RUNTIME.launch(op.type, on_device, args, _as_outputs)


def _matmul(op, ctx):
    """MatMul's NumPy implementation, applying relu when the plan fused a Relu into it
    (cuda_backend.relu_epilogues) as the kernel does."""
    fn = op.op_def.numpy(op, ctx)
    relu = op in ctx.relu_products

    def on_device(a, b):
        out = fn(a, b)
        return to_device(np.maximum(out, 0).astype(out.dtype, copy=False) if relu else out)

    return lambda a, b: RUNTIME.launch(op.type, on_device, (a, b), _as_outputs)


def _view_op(op, ctx):
    """Ops that launch nothing (sources and views): no stream, no ordering, no thunk."""
    fn = op.op_def.numpy(op, ctx)

    def on_device(x):
        return x if isinstance(x, DeviceArray) else to_device(x)

    def run(*args):
        with RUNTIME.kernel():  # a view is made on the device too
            result = fn(*args)
        return tuple(map(on_device, result)) if isinstance(result, tuple) else on_device(result)
    return run


def _copy(x, out=None):
    def run(x):
        dst = to_device(np.empty(x.shape, x.dtype)) if out is None else out
        np.copyto(dst.view(np.ndarray), x)
        return dst
    return RUNTIME.launch("copy", run, (x,), _as_outputs)


class _SegmentCopy:
    """launch_array.SegmentCopy on the null device: the sources are kept, not addressed, so
    the launch checks that each is ordered before it."""

    def __init__(self, sources, offsets):
        RUNTIME.refuse_in_capture("uploading a segment table")
        self.sources, self.offsets = sources, offsets

    def __call__(self, dst):
        def run(dst, *sources):
            flat = dst.view(np.ndarray)
            for x, offset in zip(sources, self.offsets):
                flat[offset:offset + x.nbytes] = x.view(np.ndarray).reshape(-1).view(np.uint8)
            return dst
        return RUNTIME.launch("copy_segments", run, (dst, *self.sources), _as_outputs)


def _binary(code, a, b, err, op_id, param=0.0, out=None):
    def run(a, b):
        value = getattr(np, code)(a.view(np.ndarray), b.view(np.ndarray))
        dst = to_device(np.empty(value.shape, value.dtype)) if out is None else out
        np.copyto(dst.view(np.ndarray), value)
        return dst
    return RUNTIME.launch("binary", run, (a, b), _as_outputs)


def _join(numpy_join, pieces, dtype):
    """The stack or concat kernel: `pieces` joined into a new device array."""
    def run(*pieces):
        return to_device(numpy_join([np.asarray(p.view(np.ndarray)) for p in pieces])
                         .astype(dtype.np))
    return RUNTIME.launch("join", run, tuple(pieces), _as_outputs)


_UPDATE_BY_KERNEL = {kernel: update for update, _, kernel in UPDATES.values()}


def _apply(kernel, state, grad, scalars, nesterov=None, outs=None):
    outs = list(outs or [None] * len(state))
    outs = [to_device(np.empty(s.shape, s.dtype)) if o is None else o for s, o in zip(state, outs)]
    extra = {} if nesterov is None else {"use_nesterov": nesterov}
    dtype = state[0].dtype.type

    def run(*arrays):
        new = _UPDATE_BY_KERNEL[kernel](*(a.view(np.ndarray) for a in arrays[:len(state) + 1]),
                                        *(dtype(s) for s in arrays[len(state) + 1:]), **extra)
        for o, n in zip(outs, new):
            np.copyto(o.view(np.ndarray), n)
        return tuple(outs)
    return list(RUNTIME.launch("apply", run, (*state, grad, *scalars), _as_outputs))


def _draw(kind, shape, dtype, key, run, run_at=None):
    from tf0.ops import philox
    draw = {"random_uniform": philox.uniform, "random_normal": philox.normal,
            "truncated_normal": philox.truncated_normal}[kind]

    def run_kernel():
        counter = run + (int(run_at[0]) if run_at is not None else 0)
        return to_device(draw(tuple(shape), np.dtype(dtype).type, key, counter))
    return RUNTIME.launch(kind, run_kernel, (), _as_outputs)


def _draw_int(shape, dtype, key, run, lo, hi, run_at=None):
    from tf0.ops import philox

    def run_kernel():
        counter = run + (int(run_at[0]) if run_at is not None else 0)
        return to_device(philox.uniform_int(tuple(shape), np.dtype(dtype).type, key, counter,
                                            lo, hi))
    return RUNTIME.launch("random_int", run_kernel, (), _as_outputs)


def _cupy_module():
    cuda = types.SimpleNamespace(
        Stream=Stream, Event=Event, Graph=Graph, Device=contextlib.nullcontext,
        get_current_stream=lambda: RUNTIME.current,
        get_elapsed_time=lambda a, b: 0.0,
        MemoryPool=lambda: types.SimpleNamespace(malloc=None),
        using_allocator=lambda malloc=None: contextlib.nullcontext())
    return types.SimpleNamespace(
        cuda=cuda, ndarray=DeviceArray,
        asarray=_upload,
        from_dlpack=lambda x: to_device(np.from_dlpack(x)),
        empty=lambda shape, dtype=np.float32: to_device(np.zeros(shape, dtype)),
        zeros=lambda shape, dtype=np.float32: to_device(np.zeros(shape, dtype)))


def install(monkeypatch):
    """Make every new Session run on the null device; returns the fresh Runtime. Skips
    the test when the CPU suite runs on a GPU (TF0_TEST_ON_GPU=1): its NumPy references
    would run there too."""
    global RUNTIME
    if os.environ.get("TF0_TEST_ON_GPU") == "1":
        pytest.skip("a null-device test; the CPU suite runs it")
    from tf0.kernels import device, launch_array, launch_elementwise, loader
    from tf0.session import cuda_backend, cuda_ops, cuda_plan
    from tf0.session.staging import DeviceStager
    RUNTIME = Runtime()
    fake = _cupy_module()
    monkeypatch.setattr(device, "cupy", lambda: fake)
    monkeypatch.setattr(device, "_CACHE", {})
    monkeypatch.setattr(device, "slot_views", device.host_slot_views)  # NumPy views
    monkeypatch.setattr(device, "memory_refs", device.host_memory_refs)  # NumPy arrays
    monkeypatch.setattr(loader, "start", lambda: None)
    # sessions whose config asks for no GPU still run on NumPy: the references of the tests
    monkeypatch.setattr(cuda_backend, "available", lambda: True)
    monkeypatch.setattr(cuda_plan.CudaPlan, "_pinned",
                        lambda self, shape, dtype: np.empty(shape, dtype))
    monkeypatch.setattr(launch_elementwise, "copy", _copy)
    monkeypatch.setattr(launch_array, "SegmentCopy", _SegmentCopy)
    from tf0.session.streams import NO_LAUNCH, WRITERS
    state_ops = {"VariableV2", "ReadVariable", *WRITERS, *cuda_ops.RANDOM_OPS,
                 *cuda_ops.LOOP_OPS, *cuda_ops.LIST_OPS,
                 "ScalarSummary", "HistogramSummary", "ImageSummary", "MergeSummary",
                 "TensorSummary"}  # bytes
    binders = {t: ((b, h) if t in state_ops else (_view_op if t in NO_LAUNCH else _numpy_kernel, h))
               for t, (b, h) in cuda_ops.BINDERS.items()}
    binders["MatMul"] = (_matmul, binders["MatMul"][1])
    monkeypatch.setattr(cuda_ops, "BINDERS", binders)
    monkeypatch.setattr(cuda_backend, "BINDERS", binders)
    monkeypatch.setattr(cuda_ops, "E", types.SimpleNamespace(
        copy=_copy, binary=_binary, broadcast_shape=launch_elementwise.broadcast_shape,
        cast=lambda x, dtype: to_device(x.astype(dtype))))
    monkeypatch.setattr(cuda_ops, "OPT", types.SimpleNamespace(apply=_apply))
    monkeypatch.setattr(cuda_ops, "RND", types.SimpleNamespace(draw=_draw, uniform_int=_draw_int))
    monkeypatch.setattr(cuda_backend.CudaPlanContext, "stack", lambda self, rows, dtype, shape: (
        _join(np.stack, rows, dtype) if rows
        else to_device(np.zeros((0, *shape.as_list()), dtype.np))))
    monkeypatch.setattr(cuda_backend.CudaPlanContext, "concat", lambda self, rows, dtype, shape: (
        _join(np.concatenate, rows, dtype) if rows
        else to_device(np.zeros((0, *shape.as_list()), dtype.np))))
    monkeypatch.setattr(cuda_ops, "stager", lambda dataset, captured: DeviceStager(
        dataset.iterate(captured), fake, np.empty))
    return RUNTIME
