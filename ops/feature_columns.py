"""tf.feature_column (TF1): how raw features become model inputs. Dense columns (numeric,
bucketized, indicator, embedding) give [batch, n] floats for input_layer; categorical
columns (vocabulary list or file, hash bucket, identity, bucketized, crossed) give ids for
indicator, embedding and linear_model, as [batch, k] int64 with -1 for a missing id.
Features are dense tensors ([batch] or [batch, k]; "" and -1 are missing values of a
categorical one) or SparseTensors (parse_example's VarLenFeature), padded with those
markers. Columns are built in name order, as TF1 does, and make the
variables TF1 names (input_layer/<column>/embedding_weights, linear_model/<column>/weights,
linear_model/bias_weights)."""
import math

import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT

from .array_composites import searchsorted
from .array_ops import concat, expand_dims, reshape
from .core import OPS, convert_to_tensor, defop, make_op
from .crosses import DEFAULT_HASH_KEY, dense_cross_ids
from .index_ops import gather, one_hot
from .init_ops import TruncatedNormal, Zeros
from .math_ops import cast
from .sparse_ops import SparseTensor, sparse_tensor_to_dense
from .string_hash import bucket_of
from .variable_scope import get_variable, variable_scope


def _lookup_bind(op, ctx):
    table = {v: i for i, v in enumerate(op.attrs["vocabulary"])}
    default, buckets, size = op.attrs["default"], op.attrs["oov_buckets"], len(table)

    def lookup(values):
        values = np.asarray(values)
        flat = []
        for value in values.reshape(-1).tolist():
            if value == b"" or value == -1:
                flat.append(-1)
            elif value in table:
                flat.append(table[value])
            else:
                flat.append(size + bucket_of(value, buckets) if buckets else default)
        return np.asarray(flat, np.int64).reshape(values.shape)
    return lookup


# VocabularyLookup(values): the int64 index of each value in attrs["vocabulary"] (a tuple of
# bytes or ints); for one absent, attrs["default"], or with attrs["oov_buckets"] the
# vocabulary's size plus its Fingerprint64 bucket; -1 for the missing markers "" and -1. On
# the host, where strings live.
defop("VocabularyLookup", lambda op: [(op.inputs[0].shape, dtypes.int64)], _lookup_bind,
      grad=NO_GRADIENT)


def _as_matrix(x):
    """[batch] -> [batch, 1]; [batch, ...] -> [batch, prod(...)]."""
    if x.shape.ndims == 1:
        return expand_dims(x, 1)
    if x.shape.ndims == 2:
        return x
    return reshape(x, [-1, int(np.prod(x.shape.as_list()[1:]))])


def _is_sparse(value):
    return isinstance(value, SparseTensor) or type(value).__name__ == "SparseTensorValue"


def _raw_matrix(features, key):
    """features[key] as [batch, k]: a dense feature as it is, a SparseTensor (TF1's
    VarLenFeature) padded with the missing markers "" or -1."""
    value = features[key]
    if _is_sparse(value):
        sp = SparseTensor.from_value(value)
        return sparse_tensor_to_dense(sp, b"" if sp.values.dtype is dtypes.string else -1)
    return _as_matrix(convert_to_tensor(value))


class _Column:
    """A feature column: `name`, the feature `key`s it reads."""

    def __lt__(self, other):
        return self.name < other.name


class NumericColumn(_Column):
    def __init__(self, key, shape, default_value, dtype, normalizer_fn):
        self.key, self.name, self.shape = key, key, tuple(int(d) for d in shape)
        self.default_value, self.dtype, self.normalizer_fn = default_value, dtype, normalizer_fn
        self.dimension = int(np.prod(self.shape))

    def dense(self, features):
        if _is_sparse(features[self.key]):
            raise ValueError(f"The corresponding Tensor of numerical column must be a Tensor. "
                             f"SparseTensor is not supported. key: {self.key}")
        x = cast(convert_to_tensor(features[self.key]), dtypes.float32)
        if self.normalizer_fn is not None:
            x = self.normalizer_fn(x)
        return reshape(x, [-1, self.dimension])


class _Categorical(_Column):
    """A column of ids in [0, num_buckets) (-1: missing), [batch, k]."""

    def dense(self, features):
        raise ValueError(f"Items of feature_columns must be a dense column; {self.name} is "
                         f"categorical: wrap it in indicator_column or embedding_column")


