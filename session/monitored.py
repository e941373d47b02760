"""tf.train.MonitoredTrainingSession and MonitoredSession: a Session that initializes or
restores the variables, runs hooks around every run (session/hooks.py), and ends a
dataset loop cleanly when the input runs out."""
from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.ops.sources import group
from tf0.ops.summary_ops import merge_all
from tf0.ops.variables import global_variables_initializer, local_variables_initializer

from .hooks import (CheckpointSaverHook, SessionRunArgs, SessionRunContext, SessionRunValues,
                    StepCounterHook, SummarySaverHook)
from .coordinator import Coordinator, start_queue_runners
from .saver import Saver, latest_checkpoint
from .session import Session

USE_DEFAULT = object()


class Scaffold:
    """What a monitored session needs to set up a graph: init_op (default: initialize every
    global and local variable), init_feed_dict, init_fn(scaffold, session), local_init_op,
    summary_op (default: every summary merged) and saver (default: all global variables).
    finalize() fills in the defaults."""

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None,
                 saver=None, copy_from_scaffold=None):
        self.init_op, self.init_feed_dict, self.init_fn = init_op, init_feed_dict, init_fn
        self.local_init_op, self.summary_op, self.saver = local_init_op, summary_op, saver

    def finalize(self):
        """Fill in the defaults, made once per graph and kept in its collections (as TF1
        does), so that later monitored sessions on a finalized graph find them."""
        if self.init_op is None:
            self.init_op = _once(GraphKeys.INIT_OP, lambda: group(
                global_variables_initializer(), local_variables_initializer()))
        if self.local_init_op is None:
            self.local_init_op = _once(GraphKeys.LOCAL_INIT_OP, local_variables_initializer)
        if self.summary_op is None:
            self.summary_op = _once(GraphKeys.SUMMARY_OP, merge_all)
        if self.saver is None and get_default_graph().get_collection(
                GraphKeys.GLOBAL_VARIABLES):
            self.saver = _once(GraphKeys.SAVERS, Saver)
        return self


def _once(key, make):
    """The first item of the graph's collection `key`, made (and stored) if it is empty;
    None is stored too, so that it is not made again."""
    graph = get_default_graph()
    items = graph.get_collection(key)
    if not items:
        graph.add_to_collection(key, make())
        items = graph.get_collection(key)
    return items[0]


