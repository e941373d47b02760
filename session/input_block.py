"""The feeds a replay of a captured CUDA graph copies in, in one block of device memory.

The graph reads each such feed from its slot of the block (device.slot_layout). A replay
copies the host values into the same slots of one pinned buffer and the whole buffer into
the block in one copy (one call, however many feeds: a training step's inputs, labels and
scalar hyperparameters), and device arrays by one copy kernel each, after it.
"""
import numpy as np

from tf0.kernels import device
from tf0.kernels import launch_elementwise as E


class InputBlock:
    """indices: the feeds it holds; arrays: {feed index: the device array the graph reads}.
    Made before the capture (it allocates)."""

    def __init__(self, feeds, indices, cupy):
        """Slots for feeds[i], i in `indices` (arrays or NumPy scalars of the run being
        captured)."""
        self.indices = list(indices)
        self.slots, nbytes = device.slot_layout([feeds[i] for i in self.indices])
        self.block = cupy.empty((nbytes,), np.uint8)
        self.arrays = dict(zip(self.indices, device.slot_views(self.block, self.slots)))
        self._pinned = self._host = None  # made on the first host feed

    def stage(self, feeds, stream, pinned_empty):
        """Queue on `stream` the copies of this run's feeds into the block; host values go
        through the pinned buffer (from pinned_empty(shape, dtype)), which the caller must
        know free (the last call's copy done). Returns True when it was used."""
        on_device = []
        for i in self.indices:
            value = feeds[i]
            if type(value) is np.ndarray or np.isscalar(value):
                if self._host is None:
                    self._pinned = pinned_empty(self.block.shape, np.uint8)
                    self._host = dict(zip(self.indices,
                                          device.host_slot_views(self._pinned, self.slots)))
                np.copyto(self._host[i], value)
            else:
                on_device.append(i)
        used_pinned = len(on_device) < len(self.indices)
        if used_pinned:  # device values' slots too: their copies come after, in stream order
            self.block.set(self._pinned, stream=stream)
        for i in on_device:
            E.copy(feeds[i], out=self.arrays[i])
        return used_pinned
