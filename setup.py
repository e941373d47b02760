"""tf0: a TensorFlow-1.x-style graph engine, GPU-first (CUDA via CuPy), NumPy on CPU."""
from setuptools import setup

setup(
    name="tf0",
    version="0.1.0",
    description="TF1-style static dataflow graphs: hand-written CUDA kernels, NumPy fallback",
    python_requires=">=3.9",
    packages=["tf0", "tf0.engine", "tf0.ops", "tf0.kernels", "tf0.session"],
    package_dir={"tf0": "tf0", "tf0.engine": "engine", "tf0.ops": "ops",
                 "tf0.kernels": "kernels", "tf0.session": "session"},
    package_data={"tf0.kernels": ["*.cu", "*.cuh"]},
    install_requires=["numpy>=1.22"],
    extras_require={
        "cuda12": ["cupy-cuda12x>=13", "nvidia-ml-py"],
        "cuda13": ["cupy-cuda13x>=14", "nvidia-ml-py"],
        "pycuda": ["pycuda"],
        "demo": ["scikit-learn"],
        "test": ["pytest>=7", "hypothesis>=6", "cuda-bindings>=12", "nvidia-cuda-nvrtc",
                 "scikit-learn"],
    },
)
