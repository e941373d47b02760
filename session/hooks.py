"""tf.train's session run hooks: the protocol (SessionRunHook, SessionRunArgs,
SessionRunContext, SessionRunValues) and the hooks TF1 programs use with
MonitoredTrainingSession (session/monitored.py)."""
import collections
import os
import time

import numpy as np

from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.ops.summary_ops import merge_all

from . import script_support as log
from .events import FileWriter
from .saver import Saver

SessionRunArgs = collections.namedtuple("SessionRunArgs", ["fetches", "feed_dict", "options"])
SessionRunArgs.__new__.__defaults__ = (None, None)
SessionRunValues = collections.namedtuple("SessionRunValues",
                                          ["results", "options", "run_metadata"])


class SessionRunContext:
    """What a hook sees of one run: the caller's args, the session, and request_stop()."""

    def __init__(self, original_args, session):
        self.original_args, self.session = original_args, session
        self.stop_requested = False

    def request_stop(self):
        self.stop_requested = True


class SessionRunHook:
    """A hook's five moments; each does nothing unless overridden."""

    def begin(self):
        """Before the graph is finalized: the place to add ops."""

    def after_create_session(self, session, coord):
        """Once the session exists and its variables are initialized or restored."""

    def before_run(self, run_context):
        """Before each run: a SessionRunArgs of more fetches (and feeds), or None."""

    def after_run(self, run_context, run_values):
        """After each run, with the results of what before_run asked for."""

    def end(self, session):
        """When the session closes without an error."""


class SecondOrStepTimer:
    """Fires every `every_secs` seconds or every `every_steps` steps (one of the two)."""

    def __init__(self, every_secs=None, every_steps=None):
        if (every_secs is None) == (every_steps is None):
            raise ValueError("give exactly one of every_secs and every_steps")
        self._secs, self._steps = every_secs, every_steps
        self._last = None  # (time, step) when it last fired

    def should_trigger_for_step(self, step):
        if self._last is None:
            return True
        if self._steps is not None:
            return step >= self._last[1] + self._steps
        return time.time() >= self._last[0] + self._secs

    def update_last_triggered_step(self, step):
        self._last = (time.time(), step)

    def last_triggered_step(self):
        return None if self._last is None else self._last[1]


def _global_step_tensor():
    steps = get_default_graph().get_collection(GraphKeys.GLOBAL_STEP)
    if not steps:
        raise RuntimeError("This hook needs a global step: create one with "
                           "tf.train.get_or_create_global_step()")
    return steps[0]


class StopAtStepHook(SessionRunHook):
    """Stops after num_steps more steps, or once the global step reaches last_step."""

    def __init__(self, num_steps=None, last_step=None):
        if (num_steps is None) == (last_step is None):
            raise ValueError("give exactly one of num_steps and last_step")
        self._num_steps, self._last_step = num_steps, last_step

    def begin(self):
        self._step = _global_step_tensor()

    def after_create_session(self, session, coord):
        if self._last_step is None:
            self._last_step = int(session.run(self._step)) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._step)

    def after_run(self, run_context, run_values):
        if int(run_values.results) + 1 >= self._last_step:
            # the step just run raised the global step to results + 1 (if it trains)
            step = int(run_context.session.run(self._step))
            if step >= self._last_step:
                run_context.request_stop()


class LoggingTensorHook(SessionRunHook):
    """Logs the values of `tensors` (a dict of tag: tensor, or a list) every_n_iter steps
    or every_n_secs seconds, at tf.logging's INFO level."""

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        if not at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("give exactly one of every_n_iter and every_n_secs")
        items = tensors.items() if isinstance(tensors, dict) else \
            [(getattr(t, "name", t), t) for t in tensors]
        self._tags, self._tensors = [k for k, _ in items], [v for _, v in items]
        self._timer = None if at_end and every_n_iter is None and every_n_secs is None else \
            SecondOrStepTimer(every_n_secs, every_n_iter)
        self._at_end, self._formatter = at_end, formatter
        self._iter = 0

    def before_run(self, run_context):
        self._fire = self._timer is not None and self._timer.should_trigger_for_step(self._iter)
        return SessionRunArgs(self._tensors) if self._fire else None

    def after_run(self, run_context, run_values):
        if self._fire:
            self._log(run_values.results)
            self._timer.update_last_triggered_step(self._iter)
        self._iter += 1

    def end(self, session):
        if self._at_end:
            self._log(session.run(self._tensors))

    def _log(self, values):
        named = dict(zip(self._tags, values))
        log.info(self._formatter(named) if self._formatter else
                 ", ".join(f"{k} = {v}" for k, v in named.items()))


