"""Session: runs a graph's subgraphs with feeds and fetches; owns variable values."""
import threading

import numpy as np

from tf0.engine import errors
from tf0.engine.graph import (Operation, Tensor, default_session, get_default_graph,
                              register_internal_dir)

from tf0.ops.core import string_array
from tf0.ops.queue_ops import POST_RUN, PRE_RUN, RUN
from tf0.ops.sparse_ops import SparseTensor

from . import cuda_backend
from .fetches import fetch_key, flatten
from .config import GPUOptions, RunOptions
from .plan import Schedule, Tracer, compile_numpy, failing_op
from .state import SessionState

register_internal_dir(__file__)


class _Plan:
    __slots__ = ("run", "bodies", "rebuild", "feed_checks", "stateful",
                 "tracer", "peak_bytes", "cuda", "waits")


def _device_feed(value, tensor, device):
    """A fed device array (CuPy, or anything with __cuda_array_interface__ or DLPack) as a
    CuPy array on the CUDA backend (no copy), or as a NumPy array on the NumPy backend."""
    if device is not None:
        cp = device.cupy
    else:
        from tf0.kernels.device import cupy
        cp = cupy()
    arr = value if type(value) is cp.ndarray else cp.asarray(value) \
        if hasattr(value, "__cuda_array_interface__") else cp.from_dlpack(value)
    if arr.dtype != tensor.dtype.np:
        raise TypeError(f"Cannot feed a device array of dtype {arr.dtype} to tensor "
                        f"'{tensor.name}' of dtype {tensor.dtype.name} (device feeds are not "
                        f"converted)")
    if not arr.flags.c_contiguous:
        raise ValueError(f"Cannot feed a non-contiguous device array to '{tensor.name}'")
    return arr if device is not None else arr.get()


class _SparseKey(Exception):
    """A feed_dict key is a SparseTensor: the feeds are expanded and resolved again."""


def _expand_sparse_feeds(feed_dict):
    """feed_dict with each SparseTensor key replaced by its three component tensors, fed
    from a SparseTensorValue or an (indices, values, dense_shape) triple."""
    out = {}
    for key, value in feed_dict.items():
        if isinstance(key, SparseTensor):
            if not isinstance(value, (tuple, list)) or len(value) != 3:
                raise TypeError(f"A SparseTensor is fed a SparseTensorValue or an (indices, "
                                f"values, dense_shape) triple, got {type(value).__name__}")
            out.update(zip(key.components(), value))
        else:
            out[key] = value
    return out


def _is_device_array(value):
    return hasattr(value, "__cuda_array_interface__") or (
        hasattr(value, "__dlpack_device__") and value.__dlpack_device__()[0] == 2)  # kDLCUDA


def _feed_checker(tensor, device=None):
    """Convert a fed value to `tensor`'s dtype (TF1 rules) and check its static shape.
    Device arrays stay on the device on the CUDA backend (`device` is its CudaDevice)."""
    dtype = tensor.dtype.np
    dims = tensor.shape.dims
    kind = dtype.kind
    device_array = device.cupy.ndarray if device is not None else None
    fixed_shape = tuple(dims) if dims is not None and None not in dims else None

    def convert(value):
        if type(value) is np.ndarray and value.dtype == dtype:
            arr = value
        elif type(value) is device_array and value.dtype == dtype and value.flags.c_contiguous:
            arr = value  # a CuPy array, used as it is
        elif type(value) is device_array or _is_device_array(value):
            arr = _device_feed(value, tensor, device)
        elif kind == "O":  # strings: bytes (str is encoded as UTF-8)
            try:
                arr = string_array(value)
            except TypeError:
                raise TypeError(f"Cannot feed {value!r} to string tensor "
                                f"'{tensor.name}'") from None
        elif type(value) is float and kind == "f" or type(value) is int and kind in "iuf":
            try:
                arr = dtype.type(value)  # a Python number: a NumPy scalar of the fed dtype
            except OverflowError:
                raise TypeError(f"Cannot feed {value!r} to tensor '{tensor.name}': out of "
                                f"range for {tensor.dtype.name}") from None
        else:
            if hasattr(value, "_as_graph_element") or isinstance(value, (Tensor, Operation)):
                raise TypeError(f"The value of a feed cannot be a tf.Tensor object. Acceptable "
                                f"feed values include Python scalars, strings, lists, numpy "
                                f"ndarrays. (feeding {tensor.name})")
            raw = np.asarray(value)
            if raw.dtype.kind not in "biuf":
                raise TypeError(f"Cannot feed a value of type {raw.dtype} to tensor "
                                f"'{tensor.name}' of dtype {tensor.dtype.name}")
            arr = raw.astype(dtype, copy=False)
            if kind in "iu" and raw.dtype.kind == "f" and not np.array_equal(arr, raw):
                raise TypeError(f"Type of feed value {value!r} with dtype {raw.dtype} is not "
                                f"compatible with Tensor '{tensor.name}' of type "
                                f"{tensor.dtype.name} (it would lose its fractional part)")
            if kind == "b" and raw.dtype.kind != "b":
                raise TypeError(f"Cannot feed a {raw.dtype} value to bool tensor "
                                f"'{tensor.name}'")
        if dims is not None and arr.shape != fixed_shape:
            shape = arr.shape
            if len(shape) != len(dims) or any(d is not None and d != s
                                              for d, s in zip(dims, shape)):
                raise ValueError(f"Cannot feed value of shape {shape} for Tensor "
                                 f"'{tensor.name}', which has shape '{tensor.shape}'")
        return arr
    return convert


