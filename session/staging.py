"""Device staging for tf.data on the GPU. A background thread takes the next elements of a
host iterator and copies each numeric component into pinned host memory; the consumer's
next() uploads them on its own current stream.

The upload belongs to the consumer because CuPy's memory pool hands memory freed on a
stream to the next allocation on that stream without waiting for other streams: device
memory allocated by the staging thread and written on a stream of its own could be memory
that kernels of the consumer's stream are still reading."""
import collections

import numpy as np

from .background import Ahead


def stays_on_host(value):
    """Strings (object arrays and NumPy bytes or str arrays) never go to the device."""
    return value.dtype.kind in "OSU"


class DeviceStager:
    """An iterator of tuples of CuPy arrays (strings as host arrays), pinned `depth`
    elements ahead of the consumer. `cupy` is the CuPy module, empty_pinned(shape, dtype)
    CuPy's pinned NumPy arrays (cupyx.empty_pinned). close() stops the staging thread."""

    def __init__(self, host_iterator, cupy, empty_pinned, depth=2):
        self.cupy = cupy

        def pin(element):
            pinned = []
            for value in element:
                host = np.asarray(value, order="C")
                if not stays_on_host(host) and host.nbytes:
                    copy = empty_pinned(host.shape, host.dtype)
                    np.copyto(copy, host)
                    host = copy
                pinned.append(host)
            return tuple(pinned)
        self._ahead = Ahead(host_iterator, depth, transform=pin, enter=cupy.cuda.Device(),
                            name="tf0-stage")
        self._in_flight = collections.deque()  # (event, pinned element) of pending copies

    def __iter__(self):
        return self

    def __next__(self):
        element = next(self._ahead)
        in_flight = self._in_flight
        while in_flight and in_flight[0][0].done:  # their pinned memory may be reused
            in_flight.popleft()
        cupy = self.cupy
        stream = cupy.cuda.get_current_stream()
        staged = []
        for host in element:
            if stays_on_host(host):
                staged.append(host)
                continue
            dev = cupy.empty(host.shape, host.dtype)
            if host.nbytes:
                dev.set(host, stream=stream)
            staged.append(dev)
        in_flight.append((stream.record(), element))
        return tuple(staged)

    def close(self):
        self._ahead.close()
