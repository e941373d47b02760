"""tf.train's checkpoint and step utilities: checkpoints_iterator (new checkpoints as they
appear), get_checkpoint_mtimes, remove_checkpoint, update_checkpoint_state,
load_checkpoint, global_step, assert_global_step, basic_train_loop and write_graph."""
import os
import time

from tf0.engine.graph import Graph

from .saver import (SUFFIX, NewCheckpointReader, latest_checkpoint, prefix_of,
                    write_checkpoint_state)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new latest checkpoint of checkpoint_dir as it appears (waiting between
    them, at least min_interval_secs); ends once none has come for `timeout` seconds and
    timeout_fn (if given) returns True."""
    last = None
    while True:
        start = time.monotonic()
        while True:
            path = latest_checkpoint(checkpoint_dir)
            if path is not None and path != last:
                break
            if timeout is not None and time.monotonic() - start > timeout:
                path = None
                break
            time.sleep(0.05)
        if path is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        last = path
        yield path
        wait = min_interval_secs - (time.monotonic() - start)
        if wait > 0:
            time.sleep(wait)


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times of the checkpoints that exist."""
    return [os.path.getmtime(p + SUFFIX) for p in checkpoint_prefixes
            if os.path.exists(p + SUFFIX)]


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=None,
                      meta_graph_suffix="meta"):
    """Delete a checkpoint's files (its data and .meta)."""
    for path in (checkpoint_prefix + SUFFIX, f"{checkpoint_prefix}.{meta_graph_suffix}"):
        if os.path.exists(path):
            os.unlink(path)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Write save_dir/checkpoint naming the latest checkpoint and all kept ones."""
    every = list(all_model_checkpoint_paths or [])
    if model_checkpoint_path not in every:
        every.append(model_checkpoint_path)
    write_checkpoint_state(save_dir, model_checkpoint_path, every)


def load_checkpoint(ckpt_dir_or_file):
    """A reader of a checkpoint (a prefix, or a folder's latest)."""
    return NewCheckpointReader(prefix_of(ckpt_dir_or_file))


def global_step(sess, global_step_tensor):
    """The global step's value as an int."""
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor):
    """TypeError unless the tensor (or Variable) is an integer scalar."""
    dtype, shape = global_step_tensor.dtype, global_step_tensor.shape
    if not dtype.is_integer or (shape.ndims is not None and shape.ndims != 0):
        raise TypeError(f"Existing \"global_step\" does not have integer type: {dtype.name}"
                        if not dtype.is_integer else
                        f"Existing \"global_step\" is not scalar: {shape}")


def basic_train_loop(supervisor, train_step_fn, args=None, kwargs=None, master=""):
    """Run train_step_fn(session, *args, **kwargs) in the supervisor's managed session
    until it should stop."""
    with supervisor.managed_session(master) as sess:
        while not supervisor.should_stop():
            train_step_fn(sess, *(args or ()), **(kwargs or {}))


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Write a Graph's or GraphDef's serialized GraphDef (tf0's JSON, the same as_text or
    not) to logdir/name; returns the path. GraphDef.ParseFromString reads it back."""
    graph_def = graph_or_graph_def
    if isinstance(graph_def, Graph):
        graph_def = graph_def.as_graph_def()
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(graph_def.SerializeToString())
    os.replace(tmp, path)
    return path
