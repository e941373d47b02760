"""Where a loop's values live on the CUDA backend.

A While op runs its condition and body plans once per iteration, driven by the host. A
value that enters the loop on the host (a counter starting at a constant, a length read off
a shape) stays a host value for as long as the body computes its next value on the host;
then the host decides whether to go on without waiting for the device, and a CUDA graph
capture of the enclosing plan records the same iterations every replay would run (see
cuda_plan.capture_blocker). Every other loop value is a device array.
"""
from tf0.ops.while_ops import loop_subplans

from .cuda_backend import placement
from .plan import Schedule


def loop_placements(op, host, with_records=True):
    """[(schedule, placement)] of each plan of loop op `op`, in the order of
    ops/while_ops.loop_subplans, when the plan that runs `op` keeps the tensors in `host`
    on the host."""
    frame = tuple(op.attrs["frame"])
    plans = loop_subplans(op, with_records)
    fetches, feeds, optional, carried = plans[-1]  # the plan that iterates
    on_host = _host_on_entry(op, feeds, carried, host)
    schedule = Schedule(fetches, feeds, frame, optional)
    while True:  # a carried value stays on the host while the host computes its next one
        step_host = placement(schedule, host_feeds=on_host)
        leaving = {f for f, r in zip(feeds[:carried], fetches[:carried])
                   if f in on_host and r not in step_host}
        if not leaving:
            break
        on_host -= leaving
    if op.type == "WhileGrad":
        return [(schedule, step_host)]
    cond_fetches, cond_feeds, _, _ = plans[0]
    cond = Schedule(cond_fetches, cond_feeds, frame)
    return [(cond, placement(cond, host_feeds=on_host)), (schedule, step_host)]


def loop_host_feeds(op, host, with_records=True):
    """For each plan of loop op `op`, the set of its feeds that arrive as host values."""
    return [{t for t in schedule.feeds if t in plan_host}
            for schedule, plan_host in loop_placements(op, host, with_records)]


def _host_on_entry(op, feeds, carried, host):
    """The feeds of the iterating plan of `op` whose first value is a host value."""
    if op.type == "While":  # loop variables, sliced inputs, captures: the op's inputs
        return {f for f, t in zip(feeds, op.inputs[1:]) if t in host}
    # WhileGrad: carried gradients, emitted-value gradients, recorded activations, captures
    emitted, recorded = len(op.attrs["emit_grads"]), len(op.attrs["recorded"])
    rows = len(op.attrs["results"]) - carried
    outer = list(op.inputs[1:1 + carried + emitted])
    captured = list(op.inputs[1 + carried + emitted + rows:])
    entering = dict(zip(feeds, outer))
    entering.update(zip(feeds[carried + emitted + recorded:], captured))
    _, forward_host = loop_placements(op.inputs[0].op, host)[-1]
    activations = feeds[carried + emitted:carried + emitted + recorded]
    return {f for f, t in entering.items() if t in host} \
        | {f for f in activations if f in forward_host}
