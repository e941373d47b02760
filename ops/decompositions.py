"""Matrix decompositions over batches of matrices [..., m, n], float32 and float64, with TF1's
gradients: tf.cholesky, tf.matrix_triangular_solve, tf.qr, tf.svd, tf.self_adjoint_eig and
tf.linalg.slogdet. Like solve_ops they run NumPy's LAPACK on the host (plans holding them
launch op by op on the GPU). The square-matrix checks are solve_ops'."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import name_scope

from .array_composites import matrix_band_part, matrix_diag, matrix_diag_part
from .core import OPS, convert_to_tensor, defop, make_op
from .linalg_ops import eye, matrix_transpose
from .math_ops import cast
from .solve_ops import _square, matrix_inverse


def _float_matrix(x, what):
    x = convert_to_tensor(x)
    if x.dtype.name not in ("float32", "float64") or (x.shape.ndims or 2) < 2:
        raise TypeError(f"{what} takes float32 or float64 matrices [..., m, n], got "
                        f"{x.dtype.name}{x.shape}")
    return x


def _lapack(fn, message):
    """fn(*arrays) with LAPACK's failure turned into InvalidArgumentError(message)."""
    def run(*arrays):
        try:
            out = fn(*arrays)
        except np.linalg.LinAlgError:
            raise errors.InvalidArgumentError(None, None, message) from None
        dtype = arrays[0].dtype
        return tuple(np.asarray(o, dtype) for o in out) if isinstance(out, tuple) \
            else np.asarray(out, dtype)
    return run


def matrix_set_diag(input, diagonal, name=None):  # noqa: A002
    """`input` [..., n, n] with its main diagonal replaced by `diagonal` [..., n]."""
    with name_scope(name, "MatrixSetDiag"):
        x = convert_to_tensor(input)
        d = convert_to_tensor(diagonal, dtype=x.dtype)
        on_diagonal = cast(matrix_band_part(OPS.ones_like(x), 0, 0), dtypes.bool_)
        return OPS.where(on_diagonal, matrix_diag(d), x)


def _lower_half_diagonal(x):
    """The lower triangle of x with its diagonal halved."""
    return matrix_band_part(x, -1, 0) - 0.5 * matrix_diag(matrix_diag_part(x))


# ---- Cholesky -------------------------------------------------------------------------------
def _cholesky_grad(op, grad):
    chol = op.outputs[0]
    n = chol.shape.dims[-1] if chol.shape.ndims else None
    identity = eye(OPS.shape(chol)[-1] if n is None else n, dtype=chol.dtype)
    chol_inv = matrix_triangular_solve(chol, identity * OPS.ones_like(chol))
    middle = _lower_half_diagonal(OPS.matmul(chol, grad, transpose_a=True))
    grad_a = OPS.matmul(OPS.matmul(chol_inv, middle, transpose_a=True), chol_inv)
    return [0.5 * (grad_a + matrix_transpose(grad_a))]


defop("Cholesky", lambda op: [(op.inputs[0].shape, op.inputs[0].dtype)],
      lambda op, ctx: _lapack(np.linalg.cholesky, "Cholesky decomposition was not "
                                                  "successful. The input might not be valid."),
      grad=_cholesky_grad)


def cholesky(input, name=None):  # noqa: A002
    """The lower-triangular L with L L^T = input, for each symmetric positive definite
    matrix (its lower triangle is read); InvalidArgumentError otherwise."""
    x = _square(_float_matrix(input, "cholesky"), "cholesky")
    return make_op("Cholesky", [x], name=name or "Cholesky")


def cholesky_solve(chol, rhs, name=None):
    """x with (chol chol^T) x = rhs, from the Cholesky factor `chol` [..., n, n]."""
    with name_scope(name, "cholesky_solve"):
        y = matrix_triangular_solve(chol, rhs, lower=True, adjoint=False)
        return matrix_triangular_solve(chol, y, lower=True, adjoint=True)


# ---- triangular solve -------------------------------------------------------------------------
def _triangular_bind(op, ctx):
    lower, adjoint = op.attrs["lower"], op.attrs["adjoint"]

    def solve(a, b):
        a = np.tril(a) if lower else np.triu(a)  # the other triangle is not read
        return np.linalg.solve(np.swapaxes(a, -1, -2) if adjoint else a, b)
    return _lapack(solve, "Input matrix is not invertible.")