class VocabularyListColumn(_Categorical):
    """Ids by place in a vocabulary, then num_oov_buckets hash buckets (an empty vocabulary
    with buckets is categorical_column_with_hash_bucket)."""

    def __init__(self, key, vocabulary, dtype, default_value, num_oov_buckets=0):
        self.key, self.name = key, key
        self.vocabulary, self.dtype, self.default_value = vocabulary, dtype, default_value
        self.num_oov_buckets = int(num_oov_buckets)
        self.num_buckets = len(vocabulary) + self.num_oov_buckets

    def ids(self, features):
        values = _raw_matrix(features, self.key)
        if values.dtype is not self.dtype and not (values.dtype.is_integer and
                                                   self.dtype.is_integer):
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: "
                             f"{self.key}, column dtype: {self.dtype.name}, tensor dtype: "
                             f"{values.dtype.name}")
        return make_op("VocabularyLookup", [values], {
            "vocabulary": self.vocabulary, "default": self.default_value,
            "oov_buckets": self.num_oov_buckets}, name="VocabularyLookup")


class HashedColumn(VocabularyListColumn):
    """Every id a hash bucket: a vocabulary column with no vocabulary."""

    def __init__(self, key, dtype, hash_bucket_size):
        super().__init__(key, (), dtype, -1, hash_bucket_size)
        self.hash_bucket_size = self.num_buckets


class CrossedColumn(_Categorical):
    """Hashed crosses of raw features (by key) and categorical columns' ids."""

    def __init__(self, keys, hash_bucket_size, hash_key):
        self.leaves = []
        for key in keys:
            self.leaves += key.leaves if isinstance(key, CrossedColumn) else [key]
        self.num_buckets, self.hash_key = int(hash_bucket_size), hash_key
        self.name = "_X_".join(sorted(k if isinstance(k, str) else k.name for k in keys))

    def ids(self, features):
        parts = [_raw_matrix(features, k) if isinstance(k, str) else k.ids(features)
                 for k in self.leaves]
        # Ids and SparseTensors are crossed before dense features (TF1's order), their
        # padding dropped.
        kinds = ["dense" if isinstance(k, str) and not _is_sparse(features[k]) else "padded"
                 for k in self.leaves]
        return dense_cross_ids(parts, kinds, self.num_buckets, self.hash_key)


class IdentityColumn(_Categorical):
    def __init__(self, key, num_buckets, default_value):
        self.key, self.name, self.num_buckets = key, key, int(num_buckets)
        self.default_value = default_value

    def ids(self, features):
        ids = cast(_raw_matrix(features, self.key), dtypes.int64)
        inside = OPS.logical_and(ids >= 0, ids < self.num_buckets)
        if self.default_value is None:
            check = OPS.Assert(OPS.reduce_all(OPS.logical_or(inside, OPS.equal(ids, -1))),
                               [f"categorical_column_with_identity {self.key}: ids must be "
                                f"in [0, {self.num_buckets})", ids])
            with ids.graph.control_dependencies([check]):
                return OPS.identity(ids)
        return OPS.where(inside, ids, OPS.zeros_like(ids) + int(self.default_value))


class BucketizedColumn(_Categorical):
    def __init__(self, source, boundaries):
        if not isinstance(source, NumericColumn):
            raise ValueError("source_column must be a column generated with numeric_column().")
        if list(boundaries) != sorted(boundaries):
            raise ValueError("boundaries must be a sorted list.")
        self.source, self.boundaries = source, tuple(float(b) for b in boundaries)
        self.key, self.name = source.key, f"{source.name}_bucketized"
        self.num_buckets = (len(self.boundaries) + 1) * source.dimension

    def ids(self, features):
        x = self.source.dense(features)  # [batch, dimension]
        edges = convert_to_tensor(np.asarray(self.boundaries, np.float32)) * \
            OPS.ones_like(x[:, :1])
        bucket = cast(searchsorted(edges, x, side="right"), dtypes.int64)
        offsets = np.arange(self.source.dimension, dtype=np.int64) * (len(self.boundaries) + 1)
        return bucket + offsets

    def dense(self, features):
        return OPS.reduce_sum(_one_hot(self.ids(features), self.num_buckets), axis=1)


def _one_hot(ids, depth):
    """[batch, k] ids -> [batch, k, depth] float32, rows of -1 all zero."""
    return one_hot(ids, depth, dtype=dtypes.float32)


class IndicatorColumn(_Column):
    def __init__(self, categorical):
        self.categorical_column, self.name = categorical, f"{categorical.name}_indicator"

    def dense(self, features):
        return OPS.reduce_sum(_one_hot(self.categorical_column.ids(features),
                                       self.categorical_column.num_buckets), axis=1)


def _combine(rows, valid, combiner):
    """Per example, its embedding rows [batch, k, d] combined over the valid ids [batch, k]."""
    weights = cast(valid, dtypes.float32)
    total = OPS.reduce_sum(rows * expand_dims(weights, 2), axis=1)
    if combiner == "sum":
        return total
    norm = OPS.reduce_sum(weights if combiner == "mean" else OPS.square(weights), axis=1,
                          keepdims=True)
    norm = OPS.sqrt(norm) if combiner == "sqrtn" else norm
    return total / OPS.maximum(norm, 1e-12)


