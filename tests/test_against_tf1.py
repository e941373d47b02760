"""Differential tests: the same TF1 programs through tf0 and through TensorFlow's own
compat.v1 graph mode, compared on values and names. Skipped when TensorFlow is not
installed (it is a reference, never a dependency)."""
import os
import re

import numpy as np

import tf0
from tf1_reference import assert_close, both as _both, tf1


def test_names_of_ops_scopes_and_layers():
    def program(tf):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("block"):
            a = x + 1.0
            b = tf.add(a, a)
        with tf.name_scope("block"):
            c = a * 2.0
        h = tf.layers.dense(x, 4)
        h2 = tf.layers.dense(h, 2, name="out")
        with tf.variable_scope("vs"):
            v = tf.get_variable("v", [2])
        names = [a.op.name, b.op.name, c.op.name, h.op.name, h2.op.name, v.name,
                 [w.name for w in tf.trainable_variables()]]
        return [], names
    (_, ours), (_, theirs) = _both(program)
    assert ours == theirs


def test_optimizer_updates_match():
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2)).astype(np.float32)
    c = rng.standard_normal((3, 2)).astype(np.float32)

    def program(tf, make):
        w = tf.Variable(w0)
        loss = tf.reduce_sum(w * c) + tf.reduce_sum(w * w)
        train = make(tf).minimize(loss)
        return w, train

    makers = [lambda tf: tf.train.AdamOptimizer(0.1),
              lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
              lambda tf: tf.train.RMSPropOptimizer(0.05, momentum=0.3),
              lambda tf: tf.train.RMSPropOptimizer(0.05, decay=0.8, momentum=0.3, centered=True),
              lambda tf: tf.train.AdagradOptimizer(0.2),
              lambda tf: tf.train.AdadeltaOptimizer(2.0, rho=0.8, epsilon=1e-5),
              lambda tf: tf.train.FtrlOptimizer(0.3, l1_regularization_strength=0.05,
                                                l2_regularization_strength=0.1),
              lambda tf: tf.train.FtrlOptimizer(0.3, learning_rate_power=-0.7,
                                                l2_shrinkage_regularization_strength=0.2),
              lambda tf: tf.train.ProximalGradientDescentOptimizer(0.1, 0.05, 0.2),
              lambda tf: tf.train.ProximalAdagradOptimizer(0.3, 0.2, 0.05, 0.2)]
    for make in makers:
        values = []
        for lib in (tf0, tf1):
            with lib.Graph().as_default():
                w, train = program(lib, make)
                with lib.Session() as sess:
                    sess.run(lib.global_variables_initializer())
                    for _ in range(5):
                        sess.run(train)
                    values.append(sess.run(w))
        np.testing.assert_allclose(values[0], values[1], rtol=2e-5, atol=1e-6)


def test_losses_and_gradients_match():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 5)).astype(np.float32)
    labels = rng.integers(0, 5, 4)
    onehot = np.eye(5, dtype=np.float32)[labels]
    weights = np.array([1.0, 0.0, 2.0, 1.0], np.float32)

    def program(tf):
        x = tf.constant(xv)
        losses = [tf.losses.sparse_softmax_cross_entropy(labels, x),
                  tf.losses.softmax_cross_entropy(onehot, x, label_smoothing=0.1),
                  tf.losses.sigmoid_cross_entropy(onehot, x),
                  tf.losses.mean_squared_error(onehot, x, weights=weights[:, None]),
                  tf.losses.absolute_difference(onehot, x)]
        grads = tf.gradients(tf.add_n(losses), x)
        extra = [tf.reduce_max(x, axis=1), tf.nn.log_softmax(x), tf.argmax(x, 1),
                 tf.nn.l2_loss(x), tf.reduce_prod(x[:2, :2], axis=0), x[1:, ::2][:, None]]
        return losses + grads + extra, None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_dataset_pipeline_matches():
    out = []
    for lib in (tf0, tf1):
        with lib.Graph().as_default():
            d = (lib.data.Dataset.range(10).map(lambda v: v * 3)
                 .filter(lambda v: lib.equal(v % 2, 0)).batch(2).repeat(2))
            el = lib.data.make_one_shot_iterator(d).get_next()
            got = []
            with lib.Session() as sess:
                while True:
                    try:
                        got.append(sess.run(el).tolist())
                    except lib.errors.OutOfRangeError:
                        break
            out.append(got)
    assert out[0] == out[1]


def test_op_sweep_values_and_gradients_match():
    rng = np.random.default_rng(2)
    av = rng.standard_normal((3, 4)).astype(np.float32)
    bv = rng.standard_normal((4,)).astype(np.float32)
    cv = rng.standard_normal((4, 2)).astype(np.float32)

    def program(tf):
        a, b, c = tf.constant(av), tf.constant(bv), tf.constant(cv)
        outs = [a * b - tf.maximum(a, b), tf.matmul(a, c), tf.matmul(c, a, transpose_a=True,
                                                                     transpose_b=True),
                tf.reduce_mean(a, axis=1, keepdims=True), tf.reduce_min(a, axis=0),
                tf.gather(a, [2, 0, 2]), tf.tile(a, [2, 1]), tf.pad(a, [[1, 0], [0, 2]]),
                tf.concat(tf.split(a, [1, 3], axis=1)[::-1], 1), tf.transpose(a),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.nn.softmax(a),
                                                           logits=a * 2.0),
                tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.sigmoid(a), logits=a),
                tf.where(a > 0, a, b * tf.ones_like(a)), tf.clip_by_value(a, -0.3, 0.4),
                tf.nn.relu6(a * 5.0), tf.nn.elu(a), tf.nn.softplus(a), tf.nn.leaky_relu(a),
                tf.square(a) / (1.0 + tf.abs(b)), tf.reduce_sum(tf.one_hot([1, 3], 4), 0),
                tf.stack([a, a * 2.0], axis=1), tf.expand_dims(b, 0), tf.squeeze(a[:1])]
        total = tf.add_n([tf.reduce_sum(o * o) for o in outs])
        grads = tf.gradients(total, [a, b, c])
        ints = [tf.constant([7, -7, 7, -7]) // tf.constant([2, 2, -2, -2]),
                tf.constant([7, -7, 7, -7]) % tf.constant([2, 2, -2, -2]),
                tf.constant([7, -7]) / tf.constant([2, 2])]
        return outs + grads + ints, None
    (ours, _), (theirs, _) = _both(program)
    assert_close(ours, theirs, rtol=2e-5, atol=2e-6)


def test_composites_match():
    rng = np.random.default_rng(3)
    xv = (rng.standard_normal((5, 4)) * 3).astype(np.float32)
    pv = rng.uniform(0.05, 0.95, (5, 4)).astype(np.float32)
    yv = rng.integers(0, 2, (5, 4)).astype(np.float32)

    def program(tf):
        x = tf.constant(xv)
        mean, var = tf.nn.moments(x, axes=[0])
        clipped, gnorm = tf.clip_by_global_norm([x, x * 2.0], 3.0)
        outs = [tf.reduce_logsumexp(x, axis=1), tf.norm(x), tf.norm(x, ord=1, axis=0),
                tf.nn.l2_normalize(x, axis=1), tf.clip_by_norm(x, 2.0), mean, var,
                tf.nn.batch_normalization(x, mean, var, 0.5, 2.0, 1e-3), gnorm, clipped[1],
                tf.nn.embedding_lookup(x, [3, 1, 3]),
                tf.losses.huber_loss(yv, x, delta=1.5), tf.losses.log_loss(yv, pv)]
        grads = tf.gradients(tf.add_n([tf.reduce_sum(o) for o in outs]), x)
        return outs + grads, None
    (ours, _), (theirs, _) = _both(program)
    assert_close(ours, theirs, rtol=2e-5, atol=2e-5)


