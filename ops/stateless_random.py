"""tf.random.stateless_uniform, stateless_normal and stateless_truncated_normal: numbers
that depend on a seed tensor of two integers alone, bit for bit TF's (host ops).

TF's recipe, on the Philox4x32-10 of ops/philox.py: the seed (s0, s1), as unsigned 64-bit
words, is one Philox block under the fixed key (0x3ec8f720, 0x02461e29); its four output
words are the stream's key (words 0, 1) and the high half of its counter (words 2, 3).
Block i of the stream then gives four uint32 words. A float32 takes one word's low 23 bits
as its mantissa; a float64 the low 20 bits of one word and all 32 of the next; an int32
one word modulo (maxval - minval), an int64 two words (low, then high). Normals are
Box-Muller pairs: (sin, cos) of 2 pi u2 times sqrt(-2 log u1), u1 at least 1e-7 (float32:
two words per pair; float64: a block per pair). The uniforms, integers and float64
normals are TF's bit for bit; float32 normals within an ulp (for about one in a hundred,
NumPy's float64 sin, cos and log rounded to float32 differ from the C library's float
ones)."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope, shape_from_tensor

from . import philox
from .array_ops import _shape_tensor
from .core import convert_to_tensor, defop, make_op

_SEED_KEY = (0x3EC8F720, 0x02461E29)
_U64 = (1 << 64) - 1
_EPSILON = 1.0e-7


def _stream_key(seed):
    """(run, key) of the stream of `seed` (two integers) for philox.philox4x32."""
    s0, s1 = (int(s) & _U64 for s in np.asarray(seed).reshape(-1)[:2])
    mix = [int(w[0]) for w in philox.philox4x32(np.array([s0 & 0xFFFFFFFF], np.uint64),
                                                 s0 >> 32, s1, _SEED_KEY)]
    return mix[2] | mix[3] << 32, (mix[0], mix[1])


def stream(seed, count):
    """`count` uint32 words (held in uint64) of the stream of `seed` (two integers)."""
    run, key = _stream_key(seed)
    blocks = np.arange((count + 3) // 4, dtype=np.uint64)
    return np.stack(philox.philox4x32(blocks, 0, run, key), axis=1).reshape(-1)[:count]


def _floats(words, dtype):
    """Uniform floats in [0, 1): one word each (float32), or two (float64)."""
    if dtype == np.float32:
        bits = (words & np.uint64(0x7FFFFF)) | np.uint64(0x3F800000)
        return bits.astype(np.uint32).view(np.float32) - np.float32(1.0)
    pairs = words.reshape(-1, 2)
    bits = ((pairs[:, 0] & np.uint64(0xFFFFF)) << np.uint64(32)) | pairs[:, 1]
    return (bits | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0


def uniform(shape, seed, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    words = stream(seed, n if dtype == np.float32 else 2 * n)
    return _floats(words, dtype).reshape(shape)


def _box_muller(words, dtype):
    """Normals from uint32 words, two per (u1, u2) pair of uniforms, in TF's order."""
    u1, u2 = _floats(words, dtype).reshape(-1, 2).T
    # each function of a float32 evaluated in float64 and rounded once, as a correctly
    # rounded C library does; the angle's product is a double's, as in TF's C++
    wide = np.float64
    log = np.log(np.maximum(u1, dtype(_EPSILON)).astype(wide)).astype(dtype)
    radius = np.sqrt(dtype(-2.0) * log)
    angle = (wide(2.0 * np.pi) * u2.astype(wide)).astype(dtype)
    sin, cos = (f(angle.astype(wide)).astype(dtype) for f in (np.sin, np.cos))
    return np.stack([sin * radius, cos * radius], axis=1).reshape(-1)


