"""Fused optimizer updates: one op per variable that reads the variable, its slots and the
gradient and writes their new values (the formulas of TF1's Apply* ops).

Inputs: refs first (the variable, then its slots), then the gradient, then scalar
hyper-parameters as 0-d tensors. The output is the variable's new value. New values are
fresh arrays written to the run's pending state, so a failed run changes nothing.
"""
import numpy as np

from tf0.engine.gradients import NO_GRADIENT

from .core import defop


def _apply_infer(op):
    var, grad = op.inputs[0], op.inputs[op.attrs["n_refs"]]
    if grad.dtype is not var.dtype:
        raise ValueError(f"{op.type}: gradient dtype {grad.dtype.name} does not match variable "
                         f"{var.op.name} of dtype {var.dtype.name}")
    if not var.shape.is_compatible_with(grad.shape):
        raise ValueError(f"{op.type}: gradient shape {grad.shape} does not match variable "
                         f"{var.op.name} of shape {var.shape}")
    return [(var.shape, var.dtype)]


def _gradient_descent(var, grad, lr):
    return (var - lr * grad,)


def _momentum(var, accum, grad, lr, momentum, use_nesterov):
    accum = momentum * accum + grad
    step = grad + momentum * accum if use_nesterov else accum
    return var - lr * step, accum


def _adam(var, m, v, grad, lr_t, beta1, beta2, epsilon):
    """lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), computed in the graph."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return var - lr_t * m / (np.sqrt(v) + epsilon), m, v


def _rmsprop(var, ms, mom, grad, lr, decay, momentum, epsilon):
    ms = decay * ms + (1 - decay) * grad * grad
    mom = momentum * mom + lr * grad / np.sqrt(ms + epsilon)
    return var - mom, ms, mom


def _centered_rmsprop(var, ms, mg, mom, grad, lr, decay, momentum, epsilon):
    """RMSProp on the variance: the mean square less the square of the mean gradient."""
    ms = decay * ms + (1 - decay) * grad * grad
    mg = decay * mg + (1 - decay) * grad
    mom = momentum * mom + lr * grad / np.sqrt(ms - mg * mg + epsilon)
    return var - mom, ms, mg, mom


def _adagrad(var, accum, grad, lr):
    accum = accum + grad * grad
    return var - lr * grad / np.sqrt(accum), accum


def _adadelta(var, accum, accum_update, grad, lr, rho, epsilon):
    accum = rho * accum + (1 - rho) * grad * grad
    update = np.sqrt(accum_update + epsilon) / np.sqrt(accum + epsilon) * grad
    accum_update = rho * accum_update + (1 - rho) * update * update
    return var - lr * update, accum, accum_update


def _ftrl(var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power):
    """FTRL-Proximal (TF1's ApplyFtrlV2; l2_shrinkage 0 is ApplyFtrl)."""
    new_accum = accum + grad * grad
    shrunk = grad + 2 * l2_shrinkage * var
    linear = linear + shrunk - (new_accum ** -lr_power - accum ** -lr_power) / lr * var
    quadratic = new_accum ** -lr_power / lr + 2 * l2
    var = np.where(np.abs(linear) > l1, (np.sign(linear) * l1 - linear) / quadratic, 0)
    return var, new_accum, linear


def _proximal(prox, step, l1, l2):
    """The proximal step of the proximal optimizers: L1 soft threshold, then L2 scaling."""
    return np.sign(prox) / (1 + step * l2) * np.maximum(np.abs(prox) - step * l1, 0)


def _proximal_gradient_descent(var, grad, lr, l1, l2):
    return (_proximal(var - lr * grad, lr, l1, l2),)


def _proximal_adagrad(var, accum, grad, lr, l1, l2):
    accum = accum + grad * grad
    step = lr / np.sqrt(accum)
    return _proximal(var - step * grad, step, l1, l2), accum


# op type -> (update function, number of refs, kernel)
UPDATES = {
    "ApplyGradientDescent": (_gradient_descent, 1, "apply_gradient_descent"),
    "ApplyMomentum": (_momentum, 2, "apply_momentum"),
    "ApplyAdam": (_adam, 3, "apply_adam"),
    "ApplyRMSProp": (_rmsprop, 3, "apply_rmsprop"),
    "ApplyCenteredRMSProp": (_centered_rmsprop, 4, "apply_centered_rmsprop"),
    "ApplyAdagrad": (_adagrad, 2, "apply_adagrad"),
    "ApplyAdadelta": (_adadelta, 3, "apply_adadelta"),
    "ApplyFtrl": (_ftrl, 3, "apply_ftrl"),
    "ApplyProximalGradientDescent": (_proximal_gradient_descent, 1,
                                     "apply_proximal_gradient_descent"),
    "ApplyProximalAdagrad": (_proximal_adagrad, 2, "apply_proximal_adagrad"),
}


def _apply_bind(update):
    def bind(op, ctx):
        n_refs = op.attrs["n_refs"]
        refs = [t.op for t in op.inputs[:n_refs]]
        reads = [ctx.reader(r) for r in refs]
        writes = [ctx.writer(r) for r in refs]
        extra = {"use_nesterov": op.attrs["use_nesterov"]} if "use_nesterov" in op.attrs else {}

        def apply_np(grad, *scalars):
            state = [read() for read in reads]
            if np.shape(grad) != np.shape(state[0]):
                from tf0.engine import errors
                raise errors.InvalidArgumentError(
                    None, None, f"{op.type}: gradient shape {np.shape(grad)} does not match "
                                f"variable shape {np.shape(state[0])}")
            dtype = state[0].dtype.type
            new = update(*state, grad, *(dtype(s) for s in scalars), **extra)
            for write, value in zip(writes, new):
                write(np.asarray(value, dtype=dtype))
            return new[0]
        return apply_np
    return bind


for _type, (_update, _n_refs, _kernel) in UPDATES.items():
    defop(_type, _apply_infer, _apply_bind(_update), grad=NO_GRADIENT, kernels=(_kernel,),
          ref_inputs=range(_n_refs), stateful=True, fresh_output=False)
