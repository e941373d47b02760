"""TensorFlow's own compat.v1 graph mode as the reference of the differential tests
(test_against_tf1*.py). Importing this skips the importing test module when TensorFlow is
not installed: it is a reference, never a dependency."""
import os

import numpy as np
import pytest

import tf0

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()


def both(program):
    """Run program(tf_module) -> (fetches, extra) in a fresh graph of each library; extra
    may be a function of the library, called after the run. Variables and lookup tables are
    initialized first. [(values, extra)] for tf0, tf1."""
    results = []
    for lib in (tf0, tf1):
        graph = lib.Graph()
        with graph.as_default():
            lib.set_random_seed(0)
            fetches, extra = program(lib)
            with lib.Session(graph=graph) as sess:
                sess.run([lib.global_variables_initializer(), lib.tables_initializer()])
                results.append((sess.run(fetches), extra(lib) if callable(extra) else extra))
    return results


def assert_close(ours, theirs, rtol, atol=0.0):
    """Each of tf0's values has TF1's dtype and shape and is close to TF1's (the failing
    value's index in the message)."""
    assert len(ours) == len(theirs)
    for k, (x, y) in enumerate(zip(ours, theirs)):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (k, x.dtype, x.shape, y.dtype, y.shape)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=str(k))