def normal(shape, seed, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    pairs = (n + 1) // 2
    words = stream(seed, 2 * pairs if dtype == np.float32 else 4 * pairs)
    return _box_muller(words, dtype)[:n].reshape(shape)


# TF's truncated normals fill groups of outputs (4 float32 or 2 float64), each group from
# its own stretch of 256 samples per output of the stream, so that groups are independent
_RESERVED_PER_OUTPUT = 256


def truncated_normal(shape, seed, dtype):
    """Normals within (-2, 2): each group takes the Box-Muller normals of its stretch of
    the stream in order and keeps the first ones inside the bounds."""
    n = int(np.prod(shape, dtype=np.int64))
    group = 4 if dtype == np.float32 else 2
    stretch = group * _RESERVED_PER_OUTPUT // 4  # blocks
    groups = -(-n // group)
    run, key = _stream_key(seed)
    out = np.empty((groups, group), dtype)
    drawn = 4  # blocks of each stretch looked at first: nearly always enough
    while True:
        blocks = (np.arange(groups, dtype=np.uint64)[:, None] * np.uint64(stretch)
                  + np.arange(drawn, dtype=np.uint64)).reshape(-1)
        words = np.stack(philox.philox4x32(blocks, 0, run, key), axis=1).reshape(groups, -1)
        normals = _box_muller(words.reshape(-1), dtype).reshape(groups, -1)
        inside = np.abs(normals) < dtype(2.0)
        if (inside.sum(1) >= group).all() or drawn == stretch:
            break
        drawn = min(stretch, 4 * drawn)
    for g in range(groups):
        kept = normals[g][inside[g]][:group]
        out[g, :len(kept)] = kept
    return out.reshape(-1)[:n].reshape(shape)


def uniform_int(shape, seed, dtype, minval, maxval):
    if int(maxval) <= int(minval):
        raise errors.InvalidArgumentError(None, None, f"Need minval < maxval, got {minval} >= "
                                                      f"{maxval}")
    n = int(np.prod(shape, dtype=np.int64))
    span = np.uint64((int(maxval) - int(minval)) & _U64)
    if dtype == np.int32:
        draws = stream(seed, n) % span
    else:
        pairs = stream(seed, 2 * n).reshape(-1, 2)
        draws = (pairs[:, 0] | (pairs[:, 1] << np.uint64(32))) % span
    return (draws.astype(np.int64) + int(minval)).astype(dtype).reshape(shape)


def _bind(draw):
    def bind(op, ctx):
        dtype = op.attrs["dtype"].np.type
        return lambda shape, seed, *bounds: draw(tuple(int(d) for d in shape), seed, dtype,
                                                 *bounds)
    return bind


def _infer(op):
    return [(shape_from_tensor(op.inputs[0]), op.attrs["dtype"])]


defop("StatelessRandomUniform", _infer, _bind(uniform), grad=NO_GRADIENT)
defop("StatelessRandomNormal", _infer, _bind(normal), grad=NO_GRADIENT)
defop("StatelessTruncatedNormal", _infer, _bind(truncated_normal), grad=NO_GRADIENT)
defop("StatelessRandomUniformInt", _infer, _bind(uniform_int), grad=NO_GRADIENT)


def _seed(seed):
    seed = convert_to_tensor(seed)
    if not seed.dtype.is_integer or not seed.shape.is_compatible_with([2]):
        raise ValueError(f"a stateless random op's seed is a shape [2] integer tensor, got "
                         f"{seed.dtype.name} {seed.shape}")
    return seed


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None):
    """Values in [minval, maxval) that depend on `seed` ([2] integers) alone; integer
    dtypes (int32, int64) need maxval."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "stateless_random_uniform"):
        if dtype.is_integer:
            if maxval is None:
                raise ValueError("Must specify maxval for integer dtype")
            bounds = [convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval,
                                                                                dtype=dtype)]
            return make_op("StatelessRandomUniformInt", [_shape_tensor(shape), _seed(seed),
                                                         *bounds], {"dtype": dtype})
        if not dtype.is_floating:
            raise ValueError(f"stateless_uniform takes a float or integer dtype, got "
                             f"{dtype.name}")
        rnd = make_op("StatelessRandomUniform", [_shape_tensor(shape), _seed(seed)],
                      {"dtype": dtype})
        maxval = 1 if maxval is None else maxval
        lo = convert_to_tensor(minval, dtype=dtype)
        return rnd * (convert_to_tensor(maxval, dtype=dtype) - lo) + lo


def _scaled_normal(op_type, what, shape, seed, mean, stddev, dtype, name):
    """mean + stddev * the standard normals of op_type."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"{what} takes a float dtype, got {dtype.name}")
    with name_scope(name, what):
        rnd = make_op(op_type, [_shape_tensor(shape), _seed(seed)], {"dtype": dtype})
        return rnd * convert_to_tensor(stddev, dtype=dtype) + convert_to_tensor(mean,
                                                                               dtype=dtype)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
    """Normal values that depend on `seed` ([2] integers) alone."""
    return _scaled_normal("StatelessRandomNormal", "stateless_random_normal", shape, seed,
                          mean, stddev, dtype, name)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None):
    """Normal values within two standard deviations of the mean that depend on `seed`
    ([2] integers) alone."""
    return _scaled_normal("StatelessTruncatedNormal", "stateless_truncated_normal", shape,
                          seed, mean, stddev, dtype, name)
