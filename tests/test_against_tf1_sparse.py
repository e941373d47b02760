"""SparseTensor ops through tf0 and TensorFlow's compat.v1: every component of every
result, and gradients of the values (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both

IDX = [[0, 3], [1, 0], [0, 1], [2, 2], [1, 4]]  # deliberately out of order
VALS = [1.0, -2.0, 3.0, 0.5, 4.0]


def test_sparse_ops_match_component_by_component():
    def program(tf):
        values = tf.constant(VALS, tf.float64)
        a = tf.SparseTensor(IDX, values, [3, 5])
        b = tf.SparseTensor([[0, 1], [2, 0], [1, 4]], tf.constant([10.0, 20.0, -4.0],
                                                                  tf.float64), [3, 5])
        ordered = tf.sparse_reorder(a)
        parts = [ordered, tf.sparse_reshape(ordered, [5, -1]), tf.sparse_transpose(a),
                 tf.sparse_retain(ordered, [True, False, True, True, False]),
                 tf.sparse_concat(1, [ordered, tf.sparse_reorder(b)]),
                 tf.sparse_concat(0, [ordered, tf.sparse_reorder(b)]),
                 tf.sparse_add(ordered, tf.sparse_reorder(b)),
                 tf.sparse_add(ordered, tf.sparse_reorder(b), thresh=1.0),
                 tf.sparse_softmax(ordered),
                 tf.sparse.expand_dims(ordered, 1),
                 tf.sparse_fill_empty_rows(tf.sparse_retain(ordered, [True, True, False,
                                                                      False, True]), -1.0)[0]]
        outs = []
        for p in parts:
            outs += [p.indices, p.values, p.dense_shape]
        outs += [tf.sparse_reduce_max(ordered), tf.sparse_reduce_max(ordered, axis=1),
                 tf.sparse_to_indicator(tf.SparseTensor([[0, 0], [0, 1], [1, 0]],
                                                        tf.constant([2, 0, 3], tf.int64),
                                                        [2, 2]), 4),
                 tf.sparse_to_dense([[0, 1], [2, 3]], [3, 4], [5.0, 6.0], default_value=-1.0),
                 tf.sparse_segment_sum(tf.reshape(values, [5, 1]), [0, 2, 4, 1], [0, 0, 1, 3]),
                 tf.sparse_segment_mean(tf.reshape(values, [5, 1]), [0, 2, 4], [0, 1, 1]),
                 tf.sparse_segment_sqrt_n(tf.reshape(values, [5, 1]), [3, 2, 4], [0, 0, 2])]
        # (TF1 does not differentiate sparse_concat, which tf0 does: left out of the loss)
        loss = tf.add_n([tf.reduce_sum(p.values * p.values) for k, p in enumerate(parts[:-1])
                         if k not in (4, 5)])
        outs += [tf.convert_to_tensor(g) for g in tf.gradients(loss, [values])]
        return outs, None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-12)


def test_sparse_slice_and_split_match_with_gradients():
    indices = np.array([[0, 0], [0, 3], [1, 1], [2, 4], [3, 2], [3, 4]], np.int64)
    values = np.arange(1.0, 7.0)

    def program(tf):
        v = tf.constant(values)
        sp = tf.SparseTensor(indices, v, [4, 5])
        parts = [tf.sparse.slice(sp, [1, 1], [2, 10]), tf.sparse.slice(sp, [3, 0], [5, 5]),
                 tf.sparse_slice(sp, [0, 5], [4, 3]),
                 *tf.sparse.split(sp_input=sp, num_split=3, axis=1),
                 *tf.sparse_split(sp_input=sp, num_split=2, axis=0)]
        outs = [t for p in parts for t in (p.indices, p.values, p.dense_shape)]
        # (TF1 has no gradient for sparse split, which tf0 has: left out of the loss)
        loss = tf.add_n([tf.reduce_sum(p.values * p.values) for p in parts[:3]])
        return outs + [tf.convert_to_tensor(tf.gradients(loss, [v])[0])], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-12)
