"""tf0: TensorFlow-1.x graph mode, GPU-first. `import tf0 as tf`.

The public API (tf0/_api.py) loads on first attribute access, so `import tf0.engine`
alone stays free of the session and of any GPU library.
"""
import importlib


def _load_api():
    return importlib.import_module("tf0._api")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    api = _load_api()
    globals().update({k: v for k, v in vars(api).items() if not k.startswith("__")})
    try:
        return globals()[name]
    except KeyError:
        raise AttributeError(f"module 'tf0' has no attribute {name!r}") from None


def __dir__():
    return sorted(k for k in vars(_load_api()) if not k.startswith("_"))
