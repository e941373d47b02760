"""tf0.initializers: TF1's `tf.initializers.*` names."""
from tf0.ops.init_ops import (Constant as constant, GlorotNormal as glorot_normal,  # noqa: F401
                              GlorotUniform as glorot_uniform, Ones as ones,
                              RandomNormal as random_normal, RandomUniform as random_uniform,
                              TruncatedNormal as truncated_normal,
                              VarianceScaling as variance_scaling, Zeros as zeros, he_normal,
                              he_uniform)
from tf0.ops.variables import global_variables_initializer as _gvi

global_variables = _gvi
from tf0.ops.init_ops import (Identity as identity, Orthogonal as orthogonal,  # noqa: F401,E402
                              UniformUnitScaling as uniform_unit_scaling, lecun_normal,
                              lecun_uniform)
from tf0.ops.variables import (local_variables_initializer as local_variables,  # noqa: F401,E402
                               variables_initializer as variables)
from tf0.ops.feature_columns import tables_initializer  # noqa: F401,E402
