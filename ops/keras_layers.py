"""tf.keras.layers (TF1 graph mode): Input and the common layers with keras's arguments,
defaults and weight names (<layer name>/kernel, /bias, /gamma, /beta, /moving_mean,
/moving_variance, /embeddings). Dense, the convolutions, pooling, dropout and batch
normalization compute as the tf.layers of the same name (which they hold, under the keras
layer's name); dropout and batch normalization follow the learning phase."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, get_default_graph

from . import conv3d_layers, conv_layers, layers as tf_layers, separable_layers
from .array_ops import concat, reshape
from .composites import embedding_lookup, moments
from .core import OPS
from .keras_base import (KerasLayer, _MADE_BY, get_activation, get_initializer,
                         get_regularizer, unique_name)
from .sources import placeholder


class InputLayer(KerasLayer):
    """The placeholder a functional model is fed through."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, name=None,
                 batch_input_shape=None, sparse=False, input_tensor=None):
        super().__init__(name=name or unique_name("input", numbered=True),
                         dtype=dtype or "float32",
                         input_shape=input_shape, batch_input_shape=batch_input_shape)
        if input_tensor is None:
            shape = self.batch_input_shape or (batch_size,)
            input_tensor = placeholder(dtypes.as_dtype(self.dtype),
                                       [batch_size, *shape[1:]] if batch_size else list(shape),
                                       name=self.name)
        _MADE_BY[input_tensor] = (self, [])
        self.inbound_nodes.append(([], [input_tensor]))
        self.built = True


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False,  # noqa: N802
          tensor=None, batch_shape=None):
    """keras.Input: a placeholder [batch_size, *shape] of its own InputLayer."""
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype, name=name,
                       batch_input_shape=batch_shape, input_tensor=tensor)
    return layer.output


class _Wrapped(KerasLayer):
    """A keras layer computed by a tf.layers layer of the same name (self.inner), which
    opens the variable scope."""
    _opens_scope = False

    def _make(self, inner):
        self.inner = inner
        inner.name = self.name

    def build(self, input_shape):
        pass

    def call(self, inputs, **kwargs):
        before = set(get_default_graph().get_collection(GraphKeys.UPDATE_OPS))
        out = self.inner(inputs, **kwargs)
        if not self._trainable_weights and not self._non_trainable_weights:
            self._trainable_weights = list(self.inner.trainable_weights)
            self._non_trainable_weights = list(self.inner.non_trainable_weights)
            for var, reg in self._regularized():
                penalty = reg(var) if reg is not None else None
                if penalty is not None:
                    self.add_loss(penalty)
        self.add_update([u for u in get_default_graph().get_collection(GraphKeys.UPDATE_OPS)
                         if u not in before])
        if self.activation_fn is not None:
            out = self.activation_fn(out)
        return out

    activation_fn = None

    def _regularized(self):
        return [(getattr(self.inner, "kernel", None), getattr(self, "kernel_regularizer", None)),
                (getattr(self.inner, "bias", None), getattr(self, "bias_regularizer", None))]


class Dense(_Wrapped):
    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation_fn = int(units), get_activation(activation)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.bias_regularizer = get_regularizer(bias_regularizer)
        self._make(tf_layers.Dense(units, None, use_bias, get_initializer(kernel_initializer),
                                   get_initializer(bias_initializer), self.trainable))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


def _conv_format(data_format):
    return "channels_last" if data_format in (None, "channels_last") else data_format


class Conv2D(_Wrapped):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.activation_fn = int(filters), get_activation(activation)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.bias_regularizer = get_regularizer(bias_regularizer)
        self._make(self._inner_class(
            filters, kernel_size, strides, padding, _conv_format(data_format), dilation_rate,
            None, use_bias, get_initializer(kernel_initializer),
            get_initializer(bias_initializer), self.trainable))

    _inner_class = conv_layers.Conv2D


class Conv1D(Conv2D):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides, padding,
                         "channels_last" if data_format in (None, "channels_last")
                         else data_format, dilation_rate, **kwargs)

    _inner_class = conv_layers.Conv1D


class Conv2DTranspose(Conv2D):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, (1, 1),
                         activation, use_bias, kernel_initializer, bias_initializer, **kwargs)

    _inner_class = conv_layers.Conv2DTranspose


class DepthwiseConv2D(_Wrapped):
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.activation_fn = get_activation(activation)
        self._regularizers = {"depthwise_kernel": get_regularizer(depthwise_regularizer),
                              "bias": get_regularizer(bias_regularizer)}
        self._make(separable_layers.DepthwiseConv2D(
            kernel_size, strides, padding, depth_multiplier, _conv_format(data_format),
            activation=None, use_bias=use_bias,
            depthwise_initializer=get_initializer(depthwise_initializer),
            bias_initializer=get_initializer(bias_initializer), trainable=self.trainable))

    def _regularized(self):
        return [(getattr(self.inner, name, None), reg) for name, reg in
                self._regularizers.items()]


class SeparableConv2D(DepthwiseConv2D):
    _inner_class = separable_layers.SeparableConv2D

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, **kwargs):
        _Wrapped.__init__(self, **kwargs)
        self.activation_fn = get_activation(activation)
        self._regularizers = {"depthwise_kernel": get_regularizer(depthwise_regularizer),
                              "pointwise_kernel": get_regularizer(pointwise_regularizer),
                              "bias": get_regularizer(bias_regularizer)}
        self._make(self._inner_class(
            filters, kernel_size, strides=strides, padding=padding,
            data_format=_conv_format(data_format), dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier, use_bias=use_bias,
            depthwise_initializer=get_initializer(depthwise_initializer),
            pointwise_initializer=get_initializer(pointwise_initializer),
            bias_initializer=get_initializer(bias_initializer), trainable=self.trainable))


