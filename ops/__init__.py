"""tf0's op families. Importing this package registers every OpDef and the Tensor operators."""
from tf0.engine.graph import OPERATORS, register_internal_dir

from . import (array_ops, control_flow, data_ops, index_ops, init_ops, math_ops, nn_ops,
               random_ops, reduce_ops, sources, state_ops, train_ops, functional_ops,
               conv_ops, summary_ops, scan_ops, py_func, special_math, bitwise_ops)
from .array_ops import (broadcast_to, concat, expand_dims, pad, rank, reshape, shape, size,
                        split, squeeze, stack, tile, transpose, unstack)
from .composites import (batch_normalization, clip_by_global_norm, clip_by_norm,
                         count_nonzero, embedding_lookup, global_norm, is_finite, is_inf,
                         is_nan, l2_normalize, moments, norm, reduce_logsumexp, reduce_std,
                         reduce_variance, saturate_cast, selu,
                         weighted_cross_entropy_with_logits, xw_plus_b)
from .array_composites import (cross, depth_to_space, diag, diag_part, gather_nd,
                               histogram_fixed_width, linspace, matrix_band_part, matrix_diag,
                               matrix_diag_part, meshgrid, roll, scatter_nd, searchsorted,
                               segment_mean, segment_sum, shape_n, space_to_depth, trace,
                               unsorted_segment_mean, unsorted_segment_sum)
from .math_composites import (bincount, confusion_matrix, div_no_nan, invert_permutation,
                              is_non_decreasing, is_strictly_increasing, log_sigmoid,
                              multiply_no_nan, random_crop, random_shuffle, reciprocal_no_nan,
                              truncatediv, truncatemod, xlog1py)
from .special_math import lbeta, polygamma
from .queue_ops import FIFOQueue, PaddingFIFOQueue, QueueBase, RandomShuffleQueue
from .queue_runner import QueueRunner, add_queue_runner
from . import (input_pipeline, image_extras, image_boxes, feature_columns, string_ops,
               lookup_ops)
from .array_extras import (batch_gather, batch_to_space, batch_to_space_nd,
                           broadcast_dynamic_shape, broadcast_static_shape, clip_by_average_norm,
                           dimension_at_index, dimension_value, get_static_value,
                           histogram_fixed_width_bins, parallel_stack, repeat, space_to_batch,
                           space_to_batch_nd, tensor_scatter_nd_add, tensor_scatter_nd_sub,
                           tensor_scatter_nd_update, unravel_index)
from .check_ops import (assert_integer, assert_near, assert_rank_at_least, assert_rank_in,
                        assert_same_float_dtype, assert_scalar, assert_variables_initialized,
                        ensure_shape, get_local_variable, is_numeric_tensor,
                        is_variable_initialized, model_variables, moving_average_variables,
                        report_uninitialized_variables, verify_tensor_all_finite)
from .reader_ops import (FixedLengthRecordReader, ReaderBase, TextLineReader, TFRecordReader,
                         WholeFileReader, decode_csv, read_file)
from .control_flow import Assert, case, cond, merge as _cond_merge
from .core import constant, convert_to_tensor, register_tensor_conversion_function
from .index_ops import gather, one_hot, slice_, strided_slice, strided_slice_getitem
from .relu_ops import leaky_relu, relu, relu6
from .math_ops import (BINARY_BUILDERS, UNARY_BUILDERS, add_n, cast, clip_by_value, div,
                       logical_not, matmul, scalar_mul, sum_to,
                       to_float, to_int32, to_int64, truediv, where)
from .nn_ops import (bias_add, l2_loss, log_softmax, sigmoid_cross_entropy_with_logits,
                     softmax, softmax_cross_entropy_with_logits,
                     softmax_cross_entropy_with_logits_v2,
                     sparse_softmax_cross_entropy_with_logits)
from .random_ops import (categorical, multinomial, random_gamma, random_normal,
                         random_uniform, set_random_seed, truncated_normal)
