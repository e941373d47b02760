"""tf.keras.layers (TF1 graph mode)."""
from tf0.ops.keras_layers import (  # noqa: F401
    Activation, Add, AveragePooling1D, AveragePooling2D, AveragePooling3D,
    BatchNormalization, Concatenate, Conv1D, Conv2D, Conv2DTranspose, Conv3D,
    Conv3DTranspose, Dense, DepthwiseConv2D, Dropout, Embedding, Flatten,
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    Input, InputLayer, Lambda, Layer, LayerNormalization, MaxPooling1D, MaxPooling2D,
    MaxPooling3D, Multiply, PReLU, Reshape,
    SeparableConv1D, SeparableConv2D, add,
    concatenate, multiply)
from tf0.ops.keras_layers import AveragePooling2D as AvgPool2D  # noqa: F401
from tf0.ops.keras_recurrent import GRU, LSTM, SimpleRNN  # noqa: F401
from tf0.ops.keras_wrappers import (  # noqa: F401
    ELU, Average, Bidirectional, Cropping1D, Cropping2D, GaussianNoise, LeakyReLU, Maximum,
    Minimum, Permute, ReLU, RepeatVector, Softmax, Subtract, TimeDistributed, UpSampling1D,
    UpSampling2D, ZeroPadding1D, ZeroPadding2D)
from tf0.ops.keras_layers import MaxPooling2D as MaxPool2D  # noqa: F401
