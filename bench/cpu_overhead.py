"""CPU benchmarks of the NumPy backend, each against its reference in the same run.

1. Per-run overhead of a trivial graph (target <= 15 us; TF1 took about 90-130 us).
2. The seed network's step (N=64, D=1000, H=100: loss and both gradients) against the same
   step written by hand in NumPy (target <= 1.15x the hand-written time).
3. tf.while_loop: the cost of one iteration of a small loop (an int counter and one
   float32[4] update), forward and with its gradient, against the same loop in Python
   over NumPy (reported; no target yet).

Prints a table; `--json PATH` also writes the figures.
"""
import argparse
import json
import statistics
import time

import numpy as np

import tf0 as tf

CPU = tf.ConfigProto(device_count={"GPU": 0})  # the NumPy backend, also on a GPU machine


def per_call_us(fn, calls, repeats=7):
    """Median over `repeats` blocks of the mean time of one call, in microseconds."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def trivial_overhead():
    with tf.Graph().as_default():
        c = tf.constant(1.0)
        y = c + 1.0
        x = tf.placeholder(tf.float32, [])
        z = x + 1.0
        with tf.Session(config=CPU) as sess:
            fetch_only = per_call_us(lambda: sess.run(y), 20000)
            fed = per_call_us(lambda: sess.run(z, {x: 2.0}), 20000)
            call = sess.make_callable(z, [x])
            callable_fed = per_call_us(lambda: call(2.0), 20000)
    return {"trivial_run_us": fetch_only, "trivial_fed_run_us": fed,
            "trivial_fed_callable_us": callable_fed}


def seed_step(N=64, D=1000, H=100):
    rng = np.random.default_rng(0)
    xv, yv = (rng.standard_normal((N, D)).astype(np.float32) for _ in range(2))
    w1v = rng.standard_normal((D, H)).astype(np.float32)
    w2v = rng.standard_normal((H, D)).astype(np.float32)

    def by_hand():
        pre = xv @ w1v
        h = np.maximum(pre, 0)
        diff = h @ w2v - yv
        loss = np.mean(np.sum(diff * diff, axis=1))
        g_pred = diff * np.float32(2.0 / N)
        g_w2 = h.T @ g_pred
        g_h = g_pred @ w2v.T
        g_h[pre <= 0] = 0
        g_w1 = xv.T @ g_h
        return loss, g_w1, g_w2

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (N, D))
        y = tf.placeholder(tf.float32, (N, D))
        w1 = tf.placeholder(tf.float32, (D, H))
        w2 = tf.placeholder(tf.float32, (H, D))
        h = tf.maximum(tf.matmul(x, w1), 0)
        loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
        g1, g2 = tf.gradients(loss, [w1, w2])
        feed = {x: xv, y: yv, w1: w1v, w2: w2v}
        with tf.Session(config=CPU) as sess:
            got = sess.run([loss, g1, g2], feed)
            want = by_hand()
            for a, b in zip(got, want):
                err = np.linalg.norm(np.float64(a) - b) / np.linalg.norm(np.float64(b))
                assert err < 1e-5, f"tf0 and NumPy disagree (relative error {err:.2e})"
            # interleave the two so drifting machine load hits both alike
            tf0_times, np_times = [], []
            for _ in range(9):
                tf0_times.append(per_call_us(lambda: sess.run([loss, g1, g2], feed), 40, 1))
                np_times.append(per_call_us(by_hand, 40, 1))
    t_tf0, t_np = statistics.median(tf0_times), statistics.median(np_times)
    return {"seed_step_tf0_us": t_tf0, "seed_step_numpy_us": t_np, "seed_step_ratio": t_tf0 / t_np}


def loop_iteration(n=1000):
    def by_hand():
        i, x = 0, np.ones(4, np.float32)
        while i < n:
            i, x = i + 1, x * np.float32(0.5) + np.float32(1.0)
        return x

    with tf.Graph().as_default():
        x0 = tf.placeholder(tf.float32, [4])
        x = tf.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 0.5 + 1.0), [0, x0])[1]
        grad = tf.gradients(tf.reduce_sum(x), x0)[0]
        feed = {x0: np.ones(4, np.float32)}
        with tf.Session(config=CPU) as sess:
            np.testing.assert_allclose(sess.run(x, feed), by_hand(), rtol=1e-6)
            forward = per_call_us(lambda: sess.run(x, feed), 5) / n
            with_grad = per_call_us(lambda: sess.run([x, grad], feed), 5) / n
    numpy = per_call_us(by_hand, 5) / n
    return {"loop_iteration_us": forward, "loop_iteration_grad_us": with_grad,
            "loop_iteration_numpy_us": numpy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    results = {**trivial_overhead(), **seed_step(), **loop_iteration()}
    print(f"{'figure':32s} {'value':>10s}  target")
    print(f"{'trivial run (fetch a constant)':32s} {results['trivial_run_us']:8.1f} us  <= 15 us")
    print(f"{'trivial run (one feed)':32s} {results['trivial_fed_run_us']:8.1f} us  <= 15 us")
    print(f"{'same, through make_callable':32s} {results['trivial_fed_callable_us']:8.1f} us")
    print(f"{'seed step, tf0':32s} {results['seed_step_tf0_us']:8.1f} us")
    print(f"{'seed step, NumPy by hand':32s} {results['seed_step_numpy_us']:8.1f} us")
    print(f"{'seed step ratio tf0 / NumPy':32s} {results['seed_step_ratio']:8.3f}     <= 1.15")
    print(f"{'while_loop iteration, tf0':32s} {results['loop_iteration_us']:8.2f} us")
    print(f"{'same, with its gradient':32s} {results['loop_iteration_grad_us']:8.2f} us")
    print(f"{'same loop in Python over NumPy':32s} {results['loop_iteration_numpy_us']:8.2f} us")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
