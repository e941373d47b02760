"""tf.layers.separable_conv1d / separable_conv2d (and their classes) and the depthwise
layer keras builds on: a per-channel (depthwise) convolution with depth_multiplier filters
per input channel, then (separable) a 1x1 convolution mixing the channels. TF1's weight
names: <scope>/depthwise_kernel [kh, kw, in, multiplier], <scope>/pointwise_kernel
[1, 1, in * multiplier, filters], <scope>/bias."""
from tf0.engine import dtypes

from . import init_ops
from .conv_layers import Conv2D, _apply, _ints
from .core import OPS
from .depthwise_conv import depthwise_conv2d, separable_conv2d


class DepthwiseConv2D(Conv2D):
    """outputs = activation(depthwise_conv2d(inputs, depthwise_kernel) + bias)."""
    _default_name = "depthwise_conv2d"

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, depthwise_initializer=None, bias_initializer=None,
                 depthwise_regularizer=None, bias_regularizer=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(1, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, None, bias_initializer, trainable, name,
                         bias_regularizer=bias_regularizer, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer or init_ops.GlorotUniform()
        self.depthwise_regularizer = depthwise_regularizer

    def build(self, input_shape):
        channels = self._channels(input_shape)
        dtype = dtypes.as_dtype(self.dtype)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", [*self.kernel_size, channels, self.depth_multiplier], dtype,
            self.depthwise_initializer, regularizer=self.depthwise_regularizer)
        self._build_rest(channels, dtype)

    def _build_rest(self, channels, dtype):
        self.bias = self.add_weight("bias", [channels * self.depth_multiplier], dtype,
                                    self.bias_initializer,
                                    regularizer=self.bias_regularizer) \
            if self.use_bias else None

    def _channels(self, input_shape):
        channels = input_shape.dims[-1 if self.data_format == "NHWC" else 1] \
            if input_shape.ndims == 4 else None
        if channels is None:
            raise ValueError(f"{type(self).__name__} needs a rank-4 input with known "
                             f"channels, got {input_shape}")
        return channels

    def _strides(self):
        return [1, *self.strides, 1] if self.data_format == "NHWC" else [1, 1, *self.strides]

    def _convolve(self, inputs):
        return depthwise_conv2d(inputs, self.depthwise_kernel, self._strides(), self.padding,
                                rate=self.dilation_rate, data_format=self.data_format)

    def call(self, inputs):
        out = self._convolve(inputs)
        if self.use_bias:
            out = OPS.bias_add(out, self.bias, data_format=self.data_format)
        return self.activation(out) if self.activation is not None else out


class SeparableConv2D(DepthwiseConv2D):
    """outputs = activation(separable_conv2d(inputs, depthwise_kernel, pointwise_kernel)
    + bias)."""
    _default_name = "separable_conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=None, depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         trainable, name, **kwargs)
        self.filters = int(filters)
        self.pointwise_initializer = pointwise_initializer or init_ops.GlorotUniform()
        self.pointwise_regularizer = pointwise_regularizer

    def _build_rest(self, channels, dtype):
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, 1, channels * self.depth_multiplier, self.filters],
            dtype, self.pointwise_initializer, regularizer=self.pointwise_regularizer)
        self.bias = self.add_weight("bias", [self.filters], dtype, self.bias_initializer,
                                    regularizer=self.bias_regularizer) \
            if self.use_bias else None

    def _convolve(self, inputs):
        return separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                self._strides(), self.padding, rate=self.dilation_rate,
                                data_format=self.data_format)


class SeparableConv1D(SeparableConv2D):
    """SeparableConv2D over [batch, width, channels] (a height of 1); its kernels
    [1, kw, in, multiplier] and [1, 1, in * multiplier, filters] as TF1 keeps them 3-D:
    [kw, in, multiplier] and [1, in * multiplier, filters]."""
    _default_name = "separable_conv1d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, **kwargs):
        super().__init__(filters, (1, _ints(kernel_size, "kernel_size", 1)[0]),
                         (1, _ints(strides, "strides", 1)[0]), padding, data_format,
                         (1, _ints(dilation_rate, "dilation_rate", 1)[0]), **kwargs)

    def build(self, input_shape):
        if input_shape.ndims != 3 or input_shape.dims[-1] is None:
            raise ValueError(f"SeparableConv1D needs a rank-3 input with known channels, got "
                             f"{input_shape}")
        channels, dtype = input_shape.dims[-1], dtypes.as_dtype(self.dtype)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", [self.kernel_size[1], channels, self.depth_multiplier], dtype,
            self.depthwise_initializer, regularizer=self.depthwise_regularizer)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, channels * self.depth_multiplier, self.filters], dtype,
            self.pointwise_initializer, regularizer=self.pointwise_regularizer)
        self.bias = self.add_weight("bias", [self.filters], dtype, self.bias_initializer,
                                    regularizer=self.bias_regularizer) \
            if self.use_bias else None

    def call(self, inputs):
        out = separable_conv2d(OPS.expand_dims(inputs, 1),
                               OPS.expand_dims(self.depthwise_kernel, 0),
                               OPS.expand_dims(self.pointwise_kernel, 0),
                               [1, *self.strides, 1], self.padding, rate=self.dilation_rate)
        out = OPS.squeeze(out, [1])
        if self.use_bias:
            out = OPS.bias_add(out, self.bias)
        return self.activation(out) if self.activation is not None else out


def separable_conv2d_layer(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                           data_format="channels_last", dilation_rate=(1, 1),
                           depth_multiplier=1, activation=None, use_bias=True,
                           depthwise_initializer=None, pointwise_initializer=None,
                           bias_initializer=None, trainable=True, name=None, reuse=None,
                           **kwargs):
    """tf.layers.separable_conv2d: see SeparableConv2D."""
    return _apply(SeparableConv2D(filters, kernel_size, strides, padding, data_format,
                                  dilation_rate, depth_multiplier, activation, use_bias,
                                  depthwise_initializer, pointwise_initializer,
                                  bias_initializer, trainable=trainable, name=name, **kwargs),
                  inputs, name, reuse)


def separable_conv1d_layer(inputs, filters, kernel_size, strides=1, padding="valid",
                           data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                           activation=None, use_bias=True, depthwise_initializer=None,
                           pointwise_initializer=None, bias_initializer=None, trainable=True,
                           name=None, reuse=None, **kwargs):
    """tf.layers.separable_conv1d: see SeparableConv1D."""
    return _apply(SeparableConv1D(filters, kernel_size, strides, padding, data_format,
                                  dilation_rate, depth_multiplier=depth_multiplier,
                                  activation=activation, use_bias=use_bias,
                                  depthwise_initializer=depthwise_initializer,
                                  pointwise_initializer=pointwise_initializer,
                                  bias_initializer=bias_initializer, trainable=trainable,
                                  name=name, **kwargs), inputs, name, reuse)
