"""TF1's tf.summary: summary ops and the FileWriter that writes them for TensorBoard."""
from tf0.ops.summary_ops import (histogram, image, merge, merge_all, scalar,  # noqa: F401
                                 tensor_summary, text)
from tf0.session.events import Event, FileWriter, Summary, summary_iterator  # noqa: F401
