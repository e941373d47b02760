"""The device fetches of a captured CUDA graph, handed out through one block of memory.

After each replay one kernel copies every fetched device value (a buffer of the graph, at a
fixed address) into its slot of one uint8 block (device.slot_layout): a device
block for device-array fetches, or the plan's own device block that is then downloaded into
a pinned host buffer for host fetches. Slots of the block become the user's arrays, so
fetches share one allocation, freed when the user has dropped all of them.
The copy runs outside the graph: a graph's memcpy nodes cost more GPU time than one kernel,
and device fetches would need a second copy out of a block the graph owns.

A training loop usually drops a step's results by the step after next (or the next). Then
nothing but the FetchBlock refers to that block, its arrays, or the memory under them, and a
call hands out the same block and array objects again, with the new values, instead of
allocating a block and making an array per fetch. Reference counts decide it: an array the
user still holds, or anything sharing its memory (a NumPy or CuPy view, an array made over
its memory pointer, a DLPack or __cuda_array_interface__ consumer) refers to that array, to
its base, or to its memory pointer or memory, and then the call takes a fresh block. (A weak
reference is not a hold.)
"""
import sys

import numpy as np

from tf0.kernels import device
from tf0.kernels import launch_array

# Host fetches larger than this are downloaded to pageable memory, and no larger block is
# kept for later calls.
PINNED_FETCH_BYTES = 16 << 20
# Blocks kept for later calls: two, so that a loop assigning each step's results to the
# same variables (which still hold the last step's during the call) alternates between them.
KEPT_HANDOUTS = 2


class _Handout:
    """A block, the arrays made over it ({fetch index: array}), and the reference counts
    of each array and of what anything sharing their memory refers to (memory_refs: the
    arrays' bases for NumPy, their memory pointers and memory for CuPy). The counts are
    taken as the arrays are made, before anything is launched or copied into the block and
    with no local variable of any frame holding them, so they are the least there can be
    and any other holder shows."""
    __slots__ = ("block", "arrays", "watched", "counts")

    def __init__(self, make, views, memory_refs):
        """make() -> the block; views(block) -> the arrays; memory_refs(array) -> what
        anything sharing its memory refers to."""
        self.block = make()
        self.arrays = views(self.block)
        self.watched = _distinct([*memory_refs(self.block), *self.arrays.values(),
                                  *(r for a in self.arrays.values() for r in memory_refs(a))])
        self.counts = self._counts()

    def _counts(self):
        return list(map(sys.getrefcount, self.watched))

    def unheld(self):
        """True when no one but this object refers to the arrays or their memory."""
        return self._counts() == self.counts


def _distinct(objects):
    return list({id(x): x for x in objects}.values())


class FetchBlock:
    """indices: the fetches it carries; slots: (byte offset, shape, dtype) of each;
    nbytes: the block's size."""

    def __init__(self, raw, indices):
        """Slots for the C-contiguous device arrays raw[k], k in `indices` (built during the
        capture: nothing is launched or uploaded here)."""
        self.indices = list(indices)
        self.slots, self.nbytes = device.slot_layout([raw[k] for k in self.indices])
        self.sources = [raw[k] for k in self.indices]
        self._copy = self._host_block = None  # made on first use, outside the capture
        self._device_handouts, self._host_handouts = [], []  # of the last calls

    def _gather(self, block):
        if self._copy is None:
            self._copy = launch_array.SegmentCopy(self.sources, [o for o, _, _ in self.slots])
        return self._copy(block)

    def to_device(self, cupy):
        """{fetch index: a device array the user owns}, copied on the current stream."""
        handout = self._handout(self._device_handouts, lambda: _Handout(
            lambda: cupy.empty((self.nbytes,), np.uint8), self._device_views,
            device.memory_refs))
        self._gather(handout.block)
        return handout.arrays

    def to_host(self, cupy, pinned_empty):
        """{fetch index: a view of a page-locked uint8 [nbytes] buffer}, from
        pinned_empty(shape, dtype) when the buffers of the last calls are still held; the
        gather and download are queued on the current stream and not waited for."""
        if self._host_block is None:
            self._host_block = cupy.empty((self.nbytes,), np.uint8)
        handout = self._handout(self._host_handouts, lambda: _Handout(
            lambda: pinned_empty((self.nbytes,), np.uint8), self._host_views,
            device.host_memory_refs))
        self._gather(self._host_block).get(out=handout.block, blocking=False)
        return handout.arrays

    def _handout(self, handouts, make):
        """The first of the kept `handouts` that no one holds, or a new one from make(),
        kept in place of the least recently handed out unless its block is larger than
        PINNED_FETCH_BYTES. The one handed out goes last."""
        for i, handout in enumerate(handouts):
            if handout.unheld():
                handouts.append(handouts.pop(i))
                return handout
        handout = make()
        if self.nbytes <= PINNED_FETCH_BYTES:
            handouts.append(handout)
            if len(handouts) > KEPT_HANDOUTS:
                handouts.pop(0)
        return handout

    def _device_views(self, block):
        return dict(zip(self.indices, device.slot_views(block, self.slots)))

    def _host_views(self, pinned):
        return dict(zip(self.indices, device.host_slot_views(pinned, self.slots)))


def packable(raw, forms, device_array):
    """Indices of the fetches a block can carry: C-contiguous, non-empty device arrays."""
    return [k for k, (x, form) in enumerate(zip(raw, forms))
            if form is not None and type(x) is device_array and x.size and x.flags.c_contiguous]
