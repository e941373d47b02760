"""tf.keras in TF1 graph mode: layers, functional and Sequential models with compile, fit,
evaluate and predict, and the names keras gives losses, metrics, optimizers, activations,
initializers, regularizers and callbacks."""
from types import SimpleNamespace

import tf0.keras_backend as backend  # noqa: F401
import tf0.keras_layers as layers  # noqa: F401
from tf0.ops import keras_base as _base, keras_losses as _losses
from tf0.ops.keras_layers import Input  # noqa: F401
from tf0.session import keras_callbacks as _callbacks
from tf0.session.keras_model import Model, Sequential
from tf0.session.keras_saving import load_model, model_from_json
from tf0.session.keras_utils import Sequence, to_categorical

models = SimpleNamespace(Model=Model, Sequential=Sequential, load_model=load_model,
                         model_from_json=model_from_json)
callbacks = SimpleNamespace(**{name: getattr(_callbacks, name) for name in (
    "Callback", "History", "EarlyStopping", "ModelCheckpoint", "LambdaCallback",
    "LearningRateScheduler", "ReduceLROnPlateau", "TerminateOnNaN", "CSVLogger",
    "TensorBoard")})
losses = SimpleNamespace(get=_losses.get_loss, **_losses._LOSSES)
metrics = SimpleNamespace(get=lambda name: _losses._METRICS[name], **_losses._METRICS)
optimizers = SimpleNamespace(get=_losses.get_optimizer, SGD=_losses.SGD, Adam=_losses.Adam,
                             RMSprop=_losses.RMSprop, Adagrad=_losses.Adagrad,
                             Adadelta=_losses.Adadelta)
activations = SimpleNamespace(get=_base.get_activation)
initializers = SimpleNamespace(get=_base.get_initializer)
regularizers = SimpleNamespace(get=_base.get_regularizer, l1=_base.l1, l2=_base.l2,
                               l1_l2=_base.l1_l2, L1L2=_base.L1L2)
utils = SimpleNamespace(to_categorical=to_categorical, Sequence=Sequence)
