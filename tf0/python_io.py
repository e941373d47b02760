"""tf0.python_io: TFRecord files (TF1's tf.python_io)."""
from tf0.session.tfrecord import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                                  TFRecordWriter, tf_record_iterator)
