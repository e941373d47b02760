import os

import pytest

import tf0 as tf

# bench/gpu_check.sh sets this to run the CPU suite with every Session on the GPU
ON_GPU = os.environ.get("TF0_TEST_ON_GPU") == "1"
# .ci/run sets this to run it with every Session on the null device
ON_NULL_DEVICE = os.environ.get("TF0_TEST_ON_NULL_DEVICE") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU with CuPy; skipped otherwise")


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test builds into its own default graph."""
    tf.reset_default_graph()
    yield


@pytest.fixture(autouse=True)
def null_device_everywhere(request, monkeypatch):
    """TF0_TEST_ON_NULL_DEVICE=1: every Session of the CPU suite runs the CUDA backend's
    plans on the null device (tests/fake_cuda.py), kernels replaced by NumPy: a CPU check
    of the CUDA path's placement, uploads, capture and replay over the whole suite. (Test
    modules that import fake_cuda themselves are about the null device already; modules
    setting OWN_DEVICE_STAND_INS test the device helpers on stand-ins of their own.)"""
    if ON_NULL_DEVICE and request.node.get_closest_marker("gpu") is None and \
            "fake_cuda" not in vars(request.module) and \
            not getattr(request.module, "OWN_DEVICE_STAND_INS", False):
        import fake_cuda
        fake_cuda.install(monkeypatch)


@pytest.fixture(autouse=True)
def numpy_unless_marked_gpu(request, monkeypatch):
    """Tests not marked gpu open their Sessions on NumPy on any machine, a GPU
    workstation's too (their references are NumPy's); with TF0_TEST_ON_GPU=1 the GPU's
    default applies to them as to a user's program."""
    if not ON_GPU and not ON_NULL_DEVICE and request.node.get_closest_marker("gpu") is None:
        from tf0.session import cuda_backend
        monkeypatch.setattr(cuda_backend, "available", lambda: False)
