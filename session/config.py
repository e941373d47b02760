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
    def __init__(self):
        self.step_stats = None
        self.notes = []
