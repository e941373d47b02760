#!/usr/bin/env bash
# Every pending GPU check in one run, for a GPU machine with CuPy, NumPy, pytest and
# nvidia-ml-py but no network. Correctness first (the test files run side by side, as
# they only need the GPU to be right, not idle), then the benchmarks one at a time. Logs
# and JSON are packed into $OUT/gpu_check.tar.gz after every step, so a run cut off by its
# time limit still returns what it finished; a short table comes last.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/out}"
mkdir -p "$OUT"
LOGS="$(mktemp -d)"
pack() { tar -czf "$OUT/gpu_check.tar.gz" -C "$LOGS" .; }
export PYTHONUNBUFFERED=1
# The checkout imports as is (tf0/ finds its sibling packages), so an install is optional.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 -m pip install -q --no-deps --no-build-isolation -e . > "$LOGS/install.log" 2>&1 \
  || echo "(editable install unavailable here; using PYTHONPATH)"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv > "$LOGS/gpu.txt" 2>&1
python3 -m tf0 info | tee -a "$LOGS/gpu.txt"
PARALLEL=""
python3 -c "import xdist" 2>/dev/null && PARALLEL="-n 4"
gpu_tests() {  # name, timeout, pytest arguments...
  local name=$1 limit=$2; shift 2
  timeout "$limit" python3 -m pytest -q -m gpu -p no:cacheprovider "$@" > "$LOGS/$name.log" 2>&1
  echo "$name exit $?" >> "$LOGS/exits.txt"
}
# every op of the table; its second run is captured as a CUDA graph (the default)
gpu_tests gpu_tests 200 $PARALLEL tests/test_gpu.py &
# again with graphs off: every run launches op by op
(export TF0_CUDA_GRAPHS=0; gpu_tests gpu_tests_direct 200 $PARALLEL tests/test_gpu.py) &
gpu_tests gpu_plan_tests 200 tests/test_gpu_plans.py &
gpu_tests gpu_rnn_tests 200 tests/test_rnn.py &
gpu_tests gpu_bitwise_tests 120 tests/test_bitwise.py &
# the CPU suite again with every Session it opens on the GPU (null-device tests skipped)
(TF0_TEST_ON_GPU=1 timeout 300 python3 -m pytest -q -m "not gpu" -p no:cacheprovider -n 6 tests \
  > "$LOGS/suite_on_gpu.log" 2>&1; echo "suite_on_gpu exit $?" >> "$LOGS/exits.txt") &
wait
cat "$LOGS/exits.txt"
for name in gpu_tests gpu_tests_direct gpu_plan_tests gpu_rnn_tests gpu_bitwise_tests suite_on_gpu; do
  echo "--- $name"; grep -E "^(FAILED|ERROR)|passed|failed" "$LOGS/$name.log" | tail -25
done
pack
bench() {  # name, timeout, script: one benchmark alone on the GPU
  timeout "$2" python3 "bench/$3" --json "$LOGS/$1.json" > "$LOGS/$1.log" 2>&1
  echo "$1 exit $?"; pack
}
bench plans 120 plans.py
bench loops 90 loops.py
(cd "$(mktemp -d)" && python3 -m tf0) > "$LOGS/main_job.log" 2>&1
echo "main job exit $?"; tail -3 "$LOGS/main_job.log"
(cd "$(mktemp -d)" && TF0_CUDA_GRAPHS=0 python3 -m tf0) > "$LOGS/main_job_direct.log" 2>&1
echo "main job without CUDA graphs exit $?"; tail -3 "$LOGS/main_job_direct.log"
pack
bench kernels 120 kernels.py
bench profile 120 profile_step.py
python3 - "$LOGS" <<'PY' | tee "$LOGS/table.txt"
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
        print(f"{label:36s} {f'{v:.4g}' if isinstance(v, float) else str(v):>8}  {target}")
    for key, v in figures.items():
        if key.endswith("_error") and isinstance(v, str):
            print("ERROR", key, v)


k, p, lp, pr = (load(f"{name}.json") for name in ("kernels", "plans", "loops", "profile"))
print(f"device: {k.get('device')}")
k.update({f"{key} / cuBLAS": v.get("vs_cublas") for key, v in list(k.items())
          if key.startswith("matmul_") and isinstance(v, dict)})
table(k, [("add 2^28 f32 / copy", "add_vs_copy", ">= 0.90"),
          ("sum full / read", "sum_full_vs_read", ">= 0.85"),
          ("sum rows / read", "sum_rows_vs_read", ">= 0.85"),
          ("sum cols / read", "sum_cols_vs_read", ">= 0.85"),
          ("xent / copy", "xent_vs_copy", ">= 0.80"),
          ("xent, rows read twice / copy", "xent_streamed_vs_copy", ""),
          ("compile cold s", "compile_cold_s", "<= 5"),
          ("import warm s", "import_warm_s", "<= 0.5"),
          ("import + Session + kernels ready s", "import_to_session_ready_s", "")]
      + [(key, key, ">= 0.70 at 4096") for key in k if key.endswith(" / cuBLAS")])
