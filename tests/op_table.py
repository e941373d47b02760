"""One row per op: how to build it from float inputs, and what those inputs look like.

Row(name, build, inputs, ...): `build(*tensors)` returns one tensor; `inputs` lists
(shape, kind) for each float input, kind choosing the random values (see `draw`).
grad=False: forward and inference only. second=True: also check second derivatives.
partial=True: the op's static shape is partial by design even for static inputs.
dynamic=False: the op needs static shapes (skip the unknown-shape variant).
"""
import numpy as np

import tf0 as tf

C34 = np.array([[True, False, True, True],  # a fixed condition / label pattern
                [False, False, True, False],
                [True, True, False, True]])
IDX = np.array([2, 0, 2, 1])
W33 = np.linspace(0.5, 1.5, 9).reshape(3, 3)  # weights that make losses of sign-free
W43 = np.linspace(-1.0, 2.0, 12).reshape(4, 3)  # factors (squared by the test) vary
W54 = np.linspace(0.5, 2.0, 20).reshape(5, 4)


class Row:
    def __init__(self, name, build, inputs, grad=True, second=False, dynamic=True,
                 eps=1e-6, rtol=1e-5, atol=1e-7, partial=False):
        self.name, self.build, self.inputs, self.partial = name, build, inputs, partial
        self.grad, self.second, self.dynamic = grad, second, dynamic
        self.eps, self.rtol, self.atol = eps, rtol, atol

    def __repr__(self):
        return self.name


@tf.custom_gradient
def _softplus_by_hand(x):
    """softplus with its derivative (sigmoid) given by hand: an IdentityN with an override."""
    return tf.log(1.0 + tf.exp(x)), lambda dy: dy * tf.sigmoid(x)


def _later(value):
    """An int32 scalar whose value is known only at run time (it could be fed)."""
    return tf.placeholder_with_default(np.int32(value), [])


def _uint8(x):
    """x (about N(0, 1)) as uint8 values around 100."""
    return tf.cast(x * 10.0 + 100.0, tf.uint8)


def draw(rng, shape, kind):
    """Random float64 values that keep every op away from its kinks and poles."""
    if kind == "any":
        return rng.standard_normal(shape)
    if kind == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "nonzero":
        return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    if kind == "distinct":
        return rng.permutation(np.arange(np.prod(shape, dtype=int))).reshape(shape) * 0.37 \
            + rng.uniform(-0.05, 0.05, shape)
    if kind == "off_integer":
        return np.floor(rng.uniform(-3, 3, shape)) + rng.uniform(0.1, 0.4, shape)
    raise ValueError(kind)


A = [((3, 4), "any")]
POS = [((3, 4), "pos")]
NZ = [((3, 4), "nonzero")]

