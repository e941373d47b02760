"""Loops on the device: an LSTM over time (tf.nn.dynamic_rnn, B=32, T=50, D=64, H=128),
forward and one training step (forward, backward, SGD update), each figure against
references measured in the same run:
- the same LSTM with PyTorch: nn.LSTM (cuDNN) and the cell written out step by step in
  eager mode with autograd, when PyTorch is installed;
- tf0 on the NumPy backend.
tf0 on the GPU runs twice: as it does by default (the loop, its gradient included, captured
whole into a CUDA graph) and op by op (`cuda_graphs=False`). Also checks the GPU result of
a replayed run against the NumPy backend (float64, relative error). No targets yet: this
says how far each is from cuDNN. Prints a table; `--json PATH` writes the figures.
"""
import argparse
import statistics
import time

import numpy as np

import tf0 as tf
from report import report

B, T, D, H = 32, 50, 64, 128
CPU = tf.ConfigProto(device_count={"GPU": 0})
DIRECT = tf.ConfigProto(gpu_options=tf.GPUOptions(cuda_graphs=False))  # op by op


def _median_ms(fn, sync=lambda: None, repeats=15):
    fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _graph(dtype):
    x = tf.placeholder(dtype, [B, T, D])
    cell = tf.nn.rnn_cell.BasicLSTMCell(H)
    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=dtype)
    loss = tf.reduce_mean(out * out)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, out, loss, train, cell


def tf0_figures(config, prefix):
    figures = {}
    xv = np.random.default_rng(0).standard_normal((B, T, D)).astype(np.float32)
    with tf.Graph().as_default():
        x, out, _, train, _ = _graph(tf.float32)
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            figures[f"{prefix}_forward_ms"] = _median_ms(lambda: sess.run(out, {x: xv}))
            figures[f"{prefix}_train_ms"] = _median_ms(lambda: sess.run(train, {x: xv}))
    return figures


def gpu_error():
    """(max relative error of the GPU outputs and weight gradients against the NumPy
    backend, in float64; how the GPU's third run was launched: "replay" when the loop was
    captured whole)."""
    xv = np.random.default_rng(1).standard_normal((4, 9, D))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [4, 9, D])
        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(H), x, dtype=tf.float64)
        fetches = [out, *tf.gradients(tf.reduce_sum(out * out), tf.trainable_variables())]
        values, meta = [], tf.RunMetadata()
        for config in (CPU, None):  # the GPU last: its third run's launch is reported
            with tf.Session(config=config) as sess:
                sess.run(tf.global_variables_initializer())
                weights = np.random.default_rng(2)
                for v in tf.trainable_variables():
                    v.load(weights.standard_normal([int(d) for d in v.shape]) * 0.3, sess)
                for _ in range(3):  # direct, captured, replayed
                    got = sess.run(fetches, {x: xv}, run_metadata=meta)
                values.append(got)
    return max(float(np.max(np.abs(gpu - cpu)) / max(np.max(np.abs(cpu)), 1e-30))
               for cpu, gpu in zip(*values)), meta.launch


def torch_figures():
    try:
        import torch
    except ImportError:
        return {"torch": "not installed"}
    if not torch.cuda.is_available():
        return {"torch": "no CUDA"}
    dev = torch.device("cuda")
    sync = torch.cuda.synchronize
    x = torch.randn(T, B, D, device=dev)
    lstm = torch.nn.LSTM(D, H).to(dev)
    opt = torch.optim.SGD(lstm.parameters(), lr=0.1)

    def cudnn_forward():
        with torch.no_grad():
            lstm(x)

    def cudnn_train():
        opt.zero_grad()
        out, _ = lstm(x)
        (out * out).mean().backward()
        opt.step()
    kernel = torch.randn(D + H, 4 * H, device=dev, requires_grad=True)
    bias = torch.zeros(4 * H, device=dev, requires_grad=True)

    def cell_loop():
        c = h = torch.zeros(B, H, device=dev)
        outs = []
        for t in range(T):
            i, j, f, o = (torch.cat([x[t], h], 1) @ kernel + bias).chunk(4, 1)
            c = c * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * torch.tanh(j)
            h = torch.tanh(c) * torch.sigmoid(o)
            outs.append(h)
        return torch.stack(outs)

    def loop_train():
        out = cell_loop()
        kernel.grad = bias.grad = None
        (out * out).mean().backward()
        with torch.no_grad():
            kernel.sub_(0.1 * kernel.grad)
            bias.sub_(0.1 * bias.grad)

    def loop_forward():
        with torch.no_grad():
            cell_loop()
    return {"torch_cudnn_forward_ms": _median_ms(cudnn_forward, sync),
            "torch_cudnn_train_ms": _median_ms(cudnn_train, sync),
            "torch_eager_forward_ms": _median_ms(loop_forward, sync),
            "torch_eager_train_ms": _median_ms(loop_train, sync)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    parts = [lambda: tf0_figures(CPU, "tf0_numpy")]
    if tf.Session().backend == "cuda":
        parts += [lambda: tf0_figures(None, "tf0_gpu"),
                  lambda: tf0_figures(DIRECT, "tf0_gpu_direct"),
                  lambda: dict(zip(("tf0_gpu_vs_numpy_max_rel_error", "tf0_gpu_launch"),
                                   gpu_error())), torch_figures]
    figures = {}
    for k, part in enumerate(parts):
        try:
            figures.update(part())
        except Exception as exc:  # report and go on: one failure must not hide the rest
            figures[f"part_{k}_error"] = f"{type(exc).__name__}: {exc}"
    print(f"LSTM B={B} T={T} D={D} H={H}")
    report(figures, args.json)


if __name__ == "__main__":
    main()
