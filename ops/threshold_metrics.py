"""tf.metrics over decision thresholds and over top-k predictions, as TF1 builds them: the
streaming counts of true/false positives/negatives at each threshold (local variables of
shape [num_thresholds]) and what is computed from them (precision and recall at
thresholds, auc, sensitivity_at_specificity, specificity_at_sensitivity); and precision
and recall of the k highest-scored classes (precision_at_k, recall_at_k)."""
from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys

from .array_composites import matrix_band_part
from .core import OPS, convert_to_tensor
from .math_composites import div_no_nan
from .math_ops import cast
from .metrics import METRIC_VARIABLES, _local, _ratio, collect, weights_like
from .nn_ops import top_k
from .variable_scope import variable_scope
from .variables import Variable

EPSILON = 1e-7  # TF1's kepsilon: the end thresholds sit just outside [0, 1]
_KINDS = ("tp", "fn", "tn", "fp")


def _counts_at(labels, predictions, thresholds, weights, kinds):
    """({kind: count variable value}, {kind: its update}) for kinds of _KINDS: weighted
    counts where predictions > threshold (positive) against bool labels."""
    predictions = cast(convert_to_tensor(predictions), dtypes.float32)
    weight = OPS.reshape(weights_like(weights, predictions), [1, -1])
    labels = OPS.reshape(cast(convert_to_tensor(labels), dtypes.bool_), [1, -1])
    predictions = OPS.reshape(predictions, [1, -1])
    above = OPS.greater(predictions, OPS.reshape(
        convert_to_tensor([float(t) for t in thresholds], dtype=dtypes.float32), [-1, 1]))
    conditions = {"tp": OPS.logical_and(labels, above),
                  "fn": OPS.logical_and(labels, OPS.logical_not(above)),
                  "tn": OPS.logical_and(OPS.logical_not(labels), OPS.logical_not(above)),
                  "fp": OPS.logical_and(OPS.logical_not(labels), above)}
    names = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
             "fp": "false_positives"}
    values, updates = {}, {}
    for kind in kinds:
        count = Variable(OPS.zeros([len(thresholds)], dtypes.float32), trainable=False,
                         name=names[kind],
                         collections=[GraphKeys.LOCAL_VARIABLES, METRIC_VARIABLES])
        values[kind] = count.value()
        updates[kind] = OPS.assign_add(count, OPS.reduce_sum(
            cast(conditions[kind], dtypes.float32) * weight, axis=1))
    return values, updates


def _at_thresholds(kinds, compute, default_name):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default_name=default_name):
            values, updates = _counts_at(labels, predictions, thresholds, weights, kinds)
            return collect((compute(values), compute(updates)), metrics_collections,
                           updates_collections)
    metric.__name__ = default_name
    return metric


true_positives_at_thresholds = _at_thresholds(("tp",), lambda c: c["tp"],
                                              "true_positives")
false_positives_at_thresholds = _at_thresholds(("fp",), lambda c: c["fp"],
                                               "false_positives")
true_negatives_at_thresholds = _at_thresholds(("tn",), lambda c: c["tn"],
                                              "true_negatives")
false_negatives_at_thresholds = _at_thresholds(("fn",), lambda c: c["fn"],
                                               "false_negatives")
precision_at_thresholds = _at_thresholds(
    ("tp", "fp"), lambda c: c["tp"] / (EPSILON + c["tp"] + c["fp"]), "precision_at_thresholds")
recall_at_thresholds = _at_thresholds(
    ("tp", "fn"), lambda c: c["tp"] / (EPSILON + c["tp"] + c["fn"]), "recall_at_thresholds")


def _thresholds(num_thresholds, last=1.0 + EPSILON):
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - EPSILON] + inner + [last]


