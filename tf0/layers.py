"""tf0.layers: dense, 1-, 2- and 3-D convolutions and pooling, dropout, flatten and batch
normalization, with TF1's variable names."""
from tf0.ops.layers import (BatchNormalization, Dense, Dropout, Flatten, Layer,  # noqa: F401
                            batch_normalization, dense, dropout, flatten)
from tf0.ops.conv_layers import (AveragePooling1D, AveragePooling2D, Conv1D,  # noqa: F401
                                 Conv2D, Conv2DTranspose, MaxPooling1D, MaxPooling2D,
                                 average_pooling1d, average_pooling2d, max_pooling1d,
                                 max_pooling2d)
from tf0.ops.conv_layers import conv1d_layer as conv1d  # noqa: F401
from tf0.ops.conv_layers import conv2d_layer as conv2d  # noqa: F401
from tf0.ops.conv_layers import conv2d_transpose_layer as conv2d_transpose  # noqa: F401
from tf0.ops.conv3d_layers import (AveragePooling3D, Conv3D, Conv3DTranspose,  # noqa: F401
                                   MaxPooling3D, average_pooling3d, max_pooling3d)
from tf0.ops.conv3d_layers import conv3d_layer as conv3d  # noqa: F401
from tf0.ops.conv3d_layers import conv3d_transpose_layer as conv3d_transpose  # noqa: F401
from tf0.ops.separable_layers import SeparableConv1D, SeparableConv2D  # noqa: F401
from tf0.ops.separable_layers import separable_conv1d_layer as separable_conv1d  # noqa: F401
from tf0.ops.separable_layers import separable_conv2d_layer as separable_conv2d  # noqa: F401
