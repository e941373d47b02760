"""Candidate samplers and the sampled losses (tf.nn.nce_loss, tf.nn.sampled_softmax_loss):
the samplers' distribution, uniqueness and expected counts against TF1's formulas written
out here, the same draws for the same seed, and the losses against a float64 NumPy
evaluation of TF1's definition, on both backends."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf

RANGE = 50


def _log_uniform_p(classes):
    classes = np.asarray(classes, np.float64)
    return np.log((classes + 2) / (classes + 1)) / np.log(RANGE + 1)


def test_unique_draws_are_distinct_in_range_with_one_number_of_tries():
    labels = tf.constant(np.array([[0], [3], [49]], np.int64))
    sampled, true_count, sampled_count = tf.nn.log_uniform_candidate_sampler(
        labels, 1, 20, True, RANGE, seed=5)
    with tf.Session() as sess:
        for _ in range(5):
            s, t, c = sess.run([sampled, true_count, sampled_count])
            assert len(set(s.tolist())) == 20 and s.min() >= 0 and s.max() < RANGE
            # expected count 1 - (1 - p)^tries, one tries (>= 20) for every class
            p = _log_uniform_p(np.concatenate([[0, 3, 49], s]))
            counts = np.concatenate([t[:, 0], c]).astype(np.float64)
            tries = np.log1p(-counts) / np.log1p(-p)
            assert tries.min() >= 20 - 1e-3
            np.testing.assert_allclose(tries, np.round(tries[0]), rtol=1e-4)


def test_draws_with_replacement_follow_the_distribution():
    labels = tf.constant(np.array([[2]], np.int64))
    draws = {"log_uniform": tf.nn.log_uniform_candidate_sampler(labels, 1, 400, False,
                                                                 RANGE, seed=7),
             "uniform": tf.nn.uniform_candidate_sampler(labels, 1, 400, False, RANGE, seed=7)}
    with tf.Session() as sess:
        for name, (sampled, true_count, sampled_count) in draws.items():
            got = np.concatenate([sess.run(sampled) for _ in range(25)])  # 10000 draws
            p = _log_uniform_p(np.arange(RANGE)) if name == "log_uniform" else \
                np.full(RANGE, 1.0 / RANGE)
            freq = np.bincount(got, minlength=RANGE) / got.size
            assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / got.size) + 1e-9), name
            np.testing.assert_allclose(sess.run(true_count), [[p[2] * 400]], rtol=1e-6)
            s, c = sess.run([sampled, sampled_count])
            np.testing.assert_allclose(c, p[s] * 400, rtol=1e-6)


def test_the_same_seed_draws_the_same_candidates_and_each_run_new_ones():
    def draws():
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            s = tf.nn.log_uniform_candidate_sampler([[1]], 1, 8, True, RANGE)[0]
            with tf.Session() as sess:
                return [sess.run(s).tolist() for _ in range(3)]
    first, second = draws(), draws()
    assert first == second and first[0] != first[1]
    with pytest.raises(ValueError, match="distinct"):
        tf.nn.uniform_candidate_sampler([[1]], 1, 60, True, RANGE)


def _reference(weights, biases, labels, inputs, sampled, true_count, sampled_count,
               remove_hits):
    """TF1's sampled logits and targets, in float64."""
    w, b, x = (np.asarray(a, np.float64) for a in (weights, biases, inputs))
    num_true = labels.shape[1]
    true_logits = np.einsum("bd,btd->bt", x, w[labels]) + b[labels]
    sampled_logits = x @ w[sampled].T + b[sampled]
    if remove_hits:
        hit = (labels[:, :, None] == sampled[None, None, :]).any(1)
        sampled_logits = np.where(hit, sampled_logits + np.finfo(np.float32).min,
                                  sampled_logits)
    logits = np.concatenate([true_logits - np.log(true_count),
                             sampled_logits - np.log(sampled_count)], 1)
    targets = np.concatenate([np.full_like(true_logits, 1.0 / num_true),
                              np.zeros_like(sampled_logits)], 1)
    return logits, targets


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_losses_match_tf1s_definition(device, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    rng = np.random.default_rng(9)
    weights = rng.standard_normal((RANGE, 6)).astype(np.float32)
    biases = rng.standard_normal(RANGE).astype(np.float32)
    inputs = rng.standard_normal((4, 6)).astype(np.float32)
    labels = np.array([[1, 7], [3, 3], [8, 0], [4, 9]], np.int64)
    sampled = np.array([7, 2, 3, 11, 30], np.int64)  # 7 and 3 hit true classes of rows
    true_count = rng.uniform(0.1, 0.9, (4, 2)).astype(np.float32)
    sampled_count = rng.uniform(0.1, 0.9, 5).astype(np.float32)
    values = (tf.constant(sampled), tf.constant(true_count), tf.constant(sampled_count))
    args = (tf.constant(weights), tf.constant(biases), tf.constant(labels),
            tf.constant(inputs), 5, RANGE)
    nce = tf.nn.nce_loss(*args, num_true=2, sampled_values=values)
    softmax = tf.nn.sampled_softmax_loss(*args, num_true=2, sampled_values=values)
    with tf.Session() as sess:
        got_nce, got_softmax = sess.run([nce, softmax])
    logits, targets = _reference(weights, biases, labels, inputs, sampled, true_count,
                                 sampled_count, remove_hits=False)
    want_nce = (np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))))
    np.testing.assert_allclose(got_nce, want_nce.sum(1), rtol=1e-5)
    logits, targets = _reference(weights, biases, labels, inputs, sampled, true_count,
                                 sampled_count, remove_hits=True)
    top = logits.max(1, keepdims=True)
    log_softmax = logits - top - np.log(np.exp(logits - top).sum(1, keepdims=True))
    np.testing.assert_allclose(got_softmax, -(targets * log_softmax).sum(1), rtol=1e-5)


def test_word2vec_style_training_lowers_the_loss():
    rng = np.random.default_rng(1)
    centers = rng.integers(0, RANGE, 64)
    contexts = ((centers + 1) % RANGE).reshape(-1, 1)  # a learnable pairing
    embeddings = tf.Variable(tf.random_uniform([RANGE, 8], -1.0, 1.0, seed=1))
    nce_w = tf.Variable(tf.truncated_normal([RANGE, 8], stddev=0.3, seed=2))
    nce_b = tf.Variable(tf.zeros([RANGE]))
    embedded = tf.nn.embedding_lookup(embeddings, tf.constant(centers))
    loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, tf.constant(contexts), embedded,
                                         num_sampled=8, num_classes=RANGE, seed=4))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = np.mean([sess.run(loss) for _ in range(10)])
        for _ in range(300):
            sess.run(train)
        last = np.mean([sess.run(loss) for _ in range(10)])
    assert last < 0.5 * first
