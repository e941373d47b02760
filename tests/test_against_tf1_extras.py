"""TF1's smaller array, segment and check functions through tf0 and TensorFlow's compat.v1,
with gradients, a frozen graph's import, and the graph a FileWriter writes as TF1 reads it
(skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both

RNG = np.random.default_rng(121)


def test_array_extras_and_segment_products_match():
    x = RNG.standard_normal((2, 6, 4, 3))
    data = RNG.standard_normal((7, 3))
    data[2, 1] = 0.0
    data[5, :] = 0.0
    ids = np.array([0, 0, 1, 1, 1, 3, 3])
    table = RNG.standard_normal((3, 5, 2))

    def program(tf):
        xt, dt, tt = tf.constant(x), tf.constant(data), tf.constant(table)
        s2b = tf.space_to_batch_nd(xt, [2, 2], [[0, 0], [1, 1]])
        outs = [s2b, tf.batch_to_space_nd(s2b, [2, 2], [[0, 0], [1, 1]]),
                tf.space_to_batch(xt, [[0, 0], [0, 0]], block_size=2),
                tf.batch_gather(tt, [[4, 0], [1, 1], [2, 3]]),
                tf.unravel_index([0, 5, 17, 23], [2, 3, 4]),
                tf.repeat(tt[0], [1, 0, 2, 1, 3], axis=0), tf.repeat(tt[1, 0], 3),
                tf.tensor_scatter_nd_update(tt, [[0, 1], [2, 4]], tf.ones([2, 2], tf.float64)),
                tf.tensor_scatter_nd_add(tt, [[1]], tf.ones([1, 5, 2], tf.float64)),
                tf.unsorted_segment_prod(dt, ids, 5), tf.segment_prod(dt, ids),
                tf.math.unsorted_segment_sqrt_n(dt, ids, 4),
                tf.histogram_fixed_width_bins(dt, tf.constant([-1.0, 1.0], tf.float64), nbins=5),
                tf.broadcast_dynamic_shape(tf.shape(xt), [4, 1])]
        floats = [o for o in outs if o.dtype == tf.float64]
        grads = tf.gradients(tf.add_n([tf.reduce_sum(o * o) for o in floats]), [xt, dt, tt])
        # TF1's clip_by_average_norm works in float32 only
        clipped = tf.clip_by_average_norm(tf.cast(dt, tf.float32), 0.1)
        return outs + grads + [clipped], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert np.asarray(a).shape == np.asarray(b).shape, k
        rtol = 2e-6 if k == len(ours) - 1 else 1e-10
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12, err_msg=str(k))


def test_schedules_and_deterministic_initializers_match():
    def program(tf):
        values = []
        for step in (0, 7, 23, 60, 150):
            gs = tf.constant(step, tf.int64)
            values += [tf.train.cosine_decay_restarts(0.5, gs, 10, t_mul=2.0, m_mul=0.7,
                                                      alpha=0.1),
                       tf.train.cosine_decay_restarts(0.5, gs, 10, t_mul=1.0),
                       tf.train.linear_cosine_decay(0.5, gs, 100, num_periods=2.0, alpha=0.1),
                       tf.train.piecewise_constant_decay(gs, [10, 50], [1.0, 0.5, 0.1])]
        eye = tf.get_variable("eye", [3, 4], initializer=tf.initializers.identity(2.0))
        return values + [eye], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-6)



def test_a_frozen_graph_imports_as_tf1s_does():
    import tf0
    from tf1_reference import tf1
    inputs = RNG.standard_normal((5, 3)).astype(np.float32)
    kernel = RNG.standard_normal((3, 2)).astype(np.float32)
    results = []
    for tf in (tf0, tf1):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 3], name="x")
            w = tf.Variable(kernel, name="w")
            tf.nn.relu(tf.matmul(x, w) + 0.5, name="out")
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                frozen = tf.graph_util.convert_variables_to_constants(sess, sess.graph_def,
                                                                      ["out"])
        data = frozen.SerializeToString()
        with tf.Graph().as_default():
            graph_def = tf.GraphDef()
            graph_def.ParseFromString(data)
            fed = tf.placeholder(tf.float32, [None, 3])
            out, op = tf.import_graph_def(graph_def, input_map={"x:0": fed},
                                          return_elements=["out:0", "out"], name="served")
            again = tf.import_graph_def(graph_def, return_elements=["out:0"])[0]
            with tf.Session() as sess:
                results.append((sess.run(out, {fed: inputs}), out.name, op.name, again.name,
                                sorted(n.op for n in graph_def.node if "Variable" in n.op)))
    (ours, *our_names), (theirs, *their_names) = results
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert our_names == their_names


def test_tf1_reads_the_graph_a_file_writer_writes(tmp_path):
    """TensorBoard's view of a tf0 graph: TF1 reads the event file and parses the graph
    as its GraphDef, with tf0's nodes, inputs, dtypes, shapes and constants."""
    import tf0
    from tf1_reference import tf1
    kernel = RNG.standard_normal((3, 2)).astype(np.float32)
    with tf0.Graph().as_default() as graph:
        x = tf0.placeholder(tf0.float32, [None, 3], name="x")
        w = tf0.Variable(kernel, name="w")
        loss = tf0.reduce_sum(tf0.nn.relu(tf0.matmul(x, w)), name="loss")
        tf0.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf0.Session() as sess:
            tf0.summary.FileWriter(str(tmp_path), sess.graph).close()
    (path,) = tmp_path.iterdir()
    (event,) = [e for e in tf1.train.summary_iterator(str(path)) if e.HasField("graph_def")]
    graph_def = tf1.GraphDef.FromString(event.graph_def)
    ops = graph.get_operations()
    assert [(n.name, n.op) for n in graph_def.node] == [(op.name, op.type) for op in ops]
    for node, op in zip(graph_def.node, ops):
        want = [t.op.name if t.value_index == 0 else t.name for t in op.inputs]
        assert list(node.input) == want + ["^" + c.name for c in op.control_inputs]
        shapes = node.attr["_output_shapes"].list.shape
        assert [[d.size for d in s.dim] for s in shapes] == \
            [[-1 if d is None else d for d in t.shape.as_list()] for t in op.outputs]
    nodes = {n.name: n for n in graph_def.node}
    assert tf1.as_dtype(nodes["x"].attr["dtype"].type) == tf1.float32
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 3]
    initial = [n for n in graph_def.node if n.name.startswith("w/") and n.op == "Const"]
    np.testing.assert_array_equal(tf1.make_ndarray(initial[0].attr["value"].tensor), kernel)
    assert nodes["MatMul"].attr["transpose_a"].b is False


