"""The script boilerplate of TF1 programs: tf.app.run, tf.flags (tf.app.flags), tf.logging
and tf.gfile (and tf.io.gfile's lower-case names), on the local file system."""
import argparse
import glob as _glob
import logging as _logging
import os
import shutil
import sys

# ---- tf.logging ----------------------------------------------------------------------------
DEBUG, INFO, WARN, ERROR, FATAL = (_logging.DEBUG, _logging.INFO, _logging.WARNING,
                                   _logging.ERROR, _logging.CRITICAL)
_logger = _logging.getLogger("tf0")
if not _logger.handlers:
    _handler = _logging.StreamHandler()
    _handler.setFormatter(_logging.Formatter("%(levelname)s:tf0:%(message)s"))
    _logger.addHandler(_handler)
    _logger.setLevel(WARN)
    _logger.propagate = False
_counts = {}


def set_verbosity(level):
    _logger.setLevel(level)


def get_verbosity():
    return _logger.getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    _logger.log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    _logger.debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    _logger.info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    _logger.warning(msg, *args, **kwargs)


def error(msg, *args, **kwargs):
    _logger.error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    _logger.critical(msg, *args, **kwargs)


warn = warning


def _caller_key():
    frame = sys._getframe(2)
    return frame.f_code.co_filename, frame.f_lineno


def log_every_n(level, msg, n, *args):
    """Log at the first call from this line and every n-th after."""
    count = _counts[_caller_key()] = _counts.get(_caller_key(), 0) + 1
    if (count - 1) % n == 0:
        log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Log the first n calls from this line."""
    count = _counts[_caller_key()] = _counts.get(_caller_key(), 0) + 1
    if count <= n:
        log(level, msg, *args)


# ---- tf.flags -------------------------------------------------------------------------------
class _Flags:
    """FLAGS: the defined flags' values, parsed from sys.argv when first read (or by
    tf.app.run). Unknown command-line arguments are left for main's argv."""

    def __init__(self):
        object.__setattr__(self, "_defs", {})
        object.__setattr__(self, "_values", None)
        object.__setattr__(self, "_rest", None)

    def _define(self, name, default, help, parse, kind):
        if name in self._defs:
            raise ValueError(f"flag --{name} is defined twice")
        self._defs[name] = (default, help, parse, kind)
        if self._values is not None:  # defined after parsing: takes its default
            self._values[name] = default

    def __call__(self, argv):
        """Parse `argv` (argv[0] is the program); returns the arguments left over."""
        parser = argparse.ArgumentParser(prog=os.path.basename(argv[0]) if argv else None,
                                         allow_abbrev=False)
        for name, (default, help, parse, kind) in self._defs.items():
            if kind == "bool":
                parser.add_argument(f"--{name}", nargs="?", const=True, default=default,
                                    type=parse, help=help)
                parser.add_argument(f"--no{name}", dest=name, action="store_false")
            else:
                parser.add_argument(f"--{name}", default=default, type=parse, help=help)
        values, rest = parser.parse_known_args(list(argv[1:]))
        object.__setattr__(self, "_values", vars(values))
        object.__setattr__(self, "_rest", [argv[0] if argv else ""] + rest)
        return self._rest

    def __getattr__(self, name):
        if name not in self._defs:
            raise AttributeError(f"no flag --{name} is defined")
        if self._values is None:
            self(sys.argv)
        return self._values[name]

    def __setattr__(self, name, value):
        if name not in self._defs:
            raise AttributeError(f"no flag --{name} is defined")
        if self._values is None:
            self(sys.argv)
        self._values[name] = value

    def __contains__(self, name):
        return name in self._defs

    def flag_values_dict(self):
        return {name: getattr(self, name) for name in self._defs}


FLAGS = _Flags()


def _boolean(text):
    if isinstance(text, bool):
        return text
    value = str(text).lower()
    if value in ("true", "t", "1", "yes"):
        return True
    if value in ("false", "f", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def DEFINE_string(name, default, help=None, flag_values=FLAGS, **unused):
    flag_values._define(name, default, help, str, "string")


def DEFINE_integer(name, default, help=None, lower_bound=None, upper_bound=None,
                   flag_values=FLAGS, **unused):
    flag_values._define(name, default, help, int, "integer")


def DEFINE_float(name, default, help=None, lower_bound=None, upper_bound=None,
                 flag_values=FLAGS, **unused):
    flag_values._define(name, default, help, float, "float")


def DEFINE_boolean(name, default, help=None, flag_values=FLAGS, **unused):
    flag_values._define(name, default, help, _boolean, "bool")


DEFINE_bool = DEFINE_boolean


def DEFINE_list(name, default, help=None, flag_values=FLAGS, **unused):
    def comma_list(text):
        return [v for v in text.split(",") if v] if isinstance(text, str) else list(text)
    flag_values._define(name, default if default is None else comma_list(default), help,
                        comma_list, "list")


def DEFINE_enum(name, default, enum_values, help=None, flag_values=FLAGS, **unused):
    def one_of(text):
        if text not in enum_values:
            raise argparse.ArgumentTypeError(f"--{name} must be one of {list(enum_values)}")
        return text
    flag_values._define(name, default, help, one_of, "enum")


# ---- tf.app ---------------------------------------------------------------------------------
def run(main=None, argv=None):
    """tf.app.run: parse the flags, call main(argv) with what is left of the command line
    (main defaults to the caller's module's `main`), and exit with its result."""
    main = main or sys.modules["__main__"].main
    rest = FLAGS(sys.argv if argv is None else argv)
    sys.exit(main(rest))


# ---- tf.gfile (TF1 names) and tf.io.gfile (lower-case names) --------------------------------
GFile = FastGFile = Open = open


def Exists(path):
    return os.path.exists(path)


def IsDirectory(path):
    return os.path.isdir(path)


def MakeDirs(path):
    os.makedirs(path, exist_ok=True)


def MkDir(path):
    os.mkdir(path)


def ListDirectory(path):
    return sorted(os.listdir(path))


def Glob(pattern):
    return sorted(_glob.glob(pattern))


def Remove(path):
    os.remove(path)


def DeleteRecursively(path):
    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def Rename(old, new, overwrite=False):
    if os.path.exists(new) and not overwrite:
        raise FileExistsError(f"{new} exists (pass overwrite=True to replace it)")
    os.replace(old, new)


def Copy(old, new, overwrite=False):
    if os.path.exists(new) and not overwrite:
        raise FileExistsError(f"{new} exists (pass overwrite=True to replace it)")
    shutil.copyfile(old, new)


def Walk(top, in_order=True):
    return os.walk(top, topdown=in_order)

