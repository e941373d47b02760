"""tf.cond and tf.case: run one of several subgraphs, chosen by boolean scalars at run time;
tf.Assert.

The ops each branch function builds carry the branch in attrs["_cond"] (see
Graph.cond_branch) and a control dependency on the predicate; a plan runs them only when
the predicate has their branch's value. CondMerge(pred, t, f) is the only way a branch's
values leave it: it passes on t or f. Its gradient sends the incoming gradient into the
branch that ran and zeros into the other, so gradients of branch ops are built inside
their branch too (engine.gradients) and leave it through CondMerge as well.
"""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import Operation, Tensor, cond_path, get_default_graph
from tf0.engine.shapes import TensorShape

from .core import OPS, convert_to_tensor, defop, make_op
from .sources import group, identity, zeros_like


def _merge_infer(op):
    pred, t, f = op.inputs
    if pred.dtype is not dtypes.bool_ or not pred.shape.is_compatible_with([]):
        raise ValueError(f"tf.cond needs a scalar bool predicate, got {pred.dtype.name} "
                         f"{pred.shape}")
    if t.dtype is not f.dtype:
        raise ValueError(f"the two branches of tf.cond give {t.dtype.name} and "
                         f"{f.dtype.name}")
    path = cond_path(op)
    for value, branch in ((t, True), (f, False)):
        inner = cond_path(value.op)
        if inner != path[:len(inner)] and inner != path + ((pred.name, branch),):
            raise ValueError(f"{value.name} belongs to another tf.cond branch")
    if t.shape.ndims is None or t.shape.ndims != f.shape.ndims:
        return [(TensorShape(None), t.dtype)]
    dims = [a if a == b else None for a, b in zip(t.shape.as_list(), f.shape.as_list())]
    return [(TensorShape(dims), t.dtype)]


def _merge_bind(op, ctx):
    return lambda pred, t, f: t if pred else f


def _merge_grad(op, dy):
    pred = op.inputs[0]
    zeros = zeros_like(dy)
    return [None, merge(pred, dy, zeros), merge(pred, zeros, dy)]


defop("CondMerge", _merge_infer, _merge_bind, grad=_merge_grad, fresh_output=False)


def merge(pred, if_true, if_false, name=None):
    """`if_true` when the scalar bool `pred` is true at run time, else `if_false`."""
    return make_op("CondMerge", [pred, if_true, if_false], name=name or "Merge")


def flatten(value):
    """(leaves, rebuild): the Tensors/Operations/values of a nest of lists, tuples and dicts."""
    if isinstance(value, dict):
        keys = sorted(value)
        parts = [flatten(value[k]) for k in keys]
        return ([leaf for leaves, _ in parts for leaf in leaves],
                lambda it: {k: rebuild(it) for k, (_, rebuild) in zip(keys, parts)})
    if isinstance(value, (list, tuple)):
        parts = [flatten(v) for v in value]
        kind = type(value)

        def rebuild(it):
            items = [r(it) for _, r in parts]
            return kind(*items) if hasattr(kind, "_fields") else kind(items)
        return [leaf for leaves, _ in parts for leaf in leaves], rebuild
    return [value], lambda it: next(it)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """TF1's tf.cond: `true_fn()` if the scalar bool `pred` is true, else `false_fn()`; only
    the chosen branch's ops run. Both must return the same structure of tensors (or of
    operations, which give an operation that waits for the chosen one)."""
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("tf.cond needs callables true_fn and false_fn")
    graph = pred.graph if isinstance(pred, Tensor) else get_default_graph()
    with graph.as_default(), graph.name_scope(name or "cond"):
        pred = convert_to_tensor(pred, dtype=dtypes.bool_)
        if not pred.shape.is_compatible_with([]):
            raise ValueError(f"tf.cond needs a scalar predicate, got shape {pred.shape}")
        outer = graph._cond_path
        results = []
        for branch, fn in ((True, true_fn), (False, false_fn)):
            with graph.cond_branch(outer + ((pred.name, branch),)), \
                    graph.name_scope("true" if branch else "false"):
                results.append(flatten(_as_branch_values(fn())))
        (t_leaves, rebuild), (f_leaves, _) = results
        if len(t_leaves) != len(f_leaves):
            raise ValueError(f"the two branches of tf.cond return different structures "
                             f"({len(t_leaves)} and {len(f_leaves)} values)")
        outs = [_join(pred, t, f) for t, f in zip(t_leaves, f_leaves)]
    out = rebuild(iter(outs))
    if not strict and isinstance(out, list) and len(out) == 1:
        return out[0]
    return out


