"""Streaming metrics through tf0 and TensorFlow's compat.v1 over the same batches: the
value after each update, for the threshold, confusion-matrix and top-k metrics (skipped
without TensorFlow)."""
import numpy as np

import tf0
from tf1_reference import tf1

RNG = np.random.default_rng(31)
BATCHES = [dict(labels=RNG.integers(0, 2, 40).astype(bool), scores=RNG.uniform(0, 1, 40),
                weights=RNG.uniform(0.5, 2.0, 40), classes=RNG.integers(0, 4, 40),
                guesses=RNG.integers(0, 4, 40), logits=RNG.standard_normal((40, 6)),
                ids=RNG.integers(0, 6, 40), multi=RNG.integers(-1, 6, (40, 3)),
                values=RNG.standard_normal((40, 3)), targets=RNG.standard_normal((40, 3)))
           for _ in range(3)]


def _streams(build):
    """[[value after each batch's update] per library]."""
    results = []
    for lib in (tf0, tf1):
        with lib.Graph().as_default():
            feeds = {k: lib.placeholder(lib.as_dtype(v.dtype), v.shape)
                     for k, v in BATCHES[0].items()}
            metrics = build(lib, feeds)
            with lib.Session() as sess:
                sess.run(lib.local_variables_initializer())
                got = []
                for batch in BATCHES:
                    fd = {feeds[k]: v for k, v in batch.items()}
                    sess.run([m[1] for m in metrics], fd)
                    got.append(sess.run([m[0] for m in metrics]))
        results.append(got)
    return results


def test_streaming_metrics_match_batch_after_batch():
    def build(tf, f):
        m = tf.metrics
        unit = f["values"] / tf.norm(f["values"], axis=1, keep_dims=True)
        unit_t = f["targets"] / tf.norm(f["targets"], axis=1, keep_dims=True)
        return [
            m.auc(f["labels"], f["scores"]), m.auc(f["labels"], f["scores"], f["weights"],
                                                   num_thresholds=50, curve="PR"),
            m.auc(f["labels"], f["scores"], curve="PR", summation_method="careful_interpolation"),
            m.auc(f["labels"], f["scores"], summation_method="minoring"),
            m.auc(f["labels"], f["scores"], summation_method="majoring", curve="PR"),
            m.precision_at_thresholds(f["labels"], f["scores"], [0.2, 0.5, 0.8]),
            m.recall_at_thresholds(f["labels"], f["scores"], [0.2, 0.5, 0.8], f["weights"]),
            m.true_positives_at_thresholds(f["labels"], f["scores"], [0.1, 0.6]),
            m.false_negatives_at_thresholds(f["labels"], f["scores"], [0.1, 0.6]),
            m.sensitivity_at_specificity(f["labels"], f["scores"], 0.7),
            m.specificity_at_sensitivity(f["labels"], f["scores"], 0.4, f["weights"]),
            m.true_positives(f["labels"], f["scores"] > 0.5),
            m.false_positives(f["labels"], f["scores"] > 0.5, f["weights"]),
            m.true_negatives(f["labels"], f["scores"] > 0.5),
            m.false_negatives(f["labels"], f["scores"] > 0.5),
            m.mean_iou(f["classes"], f["guesses"], 4),
            m.mean_per_class_accuracy(f["classes"], f["guesses"], 4, f["weights"]),
            m.root_mean_squared_error(f["targets"], f["values"]),
            m.mean_relative_error(f["targets"], f["values"], f["targets"] * 0.5 + 2.0),
            m.mean_cosine_distance(unit_t, unit, dim=1),
            m.percentage_below(f["values"], 0.3),
            m.mean_tensor(f["values"]),
            m.precision_at_k(f["ids"], f["logits"], 2),
            m.recall_at_k(f["multi"], f["logits"], 3),
            m.precision_at_k(f["multi"], f["logits"], 3),
        ]
    ours, theirs = _streams(build)
    for batch, (a_run, b_run) in enumerate(zip(ours, theirs)):
        for k, (a, b) in enumerate(zip(a_run, b_run)):
            assert np.asarray(a).dtype == np.asarray(b).dtype, (batch, k)
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6, err_msg=f"{batch}/{k}")
