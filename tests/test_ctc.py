"""CTC against brute force: the loss as the sum over every alignment (all num_classes **
max_time of them), its gradient by central differences, the decoders against per-frame
argmaxes and the exact most probable labelings; errors; a small model learning to emit a
sequence, on NumPy and the null GPU."""
import itertools

import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from numeric import central_differences

RNG = np.random.default_rng(44)


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _labeling(path, blank, merge):
    """The labels an alignment emits: repeats merged (if merge), blanks dropped."""
    out = [c for i, c in enumerate(path) if not (merge and i > 0 and path[i - 1] == c)]
    return tuple(c for c in out if c != blank)


def _labeling_probs(logits, merge=True):
    """{labeling: p} of one sequence's logits [T, C], summed over all alignments."""
    probs, blank = _softmax(logits), logits.shape[1] - 1
    out = {}
    for path in itertools.product(range(logits.shape[1]), repeat=len(logits)):
        label = _labeling(path, blank, merge)
        out[label] = out.get(label, 0.0) + np.prod(probs[np.arange(len(path)), path])
    return out


def _brute_loss(logits, labels, lengths, merge=True):
    return np.array([-np.log(_labeling_probs(logits[:n, b], merge).get(tuple(lab), 0.0))
                     for b, (lab, n) in enumerate(zip(labels, lengths))])


def _sparse(labels):
    indices = [[b, j] for b, lab in enumerate(labels) for j in range(len(lab))]
    values = [v for lab in labels for v in lab]
    return tf.SparseTensor(indices, values, [len(labels), max(map(len, labels))])


LABELS = [[1, 1], [0, 2, 1], [2], [1, 0]]
LENGTHS = [4, 4, 3, 4]


@pytest.mark.parametrize("merge", [True, False])
def test_loss_is_minus_log_of_the_sum_over_alignments_and_its_gradient(merge):
    logits = RNG.standard_normal((4, 4, 4))  # [time, batch, classes], class 3 the blank
    x = tf.placeholder(tf.float64, logits.shape)
    loss = tf.nn.ctc_loss(_sparse(LABELS), x, LENGTHS, ctc_merge_repeated=merge)
    weights = np.array([1.0, -0.5, 2.0, 0.25])
    grad = tf.gradients(tf.reduce_sum(loss * weights), x)[0]
    with tf.Session() as sess:
        got, got_grad = sess.run([loss, grad], {x: logits})
    np.testing.assert_allclose(got, _brute_loss(logits, LABELS, LENGTHS, merge), rtol=1e-10)
    want_grad = central_differences(
        lambda v: np.sum(_brute_loss(v, LABELS, LENGTHS, merge) * weights), logits)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-6, atol=1e-7)
    assert not got_grad[3, 2].any()  # past the length of sequence 2


def test_batch_major_inputs_and_collapsed_labels():
    logits = RNG.standard_normal((4, 2, 3))
    labels = [[0, 0, 1], [1, 1]]
    with tf.Session() as sess:
        batch_major = sess.run(tf.nn.ctc_loss(_sparse(labels),
                                              np.transpose(logits, [1, 0, 2]), [4, 4],
                                              time_major=False))
        collapsed = sess.run(tf.nn.ctc_loss(_sparse(labels), logits, [4, 4],
                                            preprocess_collapse_repeated=True))
    np.testing.assert_allclose(batch_major, _brute_loss(logits, labels, [4, 4]), rtol=1e-10)
    np.testing.assert_allclose(collapsed, _brute_loss(logits, [[0, 1], [1]], [4, 4]),
                               rtol=1e-10)


