"""TF1's readers (TFRecordReader, TextLineReader, FixedLengthRecordReader, WholeFileReader),
which take file names from a queue and hand out (key, value) string records, and the host
ops that go with them: decode_csv and read_file.

A reader's position lives in the session (session/readers.py keeps it, and reads the
files). ReaderRead takes its records before its run (queue_ops.PRE_RUN), since it may wait
for the next file name on its queue.
"""
import csv
import glob
import os

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.op_def import results
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import GraphKeys, constant_value, get_default_graph
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op, same_as_input
from .queue_ops import QueueBase, taken_before_run
from .variables import Variable


class ReaderSpec:
    """A reader's kind ("tfrecord", "text_line", "fixed_length", "whole_file"), its
    options (a dict), and its name, unique in its graph."""

    def __init__(self, name, kind, options):
        self.name, self.kind, self.options = name, kind, dict(options)

    def __repr__(self):
        return f"ReaderSpec({self.name!r}, {self.kind})"


def _reader_infer(op):
    shape = TensorShape([]) if op.attrs["count"] is None else TensorShape([None])
    return [(shape, dtypes.string), (shape, dtypes.string)]


def _reader_state_bind(read):
    def bind(op, ctx):
        from_resources = ctx.resources.get
        return lambda: read(from_resources(("reader", op.attrs["reader"].name)))
    return bind


defop("ReaderRead", _reader_infer, taken_before_run, grad=NO_GRADIENT, stateful=True,
      fresh_output=False)
defop("ReaderNumRecordsProduced", lambda op: [(TensorShape([]), dtypes.int64)],
      _reader_state_bind(lambda r: np.int64(r.produced if r else 0)), grad=NO_GRADIENT,
      stateful=True)
defop("ReaderNumWorkUnitsCompleted", lambda op: [(TensorShape([]), dtypes.int64)],
      _reader_state_bind(lambda r: np.int64(r.completed if r else 0)), grad=NO_GRADIENT,
      stateful=True)
defop("ReaderReset", lambda op: [], _reader_state_bind(lambda r: r and r.reset()),
      grad=NO_GRADIENT, stateful=True)


class ReaderBase:
    """read(queue) -> (key, value): the next record, from the file it is in or, when that is
    done, from the next file name it takes from `queue` (OutOfRangeError once the queue is
    closed and empty); read_up_to(queue, n) -> (keys, values): up to n records."""

    def __init__(self, kind, options, name):
        self._spec = ReaderSpec(get_default_graph().unique_name(name), kind, options)

    @property
    def name(self):
        return self._spec.name

    @property
    def supports_serialize(self):
        return False

    def _read(self, queue, count, name):
        if not isinstance(queue, QueueBase):
            raise TypeError(f"{type(self).__name__}.read takes a queue of file names, got "
                            f"{type(queue).__name__}")
        if queue.dtypes != [dtypes.string]:
            raise TypeError(f"the queue of a reader holds file names (one string), not "
                            f"{[d.name for d in queue.dtypes]}")
        return make_op("ReaderRead", [], {"reader": self._spec, "queue": queue._spec,
                                          "count": count}, name=name or "ReaderReadV2")

    def read(self, queue, name=None):
        return self._read(queue, None, name)

    def read_up_to(self, queue, num_records, name=None):
        return self._read(queue, int(num_records), name or "ReaderReadUpToV2")

    def _state_op(self, op_type, name):
        return make_op(op_type, [], {"reader": self._spec}, name=name or op_type)

    def num_records_produced(self, name=None):
        return self._state_op("ReaderNumRecordsProduced", name)

    def num_work_units_completed(self, name=None):
        return self._state_op("ReaderNumWorkUnitsCompleted", name)

    def reset(self, name=None):
        """An op that forgets the current file and the counts."""
        return self._state_op("ReaderReset", name)


class TFRecordReader(ReaderBase):
    """Records of TFRecord files (key: "<file>:<byte offset>")."""

    def __init__(self, name=None, options=None):
        super().__init__("tfrecord", {"options": options}, name or "TFRecordReaderV2")


class TextLineReader(ReaderBase):
    """Lines of text files, without their line ends (key: "<file>:<line number>", from 1);
    the first `skip_header_lines` lines of each file are skipped."""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__("text_line", {"skip_header_lines": int(skip_header_lines or 0)},
                         name or "TextLineReaderV2")


class FixedLengthRecordReader(ReaderBase):
    """Records of `record_bytes` bytes after `header_bytes` and before `footer_bytes`, each
    `hop_bytes` after the one before (default: record_bytes); key "<file>:<index>"."""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        if encoding:
            raise errors.UnimplementedError(None, None, "FixedLengthRecordReader: compressed "
                                                        "files are not supported")
        super().__init__("fixed_length", {
            "record_bytes": int(record_bytes), "header_bytes": int(header_bytes or 0),
            "footer_bytes": int(footer_bytes or 0), "hop_bytes": int(hop_bytes or 0)},
            name or "FixedLengthRecordReaderV2")


class WholeFileReader(ReaderBase):
    """Each file whole (key: its name)."""

    def __init__(self, name=None):
        super().__init__("whole_file", {}, name or "WholeFileReaderV2")


# ---- decode_csv and read_file ------------------------------------------------------------
def _fields(record, delim, quoted):
    text = record.decode() if isinstance(record, bytes) else str(record)
    if quoted:
        return next(csv.reader([text], delimiter=delim, quotechar='"', strict=True), [""])
    return text.split(delim)


