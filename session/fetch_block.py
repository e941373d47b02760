"""The fetches of a captured CUDA graph, packed into one block of device memory.

The capture ends with a device-to-device copy of every fetched device value into its slot
of one uint8 block (slots 256 bytes apart at least), so each replay hands all fetches out
with one allocation and one copy: into a fresh device block (device-array fetches) or a
fresh pinned host buffer (host fetches), whose slots become the user's arrays. Fetches
share that allocation, which is freed when the user has dropped all of them.
"""
import numpy as np

from tf0.kernels import device
from tf0.kernels import launch_elementwise as E

ALIGN = 256  # bytes: every slot starts as aligned as a fresh allocation


class FetchBlock:
    """indices: the fetches it carries; slots: (byte offset, shape, dtype) of each;
    nbytes: the block's size."""

    def __init__(self, cupy, raw, indices):
        """Queue, on the current (capturing) stream, copies of the C-contiguous device
        arrays raw[k] for k in `indices` into a new block from the current allocator."""
        self.indices, self.slots, offset = list(indices), [], 0
        for k in self.indices:
            self.slots.append((offset, raw[k].shape, raw[k].dtype))
            offset += -(-raw[k].nbytes // ALIGN) * ALIGN
        self.nbytes = offset
        self.block = cupy.empty((offset,), np.uint8)
        for k, target in zip(self.indices, device.slot_views(self.block, self.slots)):
            E.copy(raw[k], out=target)
        # byte range of each slot, for host views
        self._spans = [(o, o + raw[k].nbytes) for k, (o, _, _) in zip(self.indices, self.slots)]

    def to_device(self, cupy):
        """{fetch index: a fresh device array}, copied on the current stream."""
        out = E.copy(self.block, out=cupy.empty((self.nbytes,), np.uint8))
        return dict(zip(self.indices, device.slot_views(out, self.slots)))

    def to_host(self, pinned):
        """{fetch index: a view of `pinned`} (page-locked uint8 [nbytes]); the download is
        queued on the current stream and not waited for."""
        self.block.get(out=pinned, blocking=False)
        return {k: pinned[start:end].view(dtype).reshape(shape)
                for k, (start, end), (_, shape, dtype)
                in zip(self.indices, self._spans, self.slots)}


def packable(raw, forms, device_array):
    """Indices of the fetches a block can carry: C-contiguous, non-empty device arrays."""
    return [k for k, (x, form) in enumerate(zip(raw, forms))
            if form is not None and type(x) is device_array and x.size and x.flags.c_contiguous]
