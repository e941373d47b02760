"""tf0.data: Dataset and Iterator."""
from tf0.session.data import (AUTOTUNE, Dataset, Iterator,  # noqa: F401
                              make_initializable_iterator, make_one_shot_iterator)
from tf0.session.tfrecord import TFRecordDataset  # noqa: F401


class experimental:
    AUTOTUNE = AUTOTUNE
from tf0.session.readers import (FixedLengthRecordDataset,  # noqa: F401,E402
                                 TextLineDataset)
