"""tf0.debugging: run-time checks."""
from tf0.ops import (Assert, assert_equal, assert_greater, assert_greater_equal,  # noqa: F401
                     assert_less, assert_less_equal, assert_negative, assert_non_negative,
                     assert_non_positive, assert_none_equal, assert_positive, assert_rank,
                     assert_type, check_numerics, is_finite, is_inf, is_nan)
