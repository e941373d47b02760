"""tf.strings (TF1): byte-string ops on the host, where tf0 keeps strings. Elementwise ones
(join, substr, case, strip, length, regex replace and match, number conversions) map a
Python function over the elements; string_split and strings.split give SparseTensors of
pieces, as TF1's do."""
import re

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape, broadcast_shapes

from .core import convert_to_tensor, defop, make_op
from .sparse_ops import SparseTensor


def _bytes_array(items, shape):
    """An object array of `shape` holding the byte strings `items` (a flat list)."""
    out = np.empty(len(items), object)
    out[:] = items
    return out.reshape(shape)


def _map(fn, values, dtype):
    """fn over each element of `values` (an object array of bytes), as an array of dtype."""
    values = np.asarray(values, object)
    flat = [fn(v) for v in values.reshape(-1)]
    if dtype is dtypes.string:
        return _bytes_array([v.encode() if isinstance(v, str) else v for v in flat],
                            values.shape)
    return np.asarray(flat, dtype.np).reshape(values.shape)


def _elementwise_bind(op, ctx):
    fn, dtype = _ELEMENTWISE[op.type][0](op.attrs), op.outputs[0].dtype

    def run(values):
        try:
            return _map(fn, values, dtype)
        except (ValueError, re.error) as e:
            raise errors.InvalidArgumentError(None, op, str(e)) from None
    return run


def _to_number(attrs):
    kind = attrs["out_type"]

    def convert(s):
        text = s.decode().strip()
        try:
            return float(text) if kind.is_floating else int(text)
        except ValueError:
            raise ValueError(f"StringToNumberOp could not correctly convert string: "
                             f"{s.decode(errors='replace')}") from None
    return convert


def _as_string(attrs):
    precision, scientific, width, fill = (attrs["precision"], attrs["scientific"],
                                          attrs["width"], attrs["fill"])

    def fmt(v):
        if isinstance(v, (bool, np.bool_)):
            text = "true" if v else "false"
        elif isinstance(v, (float, np.floating)):
            text = f"{v:.{precision if precision >= 0 else 6}{'e' if scientific else 'f'}}"
        else:
            text = str(int(v))
        return text.rjust(width, fill or " ") if width > 0 else text
    return fmt


# type: (attrs -> fn(element), output dtype from attrs or fixed)
_ELEMENTWISE = {
    "StringStrip": (lambda a: lambda s: s.strip(), dtypes.string),
    "StringLower": (lambda a: lambda s: s.lower(), dtypes.string),
    "StringUpper": (lambda a: lambda s: s.upper(), dtypes.string),
    "StringLength": (lambda a: (lambda s: len(s)) if a["unit"] == "BYTE"
                     else (lambda s: len(s.decode())), dtypes.int32),
    "RegexReplace": (lambda a: (lambda s: re.sub(a["pattern"], a["rewrite"], s,
                                                 count=0 if a["global"] else 1)),
                     dtypes.string),
    "RegexFullMatch": (lambda a: lambda s: re.fullmatch(a["pattern"], s) is not None,
                       dtypes.bool_),
    "StringToNumber": (_to_number, None),
    "AsString": (_as_string, dtypes.string),
}


def _elementwise_infer(op):
    dtype = _ELEMENTWISE[op.type][1] or op.attrs["out_type"]
    return [(op.inputs[0].shape, dtype)]


for _type in _ELEMENTWISE:
    defop(_type, _elementwise_infer, _elementwise_bind, grad=NO_GRADIENT)


def _strings(x):
    return convert_to_tensor(x, dtype=dtypes.string)


def strip(input, name=None):  # noqa: A002
    return make_op("StringStrip", [_strings(input)], name=name or "StringStrip")


def lower(input, encoding="", name=None):  # noqa: A002
    return make_op("StringLower", [_strings(input)], name=name or "StringLower")


def upper(input, encoding="", name=None):  # noqa: A002
    return make_op("StringUpper", [_strings(input)], name=name or "StringUpper")


