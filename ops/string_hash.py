"""TF1's string hashes, bit for bit: FarmHash's 64-bit fingerprint (Fingerprint64, behind
string_to_hash_bucket_fast, hash-bucket columns and out-of-vocabulary buckets), the
fingerprint combiner of sparse crosses (FingerprintCat64), the legacy Murmur-style Hash64
(string_to_hash_bucket) and SipHash-2-4 (string_to_hash_bucket_strong). Each takes bytes
and gives a Python int in [0, 2^64); the ops map them over string tensors on the host."""
import struct
from collections import namedtuple

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op

_MASK = (1 << 64) - 1
_K0, _K1, _K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f
_MURMUR_MUL = 0xc6a4a7935bd1e995
_LEGACY_SEED = 0xDECAFCAFFE


def _ror(value, shift):
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value):
    return value ^ (value >> 47)


def _fetch64(data, at):
    return struct.unpack_from("<Q", data, at)[0]


def _fetch32(data, at):
    return struct.unpack_from("<I", data, at)[0]


def _mix16(u, v, mul):
    """Two words mixed into one (Murmur-inspired)."""
    a = _shift_mix(((u ^ v) * mul) & _MASK)
    b = _shift_mix(((v ^ a) * mul) & _MASK)
    return (b * mul) & _MASK


