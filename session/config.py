"""TF1-style session configuration objects (ConfigProto, GPUOptions, RunOptions, RunMetadata)."""
import os


class GPUOptions:
    """TF1's GPU options plus two of tf0's own: `num_streams`, how many CUDA streams a
    captured plan may spread independent branches over (1 keeps TF1's single compute
    stream), and `cuda_graphs`, whether a plan is captured as a CUDA graph after its first
    run and replayed from then on (default: on, or off when the environment variable
    TF0_CUDA_GRAPHS is 0)."""

    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=0.0,
                 visible_device_list="", num_streams=4, cuda_graphs=None, **unused):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction
        self.visible_device_list = visible_device_list
        if int(num_streams) < 1:
            raise ValueError(f"GPUOptions(num_streams={num_streams}): needs at least 1 stream")
        self.num_streams = int(num_streams)
        if cuda_graphs is None:
            cuda_graphs = os.environ.get("TF0_CUDA_GRAPHS", "1") != "0"
        self.cuda_graphs = bool(cuda_graphs)


class ConfigProto:
    """Session options. `device_count={'GPU': 0}` forces the NumPy backend."""

    def __init__(self, device_count=None, allow_soft_placement=False,
                 log_device_placement=False, gpu_options=None, inter_op_parallelism_threads=0,
                 intra_op_parallelism_threads=0, **unused):
        self.device_count = dict(device_count or {})
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.gpu_options = gpu_options or GPUOptions()
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.intra_op_parallelism_threads = intra_op_parallelism_threads


class RunOptions:
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3

    def __init__(self, trace_level=0, timeout_in_ms=0, fetch_device_arrays=False, **unused):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms
        # tf0's own: on the CUDA backend, return fetches as CuPy arrays (no host copy)
        self.fetch_device_arrays = bool(fetch_device_arrays)


class RunMetadata:
    """What a run reports: peak_bytes (the plan's most bytes alive at once, None when
    shapes are unknown); launch ("numpy", "direct", "capture" or "replay": how the CUDA
    backend ran the plan) and launch_reason (why a CUDA plan was not captured, else "");
    and, for traced runs, step_stats: one dict per op with its name, type, start and
    duration in microseconds and where it ran ("numpy", "host", or "gpu:stream N" timed by
    CUDA events)."""

    def __init__(self):
        self.step_stats = []
        self.peak_bytes = None
        self.launch = None
        self.launch_reason = ""

    def record(self, records):
        """Fill step_stats from a tracer's (op, where, start, end) records (seconds)."""
        origin = min((r[2] for r in records), default=0.0)
        self.step_stats = [{"name": op.name, "op": op.type, "device": where,
                            "start_us": (start - origin) * 1e6,
                            "duration_us": (end - start) * 1e6}
                           for op, where, start, end in records]

    def chrome_trace(self):
        """The step stats as Chrome-trace JSON (open in Perfetto or chrome://tracing)."""
        import json
        events = [{"name": s["name"], "cat": s["op"], "ph": "X", "ts": s["start_us"],
                   "dur": s["duration_us"], "pid": 0, "tid": s["device"],
                   "args": {"op": s["op"]}} for s in self.step_stats]
        return json.dumps({"traceEvents": events, "displayTimeUnit": "ms"})
