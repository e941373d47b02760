"""Run-time checks and printing: tf.Print, tf.print, tf.check_numerics and the tf.assert_*
family (tf.debugging). Each check is an op that runs on the host over the values it shows
(on the GPU they are downloaded); a failed check raises InvalidArgumentError naming it.
"""
import sys

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import get_default_graph, name_scope

from .control_flow import Assert, summary
from .core import OPS, convert_to_tensor, defop, make_op
from .math_ops import float_only
from .sources import group, identity


# ---- tf.Print / tf.print ----------------------------------------------------------------------
def _print_infer(op):
    return [(op.inputs[0].shape, op.inputs[0].dtype)] if op.attrs["passes_input"] else []


def _print_bind(op, ctx):
    """Write the template: its strings as they are, a tensor's first `summarize` elements
    for each None, joined by sep; only the first `first_n` runs of this plan when set."""
    attrs = op.attrs
    template, summarize, first_n = attrs["template"], attrs["summarize"], attrs["first_n"]
    stream = sys.stdout if attrs["stream"] == "stdout" else sys.stderr
    passes_input = attrs["passes_input"]
    runs = [0]

    def show(*values):
        data = iter(values[1:] if passes_input else values)
        if first_n is None or first_n < 0 or runs[0] < first_n:
            stream.write(attrs["sep"].join(part if part is not None else
                                           summary(next(data), summarize)
                                           for part in template) + attrs["end"])
            stream.flush()
        runs[0] += 1
        return values[0] if passes_input else None
    return show


def _print_grad(op, *dys):
    return [dys[0] if op.attrs["passes_input"] else None] + [None] * (len(op.inputs) - 1)


defop("Print", _print_infer, _print_bind, grad=_print_grad, fresh_output=False)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):
    """TF1's tf.Print: `input_` unchanged, and each time it is computed `message` and the
    `data` tensors (at most `summarize` elements each, default 3) go to stderr, for the
    first `first_n` runs of a plan when first_n is given."""
    data = [convert_to_tensor(d) for d in data]
    return make_op("Print", [convert_to_tensor(input_), *data],
                   {"template": (message or "",) + (None,) * len(data),
                    "summarize": 3 if summarize is None else summarize, "first_n": first_n,
                    "passes_input": True, "stream": "stderr", "sep": "", "end": "\n"},
                   name=name or "Print")


