"""tf0.linalg: the linear-algebra names TF1.13+ code uses."""
from tf0.ops import (cross, einsum, eye, l2_normalize, matmul,  # noqa: F401
                     matrix_transpose, norm, tensordot)
from tf0.ops import matrix_transpose as transpose  # noqa: F401
from tf0.ops import matrix_diag as diag, matrix_diag_part as diag_part, trace  # noqa: F401
from tf0.ops import matrix_band_part as band_part  # noqa: F401
from tf0.ops import matrix_determinant as det, matrix_inverse as inv  # noqa: F401,E402
from tf0.ops import matrix_solve as solve  # noqa: F401,E402
