"""What tf0 would run on: CuPy and the GPU, read through NVML when available."""


def describe():
    lines = []
    try:
        import cupy
        lines.append(f"CuPy {cupy.__version__}")
    except Exception as e:  # any import failure means: no GPU backend
        lines.append(f"CuPy: not available ({type(e).__name__}); tf0 runs on NumPy")
    try:
        import pynvml
    except ImportError:
        lines.append("nvidia-ml-py: not installed; no GPU information")
        return "\n".join(lines)
    try:
        pynvml.nvmlInit()
    except Exception as e:
        lines.append(f"NVIDIA driver: not found ({e}); tf0 runs on NumPy")
        return "\n".join(lines)
    try:
        driver = pynvml.nvmlSystemGetDriverVersion()
        lines.append(f"NVIDIA driver {driver}")
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = pynvml.nvmlDeviceGetMemoryInfo(h)
            major, minor = pynvml.nvmlDeviceGetCudaComputeCapability(h)
            lines.append(f"GPU {i}: {pynvml.nvmlDeviceGetName(h)}, "
                         f"{mem.total / 2**30:.1f} GiB ({mem.free / 2**30:.1f} GiB free), "
                         f"compute capability {major}.{minor}")
    finally:
        pynvml.nvmlShutdown()
    return "\n".join(lines)
