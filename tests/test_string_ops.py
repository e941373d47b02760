"""tf.strings against Python's own string handling, and their errors."""
import numpy as np
import pytest

import tf0 as tf


def test_elementwise_string_ops_follow_python():
    words = ["  Tea Cup ", "héllo", "a1b22c333"]
    s = tf.constant(words)
    with tf.Session() as sess:
        got = sess.run([tf.strings.strip(s), tf.strings.upper(s), tf.strings.length(s),
                        tf.strings.length(s, unit="UTF8_CHAR"),
                        tf.regex_replace(s, r"\d+", "#"), tf.substr(s, 1, 2),
                        tf.string_join([s, "/", s]), tf.reduce_join(s, separator="|")])
    raw = [w.encode() for w in words]
    assert got[0].tolist() == [w.strip() for w in raw]
    assert got[1].tolist() == [w.upper() for w in raw]
    assert got[2].tolist() == [len(w) for w in raw] and got[3].tolist() == [len(w) for w in words]
    assert got[4].tolist() == [b"  Tea Cup ", "héllo".encode(), b"a#b#c#"]
    assert got[5].tolist() == [w[1:3] for w in raw]
    assert got[6].tolist() == [w + b"/" + w for w in raw]
    assert got[7] == b"|".join(raw)


def test_splits_give_sparse_tensors_and_numbers_parse():
    lines = tf.constant(["the cat  sat", "", "a"])
    sp = tf.string_split(lines)
    dense = tf.sparse_tensor_to_dense(sp, default_value="")
    with tf.Session() as sess:
        value, numbers = sess.run([dense, tf.string_to_number(["4.25", "-1e3"])])
        assert value.tolist() == [[b"the", b"cat", b"sat"], [b"", b"", b""],
                                  [b"a", b"", b""]]
        np.testing.assert_array_equal(numbers, np.float32([4.25, -1000.0]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly"):
            sess.run(tf.string_to_number(["12x"]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
            sess.run(tf.substr(["ab"], 5, 1))
    with pytest.raises(ValueError, match="vector"):
        tf.string_split(tf.constant([["a"]]))
