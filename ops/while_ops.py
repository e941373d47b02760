"""The loop ops behind tf.while_loop, map_fn, scan and the folds, and their gradients.

cond and body are built once, into a frame of their own (Graph.while_frame): their ops
read the loop variables from LoopVar ops and may read any value of an enclosing frame (a
capture). One While op stands for the loop. Inputs: the iteration limit, the initial
values, the sliced inputs (iteration n reads row n of each, as a LoopVar) and the
captures. Outputs: the final values, the emitted values (body values collected at every
iteration and stacked along a new first axis) and the loop's history. Its implementation
asks the plan for two plans of its own, the condition's and the body's, and runs them
until the condition is false (on the GPU the host reads the condition once per
iteration, as TF1 does). Slicing and stacking keep map_fn and scan linear in their length.

Gradients (WhileGrad): a second frame holds tf.gradients of one iteration: of the body
results of the float loop variables and of the float emitted values, with respect to the
float loop variables, sliced rows and captures, given their incoming gradients (LoopVars
of that frame; an emitted value's is row n of its stacked gradient). Its ops read values
of the forward body (activations); the forward loop records those at every iteration
(attrs["record"], in its history) and WhileGrad feeds them back, last iteration first,
summing the captures' gradients and stacking the rows' gradients.
"""
from tf0.engine import dtypes, errors
from tf0.engine.op_def import results
from tf0.engine.gradients import gradients
from tf0.engine.graph import branch_predicates, data_inputs, frame_of, get_default_graph
from tf0.engine.shapes import TensorShape

from .core import constant, convert_to_tensor, defop, make_op
from .math_ops import add_n
from .sources import zeros_like


class LoopHistory:
    """A While op's record of its iterations for its gradient: `names` of the recorded body
    values and, per iteration, their values (None where a tf.cond branch did not run)."""
    __slots__ = ("names", "iterations")

    def __init__(self, names, iterations):
        self.names, self.iterations = names, iterations


def _elements(graph, names):
    return [graph.as_graph_element(n) for n in names]


def _body_frame(op):
    """The frame of the body a While or WhileGrad op runs (named after the op)."""
    return tuple(op.attrs["frame"])


def body_fetches(op):
    """The tensors the body plans of a While or WhileGrad op compute (with their frame)."""
    graph, attrs = op.graph, op.attrs
    names = [attrs["cond"], *attrs["body"], *attrs["emits"], *attrs["record"]] \
        if op.type == "While" else attrs["results"]
    return _elements(graph, names)


def loop_subplans(op, with_records=True):
    """The plans a While or WhileGrad op runs, as (fetches, feeds, optional) over the frame
    of its body, with `carried`: how many leading feeds take the value of the fetch at the
    same index on the next iteration. While: its condition, then its body (which also
    computes the values its gradient reads when `with_records`); WhileGrad: the step of
    one iteration."""
    graph, attrs = op.graph, op.attrs
    if op.type == "While":
        loop_vars, slices = _elements(graph, attrs["loop_vars"]), _elements(graph, attrs["slices"])
        captures = list(op.inputs[1 + len(loop_vars) + len(slices):])
        records = _elements(graph, attrs["record"]) if with_records else []
        body = _elements(graph, attrs["body"]) + _elements(graph, attrs["emits"]) + records
        return [([graph.as_graph_element(attrs["cond"])], loop_vars + captures, (), 0),
                (body, loop_vars + slices + captures, records, len(loop_vars))]
    carried, emitted, rows = _grad_counts(attrs)
    feeds = _elements(graph, attrs["grad_vars"] + attrs["accumulators"] + attrs["emit_grads"]
                      + attrs["recorded"]) + list(op.inputs[1 + carried + emitted + rows:])
    return [(_elements(graph, attrs["results"]), feeds, (), carried)]


def _external_reads(fetches, frame):
    """(values, controls): what the ops of `frame` that `fetches` need read from outside the
    frame, and the outside ops they wait for, each in first-seen order."""
    values, controls, seen, stack = {}, {}, set(), []

    def visit(t):
        if frame_of(t.op) == frame:
            stack.append(t.op)
        else:
            values.setdefault(t, None)
    for t in fetches:
        visit(t)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in [*data_inputs(op), *branch_predicates(op)]:
            visit(t)
        for c in op.control_inputs:
            if frame_of(c) == frame:
                stack.append(c)
            else:
                controls.setdefault(c, None)
    return list(values), list(controls)