def test_batch_normalization_matches():
    rng = np.random.default_rng(4)
    xv = (rng.standard_normal((16, 3)) * 3 + 1).astype(np.float32)
    results = []
    for lib in (tf0, tf1):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float32, [None, 3])
            flag = lib.placeholder(lib.bool, [])
            y = lib.layers.batch_normalization(x, momentum=0.8, training=flag)
            loss = lib.reduce_sum(y * y * lib.constant([1.0, 2.0, 3.0]))
            updates = lib.get_collection(lib.GraphKeys.UPDATE_OPS)
            with lib.control_dependencies(updates):
                train = lib.train.GradientDescentOptimizer(0.1).minimize(loss)
            with lib.Session() as sess:
                sess.run(lib.global_variables_initializer())
                for _ in range(3):
                    sess.run(train, {x: xv, flag: True})
                results.append((sess.run(y, {x: xv, flag: False}),
                                sess.run(y, {x: xv, flag: True}),
                                sorted((v.name, sess.run(v).tolist())
                                       for v in lib.global_variables())))
    ours, theirs = results
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-5)
    assert [n for n, _ in ours[2]] == [n for n, _ in theirs[2]]
    for (_, a), (_, b) in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_cond_values_gradients_and_side_effects_match():
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal(4).astype(np.float32) for _ in range(4)]
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [4])
            v = lib.Variable(1.0)
            total = lib.reduce_sum(x)
            y = lib.cond(total > 0,
                         lambda: lib.cond(total > 1, lambda: x * lib.exp(x), lambda: x * x),
                         lambda: lib.sin(x) * v)
            bump = lib.cond(total > 0, lambda: lib.assign_add(v, 1.0),
                            lambda: lib.assign_sub(v, 0.5))
            grads = lib.gradients(lib.reduce_sum(y), [x, v])
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                results.append([sess.run([y] + grads, {x: value}) + [sess.run(bump, {x: value})]
                                for value in xs])  # the read of v and its update: two runs
    for ours, theirs in zip(*results):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_while_loop_values_gradients_and_case_match():
    # An RNN over a fed sequence with a data-dependent stop, a variable read inside the
    # body, nested tf.cond and tf.case; values and gradients of everything, both libraries.
    # The three sequences stop after 1, 3 and 6 steps: each takes another tf.case branch.
    rng = np.random.default_rng(4)
    w0 = (rng.standard_normal((3, 3)) * 0.6).astype(np.float32)
    seqs = [rng.standard_normal((6, 3)).astype(np.float32) for _ in range(3)]
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            xs = lib.placeholder(lib.float32, [6, 3])
            w = lib.Variable(w0)

            def body(t, h):
                step = lib.tanh(lib.matmul(h, w) + lib.gather(xs, [t]))
                h = lib.cond(lib.reduce_sum(step) > 0, lambda: step, lambda: step * 0.5 + h)
                return t + 1, h
            steps, h = lib.while_loop(
                lambda t, h: lib.logical_and(t < 6, lib.reduce_sum(h) < 0.5), body,
                [0, lib.zeros([1, 3])])
            picked = lib.case([(steps < 3, lambda: h * 2.0), (steps < 5, lambda: h - 1.0)],
                              default=lambda: lib.exp(h))
            loss = lib.reduce_sum(picked * picked)
            grads = [lib.convert_to_tensor(g) for g in lib.gradients(loss, [xs, w])]  # dense
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                results.append([sess.run([steps, h, loss] + grads, {xs: s}) for s in seqs])
    for ours, theirs in zip(*results):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_run_time_indices_slices_and_tiles_match():
    # x[t] with the loop counter, slices with tensor bounds, tf.slice with a tensor begin,
    # tf.tile with multiples from tf.shape: values and gradients, both libraries.
    rng = np.random.default_rng(9)
    xv = rng.standard_normal((5, 4)).astype(np.float32)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [None, 4])
            start = lib.placeholder(lib.int32, [2])
            t0 = lib.placeholder(lib.int32, [])
            _, acc = lib.while_loop(lambda t, a: t < lib.shape(x)[0],
                                    lambda t, a: (t + 1, a * 0.5 + lib.sin(x[t, 1:])),
                                    [t0, lib.zeros([3])])
            window = lib.slice(x, start, [2, -1])
            tiled = lib.tile(lib.expand_dims(x[t0], 0), [lib.shape(x)[0], 1])
            loss = lib.reduce_sum(acc) + lib.reduce_sum(window ** 2) + \
                lib.reduce_sum(tiled * x) + lib.reduce_sum(x[t0:t0 + 2, ::-1][:, 0])
            grad = lib.gradients(loss, x)[0]
            with lib.Session(graph=graph) as sess:
                results.append([sess.run([acc, window, tiled, loss, grad],
                                         {x: xv, start: b, t0: t})
                                for b, t in (([0, 1], 0), ([3, 2], 2), ([1, 0], 3))])
    for ours, theirs in zip(*results):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_summaries_and_event_files_match(tmp_path):
    # the serialized summaries, byte for byte; and TF's own reader reads tf0's event file
    rng = np.random.default_rng(10)
    values = [rng.standard_normal(50).astype(np.float32) * 3 for _ in range(2)]
    values.append(np.array([1.0, 2.0, 2.5, -3.0, 0.0, 0.0, 1e-13, -2e30], np.float32))
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [None])
            lib.summary.scalar("mean", lib.reduce_mean(x))
            with lib.name_scope("layer"):
                lib.summary.histogram("values", x)
                lib.summary.scalar("first", x[0], family="parts")
            merged = lib.summary.merge_all()
            with lib.Session(graph=graph) as sess:
                results.append([sess.run(merged, {x: v}) for v in values])
    assert results[0] == results[1]
    with tf0.summary.FileWriter(str(tmp_path)) as writer:
        for step, summary in enumerate(results[0]):
            writer.add_summary(summary, global_step=step * 10)
    (path,) = tmp_path.iterdir()
    events = list(tf1.train.summary_iterator(str(path)))
    assert events[0].file_version == "brain.Event:2"
    assert [e.step for e in events[1:]] == [0, 10, 20]
    for e, v in zip(events[1:], values):
        # "mean_1": op names are unique regardless of case, and reduce_mean made "Mean"
        assert [val.tag for val in e.summary.value] == ["mean_1", "layer/values",
                                                        "parts/layer/parts/first"]
        assert e.summary.value[0].simple_value == np.float32(np.mean(v))
        assert e.summary.value[1].histo.num == len(v)


