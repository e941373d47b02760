"""tf.metrics: streaming metrics as TF1 builds them. Each returns (value, update_op): local
variables (`<name>/total` and `<name>/count`; for precision and recall
`<name>/true_positives/count` and the false positives' or negatives'), in LOCAL_VARIABLES
and METRIC_VARIABLES and set to zero by tf.local_variables_initializer; an update op that
adds a batch to them and gives the new value; and a value tensor that reads them."""
from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys

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


def _streaming_mean(values, weights, name, default_name):
    """(mean, update_op) of `values` (weighted) over every batch seen."""
    with variable_scope(name, default_name=default_name):
        values = cast(convert_to_tensor(values), dtypes.float32)
        weights = OPS.ones_like(values) if weights is None else \
            OPS.broadcast_to(cast(convert_to_tensor(weights), dtypes.float32),
                             OPS.shape(values))
        total, count = _local("total", dtypes.float32), _local("count", dtypes.float32)
        add_total = OPS.assign_add(total, OPS.reduce_sum(values * weights))
        add_count = OPS.assign_add(count, OPS.reduce_sum(weights))
        value = _ratio(total.value(), count.value())
        update = _ratio(add_total, add_count)
    return value, update


def mean(values, weights=None, metrics_collections=None, updates_collections=None,
         name=None):
    """The (weighted) mean of every value seen."""
    return _streaming_mean(values, weights, name, "mean")


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often predictions equal labels."""
    labels = convert_to_tensor(labels)
    predictions = cast(convert_to_tensor(predictions), labels.dtype)
    return _streaming_mean(OPS.equal(predictions, labels), weights, name, "accuracy")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    diff = cast(convert_to_tensor(predictions), dtypes.float32) - \
        cast(convert_to_tensor(labels), dtypes.float32)
    return _streaming_mean(diff * diff, weights, name, "mean_squared_error")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    diff = cast(convert_to_tensor(predictions), dtypes.float32) - \
        cast(convert_to_tensor(labels), dtypes.float32)
    return _streaming_mean(OPS.abs(diff), weights, name, "mean_absolute_error")


def _counting(labels, predictions, weights, name, default_name, other_name, other):
    """(tp / (tp + other), update_op) over bool labels and predictions, where other counts
    false positives (precision) or false negatives (recall)."""
    with variable_scope(name, default_name=default_name):
        labels = cast(convert_to_tensor(labels), dtypes.bool_)
        predictions = cast(convert_to_tensor(predictions), dtypes.bool_)
        weight = OPS.ones_like(cast(labels, dtypes.float32)) if weights is None else \
            OPS.broadcast_to(cast(convert_to_tensor(weights), dtypes.float32),
                             OPS.shape(labels))
        updates, counts = [], []
        for count_name, hit in (("true_positives", OPS.logical_and(labels, predictions)),
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
    return _counting(labels, predictions, weights, name, "precision", "false_positives",
                     lambda labels, predictions: OPS.logical_and(OPS.logical_not(labels),
                                                                 predictions))


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """true positives / (true positives + false negatives)."""
    return _counting(labels, predictions, weights, name, "recall", "false_negatives",
                     lambda labels, predictions: OPS.logical_and(labels,
                                                                 OPS.logical_not(predictions)))
