"""tf.contrib.crf against brute force over every tagging of small sequences: scores, the
log of the sum of all taggings' exponentiated scores, log-likelihoods and their gradients
(central differences), and the best tagging (Viterbi)."""
import itertools

import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences

crf = tf.contrib.crf
RNG = np.random.default_rng(61)
BATCH, STEPS, TAGS = 4, 4, 3
LENGTHS = np.array([4, 2, 1, 0])


def _score(x, tags, transitions):
    return sum(x[t, k] for t, k in enumerate(tags)) + \
        sum(transitions[a, b] for a, b in zip(tags[:-1], tags[1:]))


def _brute(x, n, transitions):
    """(log sum exp of all taggings' scores, the best tagging and its score) of x[:n]."""
    if n == 0:
        return 0.0, [], 0.0
    scored = [(_score(x[:n], tags, transitions), list(tags))
              for tags in itertools.product(range(TAGS), repeat=n)]
    values = np.array([s for s, _ in scored])
    best = max(scored)
    return values.max() + np.log(np.exp(values - values.max()).sum()), best[1], best[0]


def test_scores_norms_likelihoods_and_gradients_equal_brute_force():
    x = RNG.standard_normal((BATCH, STEPS, TAGS))
    transitions = RNG.standard_normal((TAGS, TAGS))
    tags = RNG.integers(0, TAGS, (BATCH, STEPS))
    inputs, trans = tf.constant(x), tf.constant(transitions)
    score = crf.crf_sequence_score(inputs, tags, LENGTHS, trans)
    norm = crf.crf_log_norm(inputs, LENGTHS, trans)
    likelihood, _ = crf.crf_log_likelihood(inputs, tags, LENGTHS, trans)
    grads = tf.gradients(tf.reduce_sum(likelihood), [inputs, trans])
    with tf.Session() as sess:
        got_score, got_norm, got_likelihood, *got_grads = sess.run(
            [score, norm, likelihood] + grads)
    for b, n in enumerate(LENGTHS):
        want_norm = _brute(x[b], n, transitions)[0]
        want_score = _score(x[b, :n], tags[b, :n], transitions) if n else 0.0
        assert got_score[b] == pytest.approx(want_score, abs=1e-12)
        assert got_norm[b] == pytest.approx(want_norm, abs=1e-12)
        assert got_likelihood[b] == pytest.approx(want_score - want_norm, abs=1e-12)

    def total(xv, tv):
        return sum((_score(xv[b, :n], tags[b, :n], tv) if n else 0.0)
                   - _brute(xv[b], n, tv)[0] for b, n in enumerate(LENGTHS))
    np.testing.assert_allclose(got_grads[0], central_differences(lambda v: total(
        v, transitions), x), atol=1e-6)
    np.testing.assert_allclose(got_grads[1], central_differences(lambda v: total(x, v),
                                                                 transitions), atol=1e-6)


def test_decoding_finds_the_best_tagging():
    x = RNG.standard_normal((BATCH, STEPS, TAGS))
    transitions = RNG.standard_normal((TAGS, TAGS))
    tags, scores = crf.crf_decode(tf.constant(x), tf.constant(transitions), LENGTHS)
    with tf.Session() as sess:
        got_tags, got_scores = sess.run([tags, scores])
    assert got_tags.dtype == np.int32 and got_tags.shape == (BATCH, STEPS)
    for b, n in enumerate(LENGTHS):
        _, best, best_score = _brute(x[b], n, transitions)
        assert got_tags[b, :n].tolist() == best and not got_tags[b, n:].any()
        assert got_scores[b] == pytest.approx(best_score, abs=1e-12)
        if n:
            assert crf.viterbi_decode(x[b, :n], transitions) == (best, pytest.approx(
                best_score, abs=1e-12))


def test_a_crf_learns_its_transitions():
    # tags that alternate 0, 1, 0, 1 whatever the inputs after the first step (which says
    # 0): only the transitions can carry that on
    x = RNG.standard_normal((16, 6, 2)).astype(np.float32) * 0.1
    x[:, 0, 0] += 2.0
    tags = np.tile([0, 1, 0, 1, 0, 1], (16, 1))
    inputs = tf.constant(x)
    likelihood, transitions = crf.crf_log_likelihood(inputs, tags, np.full(16, 6))
    assert transitions.name == "transitions:0"
    step = tf.train.AdamOptimizer(0.1).minimize(-tf.reduce_mean(likelihood))
    decoded, _ = crf.crf_decode(inputs, transitions, np.full(16, 6))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(60):
            sess.run(step)
        np.testing.assert_array_equal(sess.run(decoded), tags)
