"""tf.train.Coordinator: threads that stop together, and the first error one of them hit,
re-raised where they are joined (TF1's protocol); tf.train.start_queue_runners starts the
threads of a graph's queue runners (ops/queue_runner.py)."""
import contextlib
import sys
import threading
import time

from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_session


class Coordinator:
    """`clean_stop_exception_types`: errors that only ask to stop (default: OutOfRangeError,
    the end of the data); any other error passed to request_stop is kept and raised by
    join() or raise_requested_exception()."""

    def __init__(self, clean_stop_exception_types=None):
        self._clean = tuple(clean_stop_exception_types
                            if clean_stop_exception_types is not None
                            else (errors.OutOfRangeError,))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._exc_info = None
        self._threads = set()
        self._joined = False

    def request_stop(self, ex=None):
        """Ask every thread to stop; `ex` (an exception or a sys.exc_info() triple) is
        recorded unless it is a clean stop or an error was recorded already."""
        with self._lock:
            if ex is not None and self._exc_info is None:
                info = ex if isinstance(ex, tuple) else (type(ex), ex, ex.__traceback__)
                if not issubclass(info[0], self._clean):
                    self._exc_info = info
            self._stop.set()

    def should_stop(self):
        return self._stop.is_set()

    def clear_stop(self):
        """Forget the stop request and any recorded error."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop.clear()

    def wait_for_stop(self, timeout=None):
        """True once a stop was requested (waiting up to `timeout` seconds for it)."""
        return self._stop.wait(timeout)

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A block whose exception (any, clean stops included) requests a stop instead of
        propagating."""
        try:
            yield
        except Exception:  # noqa: BLE001 - recorded and re-raised by join()
            self.request_stop(sys.exc_info())

    def register_thread(self, thread):
        with self._lock:
            self._threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for the registered threads and `threads` until a stop is requested and they
        finish; raise RuntimeError naming those still alive `stop_grace_period_secs` after
        the request (unless ignore_live_threads), then any recorded error."""
        with self._lock:
            threads = self._threads | set(threads or ())
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(0.05):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._threads = set()
            info = self._exc_info
        if info is not None:
            raise info[1].with_traceback(info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError(f"Coordinator stopped with threads still running: "
                               f"{', '.join(sorted(alive))}")

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Raise the recorded error, if any."""
        with self._lock:
            info = self._exc_info
        if info is not None:
            raise info[1].with_traceback(info[2])


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Create (and start) the threads of every QueueRunner in the session graph's
    `collection`, for `sess` (default: the default session); returns them."""
    sess = sess or get_default_session()
    if sess is None:
        raise ValueError("Cannot start queue runners: no default session is registered. "
                         "Use `with sess.as_default()` or pass an explicit session.")
    return [t for qr in sess.graph.get_collection(collection)
            for t in qr.create_threads(sess, coord, daemon, start)]
