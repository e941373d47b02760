"""Random ops: uniform, normal, truncated normal, and categorical draws built on them. New
values on every run; one draw per run shared by every consumer; graph-level and op-level
seeds as in TF1."""
import secrets

import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import get_default_graph, name_scope, shape_from_tensor

from . import philox
from .array_ops import _shape_tensor
from .core import OPS, convert_to_tensor, defop, make_op

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed):
    """Set the graph-level seed of the default graph."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed):
    """(graph seed, op seed) per TF1's rules; fresh random seeds when neither is set."""
    graph = get_default_graph()
    if graph.seed is not None:
        return graph.seed, graph._last_id if op_seed is None else int(op_seed)
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed)
    return secrets.randbits(31), secrets.randbits(31)


def _random_infer(op):
    return [(shape_from_tensor(op.inputs[0]), op.attrs["dtype"])]


def _random_bind(draw):
    def bind(op, ctx):
        key = (op.attrs["seed"], op.attrs["seed2"])
        dtype = op.attrs["dtype"].np.type
        next_run = ctx.random_counter(op)
        return lambda shape: draw(tuple(int(d) for d in shape), dtype, key, next_run())
    return bind


for _type, _draw, _kernel in (("RandomUniform", philox.uniform, "random_uniform"),
                              ("RandomStandardNormal", philox.normal, "random_normal"),
                              ("TruncatedNormal", philox.truncated_normal, "truncated_normal")):
    defop(_type, _random_infer, _random_bind(_draw), grad=NO_GRADIENT, kernels=(_kernel,),
          stateful=True)


def _uniform_int_bind(op, ctx):
    key = (op.attrs["seed"], op.attrs["seed2"])
    dtype = op.attrs["dtype"].np.type
    lo, hi = op.attrs["minval"], op.attrs["maxval"]
    next_run = ctx.random_counter(op)
    return lambda shape: philox.uniform_int(tuple(int(d) for d in shape), dtype, key,
                                            next_run(), lo, hi)


defop("RandomUniformInt", _random_infer, _uniform_int_bind, grad=NO_GRADIENT,
      kernels=("random_uniform_int",), stateful=True)


def _random_op(op_type, shape, dtype, seed, name, **attrs):
    seed1, seed2 = get_seed(seed)
    return make_op(op_type, [_shape_tensor(shape)],
                   {"dtype": dtype, "seed": seed1, "seed2": seed2, **attrs}, name=name)


def _float_dtype(dtype, what):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"{what} needs a float dtype, got {dtype.name}")
    return dtype


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform values in [minval, maxval); integer dtypes need maxval."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_uniform") as scope:
        if dtype.is_integer:
            if maxval is None:
                raise ValueError("random_uniform with an integer dtype needs maxval")
            if int(maxval) <= int(minval):
                raise ValueError("random_uniform needs minval < maxval")
            return _random_op("RandomUniformInt", shape, dtype, seed, scope.rstrip("/"),
                              minval=int(minval), maxval=int(maxval))
        dtype = _float_dtype(dtype, "random_uniform")
        u = _random_op("RandomUniform", shape, dtype, seed, "RandomUniform")
        maxval = 1 if maxval is None else maxval
        lo = convert_to_tensor(minval, dtype=dtype)
        hi = convert_to_tensor(maxval, dtype=dtype)
        return u * (hi - lo) + lo


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    dtype = _float_dtype(dtype, "random_normal")
    with name_scope(name, "random_normal"):
        z = _random_op("RandomStandardNormal", shape, dtype, seed, "RandomStandardNormal")
        return z * convert_to_tensor(stddev, dtype=dtype) + convert_to_tensor(mean, dtype=dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal values redrawn until within two standard deviations of the mean."""
    dtype = _float_dtype(dtype, "truncated_normal")
    with name_scope(name, "truncated_normal"):
        z = _random_op("TruncatedNormal", shape, dtype, seed, "TruncatedNormal")
        return z * convert_to_tensor(stddev, dtype=dtype) + convert_to_tensor(mean, dtype=dtype)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """tf.random.categorical: `num_samples` class indices per row of logits [batch,
    classes] (unnormalized log-probabilities), drawn by the Gumbel-max trick: the argmax
    of logits plus independent Gumbel noise -log(-log(u)) follows softmax(logits)."""
    with name_scope(name, "categorical"):
        logits = convert_to_tensor(logits)
        if not logits.dtype.is_floating or logits.shape.ndims not in (None, 2):
            raise ValueError(f"categorical needs float logits [batch, classes], got "
                             f"{logits.dtype.name}{logits.shape}")
        dims = OPS.shape(logits)
        u = random_uniform(OPS.stack([dims[0], num_samples, dims[1]]),
                           minval=float(np.finfo(logits.dtype.np).tiny), dtype=logits.dtype,
                           seed=seed)
        noisy = OPS.expand_dims(logits, 1) - OPS.log(-OPS.log(u))
        return OPS.argmax(noisy, axis=2, output_type=dtype or dtypes.int64)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """tf.multinomial: tf.random.categorical under its TF1 name."""
    return categorical(logits, num_samples, dtype=output_dtype, seed=seed,
                       name=name or "multinomial")


def _gamma_infer(op):
    shape, alpha = op.inputs
    return [(shape_from_tensor(shape).concatenate(alpha.shape), op.attrs["dtype"])]


def _gamma_bind(op, ctx):
    key = (op.attrs["seed"], op.attrs["seed2"])
    dtype, next_run = op.attrs["dtype"].np, ctx.random_counter(op)

    def draw(shape, alpha):
        alpha = np.broadcast_to(alpha, tuple(int(d) for d in shape) + np.shape(alpha))
        return philox.gamma(alpha, key, next_run()).astype(dtype)
    return draw


# RandomGamma(shape, alpha): Gamma(alpha, 1) draws of shape `shape` + alpha.shape, on the
# host (a rejection sampler; plans holding it launch op by op on the GPU). Unlike TF1's, the
# draws have no gradient with respect to alpha (TF1 differentiates them implicitly).
defop("RandomGamma", _gamma_infer, _gamma_bind, grad=NO_GRADIENT, stateful=True)


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, beta) draws (beta: rate) of shape `shape` + broadcast(alpha, beta).shape;
    the same numbers on both backends for a given seed."""
    dtype = _float_dtype(dtype, "random_gamma")
    with name_scope(name, "random_gamma"):
        alpha = convert_to_tensor(alpha, dtype=dtype)
        if beta is not None:
            beta = convert_to_tensor(beta, dtype=dtype)
            alpha = alpha + OPS.zeros_like(beta)
        seed1, seed2 = get_seed(seed)
        draws = make_op("RandomGamma", [_shape_tensor(shape), alpha],
                        {"dtype": dtype, "seed": seed1, "seed2": seed2}, name="RandomGamma")
        return draws if beta is None else draws / beta