def test_composite_ops_and_schedules_match():
    rng = np.random.default_rng(12)
    pv = rng.standard_normal((4, 3, 2)).astype(np.float32)
    xv = rng.standard_normal((2, 9, 3)).astype(np.float32)

    def program(tf):
        p = tf.constant(pv)
        x = tf.constant(xv)
        step = tf.constant(13, tf.int64)
        conv = tf.layers.conv1d(x, 4, 3, strides=2, padding="same",
                                kernel_initializer=tf.constant_initializer(0.1))
        picked = tf.gather_nd(p, [[[3, 1], [0, 2]], [[1, 1], [2, 0]]])
        fetches = [
            picked, tf.gradients(tf.reduce_sum(tf.sin(picked)), p)[0],
            tf.scatter_nd([[1, 0], [3, 2], [1, 0]], tf.ones([3, 2]), [4, 3, 2]),
            tf.meshgrid(tf.range(3.0), tf.range(4.0)),
            tf.meshgrid(tf.range(2.0), tf.range(3.0), indexing="ij"),
            tf.linspace(-1.0, 2.0, 7), tf.diag(tf.constant([1.0, 2.0])),
            tf.matrix_diag_part(p), tf.trace(p[:, :2, :]), tf.count_nonzero(p > 0.5),
            tf.is_finite(p / 0.0), tf.nn.selu(p), tf.nn.xw_plus_b(p[0], tf.ones([2, 5]),
                                                                  tf.range(5.0)),
            tf.saturate_cast(p * 1e10, tf.int32),
            tf.nn.conv1d(x, tf.ones([2, 3, 2]) * 0.5, 1, "VALID", dilations=2),
            conv, tf.layers.max_pooling1d(x, 2, 2), tf.layers.average_pooling1d(x, 3, 2),
            tf.train.piecewise_constant(step, [10, 20], [1.0, 0.5, 0.1]),
            tf.train.polynomial_decay(0.1, step, 20, 0.01, power=2.0),
            tf.train.polynomial_decay(0.1, step * 3, 20, 0.01, cycle=True),
            tf.train.inverse_time_decay(0.1, step, 10, 0.5, staircase=True),
            tf.train.natural_exp_decay(0.1, step, 10, 0.5),
            tf.train.cosine_decay(0.1, step, 20, alpha=0.1),
            tf.cumsum(p, 1, exclusive=True, reverse=True), tf.cumprod(p, 2),
            tf.gradients(tf.reduce_sum(tf.cumprod(p, 0) ** 2), p)[0], tf.where(p > 0.3),
            tf.boolean_mask(p, p[:, 0, 0] > 0), tf.boolean_mask(p, p[0] > 0, axis=1),
            tf.unsorted_segment_sum(p, [2, 0, -1, 2], 3), tf.segment_sum(p, [0, 0, 1, 3]),
            tf.math.unsorted_segment_mean(p, [1, 1, 0, 1], 3), tf.math.reduce_std(p, [0, 2]),
            tf.math.reduce_variance(p, 1, keepdims=True), tf.erf(p), tf.math.erfc(p),
            tf.nn.weighted_cross_entropy_with_logits(labels=tf.sigmoid(p[::-1]), logits=p,
                                                     pos_weight=3.0),
            tf.sort(p, axis=1), tf.sort(p, direction="DESCENDING"),
            tf.argsort(tf.round(p * 2.0), axis=0, stable=True),
            tf.gradients(tf.reduce_sum(tf.sort(p, axis=0) * tf.range(4.0)[:, None, None]),
                         p)[0]]
        return fetches, [v.name for v in tf.trainable_variables()]
    (ours, our_names), (theirs, their_names) = _both(program)
    assert our_names == their_names
    for a, b in zip(ours, theirs):
        for x, y in zip(*((v if isinstance(v, list) else [v]) for v in (a, b))):
            np.testing.assert_allclose(x, y, rtol=2e-6, atol=1e-6)


def test_map_fn_scan_and_folds_match():
    rng = np.random.default_rng(6)
    xv = rng.standard_normal((5, 3)).astype(np.float32)
    wv = rng.standard_normal(3).astype(np.float32)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [None, 3])
            w = lib.constant(wv)
            mapped = lib.map_fn(lambda r: lib.sin(r) * w, x)
            scanned = lib.scan(lambda a, r: lib.tanh(a * w + r), mapped, reverse=True)
            pairs = lib.scan(lambda acc, r: (acc[0] + r, acc[1] * r), x,
                             initializer=(lib.zeros([3]), lib.ones([3])))
            left = lib.foldl(lambda a, r: a * 0.9 + r, x)
            right = lib.foldr(lambda a, r: a * r, x, initializer=lib.ones([3]))
            loss = lib.reduce_sum(scanned ** 2) + lib.reduce_sum(pairs[1]) + \
                lib.reduce_sum(left * right)
            grads = lib.gradients(loss, [x, w])
            with lib.Session(graph=graph) as sess:
                results.append(sess.run([mapped, scanned, pairs, left, right, loss, *grads],
                                        {x: xv}))
    ours, theirs = results
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def test_rnn_cells_and_dynamic_rnn_match():
    # Every cell, through dynamic_rnn (with sequence lengths), bidirectional_dynamic_rnn and
    # static_rnn: variable names, outputs, states and gradients, with the same weights.
    rng = np.random.default_rng(7)
    xv = rng.standard_normal((3, 5, 4)).astype(np.float32)
    lengths = np.array([5, 2, 3], np.int32)

    def build(lib):
        cells = lib.nn.rnn_cell
        x = lib.placeholder(lib.float32, [None, 5, 4])
        seq = lib.placeholder(lib.int32, [None])
        fetches = []
        for name, cell in [
                ("rnn", cells.BasicRNNCell(3)),
                ("lstm", cells.BasicLSTMCell(3, forget_bias=0.5)),
                ("peephole", cells.LSTMCell(3, use_peepholes=True, cell_clip=0.8,
                                            num_proj=2, proj_clip=0.5)),
                ("gru", cells.GRUCell(3)),
                ("stack", cells.MultiRNNCell([cells.BasicLSTMCell(3), cells.GRUCell(2)]))]:
            out, state = lib.nn.dynamic_rnn(cell, x, sequence_length=seq, dtype=lib.float32,
                                            scope=name)
            fetches += [out, state]
        (fw, bw), _ = lib.nn.bidirectional_dynamic_rnn(
            cells.GRUCell(2), cells.BasicLSTMCell(2), x, sequence_length=seq,
            dtype=lib.float32)
        steps = lib.unstack(x, axis=1)
        outs, last = lib.nn.static_rnn(cells.BasicLSTMCell(2), steps, dtype=lib.float32,
                                       sequence_length=seq, scope="static")
        fetches += [fw, bw, outs, last]
        return x, seq, fetches

    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x, seq, fetches = build(lib)
            variables = lib.trainable_variables()
            leaves = [t for t in _leaves(fetches)]
            loss = lib.add_n([lib.reduce_sum(t * t) for t in leaves])
            grads = lib.gradients(loss, [x] + variables)
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                weights = np.random.default_rng(8)
                for v in variables:  # the same weights, by name, in both libraries
                    shape = [int(d) for d in v.shape]
                    v.load(weights.standard_normal(shape).astype(np.float32) * 0.5, sess)
                results.append(([v.name for v in variables],
                                sess.run(leaves + [loss] + grads, {x: xv, seq: lengths})))
    (our_names, ours), (their_names, theirs) = results
    assert our_names == their_names
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_tensor_array_loops_match():
    rng = np.random.default_rng(9)
    xv = rng.standard_normal((6, 3)).astype(np.float32)
    wv = (rng.standard_normal((3, 3)) * 0.5).astype(np.float32)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x, w = lib.placeholder(lib.float32, [6, 3]), lib.constant(wv)
            inputs = lib.TensorArray(lib.float32, size=6).unstack(x)

            def body(t, h, outputs):
                h = lib.tanh(lib.matmul(h, w) + lib.expand_dims(inputs.read(t), 0))
                return t + 1, h, outputs.write(t, h[0] * lib.cast(t, lib.float32))
            _, h, outputs = lib.while_loop(lambda t, h, o: t < 6, body,
                                           [0, lib.zeros([1, 3]),
                                            lib.TensorArray(lib.float32, size=6,
                                                            clear_after_read=False)])
            ys = outputs.stack()
            picked = outputs.gather([5, 1])
            loss = lib.reduce_sum(ys * ys) + lib.reduce_sum(picked) + lib.reduce_sum(h)
            grads = lib.gradients(loss, [x, w])
            with lib.Session(graph=graph) as sess:
                results.append(sess.run([ys, picked, loss, *grads], {x: xv}))
    for a, b in zip(*results):  # float32: sums in another order differ in the last bits
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_training_a_recurrent_language_model_matches():
    # Embedding, a two-layer GRU/LSTM stack over padded sequences, sparse softmax loss
    # masked by length, Adam with gradient clipping: five steps, the same weights in both.
    rng = np.random.default_rng(10)
    tokens = rng.integers(0, 7, (4, 6)).astype(np.int32)
    lengths = np.array([6, 3, 5, 1], np.int32)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            ids = lib.placeholder(lib.int32, [None, 6])
            seq = lib.placeholder(lib.int32, [None])
            embedding = lib.get_variable("embedding", [7, 5])
            cell = lib.nn.rnn_cell.MultiRNNCell([lib.nn.rnn_cell.GRUCell(6),
                                                 lib.nn.rnn_cell.BasicLSTMCell(4)])
            out, _ = lib.nn.dynamic_rnn(cell, lib.nn.embedding_lookup(embedding, ids[:, :-1]),
                                        sequence_length=seq - 1, dtype=lib.float32)
            logits = lib.layers.dense(out, 7)
            mask = lib.sequence_mask(seq - 1, 5, dtype=lib.float32)
            xent = lib.nn.sparse_softmax_cross_entropy_with_logits(labels=ids[:, 1:],
                                                                   logits=logits)
            loss = lib.reduce_sum(xent * mask) / lib.reduce_sum(mask)
            opt = lib.train.AdamOptimizer(0.05)
            grads, variables = zip(*opt.compute_gradients(loss))
            clipped, _ = lib.clip_by_global_norm(grads, 1.0)
            train = opt.apply_gradients(zip(clipped, variables))
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                weights = np.random.default_rng(11)
                for v in lib.trainable_variables():
                    v.load((weights.standard_normal([int(d) for d in v.shape]) * 0.4)
                           .astype(np.float32), sess)
                feed = {ids: tokens, seq: lengths}
                losses = [sess.run([loss, train], feed)[0] for _ in range(5)]
                results.append((losses, [v.name for v in lib.trainable_variables()],
                                sess.run(lib.trainable_variables())))
    (ours, our_names, our_values), (theirs, their_names, their_values) = results
    assert our_names == their_names
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    for a, b in zip(our_values, their_values):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