class EmbeddingColumn(_Column):
    def __init__(self, categorical, dimension, combiner, initializer, trainable):
        if combiner not in ("mean", "sqrtn", "sum"):
            raise ValueError(f"combiner must be 'mean', 'sqrtn' or 'sum', got {combiner}")
        self.categorical_column, self.dimension = categorical, int(dimension)
        self.combiner = combiner
        self.initializer = initializer or TruncatedNormal(stddev=1.0 / math.sqrt(dimension))
        self.trainable, self.name = trainable, f"{categorical.name}_embedding"

    def dense(self, features):
        ids = self.categorical_column.ids(features)
        table = get_variable("embedding_weights", [self.categorical_column.num_buckets,
                                                   self.dimension],
                             initializer=self.initializer, trainable=self.trainable)
        valid = ids >= 0
        rows = gather(table, OPS.where(valid, ids, OPS.zeros_like(ids)))
        return _combine(rows, valid, self.combiner)


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """Dense float values of features[key], reshaped to [batch, prod(shape)]."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NumericColumn(key, shape, default_value, dtypes.as_dtype(dtype), normalizer_fn)


def bucketized_column(source_column, boundaries):
    """The bucket of each value of a numeric column among `boundaries` (sorted): dense as
    one-hot, categorical as bucket ids."""
    return BucketizedColumn(source_column, boundaries)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                            num_oov_buckets=0):
    """Ids of features[key] (strings or ints) by their place in vocabulary_list; others get
    default_value (-1: missing), or with num_oov_buckets len(vocabulary_list) plus their
    hash bucket."""
    if num_oov_buckets and default_value != -1:
        raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
    if int(num_oov_buckets) < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
    vocabulary = list(vocabulary_list)
    if not vocabulary:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: "
                         f"{key}")
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, column_name: "
                         f"{key}")
    strings = isinstance(vocabulary[0], (str, bytes))
    dtype = dtypes.as_dtype(dtype) if dtype is not None else \
        dtypes.string if strings else dtypes.int64
    vocab = tuple(v.encode() if isinstance(v, str) else v for v in vocabulary) if strings \
        else tuple(int(v) for v in vocabulary)
    return VocabularyListColumn(key, vocab, dtype, int(default_value), num_oov_buckets)


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=dtypes.string):
    """categorical_column_with_vocabulary_list of the file's lines (the first
    vocabulary_size of them)."""
    with open(vocabulary_file, "rb") as f:
        lines = [line.rstrip(b"\r\n") for line in f]
    lines = lines[:vocabulary_size] if vocabulary_size else lines
    dtype = dtypes.as_dtype(dtype)
    vocab = lines if dtype is dtypes.string else [int(v) for v in lines]
    return categorical_column_with_vocabulary_list(
        key, vocab, dtype, -1 if default_value is None else default_value, num_oov_buckets)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    """Ids of features[key] (strings, or ints by their digits) as their Fingerprint64
    modulo hash_bucket_size, TF1's buckets exactly; "" and -1 are missing."""
    dtype = dtypes.as_dtype(dtype)
    if int(hash_bucket_size) < 1:
        raise ValueError(f"hash_bucket_size must be at least 1. hash_bucket_size: "
                         f"{hash_bucket_size}, key: {key}")
    if dtype is not dtypes.string and not dtype.is_integer:
        raise ValueError(f"dtype must be string or integer. dtype: {dtype.name}, "
                         f"column_name: {key}")
    return HashedColumn(key, dtype, hash_bucket_size)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """Hashed crosses of two or more raw features (keys) and categorical columns: per
    example every combination of their values, TF1's ids exactly."""
    keys = list(keys)
    if len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    if int(hash_bucket_size) < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: "
                         f"{hash_bucket_size}")
    for key in keys:
        if isinstance(key, HashedColumn):
            raise ValueError("categorical_column_with_hash_bucket is not supported for "
                             "crossing. Hashing before crossing will increase probability "
                             "of collision. Instead, use the feature name as a string. "
                             f"Given: {key.name}")
        if not isinstance(key, (str, _Categorical)):
            raise ValueError(f"Unsupported key type. All keys must be either string, or "
                             f"categorical column except HashedCategoricalColumn. Given: {key}")
    return CrossedColumn(keys, hash_bucket_size,
                         DEFAULT_HASH_KEY if hash_key is None else hash_key)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """The integer values of features[key] as ids in [0, num_buckets); others are an error
    at run time, or default_value."""
    return IdentityColumn(key, num_buckets, default_value)


