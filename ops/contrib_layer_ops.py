"""tf.contrib.layers.fully_connected and conv2d: TF1's older layer functions, with their own
defaults (relu, Xavier weights, zero biases) and variable names (`<scope>/weights`,
`<scope>/biases`, scope `fully_connected` or `Conv`, numbered as TF1 numbers them), so their
checkpoints load."""
from tf0.engine.graph import GraphKeys, get_default_graph

from . import init_ops
from .array_ops import reshape, shape
from .conv_ops import conv2d as conv2d_op
from .core import OPS, convert_to_tensor
from .variable_scope import get_variable, variable_scope

_RELU = object()  # the default activation: tf.nn.relu (None means none)


def _layer(inputs, scope, default_name, reuse, weights_shape, weights_initializer,
           weights_regularizer, biases_initializer, biases_regularizer, normalizer_fn,
           normalizer_params, activation_fn, trainable, variables_collections,
           outputs_collections, apply):
    """The shared body: weights, biases (none with a normalizer), apply(inputs, weights),
    normalizer or bias, activation."""
    inputs = convert_to_tensor(inputs)
    collections = None if variables_collections is None else \
        list(variables_collections) + [GraphKeys.GLOBAL_VARIABLES]
    with variable_scope(scope, default_name=default_name, values=[inputs], reuse=reuse):
        weights = get_variable("weights", weights_shape, dtype=inputs.dtype,
                               initializer=weights_initializer or
                               init_ops.xavier_initializer(),
                               regularizer=weights_regularizer, trainable=trainable,
                               collections=collections)
        out = apply(inputs, weights)
        if normalizer_fn is not None:
            out = normalizer_fn(out, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = get_variable("biases", weights_shape[-1:], dtype=inputs.dtype,
                                  initializer=biases_initializer,
                                  regularizer=biases_regularizer, trainable=trainable,
                                  collections=collections)
            out = OPS.bias_add(out, biases)
        if activation_fn is _RELU:
            out = OPS.relu(out)
        elif activation_fn is not None:
            out = activation_fn(out)
    if outputs_collections:
        get_default_graph().add_to_collections(outputs_collections, out)
    return out


def fully_connected(inputs, num_outputs, activation_fn=_RELU, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                    biases_initializer=init_ops.Zeros(), biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True,
                    scope=None):
    """activation_fn(inputs @ weights + biases) over the last dimension of inputs [..., n]
    -> [..., num_outputs]; relu unless activation_fn says otherwise (None: linear)."""
    inputs = convert_to_tensor(inputs)
    depth = inputs.shape.dims[-1] if inputs.shape.ndims else None
    if depth is None:
        raise ValueError("fully_connected needs inputs whose last dimension is known")

    def apply(x, weights):
        if x.shape.ndims == 2:
            return OPS.matmul(x, weights)
        flat = OPS.matmul(reshape(x, [-1, depth]), weights)
        return reshape(flat, OPS.concat([shape(x)[:-1], [num_outputs]], 0))
    return _layer(inputs, scope, "fully_connected", reuse, [depth, int(num_outputs)],
                  weights_initializer, weights_regularizer, biases_initializer,
                  biases_regularizer, normalizer_fn, normalizer_params, activation_fn,
                  trainable, variables_collections, outputs_collections, apply)


def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=_RELU, normalizer_fn=None, normalizer_params=None,
           weights_initializer=None, weights_regularizer=None,
           biases_initializer=init_ops.Zeros(), biases_regularizer=None, reuse=None,
           variables_collections=None, outputs_collections=None, trainable=True, scope=None):
    """A 2-D convolution of NHWC inputs with weights [kh, kw, in, num_outputs] (scope
    `Conv`), then biases or normalizer and activation as fully_connected."""
    if data_format not in (None, "NHWC"):
        raise NotImplementedError("tf.contrib.layers.conv2d takes NHWC inputs in tf0")
    if rate != 1:
        raise NotImplementedError("tf.contrib.layers.conv2d: rate > 1 is not supported")
    inputs = convert_to_tensor(inputs)
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    depth = inputs.shape.dims[-1] if inputs.shape.ndims == 4 else None
    if depth is None:
        raise ValueError("conv2d needs NHWC inputs with a known channel count")
    return _layer(inputs, scope, "Conv", reuse, [kh, kw, depth, int(num_outputs)],
                  weights_initializer, weights_regularizer, biases_initializer,
                  biases_regularizer, normalizer_fn, normalizer_params, activation_fn,
                  trainable, variables_collections, outputs_collections,
                  lambda x, w: conv2d_op(x, w, [1, sh, sw, 1], padding.upper()))
