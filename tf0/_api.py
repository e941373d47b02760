"""The public names of `import tf0 as tf`, loaded on first use by tf0/__init__.py.

Only re-exports; the logic lives in tf0.engine, tf0.ops, tf0.kernels and tf0.session.
"""
import importlib.util as _importlib_util
import os as _os
import threading as _threading

from tf0.engine import register_internal_dir as _register_internal_dir

_register_internal_dir(__file__)

from tf0.engine.dtypes import (DType, as_dtype, float32, float64, int32, int64,  # noqa: E402
                               uint8, variant)
from tf0.engine.dtypes import bool_ as bool  # noqa: E402,A001
from tf0.engine.dtypes import string  # noqa: E402
from tf0.engine.gradients import RegisterGradient, gradients  # noqa: E402
from tf0.engine.graph import (Graph, GraphKeys, Operation, Tensor,  # noqa: E402
                              get_default_graph, get_default_session, name_scope,
                              reset_default_graph)
from tf0.engine.shapes import Dimension, TensorShape  # noqa: E402
from tf0.ops import *  # noqa: E402,F401,F403
# The facade's modules come after the star import, which would otherwise put tf0.ops's own
# submodules (layers, losses, ...) in their place.
import tf0.errors as errors  # noqa: E402
import tf0.initializers as initializers  # noqa: E402
import tf0.nn as nn  # noqa: E402
import tf0.data as data  # noqa: E402
import tf0.debugging as debugging  # noqa: E402
import tf0.feature_column as feature_column  # noqa: E402
import tf0.layers as layers  # noqa: E402
import tf0.linalg as linalg  # noqa: E402
import tf0.losses as losses  # noqa: E402
import tf0.math_names as math  # noqa: E402
import tf0.metrics as metrics  # noqa: E402
import tf0.saved_model as saved_model  # noqa: E402
import tf0.summary as summary  # noqa: E402
import tf0.random_names as random  # noqa: E402
import tf0.app as app  # noqa: E402
import tf0.flags as flags  # noqa: E402
import tf0.gfile as gfile  # noqa: E402
import tf0.io_names as io  # noqa: E402
import tf0.python_io as python_io  # noqa: E402
import tf0.sparse as sparse  # noqa: E402
import tf0.logging_names as logging  # noqa: E402
import tf0.image as image  # noqa: E402
import tf0.contrib_names as contrib  # noqa: E402
import tf0.timeline as timeline  # noqa: E402
import tf0.graph_util as graph_util  # noqa: E402
import tf0.bitwise as bitwise  # noqa: E402
from tf0.session.events import Event, Summary  # noqa: E402,F401
from tf0.engine.graph_def import GraphDef, NodeDef, import_graph_def  # noqa: E402,F401
import tf0.train as train  # noqa: E402
from tf0.ops import (AUTO_REUSE, U as _U, B as _B, REDUCE_BUILDERS as _R,  # noqa: E402
                     Variable, VariableScope, add_n, argmax, argmin, assign, assign_add,
                     assign_sub, broadcast_to, cast, clip_by_value, concat, constant,
                     convert_to_tensor, div, expand_dims, fill, gather, get_variable,
                     get_variable_scope, global_variables, global_variables_initializer,
                     group, identity, local_variables, local_variables_initializer,
                     logical_not, matmul, no_op, one_hot, ones, ones_like, pad, placeholder,
                     placeholder_with_default, random_normal, random_uniform, rank,
                     register_tensor_conversion_function, reshape, scalar_mul,
                     set_random_seed, shape, size, split, squeeze, stack, stop_gradient, tile,
                     to_float, to_int32, to_int64, trainable_variables, transpose, truediv,
                     truncated_normal, unstack, variable_scope, variables_initializer, where,
                     zeros, zeros_like)
from tf0.ops import (clip_by_global_norm, clip_by_norm, global_norm, norm,  # noqa: E402
                     reduce_logsumexp)
from tf0.ops import add_check_numerics_ops, dynamic_partition, dynamic_stitch  # noqa: E402
from tf0.ops import matrix_determinant, matrix_inverse, matrix_solve  # noqa: E402
from tf0.ops import (cholesky, cholesky_solve, matrix_set_diag,  # noqa: E402,F401
                     matrix_triangular_solve, qr, self_adjoint_eig, self_adjoint_eigvals, svd)
from tf0.ops.decompositions import matrix_solve_ls  # noqa: E402,F401
from tf0.ops.image_extras import extract_image_patches  # noqa: E402,F401
from tf0.ops.feature_columns import tables_initializer  # noqa: E402
from tf0.ops.reader_ops import matching_files  # noqa: E402,F401
from tf0.ops.edit_distance import edit_distance  # noqa: E402,F401
from tf0.ops import (tensor_scatter_nd_add as tensor_scatter_add,  # noqa: E402,F401
                     tensor_scatter_nd_sub as tensor_scatter_sub,
                     tensor_scatter_nd_update as tensor_scatter_update)
from tf0.ops.random_ops import get_seed  # noqa: E402,F401
import tf0.strings as strings  # noqa: E402
import tf0.lookup as lookup  # noqa: E402
from tf0.ops.string_ops import (as_string, reduce_join, regex_replace,  # noqa: E402,F401
                                string_join, string_split, string_to_number, substr)
