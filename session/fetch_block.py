"""The device fetches of a captured CUDA graph, handed out through one block of memory.

After each replay one kernel copies every fetched device value (a buffer of the graph, at a
fixed address) into its slot of one uint8 block (slots 256 bytes apart at least): a fresh
device block for device-array fetches, or the plan's own device block that is then
downloaded into a fresh pinned host buffer for host fetches. Slots of the block become the
user's arrays, so fetches share one allocation, freed when the user has dropped all of them.
The copy runs outside the graph: a graph's memcpy nodes cost more GPU time than one kernel,
and device fetches would need a second copy out of a block the graph owns.
"""
import numpy as np

from tf0.kernels import device
from tf0.kernels import launch_array

ALIGN = 256  # bytes: every slot starts as aligned as a fresh allocation


class FetchBlock:
    """indices: the fetches it carries; slots: (byte offset, shape, dtype) of each;
    nbytes: the block's size."""

    def __init__(self, raw, indices):
        """Slots for the C-contiguous device arrays raw[k], k in `indices` (built during the
        capture: nothing is launched or uploaded here)."""
        self.indices, self.slots, offset = list(indices), [], 0
        for k in self.indices:
            self.slots.append((offset, raw[k].shape, raw[k].dtype))
            offset += -(-raw[k].nbytes // ALIGN) * ALIGN
        self.nbytes = offset
        self.sources = [raw[k] for k in self.indices]
        self._copy = self._host_block = None  # made on first use, outside the capture
        # byte range of each slot, for host views
        self._spans = [(o, o + raw[k].nbytes) for k, (o, _, _) in zip(self.indices, self.slots)]

    def _gather(self, block):
        if self._copy is None:
            self._copy = launch_array.SegmentCopy(self.sources, [o for o, _, _ in self.slots])
        return self._copy(block)

    def to_device(self, cupy):
        """{fetch index: a fresh device array}, copied on the current stream."""
        out = self._gather(cupy.empty((self.nbytes,), np.uint8))
        return dict(zip(self.indices, device.slot_views(out, self.slots)))

    def to_host(self, cupy, pinned):
        """{fetch index: a view of `pinned`} (page-locked uint8 [nbytes]); the gather and
        download are queued on the current stream and not waited for."""
        if self._host_block is None:
            self._host_block = cupy.empty((self.nbytes,), np.uint8)
        self._gather(self._host_block).get(out=pinned, blocking=False)
        return {k: pinned[start:end].view(dtype).reshape(shape)
                for k, (start, end), (_, shape, dtype)
                in zip(self.indices, self._spans, self.slots)}


def packable(raw, forms, device_array):
    """Indices of the fetches a block can carry: C-contiguous, non-empty device arrays."""
    return [k for k, (x, form) in enumerate(zip(raw, forms))
            if form is not None and type(x) is device_array and x.size and x.flags.c_contiguous]
