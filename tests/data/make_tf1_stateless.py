"""Writes tf1_stateless.json: TensorFlow's own stateless random numbers for the seeds and
shapes test_stateless_random.py draws (as the bits of each value), the reference that test
checks tf0's against where TensorFlow is not installed.
Run with tensorflow installed: python tests/data/make_tf1_stateless.py"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_stateless_random import CASES, draw  # noqa: E402

tf.disable_v2_behavior()
with tf.Session() as sess:
    values = sess.run([draw(tf, *case) for case in CASES])
out = {"bits": [np.ascontiguousarray(v).view(f"u{v.itemsize}").reshape(-1).tolist()
                for v in values]}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_stateless.json"),
          "w") as f:
    json.dump(out, f)