def test_decoders_give_the_best_paths_and_labelings():
    logits = RNG.standard_normal((5, 3, 4)).astype(np.float32)
    lengths = [5, 4, 2]
    (greedy,), neg_sum = tf.nn.ctc_greedy_decoder(logits, lengths)
    beams, log_probs = tf.nn.ctc_beam_search_decoder(logits, lengths, beam_width=200,
                                                     top_paths=2, merge_repeated=False)
    with tf.Session() as sess:
        g, scores, b0, b1, lp = sess.run([greedy, neg_sum, *beams, log_probs])
    for b, n in enumerate(lengths):
        frames = logits[:n, b]
        best = _labeling(tuple(frames.argmax(axis=1)), 3, True)
        assert g.values[g.indices[:, 0] == b].tolist() == list(best)
        assert scores[b, 0] == pytest.approx(-frames.max(axis=1).sum(), rel=1e-6)
        exact = sorted(_labeling_probs(frames.astype(np.float64)).items(),
                       key=lambda kv: -kv[1])[:2]
        for k, beam in enumerate((b0, b1)):
            assert beam.values[beam.indices[:, 0] == b].tolist() == list(exact[k][0])
            assert lp[b, k] == pytest.approx(np.log(exact[k][1]), rel=1e-5)
    assert g.dense_shape.tolist() == [3, max(len(g.values[g.indices[:, 0] == b])
                                             for b in range(3))]


def test_beam_search_merge_repeated_merges_the_found_sequence_as_tf1():
    # Frames that all but spell A B B * B * B: the sequence is A B B B (blanks part the
    # B's); TF1's merge_repeated then gives A B, with the same probability.
    logits = np.full((7, 1, 3), -5.0, np.float32)
    logits[np.arange(7), 0, [0, 1, 1, 2, 1, 2, 1]] = 5.0
    with tf.Session() as sess:
        found = [sess.run(tf.nn.ctc_beam_search_decoder(logits, [7], 10, 1, merge))
                 for merge in (False, True)]
    (plain,), plain_p = found[0]
    (merged,), merged_p = found[1]
    assert plain.values.tolist() == [0, 1, 1, 1] and merged.values.tolist() == [0, 1]
    assert plain_p == merged_p


def test_bad_labels_and_lengths_raise_or_are_ignored():
    logits = RNG.standard_normal((3, 2, 3))
    with tf.Session() as sess:
        for labels, lengths, message in [([[0], []], [3, 3], "Labels length is zero"),
                                         ([[0, 0], [1]], [2, 3], "Not enough time"),
                                         ([[2], [1]], [3, 3], "Labels must be in"),
                                         ([[0], [1]], [3, 4], "max_time")]:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(tf.nn.ctc_loss(_sparse(labels), logits, lengths))
        x = tf.constant(logits)
        loss = tf.nn.ctc_loss(_sparse([[0, 1, 0, 1], [1]]), x, [3, 3],
                              ignore_longer_outputs_than_inputs=True)
        value, grad = sess.run([loss, tf.gradients(tf.reduce_sum(loss), x)[0]])
    assert value[0] == 0 and not grad[:, 0].any()
    assert value[1] == pytest.approx(_brute_loss(logits, [[1], [1]], [3, 3])[1], rel=1e-10)
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.ctc_loss([[0]], logits, [3])


def test_a_small_model_learns_to_emit_a_sequence(monkeypatch):
    target = [[2, 0, 1], [1, 1]]
    features = RNG.standard_normal((8, 2, 6)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.constant(features)
        logits = tf.layers.dense(x, 4, name="out")  # 3 labels and the blank
        loss = tf.reduce_mean(tf.nn.ctc_loss(_sparse(target), logits, [8, 8]))
        step = tf.train.AdamOptimizer(0.1).minimize(loss)
        (decoded,), _ = tf.nn.ctc_greedy_decoder(logits, [8, 8])
        init = tf.global_variables_initializer()

        def train(config=None):
            with tf.Session(config=config) as sess:
                sess.run(init)
                losses = [sess.run([loss, step])[0] for _ in range(150)]
                return losses, sess.run(decoded)
        losses, best = train(tf.ConfigProto(device_count={"GPU": 0}))
        assert losses[-1] < 0.1 * losses[0]
        assert [best.values[best.indices[:, 0] == b].tolist() for b in range(2)] == target
        fake_cuda.install(monkeypatch)
        null_losses, _ = train()
        np.testing.assert_allclose(null_losses, losses, rtol=1e-4)
