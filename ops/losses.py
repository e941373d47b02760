"""tf.losses: per-element losses weighted and reduced as in TF1 (default: the mean over
non-zero weights) and added to the LOSSES collection."""
from tf0.engine.graph import GraphKeys, get_default_graph, name_scope

from . import math_ops
from .array_ops import shape
from .core import OPS, convert_to_tensor
from .math_composites import div_no_nan


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


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 * e**2 where |e| <= delta, else delta * (|e| - 0.5 * delta); e = predictions - labels."""
    with name_scope(scope, "huber_loss"):
        p = convert_to_tensor(predictions)
        error = OPS.abs(p - math_ops.cast(labels, p.dtype))
        quadratic = OPS.minimum(error, delta)
        losses = 0.5 * quadratic * quadratic + delta * (error - quadratic)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-labels * log(p + eps) - (1 - labels) * log(1 - p + eps)."""
    with name_scope(scope, "log_loss"):
        p = convert_to_tensor(predictions)
        y = math_ops.cast(labels, p.dtype)
        losses = -y * OPS.log(p + epsilon) - (1.0 - y) * OPS.log(1.0 - p + epsilon)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """1 - sum(labels * predictions) over `axis` (both assumed unit-normalized, as TF1)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("cosine_distance needs an axis")
    with name_scope(scope, "cosine_distance_loss"):
        p = convert_to_tensor(predictions)
        y = math_ops.cast(labels, p.dtype)
        losses = 1.0 - OPS.reduce_sum(y * p, axis=axis, keepdims=True)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 * labels - 1) * logits) for labels in {0, 1}."""
    with name_scope(scope, "hinge_loss"):
        logits = convert_to_tensor(logits)
        signs = 2.0 * math_ops.cast(labels, logits.dtype) - 1.0
        losses = OPS.relu(1.0 - signs * logits)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """Per example, the mean over pairs of its elements of ((p_i - l_i) - (p_j - l_j))^2,
    computed as TF1 does: 2 S2 / (n - 1) - 2 S1^2 / (n (n - 1)) with S1, S2 the sums of the
    differences and of their squares and n the example's elements of non-zero weight;
    times the weights and summed over the batch (0 when no weight is non-zero)."""
    from tf0.engine import dtypes
    with name_scope(scope, "mean_pairwise_squared_error"):
        weights = math_ops.cast(convert_to_tensor(weights), dtypes.float32)
        diffs = math_ops.cast(convert_to_tensor(predictions), dtypes.float32) - \
            math_ops.cast(convert_to_tensor(labels), dtypes.float32)
        axes = list(range(1, diffs.shape.ndims))
        present = math_ops.cast(OPS.not_equal(weights, 0.0), dtypes.float32) * \
            OPS.ones_like(diffs)
        count = OPS.reduce_sum(present, axis=axes, keepdims=True)
        squares = OPS.reduce_sum(OPS.square(diffs), axis=axes, keepdims=True)
        first = 2.0 * div_no_nan(squares, OPS.maximum(count - 1.0, 0.0))
        second = 2.0 * div_no_nan(OPS.square(OPS.reduce_sum(diffs, axis=axes, keepdims=True)),
                                  OPS.maximum(count * (count - 1.0), 0.0))
        loss = OPS.reduce_sum((first - second) * weights)
        loss = math_ops.where(OPS.reduce_sum(count) > 0.0, loss, OPS.zeros_like(loss))
        if loss_collection:
            get_default_graph().add_to_collection(loss_collection, loss)
        return loss


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    return OPS.add_n(losses, name=name) if losses else OPS.constant(0.0, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    losses = get_losses(scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses were added to the LOSSES collection")
    return OPS.add_n(losses, name=name)
