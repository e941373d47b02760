"""tf.summary.FileWriter: TensorBoard event files.

An event file is a sequence of records (TFRecord framing: the length as a little-endian
uint64, its masked CRC-32C, the data, the data's masked CRC-32C), each an Event protocol
buffer: wall_time (1, double), step (2, int64), file_version (3, string), graph_def (4, a
serialized GraphDef, session/graph_proto.py) or summary (5, a serialized Summary from
tf.summary.*). The first event names the file version.
"""
import os
import socket
import struct
import time

from tf0.ops import proto_wire as pb

from .graph_proto import graph_message


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli), as TFRecord files checksum their records."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    """`data` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


def event(wall_time, step=None, file_version=None, summary=None, graph_def=None):
    """A serialized Event."""
    out = pb.double_field(1, wall_time)
    if step is not None:
        out += pb.int_field(2, step)
    if file_version is not None:
        out += pb.bytes_field(3, file_version)
    if graph_def is not None:
        out += pb.bytes_field(4, graph_def)
    if summary is not None:
        out += pb.bytes_field(5, summary)
    return out


class FileWriter:
    """TF1's tf.summary.FileWriter(logdir, graph=None, max_queue=10, flush_secs=120,
    graph_def=None, filename_suffix=None, session=None): appends events to
    `logdir/events.out.tfevents.<time>.<host><suffix>`. Events are written as they are
    added (max_queue and flush_secs are accepted for compatibility); a graph (or
    graph_def) given is written first, for TensorBoard's graph tab."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self._logdir = str(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}" \
               f"{filename_suffix or ''}"
        self._path = os.path.join(self._logdir, name)
        self._file = open(self._path, "ab")
        self._write(event(time.time(), file_version="brain.Event:2"))
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self):
        return self._logdir

    def add_summary(self, summary, global_step=None):
        """Write a Summary: the bytes `sess.run` gives for a tf.summary op, or a
        tf.Summary built by hand."""
        if isinstance(summary, Summary):
            summary = summary.SerializeToString()
        if not isinstance(summary, (bytes, bytearray)):
            raise TypeError(f"add_summary takes the serialized summary that Session.run "
                            f"returns (bytes) or a tf.Summary, got {type(summary).__name__}")
        pb.fields(summary)  # a corrupt message is refused here, not by TensorBoard later
        self._write(event(time.time(), step=None if global_step is None else int(global_step),
                          summary=bytes(summary)))

    def add_graph(self, graph=None, global_step=None, graph_def=None):
        """Write a tf0 Graph (with its output shapes) or GraphDef as TF1's GraphDef
        protocol buffer, which TensorBoard draws."""
        if (graph is None) == (graph_def is None):
            raise ValueError("add_graph takes a graph or a graph_def, one of the two")
        self._write(event(time.time(), step=None if global_step is None else int(global_step),
                          graph_def=graph_message(graph, graph_def)))

    def _write(self, data):
        if self._file is None:
            raise ValueError(f"FileWriter for {self._logdir} is closed")
        self._file.write(record(data))
        self._file.flush()

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def reopen(self):
        if self._file is None:
            self._file = open(self._path, "ab")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- Summary and Event messages -----------------------------------------------------------------
class SummaryValue:
    """One value of a Summary (tf.Summary.Value): tag, simple_value (a scalar's float, else
    None) and the serialized image, histo or tensor it holds instead."""
    _RAW = {4: "image", 5: "histo", 8: "tensor"}

    def __init__(self, tag="", simple_value=None, image=None, histo=None, tensor=None):
        self.tag, self.simple_value = tag, simple_value
        self.image, self.histo, self.tensor = image, histo, tensor

    @classmethod
    def FromString(cls, data):  # noqa: N802 (protobuf's name)
        value = cls()
        for field, _, raw in pb.fields(data):
            if field == 1:
                value.tag = raw.decode()
            elif field == 2:
                value.simple_value = struct.unpack("<f", raw)[0]
            elif field in cls._RAW:
                setattr(value, cls._RAW[field], bytes(raw))
        return value

    def SerializeToString(self):  # noqa: N802
        out = pb.bytes_field(1, self.tag.encode())
        if self.simple_value is not None:
            out += pb.float_field(2, float(self.simple_value))
        for field, name in self._RAW.items():
            if getattr(self, name) is not None:
                out += pb.bytes_field(field, getattr(self, name))
        return out

    def HasField(self, name):  # noqa: N802
        return getattr(self, name, None) is not None


class Summary:
    """tf.Summary: a list of values. Built by hand (Summary(value=[Summary.Value(tag=...,
    simple_value=...)])) for FileWriter.add_summary, or read from bytes."""
    Value = SummaryValue

    def __init__(self, value=None):
        self.value = list(value or [])

    @classmethod
    def FromString(cls, data):  # noqa: N802
        return cls([SummaryValue.FromString(v) for f, _, v in pb.fields(data) if f == 1])

    def SerializeToString(self):  # noqa: N802
        return b"".join(pb.bytes_field(1, v.SerializeToString()) for v in self.value)


class Event:
    """A TensorBoard event as TF1's reader gives it: wall_time, step, file_version,
    graph_def (the serialized GraphDef, or None) and summary (a Summary, or None)."""

    def __init__(self, wall_time=0.0, step=0, file_version="", summary=None, graph_def=None):
        self.wall_time, self.step = wall_time, step
        self.file_version, self.summary, self.graph_def = file_version, summary, graph_def

    @classmethod
    def FromString(cls, data):  # noqa: N802
        out = cls()
        for field, _, value in pb.fields(data):
            if field == 1:
                out.wall_time = struct.unpack("<d", value)[0]
            elif field == 2:
                out.step = value
            elif field == 3:
                out.file_version = value.decode()
            elif field == 4:
                out.graph_def = bytes(value)
            elif field == 5:
                out.summary = Summary.FromString(value)
        return out

    def HasField(self, name):  # noqa: N802
        return getattr(self, name, None) not in (None, "")


def summary_iterator(path):
    """The events of an event file, in order (tf.train.summary_iterator)."""
    from .tfrecord import tf_record_iterator
    for record in tf_record_iterator(path):
        yield Event.FromString(record)
