"""tf.layers (dense, dropout, flatten) and tf.nn.dropout, with TF1's variable names."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, Tensor, get_default_graph, name_scope

from . import init_ops, math_ops, random_ops
from .array_ops import reshape, shape
from .composites import batch_normalization as _normalize
from .composites import moments
from .core import OPS, convert_to_tensor
from .regularizers import add_regularization
from .sources import identity
from .variable_scope import get_variable, variable_scope


class Layer:
    """A callable that creates its variables on first call (under `name`)."""

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **unknown):
        if unknown:  # TF1 refuses them too; silently ignoring one would mislead
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments "
                            f"{sorted(unknown)}")
        self.trainable = trainable
        self.name = name
        self.dtype = dtype
        self.activity_regularizer = activity_regularizer
        self.built = False
        self._scope = None
        self.trainable_weights, self.non_trainable_weights = [], []

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self):
        return self.weights

    def add_weight(self, name, shape, dtype, initializer, trainable=True, regularizer=None):
        """A variable of this layer's scope; regularizer(variable), if given, goes to
        GraphKeys.REGULARIZATION_LOSSES."""
        var = get_variable(name, shape, dtype=dtype, initializer=initializer,
                           trainable=trainable and self.trainable, regularizer=regularizer)
        (self.trainable_weights if trainable and self.trainable
         else self.non_trainable_weights).append(var)
        return var

    def __call__(self, inputs, *args, **kwargs):
        inputs = convert_to_tensor(inputs)
        scope_arg = self._scope if self._scope is not None else self.name
        with variable_scope(scope_arg, default_name=self._default_name,
                            reuse=True if self.built else None) as scope:
            self._scope = scope
            if not self.built:
                if self.dtype is None:  # as in TF1, a layer takes its inputs' dtype
                    self.dtype = inputs.dtype
                self.build(inputs.shape)
                self.built = True
            out = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:  # per example, as TF1.15's layers
                penalty = self.activity_regularizer(out)
                if penalty is not None:
                    add_regularization(penalty / math_ops.cast(shape(out)[0], penalty.dtype))
        return out

    def apply(self, inputs, *args, **kwargs):
        return self(inputs, *args, **kwargs)


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias); kernel [in, units] named <scope>/kernel."""
    _default_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, trainable=True, name=None, kernel_regularizer=None,
                 bias_regularizer=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer or init_ops.GlorotUniform()
        self.bias_initializer = bias_initializer or init_ops.Zeros()

    def build(self, input_shape):
        in_dim = input_shape.dims[-1] if input_shape.ndims else None
        if in_dim is None:
            raise ValueError(f"The last dimension of the inputs to Dense must be known, got "
                             f"{input_shape}")
        dtype = dtypes.as_dtype(self.dtype)
        self.kernel = self.add_weight("kernel", [in_dim, self.units], dtype,
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", [self.units], dtype, self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            flat = reshape(inputs, [-1, inputs.shape.dims[-1]])
            out = math_ops.matmul(flat, self.kernel)
            out = reshape(out, OPS.concat([shape(inputs)[:-1], [self.units]], 0))
        else:
            out = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            out = OPS.bias_add(out, self.bias)
        return self.activation(out) if self.activation is not None else out


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, trainable=True, name=None, reuse=None, **kwargs):
    layer = Dense(units, activation, use_bias, kernel_initializer, bias_initializer,
                  trainable, name, **kwargs)
    if reuse:
        with variable_scope(name, reuse=True) as scope:
            layer._scope, layer.built = scope, False
    return layer(inputs)


def _keep_mask(x, keep, noise_shape, seed):
    """1 / keep where a uniform draw lands under `keep` (a number or a scalar tensor), else
    0, shaped `noise_shape` (default x's)."""
    noise = noise_shape if noise_shape is not None else shape(x)
    u = random_ops.random_uniform(noise, dtype=x.dtype, seed=seed)
    return OPS.floor(u + keep) / keep


