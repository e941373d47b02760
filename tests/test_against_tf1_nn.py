"""More of tf.nn through tf0 and TensorFlow's compat.v1: 1-D pooling, the generic
convolution and pool, conv2d's backprops, Poisson loss, global batch norm, the static
bidirectional RNN, the sparse embedding lookups, 3-D convolutions and pools, and CTC's
loss and decoders, with gradients (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both

RNG = np.random.default_rng(51)


def test_nn_composites_match_with_gradients():
    x1 = RNG.standard_normal((2, 9, 3))
    x2 = RNG.standard_normal((2, 6, 5, 3))
    w1 = RNG.standard_normal((3, 3, 4))
    w2 = RNG.standard_normal((3, 2, 3, 4))
    dw = RNG.standard_normal((2, 2, 3, 2))
    params = RNG.standard_normal((7, 4))
    steps = RNG.standard_normal((4, 2, 3))

    def program(tf):
        a, b, f1, f2, d, p = [tf.constant(v) for v in (x1, x2, w1, w2, dw, params)]
        nn = tf.nn
        conv = nn.conv2d(b, f2, [1, 1, 1, 1], "SAME")
        dconv = nn.depthwise_conv2d_native(b, d, [1, 1, 1, 1], "VALID")
        ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 2]], tf.constant([1, 4, 6, -1],
                                                                           tf.int64), [4, 3])
        wts = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 2]], tf.constant(
            [0.5, 2.0, 1.0, 3.0], tf.float64), [4, 3])
        ids_ok = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 4, 6], tf.int64),
                                 [3, 2])
        with tf.variable_scope("birnn", initializer=tf.constant_initializer(0.1)):
            outs, fw, bw = nn.static_bidirectional_rnn(
                nn.rnn_cell.BasicRNNCell(3), nn.rnn_cell.BasicRNNCell(2),
                tf.unstack(tf.constant(steps)), sequence_length=[4, 2], dtype=tf.float64)
        results = [
            nn.max_pool1d(a, 2, 2, "SAME"), nn.avg_pool1d(a, [1, 3, 1], [1, 2, 1], "VALID"),
            nn.convolution(a, f1, "SAME", strides=[2]), nn.convolution(b, f2, "VALID"),
            nn.convolution(b, f2, "SAME", dilation_rate=[2, 1]),
            nn.pool(a, [3], "MAX", "SAME", strides=[2]), nn.pool(b, [2, 2], "AVG", "VALID"),
            nn.conv2d_backprop_input(tf.shape(b), f2, conv, [1, 1, 1, 1], "SAME"),
            nn.conv2d_backprop_filter(b, [3, 2, 3, 4], conv, [1, 1, 1, 1], "SAME"),
            nn.depthwise_conv2d_native_backprop_filter(b, [2, 2, 3, 2], dconv, [1, 1, 1, 1],
                                                       "VALID"),
            nn.depthwise_conv2d_native_backprop_input(tf.shape(b), d, dconv, [1, 1, 1, 1],
                                                      "VALID"),
            nn.log_poisson_loss(tf.abs(a) * 3.0, a), nn.log_poisson_loss(tf.abs(a) * 3.0, a,
                                                                         True),
            nn.batch_norm_with_global_normalization(b, tf.reduce_mean(b, [0, 1, 2]),
                                                    tf.ones([3], tf.float64), b[0, 0, 0],
                                                    b[1, 1, 1], 1e-3, True),
            tf.stack(outs), fw, bw,
            nn.embedding_lookup_sparse(p, ids_ok, None, combiner="sum"),
            nn.embedding_lookup_sparse(p, ids_ok, None),
            nn.safe_embedding_lookup_sparse(p, ids, wts, combiner="sqrtn"),
            nn.safe_embedding_lookup_sparse(p, ids, None, default_id=0),
        ]
        loss = tf.add_n([tf.reduce_sum(r * r) for r in results])
        grads = tf.gradients(loss, [a, b, f1, f2, d, p])  # TF1's for p: IndexedSlices
        return results + [tf.convert_to_tensor(g) for g in grads], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-9, atol=1e-10)


def test_3d_convolutions_pools_and_layers_match_with_gradients():
    xv = RNG.standard_normal((2, 5, 6, 4, 3))
    wv = RNG.standard_normal((3, 2, 2, 3, 4))

    def program(tf):
        x, w = tf.constant(xv), tf.constant(wv)
        x32 = tf.cast(x, tf.float32)  # TF1's 3-D pools take float32 only
        outs = [tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"),
                tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID"),  # (TF1's CPU has no dilations)
                tf.nn.conv3d_transpose(x, RNG_T, [2, 10, 6, 8, 2], [1, 2, 1, 2, 1], "SAME"),
                tf.nn.max_pool3d(x32, [1, 2, 3, 2, 1], [1, 2, 2, 1, 1], "SAME"),
                tf.nn.avg_pool3d(x32, [1, 3, 2, 2, 1], [1, 1, 2, 2, 1], "SAME")]
        loss = tf.add_n([tf.reduce_sum(tf.sin(tf.cast(o, tf.float64))) for o in outs])
        grads = tf.gradients(loss, [x, w])
        with tf.variable_scope("net"):
            y = tf.layers.conv3d(x32, 5, [2, 3, 3], strides=(1, 2, 1),
                                 padding="same", name="c")
            y = tf.layers.max_pooling3d(y, 2, 2, padding="same")
            y = tf.layers.conv3d_transpose(y, 2, 3, strides=2, padding="valid", name="t")
            y = tf.layers.average_pooling3d(y, [2, 1, 2], 1)
        names = lambda lib: sorted((v.op.name, tuple(v.shape.as_list()))  # noqa: E731
                                   for v in lib.trainable_variables())
        return [*outs, *grads, tf.shape(y)], names

    (ours, our_vars), (theirs, their_vars) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert our_vars == their_vars


RNG_T = RNG.standard_normal((2, 3, 2, 2, 3))  # conv3d_transpose's [d, h, w, out, in]


def test_ctc_loss_gradients_and_decoders_match():
    logits = RNG.standard_normal((7, 4, 5))
    indices = [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 0], [3, 0], [3, 1], [3, 2]]
    values = [1, 1, 0, 2, 3, 0, 2, 2, 3]
    lengths = [7, 6, 5, 4]

    def program(tf):
        labels = tf.SparseTensor(indices, values, [4, 3])
        x = tf.constant(logits)
        outs = []
        for merge in (True, False):
            loss = tf.nn.ctc_loss(labels, x, lengths, ctc_merge_repeated=merge,
                                  ignore_longer_outputs_than_inputs=True)
            outs += [loss, tf.gradients(tf.reduce_sum(loss * [1.0, 2.0, 0.5, -1.0]), x)[0]]
        outs.append(tf.nn.ctc_loss(labels, x, lengths, preprocess_collapse_repeated=True))
        x32 = tf.cast(x, tf.float32)
        (greedy,), scores = tf.nn.ctc_greedy_decoder(x32, lengths)
        outs += [greedy.indices, greedy.values, greedy.dense_shape, scores]
        for merge in (True, False):
            beams, log_probs = tf.nn.ctc_beam_search_decoder(x32, lengths, beam_width=40,
                                                             top_paths=3,
                                                             merge_repeated=merge)
            outs += [t for b in beams for t in (b.indices, b.values, b.dense_shape)]
            outs.append(log_probs)
        return outs, None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


def test_separable_conv_layers_match():
    images = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    lines = RNG.standard_normal((2, 9, 3)).astype(np.float32)

    def program(tf):
        init = tf.random_normal_initializer(stddev=0.5, seed=3)
        outs = [tf.layers.separable_conv2d(images, 4, 3, strides=2, padding="same",
                                           depth_multiplier=2, name="sep",
                                           depthwise_initializer=init,
                                           pointwise_initializer=init),
                tf.layers.separable_conv1d(lines, 5, 2, dilation_rate=2, depth_multiplier=3,
                                           activation=tf.nn.relu,
                                           depthwise_initializer=init,
                                           pointwise_initializer=init)]
        names = lambda lib: [(v.op.name, v.shape.as_list())  # noqa: E731
                             for v in lib.global_variables()]
        return [tf.shape(o) for o in outs], names
    (ours, our_vars), (theirs, their_vars) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert our_vars == their_vars


def test_conv1d_transpose_matches_with_gradients():
    x = RNG.standard_normal((2, 5, 3))
    w = RNG.standard_normal((3, 4, 3))  # [width, out, in]

    def program(tf):
        xt, wt = tf.constant(x), tf.constant(w)
        outs = [tf.nn.conv1d_transpose(xt, wt, [2, 10, 4], 2),
                tf.nn.conv1d_transpose(xt, wt, [2, 11, 4], 2, padding="VALID"),
                tf.nn.conv1d_transpose(xt, wt, [2, 7, 4], [1, 1, 1], padding="VALID")]
        loss = sum(tf.reduce_sum(o * o) for o in outs)
        return outs + tf.gradients(loss, [xt, wt]), None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-10, atol=1e-12)


def test_max_pool_with_argmax_matches_with_gradients():
    x = RNG.integers(0, 4, (2, 7, 6, 3)).astype(np.float32)  # ties everywhere

    def program(tf):
        xt = tf.constant(x)
        out, argmax = tf.nn.max_pool_with_argmax(xt, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
        _, with_batch = tf.nn.max_pool_with_argmax(xt, [1, 2, 2, 1], [1, 2, 2, 1], "VALID",
                                                   include_batch_in_index=True)
        _, narrow = tf.nn.max_pool_with_argmax(xt, [1, 2, 3, 1], [1, 1, 2, 1], "VALID",
                                               Targmax=tf.int32)
        return [out, argmax, with_batch, narrow,
                tf.gradients(tf.reduce_sum(out * out), xt)[0]], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.dtype, k
        np.testing.assert_array_equal(a, b, err_msg=str(k))