def _triangular_grad(op, grad):
    a, x = op.inputs[0], op.outputs[0]
    lower, adjoint = op.attrs["lower"], op.attrs["adjoint"]
    grad_b = matrix_triangular_solve(a, grad, lower=lower, adjoint=not adjoint)
    grad_a = -OPS.matmul(x, grad_b, transpose_b=True) if adjoint else \
        -OPS.matmul(grad_b, x, transpose_b=True)
    return [matrix_band_part(grad_a, -1, 0) if lower else matrix_band_part(grad_a, 0, -1),
            grad_b]


defop("MatrixTriangularSolve", lambda op: [(op.inputs[1].shape, op.inputs[1].dtype)],
      _triangular_bind, grad=_triangular_grad)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs (adjoint(matrix) @ x = rhs with adjoint=True), reading only
    the lower (or upper) triangle of each matrix [..., n, n]; rhs [..., n, k]."""
    a = _square(_float_matrix(matrix, "matrix_triangular_solve"), "matrix_triangular_solve")
    b = convert_to_tensor(rhs, dtype=a.dtype)
    return make_op("MatrixTriangularSolve", [a, b], {"lower": bool(lower),
                                                     "adjoint": bool(adjoint)},
                   name=name or "MatrixTriangularSolve")


# ---- symmetric eigendecomposition -----------------------------------------------------------
def _eig_infer(op):
    x = op.inputs[0]
    out = [(x.shape[:-1], x.dtype)]
    return out + [(x.shape, x.dtype)] if op.attrs["compute_v"] else out


def _eig_bind(op, ctx):
    if op.attrs["compute_v"]:
        return _lapack(np.linalg.eigh, "Self-adjoint eigen decomposition was not successful.")
    return _lapack(np.linalg.eigvalsh, "Self-adjoint eigen decomposition was not successful.")


def _eig_grad(op, grad_e, grad_v=None):
    e = op.outputs[0]
    if not op.attrs["compute_v"]:  # the eigenvectors, computed again
        v = self_adjoint_eig(op.inputs[0])[1]
    else:
        v = op.outputs[1]
    inner = matrix_diag(grad_e)
    if grad_v is not None:
        gap = OPS.expand_dims(e, -2) - OPS.expand_dims(e, -1)
        f = matrix_set_diag(OPS.reciprocal(gap), OPS.zeros_like(e))
        inner = inner + f * OPS.matmul(v, grad_v, transpose_a=True)
    grad_a = OPS.matmul(v, OPS.matmul(inner, v, transpose_b=True))
    both = grad_a + matrix_transpose(grad_a)
    return [_lower_half_diagonal(both)]  # LAPACK reads the lower triangle only


defop("SelfAdjointEigV2", _eig_infer, _eig_bind, grad=_eig_grad)


def self_adjoint_eig(tensor, name=None):
    """(e, v): the eigenvalues [..., n] (ascending) and eigenvectors (the columns of
    v [..., n, n]) of each symmetric matrix, whose lower triangle is read."""
    x = _square(_float_matrix(tensor, "self_adjoint_eig"), "self_adjoint_eig")
    return make_op("SelfAdjointEigV2", [x], {"compute_v": True},
                   name=name or "SelfAdjointEigV2")


def self_adjoint_eigvals(tensor, name=None):
    """The eigenvalues [..., n] (ascending) of each symmetric matrix."""
    x = _square(_float_matrix(tensor, "self_adjoint_eigvals"), "self_adjoint_eigvals")
    return make_op("SelfAdjointEigV2", [x], {"compute_v": False},
                   name=name or "SelfAdjointEigV2")


# ---- QR -------------------------------------------------------------------------------------
def _qr_infer(op):
    x = op.inputs[0]
    m, n = x.shape.dims[-2:] if x.shape.ndims else (None, None)
    k = m if op.attrs["full_matrices"] else (None if m is None or n is None else min(m, n))
    batch = x.shape[:-2]
    return [(batch.concatenate([m, k]), x.dtype), (batch.concatenate([k, n]), x.dtype)]


def _qr_bind(op, ctx):
    mode = "complete" if op.attrs["full_matrices"] else "reduced"
    return _lapack(lambda a: np.linalg.qr(a, mode=mode), "QR decomposition failed.")


def _solve_right_upper(x, r):
    """x r^-T for upper-triangular r."""
    return matrix_transpose(matrix_triangular_solve(r, matrix_transpose(x), lower=False))


def _qr_grad(op, dq, dr):
    a = op.inputs[0]
    q, r = op.outputs
    m, n = a.shape.dims[-2:]
    if op.attrs["full_matrices"] and m != n or m is None or n is None or n > m:
        raise NotImplementedError("the QR gradient needs a static shape with rows >= "
                                  "columns (and full_matrices=False unless square), as in TF1")
    dq = OPS.zeros_like(q) if dq is None else dq
    dr = OPS.zeros_like(r) if dr is None else dr
    qdq = OPS.matmul(q, dq, transpose_a=True)
    rdr = OPS.matmul(r, dr, transpose_b=True)
    tril = matrix_band_part(qdq - matrix_transpose(qdq) + rdr - matrix_transpose(rdr), -1, 0)
    grad_a = OPS.matmul(q, dr + _solve_right_upper(tril, r))
    grad_b = _solve_right_upper(dq - OPS.matmul(q, qdq), r)
    return [grad_a + grad_b]


defop("Qr", _qr_infer, _qr_bind, grad=_qr_grad)


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """(q, r) with input = q r: q [..., m, k] with orthonormal columns and r [..., k, n]
    upper triangular (k = min(m, n), or m with full_matrices)."""
    x = _float_matrix(input, "qr")
    return make_op("Qr", [x], {"full_matrices": bool(full_matrices)}, name=name or "Qr")


# ---- SVD ------------------------------------------------------------------------------------
def _svd_infer(op):
    x = op.inputs[0]
    m, n = x.shape.dims[-2:] if x.shape.ndims else (None, None)
    k = None if m is None or n is None else min(m, n)
    batch = x.shape[:-2]
    out = [(batch.concatenate([k]), x.dtype)]
    if op.attrs["compute_uv"]:
        full = op.attrs["full_matrices"]
        out += [(batch.concatenate([m, m if full else k]), x.dtype),
                (batch.concatenate([n, n if full else k]), x.dtype)]
    return out


def _svd_bind(op, ctx):
    compute_uv, full = op.attrs["compute_uv"], op.attrs["full_matrices"]

    def svd(a):
        if not compute_uv:
            return np.linalg.svd(a, compute_uv=False)
        u, s, vh = np.linalg.svd(a, full_matrices=full)
        return s, u, np.swapaxes(vh, -1, -2)
    return _lapack(svd, "SVD did not converge.")


def _svd_grad(op, grad_s, grad_u=None, grad_v=None):
    """TF1's SVD gradient for real matrices with distinct singular values."""
    a = op.inputs[0]
    m, n = a.shape.dims[-2:]
    if m is None or n is None:
        raise NotImplementedError("the SVD gradient needs the matrix size known when the "
                                  "graph is built")
    if not op.attrs["compute_uv"]:
        s, u, v = svd(a, compute_uv=True, full_matrices=False)
        return [OPS.matmul(u, OPS.matmul(matrix_diag(grad_s), v, transpose_b=True))]
    if op.attrs["full_matrices"] and m != n:
        raise NotImplementedError("the SVD gradient with full_matrices=True needs a square "
                                  "matrix (TF1's neither handles it)")
    s, u, v = op.outputs
    grad_s = OPS.zeros_like(s) if grad_s is None else grad_s
    grad_u = OPS.zeros_like(u) if grad_u is None else grad_u
    grad_v = OPS.zeros_like(v) if grad_v is None else grad_v
    flip = m > n  # work on the wide matrix a^T: swap the roles of u and v
    if flip:
        m, n, u, v, grad_u, grad_v = n, m, v, u, grad_v, grad_u
    s2 = OPS.square(s)
    f = matrix_set_diag(OPS.reciprocal(OPS.expand_dims(s2, -2) - OPS.expand_dims(s2, -1)),
                        OPS.zeros_like(s))
    s_mat = matrix_diag(s)
    f_u = f * OPS.matmul(u, grad_u, transpose_a=True)
    f_v = f * OPS.matmul(v, grad_v, transpose_a=True)
    inner = matrix_diag(grad_s) + OPS.matmul(f_u + matrix_transpose(f_u), s_mat) + \
        OPS.matmul(s_mat, f_v + matrix_transpose(f_v))
    grad_a = OPS.matmul(u, OPS.matmul(inner, v, transpose_b=True))
    if m != n:
        gv_t = matrix_transpose(grad_v)
        beyond = gv_t - OPS.matmul(OPS.matmul(gv_t, v), v, transpose_b=True)
        grad_a = grad_a + OPS.matmul(OPS.matmul(u, matrix_diag(OPS.reciprocal(s))), beyond)
    return [matrix_transpose(grad_a) if flip else grad_a]