def test_greedy_decoding_loop_matches():
    # A decoder loop of the seq2seq kind: argmax feedback through an embedding, per-sequence
    # finished flags, a data-dependent stop, tokens and logits in TensorArrays; values and
    # the gradient of the chosen logits' sum with respect to every weight.
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            start = lib.placeholder(lib.float32, [None, 4])
            embedding = lib.get_variable("embedding", [6, 4])
            cell = lib.nn.rnn_cell.GRUCell(4)
            project = lib.layers.Dense(6, name="project")
            batch = lib.shape(start)[0]

            def body(t, h, x, finished, tokens, scores):
                out, h = cell(x, h)
                logits = project(out)
                token = lib.cast(lib.argmax(logits, axis=1), lib.int32)
                token = lib.where(finished, lib.zeros_like(token), token)
                score = lib.reduce_max(logits, axis=1) * lib.cast(lib.logical_not(finished),
                                                                    lib.float32)
                finished = lib.logical_or(finished, lib.equal(token, 0))
                return (t + 1, h, lib.nn.embedding_lookup(embedding, token), finished,
                        tokens.write(t, token), scores.write(t, score))
            loop = lib.while_loop(
                lambda t, h, x, finished, tokens, scores: lib.logical_and(
                    t < 7, lib.logical_not(lib.reduce_all(finished))),
                body, [0, lib.zeros_like(start), start, lib.zeros([batch], lib.bool),
                       lib.TensorArray(lib.int32, size=0, dynamic_size=True),
                       lib.TensorArray(lib.float32, size=0, dynamic_size=True)])
            steps, tokens, scores = loop[0], loop[4].stack(), loop[5].stack()
            grads = [lib.convert_to_tensor(g) for g in  # dense (TF1 gives IndexedSlices)
                     lib.gradients(lib.reduce_sum(scores), lib.trainable_variables())]
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                weights = np.random.default_rng(12)
                for v in lib.trainable_variables():
                    v.load((weights.standard_normal([int(d) for d in v.shape]))
                           .astype(np.float32), sess)
                feed = {start: np.random.default_rng(13).standard_normal((5, 4))
                        .astype(np.float32)}
                results.append(sess.run([steps, tokens, scores, *grads], feed))
    ours, theirs = results
    assert 1 < ours[0] <= 7
    np.testing.assert_array_equal(ours[1], theirs[1])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_convolution_pooling_and_conv_layers_match():
    # (TF1's CPU kernels have no dilated backprop; dilation is checked in test_conv.py)
    rng = np.random.default_rng(14)
    xv = rng.standard_normal((2, 9, 8, 3)).astype(np.float32)
    wv = rng.standard_normal((3, 2, 3, 4)).astype(np.float32)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x, w = lib.placeholder(lib.float32, [None, 9, 8, 3]), lib.constant(wv)
            outs = [lib.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"),
                    lib.nn.conv2d(x, w, [1, 2, 3, 1], "VALID"),
                    lib.nn.max_pool(x, [1, 3, 2, 1], [1, 2, 2, 1], "SAME"),
                    lib.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 1, 1], "SAME"),
                    lib.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")]
            h = lib.layers.conv2d(x, 5, (3, 2), strides=2, padding="same",
                                  activation=lib.nn.relu)
            h = lib.layers.average_pooling2d(lib.layers.max_pooling2d(h, 2, 1), 2, 2,
                                             padding="same")
            outs.append(h)
            outs.append(lib.nn.conv2d_transpose(outs[1], w, lib.shape(x), [1, 2, 3, 1],
                                                "VALID"))
            outs.append(lib.layers.conv2d_transpose(outs[0], 2, (2, 3), strides=(2, 1),
                                                    padding="valid"))
            loss = lib.add_n([lib.reduce_sum(lib.sin(o)) for o in outs])
            grads = lib.gradients(loss, [x, w] + lib.trainable_variables())
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                weights = np.random.default_rng(15)
                for v in lib.trainable_variables():
                    v.load(weights.standard_normal([int(d) for d in v.shape])
                           .astype(np.float32), sess)
                results.append(([v.name for v in lib.trainable_variables()],
                                sess.run(outs + [loss] + grads, {x: xv})))
    (our_names, ours), (their_names, theirs) = results
    assert our_names == their_names
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_streaming_metrics_match():
    rng = np.random.default_rng(16)
    batches = [(rng.integers(0, 2, n), rng.integers(0, 2, n), rng.uniform(0, 2, n)
                .astype(np.float32)) for n in (6, 4)]
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            labels, predictions = lib.placeholder(lib.int64, [None]), \
                lib.placeholder(lib.int64, [None])
            weights = lib.placeholder(lib.float32, [None])
            pairs = [lib.metrics.accuracy(labels, predictions, weights=weights),
                     lib.metrics.precision(labels, predictions),
                     lib.metrics.recall(labels, predictions, weights=weights),
                     lib.metrics.mean_squared_error(labels, predictions),
                     lib.metrics.mean_absolute_error(labels, predictions),
                     lib.metrics.mean(lib.cast(predictions, lib.float32) * 2.0)]
            with lib.Session(graph=graph) as sess:
                sess.run(lib.local_variables_initializer())
                updates = [sess.run([u for _, u in pairs], {labels: l, predictions: p,
                                                            weights: w})
                           for l, p, w in batches]
                results.append((sorted(v.name for v in lib.local_variables()), updates,
                                sess.run([v for v, _ in pairs])))
    (our_names, ours, our_values), (their_names, theirs, their_values) = results
    assert our_names == their_names
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    np.testing.assert_allclose(our_values, their_values, rtol=1e-6)


