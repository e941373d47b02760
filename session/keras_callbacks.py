"""tf.keras.callbacks: hooks fit calls around epochs and batches. History (what fit
returns), EarlyStopping, ModelCheckpoint (weights), LambdaCallback and the Callback base."""
import numpy as np


class Callback:
    """Does nothing at each of fit's moments; subclasses override what they need.
    self.model is the model being fitted, self.params fit's settings."""

    def __init__(self):
        self.model, self.params = None, {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass


class History(Callback):
    """history: {name: [value per epoch]}; epoch: the epochs run."""

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class LambdaCallback(Callback):
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None):
        super().__init__()
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end)):
            if fn is not None:
                setattr(self, name, fn)


def _improves(mode, monitor):
    if mode == "min" or (mode == "auto" and "acc" not in monitor):
        return lambda new, best, delta: new < best - delta
    return lambda new, best, delta: new > best + delta


class EarlyStopping(Callback):
    """Stops fit once `monitor` has not improved by min_delta for `patience` epochs;
    restore_best_weights puts the best epoch's weights back."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.better, self.baseline = _improves(mode, monitor), baseline
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights = 0, 0, None
        self.best = self.baseline if self.baseline is not None else None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        if self.best is None or self.better(value, self.best, self.min_delta):
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch, self.model.stop_training = epoch, True
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Saves the model's weights to filepath (formatted with epoch and the logs) after each
    epoch, or only when `monitor` improves with save_best_only."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", period=1):
        super().__init__()
        self.filepath, self.monitor, self.save_best_only = filepath, monitor, save_best_only
        self.better, self.period, self.best = _improves(mode, monitor), period, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if (epoch + 1) % self.period:
            return
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None or (self.best is not None and
                                 not self.better(value, self.best, 0.0)):
                return
            self.best = value
        self.model.save_weights(self.filepath.format(epoch=epoch + 1, **logs))


def epoch_logs(sums, count):
    """The means of per-batch sums over `count` examples, as floats."""
    return {k: float(v / count) for k, v in sums.items()} if count else \
        {k: float(np.nan) for k in sums}
