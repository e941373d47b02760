"""Launcher of kernels/optimizer.cu: one fused, out-of-place update per variable."""
import numpy as np

from . import loader
from .device import THREADS, blocks_for, empty, i64, suffix


def apply(kernel, state, grad, scalars, nesterov=None, outs=None):
    """New values of (variable, slots...) from `state` (same order), the gradient and 0-d
    device arrays of hyper-parameters, in the kernel's argument order. `outs`, when given,
    holds a buffer for each new value (None: allocate one); none may be a state array."""
    outs = [empty(s.shape, s.dtype) if o is None else o
            for s, o in zip(state, outs or [None] * len(state))]
    n = state[0].size
    if n:
        extra = () if nesterov is None else (np.int32(nesterov),)
        loader.get("optimizer", f"{kernel}_{suffix(state[0].dtype)}")(
            (blocks_for(n),), (THREADS,), (*state, grad, *outs, i64(n), *scalars, *extra))
    return outs
