"""tf.py_func and tf.numpy_function: a Python function run on NumPy values as an op of
the graph (on the host; on the GPU backend its inputs are downloaded and its outputs
uploaded, and plans holding it are not captured as CUDA graphs)."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.op_def import results
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op


def _infer(op):
    return [(TensorShape(None), dtype) for dtype in op.attrs["Tout"]]


def _bind(op, ctx):
    func, kinds = op.attrs["func"], op.attrs["Tout"]

    def call(*values):
        try:
            result = func(*values)
        except errors.OpError:
            raise
        except Exception as e:  # the user's error, named with the op
            raise errors.InvalidArgumentError(
                op.node_def, op, f"{type(e).__name__}: {e} (in the function of "
                                 f"tf.py_func '{op.name}')") from e
        returned = result if isinstance(result, (list, tuple)) else [result]
        if len(returned) != len(kinds):
            raise errors.InvalidArgumentError(
                op.node_def, op, f"tf.py_func '{op.name}' returned {len(returned)} values, "
                                 f"Tout lists {len(kinds)}")
        out = []
        for value, dtype in zip(returned, kinds):
            array = np.asarray(value)
            if array.dtype != dtype.np and not np.can_cast(array.dtype, dtype.np, "same_kind"):
                raise errors.InvalidArgumentError(
                    op.node_def, op, f"tf.py_func '{op.name}' returned {array.dtype}, Tout "
                                     f"says {dtype.name}")
            out.append(array.astype(dtype.np, copy=False))
        return results(out)
    return call


defop("PyFunc", _infer, _bind, grad=NO_GRADIENT, stateful=True)


def py_func(func, inp, Tout, stateful=True, name=None):
    """Run func(*values of inp) (NumPy arrays) when the op runs; Tout: the dtype (or list
    of dtypes) of what it returns. Returns a tensor, or a list when Tout is a list."""
    many = isinstance(Tout, (list, tuple))
    kinds = tuple(dtypes.as_dtype(t) for t in (Tout if many else [Tout]))
    out = make_op("PyFunc", [convert_to_tensor(x) for x in inp],
                  {"func": func, "Tout": kinds}, name=name or "PyFunc")
    if not kinds:
        return []
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    return outs if many else outs[0]


def numpy_function(func, inp, Tout, name=None):
    """tf.numpy_function (TF1.14+): py_func under its later name."""
    return py_func(func, inp, Tout, name=name)
