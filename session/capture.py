"""What a CUDA graph of a plan may hold, and what it is keyed by.

A graph replays the kernels its capture launched, with the launch parameters, branch
choices and loop iterations the host decided during that capture. That is right for every
replay as long as each host decision depends only on what the graph is keyed by: the feed
shapes, the variable buffers, and the values of *keyed feeds* — integer and boolean feeds
that host code needs (a tf.cond predicate such as `is_training`, a size used as a shape, a
loop's bound). A plan with a keyed feed gets one graph per value seen (cuda_plan).
"""
from tf0.engine import dtypes
from tf0.engine.graph import branch_predicates, data_inputs

from .cuda_backend import HOST_OPS, computed_on_host, is_folded, placement
from .cuda_loops import loop_placements
from .cuda_ops import LOOP_OPS, RANDOM_OPS, SIZED_BY_VALUES
from .streams import NO_LAUNCH, WRITERS, host_form_inputs, host_reads, variables_touched

_CAPTURABLE_STATE = WRITERS | RANDOM_OPS | {"VariableV2", "ReadVariable"}
_KEYABLE = (dtypes.int32, dtypes.int64, dtypes.bool_)


def keyed_feeds(schedule):
    """Indices of the feeds a graph of `schedule` is keyed by: the integer and boolean
    feeds whose values some host decision needs, and that alone determine it."""
    keyed = set()
    while True:
        host = placement(schedule, host_feeds=keyed)
        new = set()
        for t in _wanted_on_host(schedule, host):
            behind = _feeds_determining(t, set(schedule.feeds))
            if behind and all(f.dtype in _KEYABLE for f in behind):
                new |= behind - keyed
        if not new:
            return [i for i, f in enumerate(schedule.feeds) if f in keyed]
        keyed |= new


def _wanted_on_host(schedule, host):
    """Device tensors host code of `schedule` would need: downloads, launch parameters,
    tf.cond predicates, and a loop's integer and boolean scalars (its bounds)."""
    wanted = []
    for op in schedule.ops:
        wanted += [t for t in host_form_inputs(op, host) if t not in host]
        wanted += [p for p in branch_predicates(op) if p not in host]
        if op.type == "While":
            wanted += [t for t in data_inputs(op) if t not in host and t.dtype in _KEYABLE
                       and t.shape.ndims == 0]
    return wanted


def _feeds_determining(tensor, feeds):
    """The feeds `tensor`'s value is a function of, when it is one of feeds and constants
    only (no variable, no random draw, no host state); else None."""
    found, seen, stack = set(), set(), [tensor]
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if t in feeds:
            found.add(t)
        elif t.op.type in HOST_OPS:  # reads only a shape, which the key fixes
            continue
        elif t.op.type == "Placeholder" or t.op.op_def.stateful or t.op.control_inputs:
            return None
        else:
            stack.extend(data_inputs(t.op))
    return found


def capture_blocker(schedule, host, in_loop=False):
    """Why `schedule` cannot be captured as a CUDA graph (a sentence), or None. `host` is
    its placement for a graph: keyed feeds on the host, the others on the device (in the
    graph's input buffers), so every host value is fixed by the graph's key. `in_loop`:
    `schedule` is a plan of a loop inside a plan being checked (cuda_loops)."""
    feeds = set(schedule.feeds)
    read = {t for op in schedule.ops for t in op.inputs}
    launches = False
    for op in schedule.ops:
        if op.type in ("MakeIterator", "IteratorGetNext"):
            return f"op '{op.name}' reads a host-side dataset iterator"
        if op.type in LOOP_OPS:
            reason = _loop_blocker(op, host, op.outputs[-1] in read)
            if reason:
                return reason
            launches = True
            continue
        if op.type in SIZED_BY_VALUES and not computed_on_host(op, host):
            return f"op '{op.name}' ({op.type}) makes an output whose size depends on " \
                   f"device values"
        if in_loop and variables_touched(op):
            return f"op '{op.name}' uses a variable inside a loop"
        if op.op_def.stateful and op.type not in _CAPTURABLE_STATE:
            return f"op '{op.name}' ({op.type}) reads session state on the host"
        if op.type == "Assign" and not op.attrs.get("validate_shape", True):
            return f"op '{op.name}' may change the shape of a variable"
        chosen_on_device = [p for p in branch_predicates(op) if p not in host]
        if chosen_on_device:
            return f"op '{op.name}' is in a tf.cond branch chosen by the device value " \
                   f"'{chosen_on_device[0].name}'"
        fed = [t for t in host_form_inputs(op, host) if t in feeds and t not in host]
        if fed:
            return f"'{op.name}' takes fed tensor '{fed[0].name}' as a launch parameter"
        needed = host_reads(op, host)
        if needed:
            return f"'{op.name}' needs the device value '{needed[0].name}' on the host"
        launches = launches or not (computed_on_host(op, host) or op.type in HOST_OPS
                                    or op.type in NO_LAUNCH or is_folded(schedule, op))
    return None if launches or in_loop else "the plan launches no kernels"


def _loop_blocker(op, host, with_records):
    """Why loop op `op` cannot run inside a captured graph, or None: it can when the host
    decides every iteration from host values (fixed by the graph's key), and its plans
    could be captured themselves."""
    plans = loop_placements(op, host, with_records or op.type == "WhileGrad")
    if op.type == "While":
        if op.inputs[0] not in host:
            return f"the iteration limit of tf.while_loop '{op.name}' is a device value"
        cond, cond_host = plans[0]
        if cond.fetches[0] not in cond_host:
            return f"tf.while_loop '{op.name}' decides on the device whether to go on"
    for plan, plan_host in plans:
        reason = capture_blocker(plan, plan_host, in_loop=True)
        if reason:
            return f"{reason} (in tf.while_loop '{op.name}')"
    return None