defop("Svd", _svd_infer, _svd_bind, grad=_svd_grad)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """(s, u, v) with tensor = u diag(s) v^T (s descending, [..., min(m, n)]), or s alone
    with compute_uv=False. Note: v, not v^T, as TF1."""
    x = _float_matrix(tensor, "svd")
    out = make_op("Svd", [x], {"full_matrices": bool(full_matrices),
                               "compute_uv": bool(compute_uv)}, name=name or "Svd")
    return tuple(out) if compute_uv else out


# ---- log-determinants -----------------------------------------------------------------------
def _slogdet_grad(op, grad_sign, grad_log):
    a = op.inputs[0]
    scale = OPS.expand_dims(OPS.expand_dims(grad_log, -1), -1)
    return [scale * matrix_inverse(a, adjoint=True)]


defop("LogMatrixDeterminant",
      lambda op: [(op.inputs[0].shape[:-2], op.inputs[0].dtype)] * 2,
      lambda op, ctx: _lapack(np.linalg.slogdet, "slogdet failed."), grad=_slogdet_grad)


def slogdet(input, name=None):  # noqa: A002
    """(sign, log |det|) of each square matrix: [..., n, n] -> two [...]."""
    x = _square(_float_matrix(input, "slogdet"), "slogdet")
    return tuple(make_op("LogMatrixDeterminant", [x], name=name or "LogMatrixDeterminant"))


