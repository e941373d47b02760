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
    """slots: [(fetch index, byte offset, shape, dtype)]; nbytes: the block's size."""

    def __init__(self, cupy, raw, indices):
        """Queue, on the current (capturing) stream, copies of the C-contiguous device
        arrays raw[k] for k in `indices` into a new block from the current allocator."""
        self.slots, offset = [], 0
        for k in indices:
            self.slots.append((k, offset, raw[k].shape, raw[k].dtype))
            offset += -(-raw[k].nbytes // ALIGN) * ALIGN
        self.nbytes = offset
        self.block = cupy.empty((offset,), np.uint8)
        targets = device.slot_views(self.block, [slot[1:] for slot in self.slots])
        for (k, *_), target in zip(self.slots, targets):
            E.copy(raw[k], out=target)

    def to_device(self, cupy):
        """{fetch index: a fresh device array}, copied on the current stream."""
        out = E.copy(self.block, out=cupy.empty((self.nbytes,), np.uint8))
        views = device.slot_views(out, [slot[1:] for slot in self.slots])
        return {k: view for (k, *_), view in zip(self.slots, views)}

    def to_host(self, pinned):
        """{fetch index: a view of `pinned`} (page-locked uint8 [nbytes]); the download is
        queued on the current stream and not waited for."""
        self.block.get(out=pinned, blocking=False)
        return {k: pinned[offset:offset + int(np.prod(shape)) * dtype.itemsize]
                .view(dtype).reshape(shape) for k, offset, shape, dtype in self.slots}


def packable(raw, forms, device_array):
    """Indices of the fetches a block can carry: C-contiguous, non-empty device arrays."""
    return [k for k, (x, form) in enumerate(zip(raw, forms))
            if form is not None and type(x) is device_array and x.size and x.flags.c_contiguous]
