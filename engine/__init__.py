"""tf0's graph IR: dtypes, shapes, Graph/Operation/Tensor, the op registry, gradients().

Imports nothing else of tf0 and no GPU library.
"""
from . import dtypes, errors, op_def, shapes
from .graph import (Graph, GraphKeys, Operation, Tensor, constant_value, default_session,
                    get_default_graph, get_default_session, name_scope, register_internal_dir,
                    reset_default_graph, shape_from_tensor)
from .gradients import NO_GRADIENT, gradients
from .shapes import Dimension, TensorShape