def _decode_csv_bind(op, ctx):
    defaults, delim = op.attrs["defaults"], op.attrs["delim"]
    quoted, na, select = op.attrs["quoted"], op.attrs["na_value"], op.attrs["select_cols"]

    def decode(records):
        records = np.asarray(records, object)
        columns = [np.empty(records.shape, dt.np) for dt, _ in defaults]
        for index, record in np.ndenumerate(records):
            try:
                fields = _fields(record, delim, quoted)
            except csv.Error as e:
                raise errors.InvalidArgumentError(None, op, f"record {index}: {e}") from None
            if select is not None:
                if len(fields) <= select[-1]:
                    raise errors.InvalidArgumentError(
                        None, op, f"record {index} has {len(fields)} fields; select_cols "
                                  f"asks for column {select[-1]}")
                fields = [fields[c] for c in select]
            if len(fields) != len(defaults):
                raise errors.InvalidArgumentError(
                    None, op, f"Expect {len(defaults)} fields but have {len(fields)} in "
                              f"record {index}")
            for k, (field, (dtype, default)) in enumerate(zip(fields, defaults)):
                if field == "" or field == na:
                    if default is None:
                        raise errors.InvalidArgumentError(
                            None, op, f"Field {k} is required but missing in record {index}!")
                    columns[k][index] = default
                    continue
                try:
                    columns[k][index] = field.encode() if dtype is dtypes.string else \
                        dtype.np.type(float(field) if dtype.is_floating else int(field))
                except ValueError:
                    raise errors.InvalidArgumentError(
                        None, op, f"Field {k} in record {index} is not a valid "
                                  f"{dtype.name}: {field!r}") from None
        return results(columns)
    return decode


defop("DecodeCSV", lambda op: [(op.inputs[0].shape, dt) for dt, _ in op.attrs["defaults"]],
      _decode_csv_bind, grad=NO_GRADIENT)

_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)


def _column_default(k, default):
    """(DType, default value, or None for a required column) of record_defaults[k]."""
    t = convert_to_tensor(default)
    value = constant_value(t)
    if t.dtype not in _CSV_TYPES or value is None or np.size(value) > 1:
        raise ValueError(f"record_defaults[{k}]: give a constant of one element (or of none, "
                         f"for a required column) of dtype float32, float64, int32, int64 or "
                         f"string")
    return t.dtype, (np.reshape(value, [-1])[0] if np.size(value) else None)


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """One tensor per column of the CSV lines in `records` (a string tensor; each output has
    its shape). record_defaults[k] is column k's default as a constant of one element (its
    dtype is the column's: float32/64, int32/64 or string), or of none if it is required."""
    defaults = [_column_default(k, d) for k, d in enumerate(record_defaults)]
    if select_cols is not None:
        select_cols = [int(c) for c in select_cols]
        if select_cols != sorted(set(select_cols)) or select_cols[0] < 0:
            raise ValueError("select_cols must be non-negative and strictly increasing")
    out = make_op("DecodeCSV", [convert_to_tensor(records, dtype=dtypes.string)], {
        "defaults": defaults, "delim": field_delim, "quoted": bool(use_quote_delim),
        "na_value": na_value, "select_cols": select_cols}, name=name or "DecodeCSV")
    return list(out) if isinstance(out, tuple) else [out]


def path_of(filename):
    """A file name as a string tensor holds it (bytes, str, or a 0-d object array of either)
    -> a path."""
    name = filename.item() if isinstance(filename, np.ndarray) else filename
    return os.fsdecode(name)


def _read_file_bind(op, ctx):
    def read(filename):
        path = path_of(filename)
        try:
            with open(path, "rb") as f:
                return np.array(f.read(), object)
        except FileNotFoundError:
            raise errors.NotFoundError(None, op, f"{path}; No such file or directory") from None
    return read


defop("ReadFile", same_as_input, _read_file_bind, grad=NO_GRADIENT, stateful=True)


def read_file(filename, name=None):
    """The bytes of the file named by the string scalar `filename`."""
    return make_op("ReadFile", [convert_to_tensor(filename, dtype=dtypes.string)],
                   name=name or "ReadFile")


def _matching_files_bind(op, ctx):
    def match(patterns):
        found = sorted({name for p in np.atleast_1d(np.asarray(patterns, object)).tolist()
                        for name in glob.glob(path_of(p))})
        out = np.empty(len(found), object)
        out[:] = [os.fsencode(name) for name in found]
        return out
    return match


defop("MatchingFiles", lambda op: [(TensorShape([None]), dtypes.string)], _matching_files_bind,
      grad=NO_GRADIENT, stateful=True)


def matching_files(pattern, name=None):
    """The sorted names of the files matching the glob `pattern` (a string or a vector of
    them), as a string vector; looked at when the op runs."""
    return make_op("MatchingFiles", [convert_to_tensor(pattern, dtype=dtypes.string)],
                   name=name or "MatchingFiles")


def match_filenames_once(pattern, name=None):
    """A local variable holding matching_files(pattern), set when local variables are
    initialized (as TF1's)."""
    return Variable(matching_files(pattern), trainable=False, validate_shape=False,
                    name=name or "matching_filenames",
                    collections=[GraphKeys.LOCAL_VARIABLES])
