"""tf.summary.FileWriter: TensorBoard event files.

An event file is a sequence of records (TFRecord framing: the length as a little-endian
uint64, its masked CRC-32C, the data, the data's masked CRC-32C), each an Event protocol
buffer: wall_time (1, double), step (2, int64), file_version (3, string) or summary (5, a
serialized Summary from tf.summary.*). The first event names the file version.
"""
import os
import socket
import struct
import time

from tf0.ops import proto_wire as pb


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


def event(wall_time, step=None, file_version=None, summary=None):
    """A serialized Event."""
    out = pb.double_field(1, wall_time)
    if step is not None:
        out += pb.int_field(2, step)
    if file_version is not None:
        out += pb.bytes_field(3, file_version)
    if summary is not None:
        out += pb.bytes_field(5, summary)
    return out


class FileWriter:
    """TF1's tf.summary.FileWriter(logdir, graph=None, max_queue=10, flush_secs=120,
    graph_def=None, filename_suffix=None, session=None): appends events to
    `logdir/events.out.tfevents.<time>.<host><suffix>`. Events are written as they are
    added (max_queue and flush_secs are accepted for compatibility); the graph is not
    written (TensorBoard's graph tab stays empty)."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self._logdir = str(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}" \
               f"{filename_suffix or ''}"
        self._path = os.path.join(self._logdir, name)
        self._file = open(self._path, "ab")
        self._write(event(time.time(), file_version="brain.Event:2"))

    def get_logdir(self):
        return self._logdir

    def add_summary(self, summary, global_step=None):
        """Write a serialized Summary (the bytes `sess.run` gives for a tf.summary op)."""
        if not isinstance(summary, (bytes, bytearray)):
            raise TypeError(f"add_summary takes the serialized summary that Session.run "
                            f"returns (bytes), got {type(summary).__name__}")
        pb.fields(summary)  # a corrupt message is refused here, not by TensorBoard later
        self._write(event(time.time(), step=None if global_step is None else int(global_step),
                          summary=bytes(summary)))

    def add_graph(self, graph=None, global_step=None, graph_def=None):
        """Accepted for compatibility; tf0 does not write graphs."""

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
