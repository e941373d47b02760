"""TF1-style session configuration objects (ConfigProto, GPUOptions, RunOptions, RunMetadata)."""


class GPUOptions:
    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=0.0,
                 visible_device_list="", **unused):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction
        self.visible_device_list = visible_device_list


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

    def __init__(self, trace_level=0, timeout_in_ms=0, **unused):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms


class RunMetadata:
    """What a run reports: peak_bytes (the plan's most bytes alive at once, None when
    shapes are unknown) and, for traced runs, step_stats: one dict per op with its name,
    type, start and duration in microseconds and where it ran ("numpy" or, for the CUDA
    backend, the host-side launch)."""

    def __init__(self):
        self.step_stats = []
        self.peak_bytes = None

    def record(self, records, device):
        origin = records[0][1] if records else 0.0
        self.step_stats = [{"name": op.name, "op": op.type, "device": device,
                            "start_us": (start - origin) * 1e6,
                            "duration_us": (end - start) * 1e6} for op, start, end in records]

    def chrome_trace(self):
        """The step stats as Chrome-trace JSON (open in Perfetto or chrome://tracing)."""
        import json
        events = [{"name": s["name"], "cat": s["op"], "ph": "X", "ts": s["start_us"],
                   "dur": s["duration_us"], "pid": 0, "tid": s["device"],
                   "args": {"op": s["op"]}} for s in self.step_stats]
        return json.dumps({"traceEvents": events, "displayTimeUnit": "ms"})
