"""tf0.data: Dataset and Iterator."""
import tf0.data_experimental as experimental  # noqa: F401
from tf0.session.data import (AUTOTUNE, Dataset, Iterator,  # noqa: F401
                              make_initializable_iterator, make_one_shot_iterator)
from tf0.session.data_experimental import (INFINITE_CARDINALITY,  # noqa: F401
                                           UNKNOWN_CARDINALITY, get_output_shapes,
                                           get_output_types)
from tf0.session.readers import FixedLengthRecordDataset, TextLineDataset  # noqa: F401
from tf0.session.tfrecord import TFRecordDataset  # noqa: F401
