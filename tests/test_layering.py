"""Layer rules of DESIGN.md, checked in fresh interpreters."""
import subprocess
import sys


def _python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_engine_imports_no_session_and_no_cupy():
    out = _python("import sys, tf0.engine; "
                  "print(any(m.startswith(('tf0.session', 'tf0.ops', 'cupy')) "
                  "for m in sys.modules))")
    assert out == "False"


def test_import_tf0_works_without_cupy():
    # CuPy made unimportable: tf0 must still import and run on NumPy.
    code = ("import sys; sys.modules['cupy'] = None; import tf0 as tf; "
            "print(tf.Session().run(tf.constant(2.0) * 3))")
    assert _python(code) == "6.0"


def test_ops_never_import_cupy():
    out = _python("import sys, tf0.ops; print('cupy' in sys.modules)")
    assert out == "False"
