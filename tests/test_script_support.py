"""The TF1 script boilerplate tf0 provides: tf.app.run with tf.flags, tf.logging, tf.gfile
and tf.io.gfile; checkpoint inspection; tf.train.ExponentialMovingAverage."""
import logging
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tf0 as tf


def test_app_run_parses_flags_and_passes_the_rest(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import tf0 as tf
        tf.app.flags.DEFINE_integer("steps", 10, "how many steps")
        tf.flags.DEFINE_float("rate", 0.5, "learning rate")
        tf.flags.DEFINE_boolean("fast", False, "go fast")
        tf.flags.DEFINE_string("name", "run", "run name")
        tf.flags.DEFINE_list("layers", "3,4", "sizes")
        tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "what to do")
        FLAGS = tf.flags.FLAGS

        def main(argv):
            print(FLAGS.steps, FLAGS.rate, FLAGS.fast, FLAGS.name, FLAGS.layers, FLAGS.mode,
                  argv[1:])
            return 3

        if __name__ == "__main__":
            tf.app.run()
        """))
    done = subprocess.run([sys.executable, str(script), "--steps=7", "--nofast", "--rate",
                           "0.25", "--layers", "8,16,32", "--mode=eval", "extra"],
                          capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert done.stdout.split("\n")[0] == "7 0.25 False run ['8', '16', '32'] eval ['extra']"
    bad = subprocess.run([sys.executable, str(script), "--mode=serve"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "must be one of" in bad.stderr


def test_flags_defaults_and_errors():
    flags = tf.flags.FLAGS
    tf.flags.DEFINE_integer("tf0_test_width", 32, "width")
    assert flags.tf0_test_width == 32
    flags.tf0_test_width = 64
    assert flags.tf0_test_width == 64 and "tf0_test_width" in flags
    with pytest.raises(ValueError, match="defined twice"):
        tf.flags.DEFINE_integer("tf0_test_width", 1, "again")
    with pytest.raises(AttributeError, match="no flag"):
        flags.tf0_undefined


def test_logging_levels():
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())
    old, keep = tf.logging.get_verbosity(), Keep()
    logging.getLogger("tf0").addHandler(keep)
    try:
        tf.logging.set_verbosity(tf.logging.INFO)
        assert tf.logging.get_verbosity() == logging.INFO
        tf.logging.info("step %d", 3)
        tf.logging.debug("hidden")
        for k in range(5):
            tf.logging.log_every_n(tf.logging.WARN, "every %d", 2, k)
            tf.logging.log_first_n(tf.logging.ERROR, "first %d", 1, k)
        assert records == ["step 3", "every 0", "first 0", "every 2", "every 4"]
    finally:
        logging.getLogger("tf0").removeHandler(keep)
        tf.logging.set_verbosity(old)


def test_gfile_and_io_gfile(tmp_path):
    folder = str(tmp_path / "a" / "b")
    tf.gfile.MakeDirs(folder)
    assert tf.gfile.IsDirectory(folder) and tf.io.gfile.isdir(folder)
    with tf.gfile.GFile(folder + "/x.txt", "w") as f:
        f.write("hello")
    tf.io.gfile.copy(folder + "/x.txt", folder + "/y.txt")
    with pytest.raises(FileExistsError):
        tf.gfile.Copy(folder + "/x.txt", folder + "/y.txt")
    assert tf.gfile.ListDirectory(folder) == ["x.txt", "y.txt"]
    assert tf.gfile.Glob(folder + "/*.txt") == [folder + "/x.txt", folder + "/y.txt"]
    tf.gfile.Rename(folder + "/y.txt", folder + "/z.txt")
    tf.gfile.Remove(folder + "/x.txt")
    assert tf.io.gfile.listdir(folder) == ["z.txt"]
    tf.gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not tf.gfile.Exists(str(tmp_path / "a"))


def test_checkpoint_state_listing_and_loading(tmp_path):
    w = tf.Variable(np.arange(6.0).reshape(2, 3), name="layer/w")
    tf.Variable(0, name="step", dtype=tf.int64)  # a second tensor in the checkpoint
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for k in range(3):
            sess.run(tf.assign(w, w + 1.0))
            saver.save(sess, str(tmp_path / "model"), global_step=k)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "model-2")
    assert state.all_model_checkpoint_paths == [str(tmp_path / "model-1"),
                                                str(tmp_path / "model-2")]
    assert tf.train.get_checkpoint_state(str(tmp_path / "empty")) is None
    assert tf.train.list_variables(str(tmp_path)) == [("layer/w", [2, 3]), ("step", [])]
    np.testing.assert_array_equal(tf.train.load_variable(str(tmp_path), "layer/w:0"),
                                  np.arange(6.0).reshape(2, 3) + 3)
    np.testing.assert_array_equal(tf.train.load_variable(str(tmp_path / "model-1"), "layer/w"),
                                  np.arange(6.0).reshape(2, 3) + 2)
    with pytest.raises(tf.errors.NotFoundError, match="nope"):
        tf.train.load_variable(str(tmp_path), "nope")


def test_exponential_moving_average(tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    b = tf.Variable(0.5, name="b")
    count = tf.placeholder(tf.int64, [])
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=count)
    update = ema.apply([w, b])
    assert ema.average(w).op.name == "w/ExponentialMovingAverage"
    assert ema.average(w) in tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)
    assert ema.average(w) not in tf.trainable_variables()
    shadow_w, shadow_b = np.array([1.0, 2.0]), 0.5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for k, n in enumerate([0, 5, 100]):
            new_w, new_b = np.array([3.0 + k, -1.0]), 2.0 * k
            sess.run([tf.assign(w, new_w), tf.assign(b, new_b)])
            sess.run(update, {count: n})
            decay = min(0.9, (1 + n) / (10 + n))
            shadow_w = shadow_w - (1 - decay) * (shadow_w - new_w)
            shadow_b = shadow_b - (1 - decay) * (shadow_b - new_b)
            got_w, got_b = sess.run([ema.average(w), ema.average(b)])
            np.testing.assert_allclose(got_w, shadow_w, rtol=1e-6)
            np.testing.assert_allclose(got_b, shadow_b, rtol=1e-6)
        tf.train.Saver().save(sess, str(tmp_path / "ckpt"))
    restore = ema.variables_to_restore()
    assert restore["w/ExponentialMovingAverage"] is w and restore["b/ExponentialMovingAverage"] \
        is b
    with tf.Session() as sess:  # evaluation with the averages in place of the weights
        tf.train.Saver(restore).restore(sess, str(tmp_path / "ckpt"))
        np.testing.assert_allclose(sess.run(w), shadow_w, rtol=1e-6)