from tf0.ops.string_ops import strip as string_strip  # noqa: E402,F401
from tf0.ops.string_hash import (fingerprint, string_to_hash_bucket,  # noqa: E402,F401
                                 string_to_hash_bucket_fast, string_to_hash_bucket_strong)
from tf0.ops.sparse_more import (sparse_add, sparse_concat,  # noqa: E402,F401
                                 sparse_fill_empty_rows, sparse_reduce_max, sparse_reorder,
                                 sparse_reshape, sparse_retain, sparse_segment_mean,
                                 sparse_segment_sqrt_n, sparse_segment_sum, sparse_slice,
                                 sparse_softmax, sparse_split, sparse_to_dense,
                                 sparse_to_indicator, sparse_transpose)
from tf0.ops.init_ops import (Orthogonal as orthogonal_initializer,  # noqa: E402,F401
                              UniformUnitScaling as uniform_unit_scaling_initializer)
from tf0.ops import (segment_max, segment_min, unsorted_segment_max,  # noqa: E402
                     unsorted_segment_min)
from tf0.ops import where as where_v2  # noqa: E402 (tf.where broadcasts already)
from tf0.ops import (FIFOQueue, FixedLengthRecordReader,  # noqa: E402,F401
                     PaddingFIFOQueue, QueueBase, RandomShuffleQueue, ReaderBase,
                     TextLineReader, TFRecordReader, WholeFileReader, decode_csv, read_file)
from tf0.ops import (div_no_nan, invert_permutation, is_non_decreasing,  # noqa: E402
                     is_strictly_increasing, lbeta, polygamma, truncatemod)
from tf0.ops import (count_nonzero, cross, diag, diag_part, gather_nd,  # noqa: E402
                     histogram_fixed_width, is_finite, is_inf, is_nan, linspace, matrix_diag,
                     matrix_diag_part, meshgrid, multinomial, saturate_cast, scatter_nd,
                     searchsorted, segment_mean, segment_sum, shape_n, trace,
                     unsorted_segment_mean, unsorted_segment_sum)
from tf0.ops import linspace as lin_space  # noqa: E402
from tf0.ops import range_ as range  # noqa: E402,A001
from tf0.ops import slice_ as slice  # noqa: E402,A001
from tf0.ops import tuple_ as tuple  # noqa: E402,A001
from tf0.ops import print_ as print  # noqa: E402,A001
from tf0.ops.init_ops import (Constant as constant_initializer,  # noqa: E402
                              GlorotNormal as glorot_normal_initializer,
                              GlorotUniform as glorot_uniform_initializer,
                              Ones as ones_initializer,
                              RandomNormal as random_normal_initializer,
                              RandomUniform as random_uniform_initializer,
                              TruncatedNormal as truncated_normal_initializer,
                              VarianceScaling as variance_scaling_initializer,
                              Zeros as zeros_initializer)
from tf0.session import (ConfigProto, GPUOptions, InteractiveSession,  # noqa: E402
                         RunMetadata, RunOptions, Session)

from tf0.session import cuda_backend as _cuda_backend  # noqa: E402


def _prepare_gpu():
    """Import CuPy, look for a GPU and start compiling the kernels. It runs on a thread of
    its own, so `import tf0` does not wait for CuPy's import; the first Session does."""
    if _cuda_backend.available():
        import tf0.kernels.loader as _loader
        _loader.start()


if _os.environ.get("TF0_DEVICE", "").lower() != "cpu" and _importlib_util.find_spec("cupy"):
    _threading.Thread(target=_prepare_gpu, name="tf0-gpu-init", daemon=True).start()

globals().update(_U)
globals().update(_B)
globals().update(_R)
for _math_only in ("erfinv", "ndtri", "multiply_no_nan", "reciprocal_no_nan", "xlog1py"):
    del globals()[_math_only]  # TF1 has these under tf.math only
newaxis = None
control_dependencies = lambda control_inputs: get_default_graph().control_dependencies(  # noqa
    control_inputs)
get_collection = lambda key, scope=None: get_default_graph().get_collection(key, scope)  # noqa
add_to_collection = lambda name, value: get_default_graph().add_to_collection(name, value)  # noqa
add_to_collections = lambda names, value: get_default_graph().add_to_collections(  # noqa
    names, value)
get_collection_ref = lambda key: get_default_graph().get_collection_ref(key)  # noqa
device = lambda device_name: get_default_graph().device(device_name)  # noqa
divide = math.divide
mod = math.mod
realdiv = _B["realdiv"]
neg = _U["negative"]
rint = math.rint
floor_div = floordiv  # noqa: F405 (TF1's other spellings of the same ops)
accumulate_n = add_n
arg_max, arg_min = argmax, argmin
reverse_v2 = reverse  # noqa: F405
double = float64
all_variables = global_variables
initialize_all_variables = global_variables_initializer
initialize_local_variables = local_variables_initializer
initialize_variables = variables_initializer


initialize_all_tables = tables_initializer


def to_double(x, name="ToDouble"):
    return cast(x, float64, name=name)
is_tensor = lambda x: isinstance(x, Tensor)  # noqa: E731
Session.__module__ = "tf0"


def disable_v2_behavior():
    """Accepted for TF1 scripts; tf0 is always in graph mode."""


disable_eager_execution = disable_v2_behavior


def executing_eagerly():
    return False


class _Compat:
    """`tf.compat.v1` is tf0 itself."""

    @property
    def v1(self):
        import tf0
        return tf0


compat = _Compat()
__version__ = "0.1.0"
