"""tf.layers (dense, dropout, flatten) and tf.nn.dropout, with TF1's variable names."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, get_default_graph, name_scope

from . import init_ops, math_ops, random_ops
from .array_ops import reshape, shape
from .core import OPS, convert_to_tensor
from .sources import identity
from .variable_scope import get_variable, variable_scope


class Layer:
    """A callable that creates its variables on first call (under `name`)."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        self.trainable = trainable
        self.name = name
        self.dtype = dtype
        self.built = False
        self._scope = None
        self.trainable_weights, self.non_trainable_weights = [], []

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self):
        return self.weights

    def add_weight(self, name, shape, dtype, initializer, trainable=True):
        var = get_variable(name, shape, dtype=dtype, initializer=initializer,
                           trainable=trainable and self.trainable)
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
        return out

    def apply(self, inputs, *args, **kwargs):
        return self(inputs, *args, **kwargs)


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias); kernel [in, units] named <scope>/kernel."""
    _default_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
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
                                      self.kernel_initializer)
        self.bias = self.add_weight("bias", [self.units], dtype, self.bias_initializer) \
            if self.use_bias else None

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


def _keep_mask(x, rate, noise_shape, seed):
    keep = 1.0 - rate
    noise = noise_shape if noise_shape is not None else shape(x)
    u = random_ops.random_uniform(noise, dtype=x.dtype, seed=seed)
    return OPS.floor(u + keep) / keep


def dropout_nn(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """tf.nn.dropout: zero each element with probability rate (= 1 - keep_prob) and scale
    the rest by 1 / (1 - rate)."""
    if (keep_prob is None) == (rate is None):
        raise ValueError("Give exactly one of keep_prob and rate")
    rate = 1.0 - keep_prob if rate is None else rate
    if not 0 <= float(rate) < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    with name_scope(name, "dropout"):
        x = convert_to_tensor(x)
        if rate == 0:
            return identity(x)
        return x * _keep_mask(x, float(rate), noise_shape, seed)


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


# ---- tf.losses --------------------------------------------------------------------------
class Reduction:
    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weight the per-element losses and reduce them as TF1 does (default: the sum divided
    by the number of non-zero weights, i.e. the mean for weights=1)."""
    with name_scope(scope, "weighted_loss"):
        losses = convert_to_tensor(losses)
        weights = math_ops.cast(convert_to_tensor(weights), losses.dtype)
        weighted = losses * weights
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            total = OPS.reduce_sum(weighted)
            if reduction == Reduction.SUM:
                loss = total
            elif reduction == Reduction.MEAN:
                loss = total / OPS.reduce_sum(weights * OPS.ones_like(losses))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = total / math_ops.cast(OPS.size(losses), losses.dtype)
            else:
                nonzero = OPS.reduce_sum(math_ops.cast(
                    OPS.not_equal(weights * OPS.ones_like(losses), 0.0), losses.dtype))
                loss = total / OPS.maximum(nonzero, 1.0)
        if loss_collection:
            get_default_graph().add_to_collection(loss_collection, loss)
        return loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope, "mean_squared_error"):
        p = convert_to_tensor(predictions)
        return compute_weighted_loss(OPS.squared_difference(p, math_ops.cast(labels, p.dtype)),
                                     weights, None, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope, "absolute_difference"):
        p = convert_to_tensor(predictions)
        return compute_weighted_loss(OPS.abs(p - math_ops.cast(labels, p.dtype)), weights, None,
                                     loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope, "softmax_cross_entropy_loss"):
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(onehot_labels, logits.dtype)
        if label_smoothing:
            n = math_ops.cast(shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / n
        per_example = OPS.softmax_cross_entropy_with_logits_v2(
            labels=OPS.stop_gradient(labels), logits=logits)
        return compute_weighted_loss(per_example, weights, None, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope, "sparse_softmax_cross_entropy_loss"):
        per_example = OPS.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return compute_weighted_loss(per_example, weights, None, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope, "sigmoid_cross_entropy_loss"):
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(multi_class_labels, logits.dtype)
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        per_element = OPS.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return compute_weighted_loss(per_element, weights, None, loss_collection, reduction)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_default_graph().get_collection(loss_collection, scope)


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    losses = get_losses()
    if add_regularization_losses:
        losses += get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES)
    return OPS.add_n(losses, name=name)