class ChiefSessionCreator:
    """Makes the session: restores the newest checkpoint of checkpoint_dir if there is
    one, else runs the scaffold's init_op and init_fn."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self.scaffold = scaffold or Scaffold()
        self._config, self._dir = config, checkpoint_dir
        self._path = checkpoint_filename_with_path

    def create_session(self):
        scaffold = self.scaffold.finalize()
        sess = Session(config=self._config)
        path = self._path or (latest_checkpoint(self._dir) if self._dir else None)
        if path is not None and scaffold.saver is not None:
            scaffold.saver.restore(sess, path)
            sess.run(scaffold.local_init_op)
        else:
            sess.run(scaffold.init_op, scaffold.init_feed_dict)
            if scaffold.init_fn is not None:
                scaffold.init_fn(scaffold, sess)
        return sess


class MonitoredSession:
    """Runs like a Session, calling every hook's before_run and after_run around each run
    (their fetches and feeds join the caller's in one run); should_stop() tells when a
    hook asked to stop. As a context manager, an OutOfRangeError (a dataset that ran out)
    ends the block without an error, and hooks' end() run on a clean exit."""

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        self._hooks = list(hooks or [])
        creator = session_creator or ChiefSessionCreator()
        for hook in self._hooks:
            hook.begin()
        graph = get_default_graph()
        creator.scaffold.finalize()
        graph.finalize()  # as in TF1: hooks add their ops in begin()
        self._sess = creator.create_session()
        self._coord = Coordinator()
        self._threads = start_queue_runners(self._sess, self._coord)
        self._grace = stop_grace_period_secs
        for hook in self._hooks:
            hook.after_create_session(self._sess, self._coord)
        self._stop = False

    @property
    def graph(self):
        return self._sess.graph

    def raw_session(self):
        return self._sess

    def should_stop(self):
        return self._stop or self._coord.should_stop()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._stop:
            raise RuntimeError("Run called even after should_stop requested.")
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict, options), self._sess)
        feeds, extra = dict(feed_dict or {}), {}
        for k, hook in enumerate(self._hooks):
            request = hook.before_run(context)
            if request is None:
                continue
            if request.fetches is not None:
                extra[k] = request.fetches
            for key, value in (request.feed_dict or {}).items():
                if key in feeds:
                    raise RuntimeError(f"Same tensor is fed by a SessionRunHook and user: "
                                       f"{getattr(key, 'name', key)}")
                feeds[key] = value
        results = self._sess.run({"caller": fetches, "hooks": extra}, feeds, options,
                                 run_metadata)
        for k, hook in enumerate(self._hooks):
            hook.after_run(context, SessionRunValues(results["hooks"].get(k), options,
                                                     run_metadata))
        self._stop = self._stop or context.stop_requested
        return results["caller"]

    def close(self):
        self._close(clean=True)

    def _close(self, clean):
        if self._sess is None:
            return
        try:
            if clean:
                for hook in self._hooks:
                    hook.end(self._sess)
        finally:
            try:  # the queue runners stop first; an error one of them hit is raised here
                self._coord.request_stop()
                self._coord.join(self._threads, self._grace, ignore_live_threads=True)
            finally:
                self._sess.close()
                self._sess = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        ran_out = exc_type is not None and issubclass(exc_type, (errors.OutOfRangeError,
                                                                 StopIteration))
        self._close(clean=exc_type is None or ran_out)
        return ran_out


class SingularMonitoredSession(MonitoredSession):
    """A MonitoredSession made from a scaffold and checkpoint_dir directly."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None,
                 checkpoint_dir=None, stop_grace_period_secs=120,
                 checkpoint_filename_with_path=None):
        super().__init__(ChiefSessionCreator(scaffold, master, config, checkpoint_dir,
                                             checkpoint_filename_with_path), hooks)


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None, scaffold=None,
                             hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=USE_DEFAULT, save_summaries_steps=USE_DEFAULT,
                             save_summaries_secs=USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None):
    """TF1's training session: a MonitoredSession that, with a checkpoint_dir, restores
    from it, saves checkpoints (every 600 s by default, or save_checkpoint_steps) and
    summaries (every 100 steps by default) into it, and logs steps per second."""
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    save_checkpoint_steps = None if save_checkpoint_steps is USE_DEFAULT else \
        save_checkpoint_steps
    save_checkpoint_secs = None if save_checkpoint_secs is USE_DEFAULT else save_checkpoint_secs
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    save_summaries_steps = None if save_summaries_steps is USE_DEFAULT else save_summaries_steps
    save_summaries_secs = None if save_summaries_secs is USE_DEFAULT else save_summaries_secs
    scaffold = scaffold or Scaffold()
    all_hooks = list(hooks or []) + (list(chief_only_hooks or []) if is_chief else [])
    summary_dir = summary_dir or checkpoint_dir
    if is_chief and summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(StepCounterHook(every_n_steps=log_step_count_steps))
        if save_summaries_steps or save_summaries_secs:
            all_hooks.append(SummarySaverHook(save_steps=save_summaries_steps,
                                              save_secs=save_summaries_secs,
                                              output_dir=summary_dir, scaffold=scaffold))
    if is_chief and checkpoint_dir and (save_checkpoint_steps or save_checkpoint_secs):
        all_hooks.append(CheckpointSaverHook(checkpoint_dir, save_secs=save_checkpoint_secs,
                                             save_steps=save_checkpoint_steps,
                                             scaffold=scaffold))
    return MonitoredSession(ChiefSessionCreator(scaffold, master, config, checkpoint_dir),
                            all_hooks)
