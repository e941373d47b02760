"""tf.bitwise against Python's integers: and, or, xor, invert and both shifts of int32 and
int64 tensors, shift amounts clamped to [0, bits - 1] as TF1 does; broadcasting; float
inputs refused; on the null GPU and (marked gpu) on a real one, the same bits as NumPy."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from tf0.session import cuda_backend

RNG = np.random.default_rng(8)
CPU = tf.ConfigProto(device_count={"GPU": 0})


def _signed(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _reference(name, a, b, bits):
    shift = min(max(b, 0), bits - 1)
    return {"bitwise_and": a & b, "bitwise_or": a | b, "bitwise_xor": a ^ b,
            "left_shift": _signed(a << shift, bits), "right_shift": a >> shift}[name]


def _operands(dtype, shifts_in_range=False):
    bits = np.dtype(dtype).itemsize * 8
    info = np.iinfo(dtype)
    a = np.concatenate([[info.min, info.max, 0, -1, 1],
                        RNG.integers(info.min, info.max, 59, dtype=dtype)]).astype(dtype)
    low, high = (0, bits) if shifts_in_range else (-3, bits + 8)
    b = RNG.integers(low, high, a.size).astype(dtype)
    return a, b, bits


NAMES = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]


def _program(dtype, shifts_in_range=False):
    a, b, bits = _operands(dtype, shifts_in_range)
    x, y = tf.placeholder(dtype, [None]), tf.placeholder(dtype, [None])
    fetches = [getattr(tf.bitwise, name)(x, y) for name in NAMES] + [tf.bitwise.invert(x)]
    return fetches, {x: a, y: b}, (a, b, bits)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_bitwise_ops_equal_pythons_integers(dtype):
    fetches, feeds, (a, b, bits) = _program(dtype)
    with tf.Session() as sess:
        got = sess.run(fetches, feeds)
    for name, value in zip(NAMES, got):
        assert value.dtype == dtype
        assert value.tolist() == [_reference(name, int(p), int(q), bits)
                                  for p, q in zip(a, b)], name
    assert got[-1].tolist() == [~int(p) for p in a]


def test_broadcasting_and_refusals():
    with tf.Session() as sess:
        got = sess.run(tf.bitwise.bitwise_and(tf.constant([[12], [10]]), tf.constant([6, 3])))
    assert got.tolist() == [[4, 0], [2, 2]]
    with pytest.raises(ValueError, match="int32 or int64"):
        tf.bitwise.bitwise_or(tf.constant([1.0]), tf.constant([2.0]))
    with pytest.raises(ValueError, match="int32 or int64"):
        tf.bitwise.invert(tf.constant([True]))


def test_the_cuda_path_gives_numpys_bits(monkeypatch):
    # The null device runs NumPy's own shifts: amounts within range here.
    fetches, feeds, _ = _program(np.int64, shifts_in_range=True)
    with tf.Session(config=CPU) as sess:
        want = sess.run(fetches, feeds)
    fake_cuda.install(monkeypatch)
    with tf.Session() as sess:
        got = [sess.run(fetches, feeds) for _ in range(3)]  # op by op, then replayed
    for run in got:
        for g, w in zip(run, want):
            assert g.tolist() == w.tolist()


@pytest.mark.gpu
@pytest.mark.skipif(not cuda_backend.available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_gpu_kernels_give_the_same_bits(dtype):
    fetches, feeds, _ = _program(dtype)
    with tf.Session(config=CPU) as sess:
        want = sess.run(fetches, feeds)
    with tf.Session() as sess:
        got = [sess.run(fetches, feeds) for _ in range(3)]
    for run in got:
        for g, w in zip(run, want):
            assert g.tolist() == w.tolist()
