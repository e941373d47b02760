"""Compile tf0's CUDA sources with NVRTC on a machine without a GPU (cuda-bindings and
nvidia-cuda-nvrtc wheels) and list the kernels each defines, read from the PTX."""
import functools
import re

from tf0.kernels import loader

ARCHS = ("sm_80", "sm_90")


def nvrtc():
    """The nvrtc bindings, or None when the wheels are not installed."""
    try:
        from cuda.bindings import nvrtc as module
        module.nvrtcVersion()
        return module
    except Exception:
        return None


@functools.lru_cache(maxsize=None)
def compile_family(family, arch):
    """(ok, log, ptx) of compiling kernels/<family>.cu for `arch`."""
    lib = nvrtc()
    src = loader.source(family).encode()
    err, prog = lib.nvrtcCreateProgram(src, f"{family}.cu".encode(), 0, [], [])
    assert err == lib.nvrtcResult.NVRTC_SUCCESS
    opts = [f"--gpu-architecture={arch}".encode(), b"--std=c++17"]
    (status,) = lib.nvrtcCompileProgram(prog, len(opts), opts)
    _, size = lib.nvrtcGetProgramLogSize(prog)
    # NVRTC writes into the buffer: a bytearray, never a bytes object (`b" " * 1` is
    # CPython's shared one-byte b" ", and writing into it corrupts every b" " in the process)
    log = bytearray(size)
    lib.nvrtcGetProgramLog(prog, log)
    log = log.decode(errors="replace").rstrip("\x00").strip()
    ptx = ""
    if status == lib.nvrtcResult.NVRTC_SUCCESS:
        _, psize = lib.nvrtcGetPTXSize(prog)
        buf = bytearray(psize)
        lib.nvrtcGetPTX(prog, buf)
        ptx = buf.decode(errors="replace")
    lib.nvrtcDestroyProgram(prog)
    return status == lib.nvrtcResult.NVRTC_SUCCESS, log, ptx


def kernel_names(family):
    """Names of the kernels kernels/<family>.cu defines (from its sm_90 PTX)."""
    ok, log, ptx = compile_family(family, "sm_90")
    assert ok, log
    return set(re.findall(r"\.entry\s+(\w+)\(", ptx))
