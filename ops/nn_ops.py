"""Neural-network ops: softmax, log_softmax, the cross-entropy losses, l2_loss, bias_add;
top_k and in_top_k built from them and the reductions."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from .core import OPS, convert_to_tensor, defop, make_op, require_float


def _softmax_infer(op):
    require_float(op)
    x = op.inputs[0]
    if x.shape.ndims == 0:
        raise ValueError("softmax needs a tensor of rank >= 1")
    return [(x.shape, x.dtype)]


def _log_softmax_np(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _softmax_np(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _axis_bind(fn):
    def bind(op, ctx):
        axis = op.attrs["axis"]
        return lambda x: fn(x, axis)
    return bind


def _softmax_grad(op, dy):
    y, axis = op.outputs[0], op.attrs["axis"]
    return [(dy - OPS.reduce_sum(dy * y, axis=axis, keepdims=True)) * y]


def _log_softmax_grad(op, dy):
    y, axis = op.outputs[0], op.attrs["axis"]
    return [dy - OPS.exp(y) * OPS.reduce_sum(dy, axis=axis, keepdims=True)]


defop("Softmax", _softmax_infer, _axis_bind(_softmax_np), grad=_softmax_grad,
      kernels=("softmax",))
defop("LogSoftmax", _softmax_infer, _axis_bind(_log_softmax_np), grad=_log_softmax_grad,
      kernels=("softmax",))


def softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return make_op("Softmax", [convert_to_tensor(logits)], {"axis": int(axis)},
                   name=name or "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return make_op("LogSoftmax", [convert_to_tensor(logits)], {"axis": int(axis)},
                   name=name or "LogSoftmax")


# ---- cross entropies: (loss [batch], backprop [batch, classes]) like TF1 --------------------
def _xent_infer(op):
    require_float(op)
    logits, labels = op.inputs
    if logits.dtype is not labels.dtype:
        raise ValueError("logits and labels must have the same dtype")
    shape = logits.shape.merge_with(labels.shape)
    if shape.ndims is not None and shape.ndims < 1:
        raise ValueError("softmax_cross_entropy needs logits of rank >= 1")
    batch = TensorShape(None) if shape.ndims is None else TensorShape(shape.dims[:-1])
    return [(batch, logits.dtype), (shape, logits.dtype)]


def _xent_np(logits, labels):
    log_p = _log_softmax_np(logits, -1)
    loss = -np.sum(labels * log_p, axis=-1)
    return loss, np.exp(log_p) - labels


def _xent_grad(op, dloss, dbackprop):
    logits, labels = op.inputs
    backprop = op.outputs[1]
    g_logits = None if dloss is None else OPS.expand_dims(dloss, -1) * backprop
    g_labels = None
    if dloss is not None:
        g_labels = OPS.expand_dims(dloss, -1) * -OPS.log_softmax(logits)
    if dbackprop is not None:
        # backprop = softmax(logits) - labels
        p = backprop + labels
        extra = (dbackprop - OPS.reduce_sum(dbackprop * p, axis=-1, keepdims=True)) * p
        g_logits = extra if g_logits is None else g_logits + extra
        g_labels = -dbackprop if g_labels is None else g_labels - dbackprop
    return [g_logits, g_labels]


defop("SoftmaxCrossEntropyWithLogits", _xent_infer, lambda op, ctx: _xent_np,
      grad=_xent_grad, kernels=("softmax_xent",))


def softmax_cross_entropy_with_logits_v2(labels=None, logits=None, axis=-1, name=None,
                                         dim=None):
    """-sum(labels * log_softmax(logits), axis); shape of logits without the class axis."""
    if labels is None or logits is None:
        raise ValueError("Both labels= and logits= must be given")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    axis = axis if dim is None else dim
    rank = logits.shape.ndims
    if axis not in (-1, None) and rank is not None and axis % rank != rank - 1:
        perm = [i for i in range(rank) if i != axis % rank] + [axis % rank]
        logits, labels = OPS.transpose(logits, perm), OPS.transpose(labels, perm)
    return make_op("SoftmaxCrossEntropyWithLogits", [logits, labels],
                   name=name or "softmax_cross_entropy_with_logits")[0]


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """TF1's deprecated form: no gradient flows into labels."""
    if _sentinel is not None:
        raise ValueError("Only call softmax_cross_entropy_with_logits with named arguments")
    labels = OPS.stop_gradient(convert_to_tensor(labels))
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                axis=dim if axis is None else axis, name=name)


