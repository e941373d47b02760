"""tf.metrics: streaming values over several batches against NumPy over all the data at
once, weights, resets by local_variables_initializer, variable names."""
import numpy as np

import tf0 as tf


def test_streaming_metrics_match_numpy_over_all_batches():
    rng = np.random.default_rng(0)
    batches = [(rng.integers(0, 2, n), rng.integers(0, 2, n), rng.uniform(0, 2, n))
               for n in (5, 8, 3)]
    labels, predictions = tf.placeholder(tf.int64, [None]), tf.placeholder(tf.int64, [None])
    weights = tf.placeholder(tf.float32, [None])
    metrics = {
        "accuracy": tf.metrics.accuracy(labels, predictions),
        "weighted": tf.metrics.accuracy(labels, predictions, weights=weights, name="weighted"),
        "precision": tf.metrics.precision(labels, predictions),
        "recall": tf.metrics.recall(labels, predictions),
        "mse": tf.metrics.mean_squared_error(labels, predictions),
        "mae": tf.metrics.mean_absolute_error(labels, predictions, weights=weights),
        "mean": tf.metrics.mean(predictions * 3, weights=weights),
    }
    assert [v.name for v in tf.local_variables()][:4] == [
        "accuracy/total:0", "accuracy/count:0", "weighted/total:0", "weighted/count:0"]
    with tf.Session() as sess:
        for _ in range(2):  # the initializer starts the streams again
            sess.run(tf.local_variables_initializer())
            for l, p, w in batches:
                sess.run({k: up for k, (_, up) in metrics.items()},
                         {labels: l, predictions: p, weights: w})
            got = sess.run({k: value for k, (value, _) in metrics.items()})
            l, p, w = (np.concatenate(parts) for parts in zip(*batches))
            tp = np.sum((l == 1) & (p == 1))
            want = {"accuracy": np.mean(l == p), "weighted": np.sum((l == p) * w) / np.sum(w),
                    "precision": tp / np.sum(p == 1), "recall": tp / np.sum(l == 1),
                    "mse": np.mean((l - p) ** 2), "mae": np.sum(np.abs(l - p) * w) / np.sum(w),
                    "mean": np.sum(p * 3 * w) / np.sum(w)}
            for k in want:
                np.testing.assert_allclose(got[k], want[k], rtol=1e-6, err_msg=k)


def test_a_metric_with_nothing_counted_is_zero():
    value, update = tf.metrics.precision([1, 0], [0, 0])
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update) == 0.0 and sess.run(value) == 0.0
