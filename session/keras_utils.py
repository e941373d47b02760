"""tf.keras.utils: to_categorical."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows of the class ids y (any shape; a trailing axis of 1 is dropped)."""
    y = np.asarray(y, dtype=np.int64)
    shape = y.shape[:-1] if y.ndim > 1 and y.shape[-1] == 1 else y.shape
    y = y.reshape(-1)
    num_classes = int(y.max()) + 1 if num_classes is None else int(num_classes)
    out = np.zeros((len(y), num_classes), dtype)
    out[np.arange(len(y)), y] = 1
    return out.reshape(*shape, num_classes)