def print_(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\n", name=None):
    """tf.print: an op that writes `inputs` in order (strings as they are, tensors' first
    `summarize` elements) to sys.stderr or sys.stdout when it runs. Run it, or make ops
    depend on it."""
    if output_stream not in (sys.stderr, sys.stdout):
        raise ValueError("tf.print writes to sys.stderr or sys.stdout")
    tensors = [convert_to_tensor(x) for x in inputs if not isinstance(x, str)]
    return make_op("Print", tensors,
                   {"template": tuple(x if isinstance(x, str) else None for x in inputs),
                    "summarize": summarize, "first_n": None, "passes_input": False,
                    "sep": sep, "end": end,
                    "stream": "stdout" if output_stream is sys.stdout else "stderr"},
                   name=name or "PrintV2")


# ---- tf.check_numerics ------------------------------------------------------------------------
def _check_numerics_bind(op, ctx):
    message = op.attrs["message"]

    def check(x):
        host = np.asarray(x)
        if np.isnan(host).any() or np.isinf(host).any():
            kind = "NaN" if np.isnan(host).any() else "Inf"
            raise errors.InvalidArgumentError(
                op.node_def, op, f"{message} : Tensor had {kind} values\n\t [[{op.describe()}]]")
        return x
    return check


defop("CheckNumerics", float_only, _check_numerics_bind, grad=lambda op, dy: [dy],
      fresh_output=False)


def check_numerics(tensor, message, name=None):
    """TF1's tf.check_numerics: `tensor` unchanged, or InvalidArgumentError when it holds a
    NaN or an infinity."""
    return make_op("CheckNumerics", [convert_to_tensor(tensor)], {"message": message},
                   name=name or "CheckNumerics")


def add_check_numerics_ops():
    """TF1's tf.add_check_numerics_ops: a check_numerics of every float tensor of the default
    graph, each named "<op name>:<output index>" and run after the one before, as one op to
    run beside a step. Refuses graphs whose float tensors are made inside tf.cond branches
    or tf.while_loop bodies, as TF1 does."""
    graph = get_default_graph()
    checks = []
    for op in graph.get_operations():
        for out in op.outputs:
            if not out.dtype.is_floating:
                continue
            if op.attrs.get("_cond") or op.attrs.get("_frame"):
                raise ValueError(f"tf.add_check_numerics_ops() is not compatible with "
                                 f"tf.cond and tf.while_loop ('{op.name}' is made in one)")
            with graph.control_dependencies(checks[-1:]):
                checks.append(check_numerics(out, f"{op.name}:{out.value_index}"))
    return group(*checks)


# ---- tf.assert_* ------------------------------------------------------------------------------
def _assert_all(condition, default_message, shown, data, summarize, message, name):
    with name_scope(name, "assert"):
        parts = [message] if message else []
        if data is None:
            parts.append(default_message)
            for label, tensor in shown:
                parts += [f"{label} ({tensor.name}) =", tensor]
        else:
            parts += list(data)
        return Assert(OPS.reduce_all(condition), parts, summarize=summarize)


def _comparison(symbol, compare):
    def check(x, y, data=None, summarize=None, message=None, name=None):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype)
        return _assert_all(compare(x, y), f"Condition x {symbol} y did not hold element-wise:",
                           [("x", x), ("y", y)], data, summarize, message, name)
    check.__doc__ = f"An Assert op: x {symbol} y element-wise (broadcasting)."
    return check


def _sign(symbol, compare):
    def check(x, data=None, summarize=None, message=None, name=None):
        x = convert_to_tensor(x)
        zero = convert_to_tensor(0, dtype=x.dtype)
        return _assert_all(compare(x, zero), f"Condition x {symbol} 0 did not hold "
                                             f"element-wise:", [("x", x)], data, summarize,
                           message, name)
    check.__doc__ = f"An Assert op: x {symbol} 0 element-wise."
    return check


assert_equal = _comparison("==", lambda x, y: OPS.equal(x, y))
assert_none_equal = _comparison("!=", lambda x, y: OPS.not_equal(x, y))
assert_less = _comparison("<", lambda x, y: x < y)
assert_less_equal = _comparison("<=", lambda x, y: x <= y)
assert_greater = _comparison(">", lambda x, y: x > y)
assert_greater_equal = _comparison(">=", lambda x, y: x >= y)
assert_positive = _sign(">", lambda x, zero: x > zero)
assert_negative = _sign("<", lambda x, zero: x < zero)
assert_non_negative = _sign(">=", lambda x, zero: x >= zero)
assert_non_positive = _sign("<=", lambda x, zero: x <= zero)


def assert_rank(x, rank, message=None, name=None):
    """ValueError now when x's static rank is known and differs from `rank` (an int);
    otherwise an Assert op that checks the rank at run time."""
    x = convert_to_tensor(x)
    if x.shape.ndims is not None and x.shape.ndims != int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor {x.name} must have rank "
                         f"{rank}. Received rank {x.shape.ndims}, shape {x.shape}")
    with name_scope(name, "assert_rank"):
        return Assert(OPS.equal(OPS.rank(x), int(rank)),
                      [message or f"Tensor {x.name} must have rank {rank}"])


def assert_type(tensor, tf_type, message=None, name=None):
    """TypeError now unless `tensor` has dtype `tf_type`; returns a no-op check."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype is not dtypes.as_dtype(tf_type):
        raise TypeError(f"{message + ' ' if message else ''}{tensor.name} must be of type "
                        f"{dtypes.as_dtype(tf_type).name}; got {tensor.dtype.name}")
    return identity(tensor).op
