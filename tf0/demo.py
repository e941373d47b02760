"""The main job: train the seed's two-layer network on a learnable task and print the loss.

h = relu(x @ w1); y_pred = h @ w2; loss = mean(sum((y_pred - y)**2, 1)), with x of shape
(N, D) and targets y made by a fixed random "teacher" network, so the loss can fall.
"""
import time

import numpy as np


def train(steps=200, N=64, D=1000, H=100, learning_rate=1.0, seed=0, report=20, out=print):
    """Train with plain gradient descent built from tf.gradients, assign and group.

    Returns the list of losses (one per step)."""
    import tf0 as tf

    rng = np.random.default_rng(seed)
    teacher1 = rng.standard_normal((D, H)) / np.sqrt(D)
    teacher2 = rng.standard_normal((H, D)) / np.sqrt(H)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, shape=(N, D))
        y = tf.placeholder(tf.float32, shape=(N, D))
        w1 = tf.Variable((rng.standard_normal((D, H)) / np.sqrt(D)).astype(np.float32),
                         name="w1")
        w2 = tf.Variable((rng.standard_normal((H, D)) / np.sqrt(H)).astype(np.float32),
                         name="w2")
        h = tf.maximum(tf.matmul(x, w1), 0)
        y_pred = tf.matmul(h, w2)
        loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
        lr = learning_rate / D
        step = tf.group(w1.assign_sub(lr * grad_w1), w2.assign_sub(lr * grad_w2))
        losses = []
        with tf.Session() as sess:
            backend = sess.backend
            sess.run(tf.global_variables_initializer())
            start = time.perf_counter()
            for i in range(steps):
                xv = rng.standard_normal((N, D)).astype(np.float32)
                yv = (np.maximum(xv @ teacher1, 0) @ teacher2).astype(np.float32)
                loss_value, _ = sess.run([loss, step], {x: xv, y: yv})
                losses.append(float(loss_value))
                if report and (i % report == 0 or i == steps - 1):
                    out(f"step {i:4d}  loss {loss_value:10.4f}")
            elapsed = time.perf_counter() - start
    out(f"{steps} steps in {elapsed:.2f} s ({1e3 * elapsed / steps:.2f} ms/step) on {backend}; "
        f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    return losses
