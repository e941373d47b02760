"""tf.contrib.lookup: lookup tables and the index tables built on them."""
from tf0.ops.string_hash import FastHashSpec, HasherSpec, StrongHashSpec  # noqa: F401
from tf0.ops.lookup_ops import (HashTable, IdTableWithHashBuckets,  # noqa: F401
                                KeyValueTensorInitializer,
                                TextFileIndex, TextFileInitializer, index_table_from_file,
                                index_table_from_tensor, index_to_string_table_from_file,
                                index_to_string_table_from_tensor)
