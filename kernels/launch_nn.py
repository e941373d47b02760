"""Launchers of kernels/nn.cu: softmax, log_softmax and the cross-entropy losses along the
last axis, one block per row."""
import numpy as np

from . import loader
from .device import empty, i64, suffix


XENT_PACKS = 8  # as in kernels/nn.cu: 16-byte packs of a row each thread holds


def _threads(cols):
    return int(min(256, max(32, (cols + 31) // 32 * 32)))


def _rows(x):
    cols = x.shape[-1] if x.ndim else 1
    return (x.size // cols if cols else 0), cols


def _grid(rows):
    return (int(min(max(rows, 1), 65535 * 8)),)


def softmax(x, log=False):
    out = empty(x.shape, x.dtype)
    rows, cols = _rows(x)
    if out.size:
        loader.get("nn", f"softmax_{suffix(x.dtype)}")(_grid(rows), (_threads(cols),),
                                                       (x, out, i64(rows), i64(cols),
                                                        np.int32(log)))
    return out


def softmax_xent(logits, labels):
    """(loss [rows...], backprop like logits)."""
    rows, cols = _rows(logits)
    loss = empty(logits.shape[:-1], logits.dtype)
    backprop = empty(logits.shape, logits.dtype)
    if rows:
        per_pack = 16 // logits.itemsize
        threads = _threads(cols)
        cached = cols % per_pack == 0 and cols // per_pack <= XENT_PACKS * threads \
            and logits.data.ptr % 16 == 0 and labels.data.ptr % 16 == 0  # (views may not be)
        loader.get("nn", f"softmax_xent{'_cached' if cached else ''}_{suffix(logits.dtype)}")(
            _grid(rows), (threads,), (logits, labels, loss, backprop, i64(rows), i64(cols)))
    return loss, backprop


def sparse_softmax_xent(logits, labels, err, op_id):
    rows, cols = _rows(logits)
    loss = empty(logits.shape[:-1], logits.dtype)
    backprop = empty(logits.shape, logits.dtype)
    if rows:
        loader.get("nn", f"sparse_softmax_xent_{suffix(logits.dtype)}_{suffix(labels.dtype)}")(
            _grid(rows), (_threads(cols),), (logits, labels, loss, backprop, i64(rows),
                                             i64(cols), err, np.int32(op_id)))
    return loss, backprop
