"""Candidate sampling and the sampled losses of word2vec-style training: tf.nn.nce_loss and
tf.nn.sampled_softmax_loss, over tf.nn.log_uniform_candidate_sampler or
tf.nn.uniform_candidate_sampler (TF1's rules: a log-uniform (Zipfian) or uniform choice
among range_max classes, each candidate at most once when `unique`, and the expected count
of every class in the draw, the losses' correction for sampling).

The sampler is one host op (its draws are sequential: a draw is kept only if new); a plan
holding it launches op by op on the GPU. Its numbers come from Philox like every random op
of tf0: the same seed gives the same candidates on both backends.
"""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from . import philox
from .core import OPS, convert_to_tensor, defop, make_op
from .random_ops import get_seed


def _sampler_infer(op):
    a = op.attrs
    return [(TensorShape([a["num_sampled"]]), dtypes.int64),
            (op.inputs[0].shape, dtypes.float32),
            (TensorShape([a["num_sampled"]]), dtypes.float32)]


def _class_probability(classes, distribution, range_max):
    """Probability of each class (int array) in one draw, in float64."""
    if distribution == "uniform":
        return np.full(np.shape(classes), 1.0 / range_max)
    classes = np.asarray(classes, np.float64)
    return np.log((classes + 2.0) / (classes + 1.0)) / np.log(range_max + 1.0)


def _draws(u, distribution, range_max):
    """Classes for uniform numbers u in [0, 1) (float64)."""
    if distribution == "uniform":
        return np.minimum((u * range_max).astype(np.int64), range_max - 1)
    return (np.exp(u * np.log(range_max + 1.0)) - 1.0).astype(np.int64) % range_max


def sample_candidates(true_classes, distribution, num_sampled, unique, range_max, key, run):
    """(sampled int64 [num_sampled], true_expected float32 like true_classes,
    sampled_expected float32 [num_sampled]): candidates from the draws of Philox run `run`
    in order, keeping only new ones when `unique` (then the expected count of a class of
    probability p is 1 - (1 - p)^tries, tries being the draws it took; else p *
    num_sampled)."""
    n = max(2 * num_sampled, 16)
    while True:
        draws = _draws(philox.uniform((n,), np.float64, key, run), distribution, range_max)
        if not unique:
            sampled, tries = draws[:num_sampled], num_sampled
            break
        _, first = np.unique(draws, return_index=True)
        if len(first) >= num_sampled:
            kept = np.sort(first)[:num_sampled]  # positions of the first new draws, in order
            sampled, tries = draws[kept], int(kept[-1]) + 1
            break
        n *= 2  # the same draws again, and more after them

    def expected(p):
        if tries == num_sampled:
            return (p * num_sampled).astype(np.float32)
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)
    true_p = _class_probability(true_classes, distribution, range_max)
    return (sampled.astype(np.int64), expected(true_p),
            expected(_class_probability(sampled, distribution, range_max)))


def _sampler_bind(op, ctx):
    a = op.attrs
    key, next_run = (a["seed"], a["seed2"]), ctx.random_counter(op)
    return lambda true_classes: sample_candidates(
        np.asarray(true_classes), a["distribution"], a["num_sampled"], a["unique"],
        a["range_max"], key, next_run())


defop("CandidateSampler", _sampler_infer, _sampler_bind, grad=NO_GRADIENT, stateful=True)