# ---- LoopVar: a loop variable inside a body -------------------------------------------------
def _loop_var_bind(op, ctx):
    def unfed():
        raise errors.InvalidArgumentError(op.node_def, op, f"{op.name} is a loop variable: "
                                          f"only its tf.while_loop gives it a value")
    return unfed


defop("LoopVar", lambda op: [(op.attrs["shape"], op.attrs["dtype"])], _loop_var_bind,
      fresh_output=False)


def _loop_var(like, shape=None, name="loop_var"):
    return make_op("LoopVar", [], {"dtype": like.dtype,
                                   "shape": like.shape if shape is None else shape}, name=name)


# ---- While ----------------------------------------------------------------------------------
def _while_infer(op):
    attrs = op.attrs
    limit = op.inputs[0]
    if not limit.dtype.is_integer or not limit.shape.is_compatible_with([]):
        raise ValueError(f"maximum_iterations must be an integer scalar, got "
                         f"{limit.dtype.name} {limit.shape}")
    loop_vars = _elements(op.graph, attrs["loop_vars"])
    emits = _elements(op.graph, attrs["emits"])
    return [(v.shape, v.dtype) for v in loop_vars] \
        + [(TensorShape([attrs["length"]]).concatenate(e.shape), e.dtype) for e in emits] \
        + [(TensorShape([]), dtypes.loop_history)]


def _shape_check(op, index, var, static):
    """check(value, when): InvalidArgumentError unless value's shape fits var's invariant;
    None when the `static` shape of every such value already guarantees it."""
    dims = var.shape.dims
    if dims is None or (static.ndims == len(dims) and all(
            d is None or s is not None for d, s in zip(dims, static.dims))):
        return None

    def check(value, when):
        shape = value.shape if hasattr(value, "shape") else ()
        if len(shape) != len(dims) or any(d is not None and d != s
                                          for d, s in zip(dims, shape)):
            raise errors.InvalidArgumentError(
                op.node_def, op, f"loop variable {index} of tf.while_loop '{op.name}' has shape "
                                 f"{tuple(shape)} {when}, outside its shape invariant "
                                 f"{var.shape}\n\t [[{op.describe()}]]")
    return check


def _while_bind(op, ctx):
    graph, attrs = op.graph, op.attrs
    loop_vars, slices = _elements(graph, attrs["loop_vars"]), _elements(graph, attrs["slices"])
    k, m = len(loop_vars), len(slices)
    frame = _body_frame(op)
    # Record the values a gradient reads only in plans that run a gradient of this loop.
    names = tuple(attrs["record"]) if ctx.is_read(op.outputs[-1]) else None
    (cond_fetches, cond_feeds, _, _), (body_outs, body_feeds, records, _) = \
        loop_subplans(op, names is not None)
    cond_host, body_host = ctx.loop_host_feeds(op, names is not None)
    cond = ctx.subplan(cond_fetches, cond_feeds, frame, host_fetches=(0,), host_feeds=cond_host)
    results, emits = _elements(graph, attrs["body"]), _elements(graph, attrs["emits"])
    body = ctx.subplan(body_outs, body_feeds, frame, optional=records, host_feeds=body_host)
    e = len(emits)
    # Shape checks only where static shapes do not already guarantee the invariants.
    entering = [(i, c) for i, (v, init) in enumerate(zip(loop_vars, op.inputs[1:1 + k]))
                if (c := _shape_check(op, i, v, init.shape))]
    leaving = [(i, c) for i, (v, out) in enumerate(zip(loop_vars, results))
               if (c := _shape_check(op, i, v, out.shape))]
    bounded = attrs["bounded"]

    def run(limit, *values):
        current, sliced = list(values[:k]), values[k:k + m]
        captured = list(values[k + m:])
        rows = min((len(s) for s in sliced), default=None)
        for i, check in entering:
            check(current[i], "when it enters the loop")
        limit = int(limit)
        emitted, iterations = [], []
        n = 0
        while (not bounded or n < limit) and cond(current + captured)[0]:
            if rows is not None and n == rows:
                raise errors.InvalidArgumentError(
                    op.node_def, op, f"loop '{op.name}' runs past the {rows} rows of its "
                                     f"sliced inputs\n\t [[{op.describe()}]]")
            out = body(current + [s[n] for s in sliced] + captured)
            current = list(out[:k])
            for i, check in leaving:
                check(current[i], f"after iteration {n + 1}")
            emitted.append(out[k:k + e])
            if names is not None:
                iterations.append(out[k + e:])
            n += 1
        stacked = [ctx.stack([row[j] for row in emitted], emits[j].dtype, emits[j].shape)
                   for j in range(e)]
        history = LoopHistory(names, iterations) if names is not None else None
        return (*[ctx.as_output(v) for v in current], *stacked, history)
    return run


