"""Run an iterator ahead of its consumer on a background thread."""
import queue
import threading


class _Failure:
    def __init__(self, exc):
        self.exc = exc


_DONE = object()


class Ahead:
    """Iterates `source` on a daemon thread, up to `depth` items ahead, in order.

    transform(item) runs on that thread (e.g. an upload); `enter` is a context manager the
    thread runs inside (e.g. a CUDA device). An exception in the thread is raised by the
    consumer's next(). close() (or dropping the object) stops the thread.
    """

    def __init__(self, source, depth, transform=None, enter=None, name="tf0-ahead"):
        self._queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._finished = False
        threading.Thread(target=self._produce, args=(source, transform, enter), daemon=True,
                         name=name).start()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, source, transform, enter):
        try:
            if enter is not None:
                with enter:
                    self._loop(source, transform)
            else:
                self._loop(source, transform)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(_Failure(exc))

    def _loop(self, source, transform):
        for item in source:
            if not self._put(transform(item) if transform is not None else item):
                return
        self._put(_DONE)

    def __iter__(self):
        return self

    def __next__(self):
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is _DONE:
            self._finished = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            raise item.exc
        return item

    def close(self):
        self._stop.set()

    def __del__(self):
        self._stop.set()
