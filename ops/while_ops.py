"""tf.while_loop: run a body subgraph again and again while a condition holds; gradients.

cond(*vars) and body(*vars) are built once, into a frame of their own (Graph.while_frame):
their ops read the loop variables from LoopVar ops and may read any value of an enclosing
frame (a capture). One While op stands for the loop: its inputs are the iteration limit, the
initial values and the captures; its outputs are the final values and the loop's history.
Its implementation asks the plan for two plans of its own, the condition's and the body's,
and runs them until the condition is false (on the GPU the host reads the condition once
per iteration, as TF1 does).

Gradients (WhileGrad): a second frame holds tf.gradients of one iteration, d(body outputs)
/ d(loop variables, captures) for the float ones, given the gradients of the body outputs
(LoopVars of that frame). Its ops read values of the forward body (activations); the
forward loop records those at every iteration (attrs["record"], in its history) and
WhileGrad feeds them back, last iteration first, summing the captures' gradients.
"""
from tf0.engine import dtypes, errors
from tf0.engine.gradients import gradients
from tf0.engine.graph import (Tensor, branch_predicates, data_inputs, frame_of,
                              get_default_graph)
from tf0.engine.shapes import TensorShape, as_shape

from .control_flow import flatten
from .core import constant, convert_to_tensor, defop, make_op
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
    names = [attrs["cond"], *attrs["body"], *attrs["record"]] if op.type == "While" \
        else attrs["results"]
    return _elements(graph, names)


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
    limit = op.inputs[0]
    if not limit.dtype.is_integer or not limit.shape.is_compatible_with([]):
        raise ValueError(f"maximum_iterations must be an integer scalar, got "
                         f"{limit.dtype.name} {limit.shape}")
    loop_vars = _elements(op.graph, op.attrs["loop_vars"])
    return [(v.shape, v.dtype) for v in loop_vars] + [(TensorShape([]), dtypes.variant)]


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
    loop_vars = _elements(graph, attrs["loop_vars"])
    k = len(loop_vars)
    feeds = loop_vars + list(op.inputs[1 + k:])
    frame = _body_frame(op)
    cond = ctx.subplan([graph.as_graph_element(attrs["cond"])], feeds, frame, host_fetches=(0,))
    # Record the values a gradient reads only in plans that run a gradient of this loop.
    names = tuple(attrs["record"]) if ctx.is_read(op.outputs[-1]) else None
    records = _elements(graph, names or ())
    results = _elements(graph, attrs["body"])
    body = ctx.subplan(results + records, feeds, frame, optional=records)
    # Shape checks only where static shapes do not already guarantee the invariants.
    entering = [(i, c) for i, (v, init) in enumerate(zip(loop_vars, op.inputs[1:1 + k]))
                if (c := _shape_check(op, i, v, init.shape))]
    leaving = [(i, c) for i, (v, out) in enumerate(zip(loop_vars, results))
               if (c := _shape_check(op, i, v, out.shape))]
    bounded = attrs["bounded"]

    def run(limit, *values):
        current, captured = list(values[:k]), list(values[k:])
        for i, check in entering:
            check(current[i], "when it enters the loop")
        limit = int(limit)
        iterations = []
        n = 0
        while (not bounded or n < limit) and cond(current + captured)[0]:
            out = body(current + captured)
            current = list(out[:k])
            for i, check in leaving:
                check(current[i], f"after iteration {n + 1}")
            if names is not None:
                iterations.append(out[k:])
            n += 1
        history = LoopHistory(names, iterations) if names is not None else None
        return (*[ctx.as_output(v) for v in current], history)
    return run


