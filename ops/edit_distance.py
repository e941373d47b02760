"""tf.edit_distance: the Levenshtein distance between the sequences of two SparseTensors
(a sequence is the values sharing an index but its last coordinate, in that coordinate's
order), a host op. The result is dense, over the larger of the two shapes less the last
dimension; normalized, each distance is divided by its truth's length (a nonempty
hypothesis against an empty truth is inf, two empty sequences 0)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import convert_to_tensor, defop, make_op
from .sparse_ops import SparseTensor


def levenshtein(a, b):
    """Insertions, deletions and substitutions turning sequence a into b."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _sequences(indices, values):
    """{leading coordinates: [values in the order of the last coordinate]}."""
    order = np.lexsort(indices.T[::-1]) if len(indices) else []
    out = {}
    for k in order:
        out.setdefault(tuple(int(i) for i in indices[k, :-1]), []).append(values[k])
    return out


def _edit_distance_bind(op, ctx):
    normalize = op.attrs["normalize"]

    def run(h_indices, h_values, h_shape, t_indices, t_values, t_shape):
        shape = np.maximum(np.asarray(h_shape)[:-1], np.asarray(t_shape)[:-1])
        hyps = _sequences(np.asarray(h_indices), np.asarray(h_values))
        truths = _sequences(np.asarray(t_indices), np.asarray(t_values))
        out = np.zeros(tuple(int(d) for d in shape), np.float32)
        for where in set(hyps) | set(truths):
            hyp, truth = hyps.get(where, []), truths.get(where, [])
            distance = float(levenshtein(hyp, truth))
            if normalize:
                distance = distance / len(truth) if truth else np.inf if hyp else 0.0
            out[where] = distance
        return out
    return run


def _edit_distance_infer(op):
    shape = op.inputs[2].shape  # the hypothesis's dense shape: [rank]
    rank = shape.dims[0] if shape.ndims == 1 else None
    return [(TensorShape(None if rank is None else [None] * (rank - 1)), dtypes.float32)]


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """[d0, ..., d(r-2)] float32 distances between the sequences of two rank-r
    SparseTensors of the same dtype."""
    if not isinstance(hypothesis, SparseTensor) or not isinstance(truth, SparseTensor):
        raise TypeError("edit_distance takes SparseTensors for hypothesis and truth")
    if hypothesis.values.dtype is not truth.values.dtype:
        raise TypeError(f"Input 'truth_values' of 'EditDistance' Op has type "
                        f"{truth.values.dtype.name} that does not match type "
                        f"{hypothesis.values.dtype.name} of argument 'hypothesis_values'.")
    h_rank, t_rank = (convert_to_tensor(s.dense_shape).shape.dims[0]
                      for s in (hypothesis, truth))
    if h_rank is not None and t_rank is not None and h_rank != t_rank:
        raise ValueError(f"Num elements of hypothesis_shape does not match truth_shape: "
                         f"{h_rank} vs. {t_rank}")
    parts = [convert_to_tensor(p) for s in (hypothesis, truth)
             for p in (s.indices, s.values, s.dense_shape)]
    return make_op("EditDistance", parts, {"normalize": bool(normalize)}, name=name)


defop("EditDistance", _edit_distance_infer, _edit_distance_bind, grad=NO_GRADIENT)
