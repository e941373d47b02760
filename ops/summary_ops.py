"""TF1's summaries for TensorBoard: tf.summary.scalar, histogram, image, merge and
merge_all.

Each op computes a serialized Summary protocol buffer (a scalar of dtype string, fetched as
bytes) on the host from the values it is given; session/events.FileWriter writes them to
an event file. Messages and histogram buckets are laid out as TF1 lays them out, so
TensorBoard (and TF1's own readers) read them alike.
"""
import re
import sys

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.engine.shapes import TensorShape

from . import png
from . import proto_wire as pb
from .core import convert_to_tensor, defop, make_op


def _histogram_limits():
    """TF1's default bucket limits: +-1e-12 * 1.1^k up to 1e20, the largest double, 0."""
    positive, v = [], 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    positive.append(sys.float_info.max)
    return np.array([-x for x in reversed(positive)] + [0.0] + positive)


LIMITS = _histogram_limits()


def value_message(tag, body):
    """A Summary holding one Value: the tag and its body fields (serialized)."""
    return pb.bytes_field(1, pb.bytes_field(1, tag) + body)


def histogram_message(values):
    """A HistogramProto of `values` (finite floats): min, max, count, sum, sum of squares
    (summed in order, as TF1 does), then TF1's buckets — bucket i holds limits[i-1] <= v <
    limits[i], and each run of empty buckets is written as one empty bucket."""
    v = np.asarray(values, np.float64).ravel()
    counts = np.bincount(np.searchsorted(LIMITS, v, side="right"), minlength=len(LIMITS))
    low, high = (float(v.min()), float(v.max())) if v.size else (LIMITS[-1], -LIMITS[-1])
    total = float(np.cumsum(v)[-1]) if v.size else 0.0
    squares = float(np.cumsum(v * v)[-1]) if v.size else 0.0
    limits, buckets = [], []
    i = 0
    while i < len(LIMITS):
        end, count = LIMITS[i], counts[i]
        i += 1
        if count == 0:
            while i < len(LIMITS) and counts[i] == 0:
                end = LIMITS[i]
                i += 1
        limits.append(end)
        buckets.append(float(count))
    return (pb.double_field(1, low) + pb.double_field(2, high) + pb.double_field(3, v.size)
            + pb.double_field(4, total) + pb.double_field(5, squares)
            + pb.packed_doubles_field(6, limits) + pb.packed_doubles_field(7, buckets))


def _string_scalar(op):
    return [(TensorShape([]), dtypes.string)]


def _scalar_bind(op, ctx):
    tag = op.attrs["tag"]

    def scalar_summary_np(value):
        value = np.asarray(value)
        if value.size != 1:
            raise errors.InvalidArgumentError(
                op.node_def, op, f"tags and values not the same shape: [] != "
                                 f"{list(value.shape)} (tag '{tag}')")
        return value_message(tag, pb.float_field(2, float(value.reshape(()))))
    return scalar_summary_np


def _histogram_bind(op, ctx):
    tag = op.attrs["tag"]

    def histogram_summary_np(values):
        values = np.asarray(values, np.float64)
        if np.isnan(values).any() or np.isinf(values).any():
            what = "Nan" if np.isnan(values).any() else "Infinity"
            raise errors.InvalidArgumentError(op.node_def, op,
                                              f"{what} in summary histogram for: {tag}")
        return value_message(tag, pb.bytes_field(5, histogram_message(values)))
    return histogram_summary_np


def normalized_image(image):
    """A float image [h, w, c] as uint8, by TF1's rule: all values >= 0 are scaled so the
    largest is 255; otherwise 0 goes to 128 and the largest magnitude to 127 away from it.
    A pixel with a non-finite channel is red."""
    image = np.asarray(image, np.float64)
    finite = np.isfinite(image)
    low = float(image[finite].min()) if finite.any() else 0.0
    high = float(image[finite].max()) if finite.any() else 0.0
    if low < 0:
        magnitude = max(abs(low), abs(high))
        scale, offset = (0.0 if magnitude < 1e-6 else 127.0 / magnitude), 128.0
    else:
        scale, offset = (0.0 if high < 1e-6 else 255.0 / high), 0.0
    out = (np.where(finite, image, 0.0).astype(np.float32) * np.float32(scale)
           + np.float32(offset)).astype(np.uint8)
    bad = ~finite.all(axis=-1)
    out[bad] = np.array([255, 0, 0, 255], np.uint8)[:image.shape[-1]]
    return out


def _image_bind(op, ctx):
    tag, max_images = op.attrs["tag"], op.attrs["max_images"]

    def image_summary_np(images):
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
            raise errors.InvalidArgumentError(
                op.node_def, op, f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                                 f"{list(images.shape)} (tag '{tag}')")
        values = []
        for i, image in enumerate(images[:max_images]):
            pixels = image if image.dtype == np.uint8 else normalized_image(image)
            name = f"{tag}/image" if max_images == 1 else f"{tag}/image/{i}"
            body = (pb.int_field(1, image.shape[0]) + pb.int_field(2, image.shape[1])
                    + pb.int_field(3, image.shape[2]) + pb.bytes_field(4, png.encode(pixels)))
            values.append(value_message(name, pb.bytes_field(4, body)))
        return b"".join(values)
    return image_summary_np