def logdet(matrix, name=None):
    """log det of each Hermitian positive definite matrix, from its Cholesky factor."""
    with name_scope(name, "logdet"):
        chol = cholesky(matrix)
        return 2.0 * OPS.reduce_sum(OPS.log(matrix_diag_part(chol)), axis=-1)


# ---- built from the decompositions ----------------------------------------------------------
def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The x minimizing ||matrix x - rhs||^2 + l2_regularizer ||x||^2 for each matrix
    [..., m, n] and rhs [..., m, k]. fast: by the Cholesky factor of the normal equations
    (the matrix must have full rank unless l2_regularizer > 0); otherwise by the SVD, which
    gives the least-norm solution of a rank-deficient problem (singular values below
    pinv's default cutoff count as zero)."""
    with name_scope(name, "matrix_solve_ls"):
        a = _float_matrix(matrix, "matrix_solve_ls")
        b = convert_to_tensor(rhs, dtype=a.dtype)
        lam = convert_to_tensor(l2_regularizer, dtype=a.dtype)
        m, n = a.shape.dims[-2:]
        if not fast:
            s, u, v = svd(a)
            scale = OPS.where(s > _cutoff(s, a, None), s / (OPS.square(s) + lam),
                              OPS.zeros_like(s))
            return OPS.matmul(v, OPS.expand_dims(scale, -1) * OPS.matmul(u, b, transpose_a=True))
        if m is None or n is None:
            raise ValueError("matrix_solve_ls(fast=True) needs the matrix size known when "
                             "the graph is built")
        if m >= n:
            gram = OPS.matmul(a, a, transpose_a=True) + lam * eye(n, dtype=a.dtype)
            return cholesky_solve(cholesky(gram), OPS.matmul(a, b, transpose_a=True))
        gram = OPS.matmul(a, a, transpose_b=True) + lam * eye(m, dtype=a.dtype)
        return OPS.matmul(a, cholesky_solve(cholesky(gram), b), transpose_a=True)


def _cutoff(s, a, tol):
    """Singular values at or below this count as zero (NumPy's default tolerance)."""
    if tol is not None:
        return convert_to_tensor(tol, dtype=s.dtype)
    m, n = a.shape.dims[-2:]
    eps = float(np.finfo(s.dtype.np).eps)
    size = OPS.cast(OPS.reduce_max(OPS.shape(a)[-2:]), s.dtype) if m is None or n is None \
        else float(max(m, n))
    return OPS.reduce_max(s, axis=-1, keepdims=True) * size * eps


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse [..., n, m] of each matrix [..., m, n], through its
    SVD; singular values at most rcond times the largest count as zero (default:
    max(m, n) times the dtype's epsilon)."""
    with name_scope(name, "pinv"):
        a = _float_matrix(a, "pinv")
        s, u, v = svd(a)
        cutoff = _cutoff(s, a, None) if rcond is None else \
            OPS.reduce_max(s, axis=-1, keepdims=True) * convert_to_tensor(rcond, dtype=s.dtype)
        s_inv = OPS.where(s > cutoff, OPS.reciprocal(s), OPS.zeros_like(s))
        return OPS.matmul(v * OPS.expand_dims(s_inv, -2), u, transpose_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values of each matrix above `tol` (default: NumPy's), int32."""
    with name_scope(name, "matrix_rank"):
        a = _float_matrix(a, "matrix_rank")
        s = svd(a, compute_uv=False)
        return OPS.reduce_sum(cast(s > _cutoff(s, a, tol), dtypes.int32), axis=-1)
