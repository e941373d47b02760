"""tf.bitwise: and, or, xor, invert and shifts of integer tensors."""
from tf0.ops.bitwise_ops import (bitwise_and, bitwise_or, bitwise_xor, invert,  # noqa: F401
                                 left_shift, right_shift)
