"""tf0: TensorFlow-1.x graph mode, GPU-first. `import tf0 as tf`.

The public API (tf0/_api.py) loads on first attribute access, so `import tf0.engine`
alone stays free of the session and of any GPU library.
"""
import importlib
import os

# In a source checkout (e.g. `python -m tf0` run in the repository root) the subpackages
# are the sibling folders engine/, ops/, kernels/ and session/; installed, they sit inside.
_here = os.path.dirname(os.path.abspath(__file__))
_checkout = os.path.dirname(_here)
if not os.path.isdir(os.path.join(_here, "engine")) and \
        os.path.isfile(os.path.join(_checkout, "engine", "op_def.py")):
    __path__.append(_checkout)


# tf.keras, tf.estimator and tf.distributions load when first used: most programs never
# touch them (they add about 8% to `import tf0; tf0.Session`: 0.162 s against 0.150 on a
# 2-core machine, 2026-11-28).
_ON_USE = ("distributions", "estimator", "keras")


def _load_api():
    return importlib.import_module("tf0._api")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _ON_USE:
        return importlib.import_module(f"tf0.{name}")
    api = _load_api()
    globals().update({k: v for k, v in vars(api).items() if not k.startswith("__")})
    try:
        return globals()[name]
    except KeyError:
        raise AttributeError(f"module 'tf0' has no attribute {name!r}") from None


def __dir__():
    return sorted([k for k in vars(_load_api()) if not k.startswith("_")] + list(_ON_USE))