def test_edit_distances_match():
    rng = np.random.default_rng(8)
    rows_h = [list(rng.integers(0, 4, rng.integers(0, 6))) for _ in range(6)]
    rows_t = [list(rng.integers(0, 4, rng.integers(0, 6))) for _ in range(5)]
    rows_t[1] = []

    def sparse(tf, rows, width):
        indices = [[b, 0, t] for b, row in enumerate(rows) for t in range(len(row))]
        values = [v for row in rows for v in row]
        return tf.SparseTensor(np.array(indices, np.int64).reshape(-1, 3),
                               np.array(values, np.int64), [len(rows), 1, width])

    def program(tf):
        hyp, truth = sparse(tf, rows_h, 6), sparse(tf, rows_t, 7)
        return [tf.edit_distance(hyp, truth), tf.edit_distance(hyp, truth, normalize=False)], None
    (ours, _), (theirs, _) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_mean_pairwise_squared_error_matches_with_gradients():
    labels = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    predictions = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    weights = np.array([1.0, 0.0, 2.0, 0.5], np.float32)

    def program(tf):
        p = tf.constant(predictions)
        outs = [tf.losses.mean_pairwise_squared_error(labels, p),
                tf.losses.mean_pairwise_squared_error(labels, p, weights[:, None, None]),
                tf.losses.mean_pairwise_squared_error(labels, p, 0.0),
                tf.losses.mean_pairwise_squared_error(labels[:, :1, :1], p[:, :1, :1])]
        return outs + tf.gradients(outs[1], [p]), None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_bucket_by_sequence_length_matches():
    import tf0
    from tf1_reference import tf1
    lengths = np.random.default_rng(3).integers(1, 12, 23)

    def sequences():
        return [np.arange(n, dtype=np.int64) + 1 for n in lengths]
    results = []
    for lib in (tf0, tf1):
        batches = []
        with lib.Graph().as_default():
            for options in ({}, {"pad_to_bucket_boundary": True}, {"drop_remainder": True}):
                data = lib.data.Dataset.from_generator(sequences, lib.int64, [None]).map(
                    lambda x: (x, lib.size(x))).apply(
                    lib.data.experimental.bucket_by_sequence_length(
                        lambda x, n: n, [3, 6, 13], [2, 3, 4, 5], **options))
                element = data.make_one_shot_iterator().get_next()
                with lib.Session() as sess:
                    while True:
                        try:
                            padded, length = sess.run(element)
                        except lib.errors.OutOfRangeError:
                            break
                        batches.append((padded.tolist(), length.tolist()))
        results.append(batches)
    assert results[0] == results[1]
