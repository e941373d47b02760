"""tf0.layers: dense, dropout and flatten, with TF1's variable names."""
from tf0.ops.layers import (BatchNormalization, Dense, Dropout, Flatten, Layer,  # noqa: F401
                            batch_normalization, dense, dropout, flatten)
