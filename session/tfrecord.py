"""TFRecord files: tf.python_io.TFRecordWriter, tf.python_io.tf_record_iterator and
tf.data.TFRecordDataset. A record is its length (little-endian uint64) and that length's
masked CRC-32C, the data, and the data's masked CRC-32C (session/events.py writes the
same framing); files may be GZIP or ZLIB compressed whole. A record whose checksums do not
match raises DataLossError naming the file and the offset."""
import gzip
import os
import struct
import zlib

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import Tensor
from tf0.engine.shapes import TensorShape

from .data import Dataset
from .events import masked_crc32c, record


class TFRecordCompressionType:
    NONE, ZLIB, GZIP = 0, 1, 2


_NAMES = {None: 0, "": 0, "NONE": 0, "ZLIB": 1, "GZIP": 2}


class TFRecordOptions:
    def __init__(self, compression_type=None):
        if isinstance(compression_type, str) or compression_type is None:
            if compression_type not in _NAMES:
                raise ValueError(f"compression_type must be '', 'ZLIB' or 'GZIP', got "
                                 f"{compression_type!r}")
            compression_type = _NAMES[compression_type]
        self.compression_type = int(compression_type)


def _kind(options):
    if options is None:
        return TFRecordCompressionType.NONE
    return options.compression_type if isinstance(options, TFRecordOptions) \
        else TFRecordOptions(options).compression_type


class TFRecordWriter:
    """Appends records to a new file at `path` (`options`: TFRecordOptions or a
    compression name)."""

    def __init__(self, path, options=None):
        self._kind = _kind(options)
        self._path = str(path)
        self._raw = open(self._path, "wb")
        self._file = gzip.GzipFile(fileobj=self._raw, mode="wb") \
            if self._kind == TFRecordCompressionType.GZIP else self._raw
        self._zlib = zlib.compressobj() if self._kind == TFRecordCompressionType.ZLIB else None

    def write(self, data):
        if self._file is None:
            raise ValueError(f"TFRecordWriter for {self._path} is closed")
        framed = record(data.encode() if isinstance(data, str) else bytes(data))
        self._file.write(self._zlib.compress(framed) if self._zlib else framed)

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is None:
            return
        if self._zlib is not None:
            self._file.write(self._zlib.flush())
        self._file.close()
        if self._file is not self._raw:
            self._raw.close()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def contents(path, kind):
    """The bytes of the file at `path`, decompressed (kind: a TFRecordCompressionType)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        if kind == TFRecordCompressionType.GZIP:
            return gzip.decompress(data)
        if kind == TFRecordCompressionType.ZLIB:
            return zlib.decompress(data)
    except (OSError, zlib.error, EOFError) as e:
        raise errors.DataLossError(None, None, f"{path}: cannot decompress: {e}") from None
    return data


def tf_record_iterator(path, options=None):
    """The records of one file, as bytes, in order."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise errors.NotFoundError(None, None, f"{path}: No such file or directory")
    data, pos = contents(path, _kind(options)), 0
    while pos < len(data):
        if pos + 12 > len(data):
            raise errors.DataLossError(None, None, f"{path}: truncated record at {pos}")
        header = data[pos:pos + 8]
        (length,), (crc,) = struct.unpack("<Q", header), struct.unpack("<I", data[pos + 8:pos + 12])
        if crc != masked_crc32c(header):
            raise errors.DataLossError(None, None, f"{path}: corrupted record at {pos} "
                                                   f"(length checksum)")
        end = pos + 12 + length
        if end + 4 > len(data):
            raise errors.DataLossError(None, None, f"{path}: truncated record at {pos}")
        body = data[pos + 12:end]
        if struct.unpack("<I", data[end:end + 4])[0] != masked_crc32c(body):
            raise errors.DataLossError(None, None, f"{path}: corrupted record at {pos} "
                                                   f"(data checksum)")
        yield body
        pos = end + 4


class TFRecordDataset(Dataset):
    """The records of `filenames` (a path, a list of them, or a string tensor of them),
    file after file, as scalar strings."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        self._kind = TFRecordOptions(compression_type).compression_type
        self._files = filenames
        captures = [filenames] if isinstance(filenames, Tensor) else []
        super().__init__(None, [(TensorShape([]), dtypes.string)], captures)

    def _gen(self, env):
        files = env[self._files] if isinstance(self._files, Tensor) else self._files
        for path in np.atleast_1d(np.asarray(files, dtype=object)).reshape(-1):
            path = path.decode() if isinstance(path, bytes) else os.fspath(path)
            for body in tf_record_iterator(path, self._kind):
                yield (np.array(body, dtype=object),)