def _interpolated_pr_auc(c, n):
    """TF1's careful interpolation of the precision-recall curve between thresholds."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    dtp = tp[:n - 1] - tp[1:]
    p = tp + fp
    slope = div_no_nan(dtp, OPS.maximum(p[:n - 1] - p[1:], 0.0))
    intercept = tp[1:] - slope * p[1:]
    both = OPS.logical_and(p[:n - 1] > 0, p[1:] > 0)
    ratio = OPS.where(both, div_no_nan(p[:n - 1], OPS.maximum(p[1:], 0.0)),
                      OPS.ones_like(p[1:]))
    return OPS.reduce_sum(div_no_nan(slope * (dtp + intercept * OPS.log(ratio)),
                                     OPS.maximum(tp[1:] + fn[1:], 0.0)))


def _area(c, n, curve, summation_method):
    tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
    if curve == "PR" and summation_method == "careful_interpolation":
        return _interpolated_pr_auc(c, n)
    recall = (tp + EPSILON) / (tp + fn + EPSILON)
    if curve == "ROC":
        x, y = fp / (fp + tn + EPSILON), recall
    else:
        x, y = recall, (tp + EPSILON) / (tp + fp + EPSILON)
    if summation_method in ("trapezoidal", "careful_interpolation"):
        heights = (y[:n - 1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = OPS.minimum(y[:n - 1], y[1:])
    else:
        heights = OPS.maximum(y[:n - 1], y[1:])
    return OPS.reduce_sum((x[:n - 1] - x[1:]) * heights)


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The area under the ROC (or PR) curve, from counts at `num_thresholds` thresholds
    spread over [0, 1] (predictions are probabilities). summation_method: trapezoidal,
    minoring, majoring, or careful_interpolation (for PR)."""
    if curve not in ("ROC", "PR"):
        raise ValueError(f"curve must be 'ROC' or 'PR', got {curve!r}")
    if summation_method not in ("trapezoidal", "minoring", "majoring",
                                "careful_interpolation"):
        raise ValueError(f"Invalid summation_method: {summation_method}")
    if thresholds is None:
        if num_thresholds <= 1:
            raise ValueError("num_thresholds must be > 1.")
        thresholds = _thresholds(num_thresholds)
    else:
        thresholds = [0.0 - EPSILON] + list(thresholds) + [1.0 + EPSILON]
    n = len(thresholds)
    with variable_scope(name, default_name="auc"):
        values, updates = _counts_at(labels, predictions, thresholds, weights, _KINDS)
        return collect((_area(values, n, curve, summation_method),
                        _area(updates, n, curve, summation_method)),
                       metrics_collections, updates_collections)


def _at_target(labels, predictions, target, weights, num_thresholds, name, default_name,
               chosen_rate, reported_rate, last_tie):
    """reported_rate at the threshold where chosen_rate is closest to `target`: the first
    such threshold, or the last with last_tie (TF1's choices for each metric)."""
    if not 0 <= target <= 1:
        raise ValueError(f"`{default_name.split('_at_')[1]}` must be in the range [0, 1].")
    thresholds = _thresholds(num_thresholds, last=1.0 - EPSILON)

    def compute(c):
        distance = OPS.abs(chosen_rate(c) - target)
        if last_tie:
            distance = OPS.reverse(distance, [0])
        index = OPS.argmin(distance, axis=0)
        if last_tie:
            index = len(thresholds) - 1 - index
        return OPS.gather(reported_rate(c), index)
    with variable_scope(name, default_name=default_name):
        values, updates = _counts_at(labels, predictions, thresholds, weights, _KINDS)
        return compute(values), compute(updates)


def _sensitivity(c):
    return c["tp"] / (c["tp"] + c["fn"] + EPSILON)


def _specificity(c):
    return c["tn"] / (c["tn"] + c["fp"] + EPSILON)


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The sensitivity at the threshold whose specificity is closest to `specificity`."""
    return collect(_at_target(labels, predictions, specificity, weights, num_thresholds, name,
                              "sensitivity_at_specificity", _specificity, _sensitivity,
                              False),
                   metrics_collections, updates_collections)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The specificity at the threshold whose sensitivity is closest to `sensitivity`."""
    return collect(_at_target(labels, predictions, sensitivity, weights, num_thresholds, name,
                              "specificity_at_sensitivity", _sensitivity, _specificity,
                              True),
                   metrics_collections, updates_collections)


