"""Writes tf1_hashes.json: TensorFlow's own string hashes of test_string_hash.py's inputs,
the reference that test checks tf0's hashes against where TensorFlow is not installed.
Run with tensorflow installed: python tests/data/make_tf1_hashes.py"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_string_hash import STRONG_KEY, hash_inputs  # noqa: E402

tf.disable_v2_behavior()
words = hash_inputs()
biggest = 2**63 - 1
with tf.Session() as sess:
    prints, strong, legacy, crossed = sess.run([
        tf.fingerprint(np.asarray(words, object)),
        tf.strings.to_hash_bucket_strong(words, biggest, STRONG_KEY),
        tf.strings.to_hash_bucket(words, biggest),
        tf.sparse.cross_hashed([tf.constant([[w] for w in words[:-1]]),
                                tf.constant([[w] for w in words[1:]])]).values])
out = {"fingerprint64": [int.from_bytes(bytes(row), "little") for row in prints.tolist()],
       "strong_mod_int64_max": strong.tolist(), "legacy_mod_int64_max": legacy.tolist(),
       "cross_of_neighbours": crossed.tolist()}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_hashes.json"),
          "w") as f:
    json.dump(out, f)