def test_top_k_and_in_top_k_match():
    rng = np.random.default_rng(17)
    xv = rng.integers(0, 5, (4, 7)).astype(np.float32)
    targets = rng.integers(0, 7, 4)
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [None, 7])
            values, indices = lib.nn.top_k(x, 3)
            grad = lib.gradients(lib.reduce_sum(values * [1.0, 2.0, 3.0]), x)[0]
            hits = [lib.nn.in_top_k(x, targets, k) for k in (1, 3)]
            with lib.Session(graph=graph) as sess:
                results.append(sess.run([values, indices, grad, *hits], {x: xv}))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_exponential_moving_average_matches():
    rng = np.random.default_rng(13)
    steps = [rng.standard_normal(3).astype(np.float32) for _ in range(4)]
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            w = lib.Variable(np.ones(3, np.float32), name="w")
            count = lib.placeholder(lib.int64, [])
            ema = lib.train.ExponentialMovingAverage(0.8, num_updates=count)
            update = ema.apply([w])
            names = [ema.average(w).op.name, sorted(ema.variables_to_restore())]
            with lib.Session(graph=graph) as sess:
                sess.run(lib.global_variables_initializer())
                values = []
                for k, v in enumerate(steps):
                    sess.run(lib.assign(w, v))
                    sess.run(update, {count: k * 3})
                    values.append(sess.run(ema.average(w)))
        results.append((names, values))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_more_dataset_transformations_match():
    rows = [np.arange(n, dtype=np.int64) + 1 for n in (2, 4, 1, 3, 2)]

    def pipelines(tf):
        D = tf.data.Dataset
        source = D.from_generator(lambda: iter(rows), tf.int64, [None])
        return [D.zip((D.range(4), D.range(10, 13))),
                D.range(3).concatenate(D.range(7, 9)),
                source.padded_batch(2, padded_shapes=[None]),
                source.padded_batch(2, padded_shapes=[5], padding_values=np.int64(-1)),
                D.from_tensor_slices(np.arange(12).reshape(3, 2, 2)).apply(
                    tf.data.experimental.unbatch() if tf is tf1 else lambda d: d.unbatch()),
                D.range(1, 4).flat_map(lambda n: D.from_tensor_slices(
                    tf.range(n) * 10 + n)),
                D.range(1, 6).interleave(lambda x: D.from_tensors(x).repeat(3),
                                         cycle_length=3, block_length=2),
                D.range(3).cache().repeat(2)]
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            nexts = [lib.data.make_one_shot_iterator(p).get_next()
                     if lib is tf1 else p.make_one_shot_iterator().get_next()
                     for p in pipelines(lib)]
            with lib.Session(graph=graph) as sess:
                streams = []
                for nxt in nexts:
                    values = []
                    while True:
                        try:
                            values.append(sess.run(nxt))
                        except lib.errors.OutOfRangeError:
                            break
                    streams.append(values)
        results.append(streams)
    for ours, theirs in zip(*results):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            for x, y in zip(*((v if isinstance(v, tuple) else (v,)) for v in (a, b))):
                np.testing.assert_array_equal(x, y)


def test_monitored_training_session_schedule_matches(tmp_path):
    # the same loop under both libraries: how many runs, which checkpoints, where it resumes
    batch = np.random.default_rng(14).random((4, 2)).astype(np.float32)
    outcomes = []
    for lib, folder in ((tf0, tmp_path / "tf0"), (tf1, tmp_path / "tf1")):
        graph = lib.Graph()
        with graph.as_default():
            x = lib.placeholder(lib.float32, [None, 2])
            w = lib.Variable(np.ones((2, 1), np.float32), name="w")
            loss = lib.reduce_mean(lib.square(lib.matmul(x, w) - 1.0))
            step = lib.train.get_or_create_global_step()
            train = lib.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
            runs = 0
            with lib.train.MonitoredTrainingSession(
                    checkpoint_dir=str(folder), save_checkpoint_steps=10,
                    save_summaries_steps=None, log_step_count_steps=None,
                    hooks=[lib.train.StopAtStepHook(last_step=25)]) as sess:
                while not sess.should_stop():
                    sess.run(train, {x: batch})
                    runs += 1
        names = os.listdir(folder)
        steps = sorted({int(m.group(1)) for n in names
                        if (m := re.match(r"model\.ckpt-(\d+)\.", n))})
        outcomes.append((runs, steps))
    assert outcomes[0] == outcomes[1]


def test_image_ops_match():
    rng = np.random.default_rng(15)
    batch = rng.random((2, 5, 7, 3)).astype(np.float32)

    def program(tf):
        b = tf.constant(batch)
        fetches = [tf.image.resize_images(b, (8, 4)),
                   tf.image.resize_images(b, (3, 11), align_corners=True),
                   tf.image.resize_nearest_neighbor(b, (9, 5)),
                   tf.image.resize_nearest_neighbor(b, (4, 4), align_corners=True),
                   tf.gradients(tf.reduce_sum(tf.image.resize_bilinear(b, (8, 9)) ** 2), b)[0],
                   tf.image.flip_left_right(b), tf.image.flip_up_down(b[0]),
                   tf.image.transpose_image(b), tf.image.central_crop(b[1], 0.6),
                   tf.image.crop_to_bounding_box(b, 1, 2, 3, 4),
                   tf.image.pad_to_bounding_box(b, 1, 0, 7, 9),
                   tf.image.per_image_standardization(b[0]), tf.image.rgb_to_grayscale(b),
                   tf.image.adjust_contrast(b, 1.7), tf.image.adjust_brightness(b, -0.2)]
        return fetches, None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_layer_regularizers_and_more_losses_match():
    rng = np.random.default_rng(16)
    xv = rng.standard_normal((5, 3)).astype(np.float32)
    a = rng.standard_normal((4, 3)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)

    def program(tf):
        x = tf.constant(xv)
        h = tf.layers.dense(x, 4, kernel_initializer=tf.constant_initializer(0.3),
                            kernel_regularizer=lambda w: 0.1 * tf.reduce_sum(w * w),
                            activity_regularizer=lambda out: 0.01 * tf.reduce_sum(out))
        tf.losses.cosine_distance(a, a[::-1], axis=1)
        tf.losses.hinge_loss(tf.cast(h > 0, tf.float32), h)
        return [tf.losses.get_regularization_loss(), tf.losses.get_total_loss()], \
            len(tf.losses.get_regularization_losses())
    (ours, our_count), (theirs, their_count) = _both(program)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert our_count == their_count == 2


