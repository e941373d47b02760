"""tf0.sparse (the module tf.sparse): SparseTensor and the ops on it."""
from tf0.ops.sparse_ops import SparseTensor  # noqa: F401
from tf0.ops.sparse_ops import sparse_reduce_sum as reduce_sum  # noqa: F401
from tf0.ops.sparse_ops import sparse_tensor_dense_matmul as matmul  # noqa: F401
from tf0.ops.sparse_ops import sparse_tensor_to_dense as to_dense  # noqa: F401
from tf0.ops.sparse_ops import sparse_placeholder as placeholder  # noqa: F401,E402
from tf0.ops.sparse_ops import sparse_tensor_dense_matmul as sparse_dense_matmul  # noqa: F401,E402
from tf0.ops.sparse_more import (from_dense, sparse_add as add,  # noqa: F401,E402
                                 sparse_concat as concat, sparse_expand_dims as expand_dims,
                                 sparse_eye as eye, sparse_fill_empty_rows as fill_empty_rows,
                                 sparse_reduce_max as reduce_max, sparse_reorder as reorder,
                                 sparse_reshape as reshape, sparse_retain as retain,
                                 sparse_segment_mean as segment_mean,
                                 sparse_segment_sqrt_n as segment_sqrt_n,
                                 sparse_segment_sum as segment_sum, sparse_slice as slice,
                                 sparse_softmax as softmax, sparse_split as split,
                                 sparse_to_indicator as to_indicator,
                                 sparse_transpose as transpose)
from tf0.ops.crosses import (sparse_cross as cross,  # noqa: F401,E402
                             sparse_cross_hashed as cross_hashed)
