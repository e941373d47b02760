"""tf.train.QueueRunner: threads that run a queue's enqueue ops until their input ends,
then close the queue (TF1's protocol; started by tf.train.start_queue_runners)."""
import threading

from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_graph


class QueueRunner:
    """One thread per op of `enqueue_ops` runs it over and over. A thread whose op raises
    one of `queue_closed_exception_types` (default: OutOfRangeError and CancelledError, the
    end of its input or a closed queue) stops; the last one to stop runs `close_op`. Any
    other error is handed to the coordinator, which stops every thread. With a coordinator,
    one more thread runs `cancel_op` once a stop is requested, so that threads waiting on
    a full queue wake up."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None):
        self.queue = queue
        self.enqueue_ops = list(enqueue_ops or [])
        self.close_op = close_op if close_op is not None else queue.close()
        self.cancel_op = cancel_op if cancel_op is not None else \
            queue.close(cancel_pending_enqueues=True)
        self.queue_closed_exception_types = tuple(
            queue_closed_exception_types or (errors.OutOfRangeError, errors.CancelledError))
        self._lock = threading.Lock()
        self._running = {}  # session -> enqueue threads still running
        self.exceptions_raised = []

    @property
    def name(self):
        return self.queue.name

    def _run(self, sess, enqueue_op, coord):
        decremented = False
        try:
            while not (coord is not None and coord.should_stop()):
                try:
                    sess.run(enqueue_op)
                except self.queue_closed_exception_types:
                    with self._lock:
                        self._running[sess] -= 1
                        decremented = True
                        last = self._running[sess] == 0
                    if last:
                        try:
                            sess.run(self.close_op)
                        except Exception:  # noqa: BLE001 - the session may be closing
                            pass
                    return
        except Exception as e:  # noqa: BLE001 - reported to the coordinator or kept
            if coord is not None:
                coord.request_stop(e)
            else:
                with self._lock:
                    self.exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._running[sess] -= 1

    def _cancel_on_stop(self, sess, coord):
        coord.wait_for_stop()
        try:
            sess.run(self.cancel_op)
        except Exception:  # noqa: BLE001 - the session may be closed already
            pass

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """The threads for `sess` (started when `start`), registered with `coord`."""
        with self._lock:
            if self._running.get(sess, 0) > 0:
                return []  # already running for this session
            self._running[sess] = len(self.enqueue_ops)
            self.exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord), daemon=daemon,
                                    name=f"QueueRunner:{self.name}:{k}")
                   for k, op in enumerate(self.enqueue_ops)]
        if coord is not None:
            threads.append(threading.Thread(target=self._cancel_on_stop, args=(sess, coord),
                                            daemon=True, name=f"QueueRunner:{self.name}:stop"))
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Add `qr` to the default graph's queue runners (start_queue_runners starts them)."""
    get_default_graph().add_to_collection(collection, qr)
