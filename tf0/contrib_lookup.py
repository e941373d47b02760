"""tf.contrib.lookup: lookup tables and the index tables built on them."""
from tf0.ops.lookup_ops import (HashTable, KeyValueTensorInitializer,  # noqa: F401
                                TextFileIndex, TextFileInitializer, index_table_from_file,
                                index_table_from_tensor, index_to_string_table_from_file,
                                index_to_string_table_from_tensor)
