"""tf.keras.losses, metrics and optimizers by keras's names. A loss or metric maps
(y_true, y_pred) to one value per example (the mean over the last axis where keras takes
it); probabilities are clipped to [1e-7, 1 - 1e-7] before a log, as keras does. Optimizer
names give tf.train optimizers with keras's default hyperparameters (keras's RMSprop and
Adagrad add their epsilon outside the square root, these inside or not at all: a
difference of order epsilon / sqrt(mean square))."""
import numpy as np

from tf0.engine import dtypes

from . import optimizers as tf_optimizers
from .core import OPS
from .nn_ops import in_top_k, sigmoid_cross_entropy_with_logits

EPSILON = 1e-7


def _clip(p):
    return OPS.clip_by_value(p, EPSILON, 1.0 - EPSILON)


def _mean_last(x):
    return OPS.reduce_mean(x, axis=-1)


def mean_squared_error(y_true, y_pred):
    return _mean_last(OPS.square(y_pred - y_true))


def mean_absolute_error(y_true, y_pred):
    return _mean_last(OPS.abs(y_pred - y_true))


def mean_absolute_percentage_error(y_true, y_pred):
    scale = OPS.maximum(OPS.abs(y_true), EPSILON)
    return 100.0 * _mean_last(OPS.abs((y_true - y_pred) / scale))


def binary_crossentropy(y_true, y_pred):
    p = _clip(y_pred)
    return _mean_last(sigmoid_cross_entropy_with_logits(labels=y_true,
                                                        logits=OPS.log(p / (1.0 - p))))


def categorical_crossentropy(y_true, y_pred):
    p = _clip(y_pred / OPS.reduce_sum(y_pred, axis=-1, keepdims=True))
    return -OPS.reduce_sum(y_true * OPS.log(p), axis=-1)


def _sparse_labels(y_true, y_pred):
    """Integer class ids of y_true shaped as y_pred without its class axis."""
    return OPS.reshape(OPS.cast(y_true, dtypes.int64), OPS.shape(y_pred)[:-1])


def sparse_categorical_crossentropy(y_true, y_pred):
    labels = _sparse_labels(y_true, y_pred)
    log_p = OPS.log(_clip(y_pred))
    return -OPS.reduce_sum(OPS.one_hot(labels, y_pred.shape.dims[-1], dtype=y_pred.dtype)
                           * log_p, axis=-1)


def hinge(y_true, y_pred):
    return _mean_last(OPS.maximum(1.0 - y_true * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    return _mean_last(OPS.square(OPS.maximum(1.0 - y_true * y_pred, 0.0)))


def kullback_leibler_divergence(y_true, y_pred):
    t, p = _clip(y_true), _clip(y_pred)
    return OPS.reduce_sum(t * OPS.log(t / p), axis=-1)


def poisson(y_true, y_pred):
    return _mean_last(y_pred - y_true * OPS.log(y_pred + EPSILON))


def logcosh(y_true, y_pred):
    d = y_pred - y_true
    return _mean_last(d + OPS.softplus(-2.0 * d) - 0.6931471805599453)


mse, mae, mape = mean_squared_error, mean_absolute_error, mean_absolute_percentage_error
kld = kullback_leibler_divergence

_LOSSES = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, hinge,
    squared_hinge, kullback_leibler_divergence, poisson, logcosh)}
_LOSSES.update(mse=mse, mae=mae, mape=mape, kld=kld)


def get_loss(identifier):
    if callable(identifier):
        return identifier
    if identifier not in _LOSSES:
        raise ValueError(f"Unknown loss function: {identifier}")
    return _LOSSES[identifier]


