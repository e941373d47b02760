"""tf0.contrib.crf (tf.contrib.crf): linear-chain CRF scores, log-likelihood and decoding."""
from tf0.ops.crf import (crf_decode, crf_log_likelihood, crf_log_norm,  # noqa: F401
                         crf_sequence_score, viterbi_decode)
