"""tf.keras.backend (TF1 graph mode)."""
from tf0.session.keras_backend import (  # noqa: F401
    batch_get_value, batch_set_value, cast_to_floatx, clear_session, epsilon, eval, floatx,
    get_session, get_value, int_shape, learning_phase, set_session, set_value)
