"""TF1's string hashes (Fingerprint64, SipHash-2-4, the legacy Hash64, FingerprintCat64) and
what is built on them: hash-bucket ops, tf.fingerprint, sparse crosses, lookup tables with
out-of-vocabulary buckets, hash-bucket and crossed feature columns. The reference values
are TensorFlow's own (data/tf1_hashes.json, written by data/make_tf1_hashes.py) and
SipHash's published test vectors."""
import itertools
import json
import os
import random

import numpy as np
import pytest

import tf0 as tf

STRONG_KEY = [0x0123456789ABCDEF, 0x7EDCBA9876543210]
INT64_MAX = 2**63 - 1


def hash_inputs():
    """Byte strings of every length up to 130 (each of FarmHash's code paths and their
    edges) and some longer ones, with seeded random contents."""
    lengths = list(range(131)) + [191, 192, 193, 255, 256, 257, 1000, 4097]
    return [random.Random(n).randbytes(n) for n in lengths]


def _recorded():
    with open(os.path.join(os.path.dirname(__file__), "data", "tf1_hashes.json")) as f:
        return json.load(f)


def test_hashes_equal_tensorflows_for_every_length():
    words, want = hash_inputs(), _recorded()
    with tf.Session() as sess:
        prints, strong, legacy, crossed = sess.run([
            tf.fingerprint(np.asarray(words, object)),
            tf.strings.to_hash_bucket_strong(words, INT64_MAX, STRONG_KEY),
            tf.string_to_hash_bucket(words, INT64_MAX),
            tf.sparse.cross_hashed([tf.constant([[w] for w in words[:-1]]),
                                    tf.constant([[w] for w in words[1:]])]).values])
    assert [int.from_bytes(bytes(r), "little") for r in prints.tolist()] == \
        want["fingerprint64"]
    assert strong.tolist() == want["strong_mod_int64_max"]
    assert legacy.tolist() == want["legacy_mod_int64_max"]
    assert crossed.tolist() == want["cross_of_neighbours"]


def test_strong_hash_is_siphash24_by_its_published_vectors():
    # SipHash paper: key 00..0f; the empty message and the 15 bytes 00..0e.
    key = [int.from_bytes(bytes(range(8)), "little"),
           int.from_bytes(bytes(range(8, 16)), "little")]
    with tf.Session() as sess:
        got = sess.run(tf.strings.to_hash_bucket_strong([b"", bytes(range(15))], INT64_MAX,
                                                        key))
    assert got.tolist() == [0x726fdb47dd0e0e31 % INT64_MAX, 0xa129ca6149be45e5 % INT64_MAX]


def test_buckets_are_the_fingerprint_modulo_and_keep_the_shape():
    words = np.asarray([[b"cat", b"dog"], [b"", b"a much longer string of text, 40 bytes"]],
                       object)
    with tf.Session() as sess:
        buckets, prints = sess.run([tf.strings.to_hash_bucket_fast(words, 7),
                                    tf.fingerprint(words.reshape(-1))])
    whole = [int.from_bytes(bytes(r), "little") for r in prints.tolist()]
    assert buckets.dtype == np.int64 and buckets.shape == (2, 2)
    assert buckets.reshape(-1).tolist() == [p % 7 for p in whole]
    with pytest.raises(ValueError, match="num_buckets"):
        tf.string_to_hash_bucket_fast(["a"], 0)
    with pytest.raises(ValueError, match="size 2"):
        tf.string_to_hash_bucket_strong(["a"], 3, [1])


def test_fingerprint_of_rows():
    numbers = np.arange(12, dtype=np.float32).reshape(3, 4)
    strings = np.asarray([[b"ab", b"c"], [b"", b"hello"]], object)
    with tf.Session() as sess:
        rows, row_prints, each = sess.run([
            tf.fingerprint(numbers), tf.fingerprint(strings),
            tf.fingerprint(np.asarray([b"ab", b"c", b"", b"hello", *[r.tobytes()
                                                                   for r in numbers]],
                                      object))])
        with pytest.raises(tf.errors.InvalidArgumentError, match="method"):
            sess.run(tf.fingerprint(numbers, method="md5"))
    assert rows.dtype == np.uint8 and rows.shape == (3, 8)
    # A row of numbers is fingerprinted by its bytes: as the string of those bytes.
    np.testing.assert_array_equal(rows, each[4:])
    # A row of strings by the concatenated fingerprints of its strings.
    with tf.Session() as sess:
        again = sess.run(tf.fingerprint(np.asarray(
            [bytes(each[0]) + bytes(each[1]), bytes(each[2]) + bytes(each[3])], object)))
    np.testing.assert_array_equal(row_prints, again)
    with pytest.raises(ValueError, match="rank"):
        tf.fingerprint(3.0)


