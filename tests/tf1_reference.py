"""TensorFlow's own compat.v1 graph mode as the reference of the differential tests
(test_against_tf1*.py). Importing this skips the importing test module when TensorFlow is
not installed: it is a reference, never a dependency."""
import os

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
