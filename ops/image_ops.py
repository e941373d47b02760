"""tf.image's ops, built from other ops: dtype conversion (uint8 images to float and back),
flips, crops and padding, resizing (bilinear and nearest neighbour, TF1's sampling rule),
standardization, brightness and contrast, grayscale. Images are [height, width, channels]
or [batch, height, width, channels]."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from .array_ops import pad, shape
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .linalg_ops import reverse
from .random_ops import random_uniform


class ResizeMethod:
    BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA = 0, 1, 2, 3


def _image(image):
    image = convert_to_tensor(image)
    if image.shape.ndims not in (3, 4):
        raise ValueError(f"an image is [height, width, channels] or [batch, height, width, "
                         f"channels], got shape {image.shape}")
    return image


def _axes(image):
    """(height axis, width axis) of an image or a batch of images."""
    return (0, 1) if image.shape.ndims == 3 else (1, 2)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """`image` in `dtype`, values rescaled as TF1 does: floats span [0, 1], integers
    [0, their max]. Integer to integer shifts by the ratio of the ranges, integer to float
    divides by the integer's max, float to integer multiplies by max + 0.5 and truncates
    (values outside [0, 1] give unspecified results unless `saturate` clips them), float to
    float casts. The same dtype returns the image as it is."""
    image = convert_to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    src = image.dtype
    if src.is_bool or dtype.is_bool:
        raise TypeError(f"convert_image_dtype converts between float and integer images, "
                        f"not {src.name} to {dtype.name}")
    if src is dtype:
        return OPS.identity(image, name=name)
    with name_scope(name, "convert_image", [image]):
        if src.is_integer and dtype.is_integer:
            src_range, dst_range = int(src.max) + 1, int(dtype.max) + 1
            if src_range > dst_range:  # uint8 is never the wider one: no arithmetic on it
                return OPS.cast(OPS.floordiv(image, src.np.type(src_range // dst_range)), dtype)
            return OPS.cast(image, dtype) * dtype.np.type(dst_range // src_range)
        if src.is_integer:
            return OPS.cast(image, dtype) * (1.0 / float(src.max))
        if dtype.is_integer:
            scaled = image * (float(dtype.max) + 0.5)
            return OPS.saturate_cast(scaled, dtype) if saturate else OPS.cast(scaled, dtype)
        return OPS.cast(image, dtype)


def flip_left_right(image):
    image = _image(image)
    return reverse(image, [_axes(image)[1]])


def flip_up_down(image):
    image = _image(image)
    return reverse(image, [_axes(image)[0]])


def transpose_image(image):
    image = _image(image)
    return OPS.transpose(image, [1, 0, 2] if image.shape.ndims == 3 else [0, 2, 1, 3])


def _random_flip(image, flip, seed):
    image = _image(image)
    batch = image.shape.ndims == 4
    draw = random_uniform(OPS.stack([shape(image)[0], 1, 1, 1]) if batch else [],
                          dtype=dtypes.float32, seed=seed)
    return OPS.where(OPS.broadcast_to(draw < 0.5, shape(image)), flip(image), image)


def random_flip_left_right(image, seed=None):
    """Each image mirrored left to right with probability 1/2."""
    return _random_flip(image, flip_left_right, seed)


def random_flip_up_down(image, seed=None):
    """Each image turned upside down with probability 1/2."""
    return _random_flip(image, flip_up_down, seed)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The target_height x target_width window at (offset_height, offset_width); offsets
    and sizes may be tensors."""
    image = _image(image)
    window = (slice(offset_height, offset_height + target_height),
              slice(offset_width, offset_width + target_width))
    return image[window] if image.shape.ndims == 3 else image[(slice(None),) + window]


