"""tf.metrics: streaming metrics as TF1 builds them. Each returns (value, update_op): local
variables (`<name>/total` and `<name>/count`; for precision and recall
`<name>/true_positives/count` and the false positives' or negatives'), in LOCAL_VARIABLES
and METRIC_VARIABLES and set to zero by tf.local_variables_initializer; an update op that
adds a batch to them and gives the new value; and a value tensor that reads them. The
value goes into `metrics_collections` and the update op into `updates_collections`.
Metrics over thresholds (auc, ..._at_thresholds) are in threshold_metrics.py."""
from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, get_default_graph

from .core import OPS, convert_to_tensor
from .math_ops import cast
from .variable_scope import variable_scope
from .variables import Variable

METRIC_VARIABLES = "metric_variables"


def _local(name, dtype):
    return Variable(convert_to_tensor(0, dtype=dtype), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, METRIC_VARIABLES])


def _ratio(numerator, denominator):
    """numerator / denominator, 0 where the denominator is 0 (TF1's safe division)."""
    safe = OPS.maximum(denominator, convert_to_tensor(1e-30, dtype=denominator.dtype))
    return OPS.where(denominator > 0, numerator / safe, OPS.zeros_like(numerator))


def collect(result, metrics_collections, updates_collections):
    """result = (value, update_op), after adding them to the callers' collections."""
    graph = get_default_graph()
    for key in metrics_collections or ():
        graph.add_to_collection(key, result[0])
    for key in updates_collections or ():
        graph.add_to_collection(key, result[1])
    return result


def weights_like(weights, values):
    """float32 weights broadcast to the shape of `values` (ones when None)."""
    if weights is None:
        return OPS.ones_like(cast(values, dtypes.float32))
    return OPS.broadcast_to(cast(convert_to_tensor(weights), dtypes.float32),
                            OPS.shape(values))


def _streaming_mean(values, weights, name, default_name):
    """(mean, update_op) of `values` (weighted) over every batch seen."""
    with variable_scope(name, default_name=default_name):
        values = cast(convert_to_tensor(values), dtypes.float32)
        weights = weights_like(weights, values)
        total, count = _local("total", dtypes.float32), _local("count", dtypes.float32)
        add_total = OPS.assign_add(total, OPS.reduce_sum(values * weights))
        add_count = OPS.assign_add(count, OPS.reduce_sum(weights))
        value = _ratio(total.value(), count.value())
        update = _ratio(add_total, add_count)
    return value, update


