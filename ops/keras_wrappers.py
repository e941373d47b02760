"""More of tf.keras.layers: activation layers (LeakyReLU, ReLU, ELU, Softmax), shape layers
(ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D, RepeatVector, Permute), the merges
Subtract, Average, Maximum and Minimum, GaussianNoise, and the wrappers TimeDistributed
(a layer on every time step, its weights named <wrapper>/kernel as TF1's keras names
them) and Bidirectional (forward_<layer> and backward_<layer> under the wrapper)."""
import copy

from .array_ops import concat, pad, reshape, tile, transpose
from .core import OPS
from .keras_base import KerasLayer
from .linalg_ops import reverse
from .random_ops import random_normal


def _pairs(value, count):
    """An int, `count` ints or `count` pairs -> `count` (before, after) pairs."""
    if isinstance(value, int):
        return [(value, value)] * count
    value = list(value)
    if len(value) != count:
        raise ValueError(f"expected {count} values or pairs, got {value!r}")
    return [(v, v) if isinstance(v, int) else tuple(v) for v in value]


def _ints(value, count):
    return [value] * count if isinstance(value, int) else [int(v) for v in value]


class LeakyReLU(KerasLayer):
    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return OPS.maximum(inputs, self.alpha * inputs)


class ReLU(KerasLayer):
    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        below = self.slope * (inputs - self.threshold) if self.slope else \
            OPS.zeros_like(inputs)
        out = OPS.where(inputs >= self.threshold, inputs, below)
        return OPS.minimum(out, self.max_value) if self.max_value is not None else out


class ELU(KerasLayer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return OPS.where(inputs > 0, inputs, self.alpha * (OPS.exp(inputs) - 1.0))


class Softmax(KerasLayer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return OPS.softmax(inputs, axis=self.axis)


class ZeroPadding2D(KerasLayer):
    _rank = 2

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self._rank)

    def call(self, inputs):
        return pad(inputs, [[0, 0], *self.padding, [0, 0]])


class ZeroPadding1D(ZeroPadding2D):
    _rank = 1


class Cropping2D(KerasLayer):
    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self._rank)

    def call(self, inputs):
        index = [slice(None)] + [slice(a, -b if b else None) for a, b in self.cropping]
        return inputs[tuple(index)]


class Cropping1D(Cropping2D):
    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__([cropping] if not isinstance(cropping, int) else cropping, **kwargs)


class UpSampling2D(KerasLayer):
    """Each row and column repeated size times (nearest neighbour)."""
    _rank = 2

    def __init__(self, size=2, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise NotImplementedError("tf0's UpSampling2D repeats rows and columns (nearest)")
        self.size = _ints(size, self._rank)

    def call(self, inputs):
        dims = inputs.shape.dims[1:]
        if None in dims:
            raise ValueError(f"UpSampling needs known spatial and channel sizes, got "
                             f"{inputs.shape}")
        spread = []  # [H, 1, W, 1, C]: a unit axis after each spatial one, to tile along
        for d in dims[:-1]:
            spread += [d, 1]
        spread.append(dims[-1])
        repeated = tile(reshape(inputs, [-1, *spread]),
                        [1, *[m for s in self.size for m in (1, s)], 1])
        return reshape(repeated, [-1, *[d * s for d, s in zip(dims, self.size)], dims[-1]])


class UpSampling1D(UpSampling2D):
    _rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, **kwargs)


class RepeatVector(KerasLayer):
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        return tile(OPS.expand_dims(inputs, 1), [1, self.n, 1])


class Permute(KerasLayer):
    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs):
        return transpose(inputs, [0, *self.dims])


class Subtract(KerasLayer):
    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A Subtract layer takes exactly two inputs")
        return inputs[0] - inputs[1]


class Average(KerasLayer):
    def call(self, inputs):
        return OPS.add_n(list(inputs)) / float(len(inputs))


class Maximum(KerasLayer):
    _combine = staticmethod(OPS.maximum)

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._combine(out, x)
        return out


class Minimum(Maximum):
    _combine = staticmethod(OPS.minimum)


class GaussianNoise(KerasLayer):
    """Adds N(0, stddev^2) noise while training (the learning phase), nothing otherwise."""

    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)

    def call(self, inputs, training=None):
        noise = random_normal(OPS.shape(inputs), stddev=self.stddev, dtype=inputs.dtype)
        return OPS.where(training, inputs + noise, inputs)


class TimeDistributed(KerasLayer):
    """`layer` applied to each step of [batch, time, ...] inputs (one call on the steps
    folded into the batch); its weights are made under this wrapper's name."""
    _opens_scope = False

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer
        layer.name = self.name  # its weights: <wrapper>/kernel, as TF1's keras
        if hasattr(layer, "inner"):
            layer.inner.name = self.name

    def call(self, inputs):
        dims = inputs.shape.dims
        if dims is None or None in dims[2:] or dims[1] is None:
            raise ValueError(f"TimeDistributed needs known time and feature sizes, got "
                             f"{inputs.shape}")
        steps = reshape(inputs, [-1, *dims[2:]])
        out = self.layer(steps)
        return reshape(out, [-1, dims[1], *out.shape.dims[1:]])

    @property
    def trainable_weights(self):
        return self.layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights


class Bidirectional(KerasLayer):
    """A recurrent layer run forward and backward over time (forward_<name> and
    backward_<name>), its outputs merged by merge_mode: concat, sum, mul, ave or None (a
    list). With return_sequences the backward outputs are put back in time order."""

    def __init__(self, layer, merge_mode="concat", weights=None, **kwargs):
        super().__init__(**kwargs)
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Invalid merge mode. Merge mode should be one of "
                             f'{{"sum", "mul", "ave", "concat", None}}, got {merge_mode}')
        if getattr(layer, "return_state", False):
            raise NotImplementedError("tf0's Bidirectional layers return no states")
        self.merge_mode = merge_mode
        self.forward_layer = layer
        self.backward_layer = copy.copy(layer)
        self.backward_layer.__dict__.update(
            _trainable_weights=[], _non_trainable_weights=[], losses=[], updates=[],
            inbound_nodes=[], built=False, _scope=None,
            go_backwards=not layer.go_backwards, name=f"backward_{layer.name}")
        layer.name = f"forward_{layer.name}"

    def call(self, inputs):
        forward, backward = self.forward_layer(inputs), self.backward_layer(inputs)
        if self.forward_layer.return_sequences:
            backward = reverse(backward, [1])
        if self.merge_mode is None:
            return [forward, backward]
        if self.merge_mode == "concat":
            return concat([forward, backward], -1)
        if self.merge_mode == "sum":
            return forward + backward
        if self.merge_mode == "mul":
            return forward * backward
        return (forward + backward) / 2.0

    @property
    def trainable_weights(self):
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.forward_layer.non_trainable_weights + \
            self.backward_layer.non_trainable_weights