def _up_to_16(data, n):
    if n >= 8:
        mul = _K2 + 2 * n
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, n - 8)
        c = (_ror(b, 37) * mul + a) & _MASK
        d = ((_ror(a, 25) + b) * mul) & _MASK
        return _mix16(c, d, mul)
    if n >= 4:
        return _mix16(n + (_fetch32(data, 0) << 3), _fetch32(data, n - 4), _K2 + 2 * n)
    if n:
        y = data[0] + (data[n >> 1] << 8)
        z = n + (data[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _ends(data, n, mul, first):
    """(y, w, a): the mix of the first 16 and last 16 bytes both lengths over 16 start
    with (the first word scaled by `first`)."""
    a = (_fetch64(data, 0) * first) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    y = (_ror((a + b) & _MASK, 43) + _ror(c, 30) + d) & _MASK
    return y, (a + _ror((b + _K2) & _MASK, 18) + c) & _MASK, a


def _up_to_32(data, n):
    mul = _K2 + 2 * n
    y, w, _ = _ends(data, n, mul, _K1)
    return _mix16(y, w, mul)


def _up_to_64(data, n):
    mul = _K2 + 2 * n
    y, w, a = _ends(data, n, mul, _K2)
    z = _mix16(y, w, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, n - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, n - 24)) * mul) & _MASK
    return _mix16((_ror((e + f) & _MASK, 43) + _ror(g, 30) + h) & _MASK,
                  (e + _ror((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak32(data, at, a, b):
    """A two-word hash of the 32 bytes at `at` and two seeds."""
    w, x, y, z = struct.unpack_from("<4Q", data, at)
    a = (a + w) & _MASK
    b = _ror((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _ror(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def _longer(data, n):
    """Strings over 64 bytes: 64-byte blocks folded into a 56-byte state."""
    seed = 81
    x = (seed * _K2 + _fetch64(data, 0)) & _MASK
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = w = (0, 0)
    end = ((n - 1) // 64) * 64
    for at in range(0, end, 64):
        x = (_ror((x + y + v[0] + _fetch64(data, at + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_ror((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, at + 40)) & _MASK
        z = (_ror((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak32(data, at, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak32(data, at + 32, (z + w[1]) & _MASK, (y + _fetch64(data, at + 16)) & _MASK)
        z, x = x, z
    mul = _K1 + ((z & 0xff) << 1)
    at = n - 64
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w = ((w0 + v0) & _MASK, w[1])
    v = (v0, v[1])
    x = (_ror((x + y + v[0] + _fetch64(data, at + 8)) & _MASK, 37) * mul) & _MASK
    y = (_ror((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _fetch64(data, at + 40)) & _MASK
    z = (_ror((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak32(data, at, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak32(data, at + 32, (z + w[1]) & _MASK, (y + _fetch64(data, at + 16)) & _MASK)
    z, x = x, z
    return _mix16((_mix16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                  (_mix16(v[1], w[1], mul) + x) & _MASK, mul)


def fingerprint64(data):
    """FarmHash's Fingerprint64 of `data` (bytes): TF1's tensorflow::Fingerprint64."""
    n = len(data)
    if n <= 16:
        return _up_to_16(data, n)
    if n <= 32:
        return _up_to_32(data, n)
    if n <= 64:
        return _up_to_64(data, n)
    return _longer(data, n)


def fingerprint_cat64(first, second):
    """Two fingerprints combined, order mattering (TF1's FingerprintCat64)."""
    result = first ^ _MURMUR_MUL
    result ^= (_shift_mix((second * _MURMUR_MUL) & _MASK) * _MURMUR_MUL) & _MASK
    result = (result * _MURMUR_MUL) & _MASK
    result = (_shift_mix(result) * _MURMUR_MUL) & _MASK
    return _shift_mix(result)


def legacy_hash64(data, seed=_LEGACY_SEED):
    """TF1's tensorflow::Hash64 (MurmurHash64A) of `data` with `seed`."""
    n = len(data)
    h = seed ^ ((n * _MURMUR_MUL) & _MASK)
    whole = n - n % 8
    for (k,) in struct.iter_unpack("<Q", data[:whole]):
        k = (k * _MURMUR_MUL) & _MASK
        k = (_shift_mix(k) * _MURMUR_MUL) & _MASK
        h = ((h ^ k) * _MURMUR_MUL) & _MASK
    if n > whole:
        h = ((h ^ int.from_bytes(data[whole:], "little")) * _MURMUR_MUL) & _MASK
    h = (_shift_mix(h) * _MURMUR_MUL) & _MASK
    return _shift_mix(h)


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _MASK
    v1 = _ror(v1, 51) ^ v0
    v0 = _ror(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _ror(v3, 48) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _ror(v3, 43) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _ror(v1, 47) ^ v2
    v2 = _ror(v2, 32)
    return v0, v1, v2, v3


def siphash24(data, key0, key1):
    """SipHash-2-4 of `data` under the 128-bit key (key0, key1), as TF1's strong hash."""
    v0, v1 = key0 ^ 0x736f6d6570736575, key1 ^ 0x646f72616e646f6d
    v2, v3 = key0 ^ 0x6c7967656e657261, key1 ^ 0x7465646279746573
    n = len(data)
    whole = n - n % 8
    last = ((n & 0xff) << 56) | int.from_bytes(data[whole:], "little")
    for m in [k for (k,) in struct.iter_unpack("<Q", data[:whole])] + [last]:
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= m
    v2 ^= 0xff
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


HasherSpec = namedtuple("HasherSpec", ["hasher", "key"])
FastHashSpec = HasherSpec("fasthash", None)


class StrongHashSpec(HasherSpec):
    """SipHash-2-4 under `key`, two ints (TF1's StrongHashSpec)."""

    def __new__(cls, key):
        if len(key) != 2:
            raise ValueError(f"key must have size 2, got {len(key)}.")
        return super().__new__(cls, "stronghash", tuple(int(k) & _MASK for k in key))


def hash_function(hasher, key=None):
    """bytes -> int in [0, 2^64) for a hasher name: "fasthash" (Fingerprint64),
    "stronghash" (SipHash-2-4 under `key`) or "legacy" (Hash64)."""
    if hasher == "fasthash":
        return fingerprint64
    if hasher == "stronghash":
        return lambda data: siphash24(data, key[0], key[1])
    if hasher == "legacy":
        return legacy_hash64
    raise ValueError(f"unknown hasher {hasher!r}")


def bucket_of(value, num_buckets, hashed=fingerprint64):
    """The hash bucket of a key: bytes hashed as they are, an integer by its decimal digits
    (as TF1's tables and columns hash int keys)."""
    data = value if isinstance(value, bytes) else str(int(value)).encode()
    return hashed(data) % num_buckets


# ---- ops -------------------------------------------------------------------------------------
def _bucket_bind(op, ctx):
    hashed = hash_function(op.attrs["hasher"], op.attrs["key"])
    buckets = op.attrs["num_buckets"]

    def run(values):
        values = np.asarray(values, object)
        flat = np.fromiter((hashed(v) % buckets for v in values.reshape(-1)), np.int64,
                           values.size)
        return flat.reshape(values.shape)
    return run


def _bucket_infer(op):
    return [(op.inputs[0].shape, dtypes.int64)]


for _type in ("StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket"):
    defop(_type, _bucket_infer, _bucket_bind, grad=NO_GRADIENT)


def _check_buckets(num_buckets):
    if int(num_buckets) < 1:
        raise ValueError(f"num_buckets must be >= 1, got {num_buckets}")
    return int(num_buckets)


def string_to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002 (TF1's name)
    """Fingerprint64 of each string modulo num_buckets (int64, same shape); TF1's buckets
    exactly."""
    return make_op("StringToHashBucketFast", [convert_to_tensor(input, dtype=dtypes.string)],
                   {"hasher": "fasthash", "key": None,
                    "num_buckets": _check_buckets(num_buckets)},
                   name=name or "StringToHashBucketFast")


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """SipHash-2-4 of each string under `key` (two ints) modulo num_buckets (int64)."""
    spec = StrongHashSpec(key)
    return make_op("StringToHashBucketStrong",
                   [convert_to_tensor(input, dtype=dtypes.string)],
                   {"hasher": spec.hasher, "key": spec.key,
                    "num_buckets": _check_buckets(num_buckets)},
                   name=name or "StringToHashBucketStrong")


def string_to_hash_bucket(string_tensor, num_buckets, name=None, input=None):  # noqa: A002
    """TF1's legacy Hash64 of each string modulo num_buckets (int64)."""
    source = string_tensor if input is None else input
    return make_op("StringToHashBucket", [convert_to_tensor(source, dtype=dtypes.string)],
                   {"hasher": "legacy", "key": None,
                    "num_buckets": _check_buckets(num_buckets)},
                   name=name or "StringToHashBucket")


def _fingerprint_bind(op, ctx):
    def run(data, method):
        method = np.asarray(method, object).item()
        if method != b"farmhash64":
            raise errors.InvalidArgumentError(
                None, op, f"Unsupported fingerprint method: {method.decode(errors='replace')}")
        data = np.asarray(data)
        rows = data.reshape(data.shape[0], -1)
        if data.dtype == object:
            if data.ndim == 1:
                prints = [fingerprint64(s) for s in data]
            else:
                prints = [fingerprint64(b"".join(struct.pack("<Q", fingerprint64(s))
                                                 for s in row)) for row in rows]
        else:
            little = rows.astype(rows.dtype.newbyteorder("<"), copy=False)
            prints = [fingerprint64(row.tobytes()) for row in little]
        return np.asarray(prints, "<u8").reshape(-1, 1).view(np.uint8).reshape(-1, 8)
    return run


def _fingerprint_infer(op):
    return [(TensorShape([op.inputs[0].shape.dims[0] if op.inputs[0].shape.ndims else None,
                          8]), dtypes.uint8)]


# Fingerprint(data [n, ...], method) -> [n, 8] uint8: each row's Fingerprint64, little-endian;
# a row of numbers by its bytes, a row of strings by the fingerprints of its strings.
defop("Fingerprint", _fingerprint_infer, _fingerprint_bind, grad=NO_GRADIENT)


def fingerprint(data, method="farmhash64", name=None):
    """[n, 8] uint8: TF1's fingerprint of each row of `data` (rank >= 1), bit-identical."""
    data = convert_to_tensor(data)
    if data.shape.ndims == 0:
        raise ValueError("data must have rank at least one")
    return make_op("Fingerprint", [data, convert_to_tensor(method, dtype=dtypes.string)],
                   name=name or "Fingerprint")
