"""tf0.logging (the module tf.logging; not named logging.py, which would shadow the
standard library next to it): levels, set_verbosity and the log functions."""
from tf0.session.script_support import (DEBUG, ERROR, FATAL, INFO, WARN, debug,  # noqa: F401
                                        error, fatal, get_verbosity, info, log,
                                        log_every_n, log_first_n, set_verbosity, warn,
                                        warning)
