"""tf.contrib.crf: a linear-chain conditional random field over per-step tag scores
(inputs [batch, time, tags]) and tag-to-tag transition scores ([tags, tags]), for
sequences of the given lengths: a tagging's score, the log of the sum of the exponentials
of all taggings' scores (the forward algorithm, run by dynamic_rnn so that it has
gradients), their difference (the log-likelihood to maximize) and the best tagging
(Viterbi; NumPy's viterbi_decode, and crf_decode as a host op of no gradient)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from .array_composites import gather_nd
from .array_ops import stack
from .composites import reduce_logsumexp
from .core import OPS, convert_to_tensor, defop, make_op
from .index_ops import one_hot
from .math_ops import cast, where
from .rnn import StepCell, dynamic_rnn, sequence_mask
from .variable_scope import get_variable


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """[batch]: the score of each tagging: its tags' scores at the steps before its length
    plus the transitions between consecutive ones."""
    inputs = convert_to_tensor(inputs)
    tags = cast(convert_to_tensor(tag_indices), dtypes.int32)
    lengths = cast(convert_to_tensor(sequence_lengths), dtypes.int32)
    steps, count = inputs.shape.dims[1], inputs.shape.dims[2]
    mask = cast(sequence_mask(lengths, steps), inputs.dtype)
    unary = OPS.reduce_sum(OPS.reduce_sum(inputs * one_hot(tags, count, dtype=inputs.dtype),
                                          axis=2) * mask, axis=1)
    if steps == 1:
        return unary
    pairs = stack([tags[:, :-1], tags[:, 1:]], axis=2)
    binary = gather_nd(convert_to_tensor(transition_params, dtype=inputs.dtype), pairs)
    return unary + OPS.reduce_sum(binary * mask[:, 1:], axis=1)


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """[batch]: log sum over all taggings of exp(score), by the forward algorithm
    (0 for a sequence of length 0)."""
    inputs = convert_to_tensor(inputs)
    lengths = cast(convert_to_tensor(sequence_lengths), dtypes.int32)
    transitions = convert_to_tensor(transition_params, dtype=inputs.dtype)
    first = inputs[:, 0]

    def forward(scores, alpha):
        step = scores + reduce_logsumexp(OPS.expand_dims(alpha, 2) + transitions, axis=1)
        return step, step
    if inputs.shape.dims[1] == 1:
        alpha = first
    else:
        count = inputs.shape.dims[2]
        _, alpha = dynamic_rnn(StepCell(forward, count, count), inputs[:, 1:],
                               sequence_length=OPS.maximum(lengths - 1, 0),
                               initial_state=first, scope="crf_forward")
    norm = reduce_logsumexp(alpha, axis=1)
    return where(lengths <= 0, OPS.zeros_like(norm), norm)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """(log-likelihood of each tagging [batch], the transition scores): without
    transition_params, a [tags, tags] variable "transitions" is made."""
    inputs = convert_to_tensor(inputs)
    if transition_params is None:
        count = inputs.shape.dims[2]
        transition_params = get_variable("transitions", [count, count], dtype=inputs.dtype)
    score = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    return score - crf_log_norm(inputs, sequence_lengths, transition_params), \
        transition_params


def viterbi_decode(score, transition_params):
    """(the best tagging of one sequence's scores [time, tags] as a list of ints, its
    score), in NumPy."""
    score, transitions = np.asarray(score), np.asarray(transition_params)
    best = np.zeros_like(score)
    back = np.zeros(score.shape, np.int32)
    best[0] = score[0]
    for t in range(1, score.shape[0]):
        options = best[t - 1][:, None] + transitions
        best[t] = score[t] + options.max(axis=0)
        back[t] = options.argmax(axis=0)
    tags = [int(best[-1].argmax())]
    for t in range(score.shape[0] - 1, 0, -1):
        tags.append(int(back[t][tags[-1]]))
    return tags[::-1], float(best[-1].max())


def _crf_decode_bind(op, ctx):
    def decode(potentials, transitions, lengths):
        batch, steps = potentials.shape[:2]
        tags = np.zeros((batch, steps), np.int32)
        scores = np.zeros(batch, potentials.dtype)
        for b in range(batch):
            n = int(lengths[b])
            if n > 0:
                path, scores[b] = viterbi_decode(potentials[b, :n], transitions)
                tags[b, :n] = path
        return tags, scores
    return decode


def _crf_decode_infer(op):
    potentials = op.inputs[0]
    dims = potentials.shape.dims or [None, None, None]
    return [(TensorShape(dims[:2]), dtypes.int32), (TensorShape(dims[:1]), potentials.dtype)]


defop("CrfDecode", _crf_decode_infer, _crf_decode_bind, grad=NO_GRADIENT)


def crf_decode(potentials, transition_params, sequence_length):
    """(the best tags [batch, time] int32, zero past each sequence's length; their scores
    [batch]) by Viterbi, on the host."""
    with name_scope(None, "crf_decode"):
        potentials = convert_to_tensor(potentials)
        return tuple(make_op("CrfDecode", [potentials, convert_to_tensor(
            transition_params, dtype=potentials.dtype), cast(convert_to_tensor(
                sequence_length), dtypes.int32)], name="CrfDecode"))
