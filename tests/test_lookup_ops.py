"""Lookup tables and contrib's index tables against dict lookups made here."""
import numpy as np
import pytest

import tf0 as tf


def test_index_tables_both_ways(tmp_path):
    vocab = ["the", "cat", "sat"]
    (tmp_path / "v.txt").write_text("\n".join(vocab) + "\n")
    words = tf.constant([["cat", "dog"], ["sat", "the"]])
    to_id = tf.contrib.lookup.index_table_from_tensor(vocab)
    to_id_file = tf.contrib.lookup.index_table_from_file(str(tmp_path / "v.txt"),
                                                         default_value=-5)
    to_word = tf.contrib.lookup.index_to_string_table_from_tensor(vocab)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        ids, ids_file, back = sess.run([to_id.lookup(words), to_id_file.lookup(words),
                                        to_word.lookup(tf.constant([2, 0, 9], tf.int64))])
    assert ids.dtype == np.int64 and ids.tolist() == [[1, -1], [2, 0]]
    assert ids_file.tolist() == [[1, -5], [2, 0]]
    assert back.tolist() == [b"sat", b"the", b"UNK"]
    with pytest.raises(NotImplementedError, match="constants"):
        tf.contrib.lookup.index_table_from_tensor(tf.placeholder(tf.string, [3]))
