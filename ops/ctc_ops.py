"""Connectionist temporal classification (TF1's tf.nn.ctc_loss, ctc_greedy_decoder and
ctc_beam_search_decoder) over time-major logits [max_time, batch, num_classes], the last
class the blank. On the host, in float64 log space: the loss is -log p(labels | logits)
summed over every alignment by the forward-backward recursion, and its gradient with
respect to the logits is softmax(logits) - (the alignments' occupancy of each class),
zero past each sequence's length (TF1's CTCLoss gives both in one op; the gradient op is
a product with it, not differentiable again)."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from .core import OPS, convert_to_tensor, defop, make_op
from .sparse_ops import SparseTensor

_NEG = -np.inf


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _logadd(*terms):
    stacked = np.stack(terms)
    top = stacked.max(axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(np.isfinite(top), safe + np.log(np.exp(stacked - safe).sum(axis=0)),
                        _NEG)


def _shift(values, by, fill=_NEG):
    """values moved `by` places along the last axis (right if positive, left if negative),
    `fill` coming in."""
    out = np.full_like(values, fill)
    if by > 0:
        out[..., by:] = values[..., :-by]
    else:
        out[..., :by] = values[..., -by:]
    return out


def _extended(labels, blank):
    """The label sequence with a blank before, between and after its labels, and where
    each state may be entered from two states back (a label unlike the one before it)."""
    states = np.full(2 * len(labels) + 1, blank, np.int64)
    states[1::2] = labels
    skip = np.zeros(len(states), bool)
    skip[3::2] = np.asarray(labels[1:]) != np.asarray(labels[:-1])
    return states, skip


def ctc_sequence(log_probs, labels, blank, merge_repeated=True):
    """(-log p, d(-log p)/d logits) of one sequence: log_probs [T, C] (log-softmax),
    labels a list of class ids. With merge_repeated=False (TF1's ctc_merge_repeated) every
    frame on a label is a label of its own: no label state lasts two frames, and a repeated
    label needs no blank between."""
    steps = log_probs.shape[0]
    states, skip = _extended(labels, blank)
    stay = np.ones(len(states), bool)
    if not merge_repeated:
        skip[3::2] = True
        stay[1::2] = False
    emit = log_probs[:, states]  # [T, S]
    alpha = np.full((steps, len(states)), _NEG)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, steps):
        prev = alpha[t - 1]
        alpha[t] = _logadd(np.where(stay, prev, _NEG), _shift(prev, 1),
                           np.where(skip, _shift(prev, 2), _NEG)) + emit[t]
    beta = np.full((steps, len(states)), _NEG)
    beta[-1, -2:] = emit[-1, -2:]
    ahead = _shift(skip, -2, False)  # state s + 2 may be entered from s
    for t in range(steps - 2, -1, -1):
        nxt = beta[t + 1]
        beta[t] = _logadd(np.where(stay, nxt, _NEG), _shift(nxt, -1),
                          np.where(ahead, _shift(nxt, -2), _NEG)) + emit[t]
    log_p = _logadd(alpha[-1, -1], alpha[-1, -2]) if len(states) > 1 else alpha[-1, -1]
    occupancy = np.full(log_probs.shape, _NEG)
    through = alpha + beta - emit  # [T, S]
    for s, cls in enumerate(states):
        occupancy[:, cls] = _logadd(occupancy[:, cls], through[:, s])
    grad = np.exp(log_probs) - np.exp(occupancy - log_p)
    return -log_p, grad


def _collapse(labels):
    return [v for i, v in enumerate(labels) if i == 0 or v != labels[i - 1]]


def _labels_per_row(indices, values, batch):
    rows = [[] for _ in range(batch)]
    for (row, _), value in zip(np.asarray(indices).tolist(), np.asarray(values).tolist()):
        rows[row].append(int(value))
    return rows


def _ctc_loss_bind(op, ctx):
    attrs = op.attrs

    def run(logits, indices, values, lengths):
        logits = np.asarray(logits, np.float64)
        steps, batch, classes = logits.shape
        blank = classes - 1
        loss, grad = np.zeros(batch), np.zeros_like(logits)
        for b, labels in enumerate(_labels_per_row(indices, values, batch)):
            length = int(lengths[b])
            if length > steps:
                raise errors.InvalidArgumentError(
                    None, op, f"sequence_length({b}) = {length} > max_time = {steps}")
            if attrs["preprocess_collapse_repeated"]:
                labels = _collapse(labels)
            if not labels:
                raise errors.InvalidArgumentError(None, op, f"Labels length is zero in batch "
                                                            f"{b}")
            if any(v < 0 or v >= blank for v in labels):
                raise errors.InvalidArgumentError(
                    None, op, f"Labels must be in [0, {blank}) (the last class, {blank}, is "
                              f"the blank), got {labels} for batch {b}")
            repeats = sum(a == b_ for a, b_ in zip(labels, labels[1:]))
            needed = len(labels) + (repeats if attrs["ctc_merge_repeated"] else 0)
            if needed > length:
                if attrs["ignore_longer_outputs_than_inputs"]:
                    continue
                raise errors.InvalidArgumentError(
                    None, op, f"Not enough time for target transition sequence (required: "
                              f"{needed}, available: {length}) for batch {b}")
            if length == 0:
                continue
            loss[b], grad[:length, b] = ctc_sequence(
                _log_softmax(logits[:length, b]), labels, blank, attrs["ctc_merge_repeated"])
        dtype = op.outputs[0].dtype.np
        return loss.astype(dtype), grad.astype(dtype)
    return run


def _ctc_loss_infer(op):
    logits = op.inputs[0]
    batch = logits.shape.dims[1] if logits.shape.ndims == 3 else None
    return [(TensorShape([batch]), logits.dtype), (logits.shape, logits.dtype)]


def _ctc_loss_grad(op, dloss, dgrad):
    # TF1's: the loss's gradient scales each sequence's logits gradient; no second order.
    return [None if dloss is None else OPS.reshape(dloss, [1, -1, 1]) * op.outputs[1],
            None, None, None]


# CTCLoss(logits [T, B, C], label indices [n, 2], label values [n], sequence_length [B])
# -> (loss [B], gradient [T, B, C]).
defop("CTCLoss", _ctc_loss_infer, _ctc_loss_bind, grad=_ctc_loss_grad)


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False,
             time_major=True, logits=None):
    """TF1's tf.nn.ctc_loss: [batch] -log p(labels | inputs); labels an int SparseTensor
    [batch, max_label], inputs logits [max_time, batch, num_classes] ([batch, max_time,
    num_classes] unless time_major), sequence_length [batch]."""
    inputs = inputs if inputs is not None else logits
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected labels (first argument) to be a SparseTensor")
    with name_scope(None, "CTCLoss"):
        x = convert_to_tensor(inputs)
        if not x.dtype.is_floating:
            raise TypeError(f"inputs must be float32 or float64, got {x.dtype.name}")
        if not time_major:
            x = OPS.transpose(x, [1, 0, 2])
        loss, _ = make_op("CTCLoss", [x, labels.indices, OPS.cast(labels.values, dtypes.int32),
                                      OPS.cast(convert_to_tensor(sequence_length),
                                               dtypes.int32)], {
            "preprocess_collapse_repeated": bool(preprocess_collapse_repeated),
            "ctc_merge_repeated": bool(ctc_merge_repeated),
            "ignore_longer_outputs_than_inputs": bool(ignore_longer_outputs_than_inputs)})
        return loss


# ---- decoders ---------------------------------------------------------------------------------
def _as_sparse(paths, batch):
    """[batch] lists of class ids -> (indices [n, 2], values [n], dense_shape [2]) int64."""
    indices = [(b, j) for b, path in enumerate(paths) for j in range(len(path))]
    values = [v for path in paths for v in path]
    width = max((len(p) for p in paths), default=0)
    return (np.asarray(indices, np.int64).reshape(-1, 2), np.asarray(values, np.int64),
            np.asarray([batch, width], np.int64))


def _greedy_bind(op, ctx):
    merge = op.attrs["merge_repeated"]

    def run(logits, lengths):
        steps, batch, classes = np.shape(logits)
        blank, paths, scores = classes - 1, [], np.zeros((batch, 1), np.asarray(logits).dtype)
        for b in range(batch):
            frames = np.asarray(logits)[:int(lengths[b]), b]
            best = frames.argmax(axis=1) if len(frames) else np.zeros(0, np.int64)
            scores[b, 0] = -frames.max(axis=1).sum() if len(frames) else 0.0
            path = [int(c) for i, c in enumerate(best) if c != blank and
                    not (merge and i > 0 and best[i - 1] == c)]
            paths.append(path)
        return (*_as_sparse(paths, batch), scores)
    return run


def _beam_bind(op, ctx):
    width, top, merge = op.attrs["beam_width"], op.attrs["top_paths"], op.attrs["merge_repeated"]

    def run(logits, lengths):
        logits = np.asarray(logits, np.float64)
        steps, batch, classes = logits.shape
        results = [prefix_beam_search(_log_softmax(logits[:int(lengths[b]), b]), width, top)
                   for b in range(batch)]
        out = []
        for k in range(top):
            paths = [r[k][0] if k < len(r) else [] for r in results]
            out += _as_sparse([_collapse(p) if merge else p for p in paths], batch)
        scores = np.array([[r[k][1] if k < len(r) else _NEG for k in range(top)]
                           for r in results], op.outputs[-1].dtype.np)
        return (*out, scores)
    return run


def prefix_beam_search(log_probs, beam_width, top_paths):
    """The top_paths most probable label sequences of log_probs [T, C] (log-softmax, blank
    last) with their log probabilities, each summed over its alignments within the beam:
    [(labels, log p)], best first."""
    blank = log_probs.shape[1] - 1
    # prefix -> (log p ending in blank, log p ending in its last label)
    beams = {(): (0.0, _NEG)}
    for frame in log_probs:
        grown = {}

        def add(prefix, p_blank, p_label):
            old = grown.get(prefix, (_NEG, _NEG))
            grown[prefix] = (np.logaddexp(old[0], p_blank), np.logaddexp(old[1], p_label))
        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            add(prefix, total + frame[blank], _NEG)
            for cls in range(blank):
                if prefix and prefix[-1] == cls:
                    add(prefix, _NEG, p_label + frame[cls])  # the label goes on
                    add(prefix + (cls,), _NEG, p_blank + frame[cls])  # a new one after blank
                else:
                    add(prefix + (cls,), _NEG, total + frame[cls])
        ranked = sorted(grown.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))
    return [(list(prefix), float(np.logaddexp(*p))) for prefix, p in ranked[:top_paths]]


def _decoder_infer(op):
    logits = op.inputs[0]
    batch = logits.shape.dims[1] if logits.shape.ndims == 3 else None
    paths = op.attrs.get("top_paths", 1)
    sparse = [(TensorShape([None, 2]), dtypes.int64), (TensorShape([None]), dtypes.int64),
              (TensorShape([2]), dtypes.int64)]
    return sparse * paths + [(TensorShape([batch, paths]), logits.dtype)]


# CTCGreedyDecoder(logits, sequence_length) -> (indices, values, dense_shape, -sum of the
# best logits [B, 1]); CTCBeamSearchDecoder -> top_paths (indices, values, dense_shape)
# triples and their log probabilities [B, top_paths].
defop("CTCGreedyDecoder", _decoder_infer, _greedy_bind, grad=NO_GRADIENT)
defop("CTCBeamSearchDecoder", _decoder_infer, _beam_bind, grad=NO_GRADIENT)


def _decode(op_type, inputs, sequence_length, attrs, paths):
    x = convert_to_tensor(inputs)
    outs = make_op(op_type, [x, OPS.cast(convert_to_tensor(sequence_length), dtypes.int32)],
                   attrs)
    decoded = [SparseTensor(*outs[3 * k:3 * k + 3]) for k in range(paths)]
    return decoded, outs[-1]


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True):
    """TF1's: ([SparseTensor of each sequence's best path], [batch, 1] -sum of its logits);
    the best class per frame, repeats merged, blanks left out."""
    return _decode("CTCGreedyDecoder", inputs, sequence_length,
                   {"merge_repeated": bool(merge_repeated)}, 1)


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1,
                            merge_repeated=True):
    """TF1's: ([top_paths SparseTensors of label sequences], [batch, top_paths] log
    probabilities), by prefix beam search over the softmax of the logits. merge_repeated
    (TF1's rule) then merges equal neighbours of each sequence, even where a blank parted
    them; the probabilities stay those of the sequences found."""
    if top_paths > beam_width:
        raise ValueError("beam_width must be >= top_paths")
    return _decode("CTCBeamSearchDecoder", inputs, sequence_length,
                   {"beam_width": int(beam_width), "top_paths": int(top_paths),
                    "merge_repeated": bool(merge_repeated)}, int(top_paths))