ROWS = [
    # ---- sources / identity-like
    Row("constant_add", lambda x: x + tf.constant(np.arange(4.0), dtype=x.dtype) + np.ones(4), A),
    Row("identity", tf.identity, A),
    Row("stop_gradient", lambda x: x * tf.stop_gradient(x), A, grad=False),
    Row("placeholder_with_default", lambda x: tf.placeholder_with_default(x, [None, 4]) * 2, A,
        partial=True),
    Row("zeros_like", lambda x: x + tf.zeros_like(x), A),
    Row("ones_like", lambda x: x * tf.ones_like(x), A),
    Row("fill", lambda x: tf.fill(tf.shape(x), tf.reduce_sum(x)), A),
    Row("range", lambda x: x * tf.cast(tf.range(4), x.dtype), A),
    Row("range_float", lambda x: x * tf.range(0.5, 2.5, 0.5, dtype=x.dtype), A),
    # ---- control flow: positive inputs take the first branch of one and the second of other
    Row("cond_true", lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * tf.exp(x),
                                       lambda: tf.sin(x)), POS, second=True),
    Row("cond_false", lambda x: tf.cond(tf.reduce_sum(x) < 0, lambda: x * tf.exp(x),
                                        lambda: tf.sin(x) * x), POS, second=True),
    Row("while_loop", lambda x: tf.while_loop(
        lambda i, y: i < 3, lambda i, y: (i + 1, tf.sin(y) * y + x), [0, x])[1], A),
    Row("while_loop_cond", lambda x: tf.while_loop(
        lambda i, y: tf.reduce_sum(y) < 1e6,
        lambda i, y: (i + 1, tf.cond(i % 2 > 0, lambda: y * x, lambda: tf.sqrt(y) + x)),
        [0, x], maximum_iterations=5)[1], POS),
    Row("while_loop_nested", lambda x: tf.while_loop(
        lambda i, y: i < 2, lambda i, y: (i + 1, tf.while_loop(
            lambda j, z: j < 2, lambda j, z: (j + 1, tf.tanh(z) * x + z), [0, y])[1]),
        [0, x])[1], A),
    Row("map_fn", lambda x: tf.map_fn(lambda r: tf.sin(r) * r + x[0], x), A),
    Row("scan", lambda x: tf.scan(lambda a, r: tf.tanh(a * r) + r, x, reverse=True), A),
    Row("foldl", lambda x: tf.foldl(lambda a, r: a * tf.cos(r), x,
                                    initializer=tf.ones_like(x[0])), A),
    # ---- convolution and pooling (NHWC)
    Row("conv1d_strided", lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
        [((2, 7, 3), "any"), ((3, 3, 2), "any")], dynamic=False),
    Row("conv2d_same", lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"),
        [((2, 5, 4, 3), "any"), ((3, 2, 3, 2), "any")], second=True),
    Row("conv2d_valid_strided", lambda x, w: tf.nn.conv2d(x, w, [1, 2, 3, 1], "VALID"),
        [((2, 7, 8, 2), "any"), ((3, 2, 2, 3), "any")], second=True),
    Row("conv2d_dilated", lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME",
                                                    dilations=[1, 2, 2, 1]),
        [((1, 6, 5, 2), "any"), ((2, 3, 2, 2), "any")]),
    Row("conv2d_nchw", lambda x, w: tf.nn.conv2d(x, w, [1, 1, 2, 2], "SAME",
                                                 data_format="NCHW"),
        [((2, 3, 5, 4), "any"), ((2, 2, 3, 2), "any")]),
    Row("conv2d_transpose", lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 7, 6, 2],
                                                                [1, 2, 2, 1], "SAME"),
        [((2, 4, 3, 3), "any"), ((3, 3, 2, 3), "any")], second=True),
    Row("max_pool_same", lambda x: tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
        [((2, 5, 4, 3), "distinct")]),
    Row("max_pool_overlapping", lambda x: tf.nn.max_pool(x, [1, 3, 2, 1], [1, 1, 1, 1],
                                                         "VALID"), [((1, 5, 4, 2), "distinct")]),
    Row("avg_pool_same", lambda x: tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
        [((2, 5, 4, 3), "any")], second=True),
    Row("top_k", lambda x: tf.nn.top_k(x, 3)[0], [((3, 4), "distinct")], dynamic=False),
    # ---- unary
    *[Row(n, getattr(tf, n), A) for n in ("negative", "square", "sin", "cos", "tanh", "sigmoid",
                                          "softplus", "exp")],
    *[Row(n, getattr(tf, n), A, second=True) for n in ("erf", "erfc")],
    *[Row(n, getattr(tf, n), POS) for n in ("sqrt", "rsqrt", "log", "log1p")],
    *[Row(n, getattr(tf, n), NZ) for n in ("abs", "sign", "reciprocal", "elu")],
    *[Row(n, getattr(tf, n), [((3, 4), "off_integer")]) for n in ("floor", "ceil", "round")],
    *[Row(n, getattr(tf, n), [((3, 4), "unit")], second=True)
      for n in ("tan", "asin", "acos", "atanh")],
    *[Row(n, getattr(tf, n), A, second=True) for n in ("atan", "sinh", "cosh", "asinh", "expm1")],
    Row("acosh", lambda x: tf.acosh(x + 1.0), POS, second=True),
    Row("lgamma", tf.lgamma, [((3, 4), "off_integer")], second=True),
    Row("digamma", tf.digamma, [((3, 4), "off_integer")], second=True),
    Row("erfinv", tf.math.erfinv, [((3, 4), "unit")], second=True),
    Row("ndtri", lambda x: tf.math.ndtri(x * 0.5 + 0.5), [((3, 4), "unit")], second=True),
    Row("atan2", tf.atan2, [((3, 4), "any"), ((4,), "nonzero")], second=True),
    Row("zeta", lambda q: tf.zeta(tf.constant(np.linspace(1.5, 6.0, 12).reshape(3, 4),
                                              q.dtype), q), POS),  # no gradient for s (TF1)
    Row("polygamma", lambda x: tf.polygamma(tf.constant([0.0, 1.0, 2.0, 3.0], x.dtype), x),
        POS),
    Row("lbeta", tf.lbeta, POS),
    Row("no_nan_ops", lambda x, y: tf.div_no_nan(x, y) + tf.math.multiply_no_nan(x, y) +
        tf.math.reciprocal_no_nan(y) + tf.math.xlog1py(x, y), [((3, 4), "any"), ((4,), "pos")]),
    Row("truncatemod", lambda x, y: tf.truncatemod(x, y) * x,
        [((3, 4), "off_integer"), ((3, 4), "pos")]),
    Row("relu", tf.nn.relu, NZ, second=True),
    Row("relu6", tf.nn.relu6, [((3, 4), "off_integer")], second=True),
    Row("leaky_relu", lambda x: tf.nn.leaky_relu(x, 0.1), NZ, second=True),
    Row("selu", tf.nn.selu, NZ),
    Row("swish_softsign_log_sigmoid", lambda x: tf.nn.swish(x) + tf.nn.softsign(x) *
        tf.math.log_sigmoid(x), A, second=True),
    Row("crelu", tf.nn.crelu, NZ),
    Row("lrn", lambda x: tf.nn.lrn(x, 1, 1.5, 0.3, 0.75), [((1, 2, 2, 4), "any")],
        dynamic=False),
    Row("depthwise_conv2d", lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
        [((1, 4, 3, 2), "any"), ((2, 2, 2, 3), "any")], dynamic=False),
    Row("custom_gradient", _softplus_by_hand, A),
    Row("xlogy_xdivy", lambda x, y: tf.math.xlogy(x, y) + tf.math.xdivy(x, y),
        [((3, 4), "any"), ((3, 4), "pos")]),
    Row("roll", lambda x: tf.roll(x, [1, -1], [0, 1]), A, dynamic=False),
    Row("mirror_pads", lambda x: tf.pad(x, [[1, 1], [2, 1]], "REFLECT")[:, :4] * W54 +
        tf.pad(x, [[2, 0], [0, 3]], "SYMMETRIC")[:, 3:], A, second=True, dynamic=False),
    Row("band_part", lambda x: tf.matrix_band_part(x, 1, 0), A, dynamic=False),
    Row("space_to_depth", lambda x: tf.depth_to_space(
        tf.space_to_depth(x, 2) * x[:, :2, :1, :1], 2), [((2, 4, 2, 3), "any")], dynamic=False),
    Row("tanh_second", tf.tanh, A, second=True),
    Row("sigmoid_second", tf.sigmoid, A, second=True),
    # ---- binary with broadcasting
    Row("add", tf.add, [((3, 4), "any"), ((4,), "any")], second=True),
    Row("subtract", tf.subtract, [((2, 3, 4), "any"), ((3, 1), "any")]),
    Row("multiply", tf.multiply, [((3, 1), "any"), ((1, 4), "any")], second=True),
    Row("divide", tf.divide, [((3, 4), "any"), ((4,), "nonzero")], second=True),
    Row("floordiv", lambda x, y: tf.floordiv(x, y) * x, [((3, 4), "any"), ((3, 4), "pos")]),
    Row("floormod", tf.floormod, [((3, 4), "any"), ((3, 4), "pos")]),
    Row("maximum", tf.maximum, [((3, 4), "distinct"), ((4,), "distinct")]),
    Row("minimum", tf.minimum, [((3, 4), "distinct"), ((3, 1), "distinct")]),
    Row("squared_difference", tf.squared_difference, [((3, 4), "any"), ((4,), "any")]),
    Row("pow", tf.pow, [((3, 4), "pos"), ((3, 4), "unit")], second=True),
    Row("operators", lambda x, y: (-x + 2.0) * y / 3.0 - x ** 2 + abs(y) + (x // 1.0) % 1.0,
        [((3, 4), "off_integer"), ((3, 4), "nonzero")]),
    Row("comparisons", lambda x, y: x * tf.cast(
        tf.logical_or(tf.logical_and(x < y, tf.less_equal(x, 0.0)),
                      tf.logical_xor(tf.greater(x, y), tf.greater_equal(y, 1.0))) |
        tf.logical_not(tf.equal(x, y)) & tf.not_equal(x, 0.5), x.dtype),
        [((3, 4), "distinct"), ((3, 4), "distinct")]),
    Row("where", lambda x, y: tf.where(tf.constant(C34), x, y), [((3, 4), "any"), ((4,), "any")]),
    Row("cast_roundtrip", lambda x: tf.cast(tf.cast(x, tf.float32), x.dtype) * 3, A,
        eps=1e-2, rtol=1e-4, atol=1e-4),
    Row("cast_int", lambda x: tf.cast(tf.cast(x * 4.0, tf.int32), x.dtype) + x,
        [((3, 4), "off_integer")]),
    Row("add_n", lambda x, y, z: tf.add_n([x, y, z, x]), A * 3),
    Row("clip_by_value", lambda x: tf.clip_by_value(x, -0.5, 0.7), [((3, 4), "distinct")]),
    # ---- matmul
    Row("matmul", tf.matmul, [((3, 4), "any"), ((4, 5), "any")], second=True),
    Row("matmul_ta", lambda a, b: tf.matmul(a, b, transpose_a=True),
        [((4, 3), "any"), ((4, 5), "any")]),
    Row("matmul_tb", lambda a, b: tf.matmul(a, b, transpose_b=True),
        [((3, 4), "any"), ((5, 4), "any")]),
    Row("matmul_tab", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
        [((4, 3), "any"), ((5, 4), "any")], second=True),
    Row("matmul_batched", tf.matmul, [((2, 3, 4), "any"), ((2, 4, 5), "any")]),
    Row("matmul_broadcast", lambda a, b: a @ b, [((2, 3, 4), "any"), ((4, 5), "any")]),
    # ---- reductions
    Row("reduce_sum_all", tf.reduce_sum, [((2, 3, 4), "any")], second=True),
    Row("reduce_sum_axis", lambda x: tf.reduce_sum(x, axis=1), [((2, 3, 4), "any")]),
    Row("reduce_sum_keep", lambda x: tf.reduce_sum(x, axis=[0, 2], keepdims=True),
        [((2, 3, 4), "any")]),
    Row("reduce_mean", lambda x: tf.reduce_mean(x, axis=-1), [((2, 3, 4), "any")], second=True),
    Row("reduce_mean_all", tf.reduce_mean, [((2, 3, 4), "any")]),
    Row("reduce_max", lambda x: tf.reduce_max(x, axis=1), [((3, 4), "distinct")], second=True),
    Row("reduce_min", lambda x: tf.reduce_min(x, axis=0, keep_dims=True),
        [((3, 4), "distinct")]),
    Row("reduce_prod", lambda x: tf.reduce_prod(x, axis=1), NZ),
    Row("reduce_any_all", lambda x: x * tf.cast(
        tf.logical_and(tf.reduce_any(x > 0, axis=1, keepdims=True), tf.reduce_all(x < 5)),
        x.dtype), A),
    Row("argmax_argmin", lambda x: x * tf.cast(
        tf.argmax(x, axis=1)[:, None] - tf.argmin(x, 0)[None, :3], x.dtype)[:, :1],
        [((3, 4), "distinct")]),
    # ---- array
    Row("reshape", lambda x: tf.reshape(x, [2, -1]) * 1.5, A),
    Row("transpose", lambda x: tf.transpose(x, [2, 0, 1]), [((2, 3, 4), "any")], second=True),
    Row("transpose_default", tf.transpose, A),
    Row("expand_dims", lambda x: tf.expand_dims(x, 1), A),
    Row("squeeze", lambda x: tf.squeeze(x, [1]), [((3, 1, 4), "any")]),
    Row("squeeze_all", tf.squeeze, [((3, 1, 4), "any")], dynamic=False),
    Row("concat", lambda x, y: tf.concat([x, y, x], axis=1), [((3, 4), "any"), ((3, 2), "any")],
        second=True),
    Row("stack", lambda x, y: tf.stack([x, y], axis=1), A * 2),
    Row("unstack", lambda x: tf.stack(tf.unstack(x, axis=1)[::-2], 0), A, dynamic=False),
    Row("split", lambda x: tf.split(x, [1, 3], axis=1)[1] * 2, A),
    Row("split_equal", lambda x: tf.concat(tf.split(x, 2, axis=1)[::-1], 0), A, dynamic=False),
    # one part: an op of one output returns its value alone
    Row("split_into_one", lambda x: tf.split(x, 1, axis=1)[0] * 3.0, A),
    Row("unstack_one", lambda x: tf.unstack(tf.expand_dims(x, 0))[0] - 1.0, A, dynamic=False),
    Row("slice", lambda x: tf.slice(x, [1, 0, 1], [1, -1, 2]), [((2, 3, 4), "any")]),
    Row("getitem", lambda x: x[1:, ::2, None, ..., -1], [((3, 4, 5), "any")], second=True),
    Row("getitem_int", lambda x: x[1] + x[-1, 2] + x[:, 1:3][0, ::-1][0], A),
    # indices and sizes known only at run time (a value the graph may be fed)
    Row("getitem_run_time", lambda x: x[_later(1), 1:] * 2.0 + x[_later(1) - 1, _later(0):3],
        A, second=True, partial=True),
    Row("slice_run_time", lambda x: tf.slice(x, [_later(1), 0], [2, _later(-1)]), A,
        partial=True),
    Row("gather", lambda x: tf.gather(x, IDX), A, second=True),
    Row("gather_axis1", lambda x: tf.gather(x, [[3, 3], [0, 1]], axis=1), A),
    Row("gather_nd", lambda x: tf.gather_nd(x, [[2, 1], [0, 3], [2, 1]]), A, second=True),
    Row("scatter_nd", lambda x: tf.scatter_nd([[1], [0], [1]], x, [2, 4]), A),
    Row("unsorted_segment_sum_int", lambda x: tf.cast(tf.unsorted_segment_sum(
        tf.cast(x * 10.0, tf.int32), [1, 0, 1], 2), x.dtype), A, grad=False, partial=True),
    Row("cumsum", lambda x: tf.cumsum(x, 1) * tf.cumsum(x, 0, exclusive=True, reverse=True), A,
        second=True),
    Row("cumprod", lambda x: tf.cumprod(x, 1, reverse=True), POS, second=True),
    Row("boolean_mask", lambda x: tf.boolean_mask(x, x > 0), A, partial=True, dynamic=False),
    Row("sort", lambda x: tf.sort(x, axis=0, direction="DESCENDING") * tf.cast(
        tf.argsort(x), x.dtype), [((3, 4), "distinct")], second=True, dynamic=False),
    Row("one_hot", lambda x: tf.reduce_sum(x * tf.one_hot(IDX[:3], 4, dtype=x.dtype), 1), A),
    Row("tile", lambda x: tf.tile(x, [2, 3]), A, second=True),
    Row("tile_run_time", lambda x: tf.tile(x, [_later(2), 1]), A, second=True, partial=True),
    Row("pad", lambda x: tf.pad(x, [[1, 0], [2, 3]]), A, second=True),
    Row("pad_reflect", lambda x: tf.pad(x, [[1, 1], [2, 0]], mode="REFLECT"), A, grad=False),
    Row("broadcast_to", lambda x: tf.broadcast_to(x, [2, 3, 4]), [((3, 1), "any")]),
    # ---- segment extremes (host), distinct values: no ties for the finite differences
    Row("unsorted_segment_max", lambda x: tf.unsorted_segment_max(x, [1, 0, 1], 2),
        [((3, 4), "distinct")]),
    Row("segment_min", lambda x: tf.segment_min(x, [0, 0, 1]), [((3, 4), "distinct")],
        partial=True),  # the segment count is read from the ids' values
    Row("segment_prods", lambda x: tf.unsorted_segment_prod(x, [0, 2, 0], 3) +
        tf.math.unsorted_segment_sqrt_n(x, [1, 1, 0], 3), NZ),
    Row("segment_prod", lambda x: tf.segment_prod(x, [0, 0, 1]), NZ, partial=True),
    # ---- dense linear algebra (host LAPACK), on well-conditioned matrices
    Row("matrix_inverse", lambda x: tf.matrix_inverse(x + 4.0 * np.eye(3)), [((2, 3, 3), "any")],
        rtol=1e-4),
    Row("matrix_inverse_adjoint", lambda x: tf.matrix_inverse(x + 4.0 * np.eye(3), adjoint=True),
        [((3, 3), "any")], rtol=1e-4),
    Row("matrix_determinant", lambda x: tf.matrix_determinant(x + 2.0 * np.eye(3)),
        [((2, 3, 3), "any")], rtol=1e-4),
    Row("matrix_solve", lambda a, b: tf.matrix_solve(a + 4.0 * np.eye(3), b),
        [((3, 3), "any"), ((3, 2), "any")], rtol=1e-4),
    Row("matrix_solve_adjoint", lambda a, b: tf.matrix_solve(a + 4.0 * np.eye(3), b,
                                                             adjoint=True),
        [((2, 3, 3), "any"), ((2, 3, 1), "any")], rtol=1e-4),
    Row("cholesky", lambda x: tf.cholesky(tf.matmul(x, x, transpose_b=True) + 3.0 * np.eye(3)),
        [((2, 3, 3), "any")], rtol=1e-4, dynamic=False),  # its gradient needs the rank
    Row("triangular_solve", lambda a, b: tf.matrix_triangular_solve(a + 4.0 * np.eye(3), b),
        [((3, 3), "any"), ((3, 2), "any")], rtol=1e-4),
    Row("triangular_solve_upper_adjoint", lambda a, b: tf.matrix_triangular_solve(
        a + 4.0 * np.eye(3), b, lower=False, adjoint=True),
        [((2, 3, 3), "any"), ((2, 3, 1), "any")], rtol=1e-4),
    Row("self_adjoint_eig", lambda x: tf.concat([tf.self_adjoint_eig(x + tf.matrix_transpose(
        x))[1] * W33, tf.expand_dims(tf.self_adjoint_eigvals(x + tf.matrix_transpose(x)), 1)],
        1), [((3, 3), "any")], rtol=1e-4, dynamic=False),
    Row("qr", lambda x: tf.concat([tf.qr(x)[0] * W43, tf.qr(x)[1] * W33], 0),
        [((4, 3), "any")], rtol=1e-4, dynamic=False),
    Row("svd", lambda x: tf.concat([tf.svd(x)[1] * W43, tf.svd(x)[2] * W33,
                                    tf.expand_dims(tf.svd(x, compute_uv=False), 0)], 0),
        [((4, 3), "any")], rtol=1e-4, dynamic=False),
    Row("svd_wide", lambda x: tf.svd(tf.transpose(x))[2] * W43, [((4, 3), "any")], rtol=1e-4,
        dynamic=False),
    Row("slogdet", lambda x: tf.linalg.slogdet(x + 3.0 * np.eye(3))[1], [((2, 3, 3), "any")],
        rtol=1e-4),
    Row("lstsq_pinv", lambda a: tf.matrix_solve_ls(a, W43[:, :2]) + tf.linalg.pinv(a)[:, :2] +
        tf.matrix_solve_ls(a, W43[:, :2], l2_regularizer=0.1, fast=False),
        [((4, 3), "any")], rtol=1e-4, dynamic=False),
    # ---- uint8: cast in, moved by the layout ops, cast out
    Row("uint8_transpose_gather", lambda x: tf.cast(tf.concat(
        [tf.transpose(_uint8(x))[:, ::-1], tf.gather(tf.transpose(_uint8(x)), IDX)], 1),
        x.dtype), A, grad=False),
    Row("uint8_reflect_split_tile", lambda x: tf.cast(tf.tile(tf.concat(tf.split(tf.pad(
        _uint8(x), [[1, 1], [2, 2]], mode="REFLECT"), 2, axis=1), 0), [1, 2]), x.dtype), A,
        grad=False, dynamic=False),
    Row("uint8_where_compare", lambda x: tf.cast(tf.where(
        _uint8(x) > 100, _uint8(x), _uint8(-x)), x.dtype) * tf.cast(
        _uint8(x) <= _uint8(-x), x.dtype), A, grad=False),
    Row("uint8_pad_fill", lambda x: tf.cast(tf.concat(
        [tf.pad(_uint8(x), [[1, 0], [0, 2]], constant_values=9), tf.fill([2, 6], np.uint8(5))],
        0), x.dtype), A, grad=False, dynamic=False),
    Row("shape_size_rank", lambda x: x * tf.cast(tf.size(x) + tf.rank(x) + tf.shape(x)[0],
                                                 x.dtype), A),
    # ---- nn
    Row("softmax", tf.nn.softmax, A, second=True),
    Row("softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), A),
    Row("log_softmax", tf.nn.log_softmax, A, second=True),
    Row("softmax_xent_v2", lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=tf.nn.softmax(y), logits=x), A * 2, second=True),
    Row("softmax_xent_v1", lambda x: tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.nn.softmax(tf.constant(C34, dtype=x.dtype)), logits=x), A),
    Row("sparse_xent", lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=IDX[:3], logits=x), A, second=True),
    Row("sigmoid_xent", lambda x, y: tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.sigmoid(y), logits=x), [((3, 4), "nonzero"), ((3, 4), "any")]),
    Row("l2_loss", tf.nn.l2_loss, A),
    Row("bias_add", tf.nn.bias_add, [((2, 3, 4), "any"), ((4,), "any")], dynamic=False),
    Row("bias_add_nchw", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
        [((2, 3, 4), "any"), ((3,), "any")], dynamic=False),
    # ---- composites (built from the primitives above)
    Row("reduce_logsumexp", lambda x: tf.reduce_logsumexp(x * 10.0, axis=1), A),
    Row("norm", lambda x: tf.norm(x) + tf.norm(x, ord=1, axis=0)[0] +
        tf.norm(x, ord=np.inf, axis=1)[0], [((3, 4), "distinct")]),
    Row("l2_normalize", lambda x: tf.nn.l2_normalize(x, axis=1), A),
    Row("clip_by_norm", lambda x: tf.clip_by_norm(x, 1.5, axes=[1]), A),
    Row("clip_by_global_norm", lambda x, y: tf.add_n(
        [tf.reduce_sum(t) for t in tf.clip_by_global_norm([x, None, y * 3.0], 2.0)[0]
         if t is not None]), A * 2),
    Row("moments_batchnorm", lambda x, s: tf.nn.batch_normalization(
        x, *tf.nn.moments(x, axes=[0]), offset=s * 0.5, scale=s, variance_epsilon=1e-3),
        [((5, 4), "any"), ((4,), "any")]),
    Row("embedding_lookup", lambda p: tf.nn.embedding_lookup([p], [[2, 0], [2, 1]]), A),
]

