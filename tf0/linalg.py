"""tf0.linalg: the linear-algebra names TF1.13+ code uses."""
from tf0.ops import (cholesky, cholesky_solve, cross, einsum, eye, l2_normalize,  # noqa: F401
                     global_norm, logdet, matmul, matrix_transpose, norm, qr, slogdet, svd,
                     tensordot)
from tf0.ops import matrix_transpose as transpose, matrix_transpose as adjoint  # noqa: F401
from tf0.ops import matrix_diag as diag, matrix_diag_part as diag_part, trace  # noqa: F401
from tf0.ops import diag as tensor_diag, diag_part as tensor_diag_part  # noqa: F401
from tf0.ops import matrix_band_part as band_part  # noqa: F401
from tf0.ops import matrix_determinant as det, matrix_inverse as inv  # noqa: F401,E402
from tf0.ops import matrix_solve as solve  # noqa: F401,E402
from tf0.ops import matrix_set_diag as set_diag  # noqa: F401,E402
from tf0.ops import matrix_triangular_solve as triangular_solve  # noqa: F401,E402
from tf0.ops import self_adjoint_eig as eigh, self_adjoint_eigvals as eigvalsh  # noqa: F401
from tf0.ops.decompositions import matrix_solve_ls as lstsq, matrix_rank, pinv  # noqa: F401
from tf0.ops.linalg_ops import matvec, normalize  # noqa: F401
