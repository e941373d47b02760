#!/usr/bin/env bash
# Every pending GPU check in one run, for a GPU machine with CuPy, NumPy, pytest and
# nvidia-ml-py but no network. Installs the checkout, runs the GPU tests, then the
# benchmarks; full output and JSON go to $OUT (default bench/out/), a short table last.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/out}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
# The checkout imports as is (tf0/ finds its sibling packages), so an install is optional.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 -m pip install -q --no-deps --no-build-isolation -e . > "$OUT/install.log" 2>&1 \
  || echo "(editable install unavailable here; using PYTHONPATH)"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv > "$OUT/gpu.txt" 2>&1
python3 -m tf0 info | tee -a "$OUT/gpu.txt"
python3 bench/kernels.py --json "$OUT/kernels.json" > "$OUT/kernels.log" 2>&1
echo "kernels.py exit $?"
timeout 300 python3 -m pytest -q -m gpu tests/test_gpu.py -x --maxfail=30 -p no:cacheprovider \
  > "$OUT/gpu_tests.log" 2>&1
echo "gpu tests exit $?"
tail -30 "$OUT/gpu_tests.log"
timeout 240 python3 -m pytest -q -m gpu tests/test_gpu_plans.py -p no:cacheprovider \
  > "$OUT/gpu_plan_tests.log" 2>&1
echo "gpu plan tests exit $?"
tail -15 "$OUT/gpu_plan_tests.log"
# every op of the table again, its second run captured as a CUDA graph
TF0_CUDA_GRAPHS=1 timeout 300 python3 -m pytest -q -m gpu tests/test_gpu.py -x --maxfail=30 \
  -p no:cacheprovider > "$OUT/gpu_tests_graphs.log" 2>&1
echo "gpu tests with CUDA graphs exit $?"
tail -15 "$OUT/gpu_tests_graphs.log"
timeout 300 python3 bench/plans.py --json "$OUT/plans.json" > "$OUT/plans.log" 2>&1
echo "plans.py exit $?"
python3 bench/cpu_overhead.py --json "$OUT/cpu_overhead.json" > "$OUT/cpu_overhead.log" 2>&1
(cd "$(mktemp -d)" && python3 -m tf0) > "$OUT/main_job.log" 2>&1
echo "main job exit $?"; tail -3 "$OUT/main_job.log"
(cd "$(mktemp -d)" && TF0_CUDA_GRAPHS=1 python3 -m tf0) > "$OUT/main_job_graphs.log" 2>&1
echo "main job with CUDA graphs exit $?"; tail -3 "$OUT/main_job_graphs.log"
# last, as they are the newest: loops (RNN cells on the GPU against the NumPy backend, then
# the LSTM benchmark)
timeout 120 python3 -m pytest -q -m gpu tests/test_rnn.py -p no:cacheprovider \
  > "$OUT/gpu_rnn_tests.log" 2>&1
echo "gpu rnn tests exit $?"; tail -3 "$OUT/gpu_rnn_tests.log"
timeout 180 python3 bench/loops.py --json "$OUT/loops.json" > "$OUT/loops.log" 2>&1
echo "loops.py exit $?"
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]


def load(name):
    try:
        return json.load(open(f"{out}/{name}"))
    except (OSError, ValueError):
        return {}


def table(figures, rows):
    """Print (label, key, target) rows of one JSON file, then its errors."""
    for label, key, target in rows:
        v = figures.get(key)
        print(f"{label:36s} {v if not isinstance(v, float) else round(v, 3)!s:>8}  {target}")
    for key, v in figures.items():
        if key.endswith("_error"):
            print("ERROR", key, v)


k, p, lp = load("kernels.json"), load("plans.json"), load("loops.json")
print(f"device: {k.get('device')}")
k.update({f"{key} / cuBLAS": v.get("vs_cublas") for key, v in list(k.items())
          if key.startswith("matmul_") and isinstance(v, dict)})
table(k, [("add 2^28 f32 / copy", "add_vs_copy", ">= 0.90"),
          ("sum full / read", "sum_full_vs_read", ">= 0.85"),
          ("sum rows / read", "sum_rows_vs_read", ">= 0.85"),
          ("sum cols / read", "sum_cols_vs_read", ">= 0.85"),
          ("xent / copy", "xent_vs_copy", ">= 0.80"),
          ("compile cold s", "compile_cold_s", "<= 5"),
          ("import warm s", "import_warm_s", "<= 0.5"),
          ("import + Session + kernels ready s", "import_to_session_ready_s", "")]
      + [(key, key, ">= 0.70 at 4096") for key in k if key.endswith(" / cuBLAS")])
table(p, [("seed step host: CuPy / tf0", "cupy_over_tf0_host", ">= 3"),
          ("seed step host: torch eager / tf0", "torch_eager_over_tf0_host", ">= 5"),
          ("seed step device: torch graph / tf0", "torch_graph_over_tf0_device", ">= 1"),
          ("seed step device: jax jit / tf0", "jax_over_tf0_device", "> 1"),
          ("16 branches 128: 1 / 8 streams", "branches_128_speedup", ">= 3"),
          ("16 branches 256: 1 / 8 streams", "branches_256_speedup", ">= 3"),
          ("seed step tf0 graph, host, us", "tf0_graph_host_us", ""),
          ("seed step tf0 direct, host, us", "tf0_direct_host_us", "")])
table(lp, [("LSTM fwd ms: tf0 gpu", "tf0_gpu_forward_ms", ""),
           ("LSTM fwd ms: torch cuDNN", "torch_cudnn_forward_ms", ""),
           ("LSTM fwd ms: torch eager loop", "torch_eager_forward_ms", ""),
           ("LSTM train ms: tf0 gpu", "tf0_gpu_train_ms", ""),
           ("LSTM train ms: torch cuDNN", "torch_cudnn_train_ms", ""),
           ("LSTM train ms: torch eager loop", "torch_eager_train_ms", ""),
           ("LSTM train ms: tf0 numpy", "tf0_numpy_train_ms", ""),
           ("LSTM gpu vs numpy rel error", "tf0_gpu_vs_numpy_max_rel_error", "<= 1e-9")])
PY
