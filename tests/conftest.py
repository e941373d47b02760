import pytest

import tf0 as tf


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU with CuPy; skipped otherwise")


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test builds into its own default graph."""
    tf.reset_default_graph()
    yield
