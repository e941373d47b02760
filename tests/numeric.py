"""Numerical references shared by tests."""
import numpy as np


def central_differences(f, value, eps=1e-6):
    """d f / d value by float64 central differences; f maps an array like `value` to a
    scalar."""
    grad = np.zeros_like(value)
    for j in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[j] = eps
        grad[j] = (f(value + step) - f(value - step)) / (2 * eps)
    return grad