from .reduce_ops import REDUCE_BUILDERS, argmax, argmin
from .sources import (fill, group, identity, no_op, ones, ones_like, placeholder,
                      placeholder_with_default, range_, stop_gradient, tuple_, zeros, zeros_like)
from .variable_scope import AUTO_REUSE, VariableScope, get_variable, get_variable_scope, \
    make_template, variable_scope
from .functional_ops import foldl, foldr, map_fn, scan, while_loop
from .rnn import reverse_sequence, sequence_mask
from .einsum import einsum, tensordot
from .linalg_ops import eye, matrix_transpose, reverse
from .conv_ops import avg_pool, conv1d, conv2d, conv2d_transpose, max_pool
from .scan_ops import argsort, boolean_mask, cumprod, cumsum, sort, where_true
from .py_func import numpy_function, py_func
from .gradient_ops import custom_gradient, hessians, identity_n
from .set_ops import setdiff1d, unique, unique_with_counts
from .parsing_ops import (FixedLenFeature, VarLenFeature, decode_raw, parse_example,
                          parse_single_example)
from .sparse_ops import (SparseTensor, SparseTensorValue, sparse_placeholder,
                         sparse_reduce_sum, sparse_tensor_dense_matmul, sparse_tensor_to_dense)
from .partition_ops import dynamic_partition, dynamic_stitch
from .solve_ops import matrix_determinant, matrix_inverse, matrix_solve
from .decompositions import (cholesky, cholesky_solve, logdet, matrix_set_diag,
                             matrix_triangular_solve, qr, self_adjoint_eig,
                             self_adjoint_eigvals, slogdet, svd)
from .segment_ops import (segment_max, segment_min, segment_prod, unsorted_segment_max,
                          unsorted_segment_min, unsorted_segment_prod, unsorted_segment_sqrt_n)
from .sampled_losses import (log_uniform_candidate_sampler, nce_loss, sampled_softmax_loss,
                             uniform_candidate_sampler)
from .scatter_ops import (scatter_add, scatter_nd_add, scatter_nd_sub, scatter_nd_update,
                          scatter_sub, scatter_update)
from .debug_ops import (Print, add_check_numerics_ops, assert_equal, assert_greater,
                        assert_greater_equal, assert_less, assert_less_equal, assert_negative,
                        assert_non_negative, assert_non_positive, assert_none_equal,
                        assert_positive, assert_rank, assert_type, check_numerics, print_)
from .tensor_array import TensorArray, add_n_lists as _add_n_lists, \
    zeros_like_list as _zeros_like_list
from .variables import (Variable, assign, assign_add, assign_sub, global_variables,
                        global_variables_initializer, local_variables,
                        local_variables_initializer, trainable_variables, variables_initializer)

register_internal_dir(__file__)
globals().update(UNARY_BUILDERS)
globals().update(BINARY_BUILDERS)
globals().update(REDUCE_BUILDERS)
U, B = UNARY_BUILDERS, BINARY_BUILDERS


def _named(builder, name):
    """Tensor operators name their ops like TF1 (`a + b` is "add", tf.add is "Add")."""
    return lambda x, y: builder(x, y, name=name)


OPERATORS.update({
    "add": _named(B["add"], "add"), "sub": _named(B["subtract"], "sub"),
    "mul": _named(B["multiply"], "mul"), "truediv": _named(truediv, "truediv"),
    "floordiv": _named(B["floordiv"], "floordiv"), "mod": _named(B["floormod"], "mod"),
    "pow": _named(B["pow"], "pow"), "matmul": matmul,
    "neg": U["negative"], "abs": U["abs"], "lt": B["less"], "le": B["less_equal"],
    "gt": B["greater"], "ge": B["greater_equal"], "and": B["logical_and"],
    "or": B["logical_or"], "xor": B["logical_xor"], "invert": logical_not,
    "getitem": strided_slice_getitem, "convert": convert_to_tensor, "stack": stack,
    "ones_like": ones_like, "zeros_like": zeros_like, "add_n": add_n,
    "cond_merge": _cond_merge,
})
