"""tf0.contrib.layers: the pieces of TF1's tf.contrib.layers that plain TF1 programs use
most: weight regularizers and initializers, flatten, fully_connected and conv2d."""
from tf0.ops.contrib_layer_ops import conv2d, fully_connected  # noqa: F401
from tf0.ops.init_ops import ContribVarianceScaling as variance_scaling_initializer  # noqa: F401
from tf0.ops.init_ops import xavier_initializer  # noqa: F401
from tf0.ops.init_ops import xavier_initializer as xavier_initializer_conv2d  # noqa: F401
from tf0.ops.layers import flatten  # noqa: F401
from tf0.ops.regularizers import (apply_regularization, l1_l2_regularizer,  # noqa: F401
                                  l1_regularizer, l2_regularizer)