class NanLossDuringTrainingError(RuntimeError):
    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Raises NanLossDuringTrainingError (or only stops) when the loss becomes NaN."""

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss, self._fail = loss_tensor, fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            if self._fail:
                raise NanLossDuringTrainingError
            log.warning("Model diverged with loss = NaN.")
            run_context.request_stop()


class CheckpointSaverHook(SessionRunHook):
    """Saves a checkpoint into checkpoint_dir when the session starts, every save_secs or
    save_steps global steps after, and at the end (TF1's schedule)."""

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None):
        self._dir, self._saver, self._scaffold = checkpoint_dir, saver, scaffold
        self._listeners = list(listeners or [])
        self._timer = SecondOrStepTimer(save_secs, save_steps)
        self._path = os.path.join(checkpoint_dir, checkpoint_basename)

    def begin(self):
        self._step = _global_step_tensor()
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        # the scaffold's saver exists once the monitored session has finalized it
        if self._saver is None:
            self._saver = self._scaffold.saver if self._scaffold is not None and \
                self._scaffold.saver is not None else Saver()
        step = int(session.run(self._step))
        self._save(session, step)
        self._timer.update_last_triggered_step(step)

    def before_run(self, run_context):
        return SessionRunArgs(self._step)

    def after_run(self, run_context, run_values):
        # the step read before the run, plus the one the run (if it trains) added
        if self._timer.should_trigger_for_step(int(run_values.results) + 1):
            step = int(run_context.session.run(self._step))
            if self._timer.should_trigger_for_step(step):
                self._timer.update_last_triggered_step(step)
                if self._save(run_context.session, step):
                    run_context.request_stop()

    def end(self, session):
        step = int(session.run(self._step))
        if step != self._timer.last_triggered_step():
            self._save(session, step)
        for listener in self._listeners:
            listener.end(session, step)

    def _save(self, session, step):
        """Save, telling the listeners; True when one of them asks to stop."""
        for listener in self._listeners:
            listener.before_save(session, step)
        os.makedirs(self._dir, exist_ok=True)
        self._saver.save(session, self._path, global_step=step)
        return any([bool(listener.after_save(session, step)) for listener in self._listeners])


class CheckpointSaverListener:
    """Told around each save of a CheckpointSaverHook; after_save returning True stops
    the training."""

    def begin(self):
        pass

    def before_save(self, session, global_step_value):
        pass

    def after_save(self, session, global_step_value):
        pass

    def end(self, session, global_step_value):
        pass


class FinalOpsHook(SessionRunHook):
    """Runs final_ops (with final_ops_feed_dict) when the session ends; final_ops_values
    holds what they gave."""

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._ops, self._feeds, self._values = final_ops, final_ops_feed_dict, None

    @property
    def final_ops_values(self):
        return self._values

    def end(self, session):
        if self._ops is not None:
            self._values = session.run(self._ops, feed_dict=self._feeds)


class FeedFnHook(SessionRunHook):
    """Adds feed_fn()'s feed dict to every run."""

    def __init__(self, feed_fn):
        self._feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self._feed_fn())


class GlobalStepWaiterHook(SessionRunHook):
    """Holds each run back until the global step reaches wait_until_step (for workers that
    start after a chief; one process never waits long)."""

    def __init__(self, wait_until_step):
        self._wait_until = wait_until_step

    def begin(self):
        self._step = _global_step_tensor()

    def before_run(self, run_context):
        while self._wait_until > 0 and \
                int(run_context.session.run(self._step)) < self._wait_until:
            time.sleep(0.5)
        self._wait_until = 0


class SummarySaverHook(SessionRunHook):
    """Runs summary_op (default: every summary merged) every save_steps or save_secs and
    writes it to output_dir's event file."""

    def __init__(self, save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                 scaffold=None, summary_op=None):
        self._timer = SecondOrStepTimer(save_secs, save_steps)
        self._dir, self._writer, self._op = output_dir, summary_writer, summary_op
        self._scaffold = scaffold

    def begin(self):
        if self._op is None and self._scaffold is None:
            self._op = merge_all()
        self._step = _global_step_tensor()

    def after_create_session(self, session, coord):
        if self._op is None and self._scaffold is not None:  # finalized by now
            self._op = self._scaffold.summary_op
        if self._writer is None and self._op is not None:
            self._writer = FileWriter(self._dir)
        self._next = int(session.run(self._step))

    def before_run(self, run_context):
        self._fire = self._op is not None and self._timer.should_trigger_for_step(self._next)
        return SessionRunArgs({"step": self._step, "summary": self._op} if self._fire
                              else {"step": self._step})

    def after_run(self, run_context, run_values):
        step = int(run_values.results["step"])
        if self._fire:
            self._writer.add_summary(run_values.results["summary"], step)
            self._timer.update_last_triggered_step(step)
        self._next = step + 1

    def end(self, session):
        if self._writer is not None:
            self._writer.flush()


class StepCounterHook(SessionRunHook):
    """Logs global steps per second every every_n_steps steps (output_dir and
    summary_writer are accepted; the rate is not written as a summary)."""

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None):
        self._timer = SecondOrStepTimer(every_n_secs,
                                        every_n_steps if every_n_secs is None else None)
        self._last = None  # (time, step) of the last report

    def begin(self):
        self._step = _global_step_tensor()

    def before_run(self, run_context):
        return SessionRunArgs(self._step)

    def after_run(self, run_context, run_values):
        step = int(run_values.results)
        if self._timer.should_trigger_for_step(step):
            if self._last is not None and step > self._last[1]:
                rate = (step - self._last[1]) / max(time.time() - self._last[0], 1e-9)
                log.info(f"global_step/sec: {rate:g}")
            self._last = (time.time(), step)
            self._timer.update_last_triggered_step(step)