def _as_branch_values(value):
    """Python values a branch returns become constants of that branch."""
    leaves, rebuild = flatten(value)
    return rebuild(iter([v if v is None or isinstance(v, (Tensor, Operation))
                         else convert_to_tensor(v) for v in leaves]))


def _join(pred, t, f):
    if isinstance(t, Operation) or isinstance(f, Operation):
        if not (isinstance(t, Operation) and isinstance(f, Operation)):
            raise ValueError("one branch of tf.cond returns an operation, the other a tensor")
        return group(t, f)
    if t is None or f is None:
        if t is not None or f is not None:
            raise ValueError("one branch of tf.cond returns None, the other a value")
        return None
    return merge(pred, t, f)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """TF1's tf.case: the results of the fn of the first (pred, fn) pair whose scalar bool
    pred is true, else of `default()`; only that function's ops run. Without a default,
    the last pair's fn is the default and its pred must then be true (else
    InvalidArgumentError at run time). exclusive=True: more than one true pred is an
    InvalidArgumentError."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) \
        else list(pred_fn_pairs)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2 or not callable(pair[1]):
            raise TypeError(f"tf.case takes (predicate, callable) pairs, got {pair!r}")
    if default is not None and not callable(default):
        raise TypeError("the default of tf.case must be callable")
    if not pairs:
        if default is None:
            raise ValueError("tf.case needs a (predicate, callable) pair or a default")
        return default()
    graph = next((p.graph for p, _ in pairs if isinstance(p, Tensor)), None) \
        or get_default_graph()
    with graph.as_default(), graph.name_scope(name):
        preds = [convert_to_tensor(p, dtype=dtypes.bool_) for p, _ in pairs]
        fns = [fn for _, fn in pairs]
        exclusive_check = None
        if exclusive:
            count = OPS.reduce_sum(OPS.cast(OPS.stack(preds), dtypes.int32))
            exclusive_check = Assert(count <= 1, ["Input error: more than one condition of "
                                                  "tf.case is true"])
        if default is None:
            last, fallback = preds.pop(), fns.pop()

            def default():
                check = Assert(last, ["Input error: none of the conditions of tf.case is true"])
                return _after(check, fallback())

        def chain(i):
            if i == len(preds):
                return default()
            return cond(preds[i], fns[i], lambda: chain(i + 1), strict=strict)
        result = chain(0)
        return result if exclusive_check is None else _after(exclusive_check, result)


def _after(op, value):
    """`value` (a nest of tensors and operations) made available only after `op` ran."""
    leaves, rebuild = flatten(value)
    with op.graph.control_dependencies([op]):
        return rebuild(iter([identity(v) if isinstance(v, Tensor) else
                             group(v) if isinstance(v, Operation) else v for v in leaves]))


# ---- Assert ---------------------------------------------------------------------------------
def _assert_infer(op):
    condition = op.inputs[0]
    if condition.dtype is not dtypes.bool_ or not condition.shape.is_compatible_with([]):
        raise ValueError(f"tf.Assert needs a scalar bool condition, got "
                         f"{condition.dtype.name} {condition.shape}")
    return []


def summary(value, summarize):
    """The first `summarize` elements of `value`, as "[a b c...]" (TF1's way of showing
    tensors in messages)."""
    flat = np.ravel(value)
    text = np.array2string(flat[:summarize], separator=" ")
    return text[:-1] + "...]" if flat.size > summarize else text


def _assert_bind(op, ctx):
    template, summarize = op.attrs["template"], op.attrs["summarize"]

    def check(condition, *data):
        if condition:
            return None
        values = iter(data)
        shown = [f"[{part}]" if part is not None else summary(next(values), summarize)
                 for part in template]
        raise errors.InvalidArgumentError(op.node_def, op, "assertion failed: " + " ".join(shown))
    return check


defop("Assert", _assert_infer, _assert_bind, grad=NO_GRADIENT)


def Assert(condition, data, summarize=None, name=None):
    """TF1's tf.Assert: an op that raises InvalidArgumentError, showing `data` (strings and
    tensors; at most `summarize` elements of each, default 3), when the scalar bool
    `condition` is false at run time. Run it (or depend on it) for it to check."""
    condition = convert_to_tensor(condition, dtype=dtypes.bool_)
    tensors = [convert_to_tensor(d) for d in data if not isinstance(d, str)]
    template = tuple(d if isinstance(d, str) else None for d in data)
    return make_op("Assert", [condition, *tensors],
                   {"template": template, "summarize": 3 if summarize is None else summarize},
                   name=name or "Assert")
