"""Reading and writing the safetensors format (no pickle, no code in the file).

Layout: an 8-byte little-endian header length N, N bytes of JSON
{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}},
then the raw little-endian tensor bytes. tf0 adds to the metadata a CRC32 of every tensor's
bytes ("crc32:<name>"), so corruption anywhere in the file is detected on read.
Files are written atomically: a temporary file in the same folder, fsync, rename.
"""
import json
import os
import struct
import tempfile
import zlib

import numpy as np

from tf0.engine import errors

_CODES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32",
          np.dtype(np.int64): "I64", np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "U8"}
_DTYPES = {code: dt for dt, code in _CODES.items()}


def write(path, tensors, metadata=None):
    """Write {name: array} (and string metadata) to `path` atomically."""
    header, offset, blobs = {}, 0, []
    meta = {str(k): str(v) for k, v in (metadata or {}).items()}
    for name, value in tensors.items():
        arr = np.asarray(value, order="C")  # (ascontiguousarray would make 0-d values 1-d)
        if arr.dtype not in _CODES:
            raise TypeError(f"Cannot save {name}: unsupported dtype {arr.dtype}")
        blob = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _CODES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        meta[f"crc32:{name}"] = str(zlib.crc32(blob))
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = meta
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".safetensors")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(head)))
            f.write(head)
            for blob in blobs:
                f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _corrupt(path, why):
    return errors.DataLossError(None, None, f"Checkpoint file {path} is corrupt or truncated: {why}")


def read(path):
    """({name: array}, metadata) from `path`; NotFoundError if missing, DataLossError if the
    file is truncated, malformed or fails its checksums."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"Checkpoint file not found: {path}") from None
    if len(data) < 8:
        raise _corrupt(path, "shorter than its header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise _corrupt(path, "header runs past the end of the file")
    try:
        header = json.loads(data[8:8 + n].decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _corrupt(path, f"bad header ({e})") from None
    if not isinstance(header, dict):
        raise _corrupt(path, "header is not an object")
    meta = header.pop("__metadata__", {}) or {}
    if not isinstance(meta, dict):
        raise _corrupt(path, "bad metadata")
    checked = {k[len("crc32:"):] for k in meta if k.startswith("crc32:")}
    if checked and checked != set(header):
        raise _corrupt(path, "the tensor names do not match their checksums")
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, info in header.items():
        try:
            dtype = _DTYPES[info["dtype"]]
            shape = tuple(int(d) for d in info["shape"])
            begin, end = (int(v) for v in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise _corrupt(path, f"bad entry for {name}") from None
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if not 0 <= begin <= end <= len(body) or end - begin != size:
            raise _corrupt(path, f"data of {name} is out of bounds")
        blob = body[begin:end]
        crc = meta.get(f"crc32:{name}")
        if crc is not None and str(zlib.crc32(blob)) != crc:
            raise _corrupt(path, f"checksum of {name} does not match")
        tensors[name] = np.frombuffer(blob, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)
    return tensors, {k: v for k, v in meta.items() if not k.startswith("crc32:")}
