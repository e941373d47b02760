"""Bounding boxes on images: tf.image.sample_distorted_bounding_box (the random crop of
Inception-style preprocessing, TF1's rejection rule, Philox numbers of its own) and
draw_bounding_boxes (TF1's colors and pixel rule). Both run on the host."""
import math

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op
from .random_ops import get_seed


def _random_crop(rng, height, width, aspect_ratio, area_range):
    """(x, y, w, h) of a crop of the aspect ratio with an area in area_range of the image,
    at a random place; None when the ratio and range allow none (TF1's GenerateRandomCrop)."""
    min_area, max_area = area_range[0] * width * height, area_range[1] * width * height
    h = int(np.rint(math.sqrt(min_area / aspect_ratio)))
    max_h = int(np.rint(math.sqrt(max_area / aspect_ratio)))
    if np.rint(max_h * aspect_ratio) > width:
        max_h = int((width + 0.5 - 1e-7) / aspect_ratio)
    max_h = min(max_h, height)
    h = min(h, max_h)
    if h < max_h:
        h += int(rng.integers(max_h - h + 1))
    w = int(np.rint(h * aspect_ratio))
    if w * h < min_area:
        h += 1
        w = int(np.rint(h * aspect_ratio))
    if not (min_area <= w * h <= max_area) or w > width or h > height or w <= 0 or h <= 0:
        return None
    return int(rng.integers(width - w + 1)), int(rng.integers(height - h + 1)), w, h


def _covers(crop, boxes, height, width, minimum):
    x, y, w, h = crop
    for y0, x0, y1, x1 in boxes:
        top, left, bottom, right = y0 * height, x0 * width, y1 * height, x1 * width
        area = (bottom - top) * (right - left)
        inter = max(0.0, min(y + h, bottom) - max(y, top)) * \
            max(0.0, min(x + w, right) - max(x, left))
        if area > 0 and inter / area >= minimum:
            return True
    return False


def _sample_bind(op, ctx):
    a = op.attrs
    key, next_run = a["seed"], ctx.random_counter(op)

    def sample(image_size, bounding_boxes, min_object_covered):
        height, width = int(image_size[0]), int(image_size[1])
        boxes = np.asarray(bounding_boxes, np.float64).reshape(-1, 4)
        if boxes.size == 0:
            if not a["use_image_if_no_bounding_boxes"]:
                raise errors.InvalidArgumentError(
                    None, op, "No bounding boxes provided as input. One must enable "
                              "use_image_if_no_bounding_boxes if you wish to not provide "
                              "any bounding boxes.")
            boxes = np.array([[0.0, 0.0, 1.0, 1.0]])
        rng = np.random.Generator(np.random.Philox(key=key[0] << 32 | key[1],
                                                   counter=next_run() << 192))
        crop = None
        for _ in range(a["max_attempts"]):
            ratio = rng.uniform(*a["aspect_ratio_range"])
            candidate = _random_crop(rng, height, width, ratio, a["area_range"])
            if candidate is not None and _covers(candidate, boxes, height, width,
                                                 float(min_object_covered)):
                crop = candidate
                break
        x, y, w, h = crop if crop is not None else (0, 0, width, height)
        box = np.array([[[y / height, x / width, (y + h) / height, (x + w) / width]]],
                       np.float32)
        begin = np.array([y, x, 0], image_size.dtype)
        return begin, np.array([h, w, -1], image_size.dtype), box
    return sample


defop("SampleDistortedBoundingBox", lambda op: [
    (TensorShape([3]), op.inputs[0].dtype), (TensorShape([3]), op.inputs[0].dtype),
    (TensorShape([1, 1, 4]), dtypes.float32)], _sample_bind, grad=NO_GRADIENT, stateful=True)


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None,
                                  min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """(begin, size, bboxes) of a random crop of an image of image_size [h, w, c]: its
    aspect ratio and area fraction drawn from the ranges, covering at least
    min_object_covered of one of bounding_boxes [batch, n, 4] (normalized y0, x0, y1, x1);
    the whole image after max_attempts failures. For tf.slice(image, begin, size)."""
    image_size = convert_to_tensor(image_size)
    seed1, seed2_ = get_seed(seed) if seed2 is None else (int(seed), int(seed2))
    return tuple(make_op("SampleDistortedBoundingBox", [
        image_size, convert_to_tensor(bounding_boxes, dtype=dtypes.float32),
        convert_to_tensor(min_object_covered, dtype=dtypes.float32)], {
        "seed": (seed1 & 0xFFFFFFFF, seed2_ & 0xFFFFFFFF),
        "aspect_ratio_range": tuple(float(r) for r in (aspect_ratio_range or (0.75, 1.33))),
        "area_range": tuple(float(r) for r in (area_range or (0.05, 1.0))),
        "max_attempts": int(max_attempts or 100),
        "use_image_if_no_bounding_boxes": bool(use_image_if_no_bounding_boxes)},
        name=name or "SampleDistortedBoundingBoxV2"))


# TF1's colors for boxes without given colors (RGBA; an image uses its first channels)
_COLORS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                    [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1],
                    [1, 0, 1, 1]], np.float32)


def _draw_bind(op, ctx):
    def draw(images, boxes, colors=None):
        out = np.array(images, copy=True)
        table = _COLORS if colors is None or np.size(colors) == 0 else \
            np.asarray(colors, np.float32).reshape(-1, 4)
        _, height, width, depth = out.shape
        if depth == 1:  # as TF1: every box white on a gray image
            table = np.ones_like(table)
        for b in range(out.shape[0]):
            # in float32, as TF1 (0.9f * 10 is 9, not 8.99...)
            for k, (y0, x0, y1, x1) in enumerate(np.asarray(boxes[b], np.float32)):
                color = table[k % len(table)][:depth] if depth <= 4 else \
                    np.resize(table[k % len(table)], depth)
                rows_f, cols_f = np.float32(height - 1), np.float32(width - 1)
                top, bottom = int(y0 * rows_f), int(y1 * rows_f)
                left, right = int(x0 * cols_f), int(x1 * cols_f)
                if top > bottom or left > right or bottom < 0 or right < 0 or \
                        top >= height or left >= width:
                    continue
                rows = range(max(top, 0), min(bottom, height - 1) + 1)
                cols = range(max(left, 0), min(right, width - 1) + 1)
                for row in (top, bottom):
                    if 0 <= row < height:
                        out[b, row, cols.start:cols.stop] = color
                for col in (left, right):
                    if 0 <= col < width:
                        out[b, rows.start:rows.stop, col] = color
        return out
    return draw


defop("DrawBoundingBoxes", lambda op: [(op.inputs[0].shape, op.inputs[0].dtype)], _draw_bind,
      grad=NO_GRADIENT)


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """images [batch, h, w, depth] (float) with the outline of each box [batch, n, 4]
    (normalized y0, x0, y1, x1) drawn one pixel wide in its color (colors [k, 4] RGBA,
    cycled; TF1's table by default)."""
    images = convert_to_tensor(images)
    inputs = [images, convert_to_tensor(boxes, dtype=dtypes.float32)]
    if colors is not None:
        inputs.append(convert_to_tensor(colors, dtype=dtypes.float32))
    return make_op("DrawBoundingBoxes", inputs, name=name or "DrawBoundingBoxes")