def test_sparse_cross_is_the_product_of_each_examples_features():
    first = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], ["a", "b", "c"], [3, 2])
    second = tf.constant([["x", "y"], ["z", "w"], ["v", "u"]])
    third = tf.constant([[1], [2], [3]], tf.int64)
    with tf.Session() as sess:
        crossed = sess.run(tf.sparse.cross([first, second, third]))
        hashed = sess.run(tf.sparse.cross_hashed([first, second, third], num_buckets=10))
        # Sparse inputs are crossed before dense ones, whatever the order given.
        swapped = sess.run(tf.sparse.cross([second, third, first]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="batch size"):
            sess.run(tf.sparse.cross([first, tf.constant([["x"]])]))
    rows = {0: [[b"a", b"b"], [b"x", b"y"], [b"1"]], 1: None,
            2: [[b"c"], [b"v", b"u"], [b"3"]]}
    want_values, want_indices = [], []
    for row, features in rows.items():
        combos = [] if features is None else list(itertools.product(*features))
        want_values += [b"_X_".join(c) for c in combos]
        want_indices += [[row, j] for j in range(len(combos))]
    assert crossed.values.tolist() == want_values
    assert crossed.indices.tolist() == want_indices
    assert crossed.dense_shape.tolist() == [3, 4]
    assert swapped.values.tolist() == want_values
    assert hashed.indices.tolist() == want_indices
    assert hashed.values.dtype == np.int64 and all(0 <= v < 10 for v in hashed.values)
    with pytest.raises(TypeError, match="string or integer"):
        tf.sparse.cross([tf.constant([[1.5]])])


def test_tables_put_unknown_keys_in_hash_buckets_after_the_vocabulary():
    words = ["apple", "pear", "plum"]
    table = tf.contrib.lookup.index_table_from_tensor(words, num_oov_buckets=4)
    numbers = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant([7, 9], tf.int64), tf.constant([0, 1], tf.int64)), 3)
    probe = ["pear", "kiwi", "", "plum", "fig"]
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        ids, buckets, size, int_ids, digit_buckets = sess.run([
            table.lookup(tf.constant(probe)), tf.strings.to_hash_bucket_fast(probe, 4),
            table.size(), numbers.lookup(tf.constant([9, 8, -5], tf.int64)),
            tf.strings.to_hash_bucket_fast(["8", "-5"], 3)])
    assert ids.tolist() == [words.index(w) if w in words else 3 + b
                            for w, b in zip(probe, buckets.tolist())]
    assert size == 7
    assert int_ids.tolist() == [1] + [2 + b for b in digit_buckets.tolist()]
    with pytest.raises(ValueError, match="oov_buckets"):
        tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(["a"], [0]), 0)


def test_hash_bucket_and_crossed_columns_give_the_hashes_ids():
    fc = tf.feature_column
    features = {"city": tf.constant([["paris"], ["rome"], [""]]),
                "year": tf.constant([[2001], [-1], [1999]], tf.int64)}
    city = fc.categorical_column_with_hash_bucket("city", 5)
    year = fc.categorical_column_with_vocabulary_list("year", [1999, 2000],
                                                      num_oov_buckets=2)
    crossed = fc.crossed_column(["city", year], 6)
    dense = fc.input_layer(features, [fc.indicator_column(city), fc.indicator_column(year),
                                      fc.indicator_column(crossed)])
    with tf.Session() as sess:
        got, city_buckets, year_bucket = sess.run([
            dense, tf.strings.to_hash_bucket_fast(["paris", "rome"], 5),
            tf.strings.to_hash_bucket_fast(["2001"], 2)])
        # A cross takes a categorical column's ids (-1 missing) before raw features (all
        # present, "" too), as TF1 takes sparse inputs before dense ones.
        crosses = sess.run(tf.sparse.cross_hashed(
            [tf.constant([[2 + int(year_bucket[0])], [0]], tf.int64),
             tf.constant([["paris"], [""]])], num_buckets=6)).values
    assert got.shape == (3, 6 + 5 + 4)
    # Columns in name order: city_X_year_indicator, city_indicator, year_indicator.
    want = np.zeros((3, 15), np.float32)
    want[0, crosses[0]] = want[2, crosses[1]] = 1  # rome has no year: no cross
    want[0, 6 + city_buckets[0]] = want[1, 6 + city_buckets[1]] = 1  # "" has no bucket
    want[0, 11 + 2 + year_bucket[0]] = want[2, 11 + 0] = 1  # -1 is missing
    np.testing.assert_array_equal(got, want)
    assert crossed.name == "city_X_year"
    with pytest.raises(ValueError, match="default_value"):
        fc.categorical_column_with_vocabulary_list("y", [1], num_oov_buckets=1,
                                                   default_value=0)
    with pytest.raises(ValueError, match="length > 1"):
        fc.crossed_column(["city"], 3)
    with pytest.raises(ValueError, match="not supported for crossing"):
        fc.crossed_column([city, "year"], 3)
