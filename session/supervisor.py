"""TF1's older training helpers: SessionManager (a session restored from the latest
checkpoint, or initialized) and Supervisor (that, plus a coordinator, the queue runners,
and background threads that save checkpoints and summaries on a timer), for the scripts
written before MonitoredTrainingSession."""
import contextlib
import os
import threading

from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.ops.optimizers import get_global_step
from tf0.ops.sources import group
from tf0.ops.summary_ops import merge_all
from tf0.ops.variables import global_variables_initializer, local_variables_initializer

from .coordinator import Coordinator, start_queue_runners
from .events import FileWriter
from .saver import Saver, latest_checkpoint
from .session import Session

USE_DEFAULT = 0  # TF1's marker: "make the default one"


class SessionManager:
    """prepare_session restores the newest checkpoint (or the given one) into a new session,
    or runs init_op / init_fn when there is none; then runs local_init_op."""

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._local_init_op, self._local_init_feed_dict = local_init_op, local_init_feed_dict

    def _restored(self, saver, checkpoint_dir, checkpoint_filename_with_path, config):
        """(session, True) restored from a checkpoint, or (session, False) when none."""
        sess = Session(graph=self._graph, config=config)
        path = checkpoint_filename_with_path or (
            latest_checkpoint(checkpoint_dir) if checkpoint_dir else None)
        if saver is None or path is None:
            return sess, False
        saver.restore(sess, path)
        return sess, True

    def _local_init(self, sess):
        if self._local_init_op is not None:
            sess.run(self._local_init_op, self._local_init_feed_dict)

    def prepare_session(self, master="", init_op=None, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None):
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        sess, restored = self._restored(saver, checkpoint_dir, checkpoint_filename_with_path,
                                        config)
        if not restored:
            if init_op is None and init_fn is None and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, init_feed_dict)
            if init_fn is not None:
                init_fn(sess)
        self._local_init(sess)
        return sess

    def recover_session(self, master="", saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None):
        """(session, whether a checkpoint was restored into it)."""
        sess, restored = self._restored(saver, checkpoint_dir, checkpoint_filename_with_path,
                                        config)
        if restored:
            self._local_init(sess)
        return sess, restored

    def wait_for_session(self, master="", config=None, max_wait_secs=float("inf")):
        sess = Session(graph=self._graph, config=config)
        self._local_init(sess)
        return sess


class Supervisor:
    """A session restored from logdir (or initialized), the graph's queue runners, and
    threads that save a checkpoint every save_model_secs and the summaries every
    save_summaries_secs until stop(). Use managed_session() in a `with`; should_stop()
    ends the training loop."""

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        self._graph = graph if graph is not None else get_default_graph()
        with self._graph.as_default():
            self._init_op = group(global_variables_initializer(),
                                  local_variables_initializer()) \
                if init_op is USE_DEFAULT else init_op
            self._local_init_op = local_variables_initializer() \
                if local_init_op is USE_DEFAULT else local_init_op
            self._summary_op = merge_all() if summary_op is USE_DEFAULT else summary_op
            has_variables = bool(self._graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
            self._saver = (Saver() if has_variables else None) if saver is USE_DEFAULT \
                else saver
            self._global_step = get_global_step(self._graph) if global_step is USE_DEFAULT \
                else global_step
        self._logdir, self._is_chief = logdir, is_chief
        self._init_feed_dict, self._init_fn = init_feed_dict, init_fn
        self._save_summaries_secs, self._save_model_secs = save_summaries_secs, save_model_secs
        self._stop_grace_secs = stop_grace_secs
        self._save_path = os.path.join(logdir, checkpoint_basename) if logdir else None
        # the chief's default writer starts with the graph, as TF1's does
        self._summary_writer = (FileWriter(logdir, self._graph if is_chief else None)
                                if logdir else None) \
            if summary_writer is USE_DEFAULT else summary_writer
        self._session_manager = session_manager or SessionManager(
            local_init_op=self._local_init_op, graph=self._graph)
        self._coord = Coordinator()
        self._threads = []
        self._graph.finalize()

    # ---- what TF1 programs read
    coord = property(lambda self: self._coord)
    saver = property(lambda self: self._saver)
    summary_writer = property(lambda self: self._summary_writer)
    summary_op = property(lambda self: self._summary_op)
    global_step = property(lambda self: self._global_step)
    init_op = property(lambda self: self._init_op)
    is_chief = property(lambda self: self._is_chief)
    save_path = property(lambda self: self._save_path)
    session_manager = property(lambda self: self._session_manager)

    def should_stop(self):
        return self._coord.should_stop()

    def request_stop(self, ex=None):
        self._coord.request_stop(ex)

    def stop_on_exception(self):
        return self._coord.stop_on_exception()

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """The session, with the queue runners and (with a logdir) the saving threads
        started."""
        sess = self._session_manager.prepare_session(
            master, init_op=self._init_op, saver=self._saver, checkpoint_dir=self._logdir,
            config=config, init_feed_dict=self._init_feed_dict,
            init_fn=None if self._init_fn is None else self._init_fn)
        if start_standard_services:
            self.start_standard_services(sess)
        self._threads += self.start_queue_runners(sess)
        return sess

    def start_queue_runners(self, sess, queue_runners=None):
        if queue_runners is None:
            return start_queue_runners(sess, self._coord)
        return [t for qr in queue_runners for t in qr.create_threads(sess, self._coord,
                                                                    daemon=True, start=True)]

    def start_standard_services(self, sess):
        """The checkpoint and summary threads (chief, with a logdir)."""
        if not self._is_chief or self._logdir is None:
            return []
        started = []
        if self._saver is not None and self._save_model_secs:
            started.append(self.loop(self._save_model_secs, self._save, (sess,)))
        if self._summary_op is not None and self._summary_writer is not None and \
                self._save_summaries_secs:
            started.append(self.loop(self._save_summaries_secs, self._summarize, (sess,)))
        return started

    def _save(self, sess):
        self._saver.save(sess, self._save_path, global_step=self._global_step)

    def _summarize(self, sess):
        if self._global_step is not None:
            summary, step = sess.run([self._summary_op, self._global_step])
        else:
            summary, step = sess.run(self._summary_op), None
        self._summary_writer.add_summary(summary, step)

    def summary_computed(self, sess, summary, global_step=None):
        if self._summary_writer is None:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = sess.run(self._global_step)
        self._summary_writer.add_summary(summary, global_step)

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """A thread calling target every timer_interval_secs until stop() (started)."""
        def run():
            with self._coord.stop_on_exception():
                while not self._coord.wait_for_stop(timer_interval_secs):
                    target(*(args or ()), **(kwargs or {}))
        thread = threading.Thread(target=run, daemon=True, name="Supervisor.loop")
        self._coord.register_thread(thread)
        thread.start()
        self._threads.append(thread)
        return thread

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Stop every thread started here and wait for them (then the recorded error, if
        any, is raised)."""
        self._coord.request_stop()
        try:
            self._coord.join(list(threads or []) + self._threads,
                             stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            self._threads = []
            if close_summary_writer and self._summary_writer is not None:
                self._summary_writer.close()

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A session for a `with` block: OutOfRangeError in the block is a clean stop; on
        leaving, the threads stop and the session closes."""
        sess = self.prepare_or_wait_for_session(master, config,
                                                start_standard_services=start_standard_services)
        try:
            yield sess
        except errors.OutOfRangeError:
            self._coord.request_stop()
        except Exception as e:
            self._coord.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                sess.close()
