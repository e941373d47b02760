"""TF1's lookup tables (tf.lookup, tf.contrib.lookup): static key -> value maps built from
constant keys and values or from a vocabulary file, looked up on the host (TableLookup).
TF1 programs run tf.tables_initializer(); tf0's tables need none, so it is a no-op."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import constant_value, name_scope

from .core import convert_to_tensor, defop, make_op
from .string_hash import FastHashSpec, bucket_of, hash_function


def _plain(value):
    """A hashable Python value of a NumPy element (bytes for strings)."""
    if isinstance(value, str):
        return value.encode()
    return value.item() if isinstance(value, np.generic) else value


def _lookup_bind(op, ctx):
    table = dict(zip(op.attrs["keys"], op.attrs["values"]))
    default, dtype = op.attrs["default"], op.outputs[0].dtype
    buckets = op.attrs.get("oov_buckets", 0)
    if buckets:
        hashed, size = hash_function(*op.attrs["hasher"]), len(table)
        absent = lambda key: size + bucket_of(key, buckets, hashed)  # noqa: E731
    else:
        absent = lambda key: default  # noqa: E731

    def lookup(keys):
        keys = np.asarray(keys)
        flat = []
        for key in keys.reshape(-1):
            key = _plain(key)
            value = table.get(key)
            flat.append(absent(key) if value is None else value)
        if dtype is dtypes.string:
            out = np.empty(len(flat), object)
            out[:] = flat
            return out.reshape(keys.shape)
        return np.asarray(flat, dtype.np).reshape(keys.shape)
    return lookup


# TableLookup(keys): attrs["values"][i] where the key is attrs["keys"][i]; for keys absent,
# attrs["default"], or with attrs["oov_buckets"] the table's size plus the key's bucket under
# attrs["hasher"] (name, key); the output has the keys' shape and the values' dtype.
defop("TableLookup", lambda op: [(op.inputs[0].shape, op.attrs["dtype"])], _lookup_bind,
      grad=NO_GRADIENT)


def _constant_items(tensor, what):
    value = constant_value(convert_to_tensor(tensor))
    if value is None:
        raise NotImplementedError(f"tf0's lookup tables take {what} known when the graph is "
                                  f"built (constants)")
    return tuple(_plain(v) for v in np.asarray(value).reshape(-1))


class KeyValueTensorInitializer:
    """Constant keys and values for a table."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        keys = convert_to_tensor(keys, dtype=key_dtype)
        values = convert_to_tensor(values, dtype=value_dtype)
        self.key_dtype, self.value_dtype = keys.dtype, values.dtype
        self.keys = _constant_items(keys, "keys")
        self.values = _constant_items(values, "values")
        if len(self.keys) != len(self.values):
            raise ValueError("keys and values must have the same size")


class TextFileIndex:
    WHOLE_LINE, LINE_NUMBER = -2, -1