table(p, [("seed step host: CuPy / tf0", "cupy_over_tf0_host", ">= 3"),
          ("seed step host: torch eager / tf0", "torch_eager_over_tf0_host", ">= 5"),
          ("seed step device: torch graph / tf0", "torch_graph_over_tf0_device", ">= 1"),
          ("seed step device: jax jit / tf0", "jax_over_tf0_device", "> 1"),
          ("make_callable: torch graph / tf0", "torch_graph_over_tf0_callable_device", ">= 1"),
          ("make_callable: jax jit / tf0", "jax_over_tf0_callable_device", "> 1"),
          ("seed step tf0 graph, device, us", "tf0_graph_device_us", ""),
          ("  make_callable, us", "tf0_callable_device_us", ""),
          ("  torch graph replay, us", "torch_graph_device_us", ""),
          ("  torch replay() call, us", "torch_graph_replay_call_us", ""),
          ("  torch graph GPU time, us", "torch_graph_gpu_us", ""),
          ("16 branches 128: 1 / 8 streams", "branches_128_speedup", ">= 3"),
          ("16 branches 256: 1 / 8 streams", "branches_256_speedup", ">= 3"),
          ("  1 stream us", "branches_256_streams1_us", ""),
          ("  8 streams us", "branches_256_streams8_us", ""),
          ("seed step tf0 graph, host, us", "tf0_graph_host_us", ""),
          ("seed step tf0 direct, host, us", "tf0_direct_host_us", "")])
table(lp, [("LSTM fwd ms: tf0 gpu", "tf0_gpu_forward_ms", ""),
           ("LSTM fwd ms: torch cuDNN", "torch_cudnn_forward_ms", ""),
           ("LSTM fwd ms: torch eager loop", "torch_eager_forward_ms", ""),
           ("LSTM train ms: tf0 gpu", "tf0_gpu_train_ms", ""),
           ("LSTM train ms: torch cuDNN", "torch_cudnn_train_ms", ""),
           ("LSTM train ms: torch eager loop", "torch_eager_train_ms", ""),
           ("LSTM train ms: tf0 numpy", "tf0_numpy_train_ms", ""),
           ("LSTM fwd ms: tf0 gpu op by op", "tf0_gpu_direct_forward_ms", ""),
           ("LSTM train ms: tf0 gpu op by op", "tf0_gpu_direct_train_ms", ""),
           ("LSTM gpu vs numpy rel error", "tf0_gpu_vs_numpy_max_rel_error", "<= 1e-9"),
           ("LSTM gpu third run launched by", "tf0_gpu_launch", "replay")])
table(pr, [("seed graph GPU us, 1 stream", "seed_graph_1_streams_gpu_us", ""),
           ("seed graph GPU us, 4 streams", "seed_graph_4_streams_gpu_us", ""),
           ("seed replay host us", "seed_replay_host_us", ""),
           ("seed step, device feeds: before launch", "seed step, device feeds, us: before launch", ""),
           ("seed step, device feeds: launch to return", "seed step, device feeds, us: launch to return", ""),
           ("seed step, device feeds: return to synchronized", "seed step, device feeds, us: return to synchronized", ""),
           ("seed step, results held: launch to return", "seed step, device feeds, results held, us: launch to return", ""),
           ("seed step, host feeds: before launch", "seed step, host feeds, us: before launch", ""),
           ("seed step, host feeds: launch to return", "seed step, host feeds, us: launch to return", ""),
           ("seed step, host feeds: return to synchronized", "seed step, host feeds, us: return to synchronized", ""),
           ("x@w1: tile/splits chosen", "x@w1 chosen", ""),
           ("x@w1 us: chosen", "x@w1 chosen us", ""),
           ("x@w1 us: cuBLAS", "x@w1 cuBLAS us", ""),
           ("g@w2T us: chosen", "g@w2T chosen us", ""),
           ("g@w2T us: cuBLAS", "g@w2T cuBLAS us", ""),
           ("A@A 256: tile/splits chosen alone", "A@A 256 chosen", ""),
           ("A@A 256 us: chosen", "A@A 256 chosen us", ""),
           ("A@A 256 us: cuBLAS", "A@A 256 cuBLAS us", ""),
           ("branches 256 forced 32/1: 1 / 8", "branches_256_speedup forced 32/1", ""),
           ("  1 stream us", "branches_256_streams1_us forced 32/1", ""),
           ("  8 streams us", "branches_256_streams8_us forced 32/1", ""),
           ("branches 256 forced 32/3: 1 / 8", "branches_256_speedup forced 32/3", ""),
           ("  1 stream us", "branches_256_streams1_us forced 32/3", ""),
           ("  8 streams us", "branches_256_streams8_us forced 32/3", ""),
           ("branches 256 forced 32x4/1: 1 / 8", "branches_256_speedup forced 32x4/1", ""),
           ("  1 stream us", "branches_256_streams1_us forced 32x4/1", ""),
           ("  8 streams us", "branches_256_streams8_us forced 32x4/1", ""),
           ("branches 256 forced 64/1: 1 / 8", "branches_256_speedup forced 64/1", ""),
           ("  1 stream us", "branches_256_streams1_us forced 64/1", ""),
           ("  8 streams us", "branches_256_streams8_us forced 64/1", ""),
           *[(f"branches 256 forced {t}/1, {s} streams us",
              f"branches_256_streams{s}_us forced {t}/1", "")
             for t in ("32v", "32x4v") for s in (1, 8)],
           *[(f"branches 256, {n} streams: {part}", f"branches 256, {n} streams{sep}{part}", "")
             for n in (1, 8) for sep, part in ((": ", "graph GPU us"),
                                               (", us: ", "before launch"),
                                               (", us: ", "launch to return"),
                                               (", us: ", "return to synchronized"))],
           ("while_loop us per empty iteration", "while_empty_iteration_us", ""),
           ("LSTM us per forward iteration, graph", "lstm_forward_graph_iteration_us", ""),
           ("LSTM us per forward iteration, direct", "lstm_forward_direct_iteration_us", "")])
PY
pack