def indicator_column(categorical_column):
    """Multi-hot [batch, num_buckets] of a categorical column."""
    return IndicatorColumn(categorical_column)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """A learned [num_buckets, dimension] table's rows of a categorical column's ids,
    combined per example (mean, sqrtn or sum)."""
    if ckpt_to_load_from is not None or max_norm is not None:
        raise NotImplementedError("tf0's embedding_column takes no checkpoint or max_norm")
    return EmbeddingColumn(categorical_column, dimension, combiner, initializer, trainable)


def _sorted(feature_columns):
    columns = list(feature_columns)
    if not columns:
        raise ValueError("feature_columns must not be empty.")
    columns = sorted(columns, key=lambda c: c.name)
    for first, second in zip(columns, columns[1:]):
        if first.name == second.name:
            raise ValueError(f"Duplicate feature column name found for columns: "
                             f"{first.name} and {second.name}. This usually means that "
                             f"these columns refer to same base feature.")
    return columns


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """[batch, total width] float32: the dense columns side by side, in name order."""
    with variable_scope(None, default_name="input_layer"):
        parts = []
        for column in _sorted(feature_columns):
            with variable_scope(None, default_name=column.name):
                parts.append(column.dense(features))
        return concat(parts, 1)


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """[batch, units]: the sum of each column times its weights, plus bias_weights; a
    categorical column adds the weights of its ids (combined by sparse_combiner)."""
    with variable_scope(None, default_name="linear_model"):
        terms = []
        for column in _sorted(feature_columns):
            with variable_scope(None, default_name=column.name):
                if isinstance(column, _Categorical):
                    ids = column.ids(features)
                    w = get_variable("weights", [column.num_buckets, units],
                                     initializer=Zeros(), trainable=trainable)
                    valid = ids >= 0
                    rows = gather(w, OPS.where(valid, ids, OPS.zeros_like(ids)))
                    terms.append(_combine(rows, valid, sparse_combiner))
                else:
                    x = column.dense(features)
                    w = get_variable("weights", [int(x.shape.dims[1]), units],
                                     initializer=Zeros(), trainable=trainable)
                    terms.append(OPS.matmul(x, w))
        bias = get_variable("bias_weights", [units], initializer=Zeros(), trainable=trainable)
        return OPS.add_n(terms) + bias


def _raw_features(column):
    """The columns (numeric or categorical) and keys whose raw features a column reads."""
    if isinstance(column, str):
        return [column]
    if isinstance(column, CrossedColumn):
        return [raw for leaf in column.leaves for raw in _raw_features(leaf)]
    if hasattr(column, "categorical_column"):
        return _raw_features(column.categorical_column)
    return [column.source if isinstance(column, BucketizedColumn) else column]


def make_parse_example_spec(feature_columns):
    """TF1's parse_example spec of what the columns read: FixedLenFeature for numeric
    features, VarLenFeature (SparseTensors) for categorical and crossed ones."""
    from .parsing_ops import FixedLenFeature, VarLenFeature
    spec = {}
    for raw in (r for column in feature_columns for r in _raw_features(column)):
        if isinstance(raw, str):
            key, value = raw, VarLenFeature(dtypes.string)
        elif isinstance(raw, NumericColumn):
            key, value = raw.key, FixedLenFeature(list(raw.shape), raw.dtype,
                                                  raw.default_value)
        else:
            key, value = raw.key, VarLenFeature(getattr(raw, "dtype", dtypes.int64))
        if spec.setdefault(key, value) != value:
            raise ValueError(f"feature_columns contain different parse_spec for key {key}. "
                             f"Given {spec[key]} and {value}")
    return spec


def tables_initializer(name="init_all_tables"):
    """TF1's lookup tables' initializer: tf0's vocabulary lookups need none (a no-op)."""
    return OPS.no_op(name=name)


def _to_string_bind(op, ctx):
    names = op.attrs["names"]

    def to_string(ids):
        ids = np.asarray(ids)
        if names is None:
            flat = [str(int(i)).encode() for i in ids.reshape(-1)]
        else:
            flat = [names[i] if 0 <= i < len(names) else b"UNK"
                    for i in ids.reshape(-1).tolist()]
        out = np.empty(ids.shape, object)
        out.reshape(-1)[:] = flat
        return out
    return to_string


# ClassNames(ids): each id's name, attrs["names"][id] (b"UNK" outside it), or its decimal
# digits when attrs["names"] is None; on the host, where strings live.
defop("ClassNames", lambda op: [(op.inputs[0].shape, dtypes.string)], _to_string_bind,
      grad=NO_GRADIENT)


def class_names(ids, vocabulary=None, name=None):
    """String tensor of the class name of each id: vocabulary[id], or the id in decimal."""
    names = None if vocabulary is None else \
        tuple(v.encode() if isinstance(v, str) else bytes(v) for v in vocabulary)
    return make_op("ClassNames", [convert_to_tensor(ids)], {"names": names},
                   name=name or "ClassNames")
