"""Gradients the user defines: tf.identity_n (IdentityN, the op they hang on) and
tf.custom_gradient; and second derivatives: tf.hessians. Gradient overrides themselves live
in engine/gradients.py (RegisterGradient) and engine/graph.py (Graph.gradient_override_map)."""
import itertools

from tf0.engine.gradients import RegisterGradient, gradients
from tf0.engine.graph import Tensor, get_default_graph, name_scope

from .array_ops import reshape, stack
from .core import convert_to_tensor, defop, fixed, make_op

HESSIAN_ELEMENTS = 4096  # hessians() builds one gradient per element of x

defop("IdentityN", lambda op: [(t.shape, t.dtype) for t in op.inputs],
      fixed(lambda *xs: xs), grad=lambda op, *dys: list(dys), fresh_output=False)

_custom_ids = itertools.count()


def identity_n(input, name=None):  # noqa: A002 (TF1's argument name)
    """The tensors of the list `input`, passed through unchanged (one op for all)."""
    outs = make_op("IdentityN", [convert_to_tensor(t) for t in input], name=name or "IdentityN")
    return list(outs) if isinstance(outs, tuple) else [outs]


def custom_gradient(f):
    """A decorator: `f(*xs)` returns `(y, grad_fn)`, y a tensor or a list of them, and
    `grad_fn(*dys)` the gradients of the xs (a list, or one tensor for one x). tf.gradients
    then uses grad_fn instead of differentiating f's ops; tensors f reads that are not
    among its arguments (variables included) get no gradient through it."""
    def decorated(*args):
        xs = [convert_to_tensor(a) for a in args]
        ys, grad_fn = f(*xs)
        flat = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        if not all(isinstance(y, Tensor) for y in flat):
            raise TypeError("custom_gradient: f must return tensors and a gradient function")
        name = f"CustomGradient-{next(_custom_ids)}"

        @RegisterGradient(name)
        def _grad(op, *dys):
            dxs = grad_fn(*dys[:len(flat)])
            dxs = list(dxs) if isinstance(dxs, (list, tuple)) else [dxs]
            if len(dxs) != len(xs):
                raise ValueError(f"custom_gradient: grad_fn returned {len(dxs)} gradients "
                                 f"for {len(xs)} inputs")
            return [None] * len(flat) + dxs

        with get_default_graph().gradient_override_map({"IdentityN": name}):
            outs = identity_n(flat + xs)[:len(flat)]
        return type(ys)(outs) if isinstance(ys, (list, tuple)) else outs[0]
    return decorated


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """For each x of xs, d^2 sum(ys) / dx dx as a tensor of shape x.shape + x.shape: the
    gradient of each element of the gradient, built one by one, so x must have a known
    shape of at most HESSIAN_ELEMENTS elements."""
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    with name_scope(name):
        out = []
        for x in xs:
            x = convert_to_tensor(x)
            n = x.shape.num_elements() if x.shape.is_fully_defined() else None
            if n is None or n > HESSIAN_ELEMENTS:
                raise ValueError(f"hessians needs x of known shape with at most "
                                 f"{HESSIAN_ELEMENTS} elements, got {x.name} {x.shape}")
            grad = gradients(ys, x, unconnected_gradients="zero")[0]
            flat = reshape(grad, [-1])
            rows = [gradients(flat[i], x, unconnected_gradients="zero")[0] for i in range(n)]
            out.append(reshape(stack(rows), x.shape.dims * 2))
        return out