def test_more_array_math_and_activation_composites_match():
    rng = np.random.default_rng(21)
    v = rng.standard_normal((2, 4, 6, 8)).astype(np.float32)
    m = rng.standard_normal((3, 5, 6))
    ints_a = np.array([7, -7, 7, -7, 6, -6, 0], np.int32)
    ints_b = np.array([2, 2, -2, -2, 3, 3, 5], np.int32)
    labels, preds = np.array([0, 1, 2, 2, 1]), np.array([0, 2, 2, 1, 1])

    def program(tf):
        x, mm = tf.constant(v), tf.constant(m)
        y = tf.constant(np.abs(m) + 0.5)
        fetches = [tf.roll(x, [1, -2], [1, 3]), tf.matrix_band_part(mm, 1, 2),
                   tf.matrix_band_part(mm, -1, 0), tf.space_to_depth(x, 2),
                   tf.depth_to_space(x, 2), tf.nn.crelu(mm), tf.nn.softsign(mm),
                   tf.nn.swish(mm), tf.log_sigmoid(mm), tf.nn.zero_fraction(tf.nn.relu(mm)),
                   tf.math.xlogy(mm, y), tf.math.xdivy(mm, y),
                   tf.truncatediv(tf.constant(ints_a), tf.constant(ints_b)),
                   tf.math.reduce_euclidean_norm(mm, 1),
                   tf.math.polyval(list(np.array([1.5, -2.0, 0.5])), mm),
                   tf.confusion_matrix(labels, preds, num_classes=4),
                   tf.gradients(tf.reduce_sum(tf.nn.swish(mm) * tf.log_sigmoid(mm)), mm)[0]]
        return fetches, None
    (ours, _), (theirs, _) = _both(program)
    assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_custom_gradient_and_gradient_override_match():
    v = np.array([-2.0, -0.3, 0.4, 1.6, 2.5])

    def program(tf):
        x = tf.constant(v)

        @tf.custom_gradient
        def clipped_square(t):
            return t * t, lambda dy: tf.clip_by_value(dy * 2.0 * t, -1.0, 1.0)

        name = f"SignThrough-{tf.__name__}"
        tf.RegisterGradient(name)(lambda op, grad: grad * tf.sign(op.inputs[0]))
        with tf.get_default_graph().gradient_override_map({"Round": name}):
            r = tf.round(x)
        y = clipped_square(x)
        return [y, r] + tf.gradients(tf.reduce_sum(y * 3.0) + tf.reduce_sum(r * 2.0), [x]), None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_scatter_updates_of_variables_match():
    rng = np.random.default_rng(23)
    base = rng.standard_normal((5, 3))
    vals = rng.standard_normal((4, 3))

    def program(tf):
        v = tf.Variable(base)
        first = tf.scatter_add(v, [3, 0, 3, 1], vals)  # duplicates add up in both
        with tf.control_dependencies([first]):
            second = tf.scatter_update(v, [4, 2], vals[:2])  # no duplicates: defined in TF1
        with tf.control_dependencies([second]):
            third = tf.scatter_nd_add(v, [[1, 2], [0, 0], [1, 2]], [1.0, 2.0, 3.0])
        with tf.control_dependencies([third]):
            fourth = tf.scatter_nd_update(v, [[2, 1]], [9.0])
        with tf.control_dependencies([fourth]):
            fifth = tf.scatter_sub(v, [1, 1], vals[2:])
        with tf.control_dependencies([fifth]):
            final = tf.identity(v)
        return final, None
    (ours, _), (theirs, _) = _both(program)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_reads_under_control_dependencies_match():
    def program(tf):
        v = tf.Variable(np.arange(3.0))
        bump = tf.assign_add(v, np.ones(3))
        with tf.control_dependencies([bump]):
            after = [tf.identity(v), v * 2.0]
        return after, None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_unique_and_setdiff_match():
    v = np.random.default_rng(25).integers(-4, 5, 40)

    def program(tf):
        x = tf.constant(v)
        y, idx, count = tf.unique_with_counts(x)
        out, pos = tf.setdiff1d(x, tf.constant([0, 3, -4], v.dtype))
        return [y, idx, count, out, pos], None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_fused_batch_norm_matches():
    rng = np.random.default_rng(27)
    v = (rng.standard_normal((2, 3, 4, 5)) * 2 + 1).astype(np.float32)
    scale, offset = rng.uniform(0.5, 2, 5).astype(np.float32), rng.standard_normal(5)

    def program(tf):
        x = tf.constant(v)
        y, m, s = tf.nn.fused_batch_norm(x, scale, offset.astype(np.float32))
        g = tf.gradients(tf.reduce_sum(y * y * x), x)[0]
        y2, _, _ = tf.nn.fused_batch_norm(x, scale, offset.astype(np.float32), mean=m,
                                          variance=s, is_training=False)
        return [y, m, s, g, y2], None
    (ours, _), (theirs, _) = _both(program)
    assert_close(ours, theirs, rtol=2e-4, atol=2e-4)


def test_hessians_match():
    v = np.array([[0.3, -0.2], [0.5, 1.1]])

    def program(tf):
        x = tf.constant(v)
        y = tf.reduce_sum(tf.sin(x) * tf.exp(x)) + tf.reduce_sum(tf.matmul(x, x))
        return tf.hessians(y, x), None
    (ours, _), (theirs, _) = _both(program)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14)


def test_tfrecord_files_and_examples_are_interchangeable(tmp_path):
    """Records and Examples written by each library are read and parsed by the other."""
    spec = {"x": ([3], "float32"), "y": ([], "int64"), "s": ([], "string")}

    def write(tf, path):
        with tf.python_io.TFRecordWriter(path) as writer:
            for k in range(3):
                writer.write(tf.train.Example(features=tf.train.Features(feature={
                    "x": tf.train.Feature(float_list=tf.train.FloatList(value=[k, -k, 0.5])),
                    "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[-7 * k])),
                    "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"r%d" % k]))
                })).SerializeToString())

    def read(tf, path):
        features = {k: tf.FixedLenFeature(shape, getattr(tf, dt)) for k, (shape, dt) in
                    spec.items()}
        records = list(tf.python_io.tf_record_iterator(path))
        with tf.Graph().as_default():
            parsed = tf.parse_example(tf.constant(records), features)
            with tf.Session() as sess:
                out = sess.run(parsed)
        examples = [tf.train.Example.FromString(r) for r in records]
        return out, [e.features.feature["y"].int64_list.value[0] for e in examples]
    results = {}
    for writer_lib in (tf0, tf1):
        path = str(tmp_path / f"{writer_lib.__name__}.tfrecord")
        write(writer_lib, path)
        results[writer_lib.__name__] = [read(lib, path) for lib in (tf0, tf1)]
    for (ours, our_ys), (theirs, their_ys) in results.values():
        assert our_ys == their_ys == [0, -7, -14]
        for key in spec:
            np.testing.assert_array_equal(ours[key], theirs[key])


def test_sparse_tensors_match():
    indices = np.array([[0, 1], [1, 0], [2, 3]], np.int64)  # in order, as TF1 requires
    values = np.array([5.0, -2.0, 7.0])
    b = np.arange(8.0).reshape(4, 2)

    def program(tf):
        sp = tf.SparseTensor(indices, values, [3, 4])
        return [tf.sparse_tensor_to_dense(sp, default_value=-1.0), tf.sparse_reduce_sum(sp, 1),
                tf.sparse_tensor_dense_matmul(sp, b)], None
    (ours, _), (theirs, _) = _both(program)
    for a, c in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)


