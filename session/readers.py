"""What TF1's readers read (ops/reader_ops.py): each session's position in each reader's
files, and the records of the four kinds of file. Registers ReaderRead's step before its
run (queue_ops.PRE_RUN), where it may wait for a file name on the reader's queue. The
same records feed tf.data's TextLineDataset and FixedLengthRecordDataset."""
import os
import threading

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import Tensor
from tf0.engine.shapes import TensorShape
from tf0.ops.queue_ops import PRE_RUN, runtime as queue_runtime
from tf0.ops.reader_ops import path_of

from .data import Dataset
from .tfrecord import TFRecordOptions, contents as decompressed, tf_record_iterator


def _contents(path, op, compression=None):
    if not os.path.exists(path):
        raise errors.NotFoundError(None, op, f"{path}; No such file or directory")
    return decompressed(path, TFRecordOptions(compression).compression_type)


def _tfrecords(path, options, op):
    offset = 0
    for body in tf_record_iterator(path, options["options"]):
        yield offset, body
        offset += 16 + len(body)  # length, its checksum, the body, its checksum


def _text_lines(path, options, op):
    lines = _contents(path, op, options.get("compression")).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    for number, line in enumerate(lines, 1):
        if number > options["skip_header_lines"]:
            yield number, line[:-1] if line.endswith(b"\r") else line


def _fixed_length(path, options, op):
    data = _contents(path, op, options.get("compression"))
    size, hop = options["record_bytes"], options["hop_bytes"] or options["record_bytes"]
    start, end = options["header_bytes"], len(data) - options["footer_bytes"]
    for index, at in enumerate(range(start, end - size + 1, hop)):
        yield index, data[at:at + size]


def _whole_file(path, options, op):
    yield None, _contents(path, op)


_RECORDS = {"tfrecord": _tfrecords, "text_line": _text_lines,
            "fixed_length": _fixed_length, "whole_file": _whole_file}


class ReaderState:
    """One reader's position in one session: the records left of its current file, and how
    many records and files it has finished."""

    def __init__(self, spec):
        self.spec = spec
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.records, self.name = None, None
        self.produced = self.completed = 0

    def next(self, op, resources):
        """(key, value) of the next record, taking file names from the queue as needed."""
        queue = queue_runtime(resources, op.attrs["queue"])
        while True:
            if self.records is not None:
                found = next(self.records, None)
                if found is not None:
                    self.produced += 1
                    where, value = found
                    key = self.name if where is None else self.name + b":%d" % where
                    return key, value
                self.records = None
                self.completed += 1
            (filename,), = queue.take(op, None, False)
            path = path_of(filename)
            self.name = os.fsencode(path)
            self.records = _RECORDS[self.spec.kind](path, self.spec.options, op)


def _read(op, resources):
    spec, count = op.attrs["reader"], op.attrs["count"]
    state = resources.get(("reader", spec.name))
    if state is None:
        state = resources.setdefault(("reader", spec.name), ReaderState(spec))
    with state.lock:
        if count is None:
            key, value = state.next(op, resources)
            return np.array(key, object), np.array(value, object)
        keys, values = [], []
        while len(keys) < count:
            try:
                key, value = state.next(op, resources)
            except errors.OutOfRangeError:
                if keys:
                    break  # the last, shorter batch
                raise
            keys.append(key)
            values.append(value)
        return np.array(keys, object), np.array(values, object)


PRE_RUN["ReaderRead"] = _read


class _FileRecords(Dataset):
    """The records of `filenames` (a path, a list of them, or a string tensor of them),
    file after file, as scalar strings."""

    def __init__(self, filenames, kind, options):
        self._files, self._kind, self._options = filenames, kind, options
        captures = [filenames] if isinstance(filenames, Tensor) else []
        super().__init__(None, [(TensorShape([]), dtypes.string)], captures)

    def _gen(self, env):
        files = env[self._files] if isinstance(self._files, Tensor) else self._files
        for name in np.atleast_1d(np.asarray(files, dtype=object)).reshape(-1):
            for _, value in _RECORDS[self._kind](path_of(name), self._options, None):
                yield (np.array(value, dtype=object),)


class TextLineDataset(_FileRecords):
    """The lines of text files, without their line ends (compression_type: "", "GZIP" or
    "ZLIB")."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        super().__init__(filenames, "text_line", {"skip_header_lines": 0,
                                                  "compression": compression_type})


class FixedLengthRecordDataset(_FileRecords):
    """Records of record_bytes bytes after header_bytes and before footer_bytes of each
    file."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None):
        super().__init__(filenames, "fixed_length", {
            "record_bytes": int(record_bytes), "header_bytes": int(header_bytes or 0),
            "footer_bytes": int(footer_bytes or 0), "hop_bytes": 0,
            "compression": compression_type})
