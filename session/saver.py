"""tf.train.Saver: checkpoints of variables as safetensors files.

save(sess, "dir/model.ckpt", global_step=7) writes dir/model.ckpt-7.safetensors and the
graph as dir/model.ckpt-7.meta (session/meta_graph.py), and records it in dir/checkpoint
(TF1's text format); the path returned, "dir/model.ckpt-7", is what restore() and
latest_checkpoint() use. Restore reads and checks everything before it
assigns anything, so a bad checkpoint changes no variable.
"""
import logging
import os
import re

import numpy as np

from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_graph

from . import safetensors
from .meta_graph import export_meta_graph

SUFFIX = ".safetensors"
_STATE_FILE = "checkpoint"


def _state_path(folder):
    return os.path.join(folder, _STATE_FILE)


def _read_state(folder):
    """(latest, [all]) checkpoint prefixes recorded in folder/checkpoint (relative names
    resolved against the folder)."""
    try:
        with open(_state_path(folder)) as f:
            text = f.read()
    except FileNotFoundError:
        return None, []

    def resolve(p):
        return p if os.path.isabs(p) else os.path.join(folder, p)
    latest = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', text, re.M)
    every = re.findall(r'^all_model_checkpoint_paths:\s*"(.*)"\s*$', text, re.M)
    return (resolve(latest.group(1)) if latest else None), [resolve(p) for p in every]


def write_checkpoint_state(folder, latest, every):
    lines = [f'model_checkpoint_path: "{os.path.basename(latest)}"']
    lines += [f'all_model_checkpoint_paths: "{os.path.basename(p)}"' for p in every]
    tmp = _state_path(folder) + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, _state_path(folder))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint saved in checkpoint_dir, or None."""
    latest, _ = _read_state(checkpoint_dir)
    if latest is not None and os.path.exists(latest + SUFFIX):
        return latest
    return None


def checkpoint_exists(prefix):
    return os.path.exists(prefix + SUFFIX)


class NewCheckpointReader:
    """tf.train.NewCheckpointReader: the tensors of one checkpoint (a prefix, or a folder
    for its newest), read once."""

    def __init__(self, filepattern):
        self._tensors, _ = safetensors.read(prefix_of(filepattern) + SUFFIX)

    def get_variable_to_shape_map(self):
        return {name: list(value.shape) for name, value in self._tensors.items()}

    def get_variable_to_dtype_map(self):
        from tf0.engine import dtypes
        return {name: dtypes.as_dtype(value.dtype) for name, value in self._tensors.items()}

    def has_tensor(self, name):
        return name in self._tensors

    def get_tensor(self, name):
        """The value saved under `name` (a NumPy array; NotFoundError when absent)."""
        if name not in self._tensors:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        return self._tensors[name].copy()


class CheckpointState:
    """What tf.train.get_checkpoint_state reports: the newest checkpoint prefix and every
    one still recorded, oldest first."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return f"CheckpointState(model_checkpoint_path={self.model_checkpoint_path!r})"


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of checkpoint_dir's `checkpoint` file, or None without one."""
    latest, every = _read_state(checkpoint_dir)
    return None if latest is None else CheckpointState(latest, every)


def prefix_of(ckpt_dir_or_file):
    """A checkpoint prefix from itself or from the folder holding it (its newest)."""
    if os.path.isdir(ckpt_dir_or_file):
        prefix = latest_checkpoint(ckpt_dir_or_file)
        if prefix is None:
            raise errors.NotFoundError(None, None, f"No checkpoint found in {ckpt_dir_or_file}")
        return prefix
    return ckpt_dir_or_file[:-len(SUFFIX)] if ckpt_dir_or_file.endswith(SUFFIX) \
        else ckpt_dir_or_file


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of every tensor in a checkpoint, sorted by name."""
    tensors, _ = safetensors.read(prefix_of(ckpt_dir_or_file) + SUFFIX)
    return sorted((name, list(value.shape)) for name, value in tensors.items())


def load_variable(ckpt_dir_or_file, name):
    """The value saved under `name` (a NumPy array)."""
    prefix = prefix_of(ckpt_dir_or_file)
    tensors, _ = safetensors.read(prefix + SUFFIX)
    key = name[:-2] if name.endswith(":0") else name
    if key not in tensors:
        raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint {prefix}")
    return tensors[key]


class Saver:
    """Saves and restores `var_list` (default: every global variable), keyed by op name."""

    def __init__(self, var_list=None, max_to_keep=5, name=None, **unused):
        if var_list is None:
            var_list = get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES)
        if isinstance(var_list, dict):
            self._vars = dict(var_list)
        else:
            self._vars = {v.op.name: v for v in var_list}
        if not self._vars:
            raise ValueError("No variables to save")
        self._max_to_keep = max_to_keep
        self._kept = []
        self._meta_graph = True  # False once the graph proved not exportable

    def export_meta_graph(self, filename=None, **kwargs):
        """tf.train.export_meta_graph of the default graph."""
        return export_meta_graph(filename, **kwargs)

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True, **unused):
        """Write the variables' values, and the graph as <prefix>.meta (a meta graph, for
        tf.train.import_meta_graph) unless write_meta_graph is False or the graph holds
        ops that cannot be exported (then the "tf0" logger says so once, at INFO level);
        returns the checkpoint prefix."""
        prefix = save_path
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, np.integer)) else \
                int(sess.run(global_step))
            prefix = f"{save_path}-{int(step)}"
        names = list(self._vars)
        values = sess.run([self._vars[n] for n in names])
        safetensors.write(prefix + SUFFIX, {n: np.asarray(v) for n, v in zip(names, values)},
                          {"format": "tf0-checkpoint-1"})
        if write_meta_graph and self._meta_graph:
            try:
                export_meta_graph(f"{prefix}.{meta_graph_suffix}", graph=sess.graph)
            except TypeError as e:
                self._meta_graph = False
                logging.getLogger("tf0").info(f"Saver writes no meta graph: {e}")
        if write_state:
            folder = os.path.dirname(os.path.abspath(prefix))
            _, every = _read_state(folder)
            every = [p for p in every if p != prefix] + [prefix]
            self._kept = [p for p in self._kept if p != prefix] + [prefix]
            if self._max_to_keep and len(self._kept) > self._max_to_keep:
                for old in self._kept[:-self._max_to_keep]:
                    for path in (old + SUFFIX, f"{old}.{meta_graph_suffix}"):
                        if os.path.exists(path):
                            os.unlink(path)
                    every = [p for p in every if p != old]
                self._kept = self._kept[-self._max_to_keep:]
            write_checkpoint_state(folder, prefix, every)
        return prefix

    def restore(self, sess, save_path):
        """Load every variable from the checkpoint at `save_path` (a prefix); on any problem
        raise (NotFoundError, DataLossError, InvalidArgumentError) and change nothing."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        tensors, _ = safetensors.read(save_path + SUFFIX)
        checked = []
        for name, var in self._vars.items():
            if name not in tensors:
                raise errors.NotFoundError(None, var.op, f"Key {name} not found in checkpoint "
                                                         f"{save_path}")
            value = tensors[name]
            if value.dtype != var.dtype.np:
                raise errors.InvalidArgumentError(
                    None, var.op, f"tensor {name}: checkpoint has dtype {value.dtype}, the "
                                  f"variable has {var.dtype.name}")
            if not var.shape.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, var.op, f"tensor {name}: checkpoint has shape {list(value.shape)}, "
                                  f"the variable has {var.shape}")
            checked.append((var, value))
        for var, value in checked:
            sess._load_variable(var.op, value)

    def last_checkpoints(self):
        return list(self._kept)
