"""Symbolic reverse-mode differentiation: `gradients()` adds gradient ops to the graph."""
from .graph import OPERATORS, Tensor, cond_path, get_default_graph, postorder

# An OpDef.grad value meaning "differentiable nowhere": its inputs get no gradient.
NO_GRADIENT = "no_gradient"

_REGISTERED = {}  # name -> gradient function, for Graph.gradient_override_map


class RegisterGradient:
    """`@tf.RegisterGradient("Name")`: register `f(op, *output_grads)` -> the gradients of
    op's inputs (a list, or one tensor for a single input; None where there is none), for
    ops built under `graph.gradient_override_map({"OpType": "Name"})`."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("RegisterGradient takes the name to register, a string")
        self._name = op_type

    def __call__(self, f):
        if self._name in _REGISTERED:
            raise KeyError(f"Registering two gradient with name '{self._name}'!")
        _REGISTERED[self._name] = f
        return f


def _override_rule(name, op):
    """The registered gradient function `name`, in the engine's calling convention."""
    try:
        f = _REGISTERED[name]
    except KeyError:
        raise LookupError(f"No gradient registered under '{name}' (gradient_override_map of "
                          f"operation '{op.name}')") from None

    def rule(op, *out_grads):
        result = f(op, *out_grads)
        return list(result) if isinstance(result, (list, tuple)) else [result]
    return rule


def _as_tensor(x, what):
    if hasattr(x, "_as_graph_element"):
        x = x._as_graph_element()
    if isinstance(x, Tensor):
        return x
    if what == "grad_ys":
        return OPERATORS["convert"](x)
    raise TypeError(f"{what} must contain Tensors or Variables, got {type(x).__name__}")


def _consumer_ops(tensor):
    return tensor._consumers


def _ops_between(ys, xs, stop_ops):
    """Ops on some path from an x to a y (y-ward of xs, x-ward of ys), minus stop ops."""
    forward = set()
    stack = [op for x in xs for op in _consumer_ops(x)]
    while stack:
        op = stack.pop()
        if op in forward or op in stop_ops:
            continue
        forward.add(op)
        for out in op.outputs:
            stack.extend(_consumer_ops(out))
    between = set()
    stack = [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        stack.extend(t.op for t in op.inputs)
    return between


def _reverse_topological(ops, ys):
    """`ops` ordered so every op comes before the ops that feed it."""
    roots = [y.op for y in ys if y.op in ops]
    return postorder(roots, lambda op: [t.op for t in op.inputs if t.op in ops])[::-1]


def _sum(grads):
    grads = [g for g in grads if g is not None]
    if not grads:
        return None
    return grads[0] if len(grads) == 1 else OPERATORS["add_n"](grads)


def _leave_branches(graph, grad, inp, path):
    """A gradient built inside tf.cond branches (`path`) for a tensor made outside some of
    them: passed out through each branch left, as zeros where that branch did not run."""
    outer = cond_path(inp.op)
    for depth in range(len(path), len(outer), -1):
        pred_name, branch = path[depth - 1]
        with graph.cond_branch(path[:depth - 1]):
            zeros = OPERATORS["zeros_like"](inp)
            pred = graph.as_graph_element(pred_name)
            grad = OPERATORS["cond_merge"](pred, grad, zeros) if branch \
                else OPERATORS["cond_merge"](pred, zeros, grad)
    return grad


def gradients(ys, xs, grad_ys=None, name="gradients", stop_gradients=None,
              unconnected_gradients="none", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None):
    """Return d(sum of ys)/dx for each x in xs, as Tensors added to the graph.

    ys, xs: a Tensor/Variable or a list of them. grad_ys: initial gradients, same shapes
    as ys (default ones). stop_gradients: tensors treated as constants. An x that no y
    depends on gets None, or zeros with unconnected_gradients='zero'.
    """
    if unconnected_gradients not in ("none", "zero"):
        raise ValueError(f"Unknown unconnected_gradients={unconnected_gradients!r}; "
                         "use 'none' or 'zero'.")
    ys = [_as_tensor(y, "ys") for y in (ys if isinstance(ys, (list, tuple)) else [ys])]
    xs = [_as_tensor(x, "xs") for x in (xs if isinstance(xs, (list, tuple)) else [xs])]
    graph = ys[0].graph if ys else get_default_graph()
    for t in ys + xs:
        if t.graph is not graph:
            raise ValueError(f"Tensor {t.name} is from a different graph than {ys[0].name}.")
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    elif not isinstance(grad_ys, (list, tuple)):
        grad_ys = [grad_ys]
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    stop_ops = {_as_tensor(t, "stop_gradients").op for t in (stop_gradients or ())}

    with graph.name_scope(name):
        between = _ops_between(ys, xs, stop_ops)
        pending = {}  # Tensor -> list of gradient contributions
        for y, gy in zip(ys, grad_ys):
            if gy is None:
                if not y.dtype.is_floating:
                    raise TypeError(f"Gradients of {y.dtype.name} tensor {y.name} need grad_ys.")
                gy = OPERATORS["ones_like"](y)
            else:
                gy = _as_tensor(gy, "grad_ys")
                if not gy.shape.is_compatible_with(y.shape):
                    raise ValueError(f"grad_ys shape {gy.shape} does not match {y.name} {y.shape}")
            pending.setdefault(y, []).append(gy)

        xs_set = set(xs)
        for op in _reverse_topological(between, ys):
            with graph.cond_branch(cond_path(op)):  # a branch op's gradient runs with it
                out_grads = []
                for out in op.outputs:
                    contributions = pending.get(out)
                    if out in xs_set:
                        out_grads.append(_sum(contributions) if contributions else None)
                    else:
                        out_grads.append(_sum(pending.pop(out, [])))
            if all(g is None for g in out_grads):
                continue
            override = op.attrs.get("_gradient_op_type")
            rule = _override_rule(override, op) if override else op.op_def.grad
            if rule is NO_GRADIENT:
                continue
            if rule is None:
                raise LookupError(f"No gradient defined for operation '{op.name}' "
                                  f"(op type: {op.type})")
            with graph.cond_branch(cond_path(op)):
                out_grads = [g if g is not None or not out.dtype.is_floating
                             else OPERATORS["zeros_like"](out)
                             for g, out in zip(out_grads, op.outputs)]
                with graph.name_scope(op.name + "_grad"), graph.gradient_origin(op):
                    in_grads = list(rule(op, *out_grads))
            if len(in_grads) != len(op.inputs):
                raise RuntimeError(f"Gradient rule of {op.type} returned {len(in_grads)} "
                                   f"gradients for {len(op.inputs)} inputs")
            for inp, g in zip(op.inputs, in_grads):
                if g is None or not inp.dtype.is_differentiable:
                    continue
                if inp.op in between or inp in xs_set:
                    if g.shape.is_compatible_with(inp.shape):
                        g.set_shape(inp.shape)
                    g = _leave_branches(graph, g, inp, cond_path(op))
                    pending.setdefault(inp, []).append(g)

        results = []
        for x in xs:
            g = _sum(pending.get(x, []))
            if g is None and unconnected_gradients == "zero":
                g = OPERATORS["zeros_like"](x)
            results.append(g)
    return results