class TextFileInitializer:
    """Keys and values from the lines of a text file: the whole line or its line number
    (key_index / value_index of TextFileIndex), or a column split at `delimiter`."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None):
        with open(filename, "rb") as f:
            lines = [line.rstrip(b"\r\n") for line in f]
        lines = lines[:vocab_size] if vocab_size else lines
        self.key_dtype, self.value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        sep = delimiter.encode() if isinstance(delimiter, str) else delimiter

        def column(index, dtype):
            if index == TextFileIndex.LINE_NUMBER:
                return tuple(range(len(lines)))
            parts = lines if index == TextFileIndex.WHOLE_LINE else \
                [line.split(sep)[index] for line in lines]
            return tuple(parts) if dtype is dtypes.string else \
                tuple(dtype.np.type(p.decode()).item() for p in parts)
        self.keys = column(key_index, self.key_dtype)
        self.values = column(value_index, self.value_dtype)


class _Table:
    """What every table has: an initializer (tf0's tables need none: a no-op)."""

    @property
    def initializer(self):
        from .sources import no_op
        return no_op(name=f"{self._name}_init")

    def init(self):
        return self.initializer


class StaticHashTable(_Table):
    """A fixed table: lookup(keys) gives each key's value, default_value for the others."""

    def __init__(self, initializer, default_value, name=None):
        self._init = initializer
        self._default = _plain(np.asarray(default_value).reshape(-1)[0]) \
            if not isinstance(default_value, (bytes, str)) else _plain(default_value)
        self._name = name or "hash_table"

    @property
    def key_dtype(self):
        return self._init.key_dtype

    @property
    def value_dtype(self):
        return self._init.value_dtype

    @property
    def default_value(self):
        return self._default

    def size(self, name=None):
        return convert_to_tensor(np.int64(len(self._init.keys)), name=name)

    def lookup(self, keys, name=None):
        keys = convert_to_tensor(keys, dtype=self.key_dtype)
        with name_scope(name, f"{self._name}_Lookup"):
            return make_op("TableLookup", [keys], {
                "keys": self._init.keys, "values": self._init.values,
                "default": self._default, "dtype": self.value_dtype}, name="LookupTableFindV2")


HashTable = StaticHashTable


class IdTableWithHashBuckets(_Table):
    """int64 ids: a table's value for its keys, and for any other key the table's size plus
    the key's bucket among num_oov_buckets (its hash by hasher_spec; an integer key hashed by
    its digits), as TF1's. table=None hashes every key."""

    def __init__(self, table, num_oov_buckets, hasher_spec=FastHashSpec, name=None,
                 key_dtype=None):
        if int(num_oov_buckets) < 0:
            raise ValueError(f"oov_buckets must be >= 0, got {num_oov_buckets}")
        if table is not None and table.value_dtype is not dtypes.int64:
            raise TypeError(f"Invalid table value_dtype: expected int64, got "
                            f"{table.value_dtype.name}")
        self._table, self._buckets, self._hasher = table, int(num_oov_buckets), hasher_spec
        self._key_dtype = dtypes.as_dtype(key_dtype) if key_dtype is not None else \
            table.key_dtype if table is not None else dtypes.string
        self._name = name or "hash_bucket"

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return dtypes.int64

    def size(self, name=None):
        known = len(self._table._init.keys) if self._table is not None else 0
        return convert_to_tensor(np.int64(known + self._buckets), name=name)

    def lookup(self, keys, name=None):
        keys = convert_to_tensor(keys, dtype=self._key_dtype)
        init = self._table._init if self._table is not None else None
        with name_scope(name, f"{self._name}_Lookup"):
            return make_op("TableLookup", [keys], {
                "keys": init.keys if init else (), "values": init.values if init else (),
                "default": -1, "dtype": dtypes.int64, "oov_buckets": self._buckets,
                "hasher": (self._hasher.hasher, self._hasher.key)}, name="LookupTableFindV2")


class StaticVocabularyTable(IdTableWithHashBuckets):
    """The initializer's int64 values for its keys; other keys the table's size plus their
    Fingerprint64 bucket among num_oov_buckets (TF1's tf.lookup.StaticVocabularyTable)."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None):
        if int(num_oov_buckets) <= 0:
            raise ValueError("oov_buckets must be > 0; use StaticHashTable.")
        super().__init__(StaticHashTable(initializer, -1), num_oov_buckets,
                         name=name or "hash_bucket", key_dtype=lookup_key_dtype)


def _with_oov(table, num_oov_buckets, hasher_spec, name):
    if not num_oov_buckets:
        return table
    return IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec or FastHashSpec,
                                  name=name)


def index_table_from_tensor(mapping, num_oov_buckets=0, default_value=-1, hasher_spec=None,
                            dtype=dtypes.string, name=None):
    """A table of each entry of `mapping` to its position (int64); others to default_value,
    or with num_oov_buckets to len(mapping) plus their hash bucket."""
    keys = convert_to_tensor(mapping, dtype=dtype)
    count = len(_constant_items(keys, "the mapping"))
    table = StaticHashTable(KeyValueTensorInitializer(keys, np.arange(count, dtype=np.int64)),
                            default_value, name=name or "string_to_index")
    return _with_oov(table, num_oov_buckets, hasher_spec, name)


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=None, key_dtype=dtypes.string,
                          name=None, key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """A table of each line of the file (or its key column) to its line number; others to
    default_value, or with num_oov_buckets to the vocabulary size plus their hash bucket."""
    table = StaticHashTable(TextFileInitializer(vocabulary_file, key_dtype, key_column_index,
                                                dtypes.int64, value_column_index, vocab_size,
                                                delimiter), default_value,
                            name=name or "string_to_index")
    return _with_oov(table, num_oov_buckets, hasher_spec, name)


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """A table of each position (int64) to that entry of vocabulary_list."""
    words = convert_to_tensor(vocabulary_list, dtype=dtypes.string)
    count = len(_constant_items(words, "the vocabulary"))
    return StaticHashTable(KeyValueTensorInitializer(np.arange(count, dtype=np.int64), words),
                           default_value, name=name or "index_to_string")


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE,
                                    delimiter="\t"):
    return StaticHashTable(TextFileInitializer(vocabulary_file, dtypes.int64, key_column_index,
                                               dtypes.string, value_column_index, vocab_size,
                                               delimiter), default_value,
                           name=name or "index_to_string")