class SeparableConv1D(SeparableConv2D):
    _inner_class = separable_layers.SeparableConv1D

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)


class Conv3D(Conv2D):
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)

    _inner_class = conv3d_layers.Conv3D


class Conv3DTranspose(Conv3D):
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, (1, 1, 1),
                         **kwargs)

    _inner_class = conv3d_layers.Conv3DTranspose


class _Pooling(_Wrapped):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        self._make(self._inner_class(pool_size, strides if strides is not None else pool_size,
                                     padding, _conv_format(data_format)))


class MaxPooling2D(_Pooling):
    _inner_class = conv_layers.MaxPooling2D


class AveragePooling2D(_Pooling):
    _inner_class = conv_layers.AveragePooling2D


class MaxPooling3D(_Pooling):
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    _inner_class = conv3d_layers.MaxPooling3D


class AveragePooling3D(MaxPooling3D):
    _inner_class = conv3d_layers.AveragePooling3D


class MaxPooling1D(_Pooling):
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    _inner_class = conv_layers.MaxPooling1D


class AveragePooling1D(MaxPooling1D):
    _inner_class = conv_layers.AveragePooling1D


class _GlobalPooling(KerasLayer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.channels_last = _conv_format(data_format) == "channels_last"

    def call(self, inputs):
        rank = inputs.shape.ndims
        axes = list(range(1, rank - 1)) if self.channels_last else list(range(2, rank))
        return self._reduce(inputs, axis=axes)


class GlobalAveragePooling2D(_GlobalPooling):
    _reduce = staticmethod(OPS.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling):
    _reduce = staticmethod(OPS.reduce_max)


GlobalAveragePooling1D, GlobalMaxPooling1D = GlobalAveragePooling2D, GlobalMaxPooling2D


class Dropout(_Wrapped):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self._make(tf_layers.Dropout(rate, noise_shape, seed))

    def call(self, inputs, training=None):
        return super().call(inputs, training=training)


class BatchNormalization(_Wrapped):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 **kwargs):
        super().__init__(**kwargs)
        self._make(tf_layers.BatchNormalization(
            axis, momentum, epsilon, center, scale, get_initializer(beta_initializer),
            get_initializer(gamma_initializer), get_initializer(moving_mean_initializer),
            get_initializer(moving_variance_initializer), self.trainable))

    def call(self, inputs, training=None):
        return super().call(inputs, training=training)


class LayerNormalization(KerasLayer):
    """Each example normalized over `axis` (the last by default): (x - mean) /
    sqrt(variance + epsilon) * gamma + beta."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis = [axis] if isinstance(axis, int) else list(axis)
        self.epsilon, self.center, self.scale = float(epsilon), center, scale
        self._inits = (beta_initializer, gamma_initializer)

    def build(self, input_shape):
        shape = [input_shape.dims[a] for a in self.axis]
        self.gamma = self.add_weight("gamma", shape, initializer=self._inits[1]) \
            if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self._inits[0]) \
            if self.center else None

    def call(self, inputs):
        rank = inputs.shape.ndims
        axes = sorted(a % rank for a in self.axis)
        mean, var = moments(inputs, axes, keep_dims=True)
        out = (inputs - mean) * OPS.rsqrt(var + self.epsilon)
        if len(axes) == 1 and axes[0] == rank - 1:
            return out * (self.gamma if self.scale else 1.0) + \
                (self.beta if self.center else 0.0)
        shape = [inputs.shape.dims[a] if a in axes else 1 for a in range(rank)]
        if self.scale:
            out = out * reshape(self.gamma, shape)
        return out + reshape(self.beta, shape) if self.center else out


class PReLU(KerasLayer):
    """max(x, 0) + alpha min(x, 0), alpha learned per feature (<name>/alpha), shared along
    shared_axes."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self._init, self._regularizer = alpha_initializer, alpha_regularizer
        self.shared_axes = [] if shared_axes is None else \
            ([shared_axes] if isinstance(shared_axes, int) else list(shared_axes))

    def build(self, input_shape):
        shape = [1 if i + 1 in self.shared_axes else d
                 for i, d in enumerate(input_shape.dims[1:])]
        self.alpha = self.add_weight("alpha", shape, initializer=self._init,
                                     regularizer=self._regularizer)

    def call(self, inputs):
        return OPS.relu(inputs) - self.alpha * OPS.relu(-inputs)


class Activation(KerasLayer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = get_activation(activation)

    def call(self, inputs):
        return self.activation(inputs) if self.activation is not None else inputs


class Flatten(KerasLayer):
    def call(self, inputs):
        dims = inputs.shape.dims
        if dims is None or None in dims[1:]:
            return reshape(inputs, [OPS.shape(inputs)[0], -1])
        return reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])


class Reshape(KerasLayer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        return reshape(inputs, [-1, *self.target_shape])


class Embedding(KerasLayer):
    """Rows of an [input_dim, output_dim] table (<name>/embeddings) for integer ids."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, input_length=None, mask_zero=False, **kwargs):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self._init = "random_uniform" if embeddings_initializer == "uniform" \
            else embeddings_initializer
        self._regularizer = embeddings_regularizer

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", [self.input_dim, self.output_dim],
                                          dtypes.float32, self._init, self._regularizer)

    def call(self, inputs):
        return embedding_lookup(self.embeddings, OPS.cast(inputs, dtypes.int32))


class Lambda(KerasLayer):
    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})

    def call(self, inputs):
        return self.function(inputs, **self.arguments)


class Concatenate(KerasLayer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return concat(list(inputs), self.axis)


class Add(KerasLayer):
    def call(self, inputs):
        return OPS.add_n(list(inputs))


class Multiply(KerasLayer):
    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


Layer = KerasLayer
