"""Initializers: callables `init(shape, dtype=None, partition_info=None) -> Tensor`."""
import math

import numpy as np

from tf0.engine import dtypes

from . import random_ops
from .core import OPS, constant
from .sources import ones, zeros


class Initializer:
    """Base class; subclasses build the initial value as graph ops."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def _dtype(self, dtype):
        return dtypes.as_dtype(dtype) if dtype is not None else self.dtype

    def get_config(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


class Zeros(Initializer):
    def __call__(self, shape, dtype=None, partition_info=None):
        return zeros(shape, self._dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None, partition_info=None):
        return ones(shape, self._dtype(dtype))


class Constant(Initializer):
    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        super().__init__(dtype)
        self.value = value
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None):
        return constant(self.value, dtype=self._dtype(dtype), shape=shape,
                        verify_shape=self.verify_shape)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(shape, self.mean, self.stddev, self._dtype(dtype),
                                        seed=self.seed)


class TruncatedNormal(RandomNormal):
    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(shape, self.mean, self.stddev, self._dtype(dtype),
                                           seed=self.seed)


class RandomUniform(Initializer):
    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(shape, self.minval, self.maxval, self._dtype(dtype),
                                         seed=self.seed)


def _fans(shape):
    shape = [int(d) for d in shape]
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Values with variance scale / n, n = fan_in, fan_out or their mean (TF1 rules)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        super().__init__(dtype)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid mode {mode!r}")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"Invalid distribution {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self._dtype(dtype)
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # stddev of a unit normal truncated to [-2, 2]
            stddev = math.sqrt(scale) / 0.87962566103423978
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


class ContribVarianceScaling(Initializer):
    """tf.contrib.layers.variance_scaling_initializer's rule, which differs from the core
    one: uniform in +-sqrt(3 * factor / n), or a normal truncated at two standard
    deviations with stddev sqrt(1.3 * factor / n); n = fan_in, fan_out or their mean."""

    def __init__(self, factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                 dtype=dtypes.float32):
        super().__init__(dtype)
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise ValueError(f"Invalid mode {mode!r}")
        self.factor, self.mode, self.uniform, self.seed = float(factor), mode, uniform, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self._dtype(dtype)
        fan_in, fan_out = _fans(shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2}[self.mode]
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)
        return random_ops.truncated_normal(shape, 0.0, math.sqrt(1.3 * self.factor / n), dtype,
                                           seed=self.seed)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """tf.contrib.layers.xavier_initializer: variance 1 / mean(fan_in, fan_out)."""
    return ContribVarianceScaling(1.0, "FAN_AVG", uniform, seed, dtype)


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix, reshaped to the variable's shape and scaled by gain: the
    Q of a normal matrix's QR, each column's sign made that of R's diagonal, as TF1."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        from .array_composites import matrix_diag_part
        from .decompositions import qr
        dtype = self._dtype(dtype)
        shape = [int(d) for d in shape]
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = random_ops.random_normal([max(rows, cols), min(rows, cols)], dtype=dtype,
                                     seed=self.seed)
        q, r = qr(a)
        q = q * OPS.sign(matrix_diag_part(r))
        if rows < cols:
            q = OPS.transpose(q)
        return self.gain * OPS.reshape(q, shape)


class Identity(Initializer):
    """gain times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        super().__init__(dtype)
        self.gain = gain

    def __call__(self, shape, dtype=None, partition_info=None):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        dtype = self._dtype(dtype)
        return constant(self.gain * np.eye(int(shape[0]), int(shape[1])), dtype=dtype)


class UniformUnitScaling(Initializer):
    """Uniform in +-factor * sqrt(3 / fan_in), fan_in the product of all but the last dim."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.factor, self.seed = factor, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        fan_in = max(1, int(np.prod(shape[:-1])))
        limit = math.sqrt(3.0 / fan_in) * self.factor
        return random_ops.random_uniform(shape, -limit, limit, self._dtype(dtype),
                                         seed=self.seed)


def lecun_normal(seed=None):
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    return VarianceScaling(1.0, "fan_in", "uniform", seed)
