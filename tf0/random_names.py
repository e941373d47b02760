"""tf0.random (the module tf.random): the random ops under their TF1.13+ names. (Not named
random.py: that would shadow the standard library next to it.)"""
from tf0.ops import categorical, multinomial, set_random_seed  # noqa: F401
from tf0.ops import random_normal as normal  # noqa: F401
from tf0.ops import random_uniform as uniform  # noqa: F401
from tf0.ops import truncated_normal  # noqa: F401
from tf0.ops import random_shuffle as shuffle  # noqa: F401
from tf0.ops import random_gamma as gamma  # noqa: F401
from tf0.ops import (log_uniform_candidate_sampler,  # noqa: F401
                     uniform_candidate_sampler)
from tf0.ops.stateless_random import (stateless_normal,  # noqa: F401
                                     stateless_truncated_normal, stateless_uniform)