def _while_grad(op, *dys):
    """Gradients of the initial values and of the captures, from a WhileGrad loop."""
    attrs, graph = op.attrs, op.graph
    loop_vars, body_out = _elements(graph, attrs["loop_vars"]), _elements(graph, attrs["body"])
    k = len(loop_vars)
    captures = list(op.inputs[1 + k:])
    var_idx = [j for j, v in enumerate(loop_vars) if v.dtype.is_floating]
    cap_idx = [j for j, c in enumerate(captures) if c.dtype.is_floating]
    in_grads = [None] * len(op.inputs)
    if not attrs["back_prop"] or not var_idx:
        return in_grads
    fwd_frame = _body_frame(op)
    with graph.name_scope("WhileGrad") as scope:
        frame = fwd_frame + (scope[:-1],)
        with graph.while_frame(frame):
            grad_vars = [_loop_var(loop_vars[j], name="grad") for j in var_idx]
            accumulators = [_loop_var(captures[j], name="accumulator") for j in cap_idx]
            xs = [loop_vars[j] for j in var_idx] + [captures[j] for j in cap_idx]
            grads = gradients([body_out[j] for j in var_idx], xs, grad_ys=grad_vars,
                              stop_gradients=captures)
            results = [zeros_like(v) if g is None else g
                       for g, v in zip(grads[:len(var_idx)], grad_vars)]
            results += [acc if g is None else acc + g
                        for g, acc in zip(grads[len(var_idx):], accumulators)]
        outside, controls = _external_reads(results, frame)
        recorded = [t for t in outside if frame_of(t.op) == fwd_frame]
        attrs["record"] = [*attrs["record"],
                           *[t.name for t in recorded if t.name not in attrs["record"]]]
        grad_attrs = {"frame": frame, "grad_vars": tuple(v.name for v in grad_vars),
                      "accumulators": tuple(a.name for a in accumulators),
                      "results": tuple(r.name for r in results),
                      "recorded": tuple(t.name for t in recorded)}
        inits = [dys[j] for j in var_idx] + [zeros_like(captures[j]) for j in cap_idx]
        grad_op = graph.create_op(
            "WhileGrad", [op.outputs[-1], *inits, *[t for t in outside if t not in recorded]],
            grad_attrs, name=scope,
            control_inputs=[c for c in controls if frame_of(c) != fwd_frame])
    for i, j in enumerate(var_idx):
        in_grads[1 + j] = grad_op.outputs[i]
    for i, j in enumerate(cap_idx):
        in_grads[1 + k + j] = grad_op.outputs[len(var_idx) + i]
    return in_grads


# A loop may hold any op, stateful ones included; its outputs may be the values it was given.
defop("While", _while_infer, _while_bind, grad=_while_grad, stateful=True, fresh_output=False)


# ---- WhileGrad ------------------------------------------------------------------------------
def _while_grad_infer(op):
    n = len(op.attrs["grad_vars"]) + len(op.attrs["accumulators"])
    return [(t.shape, t.dtype) for t in op.inputs[1:1 + n]]


def _while_grad_bind(op, ctx):
    graph, attrs = op.graph, op.attrs
    n = len(attrs["grad_vars"]) + len(attrs["accumulators"])
    recorded = _elements(graph, attrs["recorded"])
    feeds = _elements(graph, attrs["grad_vars"] + attrs["accumulators"]) + recorded \
        + list(op.inputs[1 + n:])
    step = ctx.subplan(_elements(graph, attrs["results"]), feeds, _body_frame(op))
    wanted = attrs["recorded"]

    def run(history, *values):
        grads, captured = list(values[:n]), list(values[n:])
        where = [history.names.index(name) for name in wanted]
        for record in reversed(history.iterations):
            grads = list(step(grads + [record[i] for i in where] + captured))
        grads = tuple(ctx.as_output(g) for g in grads)
        return grads if n > 1 else grads[0]  # an op with one output returns it alone
    return run


defop("WhileGrad", _while_grad_infer, _while_grad_bind, stateful=True, fresh_output=False)


# ---- the public function ----------------------------------------------------------------------
def _enters_with(init, invariant):
    if not init.shape.is_compatible_with(invariant):
        raise ValueError(f"Input tensor '{init.name}' enters the loop with shape {init.shape}, "
                         f"but its shape invariant is {invariant}")


