"""tf.keras.utils: to_categorical and Sequence."""
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


class Sequence:
    """tf.keras.utils.Sequence: a dataset of batches by index. Subclasses define
    __len__ (batches per epoch) and __getitem__(i) (batch i: x, (x, y) or
    (x, y, sample_weight)); fit calls on_epoch_end after each epoch and, with shuffle,
    takes the batches in a fresh random order."""

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


def is_batch_generator(data):
    """True for a keras Sequence or a Python iterator of batches (a generator)."""
    return isinstance(data, Sequence) or (hasattr(data, "__next__") and
                                          hasattr(data, "__iter__"))
