"""Where a step's time goes on the GPU: a diagnostic for tuning, with no targets.

  seed step (bench/plans.py): the GPU time of each of its elementwise and reduction
    kernels at its shapes (captured, so without host gaps); the captured graph's GPU time
    alone (event-timed replays, 1 and 4 streams); the host time of one replayed
    Session.run with device feeds and fetches, split at the graph launch and the wait for
    the GPU, and the Python functions it is spent in (cProfile);
  each matrix product of the seed step and of bench/plans.py's branches alone, for each
    tile of kernels/matmul*.cu and K split, checked against float64 and timed as captured
    graphs against cuBLAS (captured by PyTorch where installed);
  the 16 branches of bench/plans.py with every product forced onto one tile and split;
  a tf.while_loop on the GPU: the cost per iteration of an empty body and of an LSTM step
    (captured whole, and op by op), and the functions the latter's host time is spent in.
Prints figures and profiles; `--json PATH` writes the figures.
"""
import argparse
import collections
import cProfile
import io
import pstats
import statistics
import time

import numpy as np

from plans import D, H, N, seed_graph, seed_problem
from report import report


def _cupy():
    import cupy
    return cupy


def event_us(launch, stream, reps=50, rounds=5):
    """Median GPU time of one launch() on `stream`, by events around `reps` launches."""
    cp = _cupy()
    for _ in range(5):
        launch()
    start, end = cp.cuda.Event(), cp.cuda.Event()
    times = []
    for _ in range(rounds):
        start.record(stream)
        for _ in range(reps):
            launch()
        end.record(stream)
        end.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, end) * 1e3 / reps)
    return statistics.median(times)


def captured_us(launch, count=20):
    """GPU time of one launch() with no host gaps: `count` of them captured as one graph."""
    cp = _cupy()
    launch()  # compiles and fills the launch caches outside the capture
    stream, pool = cp.cuda.Stream(non_blocking=True), cp.cuda.MemoryPool()
    with stream, cp.cuda.using_allocator(pool.malloc):
        stream.begin_capture()
        for _ in range(count):
            launch()
        graph = stream.end_capture()
    return event_us(lambda: graph.launch(stream), stream, reps=10) / count


def cublas_us(a, b, ta, tb, count=20):
    """GPU time of one cuBLAS product (a.T if ta) @ (b.T if tb): through a PyTorch CUDA
    graph of `count` products where PyTorch is installed (CuPy refuses cuBLAS calls under
    capture), else event-timed CuPy launches (an upper bound: host launches may gap)."""
    cp = _cupy()
    try:
        import torch
    except ImportError:
        stream = cp.cuda.get_current_stream()
        return event_us(lambda: cp.matmul(a.T if ta else a, b.T if tb else b), stream)
    at, bt = torch.as_tensor(a, device="cuda"), torch.as_tensor(b, device="cuda")
    at, bt = (at.T if ta else at), (bt.T if tb else bt)
    side = torch.cuda.Stream()
    with torch.cuda.stream(side):
        torch.mm(at, bt)  # cuBLAS picks and loads its kernel outside the capture
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(count):
            torch.mm(at, bt)
    stream = cp.cuda.ExternalStream(torch.cuda.current_stream().cuda_stream)
    return event_us(graph.replay, stream, reps=10) / count


