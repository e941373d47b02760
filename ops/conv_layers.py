"""tf.layers.conv1d, conv2d, conv2d_transpose, max/average_pooling1d and 2d (and their
classes), with TF1's variable names (<scope>/kernel, <scope>/bias)."""
from tf0.engine import dtypes

from . import init_ops
from .conv_ops import avg_pool, conv1d, conv2d, conv2d_transpose, max_pool
from .core import OPS
from .layers import Layer
from .variable_scope import variable_scope


def _ints(value, name, count=2):
    values = [int(value)] * count if isinstance(value, int) else [int(v) for v in value]
    if len(values) != count:
        raise ValueError(f"{name} takes an int or {count} ints, got {value!r}")
    return values


def _data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be channels_last or channels_first, got "
                         f"{data_format!r}")
    return "NHWC" if data_format == "channels_last" else "NCHW"


class Conv2D(Layer):
    """outputs = activation(conv2d(inputs, kernel) + bias)."""
    _default_name = "conv2d"
    _rank = 2  # spatial axes

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None, trainable=True,
                 name=None, kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.filters = int(filters)
        self.kernel_size = _ints(kernel_size, "kernel_size", self._rank)
        self.strides, self.dilation_rate = _ints(strides, "strides", self._rank), \
            _ints(dilation_rate, "dilation_rate", self._rank)
        self.padding, self.data_format = padding.upper(), self._format(data_format)
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer = kernel_initializer or init_ops.GlorotUniform()
        self.bias_initializer = bias_initializer or init_ops.Zeros()

    _format = staticmethod(_data_format)

    def build(self, input_shape):
        channels = input_shape.dims[-1 if self.data_format.endswith("C") else 1] \
            if input_shape.ndims == self._rank + 2 else None
        if channels is None:
            raise ValueError(f"{type(self).__name__} needs a rank-{self._rank + 2} input "
                             f"with known channels, got {input_shape}")
        dtype = dtypes.as_dtype(self.dtype)
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels), dtype,
                                      self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", [self.filters], dtype, self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None

    def _kernel_shape(self, channels):
        return [*self.kernel_size, channels, self.filters]

    def call(self, inputs):
        out = conv2d(inputs, self.kernel, [1, *self.strides, 1] if self.data_format == "NHWC"
                     else [1, 1, *self.strides], self.padding, data_format=self.data_format,
                     dilations=[1, *self.dilation_rate, 1] if self.data_format == "NHWC"
                     else [1, 1, *self.dilation_rate])
        if self.use_bias:
            out = OPS.bias_add(out, self.bias, data_format=self.data_format)
        return self.activation(out) if self.activation is not None else out


def conv2d_layer(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None, trainable=True,
                 name=None, reuse=None, **kwargs):
    """tf.layers.conv2d: see Conv2D."""
    return _apply(Conv2D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, trainable,
                         name, **kwargs), inputs, name, reuse)


def conv2d_transpose_layer(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                           data_format="channels_last", activation=None, use_bias=True,
                           kernel_initializer=None, bias_initializer=None, trainable=True,
                           name=None, reuse=None, **kwargs):
    """tf.layers.conv2d_transpose: see Conv2DTranspose."""
    return _apply(Conv2DTranspose(filters, kernel_size, strides, padding, data_format, (1, 1),
                                  activation, use_bias, kernel_initializer, bias_initializer,
                                  trainable, name, **kwargs), inputs, name, reuse)


def _apply(layer, inputs, name, reuse):
    if reuse:
        with variable_scope(name, reuse=True) as scope:
            layer._scope = scope
    return layer(inputs)


def _transposed_size(size, kernel, stride, padding):
    """The output length of a transposed convolution along one axis (TF1's rule)."""
    if padding == "SAME":
        return size * stride
    return size * stride + max(kernel - stride, 0)


class Conv2DTranspose(Conv2D):
    """outputs = activation(conv2d_transpose(inputs, kernel) + bias); kernel [kh, kw,
    filters, in]."""
    _default_name = "conv2d_transpose"

    def _kernel_shape(self, channels):
        return [*self.kernel_size, self.filters, channels]

    def call(self, inputs):
        nhwc = self.data_format == "NHWC"
        sizes = OPS.shape(inputs)
        h_axis, w_axis = (1, 2) if nhwc else (2, 3)
        dims = inputs.shape.dims
        out = []
        for axis, kernel, stride in ((h_axis, self.kernel_size[0], self.strides[0]),
                                     (w_axis, self.kernel_size[1], self.strides[1])):
            size = dims[axis] if dims[axis] is not None else sizes[axis]
            out.append(_transposed_size(size, kernel, stride, self.padding))
        shape = [sizes[0], *out, self.filters] if nhwc else [sizes[0], self.filters, *out]
        y = conv2d_transpose(inputs, self.kernel, OPS.stack(shape),
                             [1, *self.strides, 1] if nhwc else [1, 1, *self.strides],
                             self.padding, data_format=self.data_format)
        if self.use_bias:
            y = OPS.bias_add(y, self.bias, data_format=self.data_format)
        return self.activation(y) if self.activation is not None else y


