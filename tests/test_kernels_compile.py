"""Every .cu file compiles with NVRTC for sm_80 and sm_90 with no error and no warning.
Runs on CPU-only machines (the NVRTC wheels need no GPU)."""
import pytest

from tf0.kernels import loader
from nvrtc_check import ARCHS, compile_family, nvrtc

pytestmark = pytest.mark.skipif(nvrtc() is None, reason="cuda-bindings/nvrtc wheels missing "
                                                        "(install the test extras)")


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("family", loader.FAMILIES)
def test_kernel_source_compiles_cleanly(family, arch):
    ok, log, ptx = compile_family(family, arch)
    assert ok, f"kernels/{family}.cu failed for {arch}:\n{log}"
    assert not log, f"kernels/{family}.cu compiled for {arch} with messages:\n{log}"
    assert ".entry" in ptx