def mean(values, weights=None, metrics_collections=None, updates_collections=None,
         name=None):
    """The (weighted) mean of every value seen."""
    return collect(_streaming_mean(values, weights, name, "mean"), metrics_collections,
                   updates_collections)


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often predictions equal labels."""
    labels = convert_to_tensor(labels)
    predictions = cast(convert_to_tensor(predictions), labels.dtype)
    return collect(_streaming_mean(OPS.equal(predictions, labels), weights, name, "accuracy"),
                   metrics_collections, updates_collections)


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    diff = cast(convert_to_tensor(predictions), dtypes.float32) - \
        cast(convert_to_tensor(labels), dtypes.float32)
    return collect(_streaming_mean(diff * diff, weights, name, "mean_squared_error"),
                   metrics_collections, updates_collections)


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    diff = cast(convert_to_tensor(predictions), dtypes.float32) - \
        cast(convert_to_tensor(labels), dtypes.float32)
    return collect(_streaming_mean(OPS.abs(diff), weights, name, "mean_absolute_error"),
                   metrics_collections, updates_collections)


def _true_positive(labels, predictions):
    return OPS.logical_and(labels, predictions)


def _false_positive(labels, predictions):
    return OPS.logical_and(OPS.logical_not(labels), predictions)


def _false_negative(labels, predictions):
    return OPS.logical_and(labels, OPS.logical_not(predictions))


def _true_negative(labels, predictions):
    return OPS.logical_not(OPS.logical_or(labels, predictions))


def _counting(labels, predictions, weights, name, default_name, other_name, other):
    """(tp / (tp + other), update_op) over bool labels and predictions, where other counts
    false positives (precision) or false negatives (recall)."""
    with variable_scope(name, default_name=default_name):
        labels = cast(convert_to_tensor(labels), dtypes.bool_)
        predictions = cast(convert_to_tensor(predictions), dtypes.bool_)
        weight = weights_like(weights, labels)
        updates, counts = [], []
        for count_name, hit in (("true_positives", _true_positive(labels, predictions)),
                                (other_name, other(labels, predictions))):
            with variable_scope(count_name):
                count = _local("count", dtypes.float32)
            counts.append(count.value())
            updates.append(OPS.assign_add(count, OPS.reduce_sum(cast(hit, dtypes.float32)
                                                                 * weight)))
        return _ratio(counts[0], counts[0] + counts[1]), \
            _ratio(updates[0], updates[0] + updates[1])


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """true positives / (true positives + false positives)."""
    return collect(_counting(labels, predictions, weights, name, "precision",
                             "false_positives", _false_positive), metrics_collections,
                   updates_collections)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """true positives / (true positives + false negatives)."""
    return collect(_counting(labels, predictions, weights, name, "recall", "false_negatives",
                             _false_negative), metrics_collections, updates_collections)


def _count(condition, labels, predictions, weights, name, default_name):
    """(count, update_op): the (weighted) number of elements where condition(labels,
    predictions) holds, over every batch."""
    with variable_scope(name, default_name=default_name):
        labels = cast(convert_to_tensor(labels), dtypes.bool_)
        predictions = cast(convert_to_tensor(predictions), dtypes.bool_)
        count = _local("count", dtypes.float32)
        hit = cast(condition(labels, predictions), dtypes.float32) * weights_like(weights,
                                                                                  labels)
        return count.value(), OPS.assign_add(count, OPS.reduce_sum(hit))


def _counter(condition, default_name):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        return collect(_count(condition, labels, predictions, weights, name, default_name),
                       metrics_collections, updates_collections)
    metric.__name__ = default_name
    metric.__doc__ = f"The (weighted) number of {default_name.replace('_', ' ')} seen."
    return metric


true_positives = _counter(_true_positive, "true_positives")
false_positives = _counter(_false_positive, "false_positives")
true_negatives = _counter(_true_negative, "true_negatives")
false_negatives = _counter(_false_negative, "false_negatives")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    diff = cast(convert_to_tensor(predictions), dtypes.float32) - \
        cast(convert_to_tensor(labels), dtypes.float32)
    value, update = _streaming_mean(diff * diff, weights, name, "root_mean_squared_error")
    return collect((OPS.sqrt(value), OPS.sqrt(update)), metrics_collections,
                   updates_collections)


def mean_relative_error(labels, predictions, normalizer, weights=None,
                        metrics_collections=None, updates_collections=None, name=None):
    """The mean of |predictions - labels| / normalizer (0 where the normalizer is 0)."""
    labels = cast(convert_to_tensor(labels), dtypes.float32)
    diff = OPS.abs(cast(convert_to_tensor(predictions), dtypes.float32) - labels)
    normalizer = cast(convert_to_tensor(normalizer), dtypes.float32) * OPS.ones_like(diff)
    relative = OPS.where(OPS.equal(normalizer, 0.0), OPS.zeros_like(diff),
                         diff / OPS.where(OPS.equal(normalizer, 0.0), OPS.ones_like(diff),
                                          normalizer))
    return collect(_streaming_mean(relative, weights, name, "mean_relative_error"),
                   metrics_collections, updates_collections)


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """The mean of 1 - <labels, predictions> along `dim` (both unit-normalized)."""
    products = cast(convert_to_tensor(labels), dtypes.float32) * \
        cast(convert_to_tensor(predictions), dtypes.float32)
    similarity = OPS.reduce_sum(products, axis=dim, keepdims=True)
    value, update = _streaming_mean(similarity, weights, name, "mean_cosine_distance")
    return collect((1.0 - value, 1.0 - update), metrics_collections, updates_collections)


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """The fraction of values below `threshold`."""
    below = OPS.less(cast(convert_to_tensor(values), dtypes.float32), float(threshold))
    return collect(_streaming_mean(below, weights, name, "percentage_below_threshold"),
                   metrics_collections, updates_collections)


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """The elementwise (weighted) mean of every `values` tensor seen (static shape)."""
    with variable_scope(name, default_name="mean"):
        values = cast(convert_to_tensor(values), dtypes.float32)
        if not values.shape.is_fully_defined():
            raise ValueError(f"mean_tensor needs a static shape, got {values.shape}")
        weights = weights_like(weights, values)
        zeros = OPS.zeros(values.shape.as_list(), dtypes.float32)
        total, count = (Variable(zeros, trainable=False, name=n,
                                 collections=[GraphKeys.LOCAL_VARIABLES, METRIC_VARIABLES])
                        for n in ("total_tensor", "count_tensor"))
        add_total = OPS.assign_add(total, values * weights)
        add_count = OPS.assign_add(count, weights)
        result = (_ratio(total.value(), count.value()), _ratio(add_total, add_count))
    return collect(result, metrics_collections, updates_collections)


def _confusion(labels, predictions, num_classes, weights, name, default_name):
    """(matrix, update_op): the streaming confusion matrix [num_classes, num_classes]
    (rows: labels, columns: predictions), float64 as TF1 keeps it."""
    with variable_scope(name, default_name=default_name):
        labels = OPS.reshape(cast(convert_to_tensor(labels), dtypes.int64), [-1])
        predictions = OPS.reshape(cast(convert_to_tensor(predictions), dtypes.int64), [-1])
        weights = None if weights is None else \
            OPS.reshape(cast(convert_to_tensor(weights), dtypes.float64) *
                        OPS.ones_like(cast(labels, dtypes.float64)), [-1])
        total = Variable(OPS.zeros([num_classes, num_classes], dtypes.float64),
                         trainable=False, name="total_confusion_matrix",
                         collections=[GraphKeys.LOCAL_VARIABLES, METRIC_VARIABLES])
        batch = OPS.confusion_matrix(labels, predictions, num_classes, weights=weights,
                                     dtype=dtypes.float64)
        return total.value(), OPS.assign_add(total, batch)


def _mean_iou_of(matrix):
    rows, columns = OPS.reduce_sum(matrix, 0), OPS.reduce_sum(matrix, 1)
    diagonal = OPS.diag_part(matrix)
    union = rows + columns - diagonal
    present = cast(union > 0, dtypes.float32)
    iou = cast(_ratio(diagonal, union), dtypes.float32)
    return _ratio(OPS.reduce_sum(iou), OPS.reduce_sum(present))


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The mean over classes present of intersection over union, from a streaming
    confusion matrix of class ids."""
    matrix, update = _confusion(labels, predictions, num_classes, weights, name, "mean_iou")
    return collect((_mean_iou_of(matrix), _mean_iou_of(update)), metrics_collections,
                   updates_collections)


def _mean_class_accuracy_of(matrix):
    per_class = _ratio(OPS.diag_part(matrix), OPS.reduce_sum(matrix, 1))
    return cast(OPS.reduce_mean(per_class), dtypes.float32)


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """The mean over classes of the accuracy within each class's labels."""
    matrix, update = _confusion(labels, predictions, num_classes, weights, name,
                                "mean_accuracy")
    return collect((_mean_class_accuracy_of(matrix), _mean_class_accuracy_of(update)),
                   metrics_collections, updates_collections)