def _sparse_xent_infer(op):
    logits, labels = op.inputs
    if not logits.dtype.is_floating:
        raise ValueError(f"logits must be float, got {logits.dtype.name}")
    if not labels.dtype.is_integer:
        raise ValueError(f"labels must be int32 or int64, got {labels.dtype.name}")
    if logits.shape.ndims is not None and labels.shape.ndims is not None:
        if labels.shape.ndims != logits.shape.ndims - 1:
            raise ValueError(f"Rank mismatch: labels {labels.shape} should have rank one less "
                             f"than logits {logits.shape}")
        batch = labels.shape.merge_with(TensorShape(logits.shape.dims[:-1]))
    else:
        batch = labels.shape
    return [(batch, logits.dtype), (logits.shape, logits.dtype)]


def _sparse_xent_np(logits, labels):
    n = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = labels[(labels < 0) | (labels >= n)].flat[0]
        raise errors.InvalidArgumentError(None, None, f"Received a label value of {bad} which "
                                                      f"is outside the valid range of [0, {n}).")
    log_p = _log_softmax_np(logits, -1)
    picked = np.take_along_axis(log_p, labels[..., None].astype(np.intp), axis=-1)[..., 0]
    backprop = np.exp(log_p)
    np.put_along_axis(backprop, labels[..., None].astype(np.intp),
                      np.take_along_axis(backprop, labels[..., None].astype(np.intp), -1) - 1, -1)
    return -picked, backprop


def _sparse_xent_grad(op, dloss, dbackprop):
    logits, labels = op.inputs
    backprop = op.outputs[1]
    g = None if dloss is None else OPS.expand_dims(dloss, -1) * backprop
    if dbackprop is not None:
        p = OPS.softmax(logits)
        extra = (dbackprop - OPS.reduce_sum(dbackprop * p, axis=-1, keepdims=True)) * p
        g = extra if g is None else g + extra
    return [g, None]


defop("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_infer,
      lambda op, ctx: _sparse_xent_np, grad=_sparse_xent_grad, kernels=("sparse_softmax_xent",))


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """-log_softmax(logits)[labels] per example; labels are class indices."""
    if _sentinel is not None:
        raise ValueError("Only call sparse_softmax_cross_entropy_with_logits with named "
                         "arguments")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    return make_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels],
                   name=name or "SparseSoftmaxCrossEntropyWithLogits")[0]


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logits x and labels z."""
    if _sentinel is not None:
        raise ValueError("Only call sigmoid_cross_entropy_with_logits with named arguments")
    with name_scope(name, "logistic_loss"):
        x = convert_to_tensor(logits)
        z = convert_to_tensor(labels, dtype=x.dtype)
        return OPS.relu(x) - x * z + OPS.log1p(OPS.exp(-OPS.abs(x)))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    with name_scope(name, "L2Loss"):
        t = convert_to_tensor(t)
        return OPS.reduce_sum(OPS.square(t)) * np.array(0.5, t.dtype.np)


def _bias_add_infer(op):
    x, b = op.inputs
    if b.shape.ndims not in (None, 1):
        raise ValueError(f"bias must be 1-D, got shape {b.shape}")
    if x.shape.ndims is not None and x.shape.ndims < 2 and op.attrs["data_format"] == "NHWC":
        raise ValueError(f"bias_add needs a value of rank >= 2, got {x.shape}")
    if x.dtype is not b.dtype:
        raise ValueError("value and bias must have the same dtype")
    ch = op.attrs["channel_axis"]
    if x.shape.ndims is not None and b.shape.ndims == 1:
        c, d = x.shape.dims[ch], b.shape.dims[0]
        if c is not None and d is not None and c != d:
            raise ValueError(f"bias of size {d} does not match channel dim {c} of {x.shape}")
    return [(x.shape, x.dtype)]


def _bias_add_bind(op, ctx):
    ch = op.attrs["channel_axis"]

    def bias_add_np(x, b):
        shape = [1] * x.ndim
        shape[ch] = b.shape[0]
        return x + b.reshape(shape)
    return bias_add_np


def _bias_add_grad(op, dy):
    x = op.inputs[0]
    ch = op.attrs["channel_axis"]
    rank = x.shape.ndims
    axes = [i for i in range(rank) if i != ch % rank]
    return [dy, OPS.reduce_sum(dy, axis=axes)]


defop("BiasAdd", _bias_add_infer, _bias_add_bind, grad=_bias_add_grad, kernels=("binary:add",))


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis (last for NHWC, 1 for NCHW)."""
    x = convert_to_tensor(value)
    b = convert_to_tensor(bias, dtype=x.dtype)
    ch = 1 if data_format and data_format.startswith("NC") else -1
    if x.shape.ndims is None:
        raise ValueError("bias_add needs a value of known rank")
    return make_op("BiasAdd", [x, b], {"data_format": data_format or "NHWC",
                                       "channel_axis": ch}, name=name or "BiasAdd")


