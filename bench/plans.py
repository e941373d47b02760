"""Session benchmarks on the GPU (issue: scheduler, plans, CUDA graphs); every ratio is
measured in this run against references run beside tf0.

  seed network step (N=64, D=1000, H=100; loss, grad_w1, grad_w2), same copies per step:
    host feeds and fetches: tf0 (graph replay)  vs  CuPy by hand (>= 3x), PyTorch eager
                            with autograd (>= 5x); tf0 direct launch reported too
    all on the device:      tf0 (device feeds and fetches)  vs  PyTorch CUDA-graph replay
                            (no slower), jax.jit(value_and_grad) (faster); through
                            Session.run and through Session.make_callable
  16 independent relu(A_i @ A_i) branches at 128^2 and 256^2, graph replay:
                            8 streams vs 1 stream (>= 3x)

Each contender's results are checked against float64 NumPy before it is timed; times are
wall-clock medians of whole steps (each ends with its results on the host, or with a device
synchronize). PyTorch and JAX run only where installed. `--json PATH` writes every figure.
"""
import argparse
import os
import statistics
import time

import numpy as np

from report import report

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # leave memory to the others

N, D, H = 64, 1000, 100


def median_us(step, reps, warmup=10):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def reference(x, y, w1, w2):
    """loss, grad_w1, grad_w2 in float64."""
    x, y, w1, w2 = (a.astype(np.float64) for a in (x, y, w1, w2))
    pre = x @ w1
    d = np.maximum(pre, 0) @ w2 - y
    gp = 2 * d / len(x)
    return [np.mean(np.sum(d ** 2, 1)), x.T @ ((gp @ w2.T) * (pre > 0)), np.maximum(pre, 0).T @ gp]


def check(name, got, want, results, tol=1e-4):
    err = max(float(np.linalg.norm(np.asarray(g, np.float64) - w) / np.linalg.norm(w))
              for g, w in zip(got, want))
    results[f"{name}_rel_err"] = err
    if err > tol:
        raise AssertionError(f"{name}: relative error {err:.2e} > {tol}")


def tf0_session(num_streams, cuda_graphs):
    import tf0 as tf
    return tf.Session(config=tf.ConfigProto(gpu_options=tf.GPUOptions(
        num_streams=num_streams, cuda_graphs=cuda_graphs)))


def seed_problem():
    """x, y [N, D], w1 [D, H], w2 [H, D] of the seed step (float32, fixed seed)."""
    rng = np.random.default_rng(0)
    x, y = (rng.standard_normal((N, D)).astype(np.float32) for _ in range(2))
    w1 = (rng.standard_normal((D, H)) * 0.03).astype(np.float32)
    w2 = (rng.standard_normal((H, D)) * 0.03).astype(np.float32)
    return x, y, w1, w2


def seed_graph(w1, w2):
    """The seed step in a fresh default graph: placeholders X, Y and the fetches
    [loss, grad_w1, grad_w2]."""
    import tf0 as tf
    tf.reset_default_graph()
    X, Y = tf.placeholder(tf.float32, [N, D]), tf.placeholder(tf.float32, [N, D])
    W1, W2 = tf.Variable(w1), tf.Variable(w2)
    pre = tf.matmul(X, W1)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(tf.nn.relu(pre), W2) - Y) ** 2, axis=1))
    return X, Y, [loss] + tf.gradients(loss, [W1, W2])


def seed_step(results, reps):
    import cupy as cp
    import tf0 as tf
    x, y, w1, w2 = seed_problem()
    want = reference(x, y, w1, w2)
    X, Y, fetches = seed_graph(w1, w2)
    for graphs in (False, True):
        sess = tf0_session(4, graphs)  # the graph-mode session is also used below
        sess.run(tf.global_variables_initializer())
        mode = "graph" if graphs else "direct"
        check(f"tf0_{mode}", sess.run(fetches, {X: x, Y: y}), want, results)
        results[f"tf0_{mode}_host_us"] = median_us(lambda: sess.run(fetches, {X: x, Y: y}), reps)
        meta = tf.RunMetadata()
        sess.run(fetches, {X: x, Y: y}, run_metadata=meta)
        results[f"tf0_{mode}_launch"] = meta.launch
    xd, yd = cp.asarray(x), cp.asarray(y)
    on_device = tf.RunOptions(fetch_device_arrays=True)

    def tf0_device():
        out = sess.run(fetches, {X: xd, Y: yd}, options=on_device)
        cp.cuda.get_current_stream().synchronize()
        return out
    check("tf0_device", [a.get() for a in tf0_device()], want, results)
    results["tf0_graph_device_us"] = median_us(tf0_device, reps)
    step = sess.make_callable(fetches, [X, Y], accept_options=True)  # TF1's run-many API

    def tf0_callable_device():
        out = step(xd, yd, options=on_device)
        cp.cuda.get_current_stream().synchronize()
        return out
    check("tf0_callable_device", [a.get() for a in tf0_callable_device()], want, results)
    results["tf0_callable_device_us"] = median_us(tf0_callable_device, reps)

    w1g, w2g = cp.asarray(w1), cp.asarray(w2)

    def cupy_step():
        xg, yg = cp.asarray(x), cp.asarray(y)
        p = xg @ w1g
        h = cp.maximum(p, 0)
        d = h @ w2g - yg
        gp = 2 * d / N
        return (cp.mean(cp.sum(d * d, axis=1)).get(), (xg.T @ ((gp @ w2g.T) * (p > 0))).get(),
                (h.T @ gp).get())
    check("cupy", cupy_step(), want, results)
    results["cupy_host_us"] = median_us(cupy_step, reps)
    torch_step(results, reps, x, y, w1, w2, want)
    jax_step(results, reps, x, y, w1, w2, want)


