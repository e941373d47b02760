"""Saver round trips (in-process and in a fresh process), pruning, and every corruption
case: each bad checkpoint raises the right error and changes no variable."""
import json
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tf0 as tf


def _model():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    b = tf.Variable(np.zeros(3, np.float64), name="b")
    step = tf.train.get_or_create_global_step()
    return w, b, step


def test_save_restore_round_trip(tmp_path):
    w, b, step = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([w.assign(w * 2), b.assign([1.5, 2.5, 3.5]), step.assign(7)])
        path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
        assert path == str(tmp_path / "model.ckpt-7")
        assert tf.train.latest_checkpoint(str(tmp_path)) == path
        saved = sess.run([w, b, step])
    with tf.Session() as sess:
        saver.restore(sess, path)
        for got, want in zip(sess.run([w, b, step]), saved):
            np.testing.assert_array_equal(got, want)


def test_old_checkpoints_are_pruned(tmp_path):
    w, b, step = _model()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(4):
            saver.save(sess, str(tmp_path / "m"), global_step=i)
    files = sorted(f for f in os.listdir(tmp_path) if f.endswith(".safetensors"))
    assert files == ["m-2.safetensors", "m-3.safetensors"]
    state = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "m-3"' in state and "m-0" not in state
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-3")


def test_restore_in_a_fresh_process(tmp_path):
    w, b, step = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign(w + 100))
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    code = textwrap.dedent(f"""
        import numpy as np, tf0 as tf
        w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
        b = tf.Variable(np.ones(3, np.float64), name="b")
        step = tf.train.get_or_create_global_step()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, tf.train.latest_checkpoint({str(tmp_path)!r}))
            print(sess.run(w).ravel().tolist(), sess.run(b).tolist())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == str([100.0 + i for i in range(6)]) + " " + str([0.0, 0.0, 0.0])
    assert path.endswith("model")


@pytest.fixture
def saved(tmp_path):
    w, b, step = _model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    sess.run(w.assign(w - 1))  # differs from the checkpoint
    before = sess.run(tf.global_variables())
    yield sess, path, before
    sess.close()


def _unchanged(sess, before):
    for got, want in zip(sess.run(tf.global_variables()), before):
        np.testing.assert_array_equal(got, want)


def test_missing_checkpoint(saved):
    sess, path, before = saved
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.Saver().restore(sess, path + "-nope")
    _unchanged(sess, before)


@pytest.mark.parametrize("damage", ["truncate", "flip_data", "bad_header", "short"])
def test_corrupt_checkpoint_is_data_loss(saved, damage):
    sess, path, before = saved
    file = path + ".safetensors"
    data = bytearray(open(file, "rb").read())
    if damage == "truncate":
        data = data[:-5]
    elif damage == "flip_data":
        data[-3] ^= 0xFF
    elif damage == "bad_header":
        data[10] = ord("}")
    else:
        data = data[:4]
    open(file, "wb").write(bytes(data))
    with pytest.raises(tf.errors.DataLossError):
        tf.train.Saver().restore(sess, path)
    _unchanged(sess, before)


def test_shape_or_dtype_mismatch_names_the_variable(saved, tmp_path):
    sess, path, before = saved
    file = path + ".safetensors"
    raw = open(file, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = {"F32": np.float32, "F64": np.float64, "I64": np.int64}[info["dtype"]]
        tensors[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype).reshape(info["shape"])
    from tf0.session import safetensors
    bad = dict(tensors, w=np.zeros((3, 2), np.float32))
    safetensors.write(str(tmp_path / "bad_shape.safetensors"), bad)
    with pytest.raises(tf.errors.InvalidArgumentError, match="w"):
        tf.train.Saver().restore(sess, str(tmp_path / "bad_shape"))
    bad = dict(tensors, b=np.zeros(3, np.float32))
    safetensors.write(str(tmp_path / "bad_dtype.safetensors"), bad)
    with pytest.raises(tf.errors.InvalidArgumentError, match="b"):
        tf.train.Saver().restore(sess, str(tmp_path / "bad_dtype"))
    missing = {k: v for k, v in tensors.items() if k != "b"}
    safetensors.write(str(tmp_path / "missing.safetensors"), missing)
    with pytest.raises(tf.errors.NotFoundError, match="b"):
        tf.train.Saver().restore(sess, str(tmp_path / "missing"))
    _unchanged(sess, before)


def test_checkpoint_file_holds_no_pickle(saved):
    _, path, _ = saved
    raw = open(path + ".safetensors", "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    assert set(header) == {"w", "b", "global_step", "__metadata__"}
    assert b"\x80\x04" not in raw[:8 + n]  # no pickle protocol marker in the header


def test_saved_model_export_and_load_in_fresh_process(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 3)
    probs = tf.nn.softmax(logits)
    xv = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(probs, {x: xv})
        tf.saved_model.save(sess, str(tmp_path / "export"), inputs={"x": x},
                            outputs={"probs": probs, "top": tf.argmax(logits, 1)})
    graph = json.loads((tmp_path / "export" / "graph.json").read_text())
    assert graph["format"] == "tf0-saved-model-1"
    assert "VariableV2" not in {n["type"] for n in graph["nodes"]}
    np.save(tmp_path / "x.npy", xv)
    code = textwrap.dedent(f"""
        import numpy as np, tf0
        model = tf0.saved_model.load({str(tmp_path / 'export')!r})
        out = model(x=np.load({str(tmp_path / 'x.npy')!r}))
        np.save({str(tmp_path / 'probs.npy')!r}, out["probs"])
        np.save({str(tmp_path / 'top.npy')!r}, out["top"])
    """)
    subprocess.run([sys.executable, "-c", code], check=True)
    np.testing.assert_allclose(np.load(tmp_path / "probs.npy"), want, rtol=1e-6)
    np.testing.assert_array_equal(np.load(tmp_path / "top.npy"), want.argmax(1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.saved_model.load(str(tmp_path / "export"))(y=xv)