def use_gpu(config):
    """The CUDA backend runs when a GPU is usable, unless TF0_DEVICE=cpu or the config asks
    for no GPU (`ConfigProto(device_count={'GPU': 0})`)."""
    if config is not None and getattr(config, "device_count", {}).get("GPU", 1) == 0:
        return False
    return cuda_backend.available()


class Session:
    """`Session(target='', graph=None, config=None)`: a connection to run `graph`.

    `run(fetches, feed_dict=None, options=None, run_metadata=None)` evaluates the fetches
    (Tensors, Operations, names, Variables, or any nesting of lists/tuples/dicts of them)
    and returns values of the same structure; Operations give None.
    """

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config
        self._state = SessionState()
        self._plans = {}  # by fetch structure and fed tensors
        self._runs = {}  # the same plans by run()'s own fetch and feed keys
        self._feed_keys = {}
        self._lock = threading.RLock()
        self._closed = False
        self._default_ctx = None
        gpu_options = getattr(config, "gpu_options", None) or GPUOptions()
        self._device = cuda_backend.CudaDevice(gpu_options) if use_gpu(config) else None

    @property
    def backend(self):
        """'cuda' or 'numpy': where this session's ops run."""
        return "numpy" if self._device is None else "cuda"

    # ---- context management --------------------------------------------------------------
    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        """The session graph's GraphDef (tf0's JSON form, not TF1's protobuf)."""
        return self._graph.as_graph_def()

    @property
    def sess_str(self):
        return ""

    def as_default(self):
        return default_session(self)

    def __enter__(self):
        self._default_ctx = default_session(self)
        self._default_ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._default_ctx.__exit__(*exc)
        self._default_ctx = None
        self.close()

    def close(self):
        self._closed = True
        self._plans.clear()
        self._runs.clear()
        self._state.values.clear()
        for resource in self._state.resources.values():
            if hasattr(resource, "close"):  # stop background staging threads
                resource.close()
        self._state.resources.clear()

    def list_devices(self):
        devices = ["/job:localhost/replica:0/task:0/device:CPU:0"]
        if self._device is not None:
            devices.append("/job:localhost/replica:0/task:0/device:GPU:0")
        return devices

    # ---- running -------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        trace = run_metadata is not None and options is not None and \
            options.trace_level >= RunOptions.SOFTWARE_TRACE
        on_device = options is not None and getattr(options, "fetch_device_arrays", False)
        # the caller's own fetch structure and feed keys, as given: a repeated run finds its
        # plan without resolving names, Variables or Tensors again
        key = (fetch_key(fetches), tuple(feed_dict) if feed_dict else (), trace, on_device)
        plan = self._runs.get(key)
        if plan is None:
            plan, feed_dict = self._plan_for_feed_dict(fetches, feed_dict, trace, on_device,
                                                       key)
        arrays = [check(v) for check, v in zip(plan.feed_checks, feed_dict.values())] \
            if feed_dict else ()
        return plan.rebuild(self._execute(plan, arrays, run_metadata, trace))

    def _plan_for_feed_dict(self, fetches, feed_dict, trace, on_device, key):
        """(plan, feed_dict): the plan of a run() call keyed `key` in self._runs, and its
        feeds with every SparseTensor key expanded into its component tensors (such calls
        are not remembered in self._runs: their values are expanded on every call)."""
        if not feed_dict:
            plan = self._runs[key] = self._plan_for(fetches, (), trace, on_device)
            return plan, feed_dict
        try:
            feed_tensors = tuple(map(self._feed_tensor, feed_dict))
            sparse = False
        except _SparseKey:
            feed_dict = _expand_sparse_feeds(feed_dict)
            feed_tensors = tuple(map(self._feed_tensor, feed_dict))
            sparse = True
        plan = self._plan_for(fetches, feed_tensors, trace, on_device)
        if not sparse:
            self._runs[key] = plan
        return plan, feed_dict

    def _plan_for(self, fetches, feed_tensors, trace=False, on_device=False):
        key = (fetch_key(fetches), feed_tensors, trace, on_device)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build_plan(fetches, feed_tensors, trace, on_device)
            self._plans[key] = plan
        return plan

    def _execute(self, plan, arrays, run_metadata=None, trace=False):
        """Run a plan on checked feed arrays; commit its variable writes if it succeeds."""
        if plan.waits is not None:
            return self._execute_waiting(plan, arrays, run_metadata, trace)
        return self._execute_locked(plan, arrays, run_metadata, trace)

    def _execute_waiting(self, plan, arrays, run_metadata, trace):
        """A run with queue ops (ops/queue_ops.py): their waits happen outside the lock, so
        that other threads' runs go on meanwhile. Dequeues and reads take their rows first,
        enqueues put theirs after the run."""
        resources = self._state.resources
        pre, _ = plan.waits
        outer = getattr(RUN, "taken", None), getattr(RUN, "outbox", None)
        try:
            try:
                RUN.taken = {op: PRE_RUN[op.type](op, resources) for op in pre}
            except errors.OpError as exc:
                raise self._wrap_error(exc, plan) from None
            RUN.outbox = []
            values = self._execute_locked(plan, arrays, run_metadata, trace)
            try:
                for op, rows in RUN.outbox:
                    POST_RUN[op.type](op, resources, rows)
            except errors.OpError as exc:
                raise self._wrap_error(exc, plan) from None
            return values
        finally:
            RUN.taken, RUN.outbox = outer

    def _execute_locked(self, plan, arrays, run_metadata=None, trace=False):
        state = self._state
        with self._lock:
            if plan.stateful:
                state.pending = {}
            try:
                if self._device is None:
                    with np.errstate(all="ignore"):  # inf and NaN are results, as in TF1
                        values = plan.run(arrays)
                else:
                    values = plan.run(arrays)
            except Exception as exc:
                raise self._wrap_error(exc, plan) from None
            finally:
                pending, state.pending = state.pending, None
            if pending:
                state.values.update(pending)
            if run_metadata is not None:
                run_metadata.peak_bytes = plan.peak_bytes
                cuda = plan.cuda
                run_metadata.launch = "numpy" if cuda is None else cuda.launch
                run_metadata.launch_reason = "" if cuda is None else cuda.reason or ""
                if trace:
                    run_metadata.record(plan.tracer.collect())
        return values

    def _feed_tensor(self, key):
        if type(key) is Tensor:
            if key.graph is not self._graph:
                raise ValueError(f"Cannot feed {key.name}: it is not an element of this graph.")
            return key
        try:
            return self._feed_keys[key]
        except (KeyError, TypeError):
            pass
        if isinstance(key, SparseTensor):
            raise _SparseKey()
        if hasattr(key, "value") and hasattr(key, "_as_graph_element"):
            tensor = key.value()  # a Variable: feeding overrides its reads
        else:
            try:
                tensor = self._graph.as_graph_element(key, allow_operation=False)
            except (KeyError, TypeError, ValueError) as e:
                raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor: {e}") \
                    from None
        self._feed_keys[key] = tensor
        return tensor

    def _resolve_fetch(self, element):
        try:
            return self._graph.as_graph_element(element)
        except KeyError as e:
            raise ValueError(f"Fetch argument {element!r} cannot be interpreted as a Tensor. "
                             f"({e.args[0]})") from None
        except (TypeError, ValueError) as e:
            raise type(e)(f"Fetch argument {element!r} cannot be interpreted as a Tensor or "
                          f"Operation: {e}") from None

    def _build_plan(self, fetches, feed_tensors, trace=False, fetch_device_arrays=False):
        if len(set(feed_tensors)) != len(feed_tensors):
            twice = sorted({t.name for t in feed_tensors if feed_tensors.count(t) > 1})
            raise ValueError(f"feed_dict gives more than one value for {twice}")
        leaves, rebuild = flatten(fetches, self._resolve_fetch)
        schedule = Schedule(leaves, feed_tensors)
        plan = _Plan()
        plan.peak_bytes = schedule.peak_bytes()
        if self._device is None:
            if fetch_device_arrays:
                raise ValueError("RunOptions(fetch_device_arrays=True) needs the CUDA backend")
            plan.cuda = None
            plan.tracer = Tracer("numpy") if trace else None
            plan.run, plan.bodies = compile_numpy(schedule, self._state, plan.tracer)
        else:
            from .cuda_plan import CudaPlan
            plan.cuda = CudaPlan(schedule, self._state, self._device, trace, fetch_device_arrays)
            plan.tracer = plan.cuda.tracer
            plan.run, plan.bodies = plan.cuda.run, plan.cuda.bodies
        plan.rebuild = rebuild
        plan.feed_checks = [_feed_checker(t, self._device) for t in feed_tensors]
        plan.stateful = schedule.stateful
        pre = tuple(op for op in schedule.ops if op.type in PRE_RUN)
        post = any(op.type in POST_RUN for op in schedule.ops)
        plan.waits = (pre, post) if pre or post else None
        return plan

    def _wrap_error(self, exc, plan):
        op = failing_op(exc, plan.bodies) or getattr(exc, "op", None)
        where = f"\n\t [[{op.describe()}]]" if op is not None else ""
        if isinstance(exc, errors.OpError):
            cls, message = type(exc), exc.message
        elif isinstance(exc, MemoryError):
            cls, message = errors.ResourceExhaustedError, f"Out of memory: {exc}"
        else:
            cls, message = errors.InvalidArgumentError, f"{type(exc).__name__}: {exc}"
        if where in message:  # the op's own message names it already
            where = ""
        return cls(op.node_def if op is not None else None, op, message + where)

    def _load_variable(self, var_op, value):
        """Variable.load: set a value directly, checked against the variable's dtype/shape."""
        tensor = var_op.outputs[0]
        arr = np.array(_feed_checker(tensor)(value), copy=True)
        if self._device is not None:
            arr = self._device.cupy.asarray(arr)
        with self._lock:
            self._state.values[var_op] = arr

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function taking the feed values in feed_list order and returning run()'s
        result. The plan is made here, so a call only checks its feeds and runs it. With
        accept_options, `options=` and `run_metadata=` are taken too: options that only ask
        for device-array fetches keep the fast path (a plan of their own), anything else
        goes through run()."""
        sparse = [isinstance(k, SparseTensor) for k in feed_list or []]
        has_sparse = any(sparse)
        feed_list = [c for k in feed_list or []
                     for c in (k.components() if isinstance(k, SparseTensor) else [k])]
        feed_tensors = tuple(self._feed_tensor(k) for k in feed_list)
        plans = {False: self._plan_for(fetches, feed_tensors)}

        def call(*values, options=None, run_metadata=None):
            if has_sparse and len(values) == len(sparse):
                values = [c for v, is_sparse in zip(values, sparse)
                          for c in (v if is_sparse else [v])]
            if len(values) != len(feed_tensors):
                raise TypeError(f"this callable takes {len(feed_tensors)} feed values, "
                                f"got {len(values)}")
            on_device = False
            if options is not None or run_metadata is not None:
                if not accept_options:
                    raise TypeError("make_callable(..., accept_options=True) takes options "
                                    "and run_metadata")
                if run_metadata is not None or options.trace_level >= RunOptions.SOFTWARE_TRACE:
                    return self.run(fetches, dict(zip(feed_list, values)), options,
                                    run_metadata)
                on_device = bool(getattr(options, "fetch_device_arrays", False))
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            plan = plans.get(on_device)
            if plan is None:
                plan = plans[on_device] = self._plan_for(fetches, feed_tensors, False, on_device)
            arrays = [check(v) for check, v in zip(plan.feed_checks, values)]
            return plan.rebuild(self._execute(plan, arrays))
        return call


class InteractiveSession(Session):
    """A Session that installs itself as the default session when created."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._interactive_ctx = default_session(self)
        self._interactive_ctx.__enter__()

    def close(self):
        if self._interactive_ctx is not None:
            self._interactive_ctx.__exit__(None, None, None)
            self._interactive_ctx = None
        super().close()
