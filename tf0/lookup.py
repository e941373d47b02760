"""tf.lookup (TF1): static lookup tables."""
from tf0.ops.lookup_ops import (KeyValueTensorInitializer, StaticHashTable,  # noqa: F401
                                StaticVocabularyTable, TextFileIndex, TextFileInitializer)
