"""Threshold, confusion-matrix and top-k metrics against counts made here with NumPy, and
the AUC against the rank statistic it approximates."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(41)


def _stream(metrics, batches):
    """The values of `metrics` after updates on every batch (a list of feed dicts)."""
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for feed in batches:
            sess.run([m[1] for m in metrics], feed)
        return sess.run([m[0] for m in metrics])


def test_counts_at_thresholds_precision_recall_and_auc():
    labels = tf.placeholder(tf.bool, [None])
    scores = tf.placeholder(tf.float32, [None])
    thresholds = [0.25, 0.5, 0.75]
    metrics = [tf.metrics.true_positives_at_thresholds(labels, scores, thresholds),
               tf.metrics.false_positives_at_thresholds(labels, scores, thresholds),
               tf.metrics.precision_at_thresholds(labels, scores, thresholds),
               tf.metrics.recall_at_thresholds(labels, scores, thresholds),
               tf.metrics.auc(labels, scores, num_thresholds=2000)]
    batches = [(RNG.uniform(size=300) < 0.4, RNG.uniform(size=300)) for _ in range(3)]
    for k, (y, s) in enumerate(batches):  # positives score higher on average
        batches[k] = (y, np.clip(s * 0.8 + 0.2 * y, 0, 1).astype(np.float32))
    tp, fp, precision, recall, auc = _stream(metrics, [{labels: y, scores: s}
                                                       for y, s in batches])
    y = np.concatenate([b[0] for b in batches])
    s = np.concatenate([b[1] for b in batches])
    want_tp = np.array([np.sum(y & (s > t)) for t in thresholds])
    want_fp = np.array([np.sum(~y & (s > t)) for t in thresholds])
    np.testing.assert_array_equal(tp, want_tp)
    np.testing.assert_array_equal(fp, want_fp)
    np.testing.assert_allclose(precision, want_tp / (want_tp + want_fp), rtol=1e-5)
    np.testing.assert_allclose(recall, want_tp / y.sum(), rtol=1e-5)
    # the ROC AUC is the chance that a positive outscores a negative (ties count half)
    pos, neg = s[y], s[~y]
    rank = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    np.testing.assert_allclose(auc, rank, atol=2e-3)


def test_mean_iou_and_per_class_accuracy_by_hand():
    labels = tf.placeholder(tf.int32, [None])
    guesses = tf.placeholder(tf.int32, [None])
    metrics = [tf.metrics.mean_iou(labels, guesses, 3),
               tf.metrics.mean_per_class_accuracy(labels, guesses, 3)]
    y = np.array([0, 0, 1, 1, 1, 2, 0])
    p = np.array([0, 1, 1, 1, 0, 0, 0])
    iou, per_class = _stream(metrics, [{labels: y, guesses: p}])
    # class 0: tp 2, fp 2 (4 and 5 guessed 0), fn 1 -> 2/5; class 1: tp 2, fp 1, fn 1 -> 2/4;
    # class 2: tp 0, fn 1 -> 0
    np.testing.assert_allclose(iou, (2 / 5 + 2 / 4 + 0) / 3, rtol=1e-6)
    np.testing.assert_allclose(per_class, (2 / 3 + 2 / 3 + 0) / 3, rtol=1e-6)


def test_top_k_precision_and_recall_by_hand():
    logits = np.array([[0.1, 0.5, 0.3, 0.9], [0.8, 0.2, 0.7, 0.1]], np.float32)
    # top 2: row 0 -> {3, 1}; row 1 -> {0, 2}
    metrics = [tf.metrics.precision_at_k(np.array([1, 1]), logits, 2),
               tf.metrics.recall_at_k(np.array([[1, 2, 2], [0, -1, 3]]), logits, 2)]
    precision, recall = _stream(metrics, [{}])
    np.testing.assert_allclose(precision, 1 / 4)  # one of four top-2 slots is a label
    # the label sets {1, 2} and {0, -1, 3}: 1 and 0 found, of 5
    np.testing.assert_allclose(recall, 2 / 5)


def test_counters_weights_and_collections():
    labels = tf.constant([True, False, True, False])
    guesses = tf.constant([True, True, False, False])
    weights = tf.constant([1.0, 2.0, 3.0, 4.0])
    metrics = [tf.metrics.true_positives(labels, guesses),
               tf.metrics.false_positives(labels, guesses, weights),
               tf.metrics.true_negatives(labels, guesses, weights,
                                         metrics_collections=["m"], updates_collections=["u"]),
               tf.metrics.false_negatives(labels, guesses)]
    assert tf.get_collection("m") == [metrics[2][0]] and tf.get_collection("u") == [metrics[2][1]]
    np.testing.assert_array_equal(_stream(metrics, [{}, {}]), [2.0, 4.0, 8.0, 2.0])


def test_auc_arguments_are_checked():
    with pytest.raises(ValueError, match="curve"):
        tf.metrics.auc([True], [0.5], curve="XYZ")
    with pytest.raises(ValueError, match="summation_method"):
        tf.metrics.auc([True], [0.5], summation_method="nope")
    with pytest.raises(ValueError, match="range"):
        tf.metrics.sensitivity_at_specificity([True], [0.5], 1.5)
