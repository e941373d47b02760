"""Element types of tensors and TF1's rules for turning Python values into them."""
import numpy as np


class DType:
    """One element type. `as_numpy_dtype` is the NumPy scalar type that stores it."""

    __slots__ = ("name", "as_numpy_dtype", "np", "short", "is_floating", "is_integer", "is_bool")

    def __init__(self, name, numpy_type, short):
        self.name = name
        self.as_numpy_dtype = numpy_type
        self.np = np.dtype(numpy_type)
        self.short = short  # kernel suffix: relu_f32
        self.is_floating = self.np.kind == "f"
        self.is_integer = self.np.kind in "iu"
        self.is_bool = self.np.kind == "b"

    @property
    def base_dtype(self):
        return self

    @property
    def is_differentiable(self):
        return self.is_floating or self.name == "variant"

    @property
    def is_host_object(self):
        """True for the dtypes whose values are Python objects living on the host (string,
        variant, loop_history)."""
        return self.np.kind == "O"

    @property
    def min(self):
        return np.finfo(self.np).min if self.is_floating else (False if self.is_bool else np.iinfo(self.np).min)

    @property
    def max(self):
        return np.finfo(self.np).max if self.is_floating else (True if self.is_bool else np.iinfo(self.np).max)

    def __repr__(self):
        return "tf." + self.name

    def __reduce__(self):
        return (as_dtype, (self.name,))


float32 = DType("float32", np.float32, "f32")
float64 = DType("float64", np.float64, "f64")
int32 = DType("int32", np.int32, "i32")
int64 = DType("int64", np.int64, "i64")
bool_ = DType("bool", np.bool_, "b8")
# A storage type (images, raw bytes): fed, fetched, held as a constant, moved, selected and
# compared by the ops of UINT8_OPS; arithmetic takes a cast first (Graph.create_op refuses
# anything else).
uint8 = DType("uint8", np.uint8, "u8")
UINT8_OPS = frozenset({
    "Placeholder", "PlaceholderWithDefault", "Const", "Identity", "IdentityN", "StopGradient",
    "Cast", "Reshape", "ExpandDims", "Squeeze", "Shape", "Size", "Rank", "Transpose", "Slice",
    "StridedSlice", "ConcatV2", "Pack", "Unpack", "SplitV", "Tile", "BroadcastTo", "Pad",
    "MirrorPad", "GatherV2", "Fill", "ZerosLike", "OnesLike", "Select", "Equal", "NotEqual",
    "Less", "LessEqual", "Greater", "GreaterEqual", "IteratorGetNext", "CondMerge", "NoOp",
    "Print", "PyFunc", "ImageSummary", "DecodeRaw", "EncodePng", "DecodePng", "QueueEnqueue",
    "QueueDequeue", "LimitEpochs", "Fingerprint"})
# Host objects held as tensors, never fed or fetched; not in ALL. variant: a TensorArray's
# list of tensors (differentiable: its gradient is a list of gradients); loop_history: the
# iterations a tf.while_loop records for its gradient.
variant = DType("variant", object, "var")
loop_history = DType("loop_history", object, "hist")
# Byte strings: serialized summaries (a scalar string tensor's value is a bytes object).
string = DType("string", object, "str")
float16 = None  # not supported; kept out of ALL so `as_dtype` rejects it clearly

ALL = (float32, float64, int32, int64, bool_, uint8)
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({"float": float32, "double": float64, "int": int32, "long": int64,
                 "variant": variant, "loop_history": loop_history,  # for exported graphs
                 "string": string})
_BY_NP = {d.np: d for d in ALL}


def as_dtype(value):
    """Return the DType for a DType, a name ("float32"), a NumPy dtype or type."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        if value in _BY_NAME:
            return _BY_NAME[value]
        raise TypeError(f"Cannot convert {value!r} to a tf0 dtype; supported: "
                        + ", ".join(d.name for d in ALL))
    if value is bool:
        return bool_
    if value is float:
        return float32
    if value is int:
        return int32
    try:
        key = np.dtype(value)
    except TypeError:
        raise TypeError(f"Cannot convert {value!r} to a tf0 dtype") from None
    if key in _BY_NP:
        return _BY_NP[key]
    raise TypeError(f"Unsupported dtype {key}; supported: " + ", ".join(d.name for d in ALL))


def infer_dtype(value):
    """TF1's dtype for a Python or NumPy value: float -> float32, int -> int32."""
    if isinstance(value, (bytes, str)):
        return string
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        if value.dtype.kind in "SU":
            return string
        if value.dtype.kind == "O" and value.size and all(
                isinstance(v, (bytes, str)) for v in np.asarray(value).reshape(-1)):
            return string
        return as_dtype(value.dtype)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind in "SU":
        return string
    if kind == "b":
        return bool_
    if kind in "iu":
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return int64
        return int32
    if kind == "f":
        return float32
    if kind == "O" and arr.size == 0:
        return float32
    raise TypeError(f"Cannot infer a tf0 dtype for {value!r}")
