"""The relu family (relu, relu6, leaky_relu): each gradient is its own primitive, so the
backward pass is one fused kernel, and a second derivative uses the same mask."""
import numpy as np

from tf0.engine.shapes import broadcast_shapes

from .core import convert_to_tensor, defop, fixed, make_op
from .math_ops import float_only, numeric


def _relu(x):
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def _relu6(x):
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


def _leaky_bind(op, ctx):
    alpha = op.attrs["alpha"]
    return lambda x: np.where(x > 0, x, x * x.dtype.type(alpha))


def _grad_mask_bind(mask):
    """dy where mask(x), dy * alpha elsewhere (dy * 0 for relu: -0 and NaN as TF1's)."""
    def bind(op, ctx):
        alpha = op.attrs.get("alpha", 0.0)
        if alpha == 0.0:  # dy * 1 is dy: the same bits as the select, in a third of the time
            return lambda dy, x: dy * mask(x)
        return lambda dy, x: np.where(mask(x), dy, dy * dy.dtype.type(alpha))
    return bind


def _mask_grad_rule(grad_type, from_output=False):
    """The gradient op of grad_type over the forward op's input, or (from_output) over its
    output where the mask reads the same from both: TF1's Relu gradient reads the output,
    so the input of a Relu often has no reader but the Relu (and can be fused into the op
    that makes it)."""
    def rule(op, dy):
        attrs = {"alpha": op.attrs.get("alpha", 0.0)}
        mask_of = op.outputs[0] if from_output else op.inputs[0]
        return [make_op(grad_type, [dy, mask_of], attrs, name=grad_type)]
    return rule


def _mask_grad_grad(op, ddy):
    # d(grad)/d(dy) is the same mask; the mask is piecewise constant in x.
    return [make_op(op.type, [ddy, op.inputs[1]], dict(op.attrs), name=op.type), None]


def _mask_grad_infer(op):
    dy, x = op.inputs
    return [(broadcast_shapes(dy.shape, x.shape), dy.dtype)]


defop("Relu", numeric, fixed(_relu), grad=_mask_grad_rule("ReluGrad", from_output=True),
      kernels=("unary:relu",))
defop("ReluGrad", _mask_grad_infer, _grad_mask_bind(lambda x: x > 0), grad=_mask_grad_grad,
      kernels=("binary:relu_grad",))
defop("Relu6", numeric, fixed(_relu6), grad=_mask_grad_rule("Relu6Grad"), kernels=("unary:relu6",))
defop("Relu6Grad", _mask_grad_infer, _grad_mask_bind(lambda x: (x > 0) & (x < 6)),
      grad=_mask_grad_grad, kernels=("binary:relu6_grad",))
defop("LeakyRelu", float_only, _leaky_bind, grad=_mask_grad_rule("LeakyReluGrad"),
      kernels=("unary:leaky_relu",))
defop("LeakyReluGrad", _mask_grad_infer, _grad_mask_bind(lambda x: x > 0),
      grad=_mask_grad_grad, kernels=("binary:leaky_relu_grad",))


def relu(features, name=None):
    return make_op("Relu", [convert_to_tensor(features)], name=name or "Relu")


def relu6(features, name=None):
    return make_op("Relu6", [convert_to_tensor(features)], name=name or "Relu6")


def leaky_relu(features, alpha=0.2, name=None):
    return make_op("LeakyRelu", [convert_to_tensor(features)], {"alpha": float(alpha)},
                   name=name or "LeakyRelu")
