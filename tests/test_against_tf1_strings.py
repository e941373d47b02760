"""tf.strings and TF1's string functions through tf0 and TensorFlow's compat.v1 (skipped
without TensorFlow)."""
import numpy as np

from tf1_reference import both


def test_string_ops_match():
    def program(tf):
        s = tf.constant(["  Hello World ", "a,,b c", "", "x-y-z"])
        sp = tf.string_split(s, delimiter=", ")
        sp2 = tf.string_split(s, delimiter="", skip_empty=False)
        sp3 = tf.strings.split(s, sep="-")
        sp4 = tf.strings.split(s)
        return [tf.strings.strip(s), tf.strings.lower(s), tf.strings.upper(s),
                tf.strings.length(s), tf.string_join([s, "!", s], separator="|"),
                tf.reduce_join(tf.reshape(s, [2, 2]), axis=1, separator="+"),
                tf.reduce_join(tf.reshape(s, [2, 2]), axis=0, keep_dims=True),
                tf.substr(s, 0, 3), tf.substr(s[:2], -4, 2), tf.regex_replace(s, "[aeiou]", "_"),
                tf.regex_replace(s, "(l+)", r"<\1>", replace_global=False),
                tf.strings.regex_full_match(s, ".*o.*"),
                tf.string_to_number(tf.constant(["1.5", "-2", "3e2"])),
                tf.string_to_number(tf.constant(["7", "-12"]), out_type=tf.int64),
                tf.as_string(tf.constant([1.5, -0.25])), tf.as_string(tf.constant([3, -4])),
                tf.as_string(tf.constant([2.5]), precision=2, width=8, fill="0"),
                sp.indices, sp.values, sp.dense_shape, sp2.indices, sp2.values,
                sp2.dense_shape, sp3.indices, sp3.values, sp3.dense_shape, sp4.indices,
                sp4.values, sp4.dense_shape], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, (k, a, b)
        assert a.tolist() == b.tolist(), (k, a, b)



def test_lookup_tables_match(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("apple\nbanana\ncherry\n")

    def program(tf):
        words = tf.constant(["banana", "kiwi", "apple", "cherry"])
        lookup = tf.lookup
        by_file = lookup.StaticHashTable(lookup.TextFileInitializer(
            str(vocab), tf.string, lookup.TextFileIndex.WHOLE_LINE, tf.int64,
            lookup.TextFileIndex.LINE_NUMBER), 7)
        names = lookup.StaticHashTable(lookup.TextFileInitializer(
            str(vocab), tf.int64, lookup.TextFileIndex.LINE_NUMBER, tf.string,
            lookup.TextFileIndex.WHOLE_LINE), "?")
        table = lookup.StaticHashTable(lookup.KeyValueTensorInitializer(
            tf.constant([3, 5], tf.int64), tf.constant([0.5, -1.0])), 9.0)
        ids = tf.constant([[1, 0], [4, 2]], tf.int64)
        return [by_file.lookup(words), names.lookup(ids),
                table.lookup(tf.constant([5, 4, 3], tf.int64))], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.tolist() == b.tolist(), (k, a, b)


def test_text_and_tensor_summaries_are_tf1s_bytes():
    def program(tf):
        return [tf.summary.text("notes", tf.constant(["first line", "second"])),
                tf.summary.text("one", tf.constant("just one")),
                tf.summary.tensor_summary("t", tf.constant([[1.5, -2.0]], tf.float32)),
                tf.summary.tensor_summary("ids", tf.constant([3, 4, 5], tf.int64),
                                          summary_description="some ids"),
                tf.summary.tensor_summary("flags", tf.constant([True, False]))], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, (k, a, b)


def test_hash_buckets_crosses_and_oov_tables_match():
    from tensorflow.python.ops import lookup_ops

    import tf0
    words = ["", "a", "hello", "TensorFlow", "x" * 17, "y" * 40, "z" * 70, "héllo"]

    def program(tf):
        # TF1's contrib.lookup is its lookup_ops module (compat.v1 has no contrib).
        lookup = tf.contrib.lookup if tf is tf0 else lookup_ops
        table = lookup.index_table_from_tensor(["a", "hello"], num_oov_buckets=3)
        strong = lookup.index_table_from_tensor(
            ["a"], num_oov_buckets=5, hasher_spec=lookup.StrongHashSpec([3, 4]))
        numbers = lookup.index_table_from_tensor(
            tf.constant([5, 6], tf.int64), num_oov_buckets=2, dtype=tf.int64)
        first = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], ["a", "b", "c"], [3, 2])
        second = tf.constant([[1, 2], [3, 4], [5, 6]], tf.int64)
        crossed = tf.sparse.cross([second, first, tf.constant([["p"], ["q"], ["r"]])])
        hashed = tf.sparse.cross_hashed([first, second], num_buckets=100, hash_key=7)
        return [tf.strings.to_hash_bucket_fast(words, 1000),
                tf.strings.to_hash_bucket_strong(words, 1000, [-1, 2**62]),
                tf.string_to_hash_bucket(words, 1000), tf.fingerprint(words),
                table.lookup(tf.constant(words)), strong.lookup(tf.constant(words)),
                numbers.lookup(tf.constant([5, 7, -3, 6], tf.int64)), table.size(),
                crossed.indices, crossed.values, crossed.dense_shape, hashed.values], None
    (ours, _), (theirs, _) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
