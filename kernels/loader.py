"""Compile tf0's CUDA sources with CuPy's RawModule and hand out their kernels.

Knows nothing of graphs. CuPy is imported lazily: importing this module never fails and
never touches a GPU; `modules()` compiles on first use (CuPy's disk cache makes later
processes cheap).
"""
import os
import re

KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
FAMILIES = ("elementwise", "reduce", "matmul", "nn", "array", "random", "optimizer")
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


_modules = {}


def modules():
    """{family: cupy.RawModule}, compiled on first call."""
    if not _modules:
        import concurrent.futures

        import cupy

        def build(family):
            module = cupy.RawModule(code=source(family), options=("--std=c++17",))
            try:
                module.compile()
            except cupy.cuda.compiler.CompileException as e:
                raise CompileError(f"kernels/{family}.cu failed to compile:\n{e}") from None
            return family, module

        with concurrent.futures.ThreadPoolExecutor(len(FAMILIES)) as pool:
            _modules.update(pool.map(build, FAMILIES))
    return _modules


def get(family, name):
    return modules()[family].get_function(name)
