"""tf0.debugging: run-time checks."""
from tf0.ops import (Assert, assert_equal, assert_greater, assert_greater_equal,  # noqa: F401
                     assert_less, assert_less_equal, assert_negative, assert_non_negative,
                     assert_non_positive, assert_none_equal, assert_positive, assert_rank,
                     assert_type, check_numerics, is_finite, is_inf, is_nan)
from tf0.ops import (add_check_numerics_ops, assert_integer, assert_near,  # noqa: F401,E402
                     assert_rank_at_least, assert_rank_in, assert_same_float_dtype,
                     assert_scalar, is_non_decreasing, is_numeric_tensor,
                     is_strictly_increasing)
from tf0.ops import verify_tensor_all_finite as assert_all_finite  # noqa: F401,E402