def tensor_message(value, dtype):
    """A TensorProto: the dtype, the shape, then the bytes (numbers) or strings."""
    value = np.asarray(value)
    dims = b"".join(pb.bytes_field(2, pb.int_field(1, d)) for d in value.shape)
    out = pb.int_field(1, pb.DATA_TYPE[dtype.name]) + pb.bytes_field(2, dims)
    if dtype is dtypes.string:
        return out + b"".join(pb.bytes_field(8, s) for s in value.reshape(-1))
    data = np.ascontiguousarray(value, dtype.np.newbyteorder("<")).tobytes()
    return out + (pb.bytes_field(4, data) if data else b"")


def _tensor_bind(op, ctx):
    tag, plugin, description = op.attrs["tag"], op.attrs["plugin"], op.attrs["description"]
    dtype = op.inputs[0].dtype
    metadata = (pb.bytes_field(1, pb.bytes_field(1, plugin.encode())) if plugin else b"") + \
        (pb.bytes_field(3, description.encode()) if description else b"")

    def tensor_summary_np(value):
        body = pb.bytes_field(8, tensor_message(value, dtype)) + \
            pb.bytes_field(9, metadata)
        return value_message(tag, body)
    return tensor_summary_np


def _tags(summary):
    return [next(v for f, _, v in pb.fields(value) if f == 1).decode()
            for field, _, value in pb.fields(summary) if field == 1]


def _merge_bind(op, ctx):
    def merge_summary_np(*summaries):
        seen, parts = set(), []
        for summary in summaries:
            for item in np.ravel(np.asarray(summary, dtype=object)):
                for tag in _tags(item):
                    if tag in seen:
                        raise errors.InvalidArgumentError(
                            op.node_def, op, f"Duplicate tag {tag} found in summary inputs")
                    seen.add(tag)
                parts.append(item)
        return b"".join(parts)  # concatenated Summary messages are their merge
    return merge_summary_np


defop("ScalarSummary", _string_scalar, _scalar_bind)
defop("HistogramSummary", _string_scalar, _histogram_bind)
defop("MergeSummary", _string_scalar, _merge_bind)
defop("ImageSummary", _string_scalar, _image_bind)
defop("TensorSummary", _string_scalar, _tensor_bind)


def _clean_tag(name):
    """TF1's rule: characters other than letters, digits, '_', '-', '.' and '/' become '_',
    leading slashes go."""
    return re.sub(r"[^-/\w\.]", "_", name).lstrip("/") if name is not None else None


def _summary(op_type, name, values, collections, family, **attrs):
    name, family = _clean_tag(name), _clean_tag(family)
    graph = values.graph if hasattr(values, "graph") else get_default_graph()
    with graph.name_scope(name if family is None else f"{family}/{name}") as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        out = make_op(op_type, [convert_to_tensor(values)], {"tag": tag, **attrs},
                      name=scope, graph=graph)
    for key in (GraphKeys.SUMMARIES,) if collections is None else collections:
        graph.add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """tf.summary.scalar: a Summary with `tensor`'s single real value under tag `name`
    (within the current name scope); added to GraphKeys.SUMMARIES unless `collections`
    says otherwise."""
    tensor = convert_to_tensor(tensor)
    if not (tensor.dtype.is_floating or tensor.dtype.is_integer):
        raise TypeError(f"tf.summary.scalar needs a real number, got {tensor.dtype.name}")
    return _summary("ScalarSummary", name, tensor, collections, family)


def histogram(name, values, collections=None, family=None):
    """tf.summary.histogram: a Summary with a histogram of `values` (any shape, real)."""
    values = convert_to_tensor(values)
    if not (values.dtype.is_floating or values.dtype.is_integer):
        raise TypeError(f"tf.summary.histogram needs real numbers, got {values.dtype.name}")
    return _summary("HistogramSummary", name, values, collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """tf.summary.image: the first max_outputs images of tensor [batch, height, width,
    channels] (1, 3 or 4 channels; uint8 as they are, floats normalized each on its own as
    TF1 does) as PNG, under tags name/image/0, ... (name/image for one)."""
    tensor = convert_to_tensor(tensor)
    if not (tensor.dtype.is_floating or tensor.dtype is dtypes.uint8):
        raise TypeError(f"tf.summary.image needs float or uint8 images, got "
                        f"{tensor.dtype.name}")
    return _summary("ImageSummary", name, tensor, collections, family,
                    max_images=int(max_outputs))


def merge(inputs, collections=None, name=None):
    """tf.summary.merge: one Summary holding the values of every input summary (duplicate
    tags are an error at run time)."""
    inputs = [convert_to_tensor(s) for s in inputs]
    graph = inputs[0].graph if inputs else get_default_graph()
    with graph.name_scope(name or "Merge"):
        out = make_op("MergeSummary", inputs, {}, name="MergeSummary", graph=graph)
    for key in collections or ():
        graph.add_to_collection(key, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """tf.summary.merge_all: merge of the summaries in collection `key`, or None if empty."""
    summaries = get_default_graph().get_collection(key, scope)
    return merge(summaries, name=name) if summaries else None


def text(name, tensor, collections=None):
    """tf.summary.text: a string tensor for TensorBoard's text dashboard."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype is not dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                         f"{tensor.dtype.name}")
    return _summary("TensorSummary", name, tensor, collections, None, plugin="text",
                    description="")


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """tf.summary.tensor_summary: the whole tensor (any numeric, bool or string dtype)."""
    if summary_metadata is not None:
        raise NotImplementedError("tf0's tensor_summary takes no summary_metadata")
    tensor = convert_to_tensor(tensor)
    return _summary("TensorSummary", name, tensor, collections, family, plugin="",
                    description=summary_description or "")