def host_profile(fn, calls, top=12, order="tottime"):
    """The `top` functions by `order` ("tottime": own time, "cumulative": with callees)
    over `calls` calls of fn, as text lines."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        fn()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(top)
    lines = text.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return lines[start:start + top + 1]


def seed_kernels(results, profiles):
    """GPU time of each elementwise and reduction kernel of the seed step at its shapes,
    captured 20 to a graph (so each figure includes one node-to-node gap), and of a
    one-element kernel: the floor any node of a graph costs."""
    cp = _cupy()
    from tf0.kernels import launch_elementwise as E
    from tf0.kernels.launch_reduce import reduce
    rng = np.random.default_rng(2)
    d, h = (cp.asarray(rng.standard_normal(shape).astype(np.float32))
            for shape in ((N, D), (N, H)))
    err = cp.zeros(1, np.int32)
    one, two = cp.zeros(1, np.float32), cp.full(1, 2.0, np.float32)
    kernels = {"one-element add": lambda: E.binary("add", one, one, err, 0),
               "sub 64x1000": lambda: E.binary("subtract", d, d, err, 0),
               "pow 64x1000 by scalar": lambda: E.binary("pow", d, two, err, 0),
               "mul 64x1000": lambda: E.binary("multiply", d, d, err, 0),
               "relu 64x100": lambda: E.unary("relu", h),
               "relu_grad 64x100": lambda: E.binary("relu_grad", h, h, err, 0),
               "sum rows 64x1000": lambda: reduce("sum", d, (1,)),
               "mean of 64": lambda: reduce("sum", d[0, :N], (0,), mean=True)}
    for name, launch in kernels.items():
        results[f"kernel {name} us"] = captured_us(launch)


class _StampedGraph:
    """A captured graph whose launch notes when it is called."""

    def __init__(self, graph, stamps):
        self.graph, self.stamps = graph, stamps

    def launch(self, stream=None):
        self.stamps.append(time.perf_counter())
        self.graph.launch(stream)


def _step_parts(entry, step, reps=300):
    """Medians, in us, of one synchronized step() that replays the captured graph `entry`,
    in three parts: from the call to the graph launch, from the launch to the return, and
    the wait for the GPU after it."""
    cp = _cupy()
    stamps, caller = [], cp.cuda.get_current_stream()
    entry.graph = _StampedGraph(entry.graph, stamps)
    parts = {"before launch": [], "launch to return": [], "return to synchronized": []}
    try:
        for _ in range(reps):
            start = time.perf_counter()
            step()
            returned = time.perf_counter()
            caller.synchronize()
            done = time.perf_counter()
            for part, t in zip(parts.values(), (stamps[-1] - start, returned - stamps[-1],
                                                done - returned)):
                part.append(t)
    finally:
        entry.graph = entry.graph.graph
    return {name: statistics.median(part) * 1e6 for name, part in parts.items()}


def seed_replay(results, profiles):
    import tf0 as tf
    cp = _cupy()
    x, y, w1, w2 = seed_problem()
    X, Y, fetches = seed_graph(w1, w2)
    xd, yd = cp.asarray(x), cp.asarray(y)
    on_device = tf.RunOptions(fetch_device_arrays=True)
    for streams in (1, 4):
        config = tf.ConfigProto(gpu_options=tf.GPUOptions(num_streams=streams, cuda_graphs=True))
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(fetches, {X: xd, Y: yd}, options=on_device)
        entry = next(p.cuda for p in sess._plans.values()
                     if p.cuda is not None and p.cuda.graphs).graphs[-1]
        stream = cp.cuda.Stream(non_blocking=True)
        results[f"seed_graph_{streams}_streams_gpu_us"] = event_us(
            lambda: entry.graph.launch(stream), stream)

    def run():
        sess.run(fetches, {X: xd, Y: yd}, options=on_device)
    times = []
    for _ in range(300):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    cp.cuda.Device().synchronize()
    results["seed_replay_host_us"] = statistics.median(times) * 1e6

    def run_host_fed():
        sess.run(fetches, {X: x, Y: y})
    for _ in range(3):
        run_host_fed()
    held = collections.deque(maxlen=3)

    def run_held():  # results held for three steps: each step takes a fresh fetch block
        held.append(sess.run(fetches, {X: xd, Y: yd}, options=on_device))
    plans = {p.cuda.fetch_device: p.cuda for p in sess._plans.values()
             if p.cuda is not None and p.cuda.graphs}
    for label, fed, step in (("device", True, run), ("device, results held", True, run_held),
                             ("host", False, run_host_fed)):
        for part, us in _step_parts(plans[fed].graphs[-1], step).items():
            results[f"seed step, {label} feeds, us: {part}"] = us
    profiles["seed replay, 300 runs, by own time"] = host_profile(run, 300, top=20)
    profiles["seed replay, 300 runs, with callees"] = host_profile(run, 300, top=30,
                                                                   order="cumulative")


SEED_PRODUCTS = [("x@w1", 64, 1000, 100, False, False), ("h@w2", 64, 100, 1000, False, False),
                 ("g@w2T", 64, 1000, 100, False, True), ("hT@g", 100, 64, 1000, True, False),
                 ("xT@gh", 1000, 64, 100, True, False)]
BRANCH_PRODUCT = ("A@A 256", 256, 256, 256, False, False)  # of bench/plans.py's branches


def seed_products(results, profiles):
    """Every (tile, split) of each seed product and of one branch product: GPU time, and
    the launcher's own choice."""
    cp = _cupy()
    from tf0.kernels import launch_matmul as M
    rng = np.random.default_rng(1)
    for name, m, k, n, ta, tb in SEED_PRODUCTS + [BRANCH_PRODUCT]:
        a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
        want = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
        ad, bd = cp.asarray(a), cp.asarray(b)
        results[f"{name} cuBLAS us"] = cublas_us(ad, bd, ta, tb)
        chosen = M.tiling(m, n, k, 1, "f32", True)  # every extent here a multiple of 4
        results[f"{name} chosen"] = "%s/%d" % chosen
        for tile, splits in [chosen] + [(t, s) for t in ("64", "32", "32x4", "32v", "32x4v")
                                        for s in (1, 2, 4, 8, 16)]:
            if k < 32 * splits:  # slices under 32 deep: not worth a measurement
                continue

            def launch():
                return M.gemm(ad, bd, 0, 0, ta, tb, (m, n), tile, splits)
            got = launch().get().astype(np.float64)
            err = np.linalg.norm(got - want) / np.linalg.norm(want)
            key = f"{name} {tile}/{splits}"
            if err > 1e-5:
                results[f"{key} rel_error"] = float(err)
            results[f"{key} us"] = captured_us(launch)
            if (tile, splits) == chosen:
                results[f"{name} chosen us"] = results[f"{key} us"]