def _candidate_sampler(distribution, true_classes, num_true, num_sampled, unique, range_max,
                       seed, name):
    true_classes = OPS.cast(convert_to_tensor(true_classes), dtypes.int64)
    dims = true_classes.shape.dims
    if dims is None or len(dims) != 2 or dims[1] not in (None, int(num_true)):
        raise ValueError(f"true_classes must be [batch, num_true={num_true}], got "
                         f"{true_classes.shape}")
    if unique and num_sampled > range_max:
        raise ValueError(f"cannot draw {num_sampled} distinct candidates from {range_max} "
                         f"classes")
    seed1, seed2 = get_seed(seed)
    return tuple(make_op("CandidateSampler", [true_classes],
                         {"distribution": distribution, "num_sampled": int(num_sampled),
                          "unique": bool(unique), "range_max": int(range_max),
                          "seed": seed1, "seed2": seed2}, name=name))


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """(sampled_candidates int64 [num_sampled], true_expected_count float32 [batch,
    num_true], sampled_expected_count float32 [num_sampled]): classes drawn with
    P(class) = log((class + 2) / (class + 1)) / log(range_max + 1)."""
    return _candidate_sampler("log_uniform", true_classes, num_true, num_sampled, unique,
                              range_max, seed, name or "LogUniformCandidateSampler")


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """As log_uniform_candidate_sampler, every class equally likely."""
    return _candidate_sampler("uniform", true_classes, num_true, num_sampled, unique,
                              range_max, seed, name or "UniformCandidateSampler")


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                    sampled_values, remove_accidental_hits, seed):
    """TF1's (logits [batch, num_true + num_sampled], labels of the same shape): the true
    classes' and the sampled classes' logits, each less the log of its expected count."""
    if isinstance(weights, (list, tuple)):
        if len(weights) != 1:
            raise NotImplementedError("sampled losses over sharded weights are not supported")
        weights = weights[0]
    if isinstance(biases, (list, tuple)):
        biases = biases[0]
    labels = OPS.cast(convert_to_tensor(labels), dtypes.int64)
    inputs = convert_to_tensor(inputs)
    flat = OPS.reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True,
                                                       num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (OPS.stop_gradient(s) for s in sampled_values)
    sampled = OPS.cast(sampled, dtypes.int64)
    true_w, sampled_w = OPS.gather(weights, flat), OPS.gather(weights, sampled)
    true_b, sampled_b = OPS.gather(biases, flat), OPS.gather(biases, sampled)
    sampled_logits = OPS.matmul(inputs, sampled_w, transpose_b=True) + sampled_b
    dim = OPS.shape(true_w)[1:2]
    rows = OPS.expand_dims(inputs, 1) * OPS.reshape(true_w, OPS.concat([[-1, num_true], dim], 0))
    true_logits = OPS.reduce_sum(rows, axis=2) + OPS.reshape(true_b, [-1, num_true])
    if remove_accidental_hits:  # a sampled class that is a true class of the row: -max
        hit = OPS.reduce_any(OPS.equal(OPS.expand_dims(labels, 2), sampled), axis=1)
        lowest = OPS.constant(np.finfo(inputs.dtype.np).min, dtype=inputs.dtype)
        sampled_logits = OPS.where(hit, sampled_logits + lowest, sampled_logits)
    true_logits -= OPS.log(OPS.cast(true_expected, inputs.dtype))
    sampled_logits -= OPS.log(OPS.cast(sampled_expected, inputs.dtype))
    logits = OPS.concat([true_logits, sampled_logits], 1)
    targets = OPS.concat([OPS.ones_like(true_logits) / num_true,
                          OPS.zeros_like(sampled_logits)], 1)
    return logits, targets


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss", seed=None):
    """Noise-contrastive estimation loss [batch]: each row's true classes against
    num_sampled candidates (log-uniform by default), weights [num_classes, dim], biases
    [num_classes], labels [batch, num_true], inputs [batch, dim]."""
    with name_scope(name):
        logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                          num_classes, num_true, sampled_values,
                                          remove_accidental_hits, seed)
        losses = OPS.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits,
                                                       name="sampled_losses")
        return OPS.reduce_sum(losses, axis=1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross-entropy [batch] over each row's true classes and num_sampled
    candidates (log-uniform by default); arguments as nce_loss."""
    with name_scope(name):
        logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                          num_classes, num_true, sampled_values,
                                          remove_accidental_hits, seed)
        return OPS.softmax_cross_entropy_with_logits_v2(
            labels=OPS.stop_gradient(targets), logits=logits)
