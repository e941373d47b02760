"""The reference-count test that decides whether a fetch block may be handed out again
(session/fetch_block.py), on stand-ins with CuPy's object model: an array refers to its
MemoryPointer (`data`), a MemoryPointer to its memory (`mem`), a view to the array it was
sliced from (`base`). Every way of holding a result must keep its block from reuse."""
import numpy as np
import pytest

from tf0.kernels import device
from tf0.session.fetch_block import _Handout

OWN_DEVICE_STAND_INS = True  # (conftest's null-device mode leaves this module alone)


class _Memory:
    pass


class _Pointer:
    def __init__(self, mem, offset=0):
        self.mem, self.offset = mem, offset

    def __add__(self, offset):
        return _Pointer(self.mem, self.offset + offset)


class _Array:
    def __init__(self, shape, dtype, memptr, base=None):
        self.shape, self.dtype, self.data, self.base = shape, dtype, memptr, base

    def __getitem__(self, index):  # CuPy: a view's base is the array it was sliced from
        return _Array(self.shape, self.dtype, self.data + 4, self)


def _cupy_like_handout():
    return _Handout(lambda: _Array((64,), np.uint8, _Pointer(_Memory())),
                    lambda b: {0: _Array((4,), np.float32, b.data + 0),
                               1: _Array((4,), np.float32, b.data + 16)},
                    device.memory_refs)


HOLDERS = {
    "the array": lambda a: a,
    "a slice of it": lambda a: a[1:],
    "an array over its memory pointer": lambda a: _Array(a.shape, a.dtype, a.data),
    "an array over a pointer into its memory": lambda a: _Array(a.shape, a.dtype, a.data + 8),
    "its memory pointer": lambda a: a.data,
    "a list holding it": lambda a: [a],
}


def test_a_block_nobody_holds_is_free():
    handout = _cupy_like_handout()
    assert handout.unheld()
    got = list(handout.arrays.values())
    assert not handout.unheld()
    del got
    assert handout.unheld()


@pytest.mark.parametrize("how", HOLDERS)
def test_every_way_of_holding_a_result_keeps_its_block(how):
    handout = _cupy_like_handout()
    for k in (0, 1):
        held = HOLDERS[how](handout.arrays[k])
        assert not handout.unheld(), f"{how} of result {k}"
        del held
        assert handout.unheld()


def test_numpy_views_of_a_pinned_buffer_are_seen_through_its_base():
    """Host fetches: views of a buffer that owns no memory (as cupyx.empty_pinned makes
    them) refer to the buffer, never to the views they were made from."""
    slots = [(0, (4,), np.dtype(np.float32)), (16, (2,), np.dtype(np.int64))]
    handout = _Handout(lambda: np.ndarray((64,), np.uint8, buffer=bytearray(64)),
                       lambda b: dict(enumerate(device.host_slot_views(b, slots))),
                       device.host_memory_refs)
    assert handout.unheld()
    for hold in (lambda a: a, lambda a: a[1:], lambda a: a.view(np.uint8), memoryview):
        held = hold(handout.arrays[1])
        assert not handout.unheld()
        del held
        assert handout.unheld()
