"""Dense linear algebra over batches of square matrices [..., n, n]: tf.matrix_inverse,
tf.matrix_determinant, tf.matrix_solve (also under tf.linalg), float32 and float64, with
TF1's gradients. They run NumPy's LAPACK on the host (on the GPU backend the matrices are
downloaded and the results uploaded, so a plan holding them launches op by op)."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import name_scope

from .core import OPS, convert_to_tensor, defop, make_op


def _square(x, what):
    dims = x.shape.dims
    if not x.dtype.is_floating:
        raise TypeError(f"{what} takes float32 or float64 matrices, got {x.dtype.name}")
    if dims is not None and (len(dims) < 2 or None not in dims[-2:] and dims[-1] != dims[-2]):
        raise ValueError(f"{what} takes square matrices [..., n, n], got {x.shape}")
    return x


def _adjoint(x):
    return np.swapaxes(x, -1, -2)


def _inverse_bind(op, ctx):
    adjoint = op.attrs["adjoint"]

    def inverse(a):
        try:
            out = np.linalg.inv(_adjoint(a) if adjoint else a)
        except np.linalg.LinAlgError:
            raise ValueError("Input is not invertible.") from None
        return out.astype(a.dtype, copy=False)
    return inverse


def _inverse_grad(op, dy):
    ainv = op.outputs[0]
    if op.attrs["adjoint"]:  # Y = inv(A^T): dA = -Y dY^T Y
        return [-OPS.matmul(ainv, OPS.matmul(dy, ainv, transpose_a=True))]
    return [-OPS.matmul(ainv, OPS.matmul(dy, ainv, transpose_b=True), transpose_a=True)]


def _determinant_bind(op, ctx):
    return lambda a: np.asarray(np.linalg.det(a), a.dtype)


def _determinant_grad(op, dy):
    a, det = op.inputs[0], op.outputs[0]
    scale = OPS.expand_dims(OPS.expand_dims(dy * det, -1), -1)
    return [scale * matrix_inverse(a, adjoint=True)]


def _solve_bind(op, ctx):
    adjoint = op.attrs["adjoint"]

    def solve(a, b):
        try:
            out = np.linalg.solve(_adjoint(a) if adjoint else a, b)
        except np.linalg.LinAlgError:
            raise ValueError("Input matrix is not invertible.") from None
        return out.astype(a.dtype, copy=False)
    return solve


def _solve_grad(op, dy):
    a, x = op.inputs[0], op.outputs[0]
    adjoint = op.attrs["adjoint"]
    grad_b = matrix_solve(a, dy, adjoint=not adjoint)
    grad_a = -OPS.matmul(x, grad_b, transpose_b=True) if adjoint else \
        -OPS.matmul(grad_b, x, transpose_b=True)
    return [grad_a, grad_b]


defop("MatrixInverse", lambda op: [(op.inputs[0].shape, op.inputs[0].dtype)], _inverse_bind,
      grad=_inverse_grad)
defop("MatrixDeterminant", lambda op: [(op.inputs[0].shape[:-2], op.inputs[0].dtype)],
      _determinant_bind, grad=_determinant_grad)
defop("MatrixSolve", lambda op: [(op.inputs[1].shape, op.inputs[1].dtype)], _solve_bind,
      grad=_solve_grad)


def matrix_inverse(input, adjoint=False, name=None):
    """The inverse of each matrix (of its adjoint with adjoint=True); InvalidArgumentError
    at run time for a singular one."""
    x = _square(convert_to_tensor(input), "matrix_inverse")
    return make_op("MatrixInverse", [x], {"adjoint": bool(adjoint)},
                   name=name or "MatrixInverse")


def matrix_determinant(input, name=None):
    """The determinant of each matrix: [..., n, n] -> [...]."""
    x = _square(convert_to_tensor(input), "matrix_determinant")
    return make_op("MatrixDeterminant", [x], {}, name=name or "MatrixDeterminant")


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs (adjoint(matrix) @ x = rhs with adjoint=True) for each
    matrix [..., n, n] and rhs [..., n, k]."""
    with name_scope(name, "MatrixSolve"):
        a = _square(convert_to_tensor(matrix), "matrix_solve")
        b = convert_to_tensor(rhs, dtype=a.dtype)
        if b.dtype is not a.dtype or b.dtype not in (dtypes.float32, dtypes.float64):
            raise TypeError("matrix_solve takes a matrix and rhs of one float dtype")
        return make_op("MatrixSolve", [a, b], {"adjoint": bool(adjoint)},
                       name="MatrixSolve")
