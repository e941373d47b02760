"""Feature columns through tf0 and TensorFlow's compat.v1: input_layer's values, and the
variables that embedding columns and linear_model make (skipped without TensorFlow)."""
import numpy as np

import tf0
from tf1_reference import tf1


def both(program):
    """[(values, extra)] of program(lib) in tf0 and TF1, with lookup tables initialized."""
    results = []
    for lib in (tf0, tf1):
        with lib.Graph().as_default() as graph:
            fetches, extra = program(lib)
            with lib.Session(graph=graph) as sess:
                sess.run([lib.global_variables_initializer(), lib.tables_initializer()])
                results.append((sess.run(fetches), extra(lib)))
    return results


def test_input_layer_values_and_variable_names_match():
    def program(tf):
        fc = tf.feature_column
        features = {"x": tf.constant([[0.5, -2.0], [3.0, 1.0], [-1.0, 0.0]]),
                    "color": tf.constant([["red"], ["blue"], ["pink"]]),
                    "size": tf.constant([[2], [0], [3]], tf.int64)}
        x = fc.numeric_column("x", shape=[2])
        color = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"])
        size = fc.categorical_column_with_identity("size", 4)
        dense = fc.input_layer(features, [x, fc.bucketized_column(x, [-1.0, 0.0, 2.0]),
                                          fc.indicator_column(color),
                                          fc.indicator_column(size)])
        embedded = fc.input_layer(features, [fc.embedding_column(size, 3),
                                             fc.embedding_column(color, 2, combiner="sum")])
        linear = fc.linear_model(features, [x, color, size], units=2)
        names = lambda lib: sorted((v.op.name, tuple(v.shape.as_list()))  # noqa: E731
                                   for v in lib.global_variables())
        return [dense, tf.shape(embedded), tf.shape(linear)], names
    (ours, our_vars), (theirs, their_vars) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert our_vars == their_vars