def length(input, name=None, unit="BYTE"):  # noqa: A002
    """The length of each string in bytes (unit "BYTE") or characters ("UTF8_CHAR")."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be BYTE or UTF8_CHAR, got {unit}")
    return make_op("StringLength", [_strings(input)], {"unit": unit},
                   name=name or "StringLength")


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Each match of `pattern` (Python's re, close to RE2) replaced by `rewrite`."""
    return make_op("RegexReplace", [_strings(input)], {
        "pattern": pattern.encode() if isinstance(pattern, str) else pattern,
        "rewrite": _rewrite(rewrite), "global": bool(replace_global)},
        name=name or "RegexReplace")


def _rewrite(rewrite):
    """RE2's \\1 group references are Python's too; bytes for bytes patterns."""
    return rewrite.encode() if isinstance(rewrite, str) else rewrite


def regex_full_match(input, pattern, name=None):  # noqa: A002
    return make_op("RegexFullMatch", [_strings(input)], {
        "pattern": pattern.encode() if isinstance(pattern, str) else pattern},
        name=name or "RegexFullMatch")


def string_to_number(string_tensor, out_type=dtypes.float32, name=None):
    """Each string parsed as a number of out_type (float32/64, int32/64);
    InvalidArgumentError for one that is not."""
    return make_op("StringToNumber", [_strings(string_tensor)],
                   {"out_type": dtypes.as_dtype(out_type)}, name=name or "StringToNumber")


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa: A002
              name=None):
    """Each number (or bool) as a string: floats with `precision` decimals (6 by
    default), in scientific notation if asked, right-aligned to `width` with `fill`."""
    return make_op("AsString", [convert_to_tensor(input)], {
        "precision": int(precision), "scientific": bool(scientific), "width": int(width),
        "fill": fill}, name=name or "AsString")


# ---- join, substr, split ---------------------------------------------------------------------
def _join_bind(op, ctx):
    separator = op.attrs["separator"]

    def join(*values):
        parts = np.broadcast_arrays(*[np.asarray(v, object) for v in values])
        flat = [separator.join(items) for items in zip(*(p.reshape(-1) for p in parts))]
        return _bytes_array(flat, parts[0].shape)
    return join


defop("StringJoin", lambda op: [(_broadcast([t.shape for t in op.inputs]), dtypes.string)],
      _join_bind, grad=NO_GRADIENT)


def _broadcast(shapes):
    out = TensorShape([])
    for s in shapes:
        out = broadcast_shapes(out, s)
    return out


def string_join(inputs, separator="", name=None):
    """The strings of `inputs` (broadcast against each other) joined by separator."""
    return make_op("StringJoin", [_strings(t) for t in inputs],
                   {"separator": separator.encode() if isinstance(separator, str)
                    else separator}, name=name or "StringJoin")


def _reduce_join_bind(op, ctx):
    axis, keep, separator = op.attrs["axis"], op.attrs["keep_dims"], op.attrs["separator"]

    def reduce_join(values):
        values = np.asarray(values, object)
        axes = tuple(range(values.ndim)) if axis is None else \
            tuple(a % values.ndim for a in axis)
        moved = np.moveaxis(values, axes, tuple(range(values.ndim - len(axes), values.ndim)))
        kept_shape = moved.shape[:values.ndim - len(axes)]
        rows = moved.reshape(int(np.prod(kept_shape, dtype=int)), -1)
        out = _bytes_array([separator.join(r) for r in rows], kept_shape)
        if keep:
            out = np.expand_dims(out, axes)
        return out
    return reduce_join


def _reduce_join_infer(op):
    x, axis, keep = op.inputs[0], op.attrs["axis"], op.attrs["keep_dims"]
    if x.shape.ndims is None:
        return [(TensorShape(None), dtypes.string)]
    axes = range(x.shape.ndims) if axis is None else {a % x.shape.ndims for a in axis}
    dims = [1 if i in axes else d for i, d in enumerate(x.shape.dims)] if keep else \
        [d for i, d in enumerate(x.shape.dims) if i not in axes]
    return [(TensorShape(dims), dtypes.string)]


defop("ReduceJoin", _reduce_join_infer, _reduce_join_bind, grad=NO_GRADIENT)


