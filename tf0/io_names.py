"""tf0.io (the module tf.io; not named io.py, which would shadow the standard library
next to it): gfile."""
import tf0.io_gfile as gfile  # noqa: F401
