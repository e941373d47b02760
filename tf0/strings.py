"""tf.strings: byte-string ops (on the host)."""
from tf0.ops.string_ops import (as_string, length, lower, reduce_join,  # noqa: F401
                                regex_full_match, regex_replace, split, strip, substr,
                                string_to_number as to_number, upper)
from tf0.ops.string_ops import string_join as join  # noqa: F401
from tf0.ops.string_hash import (string_to_hash_bucket as to_hash_bucket,  # noqa: F401
                                 string_to_hash_bucket_fast as to_hash_bucket_fast,
                                 string_to_hash_bucket_strong as to_hash_bucket_strong)