def _body_value(value, var, init):
    """A body result for loop variable `var` (initial value `init`) as a tensor, checked."""
    if isinstance(value, Tensor):
        if value.dtype is not var.dtype:
            raise TypeError(f"Input tensor '{init.name}' enters the loop with type "
                            f"{var.dtype.name}, but has type {value.dtype.name} after one "
                            f"iteration")
    else:
        value = convert_to_tensor(value, dtype=var.dtype)
    if not value.shape.is_compatible_with(var.shape):
        raise ValueError(f"Input tensor '{init.name}' enters the loop with shape {init.shape}, "
                         f"but has shape {value.shape} after one iteration. To allow the shape "
                         f"to vary across iterations, use the `shape_invariants` argument of "
                         f"tf.while_loop to specify a less-specific shape.")
    return value


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """TF1's tf.while_loop: `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    loop_vars: a tensor or a nest (lists, tuples, namedtuples, dicts) of tensors and Python
    values; body returns the same number of values, each with its variable's dtype and a
    shape within its invariant (`shape_invariants`: a matching nest of shapes; default the
    initial values' static shapes). cond returns a scalar bool. At most `maximum_iterations`
    iterations run. Returns the final values in the structure the body returns (one value
    alone unless return_same_structure). Gradients flow to the initial
    values and to the float tensors the body reads from outside, unless back_prop=False.
    parallel_iterations and swap_memory are accepted for compatibility; iterations run
    one after the other.
    """
    if not callable(cond) or not callable(body):
        raise TypeError("tf.while_loop needs callables cond and body")
    single = not isinstance(loop_vars, (list, tuple, dict))
    leaves, rebuild = flatten([loop_vars] if single else loop_vars)
    if not leaves:
        raise ValueError("tf.while_loop needs at least one loop variable")
    if shape_invariants is None:
        invariants = [None] * len(leaves)
    else:
        invariants, _ = flatten([shape_invariants] if single else shape_invariants)
        if len(invariants) != len(leaves):
            raise ValueError(f"shape_invariants has {len(invariants)} shapes for "
                             f"{len(leaves)} loop variables")
    graph = next((v.graph for v in leaves if isinstance(v, Tensor)), None) \
        or get_default_graph()
    with graph.as_default(), graph.name_scope(name or "while") as scope:
        inits = [convert_to_tensor(v) for v in leaves]
        shapes = [init.shape if inv is None else as_shape(inv)
                  for init, inv in zip(inits, invariants)]
        for init, shape in zip(inits, shapes):
            _enters_with(init, shape)
        limit = constant(-1) if maximum_iterations is None \
            else convert_to_tensor(maximum_iterations)
        frame = graph._frame + (scope[:-1],)
        with graph.while_frame(frame):
            variables = [_loop_var(init, shape) for init, shape in zip(inits, shapes)]
            args = rebuild(iter(variables))
            pred = convert_to_tensor(cond(*args), dtype=dtypes.bool_)
            if not pred.shape.is_compatible_with([]):
                raise ValueError(f"the cond of tf.while_loop must return a scalar bool, got "
                                 f"shape {pred.shape}")
            result = body(*args)
            if not isinstance(result, (list, tuple, dict)):
                result = [result]
            values, rebuild_result = flatten(result)
            if len(values) != len(variables):
                raise ValueError(f"the body of tf.while_loop returns {len(values)} values for "
                                 f"{len(variables)} loop variables")
            outs = [_body_value(v, var, init) for v, var, init in zip(values, variables, inits)]
        captures, controls = _external_reads([pred, *outs], frame)
        attrs = {"frame": frame, "loop_vars": tuple(v.name for v in variables),
                 "cond": pred.name, "body": tuple(o.name for o in outs), "record": [],
                 "back_prop": bool(back_prop), "bounded": maximum_iterations is not None}
        op = graph.create_op("While", [limit, *inits, *captures], attrs, name=scope,
                             control_inputs=controls)
    finals = list(op.outputs[:len(leaves)])
    if len(finals) == 1 and not return_same_structure:
        return finals[0]
    return rebuild_result(iter(finals))  # in the structure the body returns, as TF1 does
