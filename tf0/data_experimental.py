"""tf.data.experimental."""
from tf0.session.data import AUTOTUNE  # noqa: F401
from tf0.session.data_experimental import (  # noqa: F401
    INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Counter, choose_from_datasets, copy_to_device,
    enumerate_dataset, get_single_element, map_and_batch, parallel_interleave,
    prefetch_to_device, sample_from_datasets, shuffle_and_repeat, unbatch)
from tf0.session.data_buckets import bucket_by_sequence_length  # noqa: F401