def _while_grad(op, *dys):
    """Gradients of the initial values, sliced inputs and captures, from a WhileGrad op."""
    attrs, graph = op.attrs, op.graph
    loop_vars, slices = _elements(graph, attrs["loop_vars"]), _elements(graph, attrs["slices"])
    results, emits = _elements(graph, attrs["body"]), _elements(graph, attrs["emits"])
    k, m = len(loop_vars), len(slices)
    sliced, captures = list(op.inputs[1 + k:1 + k + m]), list(op.inputs[1 + k + m:])
    var_idx = [j for j, v in enumerate(loop_vars) if v.dtype.is_differentiable]
    emit_idx = [j for j, t in enumerate(emits) if t.dtype.is_differentiable]
    slice_idx = [j for j, s in enumerate(slices) if s.dtype.is_differentiable]
    cap_idx = [j for j, c in enumerate(captures) if c.dtype.is_differentiable]
    in_grads = [None] * len(op.inputs)
    if not attrs["back_prop"] or not (var_idx or emit_idx):
        return in_grads
    fwd_frame = _body_frame(op)
    with graph.name_scope("WhileGrad") as scope:
        frame = fwd_frame + (scope[:-1],)
        with graph.while_frame(frame):
            grad_vars = [_loop_var(loop_vars[j], name="grad") for j in var_idx]
            accumulators = [_loop_var(captures[j], name="accumulator") for j in cap_idx]
            emit_grads = [_loop_var(emits[j], name="emitted_grad") for j in emit_idx]
            xs = [loop_vars[j] for j in var_idx] + [captures[j] for j in cap_idx] \
                + [slices[j] for j in slice_idx]
            grads = gradients([results[j] for j in var_idx] + [emits[j] for j in emit_idx], xs,
                              grad_ys=grad_vars + emit_grads, stop_gradients=captures)
            nv, nc = len(var_idx), len(cap_idx)
            outs = [zeros_like(v) if g is None else g for g, v in zip(grads[:nv], grad_vars)]
            outs += [acc if g is None else add_n([acc, g])
                     for g, acc in zip(grads[nv:nv + nc], accumulators)]
            outs += [zeros_like(slices[j]) if g is None else g
                     for g, j in zip(grads[nv + nc:], slice_idx)]
        outside, controls = _external_reads(outs, frame)
        recorded = [t for t in outside if frame_of(t.op) == fwd_frame]
        attrs["record"] = [*attrs["record"],
                           *[t.name for t in recorded if t.name not in attrs["record"]]]
        grad_attrs = {"frame": frame, "grad_vars": tuple(v.name for v in grad_vars),
                      "accumulators": tuple(a.name for a in accumulators),
                      "emit_grads": tuple(g.name for g in emit_grads),
                      "results": tuple(r.name for r in outs),
                      "recorded": tuple(t.name for t in recorded)}
        emitted_dys = [dys[k + j] for j in emit_idx]
        # a list no gradient reached (float ones come zero-filled by tf.gradients)
        incoming = [zeros_like(op.outputs[j]) if dys[j] is None else dys[j] for j in var_idx]
        inputs = [op.outputs[-1], *incoming,
                  *[zeros_like(captures[j]) for j in cap_idx], *emitted_dys,
                  *[zeros_like(sliced[j]) for j in slice_idx],
                  *[t for t in outside if t not in recorded]]
        grad_op = graph.create_op(
            "WhileGrad", inputs, grad_attrs, name=scope,
            control_inputs=[c for c in controls if frame_of(c) != fwd_frame])
    out = iter(grad_op.outputs)
    for j in var_idx:
        in_grads[1 + j] = next(out)
    for j in cap_idx:
        in_grads[1 + k + m + j] = next(out)
    for j in slice_idx:
        in_grads[1 + k + j] = next(out)
    return in_grads


