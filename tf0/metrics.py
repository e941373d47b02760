"""tf0.metrics: streaming evaluation metrics."""
from tf0.ops.metrics import (accuracy, false_negatives, false_positives,  # noqa: F401
                             mean, mean_absolute_error, mean_cosine_distance, mean_iou,
                             mean_per_class_accuracy, mean_relative_error, mean_squared_error,
                             mean_tensor, percentage_below, precision, recall,
                             root_mean_squared_error, true_negatives, true_positives)
from tf0.ops.threshold_metrics import (  # noqa: F401
    auc, false_negatives_at_thresholds, false_positives_at_thresholds, precision_at_k,
    precision_at_thresholds, precision_at_top_k, recall_at_k, recall_at_thresholds,
    recall_at_top_k, sensitivity_at_specificity, specificity_at_sensitivity,
    true_negatives_at_thresholds, true_positives_at_thresholds)
from tf0.ops.threshold_metrics import precision_at_k as sparse_precision_at_k  # noqa: F401