class _Pooling2D(Layer):
    _rank = 2  # spatial axes
    _format = staticmethod(_data_format)

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _ints(pool_size, "pool_size", self._rank)
        self.strides = _ints(strides, "strides", self._rank)
        self.padding, self.data_format = padding.upper(), self._format(data_format)

    def build(self, input_shape):
        pass

    def call(self, inputs):
        nhwc = self.data_format.endswith("C")
        ksize = [1, *self.pool_size, 1] if nhwc else [1, 1, *self.pool_size]
        strides = [1, *self.strides, 1] if nhwc else [1, 1, *self.strides]
        return self._pool(inputs, ksize, strides, self.padding, data_format=self.data_format)


class MaxPooling2D(_Pooling2D):
    _default_name = "max_pooling2d"
    _pool = staticmethod(max_pool)


class AveragePooling2D(_Pooling2D):
    _default_name = "average_pooling2d"
    _pool = staticmethod(avg_pool)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    return MaxPooling2D(pool_size, strides, padding, data_format, name)(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    return AveragePooling2D(pool_size, strides, padding, data_format, name)(inputs)


class Conv1D(Layer):
    """outputs = activation(conv1d(inputs, kernel) + bias); kernel [width, in, filters]."""
    _default_name = "conv1d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=None, trainable=True, name=None,
                 kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.filters = int(filters)
        self.kernel_size, self.strides = _one_int(kernel_size), _one_int(strides)
        self.dilation_rate = _one_int(dilation_rate)
        self.padding = padding.upper()
        self.data_format = "NWC" if _data_format(data_format) == "NHWC" else "NCW"
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer = kernel_initializer or init_ops.GlorotUniform()
        self.bias_initializer = bias_initializer or init_ops.Zeros()

    def build(self, input_shape):
        channels = input_shape.dims[2 if self.data_format == "NWC" else 1] \
            if input_shape.ndims == 3 else None
        if channels is None:
            raise ValueError(f"Conv1D needs a rank-3 input with known channels, got "
                             f"{input_shape}")
        dtype = dtypes.as_dtype(self.dtype)
        self.kernel = self.add_weight("kernel", [self.kernel_size, channels, self.filters],
                                      dtype, self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", [self.filters], dtype, self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None

    def call(self, inputs):
        out = conv1d(inputs, self.kernel, self.strides, self.padding,
                     data_format=self.data_format, dilations=self.dilation_rate)
        if self.use_bias:
            out = OPS.bias_add(out, self.bias,
                               data_format="NHWC" if self.data_format == "NWC" else "NCHW")
        return self.activation(out) if self.activation is not None else out


def _one_int(value):
    values = [int(value)] if isinstance(value, int) else [int(v) for v in value]
    if len(values) != 1:
        raise ValueError(f"a 1-D layer takes an int or one int, got {value!r}")
    return values[0]


def conv1d_layer(inputs, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=None, trainable=True, name=None,
                 reuse=None, **kwargs):
    """tf.layers.conv1d: see Conv1D."""
    return _apply(Conv1D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, trainable,
                         name, **kwargs), inputs, name, reuse)


class _Pooling1D(_Pooling2D):
    """A 2-D pooling over a height of 1."""

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__((1, _one_int(pool_size)), (1, _one_int(strides)), padding,
                         data_format, name, **kwargs)

    def call(self, inputs):
        axis = 1 if self.data_format == "NHWC" else 2
        return OPS.squeeze(super().call(OPS.expand_dims(inputs, axis)), [axis])


class MaxPooling1D(_Pooling1D):
    _default_name = "max_pooling1d"
    _pool = staticmethod(max_pool)


class AveragePooling1D(_Pooling1D):
    _default_name = "average_pooling1d"
    _pool = staticmethod(avg_pool)


def max_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    return MaxPooling1D(pool_size, strides, padding, data_format, name)(inputs)


def average_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    return AveragePooling1D(pool_size, strides, padding, data_format, name)(inputs)