def test_lrn_and_atrous_conv_match():
    rng = np.random.default_rng(29)
    v = rng.standard_normal((2, 5, 5, 6)).astype(np.float32)  # TF1's LRN is float32 only
    w = rng.standard_normal((3, 3, 6, 4)).astype(np.float32)

    def program(tf):
        x = tf.constant(v)
        y = tf.nn.lrn(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75)
        z = tf.nn.atrous_conv2d(x, tf.constant(w), 2, "SAME")
        return [y, z, tf.gradients(tf.reduce_sum(y * y * x) + tf.reduce_sum(z), x)[0]], None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)


def test_bincount_matches():
    v = np.random.default_rng(31).integers(0, 7, 40).astype(np.int32)
    weights = np.linspace(-1, 1, 40).astype(np.float32)

    def program(tf):
        x = tf.constant(v)
        return [tf.bincount(x), tf.bincount(x, minlength=10), tf.bincount(x, maxlength=4),
                tf.bincount(x, weights=weights)], None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_depthwise_and_separable_convolutions_match():
    rng = np.random.default_rng(33)
    x = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    w = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)
    p = rng.standard_normal((1, 1, 6, 5)).astype(np.float32)

    def program(tf):
        xs = tf.constant(x)
        d = tf.nn.depthwise_conv2d(xs, w, [1, 2, 2, 1], "SAME")
        r = tf.nn.depthwise_conv2d(xs, w, [1, 1, 1, 1], "VALID", rate=[2, 2])
        s = tf.nn.separable_conv2d(xs, w, p, [1, 1, 1, 1], "SAME")
        g = tf.gradients(tf.reduce_sum(d * d) + tf.reduce_sum(s), xs)[0]
        return [d, r, s, g], None
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_uint8_images_convert_and_move_as_in_tf1():
    rng = np.random.default_rng(9)
    image = rng.integers(0, 256, (2, 4, 5, 3)).astype(np.uint8)
    unit = np.concatenate([rng.uniform(0, 1, 20), [0.0, 1.0, 0.5, 0.999]]).astype(np.float32)

    def program(tf):
        x = tf.constant(image)
        f = tf.constant(unit)
        moved = tf.concat([tf.image.flip_left_right(x), x[:, ::-1]], 0)
        return [tf.image.convert_image_dtype(x, tf.float32),
                tf.image.convert_image_dtype(f, tf.uint8),
                tf.image.convert_image_dtype(f, tf.uint8, saturate=True),
                tf.image.convert_image_dtype(x, tf.int32),
                tf.cast(tf.gather(moved, [3, 0], axis=2), tf.float32),
                tf.pad(x, [[0, 0], [1, 1], [2, 0], [0, 0]], mode="REFLECT")], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_dynamic_partition_and_stitch_match():
    rng = np.random.default_rng(12)
    data = rng.standard_normal((7, 3)).astype(np.float32)
    parts = np.array([2, 0, 2, 3, 0, 2, 0], np.int32)
    grid = rng.standard_normal((2, 3, 2)).astype(np.float32)
    grid_parts = np.array([[1, 0, 1], [0, 0, 1]], np.int32)

    def program(tf):
        x = tf.constant(data)
        outs = tf.dynamic_partition(x, parts, 4)  # partition 1 stays empty
        places = tf.dynamic_partition(tf.range(7), parts, 4)
        back = tf.dynamic_stitch(places, outs)
        dup = tf.dynamic_stitch([tf.constant([[0, 5], [2, 2]]), tf.constant([5, 1])],
                                [tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([7.0, 8.0])])
        empty = tf.dynamic_stitch([tf.constant(np.zeros(0, np.int32))],
                                  [tf.constant(np.zeros((0, 2), np.float32))])
        loss = tf.reduce_sum(tf.square(back) * tf.range(1.0, 4.0))
        return [outs, back, dup, empty, tf.gradients(loss, x)[0],
                tf.dynamic_partition(tf.constant(grid), grid_parts, 2)], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours[1:5], theirs[1:5]):
        np.testing.assert_array_equal(a, b)
    for listed in (0, 5):
        for a, b in zip(ours[listed], theirs[listed]):
            assert a.shape == b.shape
            np.testing.assert_array_equal(a, b)


def test_sampled_losses_match_for_given_candidates():
    rng = np.random.default_rng(21)
    weights = rng.standard_normal((30, 5)).astype(np.float32)
    biases = rng.standard_normal(30).astype(np.float32)
    inputs = rng.standard_normal((3, 5)).astype(np.float32)
    labels = np.array([[4, 9], [2, 2], [17, 0]], np.int64)
    sampled = np.array([9, 1, 2, 25], np.int64)
    true_count = rng.uniform(0.1, 0.9, (3, 2)).astype(np.float32)
    sampled_count = rng.uniform(0.1, 0.9, 4).astype(np.float32)

    def program(tf):
        w, b, x = tf.constant(weights), tf.constant(biases), tf.constant(inputs)
        values = (tf.constant(sampled), tf.constant(true_count), tf.constant(sampled_count))
        out = []
        for loss, hits in ((tf.nn.nce_loss, False), (tf.nn.nce_loss, True),
                           (tf.nn.sampled_softmax_loss, True),
                           (tf.nn.sampled_softmax_loss, False)):
            value = loss(w, b, labels, x, 4, 30, num_true=2, sampled_values=values,
                         remove_accidental_hits=hits)
            out += [value, tf.gradients(tf.reduce_sum(value * [1.0, 2.0, 3.0]), [w, x])]
        return out, []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours[0::2], theirs[0::2]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-5)
    for (gw, gx), (tw, tx) in zip(ours[1::2], theirs[1::2]):
        if hasattr(tw, "indices"):  # TF1's gradient of a gather: IndexedSlices
            dense = np.zeros(tw.dense_shape, np.float64)
            np.add.at(dense, tw.indices, tw.values)
            tw = dense
        np.testing.assert_allclose(gw, tw, rtol=2e-5, atol=1e-5)
        np.testing.assert_allclose(gx, tx, rtol=2e-5, atol=1e-5)


def test_crop_or_pad_where_v2_and_relu_layer_match():
    rng = np.random.default_rng(31)
    x = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)
    v = rng.standard_normal((3, 4)).astype(np.float32)

    def program(tf):
        images = tf.constant(x)
        crop_pad = [tf.image.resize_image_with_crop_or_pad(images, h, w)
                    for h, w in ((3, 8), (7, 4), (5, 6), (2, 1))]
        picked = tf.where_v2(images > 0, images, tf.zeros([6, 1]))
        relu_layer = tf.nn.relu_layer(tf.constant(v), tf.ones([4, 2]), tf.constant([0.5, -9.0]))
        return [crop_pad, picked, relu_layer], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def test_moment_helpers_segment_mean_and_cross_match():
    rng = np.random.default_rng(41)
    x = rng.standard_normal((2, 3, 4))
    w = rng.uniform(0.1, 2.0, (2, 3, 1))

    def program(tf):
        t = tf.constant(x)
        count, mean_ss, var_ss, _ = tf.nn.sufficient_statistics(t, [0, 2])
        shifted = tf.nn.sufficient_statistics(t, [1], shift=tf.constant(0.5, tf.float64),
                                              keep_dims=True)
        return [[count, mean_ss, var_ss], list(shifted),
                tf.nn.normalize_moments(count, mean_ss, var_ss, None),
                tf.nn.normalize_moments(*shifted),
                tf.nn.weighted_moments(t, [1], tf.constant(w)),
                tf.nn.weighted_moments(t, [1, 2], tf.constant(w), keep_dims=True),
                tf.segment_mean(tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]),
                                tf.constant([0, 0, 1, 3, 3])),
                tf.cross(tf.constant(x[:, :, :3]), tf.constant(x[:, :, 1:]))], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        for u, v in zip(a if isinstance(a, (list, tuple)) else [a],
                        b if isinstance(b, (list, tuple)) else [b]):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-12)


