"""Device staging for tf.data on the GPU: a background thread takes the next elements of a
host iterator, copies each into pinned host memory and uploads it on its own CUDA stream,
so IteratorGetNext hands out device arrays that are already resident."""
import queue
import threading

import numpy as np

_DONE = object()


class _Failure:
    def __init__(self, exc):
        self.exc = exc


class DeviceStager:
    """An iterator of tuples of CuPy arrays, `depth` elements ahead of the consumer."""

    def __init__(self, host_iterator, depth=2):
        import cupy
        import cupyx
        self._cupy, self._cupyx = cupy, cupyx
        self._queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._device = cupy.cuda.Device()
        self._thread = threading.Thread(target=self._produce, args=(host_iterator,),
                                        daemon=True, name="tf0-stage")
        self._thread.start()

    def _upload(self, element, stream):
        out = []
        for value in element:
            host = np.asarray(value, order="C")
            pinned = self._cupyx.empty_pinned(host.shape, host.dtype)
            np.copyto(pinned, host)
            dev = self._cupy.empty(host.shape, host.dtype)
            if host.nbytes:
                dev.set(pinned, stream=stream)
            out.append((dev, pinned))
        # the pinned buffers must outlive the copies: wait here, on this thread
        stream.synchronize()
        return tuple(dev for dev, _ in out)

    def _produce(self, host_iterator):
        try:
            with self._device:
                stream = self._cupy.cuda.Stream(non_blocking=True)
                for element in host_iterator:
                    staged = self._upload(element, stream)
                    while not self._stop.is_set():
                        try:
                            self._queue.put(staged, timeout=0.05)
                            break
                        except queue.Full:
                            continue
                    if self._stop.is_set():
                        return
            self._queue.put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            self._queue.put(_Failure(exc))

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is _DONE:
            self._queue.put(_DONE)  # stays exhausted
            raise StopIteration
        if isinstance(item, _Failure):
            raise item.exc
        return item

    def close(self):
        self._stop.set()

    def __del__(self):
        self._stop.set()