def central_crop(image, central_fraction):
    """The central part of each image, central_fraction of its height and width (static
    sizes)."""
    image = _image(image)
    if not 0 < central_fraction <= 1:
        raise ValueError("central_fraction must be in (0, 1]")
    h_axis, w_axis = _axes(image)
    height, width = image.shape.dims[h_axis], image.shape.dims[w_axis]
    if height is None or width is None:
        raise ValueError("central_crop needs a static height and width")
    top = int((height - height * central_fraction) / 2)
    left = int((width - width * central_fraction) / 2)
    return crop_to_bounding_box(image, top, left, height - 2 * top, width - 2 * left)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zeros around each image to make it target_height x target_width, the image at
    (offset_height, offset_width) (static sizes)."""
    image = _image(image)
    h_axis, w_axis = _axes(image)
    height, width = image.shape.dims[h_axis], image.shape.dims[w_axis]
    if height is None or width is None:
        raise ValueError("pad_to_bounding_box needs a static height and width")
    below, right = target_height - offset_height - height, target_width - offset_width - width
    if min(offset_height, offset_width, below, right) < 0:
        raise ValueError("the image does not fit the target box at that offset")
    pads = [[offset_height, below], [offset_width, right], [0, 0]]
    return pad(image, pads if image.shape.ndims == 3 else [[0, 0]] + pads)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Each image cropped about its centre, or padded with zeros around it, to
    target_height x target_width (static sizes; TF1's offsets: the extra row or column of
    an odd difference goes after)."""
    image = _image(image)
    h_axis, w_axis = _axes(image)
    height, width = image.shape.dims[h_axis], image.shape.dims[w_axis]
    if height is None or width is None:
        raise ValueError("resize_image_with_crop_or_pad needs a static height and width")
    cropped = crop_to_bounding_box(image, max((height - target_height) // 2, 0),
                                   max((width - target_width) // 2, 0),
                                   min(target_height, height), min(target_width, width))
    return pad_to_bounding_box(cropped, max((target_height - height) // 2, 0),
                               max((target_width - width) // 2, 0), target_height,
                               target_width)


def resize_image_with_pad(image, target_height, target_width,
                          method=ResizeMethod.BILINEAR, align_corners=False):
    """Each image resized to fit target_height x target_width with its aspect ratio kept,
    then padded with zeros about its centre to that size (TF1's float32 arithmetic for
    the resized size and the offsets; static sizes)."""
    image = _image(image)
    h_axis, w_axis = _axes(image)
    height, width = image.shape.dims[h_axis], image.shape.dims[w_axis]
    if height is None or width is None:
        raise ValueError("resize_image_with_pad needs a static height and width")
    f32 = np.float32
    ratio = max(f32(width) / f32(target_width), f32(height) / f32(target_height))
    new_height, new_width = f32(height) / ratio, f32(width) / ratio
    top = max(0, int(np.floor((f32(target_height) - new_height) / f32(2))))
    left = max(0, int(np.floor((f32(target_width) - new_width) / f32(2))))
    resized = resize_images(image, [int(np.floor(new_height)), int(np.floor(new_width))],
                            method, align_corners)
    return pad_to_bounding_box(resized, top, left, target_height, target_width)


def _source_positions(out_size, in_size, align_corners):
    """TF1's (legacy) sampling: float source coordinates of each output row or column."""
    if align_corners and out_size > 1:
        scale = (in_size - 1) / (out_size - 1)
    else:
        scale = in_size / out_size
    return np.arange(out_size, dtype=np.float64) * scale


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False):
    """images resized to size = (new_height, new_width) by bilinear, bicubic or area
    interpolation (as float32, like TF1) or nearest neighbour (same dtype), with TF1's
    legacy sampling; static input sizes."""
    images = _image(images)
    single = images.shape.ndims == 3
    batch = OPS.expand_dims(images, 0) if single else images
    height, width = batch.shape.dims[1], batch.shape.dims[2]
    if height is None or width is None:
        raise ValueError("resize_images needs a static height and width")
    out_h, out_w = (int(s) for s in size)
    with name_scope(None, "resize"):
        x = batch if method == ResizeMethod.NEAREST_NEIGHBOR else \
            OPS.cast(batch, dtypes.float32)
        if method == ResizeMethod.NEAREST_NEIGHBOR:
            rows = np.minimum(np.floor(_source_positions(out_h, height, align_corners)
                                       + (0.5 if align_corners else 0.0)), height - 1)
            cols = np.minimum(np.floor(_source_positions(out_w, width, align_corners)
                                       + (0.5 if align_corners else 0.0)), width - 1)
            out = gather(gather(x, rows.astype(np.int32), axis=1), cols.astype(np.int32), axis=2)
        elif method == ResizeMethod.BILINEAR:
            out = _bilinear(x, _source_positions(out_h, height, align_corners), height, 1)
            out = _bilinear(out, _source_positions(out_w, width, align_corners), width, 2)
        elif method in (ResizeMethod.BICUBIC, ResizeMethod.AREA):
            weights = _bicubic_weights if method == ResizeMethod.BICUBIC else _area_weights
            out = _resample(x, weights(out_h, height, align_corners), 1)
            out = _resample(out, weights(out_w, width, align_corners), 2)
        else:
            raise ValueError(f"Resize method {method} is not supported")
        return out[0] if single else out


def _resample(x, weights, axis):
    """x [b, h, w, c] with `axis` replaced by weights [out, in] times it (separable)."""
    moved = OPS.tensordot(x, weights.T.astype(x.dtype.np), axes=[[axis], [0]])
    order = [0, 3, 1, 2] if axis == 1 else [0, 1, 3, 2]  # the new axis came out last
    return OPS.transpose(moved, order)


def _bicubic_weights(out_size, in_size, align_corners):
    """[out, in] weights of TF1's legacy bicubic resize: Keys' cubic (a = -0.75) over the
    four nearest source pixels, edges repeated; like TF1, positions in float32 and their
    fractions rounded to 1/1024 (its table of weights)."""
    a = -0.75
    scale = np.float32((in_size - 1) / (out_size - 1) if align_corners and out_size > 1
                       else in_size / out_size)
    positions = scale * np.arange(out_size, dtype=np.float32)
    base = np.floor(positions).astype(int)
    d = np.rint((positions - base) * 1024.0).astype(np.float64) / 1024.0
    taps = [((a * (d + 1) - 5 * a) * (d + 1) + 8 * a) * (d + 1) - 4 * a,
            ((a + 2) * d - (a + 3)) * d * d + 1,
            ((a + 2) * (1 - d) - (a + 3)) * (1 - d) * (1 - d) + 1,
            ((a * (2 - d) - 5 * a) * (2 - d) + 8 * a) * (2 - d) - 4 * a]
    weights = np.zeros((out_size, in_size))
    for k, tap in enumerate(taps):
        np.add.at(weights, (np.arange(out_size), np.clip(base + k - 1, 0, in_size - 1)), tap)
    return weights


def _area_weights(out_size, in_size, align_corners):
    """[out, in] weights of TF1's area resize: each output averages the span of source
    pixels it covers, partial pixels by their overlap."""
    scale = (in_size - 1) / (out_size - 1) if align_corners and out_size > 1 else \
        in_size / out_size
    weights = np.zeros((out_size, in_size))
    for y in range(out_size):
        start, end = y * scale, (y + 1) * scale
        for source in range(int(np.floor(start)), int(np.ceil(end))):
            overlap = min(source + 1, end) - max(source, start)
            weights[y, min(source, in_size - 1)] += overlap / scale
    return weights


def _bilinear(x, positions, size, axis):
    """Linear interpolation of x along `axis` at float source positions."""
    low = np.floor(positions).astype(np.int32)
    high = np.minimum(low + 1, size - 1)
    frac = (positions - low).reshape([-1 if a == axis else 1 for a in range(4)])
    frac = OPS.constant(frac.astype(x.dtype.np))
    below, above = gather(x, low, axis=axis), gather(x, high, axis=axis)
    return below + (above - below) * frac


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    if half_pixel_centers:
        raise NotImplementedError("tf0 resizes with TF1's legacy sampling only")
    return resize_images(images, size, ResizeMethod.BICUBIC, align_corners)


def resize_area(images, size, align_corners=False, name=None):
    return resize_images(images, size, ResizeMethod.AREA, align_corners)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    if half_pixel_centers:
        raise NotImplementedError("tf0 resizes with TF1's legacy sampling only")
    return resize_images(images, size, ResizeMethod.BILINEAR, align_corners)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    if half_pixel_centers:
        raise NotImplementedError("tf0 resizes with TF1's legacy sampling only")
    return resize_images(images, size, ResizeMethod.NEAREST_NEIGHBOR, align_corners)


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1 / sqrt(number of values)), each image on its own, as
    float32 (TF1)."""
    image = _image(image)
    axes = [-3, -2, -1]
    x = OPS.cast(image, dtypes.float32)
    count = OPS.cast(OPS.reduce_prod(shape(x)[-3:]), x.dtype)
    mean = OPS.reduce_mean(x, axis=axes, keepdims=True)
    std = OPS.sqrt(OPS.reduce_mean(OPS.square(x - mean), axis=axes, keepdims=True))
    return (x - mean) / OPS.maximum(std, OPS.rsqrt(count))


def in_float(image, adjust):
    """adjust(image) for a float image; an integer image (uint8, say) is converted to
    float32 first and back after, clipped to its range (convert_image_dtype), as TF1's
    color adjustments do."""
    image = convert_to_tensor(image)
    if image.dtype.is_floating:
        return adjust(image)
    out = adjust(convert_image_dtype(image, dtypes.float32))
    return convert_image_dtype(out, image.dtype, saturate=True)


def random_number(image, low, high, seed):
    """One uniform number in [low, high) of the float dtype an image is adjusted in."""
    dtype = image.dtype if image.dtype.is_floating else dtypes.float32
    return random_uniform([], low, high, dtype=dtype, seed=seed)


def adjust_brightness(image, delta):
    """image plus delta (integer images through floats in [0, 1])."""
    return in_float(image, lambda x: x + delta)


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by one uniform delta in [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative")
    image = convert_to_tensor(image)
    return adjust_brightness(image, random_number(image, -max_delta, max_delta, seed))


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, the mean over each image's pixels per channel
    (integer images through floats in [0, 1])."""
    images = _image(images)

    def stretch(x):
        mean = OPS.reduce_mean(x, axis=[-3, -2], keepdims=True)
        return (x - mean) * contrast_factor + mean
    return in_float(images, stretch)


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by one factor drawn uniformly from [lower, upper)."""
    if not 0 <= lower < upper:
        raise ValueError("random_contrast needs 0 <= lower < upper")
    image = _image(image)
    return adjust_contrast(image, random_number(image, lower, upper, seed))


def rgb_to_grayscale(images, name=None):
    """[..., 3] RGB to [..., 1] luma (ITU-R 601-2 weights, as TF1; integer images through
    floats)."""
    def luma(x):
        weights = OPS.constant(np.array([0.2989, 0.5870, 0.1140], x.dtype.np))
        return OPS.reduce_sum(x * weights, axis=-1, keepdims=True)
    return in_float(images, luma)


def grayscale_to_rgb(images, name=None):
    """[..., 1] to [..., 3]: the one channel three times."""
    images = convert_to_tensor(images)
    return OPS.concat([images, images, images], -1)
