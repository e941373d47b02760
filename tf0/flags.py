"""tf0.flags (also tf.app.flags): FLAGS and the DEFINE_* functions."""
from tf0.session.script_support import (DEFINE_bool, DEFINE_boolean, DEFINE_enum,  # noqa: F401
                                        DEFINE_float, DEFINE_integer, DEFINE_list,
                                        DEFINE_string, FLAGS)
