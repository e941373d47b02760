"""tf.train.init_from_checkpoint: variables whose initializers load their values from a
checkpoint (fine-tuning from a pretrained model), by TF1's assignment-map rules.

Each chosen variable's initializer becomes an Assign from a CheckpointValue op, which reads
its tensor from the checkpoint file when the initializer runs (the file is read once for
all of them, and nothing of it enters the graph or its meta graph).
"""
import functools
import os
import re

from tf0.engine import errors
from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.engine.shapes import TensorShape
from tf0.ops.core import defop, make_op

from . import safetensors
from .saver import SUFFIX, prefix_of


@functools.lru_cache(maxsize=1)
def _tensors(path, mtime_ns, size):
    """Every tensor of one checkpoint file (the last one read stays cached)."""
    return safetensors.read(path)[0]


def _checkpoint(path):
    """{name: array} of the checkpoint file at path, read again only when it changed."""
    stat = os.stat(path)
    return _tensors(path, stat.st_mtime_ns, stat.st_size)


def _checkpoint_value_infer(op):
    return [(TensorShape(op.attrs["shape"]), op.attrs["dtype"])]


def _checkpoint_value_bind(op, ctx):
    path, name, dtype = op.attrs["path"], op.attrs["tensor"], op.attrs["dtype"].np

    def read():
        try:
            value = _checkpoint(path)[name]
        except (OSError, KeyError) as e:
            raise errors.NotFoundError(op.node_def, op, f"cannot read {name} from "
                                                        f"{path}: {e}") from None
        return value.astype(dtype, copy=True)
    return read


defop("CheckpointValue", _checkpoint_value_infer, _checkpoint_value_bind, stateful=True)


def _variables_by_name(graph):
    return {v.op.name: v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)}


def _load_into(var, path, name, shape):
    """Make `var`'s initializer assign checkpoint tensor `name` of `shape`."""
    graph = var.graph
    with graph.name_scope(var.op.name + "/"), graph.control_dependencies(None):
        value = make_op("CheckpointValue", [], {"path": path, "tensor": name,
                                                 "dtype": var.dtype, "shape": list(shape)},
                        name="checkpoint_initializer", graph=graph)
        var._initializer_op = graph.create_op("Assign", [var.op.outputs[0], value],
                                              {"validate_shape": True}, name="Assign")
    var._initial_value = value


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """Set the initializers of the variables `assignment_map` names to load from the
    checkpoint (a prefix, or a folder for its newest). Keys are checkpoint names, values
    the variables to load: {"old/w": "new/w"} or {"old/w": variable} for one,
    {"old/": "new/"} for every variable under scope new/ from old/ ("/" is the root on
    either side). Call it before tf.global_variables_initializer()."""
    path = prefix_of(ckpt_dir_or_file) + SUFFIX
    try:
        shapes = {name: value.shape for name, value in _checkpoint(path).items()}
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"No checkpoint at {path}") from None
    variables = _variables_by_name(get_default_graph())
    loads = []  # (variable, tensor name): all checked before any initializer changes
    for in_ckpt, current in sorted(assignment_map.items(), key=lambda kv: kv[0]):
        var = current if hasattr(current, "initializer") else variables.get(current)
        if var is not None:
            if in_ckpt not in shapes:
                raise ValueError(f"Tensor {in_ckpt} is not found in checkpoint {path}")
            loads.append((var, in_ckpt))
            continue
        if not (in_ckpt.endswith("/") and current.endswith("/")):
            raise ValueError(f"Assignment map entry {in_ckpt!r}: {current!r} names no "
                             f"variable; a scope maps to a scope: 'scope/': 'other_scope/'")
        scope = "" if current == "/" else current
        source = "" if in_ckpt == "/" else in_ckpt
        chosen = sorted(n for n in variables if n.startswith(scope))
        if not chosen:
            raise ValueError(f"No variable is under scope {current!r}")
        for name in chosen:
            full = source + name[len(scope):]
            if full not in shapes:
                raise ValueError(f"Tensor {full} ({name} in {current!r}) is not found in "
                                 f"checkpoint {path}")
            loads.append((variables[name], full))
    for var, name in loads:
        if not var.shape.is_compatible_with(shapes[name]):
            raise ValueError(f"Shape of variable {var.name} ({var.shape}) doesn't match with "
                             f"shape of tensor {name} ({list(shapes[name])}) from checkpoint")
    for var, name in loads:
        _load_into(var, path, name, shapes[name])


def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
               var_name_to_prev_var_name=None):
    """Initialize variables from a checkpoint (init_from_checkpoint): the trainable ones
    whose names match the regex vars_to_warm_start (or, for a list of regexes, the global
    ones matching any), each read under its name in var_name_to_prev_var_name if given."""
    if var_name_to_vocab_info:
        raise NotImplementedError("tf0's warm_start remaps no vocabularies")
    graph = get_default_graph()
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        patterns = [vars_to_warm_start or ".*"]
        candidates = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    else:
        patterns = list(vars_to_warm_start)
        candidates = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
    renamed = var_name_to_prev_var_name or {}
    chosen = {renamed.get(v.op.name, v.op.name): v for v in candidates
              if any(re.match(p, v.op.name) for p in patterns)}
    if chosen:
        init_from_checkpoint(ckpt_to_initialize_from, chosen)


class WarmStartSettings:
    """What an Estimator warm-starts from: a checkpoint and which variables."""

    def __init__(self, ckpt_to_initialize_from, vars_to_warm_start=".*",
                 var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        self.ckpt_to_initialize_from = ckpt_to_initialize_from
        self.vars_to_warm_start = vars_to_warm_start
        self.var_name_to_vocab_info = var_name_to_vocab_info
        self.var_name_to_prev_var_name = var_name_to_prev_var_name
