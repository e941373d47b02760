"""tf.layers.conv3d, conv3d_transpose, max_pooling3d and average_pooling3d (and their
classes) over channels-last volumes, with TF1's variable names (<scope>/kernel,
<scope>/bias)."""
from .conv3d import avg_pool3d, conv3d, conv3d_transpose, max_pool3d
from .conv_layers import Conv2D, _apply, _Pooling2D, _transposed_size
from .core import OPS


def _channels_last(data_format):
    if data_format != "channels_last":
        raise ValueError(f"tf0's 3-D layers take channels_last volumes, got "
                         f"data_format={data_format!r}")
    return "NDHWC"


class Conv3D(Conv2D):
    """outputs = activation(conv3d(inputs, kernel) + bias); kernel [kd, kh, kw, in,
    filters]."""
    _default_name = "conv3d"
    _rank = 3
    _format = staticmethod(_channels_last)

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer,
                         trainable, name, **kwargs)

    def call(self, inputs):
        out = conv3d(inputs, self.kernel, [1, *self.strides, 1], self.padding,
                     dilations=[1, *self.dilation_rate, 1])
        return self._finish(out)

    def _finish(self, out):
        if self.use_bias:
            out = out + self.bias
        return self.activation(out) if self.activation is not None else out


class Conv3DTranspose(Conv3D):
    """outputs = activation(conv3d_transpose(inputs, kernel) + bias); kernel [kd, kh, kw,
    filters, in]."""
    _default_name = "conv3d_transpose"

    def _kernel_shape(self, channels):
        return [*self.kernel_size, self.filters, channels]

    def call(self, inputs):
        sizes = OPS.shape(inputs)
        out = [sizes[0]]
        for axis in range(3):
            size = inputs.shape.dims[axis + 1]
            if size is None:
                raise ValueError(f"Conv3DTranspose needs the input's depth, height and width,"
                                 f" got {inputs.shape}")
            out.append(_transposed_size(size, self.kernel_size[axis], self.strides[axis],
                                        self.padding))
        y = conv3d_transpose(inputs, self.kernel, OPS.stack([*out, self.filters]),
                             [1, *self.strides, 1], self.padding)
        return self._finish(y)


class MaxPooling3D(_Pooling2D):
    _default_name = "max_pooling3d"
    _rank = 3
    _format = staticmethod(_channels_last)
    _pool = staticmethod(max_pool3d)


class AveragePooling3D(MaxPooling3D):
    _default_name = "average_pooling3d"
    _pool = staticmethod(avg_pool3d)


def conv3d_layer(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None, trainable=True,
                 name=None, reuse=None, **kwargs):
    """tf.layers.conv3d: see Conv3D."""
    return _apply(Conv3D(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, trainable,
                         name, **kwargs), inputs, name, reuse)


def conv3d_transpose_layer(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                           data_format="channels_last", activation=None, use_bias=True,
                           kernel_initializer=None, bias_initializer=None, trainable=True,
                           name=None, reuse=None, **kwargs):
    """tf.layers.conv3d_transpose: see Conv3DTranspose."""
    return _apply(Conv3DTranspose(filters, kernel_size, strides, padding, data_format,
                                  (1, 1, 1), activation, use_bias, kernel_initializer,
                                  bias_initializer, trainable, name, **kwargs),
                  inputs, name, reuse)


def max_pooling3d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    return MaxPooling3D(pool_size, strides, padding, data_format, name)(inputs)


def average_pooling3d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
    return AveragePooling3D(pool_size, strides, padding, data_format, name)(inputs)
