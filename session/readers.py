"""What TF1's readers read (ops/reader_ops.py): each session's position in each reader's
files, and the records of the four kinds of file. Registers ReaderRead's step before its
run (queue_ops.PRE_RUN), where it may wait for a file name on the reader's queue."""
import os
import threading

import numpy as np

from tf0.engine import errors
from tf0.ops.queue_ops import PRE_RUN, runtime as queue_runtime
from tf0.ops.reader_ops import path_of

from .tfrecord import tf_record_iterator


def _contents(path, op):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, op, f"{path}; No such file or directory") from None


def _tfrecords(path, options, op):
    offset = 0
    for body in tf_record_iterator(path, options["options"]):
        yield offset, body
        offset += 16 + len(body)  # length, its checksum, the body, its checksum


def _text_lines(path, options, op):
    lines = _contents(path, op).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    for number, line in enumerate(lines, 1):
        if number > options["skip_header_lines"]:
            yield number, line[:-1] if line.endswith(b"\r") else line


def _fixed_length(path, options, op):
    data = _contents(path, op)
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
