"""Layer rules of DESIGN.md, checked in fresh interpreters."""
import os
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


def test_import_tf0_does_not_wait_for_cupy(tmp_path):
    # A stand-in CuPy that takes 3 s to import and sees no GPU: `import tf0` returns before
    # it is imported (a thread of its own imports it); the first Session waits for it.
    (tmp_path / "cupy").mkdir()
    (tmp_path / "cupy" / "__init__.py").write_text(
        "import time, types\ntime.sleep(3)\n"
        "cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 0))\n")
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
            "import tf0 as tf; tf.Session; imported = time.perf_counter() - t; "
            "backend = tf.Session().backend; ready = time.perf_counter() - t; "
            "print(imported < 2.5, ready >= 3.0, backend)")
    env = {k: v for k, v in os.environ.items() if k != "TF0_DEVICE"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True, env=env).stdout.strip()
    assert out == "True True numpy"
