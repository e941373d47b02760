"""tf.train.Example and its parts as Python messages in protocol-buffer wire format, byte
for byte as TF1 writes them: Example {features = 1}, Features {map<string, Feature>
feature = 1}, Feature {oneof: bytes_list = 1, float_list = 2, int64_list = 3}, and the
lists {repeated value = 1} (floats and int64s packed; unpacked ones are read too)."""
import struct

import numpy as np

from . import proto_wire as pb


class _Message:
    def SerializeToString(self):  # noqa: N802 (protobuf's name)
        return self._encode()

    @classmethod
    def FromString(cls, data):  # noqa: N802
        message = cls()
        message.ParseFromString(data)
        return message

    def ParseFromString(self, data):  # noqa: N802
        try:
            self._decode(pb.fields(bytes(data)))
        except (ValueError, struct.error, UnicodeDecodeError) as e:
            raise ValueError(f"cannot parse {type(self).__name__}: {e}") from None
        return len(data)

    def __eq__(self, other):
        return type(other) is type(self) and other._encode() == self._encode()

    def __repr__(self):
        return f"{type(self).__name__}({self._encode()!r})"


class BytesList(_Message):
    def __init__(self, value=()):
        self.value = [v.encode() if isinstance(v, str) else bytes(v) for v in value]

    def _encode(self):
        return b"".join(pb.bytes_field(1, v) for v in self.value)

    def _decode(self, fields):
        self.value = [bytes(v) for f, w, v in fields if f == 1 and w == 2]


class FloatList(_Message):
    def __init__(self, value=()):
        self.value = [float(np.float32(v)) for v in value]

    def _encode(self):
        if not self.value:
            return b""
        return pb.bytes_field(1, struct.pack(f"<{len(self.value)}f", *self.value))

    def _decode(self, fields):
        self.value = []
        for f, w, v in fields:
            if f == 1 and w == 2:  # packed
                self.value += list(struct.unpack(f"<{len(v) // 4}f", v))
            elif f == 1 and w == 5:
                self.value.append(struct.unpack("<f", v)[0])


class Int64List(_Message):
    def __init__(self, value=()):
        self.value = [int(v) for v in value]

    def _encode(self):
        if not self.value:
            return b""
        return pb.packed_varints_field(1, self.value)

    def _decode(self, fields):
        self.value = []
        for f, w, v in fields:
            if f == 1 and w == 2:  # packed
                self.value += [_signed(n) for n in pb.varints(v)]
            elif f == 1 and w == 0:
                self.value.append(_signed(v))


def _signed(n):
    return n - (1 << 64) if n >= 1 << 63 else n


_KINDS = (("bytes_list", BytesList), ("float_list", FloatList), ("int64_list", Int64List))


class Feature(_Message):
    def __init__(self, bytes_list=None, float_list=None, int64_list=None):
        given = [(k, v) for k, v in zip(("bytes_list", "float_list", "int64_list"),
                                        (bytes_list, float_list, int64_list)) if v is not None]
        if len(given) > 1:
            raise ValueError("a Feature holds one of bytes_list, float_list, int64_list")
        self._kind, self._list = given[0] if given else (None, None)

    def WhichOneof(self, name):  # noqa: N802
        return self._kind

    def __getattr__(self, name):
        for kind, cls in _KINDS:
            if name == kind:  # an unset list reads as empty, as in protobuf
                return self._list if self._kind == kind else cls()
        raise AttributeError(name)

    def _encode(self):
        if self._kind is None:
            return b""
        field = 1 + [k for k, _ in _KINDS].index(self._kind)
        return pb.bytes_field(field, self._list._encode())

    def _decode(self, fields):
        self._kind = self._list = None
        for f, w, v in fields:
            if 1 <= f <= 3 and w == 2:
                self._kind, cls = _KINDS[f - 1]
                self._list = cls()
                self._list._decode(pb.fields(v))


class Features(_Message):
    def __init__(self, feature=None):
        self.feature = dict(feature or {})

    def _encode(self):
        return b"".join(pb.bytes_field(1, pb.bytes_field(1, key) + pb.bytes_field(2, f._encode()))
                        for key, f in sorted(self.feature.items()))

    def _decode(self, fields):
        self.feature = {}
        for f, w, entry in fields:
            if f == 1 and w == 2:
                parts = {k: v for k, _, v in pb.fields(entry)}
                self.feature[bytes(parts.get(1, b"")).decode()] = Feature.FromString(
                    parts.get(2, b""))


class Example(_Message):
    def __init__(self, features=None):
        self.features = features if features is not None else Features()

    def _encode(self):
        return pb.bytes_field(1, self.features._encode())

    def _decode(self, fields):
        self.features = Features()
        for f, w, v in fields:
            if f == 1 and w == 2:
                self.features._decode(pb.fields(v))