def test_image_summaries_match():
    rng = np.random.default_rng(51)
    floats = rng.uniform(-1, 2, (3, 4, 6, 3)).astype(np.float32)
    floats[2] = np.abs(floats[2])
    floats[0, 0, 1, 2] = np.inf
    gray = rng.integers(0, 256, (2, 5, 3, 1)).astype(np.uint8)

    def program(tf):
        return [tf.summary.image("pics", tf.constant(floats), max_outputs=3),
                tf.summary.image("gray", tf.constant(gray), max_outputs=1)], []
    (ours, _), (theirs, _) = _both(program)
    with tf1.Graph().as_default():
        encoded = tf1.placeholder(tf1.string, [])
        decode = tf1.image.decode_png(encoded)
        with tf1.Session() as sess:
            for a, b in zip(ours, theirs):
                va, vb = tf1.Summary.FromString(a).value, tf1.Summary.FromString(b).value
                assert [v.tag for v in va] == [v.tag for v in vb]
                for x, y in zip(va, vb):
                    assert (x.image.height, x.image.width, x.image.colorspace) == \
                        (y.image.height, y.image.width, y.image.colorspace)
                    np.testing.assert_array_equal(
                        sess.run(decode, {encoded: x.image.encoded_image_string}),
                        sess.run(decode, {encoded: y.image.encoded_image_string}))


def test_hsv_conversions_and_color_adjustments_match():
    rng = np.random.default_rng(61)
    rgb = rng.uniform(0, 1, (2, 4, 5, 3)).astype(np.float32)
    rgb[0, 0, :3] = [[0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [1.0, 0.2, 0.2]]  # gray, black, red
    rgb[0, 1, :2] = [[0.3, 0.9, 0.3], [0.2, 0.2, 0.9]]  # a green and a blue maximum
    pixels = (rgb * 255).astype(np.uint8)

    def program(tf):
        x = tf.constant(rgb)
        hsv = tf.image.rgb_to_hsv(x)
        return [hsv, tf.image.hsv_to_rgb(hsv),
                tf.image.adjust_hue(x, 0.3), tf.image.adjust_hue(x, -0.45),
                tf.image.adjust_saturation(x, 0.4), tf.image.adjust_saturation(x, 3.0),
                tf.image.adjust_hue(tf.constant(pixels), 0.2),
                tf.image.adjust_saturation(tf.constant(pixels), 1.7),
                tf.image.adjust_brightness(tf.constant(pixels), 0.2),
                tf.image.adjust_contrast(tf.constant(pixels), 1.6),
                tf.image.rgb_to_grayscale(tf.constant(pixels))], []
    (ours, _), (theirs, _) = _both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.dtype
        if a.dtype == np.uint8:  # rounding of a value a hair from .5 may differ by one
            assert np.abs(a.astype(int) - b).max() <= 1, k
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-6, err_msg=str(k))


def test_histogram_fixed_width_and_searchsorted_match():
    rng = np.random.default_rng(71)
    values = rng.uniform(-3, 8, 500)
    seq = np.sort(rng.integers(0, 20, (3, 12)), axis=1).astype(np.int32)
    probes = rng.integers(-2, 22, (3, 7)).astype(np.int32)

    def program(tf):
        return [tf.histogram_fixed_width(tf.constant(values), [0.0, 5.0], nbins=7),
                tf.histogram_fixed_width(tf.constant(values.astype(np.float32)),
                                         tf.constant([-1.0, 6.0], tf.float32), nbins=3,
                                         dtype=tf.int64),
                tf.searchsorted(seq, probes), tf.searchsorted(seq, probes, side="right"),
                tf.searchsorted(np.sort(values), values[:20], out_type=tf.int64)], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_inverse_determinant_and_solve_match_with_gradients():
    rng = np.random.default_rng(81)
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((2, 3, 2))
    shapes = [(2, 3, 3), (2, 3, 3), (2,), (2, 3, 2), (2, 3, 2), (3, 3), (), (3, 2)]
    weights = [rng.standard_normal(s) for s in shapes]

    def program(tf):
        ta, tb = tf.constant(a), tf.constant(b)
        outs = [tf.matrix_inverse(ta), tf.matrix_inverse(ta, adjoint=True),
                tf.matrix_determinant(ta), tf.matrix_solve(ta, tb),
                tf.matrix_solve(ta, tb, adjoint=True), tf.linalg.inv(ta[0]),
                tf.linalg.det(ta[1]), tf.linalg.solve(ta[0], tb[0])]
        loss = tf.add_n([tf.reduce_sum(o * w) for o, w in zip(outs, weights)])
        return [outs, tf.gradients(loss, [ta, tb])], []
    (ours, _), (theirs, _) = _both(program)
    for a_, b_ in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(a_, b_, rtol=1e-10, atol=1e-12)


def test_segment_extremes_match_with_ties_and_empty_segments():
    data = np.array([[1.0, 5.0], [3.0, 2.0], [3.0, 7.0], [0.0, 2.0], [-4.0, 1.0]])
    ints = np.array([4, -2, 9, 9, 0], np.int32)
    weights = np.arange(10.0).reshape(5, 2) - 3

    def program(tf):
        x = tf.constant(data)
        mx = tf.unsorted_segment_max(x, [0, 2, 0, 2, -1], 5)  # ties, empty segments 1, 3, 4
        mn = tf.unsorted_segment_min(x, [[0, 1, 1, 3, 3]][0], 4)
        out = [mx, mn, tf.segment_max(x, [0, 0, 1, 1, 3]), tf.segment_min(x, [0, 1, 1, 2, 2]),
               tf.unsorted_segment_max(tf.constant(ints), [1, 1, 0, 0, 2], 4)]
        loss = tf.reduce_sum(mx[:3] * weights[:3]) + tf.reduce_sum(mn[:4] * weights[:4])
        return out + [tf.gradients(loss, x)[0]], []
    (ours, _), (theirs, _) = _both(program)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_train_op_names_match():
    def program(tf):
        w = tf.Variable(1.0)
        gs = tf.train.get_or_create_global_step()
        ops = [tf.train.GradientDescentOptimizer(0.1).minimize(w * w, name="train"),
               tf.train.GradientDescentOptimizer(0.1).minimize(w * w),
               tf.train.AdamOptimizer(0.1).minimize(w * w),
               tf.train.MomentumOptimizer(0.1, 0.9).minimize(w * w, global_step=gs, name="t"),
               tf.train.RMSPropOptimizer(0.1).minimize(w * w, global_step=gs)]
        return [], [op.name for op in ops]
    (_, ours), (_, theirs) = _both(program)
    assert ours == theirs


def test_make_template_variable_names_match():
    def program(tf):
        def layer(x, units):
            w = tf.get_variable("w", [2, units])
            return tf.matmul(x, w)
        with tf.variable_scope("outer"):
            t = tf.make_template("dense", layer, units=3)
            t(tf.ones([1, 2]))
            t(tf.ones([4, 2]))
        tf.make_template("dense", layer, units=2)(tf.ones([1, 2]))
        return [], lambda lib: [v.op.name for v in lib.global_variables()]
    (_, ours), (_, theirs) = _both(program)
    assert ours == theirs