# ---- metrics ----------------------------------------------------------------------------------
def _equal(a, b):
    return OPS.cast(OPS.equal(a, b), dtypes.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    guess = OPS.cast(y_pred > threshold, y_pred.dtype)
    return _mean_last(_equal(OPS.cast(y_true, y_pred.dtype), guess))


def categorical_accuracy(y_true, y_pred):
    return _equal(OPS.argmax(y_true, axis=-1), OPS.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    return _equal(_sparse_labels(y_true, y_pred), OPS.argmax(y_pred, axis=-1))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return OPS.cast(in_top_k(y_pred, OPS.argmax(y_true, axis=-1), k), dtypes.float32)


_METRICS = {f.__name__: f for f in (binary_accuracy, categorical_accuracy,
                                    sparse_categorical_accuracy, top_k_categorical_accuracy)}
_METRICS.update({k: v for k, v in _LOSSES.items()})


def get_metric(identifier, loss, output):
    """(name in the logs, function) of a metric, named as TF1's keras names them ("acc"
    for keras's choice of accuracy by the loss and the output's width, else the
    function's name)."""
    if callable(identifier):
        return identifier.__name__, identifier
    if identifier in ("accuracy", "acc"):
        name = getattr(loss, "__name__", "")
        if output.shape.dims[-1] == 1 or name == "binary_crossentropy":
            return "acc", binary_accuracy
        if name == "sparse_categorical_crossentropy":
            return "acc", sparse_categorical_accuracy
        return "acc", categorical_accuracy
    if identifier not in _METRICS:
        raise ValueError(f"Unknown metric function: {identifier}")
    return _METRICS[identifier].__name__, _METRICS[identifier]


# ---- optimizers --------------------------------------------------------------------------------
def _with_rate(make, lr, learning_rate):
    """make(rate) with the rate a variable the optimizer reads each step (its `lr`, which
    keras's learning-rate callbacks set)."""
    from .variables import Variable
    rate = Variable(np.float32(learning_rate if learning_rate is not None else lr),
                    trainable=False, name="learning_rate")
    optimizer = make(rate)
    optimizer.lr = optimizer.learning_rate = rate
    return optimizer


def SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False, learning_rate=None):  # noqa: N802
    if momentum:
        return _with_rate(lambda r: tf_optimizers.MomentumOptimizer(
            r, momentum, use_nesterov=nesterov), lr, learning_rate)
    return _with_rate(tf_optimizers.GradientDescentOptimizer, lr, learning_rate)


def Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False,  # noqa: N802
         learning_rate=None):
    return _with_rate(lambda r: tf_optimizers.AdamOptimizer(
        r, beta_1, beta_2, EPSILON if epsilon is None else epsilon), lr, learning_rate)


class _KerasRMSProp(tf_optimizers.RMSPropOptimizer):
    """keras's RMSprop: TF1's update, the mean square starting at 0 (not 1)."""
    SLOTS = (("rms", 0.0), ("momentum", 0.0))


def RMSprop(lr=0.001, rho=0.9, momentum=0.0, epsilon=None, decay=0.0,  # noqa: N802
            learning_rate=None):
    return _with_rate(lambda r: _KerasRMSProp(
        r, decay=rho, momentum=momentum, epsilon=EPSILON if epsilon is None else epsilon),
        lr, learning_rate)


def Adagrad(lr=0.001, epsilon=None, decay=0.0, learning_rate=None,  # noqa: N802
            initial_accumulator_value=0.1):
    return _with_rate(lambda r: tf_optimizers.AdagradOptimizer(r, initial_accumulator_value),
                      lr, learning_rate)


def Adadelta(lr=0.001, rho=0.95, epsilon=None, decay=0.0, learning_rate=None):  # noqa: N802
    return _with_rate(lambda r: tf_optimizers.AdadeltaOptimizer(
        r, rho, EPSILON if epsilon is None else epsilon), lr, learning_rate)


_OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
               "adadelta": Adadelta}


def get_optimizer(identifier):
    if isinstance(identifier, str):
        if identifier.lower() not in _OPTIMIZERS:
            raise ValueError(f"Unknown optimizer: {identifier}")
        return _OPTIMIZERS[identifier.lower()]()
    return identifier

