"""tf.keras.callbacks: hooks fit calls around epochs and batches. History (what fit
returns), EarlyStopping, ModelCheckpoint (weights), LearningRateScheduler,
ReduceLROnPlateau (both set a keras optimizer's learning-rate variable), TerminateOnNaN,
CSVLogger, TensorBoard (the epoch logs as scalar summaries), LambdaCallback and the
Callback base."""
import csv
import math
import os

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


def _rate(model):
    """The learning-rate variable of the model's optimizer (keras optimizers have one)."""
    rate = getattr(model.optimizer, "lr", None)
    if rate is None or not hasattr(rate, "assign"):
        raise ValueError("The learning rate can be changed for keras optimizers only "
                         "(tf.keras.optimizers.*, or their names in compile)")
    return rate


class LearningRateScheduler(Callback):
    """Sets the learning rate to schedule(epoch, current rate) (or schedule(epoch)) before
    each epoch."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        from .keras_backend import get_value, set_value
        rate = _rate(self.model)
        try:
            value = self.schedule(epoch, float(get_value(rate)))
        except TypeError:  # a schedule of the epoch alone
            value = self.schedule(epoch)
        set_value(rate, np.float32(value))
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{value}.")

    def on_epoch_end(self, epoch, logs=None):
        from .keras_backend import get_value
        if logs is not None:
            logs["lr"] = float(get_value(_rate(self.model)))


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` (down to min_lr) once `monitor` has not
    improved by min_delta for `patience` epochs, then waits `cooldown` epochs."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0.")
        self.monitor, self.factor, self.patience = monitor, factor, patience
        self.better, self.min_delta = _improves(mode, monitor), min_delta
        self.cooldown, self.min_lr, self.verbose = cooldown, min_lr, verbose

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.cooldown_left = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        from .keras_backend import get_value, set_value
        logs = logs if logs is not None else {}
        rate = _rate(self.model)
        logs["lr"] = float(get_value(rate))
        value = logs.get(self.monitor)
        if value is None:
            return
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.wait = 0
        if self.best is None or self.better(value, self.best, self.min_delta):
            self.best, self.wait = value, 0
        elif self.cooldown_left <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = float(get_value(rate))
                if old > self.min_lr:
                    set_value(rate, np.float32(max(old * self.factor, self.min_lr)))
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                              f"rate to {max(old * self.factor, self.min_lr)}.")
                self.cooldown_left, self.wait = self.cooldown, 0


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """One row of epoch logs per epoch in `filename` (a header first, unless appending to
    a file that has one)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = filename, separator, append

    def on_train_begin(self, logs=None):
        header = not (self.append and os.path.exists(self.filename)
                      and os.path.getsize(self.filename))
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._writer, self._header = None, header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, ["epoch", *logs],
                                          delimiter=self.separator)
            if self._header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **logs})
        self._file.flush()

    def on_train_end(self, logs=None):
        self._file.close()


class TensorBoard(Callback):
    """The epoch logs (loss, metrics, their val_ forms) as scalar summaries in log_dir,
    one event per epoch, for TensorBoard's scalars tab; with write_graph, the model's graph
    first, for its graph tab."""

    def __init__(self, log_dir="./logs", write_graph=True, **unused):
        super().__init__()
        self.log_dir, self.write_graph = log_dir, write_graph

    def on_train_begin(self, logs=None):
        from .events import FileWriter
        self._writer = FileWriter(self.log_dir, self.model.outputs[0].graph
                                  if self.write_graph else None)

    def on_epoch_end(self, epoch, logs=None):
        from .events import Summary, SummaryValue
        self._writer.add_summary(Summary([SummaryValue(tag, simple_value=float(value))
                                          for tag, value in (logs or {}).items()]), epoch)

    def on_train_end(self, logs=None):
        self._writer.close()


def epoch_logs(sums, count):
    """The means of per-batch sums over `count` examples, as floats."""
    return {k: float(v / count) for k, v in sums.items()} if count else \
        {k: float(np.nan) for k in sums}