# ---- top-k ----------------------------------------------------------------------------------
def _top_k_hits(labels, top):
    """(top-k slots among the labels [batch, k], labels among the top k [batch, n], labels
    counted [batch, n]) for int labels [batch] or [batch, n] and top-k class ids [batch, k].
    As TF1, each row's labels are a set: a repeated id counts once, and ids no class has
    (such as -1) are never found."""
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    if labels.shape.ndims == 1:
        labels = OPS.expand_dims(labels, 1)
    top = cast(top, dtypes.int64)
    same = OPS.equal(OPS.expand_dims(top, 2), OPS.expand_dims(labels, 1))  # [batch, k, n]
    repeats = OPS.equal(OPS.expand_dims(labels, 2), OPS.expand_dims(labels, 1))  # [b, n, n]
    before = cast(matrix_band_part(OPS.ones_like(cast(repeats[0], dtypes.int32)), -1, 0) -
                  matrix_band_part(OPS.ones_like(cast(repeats[0], dtypes.int32)), 0, 0),
                  dtypes.bool_)  # [n, n]: j' < j
    first = OPS.logical_not(OPS.reduce_any(repeats & before, axis=2))
    return OPS.reduce_any(same, axis=2), OPS.reduce_any(same, axis=1) & first, first


def _top_k_metric(labels, top, k, weights, name, default_name, recall):
    with variable_scope(name, default_name=default_name):
        by_slot, by_label, counted = _top_k_hits(labels, top)
        weight = OPS.ones_like(cast(counted[:, 0], dtypes.float32)) if weights is None else \
            OPS.reshape(cast(convert_to_tensor(weights), dtypes.float32), [-1]) * \
            OPS.ones_like(cast(counted[:, 0], dtypes.float32))
        hits = by_label if recall else by_slot
        found = OPS.reduce_sum(cast(hits, dtypes.float32) * OPS.expand_dims(weight, 1))
        if recall:
            possible = OPS.reduce_sum(cast(counted, dtypes.float32) *
                                      OPS.expand_dims(weight, 1))
        else:
            possible = OPS.reduce_sum(weight) * float(k)
        tp = _local("true_positives", dtypes.float64)
        total = _local("false_negatives" if recall else "false_positives", dtypes.float64)
        add_tp = OPS.assign_add(tp, cast(found, dtypes.float64))
        add_total = OPS.assign_add(total, cast(possible - found, dtypes.float64))
        return (_ratio(tp.value(), tp.value() + total.value()),
                _ratio(add_tp, add_tp + add_total))


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """The fraction of the given top-k class ids [batch, k] that are among the labels."""
    if class_id is not None:
        raise NotImplementedError("tf0's top-k metrics take no class_id")
    top = convert_to_tensor(predictions_idx)
    k = k or top.shape.dims[-1]
    return collect(_top_k_metric(labels, top[:, :k], k, weights, name,
                                 "precision_at_top_k", False),
                   metrics_collections, updates_collections)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """The fraction of the k highest-scored classes of predictions [batch, classes] that
    are among the labels ([batch] ids, or [batch, n] with negative ids as padding)."""
    _, top = top_k(convert_to_tensor(predictions), k)
    return precision_at_top_k(labels, top, k, class_id, weights, metrics_collections,
                              updates_collections, name or f"precision_at_{k}")


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """The fraction of the labels found among the given top-k class ids [batch, k]."""
    if class_id is not None:
        raise NotImplementedError("tf0's top-k metrics take no class_id")
    top = convert_to_tensor(predictions_idx)
    k = k or top.shape.dims[-1]
    return collect(_top_k_metric(labels, top[:, :k], k, weights, name, "recall_at_top_k",
                                 True), metrics_collections, updates_collections)


def recall_at_k(labels, predictions, k, class_id=None, weights=None,
                metrics_collections=None, updates_collections=None, name=None):
    """The fraction of the labels found among the k highest-scored classes."""
    _, top = top_k(convert_to_tensor(predictions), k)
    return recall_at_top_k(labels, top, k, class_id, weights, metrics_collections,
                           updates_collections, name or f"recall_at_{k}")
