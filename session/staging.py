"""Device staging for tf.data on the GPU: a background thread takes the next elements of a
host iterator, copies each into pinned host memory and uploads it on its own CUDA stream,
so IteratorGetNext hands out device arrays that are already resident."""
import numpy as np

from .background import Ahead


def device_stager(host_iterator, depth=2):
    """An iterator of tuples of CuPy arrays, `depth` elements ahead of the consumer."""
    import cupy
    import cupyx
    stream = cupy.cuda.Stream(non_blocking=True)

    def upload(element):
        staged = []
        for value in element:
            host = np.asarray(value, order="C")
            if host.dtype == object:  # strings stay on the host, as everywhere in tf0
                staged.append((host, None))
                continue
            pinned = cupyx.empty_pinned(host.shape, host.dtype)
            np.copyto(pinned, host)
            dev = cupy.empty(host.shape, host.dtype)
            if host.nbytes:
                dev.set(pinned, stream=stream)
            staged.append((dev, pinned))
        stream.synchronize()  # the pinned buffers must outlive the copies
        return tuple(dev for dev, _ in staged)

    return Ahead(host_iterator, depth, transform=upload, enter=cupy.cuda.Device(),
                 name="tf0-stage")