def top_k(input, k=1, sorted=True, name=None):
    """tf.nn.top_k: (values, indices) of the k largest entries along the last axis (whose
    size must be static), largest first; among equal values the lower index comes first.
    Built from k argmax passes (for the small k it is used with); the values' gradient goes
    to the chosen positions."""
    x = convert_to_tensor(input)
    k = int(k)
    depth = x.shape.dims[-1] if x.shape.ndims else None
    if depth is None:
        raise ValueError(f"top_k needs a static last dimension, got {x.shape}")
    if not 0 <= k <= depth:
        raise ValueError(f"top_k: k={k} is outside [0, {depth}]")
    with name_scope(name, "TopKV2"):
        remaining, values, indices = x, [], []
        for _ in range(k):
            index = OPS.argmax(remaining, axis=-1, output_type=dtypes.int32)
            chosen = OPS.one_hot(index, depth, dtype=x.dtype)
            values.append(OPS.reduce_sum(x * chosen, axis=-1))
            indices.append(index)
            lowest = OPS.fill(OPS.shape(x), convert_to_tensor(x.dtype.min, dtype=x.dtype))
            remaining = OPS.where(chosen > 0, lowest, remaining)
        if not k:
            empty = OPS.zeros(OPS.concat([OPS.shape(x)[:-1], [0]], 0), x.dtype)
            return empty, OPS.cast(empty, dtypes.int32)
        return OPS.stack(values, axis=-1), OPS.stack(indices, axis=-1)


def in_top_k(predictions, targets, k, name=None):
    """tf.nn.in_top_k: for each row of predictions [batch, classes], whether the target
    class's value is among the k largest (fewer than k values are larger; ties count as
    in, as in TF1; a non-finite target value is never in)."""
    predictions = convert_to_tensor(predictions)
    with name_scope(name, "in_top_k"):
        depth = predictions.shape.dims[-1] if predictions.shape.ndims == 2 else None
        if depth is None:
            raise ValueError(f"in_top_k needs [batch, classes] predictions with static "
                             f"classes, got {predictions.shape}")
        chosen = OPS.one_hot(OPS.cast(targets, dtypes.int32), depth, dtype=predictions.dtype)
        target = OPS.reduce_sum(predictions * chosen, axis=1, keepdims=True)
        larger = OPS.reduce_sum(OPS.cast(predictions > target, dtypes.int32), axis=1)
        finite = OPS.abs(OPS.reshape(target, [-1])) <= predictions.dtype.max
        return OPS.logical_and(larger < int(k), finite)
