"""Kernel benchmarks on the GPU, each against a ceiling measured in the same run.

  elementwise add, 2^28 float32        vs device-to-device copy bandwidth  (target >= 90%)
  reduce_sum full / along each axis     vs read bandwidth (max of copy and cupy.sum)  (>= 85%)
  matmul float32 4096^3 (also 1024^3, odd sizes)  vs cuBLAS through cupy.matmul  (>= 70%)
  fused softmax cross-entropy           vs copy bandwidth  (>= 80%)
  compile: cold (empty CuPy cache) and warm module load

Each tf0 result is checked against a float64 reference before it is timed. Times are CUDA
event medians. `--json PATH` writes every figure.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def timed(fn, reps=20, warmup=3):
    """Median milliseconds of fn() measured with CUDA events."""
    import cupy as cp
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, stop))
    return statistics.median(times)


def rel_err(got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-300))


def bandwidth(results):
    import cupy as cp
    from tf0.kernels import launch_elementwise as E, launch_reduce as R
    n = 1 << 28
    a = cp.random.standard_normal(n, dtype=cp.float32)
    b = cp.random.standard_normal(n, dtype=cp.float32)
    dst = cp.empty_like(a)
    copy_ms = timed(lambda: cp.cuda.runtime.memcpyAsync(dst.data.ptr, a.data.ptr, a.nbytes, 3, 0))
    copy_gbs = 2 * a.nbytes / copy_ms / 1e6
    err = cp.zeros(1, cp.int32)
    out = E.binary("add", a, b, err, 1)
    sample = cp.asnumpy(out[:1 << 20]).astype(np.float64)
    want = cp.asnumpy(a[:1 << 20]).astype(np.float64) + cp.asnumpy(b[:1 << 20])
    results["add_check_rel_err"] = rel_err(sample, want)
    add_ms = timed(lambda: E.binary("add", a, b, err, 1, out=dst))
    add_gbs = 3 * a.nbytes / add_ms / 1e6
    cupy_add_ms = timed(lambda: cp.add(a, b, out=dst))
    sum_ref_ms = timed(lambda: cp.sum(a))
    read_ceiling = max(copy_gbs, a.nbytes / sum_ref_ms / 1e6)
    total = R.reduce("sum", a, None)
    results["sum_check_rel_err"] = rel_err(float(total.get()),
                                           float(cp.sum(a.astype(cp.float64)).get()))
    sum_ms = timed(lambda: R.reduce("sum", a, None))
    m = a.reshape(16384, 16384)
    rows = R.reduce("sum", m, (1,))
    cols = R.reduce("sum", m, (0,))
    m64 = m.astype(cp.float64)
    results["sum_rows_rel_err"] = rel_err(rows.get(), cp.sum(m64, axis=1).get())
    results["sum_cols_rel_err"] = rel_err(cols.get(), cp.sum(m64, axis=0).get())
    m64 = None  # free 2 GiB before timing
    rows_ms = timed(lambda: R.reduce("sum", m, (1,)))
    cols_ms = timed(lambda: R.reduce("sum", m, (0,)))
    results.update({
        "copy_GBps": copy_gbs, "add_GBps": add_gbs, "add_vs_copy": add_gbs / copy_gbs,
        "cupy_add_GBps": 3 * a.nbytes / cupy_add_ms / 1e6, "read_ceiling_GBps": read_ceiling,
        "sum_full_GBps": a.nbytes / sum_ms / 1e6, "sum_rows_GBps": a.nbytes / rows_ms / 1e6,
        "sum_cols_GBps": a.nbytes / cols_ms / 1e6})
    for k in ("sum_full", "sum_rows", "sum_cols"):
        results[f"{k}_vs_read"] = results[f"{k}_GBps"] / read_ceiling
    results["device"] = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()


def matmul(results):
    import cupy as cp
    from tf0.kernels import launch_matmul as M
    for (m, k, n) in ((4096, 4096, 4096), (1024, 1024, 1024), (4095, 4097, 1023),
                      (64, 1000, 100)):
        a = cp.random.standard_normal((m, k), dtype=cp.float32)
        b = cp.random.standard_normal((k, n), dtype=cp.float32)
        got = M.matmul(a, b)
        want = cp.matmul(a.astype(cp.float64), b.astype(cp.float64))
        err = rel_err(got.get(), want.get())
        ours = timed(lambda: M.matmul(a, b), reps=10)
        ref = timed(lambda: cp.matmul(a, b), reps=10)
        flops = 2.0 * m * n * k
        key = f"matmul_{m}x{k}x{n}"
        results[key] = {"rel_err": err, "tf0_TFLOPs": flops / ours / 1e9,
                        "cublas_TFLOPs": flops / ref / 1e9, "vs_cublas": ref / ours}
        for ta, tb in ((True, False), (False, True)):
            aa = a.T.copy() if ta else a
            bb = b.T.copy() if tb else b
            results[key][f"rel_err_t{int(ta)}{int(tb)}"] = rel_err(M.matmul(aa, bb, ta, tb).get(),
                                                                 want.get())


def softmax_xent(results):
    import cupy as cp
    from tf0.kernels import launch_nn as N
    rows, cols = 8192, 8192
    logits = cp.random.standard_normal((rows, cols), dtype=cp.float32) * 5
    labels = cp.random.random((rows, cols), dtype=cp.float32)
    labels /= labels.sum(axis=1, keepdims=True)
    loss, backprop = N.softmax_xent(logits, labels)
    x = logits.astype(cp.float64)
    lse = cp.log(cp.sum(cp.exp(x - x.max(1, keepdims=True)), 1)) + x.max(1)
    want = cp.sum(labels * (lse[:, None] - x), 1)
    results["xent_rel_err"] = rel_err(loss.get(), want.get())
    softmax = cp.exp(x - lse[:, None])
    results["xent_backprop_rel_err"] = rel_err(backprop.get(), (softmax - labels).get())
    ms = timed(lambda: N.softmax_xent(logits, labels))
    nbytes = logits.nbytes * 3 + loss.nbytes  # read logits and labels, write backprop and loss
    results["xent_GBps"] = nbytes / ms / 1e6
    results["xent_vs_copy"] = results["xent_GBps"] / results["copy_GBps"]
    # the kernel that reads each row twice (the launcher's choice for rows too long to be
    # held in registers), at the same shape, for comparison
    from tf0.kernels import loader
    from tf0.kernels.device import i64
    streamed = loader.get("nn", "softmax_xent_f32")
    ms = timed(lambda: streamed(N._grid(rows), (N._threads(cols),),
                                (logits, labels, loss, backprop, i64(rows), i64(cols))))
    results["xent_streamed_vs_copy"] = nbytes / ms / 1e6 / results["copy_GBps"]


def compile_times(results):
    """Cold compile of every module in a fresh process with an empty CuPy cache, then warm.
    The imports are timed with Python's bytecode written (as a pip install leaves it): an
    import that compiles every source file first is not a warm one."""
    code = ("import time; t = time.perf_counter(); import tf0.kernels.loader as l; l.modules(); "
            "print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["CUPY_CACHE_DIR"] = cache
        cold = float(subprocess.check_output([sys.executable, "-c", code], env=env))
        warm = float(subprocess.check_output([sys.executable, "-c", code], env=env))
        imp = ("import time; t = time.perf_counter(); import tf0; tf0.Session; "
               "print(time.perf_counter() - t)")
        subprocess.check_output([sys.executable, "-c", imp], env=env)  # writes the bytecode
        warm_import = float(subprocess.check_output([sys.executable, "-c", imp], env=env))
        # CuPy's import and the GPU check run on a thread of their own: the first Session
        # waits for them (and for the kernels it needs), so that is reported too
        ready = ("import time; t = time.perf_counter(); import tf0; tf0.Session(); "
                 "import tf0.kernels.loader as l; l.modules(); print(time.perf_counter() - t)")
        results["import_to_session_ready_s"] = float(
            subprocess.check_output([sys.executable, "-c", ready], env=env))
    with tempfile.TemporaryDirectory() as cache:  # each family alone, one after another
        one = ("import sys, time, cupy, tf0.kernels.loader as l; t = time.perf_counter(); "
               "cupy.RawModule(code=l.source(sys.argv[1]), options=('--std=c++17',)).compile(); "
               "print(time.perf_counter() - t)")
        env = dict(os.environ, CUPY_CACHE_DIR=cache)
        from tf0.kernels.loader import FAMILIES
        results["compile_cold_by_family_s"] = {
            f: float(subprocess.check_output([sys.executable, "-c", one, f], env=env))
            for f in FAMILIES}
    results.update({"compile_cold_s": cold, "compile_warm_s": warm, "import_warm_s": warm_import})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    for part in (compile_times, bandwidth, softmax_xent, matmul):
        t = time.time()
        try:
            part(results)
        except Exception as e:  # report and go on: one broken part must not hide the others
            results[f"{part.__name__}_error"] = f"{type(e).__name__}: {e}"
        results[f"{part.__name__}_wall_s"] = time.time() - t
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