def branch_tiles(results, profiles):
    """bench/plans.py's 16 branches with every product forced onto one (tile, K splits),
    to set beside the launcher's own choices (bench/plans.py)."""
    from plans import branches
    from tf0.kernels import launch_matmul as M
    chosen = M.tiling
    try:
        for tile, splits in (("32", 1), ("32", 3), ("32x4", 1), ("64", 1), ("32v", 1),
                             ("32x4v", 1)):
            M.tiling = lambda *args, tile=tile, splits=splits: (tile, splits)
            figures = {}
            branches(figures, 100)
            results.update({f"{key} forced {tile}/{splits}": v for key, v in figures.items()})
    finally:
        M.tiling = chosen


def branch_parts(results, profiles):
    """Where a step of bench/plans.py's 16 branches at 256^2 spends its time, on 1 and 8
    streams: the captured graph's GPU time (events around back-to-back launches) and one
    synchronized `Session.run` in three parts (_step_parts)."""
    import tf0 as tf
    cp = _cupy()
    tf.reset_default_graph()
    rng = np.random.default_rng(256)
    variables = [tf.Variable(rng.standard_normal((256, 256)).astype(np.float32))
                 for _ in range(16)]
    done = tf.group(*[tf.nn.relu(tf.matmul(v, v)) for v in variables])
    for streams in (1, 8):
        config = tf.ConfigProto(gpu_options=tf.GPUOptions(num_streams=streams, cuda_graphs=True))
        sess = tf.Session(config=config)
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(done)
        entry = next(p.cuda for p in sess._plans.values()
                     if p.cuda is not None and p.cuda.graphs).graphs[-1]
        stream = cp.cuda.Stream(non_blocking=True)
        results[f"branches 256, {streams} streams: graph GPU us"] = event_us(
            lambda: entry.graph.launch(stream), stream)
        for part, us in _step_parts(entry, lambda: sess.run(done)).items():
            results[f"branches 256, {streams} streams, us: {part}"] = us
        sess.close()


def loops(results, profiles):
    import tf0 as tf
    tf.reset_default_graph()
    n = tf.placeholder(tf.int32, [])
    counted = tf.while_loop(lambda i: i < n, lambda i: i + 1, [tf.constant(0)])
    xs = tf.placeholder(tf.float32, [32, 50, 64])
    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(128), xs, dtype=tf.float32)
    xv = np.random.default_rng(0).standard_normal((32, 50, 64)).astype(np.float32)
    direct = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=False))
    for mode, config in (("graph", None), ("direct", direct)):
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(out, {xs: xv})
            start = time.perf_counter()
            for _ in range(5):
                sess.run(out, {xs: xv})
            results[f"lstm_forward_{mode}_iteration_us"] = \
                (time.perf_counter() - start) / 250 * 1e6
            if mode == "direct":
                sess.run(counted, {n: 10})
                start = time.perf_counter()
                assert sess.run(counted, {n: 2000}) == 2000
                results["while_empty_iteration_us"] = (time.perf_counter() - start) / 2000 * 1e6
                profiles["LSTM forward op by op, 5 runs of 50 steps"] = host_profile(
                    lambda: sess.run(out, {xs: xv}), 5, top=16)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    args = parser.parse_args()
    results, profiles = {}, {}
    for part in (seed_kernels, seed_replay, seed_products, branch_tiles, branch_parts,
                 loops):
        try:
            part(results, profiles)
        except Exception as exc:  # report and go on: one failure must not hide the rest
            results[f"{part.__name__}_error"] = f"{type(exc).__name__}: {exc}"
    for title, lines in profiles.items():
        print(f"--- {title}")
        print("\n".join(lines))
    report(results, args.json)


if __name__ == "__main__":
    main()
