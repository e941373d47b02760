"""tf.image's color-space ops, built from other ops: rgb_to_hsv, hsv_to_rgb, and hue and
saturation adjustments (fixed or random) through HSV, with TF1's formulas. RGB and HSV
values are floats in [0, 1] along the last dimension (hue a fraction of a turn); the
adjustments take integer images too, converted as convert_image_dtype does and back."""
from tf0.engine.graph import name_scope

from .core import OPS, convert_to_tensor
from .image_ops import in_float, random_number


def rgb_to_hsv(images, name=None):
    """[..., 3] RGB to [..., 3] HSV: V the largest channel, S its spread over V (0 for
    black), H from the largest channel and the other two (0 for grays)."""
    with name_scope(name, "rgb_to_hsv"):
        images = convert_to_tensor(images)
        r, g, b = OPS.unstack(images, axis=-1)
        value = OPS.maximum(r, OPS.maximum(g, b))
        spread = value - OPS.minimum(r, OPS.minimum(g, b))
        zero = OPS.zeros_like(value)
        saturation = OPS.where(value > 0, spread / OPS.where(value > 0, value, zero + 1), zero)
        sixth = 6.0 * OPS.where(spread > 0, spread, zero + 1)  # no 0/0 in unused branches
        hue = OPS.where(OPS.equal(r, value), (g - b) / sixth,
                        OPS.where(OPS.equal(g, value), (b - r) / sixth + 2.0 / 6.0,
                                  (r - g) / sixth + 4.0 / 6.0))
        hue = OPS.where(spread > 0, hue, zero)
        hue = OPS.where(hue < 0, hue + 1.0, hue)
        return OPS.stack([hue, saturation, value], axis=-1)


def hsv_to_rgb(images, name=None):
    """[..., 3] HSV to [..., 3] RGB: chroma S * V spread from V - chroma by the hue's
    sixth of the circle."""
    with name_scope(name, "hsv_to_rgb"):
        images = convert_to_tensor(images)
        hue, saturation, value = OPS.unstack(images, axis=-1)
        chroma = saturation * value
        low = value - chroma
        sixths = hue * 6.0
        sector = OPS.floor(sixths)
        mid = chroma * (1.0 - OPS.abs(sixths - 2.0 * OPS.floor(sixths / 2.0) - 1.0))
        zero = OPS.zeros_like(hue)
        # (r, g, b) less `low` for sectors 0..5 of the hue circle; outside them, black
        table = [(chroma, mid, zero), (mid, chroma, zero), (zero, chroma, mid),
                 (zero, mid, chroma), (mid, zero, chroma), (chroma, zero, mid)]
        channels = []
        for c in range(3):
            out = zero - low
            for k in reversed(range(6)):
                out = OPS.where(OPS.equal(sector, float(k)), table[k][c], out)
            channels.append(out + low)
        return OPS.stack(channels, axis=-1)


def _through_hsv(image, change, name):
    """change(hue, saturation, value) -> (hue, saturation, value), applied to an RGB image
    (integer images through floats and back)."""
    def adjust(rgb):
        hsv = OPS.unstack(rgb_to_hsv(rgb), axis=-1)
        return hsv_to_rgb(OPS.stack(change(*hsv), axis=-1))
    with name_scope(name):
        return in_float(image, adjust)


def adjust_hue(image, delta, name=None):
    """The hue of every pixel turned by delta (a fraction of a turn, in [-1, 1])."""
    def turn(hue, saturation, value):
        hue = hue + delta
        return hue - OPS.floor(hue), saturation, value
    return _through_hsv(image, turn, name or "adjust_hue")


def adjust_saturation(image, saturation_factor, name=None):
    """The saturation of every pixel times saturation_factor, clipped to [0, 1]."""
    def scale(hue, saturation, value):
        return hue, OPS.clip_by_value(saturation * saturation_factor, 0.0, 1.0), value
    return _through_hsv(image, scale, name or "adjust_saturation")


def random_hue(image, max_delta, seed=None):
    """adjust_hue by one delta drawn uniformly from [-max_delta, max_delta] (<= 0.5)."""
    if not 0 <= max_delta <= 0.5:
        raise ValueError("max_delta must be in [0, 0.5]")
    image = convert_to_tensor(image)
    return adjust_hue(image, random_number(image, -max_delta, max_delta, seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by one factor drawn uniformly from [lower, upper)."""
    if not 0 <= lower < upper:
        raise ValueError("random_saturation needs 0 <= lower < upper")
    image = convert_to_tensor(image)
    return adjust_saturation(image, random_number(image, lower, upper, seed))
