"""Compile tf0's CUDA sources with CuPy's RawModule and hand out their kernels.

Knows nothing of graphs. CuPy is imported lazily: importing this module never fails and
never touches a GPU. `start()` compiles every family on its own background thread (CuPy's
disk cache makes later processes cheap); `get()` waits only for the family it needs, so
`import tf0` returns at once and graph building overlaps compilation.
"""
import concurrent.futures
import os
import re
import threading

KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
# One module per .cu file, each compiled on its own thread (longest first). Kernels are
# spread over modules so that none takes long to compile: the elementwise ops over unary,
# binary, compare, select and cast, each matmul tile a module, gathers apart from the layout
# copies, sorting apart from the scans (0.5-2.8 s of NVRTC each on a 2-core machine,
# 2026-11-28).
FAMILIES = ("scan", "matmul_32x4", "binary", "matmul_128v", "reduce", "nn", "matmul_32",
            "matmul_32x4v", "matmul_32v", "conv", "array", "compare", "gather", "unary",
            "optimizer", "matmul_64", "select", "cast", "sort", "random")
_INCLUDE = re.compile(r'^#include "([^"]+)"\s*$', re.M)


def source(family):
    """The full text of kernels/<family>.cu with local headers pasted in (so CuPy's cache
    key covers them). `#line` directives keep compiler messages pointing at the real files."""
    path = os.path.join(KERNEL_DIR, family + ".cu")
    with open(path) as f:
        text = f.read()

    def paste(match):
        header = os.path.join(KERNEL_DIR, match.group(1))
        with open(header) as h:
            body = h.read()
        line = text.count("\n", 0, match.start()) + 2
        return f'#line 1 "{header}"\n{body}\n#line {line} "{path}"'

    from . import opcodes
    return opcodes.defines() + f'#line 1 "{path}"\n' + _INCLUDE.sub(paste, text)


class CompileError(RuntimeError):
    """A .cu file failed to compile; the message holds the compiler log (file:line)."""


_futures = {}
_lock = threading.Lock()
_kernels = {}


def _build(family):
    import cupy
    module = cupy.RawModule(code=source(family), options=("--std=c++17",))
    try:
        module.compile()
    except cupy.cuda.compiler.CompileException as e:
        raise CompileError(f"kernels/{family}.cu failed to compile:\n{e}") from None
    return module


def start():
    """Begin compiling every family in the background (once per process)."""
    with _lock:
        if not _futures:
            pool = concurrent.futures.ThreadPoolExecutor(len(FAMILIES), "tf0-compile")
            _futures.update({f: pool.submit(_build, f) for f in FAMILIES})
            pool.shutdown(wait=False)


def modules():
    """{family: cupy.RawModule}, waiting for every compilation to finish."""
    start()
    return {f: fut.result() for f, fut in _futures.items()}


def get(family, name):
    """The kernel `name` of kernels/<family>.cu (waits for that family's compilation)."""
    kernel = _kernels.get((family, name))
    if kernel is None:
        start()
        kernel = _kernels[(family, name)] = _futures[family].result().get_function(name)
    return kernel
