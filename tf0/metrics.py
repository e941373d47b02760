"""tf0.metrics: streaming evaluation metrics."""
from tf0.ops.metrics import (accuracy, mean, mean_absolute_error,  # noqa: F401
                             mean_squared_error, precision, recall)
