"""The protocol-buffer wire format as far as tf0 needs it (TensorBoard's Summary and Event
messages, tf.train.Example): each writer returns the bytes of one field, a message is the
concatenation of its fields, and fields() splits a message back into them."""
import struct


# TF's DataType enum, for the dtypes a TensorProto or an AttrValue names
DATA_TYPE = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "string": 7, "int64": 9,
             "bool": 10, "variant": 21}


def varint(n):
    """An unsigned integer (a negative int64 as its two's complement) as a base-128 varint."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _key(field, wire_type):
    return varint(field << 3 | wire_type)


def int_field(field, value):
    return _key(field, 0) + varint(int(value))


def double_field(field, value):
    return _key(field, 1) + struct.pack("<d", value)


def float_field(field, value):
    return _key(field, 5) + struct.pack("<f", value)


def bytes_field(field, data):
    """A string, bytes or embedded-message field."""
    data = data.encode() if isinstance(data, str) else bytes(data)
    return _key(field, 2) + varint(len(data)) + data


def packed_doubles_field(field, values):
    return bytes_field(field, struct.pack(f"<{len(values)}d", *values))


def packed_floats_field(field, values):
    return bytes_field(field, struct.pack(f"<{len(values)}f", *values))


def packed_varints_field(field, values):
    return bytes_field(field, b"".join(varint(int(v)) for v in values))


def fields(data):
    """(field number, wire type, value) of each field of a message; value is an int for
    varints, the raw bytes for the others. Raises ValueError on malformed input."""
    pos, out = 0, []
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, pos = data[pos:pos + size], pos + size
        elif wire == 2:
            size, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(data):
            raise ValueError("truncated message")
        out.append((field, wire, value))
    return out


def _read_varint(data, pos):
    shift = result = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def varints(data):
    """Every varint in `data` (the bytes of a packed repeated integer field)."""
    pos, out = 0, []
    while pos < len(data):
        value, pos = _read_varint(data, pos)
        out.append(value)
    return out
