"""tf0.layers: dense, dropout and flatten, with TF1's variable names."""
from tf0.ops.layers import Dense, Dropout, Flatten, Layer, dense, dropout, flatten  # noqa: F401
