"""TF1's learning-rate schedules (tf.train.*_decay, piecewise_constant): float32 functions
of the global step, built from ordinary ops."""
import math

from tf0.engine import dtypes
from tf0.engine.graph import get_default_graph

from . import math_ops
from .core import OPS, convert_to_tensor
from .variables import Variable


def _step(global_step):
    step = global_step.value() if isinstance(global_step, Variable) else \
        convert_to_tensor(global_step)
    return math_ops.cast(step, dtypes.float32)


def _progress(global_step, decay_steps, staircase):
    p = _step(global_step) / float(decay_steps)
    return OPS.floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ** (global_step / decay_steps), floored if staircase."""
    with get_default_graph().name_scope(name or "ExponentialDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        return lr * OPS.pow(convert_to_tensor(decay_rate, dtype=dtypes.float32),
                            _progress(global_step, decay_steps, staircase))


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps)."""
    with get_default_graph().name_scope(name or "InverseTimeDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        return lr / (1.0 + float(decay_rate) * _progress(global_step, decay_steps, staircase))


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps)."""
    with get_default_graph().name_scope(name or "NaturalExpDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        return lr * OPS.exp(-float(decay_rate) * _progress(global_step, decay_steps, staircase))


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """From learning_rate to end_learning_rate over decay_steps as (1 - t)^power; then
    end_learning_rate, or with `cycle` a new decay over the next multiple of decay_steps."""
    with get_default_graph().name_scope(name or "PolynomialDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        step = _step(global_step)
        steps = convert_to_tensor(float(decay_steps), dtype=dtypes.float32)
        if cycle:  # the first multiple of decay_steps at or after the step (1 at step 0)
            steps = steps * OPS.maximum(OPS.ceil(step / steps), 1.0)
        else:
            step = OPS.minimum(step, steps)
        return (lr - float(end_learning_rate)) * OPS.pow(1.0 - step / steps, float(power)) \
            + float(end_learning_rate)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * (1 + cos(pi * t)) / 2 + alpha), t = step /
    decay_steps capped at 1."""
    with get_default_graph().name_scope(name or "CosineDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        t = OPS.minimum(_step(global_step), float(decay_steps)) / float(decay_steps)
        cosine = 0.5 * (1.0 + OPS.cos(math.pi * t))
        return lr * ((1.0 - float(alpha)) * cosine + float(alpha))


def piecewise_constant(x, boundaries, values, name=None):
    """values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <=
    boundaries[i], values[-1] after the last boundary."""
    if len(values) != len(boundaries) + 1:
        raise ValueError("piecewise_constant needs one more value than boundaries")
    with get_default_graph().name_scope(name or "PiecewiseConstant"):
        x = x.value() if isinstance(x, Variable) else convert_to_tensor(x)
        values = [convert_to_tensor(v) for v in values]
        out = values[-1]
        for boundary, value in zip(reversed(boundaries), reversed(values[:-1])):
            out = math_ops.where(x <= convert_to_tensor(boundary, dtype=x.dtype), value, out)
        return out


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay that restarts: the i-th period lasts first_decay_steps * t_mul^i steps
    and starts from learning_rate * m_mul^i (SGDR)."""
    with get_default_graph().name_scope(name or "SGDRDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        done = _step(global_step) / float(first_decay_steps)
        if t_mul == 1.0:
            restart = OPS.floor(done)
            done = done - restart
        else:
            restart = OPS.floor(OPS.log(1.0 - done * (1.0 - t_mul)) / math.log(t_mul))
            before = (1.0 - OPS.pow(convert_to_tensor(float(t_mul)), restart)) / (1.0 - t_mul)
            done = (done - before) / OPS.pow(convert_to_tensor(float(t_mul)), restart)
        factor = OPS.pow(convert_to_tensor(float(m_mul)), restart)
        cosine = 0.5 * factor * (1.0 + OPS.cos(math.pi * done))
        return lr * ((1.0 - float(alpha)) * cosine + float(alpha))


def _linear_cosine(lr, global_step, decay_steps, num_periods, alpha, beta, noise=None):
    step = OPS.minimum(_step(global_step), float(decay_steps))
    linear = (float(decay_steps) - step) / float(decay_steps)
    if noise is not None:
        linear = linear + noise(step)
    fraction = 2.0 * float(num_periods) * step / float(decay_steps)
    cosine = 0.5 * (1.0 + OPS.cos(math.pi * fraction))
    return lr * ((float(alpha) + linear) * cosine + float(beta))


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """learning_rate * ((alpha + linear) * cosine + beta): a linear fall to 0 over
    decay_steps times num_periods cosine periods."""
    with get_default_graph().name_scope(name or "LinearCosineDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)
        return _linear_cosine(lr, global_step, decay_steps, num_periods, alpha, beta)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """linear_cosine_decay with normal noise of variance initial_variance / (1 + step) **
    variance_decay added to its linear part, drawn anew on each run."""
    from .random_ops import random_normal
    with get_default_graph().name_scope(name or "NoisyLinearCosineDecay"):
        lr = convert_to_tensor(learning_rate, dtype=dtypes.float32)

        def noise(step):
            std = OPS.sqrt(float(initial_variance) / OPS.pow(1.0 + step, float(variance_decay)))
            return random_normal([]) * std
        return _linear_cosine(lr, global_step, decay_steps, num_periods, alpha, beta, noise)


piecewise_constant_decay = piecewise_constant
