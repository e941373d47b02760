"""Feature columns through tf0 and TensorFlow's compat.v1: input_layer's values, and the
variables that embedding columns and linear_model make (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import both


def _variables(lib):
    return sorted((v.op.name, tuple(v.shape.as_list())) for v in lib.global_variables())


def _assert_same(program):
    """program(lib) -> (fetches, extra) gives equal values and extras in tf0 and TF1."""
    (ours, our_extra), (theirs, their_extra) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert our_extra == their_extra


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
        return [dense, tf.shape(embedded), tf.shape(linear)], _variables
    _assert_same(program)


def test_hashed_crossed_and_out_of_vocabulary_columns_match():
    def program(tf):
        fc = tf.feature_column
        features = {"city": tf.constant([["paris", "oslo"], ["rome", ""], ["lima", "oslo"]]),
                    "year": tf.constant([[2001], [-1], [1999]], tf.int64),
                    "zip": tf.constant([[75001], [123], [-1]], tf.int64),
                    "age": tf.constant([[31.0], [12.0], [70.0]])}
        city = fc.categorical_column_with_hash_bucket("city", 7)
        year = fc.categorical_column_with_vocabulary_list("year", [1999, 2000],
                                                          num_oov_buckets=3)
        zips = fc.categorical_column_with_hash_bucket("zip", 4, dtype=tf.int64)
        age = fc.bucketized_column(fc.numeric_column("age"), [18.0, 65.0])
        crossed = fc.crossed_column(["city", year, age], 11)
        nested = fc.crossed_column([crossed, "city"], 5, hash_key=12345)
        dense = fc.input_layer(features, [fc.indicator_column(c) for c in
                                          (city, year, zips, crossed, nested)])
        embedded = fc.input_layer(features, [fc.embedding_column(crossed, 3)])
        linear = fc.linear_model(features, [city, crossed, year], units=2)
        return [dense, tf.shape(embedded), tf.shape(linear)], _variables
    _assert_same(program)


def test_parsed_var_len_features_match():
    from test_feature_columns import _sparse_columns, _tagged_examples

    def program(tf):
        fc = tf.feature_column
        columns = _sparse_columns(fc)
        columns.append(fc.crossed_column([columns[2].categorical_column, "tags"], 7))
        spec = fc.make_parse_example_spec(columns[:4])
        parsed = tf.parse_example(_tagged_examples(tf), spec)
        dense = fc.input_layer(parsed, columns[:4])
        linear = fc.linear_model(parsed, columns[1:], units=2)
        spec_text = sorted((k, type(v).__name__, v.dtype.name) for k, v in spec.items())
        return [dense, tf.shape(linear)], spec_text
    _assert_same(program)
