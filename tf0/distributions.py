"""tf.distributions (TF1's module, deprecated there in favour of TensorFlow Probability)."""
from tf0.ops.distributions import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,  # noqa: F401
                                   Bernoulli, Categorical, Distribution, Laplace, Normal,
                                   RegisterKL, ReparameterizationType, Uniform, kl_divergence)
from tf0.ops.gamma_family import (Beta, Dirichlet, Exponential, Gamma,  # noqa: F401
                                  StudentT)
