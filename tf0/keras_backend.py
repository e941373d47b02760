"""tf.keras.backend (TF1 graph mode)."""
from tf0.session.keras_backend import (  # noqa: F401
    abs, argmax, argmin, batch_flatten, batch_get_value, batch_set_value, binary_crossentropy,
    cast, cast_to_floatx, categorical_crossentropy, clear_session, clip, concatenate,
    constant, dot, epsilon, equal, eval, exp, expand_dims, floatx, gather, get_session,
    get_value, int_shape, l2_normalize, learning_phase, log, max, maximum, mean, min,
    minimum, ones_like, placeholder, pow, relu, reshape, round, set_session, set_value,
    shape, sigmoid, sign, softmax, sparse_categorical_crossentropy, sqrt, square, squeeze,
    stack, sum, tanh, transpose, variable, zeros_like)
