"""Ops whose number of outputs depends on their arguments, given arguments that make one
output: the value has the output's own shape (a split into one part, a CSV of one column,
an Example parse of one dense feature)."""
import numpy as np

import tf0 as tf


def test_ops_of_one_output_give_the_value_itself():
    x = np.arange(12.0).reshape(3, 4)
    example = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, -2.0]))}))
    placeholder = tf.placeholder(tf.float64, [3, None])
    fetches = {
        "split": tf.split(placeholder, 1, axis=1)[0],
        "unstack": tf.unstack(tf.constant(x[None]))[0],
        "csv": tf.decode_csv(tf.constant(["1.5", "-2"]), [[0.0]])[0],
        "parse": tf.parse_example(tf.constant([example.SerializeToString()] * 2),
                                  {"a": tf.FixedLenFeature([2], tf.float32)})["a"]}
    with tf.Session() as sess:
        got = sess.run(fetches, {placeholder: x})
    np.testing.assert_array_equal(got["split"], x)
    np.testing.assert_array_equal(got["unstack"], x)
    np.testing.assert_array_equal(got["csv"], np.float32([1.5, -2.0]))
    np.testing.assert_array_equal(got["parse"], np.float32([[1.5, -2.0]] * 2))