def torch_step(results, reps, x, y, w1, w2, want):
    try:
        import torch
    except ImportError:
        return
    w1t = torch.tensor(w1, device="cuda", requires_grad=True)
    w2t = torch.tensor(w2, device="cuda", requires_grad=True)

    def forward(xt, yt):
        d = torch.relu(xt @ w1t) @ w2t - yt
        return (d * d).sum(1).mean()

    def eager():
        w1t.grad = w2t.grad = None
        loss = forward(torch.from_numpy(x).cuda(), torch.from_numpy(y).cuda())
        loss.backward()
        return loss.item(), w1t.grad.cpu().numpy(), w2t.grad.cpu().numpy()
    check("torch_eager", eager(), want, results)
    results["torch_eager_host_us"] = median_us(eager, reps)

    xs, ys = torch.from_numpy(x).cuda(), torch.from_numpy(y).cuda()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            w1t.grad = w2t.grad = None
            forward(xs, ys).backward()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    w1t.grad = w2t.grad = None
    with torch.cuda.graph(graph):
        static_loss = forward(xs, ys)
        static_loss.backward()

    def replay():
        graph.replay()
        torch.cuda.synchronize()
    replay()
    check("torch_graph", (static_loss.item(), w1t.grad.cpu().numpy(), w2t.grad.cpu().numpy()),
          want, results)
    results["torch_graph_device_us"] = median_us(replay, reps)
    # where PyTorch's step goes: the replay call alone, and its graph's GPU time
    results["torch_graph_replay_call_us"] = median_us(graph.replay, reps)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        graph.replay()
    end.record()
    end.synchronize()
    results["torch_graph_gpu_us"] = start.elapsed_time(end) * 1e3 / reps


def jax_step(results, reps, x, y, w1, w2, want):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return

    def loss_fn(a, b, xx, yy):
        d = jnp.maximum(xx @ a, 0) @ b - yy
        return jnp.mean(jnp.sum(d * d, axis=1))
    step = jax.jit(jax.value_and_grad(loss_fn, argnums=(0, 1)))
    args = [jax.device_put(v) for v in (w1, w2, x, y)]

    def run():
        loss, (g1, g2) = step(*args)
        g2.block_until_ready()
        return loss, g1, g2
    loss, g1, g2 = run()
    # JAX's default GPU matmul precision rounds inputs to TF32: a looser check
    check("jax", (float(loss), np.asarray(g1), np.asarray(g2)), want, results, tol=1e-2)
    results["jax_jit_device_us"] = median_us(run, reps)


def branches(results, reps):
    import cupy as cp
    import tf0 as tf
    for size in (128, 256):
        tf.reset_default_graph()
        rng = np.random.default_rng(size)
        mats = [rng.standard_normal((size, size)).astype(np.float32) for _ in range(16)]
        variables = [tf.Variable(m) for m in mats]
        outs = [tf.nn.relu(tf.matmul(v, v)) for v in variables]
        done = tf.group(*outs)
        for streams in (1, 8):
            sess = tf0_session(streams, True)
            sess.run(tf.global_variables_initializer())
            got = sess.run(outs[:2])
            check(f"branches_{size}_{streams}", got,
                  [np.maximum(m.astype(np.float64) @ m, 0) for m in mats[:2]], results)

            def step():
                sess.run(done)
                cp.cuda.get_current_stream().synchronize()
            results[f"branches_{size}_streams{streams}_us"] = median_us(step, reps)
        results[f"branches_{size}_speedup"] = (results[f"branches_{size}_streams1_us"]
                                               / results[f"branches_{size}_streams8_us"])


def ratios(r):
    """The issue's targets as ratios (None where a contender did not run)."""
    def ratio(a, b):
        return r[a] / r[b] if a in r and b in r else None
    return {"cupy_over_tf0_host": ratio("cupy_host_us", "tf0_graph_host_us"),
            "torch_eager_over_tf0_host": ratio("torch_eager_host_us", "tf0_graph_host_us"),
            "torch_graph_over_tf0_device": ratio("torch_graph_device_us", "tf0_graph_device_us"),
            "jax_over_tf0_device": ratio("jax_jit_device_us", "tf0_graph_device_us"),
            "torch_graph_over_tf0_callable_device": ratio("torch_graph_device_us",
                                                          "tf0_callable_device_us"),
            "jax_over_tf0_callable_device": ratio("jax_jit_device_us", "tf0_callable_device_us")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    results = {}
    for part in (seed_step, branches):
        try:
            part(results, args.reps)
        except Exception as exc:  # report and go on: one failure must not hide the rest
            results[f"{part.__name__}_error"] = f"{type(exc).__name__}: {exc}"
    results.update(ratios(results))
    report(results, args.json)


if __name__ == "__main__":
    main()
