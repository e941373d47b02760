"""More of tf.image, built from other ops: rot90, adjust_gamma, total_variation,
image_gradients, sobel_edges, psnr, ssim, the YUV and YIQ color spaces,
extract_image_patches and crop_and_resize; non_max_suppression and the PNG codec run on
the host. Images are [height, width, channels] or [batch, height, width, channels]."""
import math

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from . import png
from .array_ops import concat, expand_dims, pad, reshape, shape, stack, transpose
from .conv_ops import conv2d
from .core import OPS, convert_to_tensor, defop, make_op
from .depthwise_conv import depthwise_conv2d
from .einsum import tensordot
from .image_ops import _axes, _image, convert_image_dtype
from .array_composites import gather_nd
from .linalg_ops import reverse
from .math_ops import cast

# TF1's color-space matrices (rows: input channels, columns: output channels)
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _mix_channels(images, kernel, name):
    with name_scope(name):
        images = convert_to_tensor(images)
        return tensordot(images, np.asarray(kernel, images.dtype.np), axes=[[-1], [0]])


def rgb_to_yiq(images):
    return _mix_channels(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    return _mix_channels(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    return _mix_channels(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    return _mix_channels(images, _YUV_TO_RGB, "yuv_to_rgb")


def rot90(image, k=1, name=None):
    """The image turned counterclockwise by k quarter turns (k: a Python int)."""
    with name_scope(name, "rot90"):
        image = _image(image)
        h, w = _axes(image)
        order = list(range(image.shape.ndims))
        order[h], order[w] = w, h
        k = int(k) % 4
        if k == 1:
            return transpose(reverse(image, [w]), order)
        if k == 2:
            return reverse(image, [h, w])
        if k == 3:
            return reverse(transpose(image, order), [w])
        return OPS.identity(image)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma on the image as floats in [0, 1], in its own dtype again."""
    with name_scope(None, "adjust_gamma"):
        image = convert_to_tensor(image)
        floats = image if image.dtype.is_floating else convert_image_dtype(image,
                                                                           dtypes.float32)
        adjusted = gain * floats ** gamma
        return convert_image_dtype(adjusted, image.dtype, saturate=True)


def total_variation(images, name=None):
    """The sum of absolute differences of neighbouring pixels, per image: [] or [batch]."""
    with name_scope(name, "total_variation"):
        images = _image(images)
        h, w = _axes(images)
        dy = images[1:] - images[:-1] if h == 0 else images[:, 1:] - images[:, :-1]
        dx = images[:, 1:] - images[:, :-1] if h == 0 else images[:, :, 1:] - images[:, :, :-1]
        axes = None if h == 0 else [1, 2, 3]
        return OPS.reduce_sum(OPS.abs(dy), axis=axes) + OPS.reduce_sum(OPS.abs(dx), axis=axes)


def image_gradients(image):
    """(dy, dx) of a batch [batch, h, w, c]: the next pixel minus this one, 0 at the last
    row (dy) or column (dx)."""
    image = convert_to_tensor(image)
    if image.shape.ndims != 4:
        raise ValueError(f"image_gradients takes [batch, height, width, channels], got "
                         f"{image.shape}")
    dy = pad(image[:, 1:] - image[:, :-1], [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = pad(image[:, :, 1:] - image[:, :, :-1], [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


def sobel_edges(image):
    """The Sobel filters' responses [batch, h, w, channels, 2] (y, then x) of a batch,
    edges padded by reflection."""
    image = convert_to_tensor(image)
    channels = image.shape.dims[-1]
    kernels = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
                        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]], image.dtype.np)
    kernel = np.tile(np.transpose(kernels, (1, 2, 0))[:, :, None, :], (1, 1, channels, 1))
    padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, kernel, [1, 1, 1, 1], "VALID")
    size = shape(image)
    return reshape(out, concat([size, [2]], 0))


def psnr(a, b, max_val, name=None):
    """10 log10(max_val^2 / mean squared error) over each image's last three axes."""
    with name_scope(name, "PSNR"):
        a, b = convert_to_tensor(a), convert_to_tensor(b)
        a32, b32 = cast(a, dtypes.float32), cast(b, dtypes.float32)
        max_val = cast(convert_to_tensor(max_val), dtypes.float32)
        mse = OPS.reduce_mean(OPS.squared_difference(a32, b32), axis=[-3, -2, -1])
        return 10.0 * OPS.log(max_val * max_val / mse) / math.log(10.0)


def _gaussian(size, sigma, channels, dtype):
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-coords ** 2 / (2.0 * sigma ** 2))
    g = np.outer(g, g)
    g /= g.sum()
    return np.tile(g[:, :, None, None], (1, 1, channels, 1)).astype(dtype)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """The structural similarity of two batches of images (float, [..., h, w, c]), averaged
    over positions and channels: [...]. Gaussian windows of filter_size, VALID."""
    with name_scope(None, "SSIM"):
        x, y = convert_to_tensor(img1), convert_to_tensor(img2)
        x = cast(x, dtypes.float32) if not x.dtype.is_floating else x
        y = cast(y, x.dtype)
        squeeze = x.shape.ndims == 3
        if squeeze:
            x, y = expand_dims(x, 0), expand_dims(y, 0)
        c1 = (k1 * cast(convert_to_tensor(max_val), x.dtype)) ** 2
        c2 = (k2 * cast(convert_to_tensor(max_val), x.dtype)) ** 2
        window = _gaussian(filter_size, filter_sigma, x.shape.dims[-1], x.dtype.np)

        def blur(t):
            return depthwise_conv2d(t, window, [1, 1, 1, 1], "VALID")
        mx, my = blur(x), blur(y)
        luminance = (2.0 * mx * my + c1) / (mx * mx + my * my + c1)
        sxy = blur(x * y) - mx * my
        sxx, syy = blur(x * x) - mx * mx, blur(y * y) - my * my
        structure = (2.0 * sxy + c2) / (sxx + syy + c2)
        out = OPS.reduce_mean(luminance * structure, axis=[-3, -2, -1])
        return out[0] if squeeze else out


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """[batch, out_h, out_w, kh * kw * channels]: each patch of kh x kw pixels (`rates`
    apart) flattened row by row, every `strides` (a convolution with one-hot filters)."""
    ksizes = ksizes if ksizes is not None else sizes
    with name_scope(name, "ExtractImagePatches"):
        images = convert_to_tensor(images)
        kh, kw, c = int(ksizes[1]), int(ksizes[2]), images.shape.dims[-1]
        if c is None:
            raise ValueError("extract_image_patches needs the channel count known")
        picks = np.eye(kh * kw * c, dtype=images.dtype.np).reshape(kh, kw, c, kh * kw * c)
        strides, rates = [int(s) for s in strides], [int(r) for r in rates]
        if max(strides[1:3]) == 1 or max(rates[1:3]) == 1:
            return conv2d(images, picks, strides, padding, dilations=rates)
        # conv2d takes a stride or a dilation: pad as the strided op would, convolve
        # dilated at every position, keep every stride-th
        if padding == "SAME":
            h, w = images.shape.dims[1:3]
            if h is None or w is None:
                raise ValueError("extract_image_patches with strides and rates above 1 "
                                 "needs the image size known")
            amounts = [[0, 0]]
            for size, k, s, r in ((h, kh, strides[1], rates[1]), (w, kw, strides[2], rates[2])):
                total = max((-(-size // s) - 1) * s + (k - 1) * r + 1 - size, 0)
                amounts.append([total // 2, total - total // 2])
            images = pad(images, amounts + [[0, 0]])
        dense = conv2d(images, picks, [1, 1, 1, 1], "VALID", dilations=rates)
        return dense[:, ::strides[1], ::strides[2]]


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0.0, name=None, box_indices=None):
    """[num_boxes, crop_h, crop_w, channels] float32 crops of image [batch, h, w, c], each
    box [y1, x1, y2, x2] (normalized, of image box_ind[i]) sampled bilinearly or by nearest
    neighbour; samples outside the image take extrapolation_value."""
    box_ind = box_ind if box_ind is not None else box_indices
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method}")
    with name_scope(name, "CropAndResize"):
        image = cast(convert_to_tensor(image), dtypes.float32)
        boxes = cast(convert_to_tensor(boxes), dtypes.float32)
        box_ind = cast(convert_to_tensor(box_ind), dtypes.int32)
        ch, cw = (int(s) for s in crop_size)
        size = cast(shape(image), dtypes.float32)
        ys = _sample_points(boxes[:, 0], boxes[:, 2], ch, size[1])  # [n, ch]
        xs = _sample_points(boxes[:, 1], boxes[:, 3], cw, size[2])  # [n, cw]
        inside = OPS.logical_and(
            expand_dims(OPS.logical_and(ys >= 0.0, ys <= size[1] - 1.0), 2),
            expand_dims(OPS.logical_and(xs >= 0.0, xs <= size[2] - 1.0), 1))  # [n, ch, cw]
        if method == "nearest":
            crops = _pick(image, box_ind, OPS.round(ys), OPS.round(xs), size)
        else:
            y0, x0 = OPS.floor(ys), OPS.floor(xs)
            wy = expand_dims(expand_dims(ys - y0, 2), 3)
            wx = expand_dims(expand_dims(xs - x0, 1), 3)
            top = _pick(image, box_ind, y0, x0, size) * (1.0 - wx) + \
                _pick(image, box_ind, y0, x0 + 1.0, size) * wx
            bottom = _pick(image, box_ind, y0 + 1.0, x0, size) * (1.0 - wx) + \
                _pick(image, box_ind, y0 + 1.0, x0 + 1.0, size) * wx
            crops = top * (1.0 - wy) + bottom * wy
        return OPS.where(expand_dims(inside, 3), crops,
                         OPS.zeros_like(crops) + float(extrapolation_value))


def _sample_points(start, end, count, size):
    """[n, count] positions from start to end (normalized) in pixel units, as TF1."""
    if count > 1:
        steps = convert_to_tensor(np.arange(count, dtype=np.float32) / (count - 1))
        return expand_dims(start * (size - 1.0), 1) + \
            expand_dims((end - start) * (size - 1.0), 1) * expand_dims(steps, 0)
    return expand_dims(0.5 * (start + end) * (size - 1.0), 1)


def _pick(image, box_ind, ys, xs, size):
    """image[box_ind[n], ys[n, i], xs[n, j]]: [n, len(ys), len(xs), channels], with the
    positions clipped into the image (those outside are replaced afterwards)."""
    y = cast(OPS.clip_by_value(ys, 0.0, size[1] - 1.0), dtypes.int32)
    x = cast(OPS.clip_by_value(xs, 0.0, size[2] - 1.0), dtypes.int32)
    n, h, w = shape(y)[0], shape(y)[1], shape(x)[1]
    b = OPS.broadcast_to(reshape(box_ind, [-1, 1, 1]), stack([n, h, w]))
    yy = OPS.broadcast_to(expand_dims(y, 2), stack([n, h, w]))
    xx = OPS.broadcast_to(expand_dims(x, 1), stack([n, h, w]))
    return gather_nd(image, stack([b, yy, xx], axis=3))


# ---- host ops: non-maximum suppression and PNG -----------------------------------------------
def _iou(box, others):
    y1, x1 = np.minimum(box[0], box[2]), np.minimum(box[1], box[3])
    y2, x2 = np.maximum(box[0], box[2]), np.maximum(box[1], box[3])
    oy1, ox1 = np.minimum(others[:, 0], others[:, 2]), np.minimum(others[:, 1], others[:, 3])
    oy2, ox2 = np.maximum(others[:, 0], others[:, 2]), np.maximum(others[:, 1], others[:, 3])
    inter = np.maximum(0, np.minimum(y2, oy2) - np.maximum(y1, oy1)) * \
        np.maximum(0, np.minimum(x2, ox2) - np.maximum(x1, ox1))
    union = (y2 - y1) * (x2 - x1) + (oy2 - oy1) * (ox2 - ox1) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _nms_bind(op, ctx):
    def select(boxes, scores, max_output_size, iou_threshold, score_threshold):
        order = np.argsort(-scores, kind="stable")
        order = order[scores[order] > score_threshold]
        kept = []
        for i in order:
            if len(kept) >= int(max_output_size):
                break
            if not kept or np.all(_iou(boxes[i], boxes[kept]) <= iou_threshold):
                kept.append(int(i))
        return np.asarray(kept, np.int32)
    return select


defop("NonMaxSuppression", lambda op: [(TensorShape([None]), dtypes.int32)], _nms_bind,
      grad=NO_GRADIENT)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """Indices (int32, best first) of at most max_output_size boxes [n, 4] chosen greedily
    by score, each overlapping every one chosen before it by IoU <= iou_threshold and
    scoring above score_threshold."""
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32)
    scores = convert_to_tensor(scores, dtype=dtypes.float32)
    return make_op("NonMaxSuppression", [
        boxes, scores, convert_to_tensor(max_output_size, dtype=dtypes.int32),
        convert_to_tensor(iou_threshold, dtype=dtypes.float32),
        convert_to_tensor(score_threshold, dtype=dtypes.float32)],
        name=name or "NonMaxSuppressionV3")


def _encode_png_bind(op, ctx):
    return lambda image: np.array(png.encode(np.asarray(image)), object)


def _decode_png_bind(op, ctx):
    channels, dtype = op.attrs["channels"], op.attrs["dtype"]

    def decode(contents):
        try:
            image = png.decode(contents.item() if isinstance(contents, np.ndarray)
                               else contents)
        except ValueError as e:
            raise errors.InvalidArgumentError(None, op, f"decode_png: {e}") from None
        return png.with_channels(image, channels).astype(dtype.np)
    return decode


defop("EncodePng", lambda op: [(TensorShape([]), dtypes.string)], _encode_png_bind,
      grad=NO_GRADIENT)
defop("DecodePng", lambda op: [(TensorShape([None, None, op.attrs["channels"] or None]),
                                op.attrs["dtype"])], _decode_png_bind, grad=NO_GRADIENT)


def encode_png(image, compression=-1, name=None):
    """The PNG file (a string scalar) of a uint8 image [height, width, 1, 3 or 4]."""
    image = convert_to_tensor(image)
    if image.dtype is not dtypes.uint8 or image.shape.ndims != 3:
        raise ValueError(f"encode_png takes a uint8 [height, width, channels] image, got "
                         f"{image.dtype.name}{image.shape}")
    return make_op("EncodePng", [image], name=name or "EncodePng")


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """The uint8 image [height, width, channels] of an 8-bit PNG file (gray, gray+alpha,
    RGB, RGBA or palette; channels 0 keeps the file's)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype is not dtypes.uint8:
        raise ValueError("tf0's decode_png decodes 8-bit images to uint8")
    return make_op("DecodePng", [convert_to_tensor(contents, dtype=dtypes.string)],
                   {"channels": int(channels), "dtype": dtype}, name=name or "DecodePng")