def dropout_nn(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """tf.nn.dropout: zero each element with probability rate (= 1 - keep_prob) and scale
    the rest by 1 / (1 - rate). keep_prob or rate may be a number or a scalar tensor (TF1's
    `keep_prob` placeholder; as in TF1, a tensor's range is not checked)."""
    if (keep_prob is None) == (rate is None):
        raise ValueError("Give exactly one of keep_prob and rate")
    if isinstance(keep_prob, Tensor) or isinstance(rate, Tensor):
        with name_scope(name, "dropout"):
            x = convert_to_tensor(x)
            keep = convert_to_tensor(keep_prob, dtype=x.dtype) if rate is None \
                else 1.0 - convert_to_tensor(rate, dtype=x.dtype)
            if not keep.shape.is_compatible_with([]):
                raise ValueError(f"keep_prob must be a scalar, got shape {keep.shape}")
            return x * _keep_mask(x, keep, noise_shape, seed)
    rate = 1.0 - keep_prob if rate is None else rate
    if not 0 <= float(rate) < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    with name_scope(name, "dropout"):
        x = convert_to_tensor(x)
        if rate == 0:
            return identity(x)
        return x * _keep_mask(x, 1.0 - float(rate), noise_shape, seed)


class Dropout(Layer):
    _default_name = "dropout"

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def build(self, input_shape):
        pass

    def call(self, inputs, training=False):
        if isinstance(training, bool) or training is None:
            return dropout_nn(inputs, rate=self.rate, noise_shape=self.noise_shape,
                              seed=self.seed) if training else identity(inputs)
        training = convert_to_tensor(training, dtype=dtypes.bool_)
        dropped = dropout_nn(inputs, rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return math_ops.where(training, dropped, inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout: identity unless `training` (a bool or a bool tensor) is true."""
    return Dropout(rate, noise_shape, seed, name)(inputs, training=training)


class Flatten(Layer):
    _default_name = "flatten"

    def build(self, input_shape):
        pass

    def call(self, inputs):
        dims = inputs.shape.dims
        if dims is None or any(d is None for d in dims[1:]):
            raise ValueError(f"flatten needs every dim but the first known, got {inputs.shape}")
        return reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])


def flatten(inputs, name=None):
    return Flatten(name=name)(inputs)


class BatchNormalization(Layer):
    """Normalizes over every axis but `axis`: with batch moments when training (and then
    moves moving_mean/moving_variance toward them by 1 - momentum, through ops added to
    the UPDATE_OPS collection), with the moving averages otherwise. As TF1's fused kernel
    (its choice for 4-D inputs normalized per channel, fused=None), the moving variance
    then moves toward the unbiased batch variance."""
    _default_name = "batch_normalization"

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None, moving_mean_initializer=None,
                 moving_variance_initializer=None, trainable=True, name=None, fused=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name)
        self.fused = fused
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self._inits = (beta_initializer or init_ops.Zeros(), gamma_initializer or init_ops.Ones(),
                       moving_mean_initializer or init_ops.Zeros(),
                       moving_variance_initializer or init_ops.Ones())

    def build(self, input_shape):
        if input_shape.ndims is None or input_shape.dims[self.axis] is None:
            raise ValueError(f"batch_normalization needs the size of axis {self.axis} to be "
                             f"known, got {input_shape}")
        n, dtype = [input_shape.dims[self.axis]], dtypes.as_dtype(self.dtype)
        beta_init, gamma_init, mean_init, var_init = self._inits
        self.gamma = self.add_weight("gamma", n, dtype, gamma_init) if self.scale else None
        self.beta = self.add_weight("beta", n, dtype, beta_init) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", n, dtype, mean_init, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", n, dtype, var_init,
                                               trainable=False)

    def call(self, inputs, training=False):
        rank = inputs.shape.ndims
        axis = self.axis % rank
        reduce_axes = [i for i in range(rank) if i != axis]
        shape_c = [1] * rank
        shape_c[axis] = inputs.shape.dims[axis]

        def per_channel(v):
            return v if axis == rank - 1 or v is None else reshape(v, shape_c)

        moving = (self.moving_mean.value(), self.moving_variance.value())
        if training is False or training is None:
            mean, var = moving
        else:
            mean, var = moments(inputs, reduce_axes)
            tensor_flag = isinstance(training, Tensor) or hasattr(training, "_as_graph_element")
            if tensor_flag:
                flag = convert_to_tensor(training, dtype=dtypes.bool_)
                mean, var = math_ops.where(flag, mean, moving[0]), math_ops.where(flag, var, moving[1])
            decay = 1.0 - self.momentum
            toward_var = var
            if self.fused or (self.fused is None and rank == 4 and axis in (1, 3)):
                count = math_ops.cast(OPS.size(inputs) // shape(inputs)[axis], var.dtype)
                toward_var = var * count / OPS.maximum(count - 1.0, 1.0)
                if tensor_flag:
                    toward_var = math_ops.where(flag, toward_var, moving[1])
            updates = [v.assign_sub((v.value() - m) * decay)
                       for v, m in ((self.moving_mean, mean), (self.moving_variance,
                                                               toward_var))]
            get_default_graph().add_to_collections(GraphKeys.UPDATE_OPS, updates[0])
            get_default_graph().add_to_collections(GraphKeys.UPDATE_OPS, updates[1])
        return _normalize(inputs, per_channel(mean), per_channel(var), per_channel(self.beta),
                          per_channel(self.gamma), self.epsilon)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        training=False, trainable=True, name=None, reuse=None, fused=None,
                        **kwargs):
    """tf.layers.batch_normalization: see BatchNormalization."""
    layer = BatchNormalization(axis, momentum, epsilon, center, scale, beta_initializer,
                               gamma_initializer, moving_mean_initializer,
                               moving_variance_initializer, trainable, name, fused)
    return layer(inputs, training=training)