# A loop may hold any op, stateful ones included; its outputs may be the values it was given.
defop("While", _while_infer, _while_bind, grad=_while_grad, stateful=True, fresh_output=False)


# ---- WhileGrad ------------------------------------------------------------------------------
def _grad_counts(attrs):
    """(carried gradients, emitted-value gradients, sliced-input gradients) of a WhileGrad."""
    carried = len(attrs["grad_vars"]) + len(attrs["accumulators"])
    return carried, len(attrs["emit_grads"]), len(attrs["results"]) - carried


def _while_grad_infer(op):
    carried, emitted, rows = _grad_counts(op.attrs)
    zeros = op.inputs[1 + carried + emitted:1 + carried + emitted + rows]
    return [(t.shape, t.dtype) for t in [*op.inputs[1:1 + carried], *zeros]]


def _while_grad_bind(op, ctx):
    attrs = op.attrs
    carried, emitted, rows = _grad_counts(attrs)
    (fetches, feeds, _, _), = loop_subplans(op)
    step_host, = ctx.loop_host_feeds(op)
    step = ctx.subplan(fetches, feeds, _body_frame(op), host_feeds=step_host)
    wanted = attrs["recorded"]
    slices = op.outputs[carried:]

    def run(history, *values):
        grads = list(values[:carried])
        emitted_dys = values[carried:carried + emitted]
        zeros = values[carried + emitted:carried + emitted + rows]
        captured = list(values[carried + emitted + rows:])
        where = [history.names.index(name) for name in wanted]
        n = len(history.iterations)
        row_grads = [None] * n
        for i in range(n - 1, -1, -1):
            record = history.iterations[i]
            out = step(grads + [d[i] for d in emitted_dys] + [record[w] for w in where]
                       + captured)
            grads, row_grads[i] = list(out[:carried]), out[carried:]
        # rows the loop did not reach get zero gradients (views of the zeros it was given)
        stacked = [ctx.stack([g[j] for g in row_grads] + [z[i] for i in range(n, len(z))],
                             slices[j].dtype, slices[j].shape[1:]) if len(z) else z
                   for j, z in enumerate(zeros)]
        return results(ctx.as_output(g) for g in [*grads, *stacked])
    return run


defop("WhileGrad", _while_grad_infer, _while_grad_bind, stateful=True, fresh_output=False)


# ---- building a loop ------------------------------------------------------------------------
def build_loop(cond, body, inits, shapes, sliced=(), length=None, limit=None,
               back_prop=True, name="while"):
    """Add a While op; returns (final values, stacked emitted values).

    cond(vars) -> scalar bool tensor; body(vars, rows) -> (new values, emitted values), where
    vars are LoopVars shaped `shapes` (the invariants of `inits`) and rows the current row of
    each `sliced` tensor. The new values must already match the variables (see
    functional_ops). `length`: the static number of iterations when it is known (the first
    dim of the stacked values); `limit`: maximum_iterations."""
    graph = inits[0].graph if inits else get_default_graph()
    with graph.as_default(), graph.name_scope(name) as scope:
        limit_tensor = constant(-1) if limit is None else convert_to_tensor(limit)
        frame = graph._frame + (scope[:-1],)
        with graph.while_frame(frame):
            variables = [_loop_var(init, shape) for init, shape in zip(inits, shapes)]
            pred = convert_to_tensor(cond(variables), dtype=dtypes.bool_)
            if not pred.shape.is_compatible_with([]):
                raise ValueError(f"the cond of tf.while_loop must return a scalar bool, got "
                                 f"shape {pred.shape}")
            rows = [_loop_var(s, s.shape[1:], name="row") for s in sliced]
            outs, emits = body(variables, rows)
            emits = [convert_to_tensor(e) for e in emits]
        captures, controls = _external_reads([pred, *outs, *emits], frame)
        attrs = {"frame": frame, "loop_vars": tuple(v.name for v in variables),
                 "slices": tuple(r.name for r in rows), "cond": pred.name,
                 "body": tuple(o.name for o in outs), "emits": tuple(e.name for e in emits),
                 "length": length, "record": [], "back_prop": bool(back_prop),
                 "bounded": limit is not None}
        op = graph.create_op("While", [limit_tensor, *inits, *sliced, *captures], attrs,
                             name=scope, control_inputs=controls)
    k = len(inits)
    return list(op.outputs[:k]), list(op.outputs[k:-1])
