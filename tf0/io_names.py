"""tf0.io (the module tf.io; not named io.py, which would shadow the standard library
next to it): gfile, TFRecord files and parsing of tf.train.Example."""
import tf0.io_gfile as gfile  # noqa: F401
from tf0.ops.parsing_ops import (FixedLenFeature, VarLenFeature, decode_raw,  # noqa: F401
                                 parse_example, parse_single_example)
from tf0.session.tfrecord import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                                  TFRecordWriter, tf_record_iterator)
from tf0.ops.queue_ops import (FIFOQueue, PaddingFIFOQueue, QueueBase,  # noqa: F401,E402
                               RandomShuffleQueue)
from tf0.ops.reader_ops import (decode_csv, match_filenames_once,  # noqa: F401,E402
                                matching_files, read_file)
from tf0.ops.image_extras import decode_png, encode_png  # noqa: F401,E402
