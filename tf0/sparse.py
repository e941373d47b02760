"""tf0.sparse (the module tf.sparse): SparseTensor and the ops on it."""
from tf0.ops.sparse_ops import SparseTensor  # noqa: F401
from tf0.ops.sparse_ops import sparse_reduce_sum as reduce_sum  # noqa: F401
from tf0.ops.sparse_ops import sparse_tensor_dense_matmul as matmul  # noqa: F401
from tf0.ops.sparse_ops import sparse_tensor_to_dense as to_dense  # noqa: F401