# Random ops: shape/dtype inference and value range only (values checked in test_random).
RANDOM_ROWS = [
    ("random_uniform", lambda dt: tf.random_uniform([3, 5], -2, 3, dtype=dt, seed=1)),
    ("random_normal", lambda dt: tf.random_normal([3, 5], 1.0, 2.0, dtype=dt, seed=1)),
    ("truncated_normal", lambda dt: tf.truncated_normal([3, 5], dtype=dt, seed=1)),
    ("random_uniform_int", lambda dt: tf.cast(tf.random_uniform([3, 5], 2, 9, dtype=tf.int32,
                                                                seed=1), dt)),
]

# Op types not built by any row above, and the test file that covers each instead.
COVERED_ELSEWHERE = {
    "ParseExample": "test_tfrecord", "DecodeRaw": "test_tfrecord",
    "CandidateSampler": "test_sampled_losses", "CheckpointValue": "test_checkpoint_init",
    **{t: "test_queues" for t in ("QueueEnqueue", "QueueDequeue", "QueueClose", "QueueSize",
                                  "QueueIsClosed", "LimitEpochs")},
    "RandomGamma": "test_random",
    **{t: "test_image_extras" for t in ("NonMaxSuppression", "EncodePng", "DecodePng",
                                        "SampleDistortedBoundingBox", "DrawBoundingBoxes")},
    **{t: "test_feature_columns" for t in ("VocabularyLookup", "ClassNames")},
    "TableLookup": "test_lookup_ops",
    **{t: "test_string_ops" for t in (
        "StringStrip", "StringLower", "StringUpper", "StringLength", "RegexReplace",
        "RegexFullMatch", "StringToNumber", "AsString", "StringJoin", "ReduceJoin", "Substr",
        "StringSplit", "SparseStringsToDense")},
    **{t: "test_string_hash" for t in (
        "StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket",
        "Fingerprint", "SparseCross", "DenseCross")},
    **{t: "test_ctc" for t in ("CTCLoss", "CTCGreedyDecoder", "CTCBeamSearchDecoder")},
    "EditDistance": "test_edit_distance", "MaxPoolArgmax": "test_conv", "CrfDecode": "test_crf",
    **{t: "test_stateless_random" for t in ("StatelessRandomUniform", "StatelessRandomNormal",
                                            "StatelessRandomUniformInt",
                                            "StatelessTruncatedNormal")},
    **{t: "test_bitwise" for t in ("BitwiseAnd", "BitwiseOr", "BitwiseXor", "Invert",
                                   "LeftShift", "RightShift")},
    **{t: "test_readers" for t in ("ReaderRead", "ReaderNumRecordsProduced",
                                   "ReaderNumWorkUnitsCompleted", "ReaderReset", "DecodeCSV",
                                   "ReadFile", "MatchingFiles")},
    "Placeholder": "test_session", "VariableV2": "test_variables",
    "ReadVariable": "test_variables", "Assign": "test_variables",
    "AssignAdd": "test_variables", "AssignSub": "test_variables",
    "IsVariableInitialized": "test_variables", "NoOp": "test_graph",
    "ApplyGradientDescent": "test_train", "ApplyMomentum": "test_train",
    "ApplyAdam": "test_train", "ApplyRMSProp": "test_train", "ApplyAdagrad": "test_train",
    "ApplyCenteredRMSProp": "test_train",
    "ApplyAdadelta": "test_train", "ApplyFtrl": "test_train",
    "ApplyProximalGradientDescent": "test_train", "ApplyProximalAdagrad": "test_train",
    "MakeIterator": "test_data", "IteratorGetNext": "test_data", "Assert": "test_while_loop",
    "Print": "test_debug_ops", "CheckNumerics": "test_debug_ops",
    **{t: "test_summary" for t in ("ScalarSummary", "HistogramSummary", "MergeSummary",
                                   "ImageSummary", "TensorSummary")},
    "PyFunc": "test_py_func",
    **{t: "test_tensor_array" for t in (
        "TensorListReserve", "TensorListFromTensor", "TensorListZerosLike",
        "TensorListFromValues", "TensorListScatter", "TensorListClear", "TensorListAddN",
        "TensorListGather", "TensorListStack", "TensorListDense", "TensorListLength",
        "TensorListConcat", "TensorListSplit", "TensorListLengths")},
}


# One of each kind of optimizer state, for the tests that train through every backend.
OPTIMIZERS = {
    "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda: tf.train.AdamOptimizer(0.01),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
    "centered_rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
    "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "ftrl": lambda: tf.train.FtrlOptimizer(0.5, l1_regularization_strength=0.01,
                                           l2_regularization_strength=0.1,
                                           l2_shrinkage_regularization_strength=0.05),
    "proximal_sgd": lambda: tf.train.ProximalGradientDescentOptimizer(0.1, 0.01, 0.1),
    "proximal_adagrad": lambda: tf.train.ProximalAdagradOptimizer(0.1, 0.1, 0.01, 0.1),
}
