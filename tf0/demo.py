"""The main job: train a two-layer network on scikit-learn's bundled handwritten digits
(8x8 images, 10 classes; no download) with tf.data and Adam, report test accuracy, save a
checkpoint and export the model. Runs on the GPU when there is one."""
import os
import sys
import time

import numpy as np


def _load_digits(seed):
    """(x_train, y_train, x_test, y_test): pixels scaled to [0, 1], a fixed 80/20 split."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


class Progress:
    """A one-line progress bar on a terminal; a line every tenth of the run otherwise."""

    def __init__(self, total, out=sys.stdout):
        self.total, self.out = total, out
        self.tty = hasattr(out, "isatty") and out.isatty()

    def update(self, step, loss):
        done = step + 1
        if self.tty:
            filled = int(30 * done / self.total)
            self.out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} "
                           f"loss {loss:.4f}")
            if done == self.total:
                self.out.write("\n")
            self.out.flush()
        elif done == 1 or done % max(1, self.total // 10) == 0 or done == self.total:
            print(f"step {done:5d}/{self.total}  loss {loss:.4f}", file=self.out, flush=True)


def train(steps=600, batch_size=64, hidden=128, learning_rate=3e-3, seed=0,
          out_dir="tf0_digits_run", out=sys.stdout):
    """Train, evaluate, save and export. Returns (test accuracy, losses)."""
    import tf0 as tf

    x_train, y_train, x_test, y_test = _load_digits(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        dataset = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                   .shuffle(len(x_train), seed=seed).batch(batch_size).repeat().prefetch(2))
        images, labels = dataset.make_one_shot_iterator().get_next()
        # feeding x or y replaces the pipeline's batch, e.g. with the test set
        x = tf.placeholder_with_default(images, [None, 64], name="x")
        y = tf.placeholder_with_default(labels, [None], name="y")
        h = tf.layers.dense(x, hidden, activation=tf.nn.relu, name="hidden")
        logits = tf.layers.dense(h, 10, name="logits")
        loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
        predictions = tf.argmax(logits, axis=1, name="predictions")
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predictions, y), tf.float32))
        global_step = tf.train.get_or_create_global_step()
        train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss, global_step=global_step)
        saver = tf.train.Saver(max_to_keep=2)
        losses = []
        with tf.Session() as sess:
            print(f"tf0 on {sess.backend}: {len(x_train)} training and {len(x_test)} test "
                  f"images, {steps} steps of {batch_size}", file=out)
            sess.run(tf.global_variables_initializer())
            bar = Progress(steps, out)
            start = time.perf_counter()
            for step in range(steps):
                loss_value, _ = sess.run([loss, train_op])
                losses.append(float(loss_value))
                bar.update(step, float(np.mean(losses[-20:])))
            elapsed = time.perf_counter() - start
            test_accuracy = float(sess.run(accuracy, {x: x_test, y: y_test}))
            checkpoint = saver.save(sess, os.path.join(out_dir, "checkpoints", "digits"),
                                    global_step=global_step)
            export_dir = tf.saved_model.save(sess, os.path.join(out_dir, "model"),
                                             inputs={"images": x},
                                             outputs={"logits": logits, "classes": predictions})
    print(f"{steps} steps in {elapsed:.2f} s ({1e3 * elapsed / steps:.2f} ms/step); "
          f"test accuracy {100 * test_accuracy:.1f}%", file=out)
    print(f"checkpoint: {checkpoint}\nexported model: {export_dir}", file=out)
    return test_accuracy, losses