def reduce_join(inputs, axis=None, keep_dims=False, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """The strings along `axis` (all of them by default) joined by separator."""
    axis = axis if axis is not None else reduction_indices
    keep = keep_dims if keepdims is None else keepdims
    return make_op("ReduceJoin", [_strings(inputs)], {
        "axis": None if axis is None else tuple(int(a) for a in np.ravel(axis)),
        "keep_dims": bool(keep),
        "separator": separator.encode() if isinstance(separator, str) else separator},
        name=name or "ReduceJoin")


def _substr_bind(op, ctx):
    def substr(values, pos, length):
        values, pos, length = np.broadcast_arrays(np.asarray(values, object), pos, length)
        out = []
        for s, p, n in zip(values.reshape(-1), pos.reshape(-1), length.reshape(-1)):
            start = p if p >= 0 else len(s) + p
            if not 0 <= start <= len(s):
                raise errors.InvalidArgumentError(None, op, f"pos {p} out of range for "
                                                            f"string b'{s.decode()}' at index")
            out.append(s[start:start + n])
        return _bytes_array(out, values.shape)
    return substr


defop("Substr", lambda op: [(op.inputs[0].shape, dtypes.string)], _substr_bind,
      grad=NO_GRADIENT)


def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002
    """The `len` bytes of each string from byte `pos` (negative: from the end)."""
    if unit != "BYTE":
        raise NotImplementedError("tf0's substr counts bytes (unit='BYTE')")
    return make_op("Substr", [_strings(input), convert_to_tensor(pos, dtype=dtypes.int32),
                              convert_to_tensor(len, dtype=dtypes.int32)],
                   name=name or "Substr")


def _split_bind(op, ctx):
    separator, skip_empty, mode = op.attrs["sep"], op.attrs["skip_empty"], op.attrs["mode"]

    def pieces(s):
        if mode == "chars":  # TF1's string_split: every byte of `sep` splits
            if not separator:
                return [bytes([c]) for c in s]
            parts = re.split(b"[" + re.escape(separator) + b"]", s)
        else:  # Python's str.split: sep a whole string, or runs of whitespace
            parts = s.split(separator) if separator else s.split()
        return [p for p in parts if p or not skip_empty]

    def split(values):
        values = np.asarray(values, object).reshape(-1)
        rows = [pieces(s) for s in values]
        indices = [(i, j) for i, row in enumerate(rows) for j in range(len(row))]
        width = max((len(r) for r in rows), default=0)
        flat = [p for row in rows for p in row]
        return (np.asarray(indices, np.int64).reshape(-1, 2), _bytes_array(flat, (len(flat),)),
                np.asarray([len(rows), width], np.int64))
    return split


defop("StringSplit", lambda op: [(TensorShape([None, 2]), dtypes.int64),
                                 (TensorShape([None]), dtypes.string),
                                 (TensorShape([2]), dtypes.int64)], _split_bind,
      grad=NO_GRADIENT)


def _split(source, sep, skip_empty, mode, name):
    source = _strings(source)
    if source.shape.ndims not in (None, 1):
        raise ValueError(f"string_split takes a vector of strings, got shape {source.shape}")
    sep = sep.encode() if isinstance(sep, str) else sep
    return SparseTensor(*make_op("StringSplit", [source], {
        "sep": sep, "skip_empty": bool(skip_empty), "mode": mode}, name=name))


def string_split(source, delimiter=" ", skip_empty=True, name=None):
    """A SparseTensor [len(source), most pieces] of the pieces of each string, split at
    every byte of `delimiter` (each byte when delimiter is empty), empty pieces dropped
    unless skip_empty is False."""
    return _split(source, delimiter, skip_empty, "chars", name or "StringSplit")


def split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None,  # noqa: A002
          name=None):
    """tf.strings.split: each string split at the whole separator `sep` (None: at runs of
    whitespace, dropping empty pieces), as a SparseTensor."""
    if maxsplit != -1 or result_type != "SparseTensor":
        raise NotImplementedError("tf0's strings.split gives a SparseTensor, without "
                                  "maxsplit")
    return _split(input if input is not None else source, sep, sep is None, "sep",
                  name or "StringSplit")
